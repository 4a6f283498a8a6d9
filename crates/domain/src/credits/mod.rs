//! Continuing-education credits (继续教育学分): the requirement a district
//! sets (a rule-set kind, versioned by year), and the arithmetic that turns
//! a teacher's ledger into a transcript ([`engine::transcript`]).
//!
//! A requirement is a cycle of calendar years (often five, checked yearly)
//! with a total, an optional yearly minimum, and *buckets*: named parts of
//! the total with a minimum and/or a cap, each gathering the entries of some
//! training forms (centralized, online, school-based …), content areas
//! (师德, theory …) and levels (municipal, county, school …). Seed 002 篇3's
//! 48 = 16 centralized + 8 online + 24 school-based is three buckets by
//! form; Shanghai's "师德 ≥ 8" a bucket by area; Jiangsu's "≥ 180 at county
//! level or above" a bucket by level. *Conversions* say how hours become
//! units (10 hours a credit for courses) or award a fixed amount per
//! occurrence (a county-level open class = 6, up to 18). *Pools* are kept
//! outside the cycle (new-teacher training).

mod amount;
pub mod claims;
pub mod engine;
pub mod national;
pub mod presets;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_edges;

pub use amount::Amount;
pub use engine::{Cycle, Entry, Line, Need, Shortfall, Tally, Transcript, Why, YearTally, transcript, worth};

use crate::activities::ActivityType;
use crate::codes::coded_enum;
use crate::error::FieldError;
use crate::level::Level;
use crate::locale::Locale;
use crate::rule_sets::RuleSetKind;
use serde::{Deserialize, Serialize};

coded_enum!(
    /// How a training was delivered (培训形式). The national system's
    /// 培训方式 codes map onto these ([`Form::from_national`]).
    Form, "unknown_training_form", {
        /// 集中培训 / 面授
        Centralized = "centralized", "集中培训", ["集中", "面授", "短期面授", "集中面授"];
        /// 网络研修
        Online = "online", "网络研修", ["网络", "线上", "网络培训", "网培"];
        /// 面授与网络结合
        Blended = "blended", "混合研修", ["面授与网络结合", "线上线下结合", "混合式"];
        /// 校本研修
        SchoolBased = "school_based", "校本研修", ["校本", "校本培训", "校本研训"];
        /// 岗位实践 / 实践体验
        Practice = "practice", "实践研修", ["实践", "实践体验", "岗位实践"];
        /// 自主研修
        SelfStudy = "self_study", "自主研修", ["自学", "自主学习"];
        /// 学历进修 / 长期脱产
        Degree = "degree", "学历进修", ["学历提升", "长期脱产", "学历提高"];
        /// 其他
        Other = "other", "其他形式", ["其他"];
    }
);

impl Form {
    /// The form of the national system's 培训方式 code (1 长期脱产,
    /// 2 短期面授, 3 网络研修, 4 面授与网络结合, 9 其他).
    pub fn from_national(code: &str) -> Option<Form> {
        match code.trim() {
            "1" => Some(Form::Degree),
            "2" => Some(Form::Centralized),
            "3" => Some(Form::Online),
            "4" => Some(Form::Blended),
            "9" => Some(Form::Other),
            _ => None,
        }
    }

    /// The national 培训方式 code a form is handed up as.
    pub fn national(self) -> &'static str {
        match self {
            Form::Degree => "1",
            Form::Centralized | Form::SchoolBased | Form::Practice => "2",
            Form::Online => "3",
            Form::Blended => "4",
            Form::SelfStudy | Form::Other => "9",
        }
    }
}

coded_enum!(
    /// What a training was about (内容领域).
    Area, "unknown_content_area", {
        /// 师德修养
        Ethics = "ethics", "师德修养", ["师德", "师德师风", "师德与素养"];
        /// 教育理论
        Theory = "theory", "教育理论", ["理论", "通识"];
        /// 教学方法 / 教学技能
        Method = "method", "教学方法", ["教学技能", "教法"];
        /// 教育科研
        Research = "research", "教育科研", ["科研", "教科研"];
        /// 信息技术
        Technology = "technology", "信息技术", ["教育技术", "信息技术应用"];
        /// 学科知识
        Subject = "subject", "学科知识", ["学科", "专业知识"];
        /// 班主任工作
        ClassTeacher = "class_teacher", "班主任工作", ["班主任", "德育"];
        /// 其他
        Other = "other", "其他内容", [];
    }
);

coded_enum!(
    /// Things a teacher did that earn credits without being an activity
    /// they attended: a conversion can award a fixed amount for each.
    Earning, "unknown_earning", {
        /// 开设公开课 / 示范课 (given, at the record's level)
        OpenClass = "open_class", "开设公开课", ["公开课", "示范课"];
        /// 比赛获奖
        CompetitionPrize = "competition_prize", "比赛获奖", ["获奖"];
        /// 学历进修一学年（合格）
        DegreeYear = "degree_year", "学历进修学年", ["学历进修"];
        /// 新教师培训
        NewTeacherTraining = "new_teacher_training", "新教师培训", ["新任教师培训", "新教师"];
        /// 校外培训 (recorded in the portfolio, claimed or imported)
        OutsideTraining = "outside_training", "校外培训", ["外出培训", "外部培训"];
        /// 师徒结对: a pair's meetings and two-way cycle stages, for the
        /// mentor and the apprentices alike
        Mentoring = "mentoring", "师徒结对", ["青蓝工程", "师徒带教", "传帮带"];
    }
);

/// What earned an entry: an activity of a type, or something done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum What {
    Activity(ActivityType),
    Earning(Earning),
}

impl What {
    pub fn code(self) -> &'static str {
        match self {
            What::Activity(t) => t.code(),
            What::Earning(e) => e.code(),
        }
    }

    pub fn from_code(code: &str) -> Option<What> {
        ActivityType::from_code(code)
            .map(What::Activity)
            .or_else(|| Earning::from_code(code).map(What::Earning))
    }

    pub fn zh(self) -> &'static str {
        match self {
            What::Activity(t) => t.zh(),
            What::Earning(e) => e.zh(),
        }
    }

    /// Reads a code or a Chinese name of either vocabulary.
    pub fn parse(field: &'static str, s: &str) -> Result<What, FieldError> {
        ActivityType::parse(field, s)
            .map(What::Activity)
            .or_else(|_| Earning::parse(field, s).map(What::Earning))
            .map_err(|_| FieldError::new(field, "unknown_earning").with("value", s.trim()))
    }

    /// Every code, activity types first.
    pub fn all() -> impl Iterator<Item = What> {
        ActivityType::ALL
            .iter()
            .map(|t| What::Activity(*t))
            .chain(Earning::ALL.iter().map(|e| What::Earning(*e)))
    }
}

impl Serialize for What {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for What {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        What::parse("value", &s).map_err(serde::de::Error::custom)
    }
}

coded_enum!(
    /// What the requirement is counted in.
    Unit, "unknown_credit_unit", {
        /// 学分
        Credit = "credit", "学分", [];
        /// 学时
        Hour = "hour", "学时", [];
    }
);

coded_enum!(
    /// Who reviews a claim for outside training before it counts (学分登记
    /// then 学分认定).
    Approval, "unknown_approval_chain", {
        /// Counted when the teacher claims it.
        None = "none", "无需审核", [];
        /// The school's training director.
        School = "school", "学校审核", [];
        /// The school, then the district's training office.
        SchoolThenDistrict = "school_then_district", "学校审核后区县认定", ["school_district"];
    }
);

/// A named part of the total: the entries it gathers and the minimum it
/// needs and/or the most of them that count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Bucket {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    /// Entries of these forms (any form when empty) …
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub forms: Vec<Form>,
    /// … about these areas (any area when empty) …
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub areas: Vec<Area>,
    /// … at these levels (any level when empty).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub levels: Vec<Level>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<f64>))]
    pub min: Option<Amount>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<f64>))]
    pub cap: Option<Amount>,
}

impl Bucket {
    pub fn name(&self, l: Locale) -> &str {
        match l {
            Locale::ZhCn => &self.name_zh,
            Locale::En => &self.name_en,
        }
    }

    /// Whether an entry falls in this bucket.
    pub fn gathers(&self, e: &Entry) -> bool {
        (self.forms.is_empty() || self.forms.contains(&e.form))
            && (self.areas.is_empty() || e.area.is_some_and(|a| self.areas.contains(&a)))
            && (self.levels.is_empty() || e.level.is_some_and(|l| self.levels.contains(&l)))
    }
}

/// How the entries it matches become units: at a rate (hours a unit) or a
/// fixed award each; optionally no more than `cap` in a cycle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Conversion {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    /// Activity types or earnings it applies to (any when empty) …
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub kinds: Vec<What>,
    /// … of these forms (any when empty) …
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub forms: Vec<Form>,
    /// … at this level or above.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub min_level: Option<Level>,
    /// Hours for one unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<f64>))]
    pub hours_per_unit: Option<Amount>,
    /// Units for each occurrence, whatever its hours.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<f64>))]
    pub fixed: Option<Amount>,
    /// The most it counts in one cycle.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<f64>))]
    pub cap: Option<Amount>,
}

impl Conversion {
    pub fn name(&self, l: Locale) -> &str {
        match l {
            Locale::ZhCn => &self.name_zh,
            Locale::En => &self.name_en,
        }
    }

    pub fn matches(&self, e: &Entry) -> bool {
        (self.kinds.is_empty() || self.kinds.contains(&e.what))
            && (self.forms.is_empty() || self.forms.contains(&e.form))
            && self.min_level.is_none_or(|min| e.level.is_some_and(|l| l >= min))
    }
}

/// Units kept outside the cycle (new-teacher training): they neither count
/// toward the cycle nor are lost with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Pool {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<f64>))]
    pub min: Option<Amount>,
    /// Whether the minimum is asked of new teachers only.
    #[serde(default)]
    pub new_teachers: bool,
}

impl Pool {
    pub fn name(&self, l: Locale) -> &str {
        match l {
            Locale::ZhCn => &self.name_zh,
            Locale::En => &self.name_en,
        }
    }
}

fn default_cycle_years() -> u32 {
    5
}

fn default_cycle_start() -> i32 {
    2021
}

fn default_rate() -> Amount {
    Amount::whole(1)
}

/// A district's (or, where it allows, a school's) credit requirement for a
/// school year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreditRules {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub unit: Unit,
    /// Calendar years in a cycle.
    #[serde(default = "default_cycle_years")]
    pub cycle_years: u32,
    /// The first year of a cycle; cycles follow each other from it.
    #[serde(default = "default_cycle_start")]
    pub cycle_start: i32,
    /// What a cycle asks in all.
    #[cfg_attr(feature = "openapi", schema(value_type = f64))]
    pub total: Amount,
    /// What each calendar year of the cycle asks at least.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<f64>))]
    pub yearly_min: Option<Amount>,
    /// Hours for one unit where no conversion matches (1 学时 = 1 学分).
    #[serde(default = "default_rate")]
    #[cfg_attr(feature = "openapi", schema(value_type = f64))]
    pub hours_per_unit: Amount,
    #[serde(default)]
    pub buckets: Vec<Bucket>,
    #[serde(default)]
    pub conversions: Vec<Conversion>,
    #[serde(default)]
    pub pools: Vec<Pool>,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub approval: Approval,
    /// Whether outside training needs approval before it is taken.
    #[serde(default)]
    pub prior_approval: bool,
    /// Whether an activity's credit waits for the teacher's feedback.
    #[serde(default)]
    pub feedback_required: bool,
    /// Whether a school may set its own requirement instead.
    #[serde(default)]
    pub school_override: bool,
    /// The preset it was adopted from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preset: Option<String>,
    /// Remarks (what a preset could not say for sure).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note_zh: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note_en: String,
}

impl Default for CreditRules {
    /// No requirement: nothing is asked until a district sets one.
    fn default() -> Self {
        CreditRules {
            unit: Unit::Credit,
            cycle_years: default_cycle_years(),
            cycle_start: default_cycle_start(),
            total: Amount::ZERO,
            yearly_min: None,
            hours_per_unit: default_rate(),
            buckets: Vec::new(),
            conversions: Vec::new(),
            pools: Vec::new(),
            approval: Approval::School,
            prior_approval: false,
            feedback_required: false,
            school_override: false,
            preset: None,
            note_zh: String::new(),
            note_en: String::new(),
        }
    }
}

/// A code as rules name things: lower-case letters, digits and `_`, 1–40.
fn code_ok(c: &str) -> bool {
    (1..=40).contains(&c.len())
        && c.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// A name: 1–60 characters, not only spaces.
fn name_ok(n: &str) -> bool {
    let n = n.trim();
    !n.is_empty() && n.chars().count() <= 60
}

/// Checks a bucket's, conversion's or pool's code and names, and reports
/// them with its own problems, each naming the part (`rule` = its position).
fn part<'a>(
    out: &mut Vec<FieldError>,
    seen: &mut Vec<&'a str>,
    i: usize,
    (code, zh, en): (&'a str, &str, &str),
    own: Vec<FieldError>,
) {
    let tag = |e: FieldError| {
        e.with("rule", i + 1)
            .with("rule_name_zh", if zh.trim().is_empty() { code } else { zh })
            .with("rule_name_en", if en.trim().is_empty() { code } else { en })
    };
    if !code_ok(code) {
        out.push(tag(
            FieldError::new("code", "invalid_rule_code").with("value", code)
        ));
    } else if seen.contains(&code) {
        out.push(tag(
            FieldError::new("code", "duplicate_rule_code").with("value", code)
        ));
    }
    seen.push(code);
    if !name_ok(zh) {
        out.push(tag(FieldError::new("name_zh", "required")));
    }
    if !name_ok(en) {
        out.push(tag(FieldError::new("name_en", "required")));
    }
    out.extend(own.into_iter().map(tag));
}

impl CreditRules {
    /// Whether anything is asked at all.
    pub fn is_set(&self) -> bool {
        !self.total.is_zero()
    }

    pub fn note(&self, l: Locale) -> &str {
        match l {
            Locale::ZhCn => &self.note_zh,
            Locale::En => &self.note_en,
        }
    }

    pub fn bucket(&self, code: &str) -> Option<&Bucket> {
        self.buckets.iter().find(|b| b.code == code)
    }

    pub fn conversion(&self, code: &str) -> Option<&Conversion> {
        self.conversions.iter().find(|c| c.code == code)
    }

    pub fn pool(&self, code: &str) -> Option<&Pool> {
        self.pools.iter().find(|p| p.code == code)
    }

    /// The cycle a calendar year belongs to (years are taken within
    /// 1–9999, the years a date can have).
    pub fn cycle_of(&self, year: i32) -> Cycle {
        let len = self.cycle_years.clamp(1, 10) as i32;
        let year = year.clamp(1, 9999);
        let k = (year - self.cycle_start.clamp(1, 9999)).div_euclid(len);
        let first = self.cycle_start.clamp(1, 9999) + k * len;
        Cycle {
            first,
            last: first + len - 1,
        }
    }

    /// Every problem with the rules, each naming its field (and, inside a
    /// bucket, conversion or pool, which one by `rule` = its position and
    /// `rule_name_zh`/`rule_name_en`). Empty when the rules can be saved.
    pub fn problems(&self) -> Vec<FieldError> {
        let mut out = Vec::new();
        let amount = |out: &mut Vec<FieldError>, field: &'static str, a: Amount, zero_ok: bool| {
            if a.is_negative() || (!zero_ok && a.is_zero()) {
                out.push(FieldError::new(field, "must_be_positive").with("value", a));
            } else if a > Amount::MAX {
                out.push(FieldError::new(field, "amount_too_large").with("max", Amount::MAX));
            }
        };
        if !(1..=10).contains(&self.cycle_years) {
            out.push(
                FieldError::new("cycle_years", "out_of_range")
                    .with("min", 1)
                    .with("max", 10)
                    .with("value", self.cycle_years),
            );
        }
        if !(1990..=2100).contains(&self.cycle_start) {
            out.push(
                FieldError::new("cycle_start", "out_of_range")
                    .with("min", 1990)
                    .with("max", 2100)
                    .with("value", self.cycle_start),
            );
        }
        amount(&mut out, "total", self.total, false);
        amount(&mut out, "hours_per_unit", self.hours_per_unit, false);
        if let Some(y) = self.yearly_min {
            amount(&mut out, "yearly_min", y, false);
            if y > self.total {
                out.push(FieldError::new("yearly_min", "above_total").with("total", self.total));
            }
        }
        for n in [&self.note_zh, &self.note_en] {
            if n.chars().count() > 2000 {
                out.push(FieldError::new("note", "too_long").with("max", 2000));
            }
        }
        // One code names one thing across buckets, conversions and pools.
        let mut seen: Vec<&str> = Vec::new();
        // Parts are numbered across the three lists, in order.
        let (nb, nc) = (self.buckets.len(), self.conversions.len());
        for (i, b) in self.buckets.iter().enumerate() {
            let mut own = Vec::new();
            if b.min.is_none() && b.cap.is_none() {
                own.push(FieldError::new("min", "min_or_cap"));
            }
            if let Some(m) = b.min {
                amount(&mut own, "min", m, false);
                if m > self.total && !self.total.is_zero() {
                    own.push(FieldError::new("min", "above_total").with("total", self.total));
                }
            }
            if let Some(c) = b.cap {
                amount(&mut own, "cap", c, false);
                if b.min.is_some_and(|m| m > c) {
                    own.push(FieldError::new("cap", "cap_below_min"));
                }
            }
            part(&mut out, &mut seen, i, (&b.code, &b.name_zh, &b.name_en), own);
        }
        for (k, c) in self.conversions.iter().enumerate() {
            let mut own = Vec::new();
            match (c.hours_per_unit, c.fixed) {
                (Some(_), Some(_)) | (None, None) => {
                    own.push(FieldError::new("hours_per_unit", "rate_or_fixed"))
                }
                (Some(r), None) => amount(&mut own, "hours_per_unit", r, false),
                (None, Some(f)) => amount(&mut own, "fixed", f, false),
            }
            if let Some(cap) = c.cap {
                amount(&mut own, "cap", cap, false);
            }
            part(
                &mut out,
                &mut seen,
                nb + k,
                (&c.code, &c.name_zh, &c.name_en),
                own,
            );
        }
        for (k, p) in self.pools.iter().enumerate() {
            let mut own = Vec::new();
            if let Some(m) = p.min {
                amount(&mut own, "min", m, false);
            }
            part(
                &mut out,
                &mut seen,
                nb + nc + k,
                (&p.code, &p.name_zh, &p.name_en),
                own,
            );
        }
        out
    }

    /// The rules as saved, or every problem.
    pub fn checked(self) -> Result<CreditRules, Vec<FieldError>> {
        let p = self.problems();
        if p.is_empty() { Ok(self) } else { Err(p) }
    }

    /// Reads rules from TOML (a preset file's fields, or only the rules)
    /// or JSON, and checks them.
    pub fn from_text(text: &str, json: bool) -> Result<CreditRules, presets::PresetError> {
        let r: CreditRules = if json {
            serde_json::from_str(text).map_err(|e| presets::PresetError::Syntax(e.to_string()))?
        } else {
            toml::from_str(text).map_err(|e| presets::PresetError::Syntax(e.to_string()))?
        };
        r.checked().map_err(presets::PresetError::Rules)
    }
}

/// The codes a diff compares: the cycle, the policy, then every bucket,
/// conversion and pool by its code.
pub const CYCLE_CODE: &str = "@cycle";
pub const POLICY_CODE: &str = "@policy";

impl RuleSetKind for CreditRules {
    const KIND: &'static str = "credits";
    const DATED: bool = false;

    fn fallback() -> Self {
        Self::default()
    }

    fn codes(&self) -> Vec<&str> {
        let mut v = vec![CYCLE_CODE, POLICY_CODE];
        v.extend(self.buckets.iter().map(|b| b.code.as_str()));
        v.extend(self.conversions.iter().map(|c| c.code.as_str()));
        v.extend(self.pools.iter().map(|p| p.code.as_str()));
        v
    }

    fn same_rule(&self, other: &Self, code: &str) -> bool {
        match code {
            CYCLE_CODE => {
                (
                    self.unit,
                    self.cycle_years,
                    self.cycle_start,
                    self.total,
                    self.yearly_min,
                    self.hours_per_unit,
                ) == (
                    other.unit,
                    other.cycle_years,
                    other.cycle_start,
                    other.total,
                    other.yearly_min,
                    other.hours_per_unit,
                )
            }
            POLICY_CODE => {
                (
                    self.approval,
                    self.prior_approval,
                    self.feedback_required,
                    self.school_override,
                ) == (
                    other.approval,
                    other.prior_approval,
                    other.feedback_required,
                    other.school_override,
                )
            }
            c => {
                self.bucket(c) == other.bucket(c)
                    && self.conversion(c) == other.conversion(c)
                    && self.pool(c) == other.pool(c)
            }
        }
    }
}
