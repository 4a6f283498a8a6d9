//! Duties (N个一 责任制) as data: a duty set is a list of rules, each saying
//! which evidence counts, how much of it, per which period and for whom.
//! Sets are stored per school or district and school year; [`engine`]
//! evaluates them, [`presets`] holds the sets the seeds describe.
//!
//! Input arrives as [`DutySetInput`] (strings, as typed in a form, a JSON
//! body or a TOML file) and becomes a [`DutySet`] through
//! [`DutySetInput::parse`], which names every bad field of every rule.

pub mod engine;
pub mod presets;
pub mod reminders;

use crate::codes::coded_enum;
use crate::error::FieldError;
use crate::evidence::{ClassType, EvidenceKind, PlanType, ProjectRole, TrainingMode, WritingType};
use crate::honour::HonourKind;
use crate::level::Level;
use crate::locale::Locale;
use crate::tiers::HonourCondition;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub use engine::{Context, DutyPerson, DutyStatus, Item, ItemRef, Progress, evaluate};

coded_enum!(
    /// What a duty counts: a portfolio record of one kind, or a standing
    /// fact that spans time (a research project, an apprentice, a group led).
    CountedKind, "unknown_counted_kind", {
        Observation = "observation", "听课评课", ["听课"];
        Class = "class", "公开教学", ["上课", "公开课"];
        Article = "article", "论文", ["文章"];
        Award = "award", "获奖", ["比赛"];
        Lecture = "lecture", "讲座", [];
        Reading = "reading", "读书笔记", ["读书"];
        Writing = "writing", "教学文稿", [];
        Training = "training", "参加培训", ["培训"];
        StudyVisit = "study_visit", "外出学习", [];
        Plan = "plan", "发展规划", ["规划"];
        /// A research project (课题) the teacher hosts or belongs to, from its
        /// approval (立项) to its conclusion.
        Project = "project", "课题研究", ["课题"];
        /// An apprentice the teacher mentors (师徒结对), while the pair lasts.
        Apprentice = "apprentice", "带徒弟", ["师徒结对", "带教"];
        /// A teaching-research group the teacher leads (组长).
        GroupLead = "group_lead", "担任组长", ["组长"];
    }
);

impl CountedKind {
    /// The portfolio kind, for record kinds.
    pub fn evidence_kind(self) -> Option<EvidenceKind> {
        EvidenceKind::from_code(self.code())
    }

    pub fn of_evidence(k: EvidenceKind) -> Self {
        // Every evidence kind has a counted kind of the same code.
        Self::from_code(k.code()).expect("every evidence kind is countable")
    }

    /// Whether items of this kind carry a level (项目级别).
    fn has_level(self) -> bool {
        match self.evidence_kind() {
            Some(k) => k.level_use() != crate::evidence::LevelUse::None,
            None => self == CountedKind::Project,
        }
    }

    /// The sub-kind codes a rule may filter on, if the kind has sub-kinds.
    pub fn subtype_codes(self) -> &'static [&'static str] {
        match self {
            CountedKind::Class => CLASS_CODES,
            CountedKind::Writing => WRITING_CODES,
            CountedKind::Training => TRAINING_CODES,
            CountedKind::Plan => PLAN_CODES,
            _ => &[],
        }
    }

    /// Reads a sub-kind typed as a code or a Chinese label.
    fn parse_subtype(self, s: &str) -> Option<&'static str> {
        match self {
            CountedKind::Class => ClassType::parse("subtypes", s).ok().map(ClassType::code),
            CountedKind::Writing => WritingType::parse("subtypes", s).ok().map(WritingType::code),
            CountedKind::Training => TrainingMode::parse("subtypes", s).ok().map(TrainingMode::code),
            CountedKind::Plan => PlanType::parse("subtypes", s).ok().map(PlanType::code),
            _ => None,
        }
    }
}

const CLASS_CODES: &[&str] = &[
    "open",
    "demonstration",
    "seminar",
    "diagnosis",
    "research",
    "report_back",
    "quality",
    "debut",
    "standard",
    "guiding",
    "send_teaching",
];
const WRITING_CODES: &[&str] = &[
    "lesson_plan",
    "reflection",
    "case_study",
    "notes",
    "experience",
    "test_paper",
    "courseware",
    "teaching_aid",
];
const TRAINING_CODES: &[&str] = &["centralized", "online", "school_based"];
const PLAN_CODES: &[&str] = &["five_year", "semester", "goal"];

coded_enum!(
    /// The period a duty is counted over. Weeks and fortnights run from the
    /// first day of the semester (教学周); months are calendar months cut at
    /// the semester's ends.
    PeriodUnit, "unknown_period", {
        Week = "week", "每周", ["周"];
        TwoWeeks = "two_weeks", "每两周", ["两周", "双周", "fortnight"];
        Month = "month", "每月", ["月"];
        Semester = "semester", "每学期", ["学期"];
        SchoolYear = "school_year", "每学年", ["学年", "year"];
        /// A fixed date range (`from` – `to`).
        Range = "range", "指定期间", ["期间"];
    }
);

impl PeriodUnit {
    /// Rough length in days, to check a sub-period is shorter than its period.
    fn days(self) -> i64 {
        match self {
            PeriodUnit::Week => 7,
            PeriodUnit::TwoWeeks => 14,
            PeriodUnit::Month => 31,
            PeriodUnit::Semester => 190,
            PeriodUnit::SchoolYear => 366,
            PeriodUnit::Range => i64::MAX,
        }
    }

    pub fn name(self, l: Locale) -> &'static str {
        match (self, l) {
            (PeriodUnit::Week, Locale::ZhCn) => "周",
            (PeriodUnit::Week, Locale::En) => "week",
            (PeriodUnit::TwoWeeks, Locale::ZhCn) => "两周",
            (PeriodUnit::TwoWeeks, Locale::En) => "fortnight",
            (PeriodUnit::Month, Locale::ZhCn) => "月",
            (PeriodUnit::Month, Locale::En) => "month",
            (PeriodUnit::Semester, Locale::ZhCn) => "学期",
            (PeriodUnit::Semester, Locale::En) => "semester",
            (PeriodUnit::SchoolYear, Locale::ZhCn) => "学年",
            (PeriodUnit::SchoolYear, Locale::En) => "school year",
            (PeriodUnit::Range, Locale::ZhCn) => "期间",
            (PeriodUnit::Range, Locale::En) => "period",
        }
    }
}

coded_enum!(
    /// What is added up: records, training hours or study-visit days.
    Measure, "unknown_measure", {
        Count = "count", "次数", ["个数", "篇数"];
        Hours = "hours", "学时", ["小时"];
        Days = "days", "天数", ["天"];
    }
);

/// Which evidence a rule counts. Every filter given must hold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Matcher {
    pub kinds: Vec<CountedKind>,
    /// Sub-kind codes (class type, writing type, training mode, plan type);
    /// empty means any.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subtypes: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_level: Option<Level>,
    /// For projects: the teacher's role.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<ProjectRole>,
    /// Articles that won an award (awards always count as won).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub award_won: bool,
    /// Articles that have appeared (已发表).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub published: bool,
    /// Trainings of at least this many hours.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_hours: Option<f64>,
}

/// For whom a rule holds. Every condition given must hold; within a list,
/// any entry will do. An empty audience is everyone.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Audience {
    /// Tier codes (`young`, `backbone` …) from the school's tier rules.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tiers: Vec<String>,
    /// Holds any of these honours at the level or above.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub honours: Vec<HonourCondition>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age_below: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age_at_least: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub years_at_most: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub years_at_least: Option<i32>,
    /// Group names (教研组, 年级组 …) as the school spells them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<String>,
    /// Staff numbers of named teachers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub teachers: Vec<String>,
}

impl Audience {
    pub fn is_everyone(&self) -> bool {
        *self == Audience::default()
    }
}

/// One duty: "observe ≥ 20 lessons a semester, for backbone teachers".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DutyRule {
    /// Stable identifier within the set (`observe`, `article` …).
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    #[serde(flatten)]
    pub matcher: Matcher,
    #[serde(default = "count_measure", skip_serializing_if = "is_count")]
    pub measure: Measure,
    /// How much is required in each period (or, with `every`, in each
    /// sub-period).
    pub count: f64,
    pub period: PeriodUnit,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<NaiveDate>,
    /// "At least `count` in every sub-period": a reading note in every
    /// fortnight, not ten in the last week.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub every: Option<PeriodUnit>,
    /// Written flat, beside the other fields, so a stored rule reads
    /// exactly like a typed one (`DutyRuleInput`).
    #[serde(flatten, default)]
    pub audience: Audience,
    /// The preset this rule came from, if adopted from one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preset: Option<String>,
    /// The day the rule took effect, when it was adopted or changed within
    /// a school year: periods and sub-periods that ended before it are not
    /// counted, and the pace is measured from it. `None`: from the start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<NaiveDate>,
}

fn count_measure() -> Measure {
    Measure::Count
}

fn is_count(m: &Measure) -> bool {
    *m == Measure::Count
}

impl DutyRule {
    /// The same rule, whenever each took effect.
    pub fn same_as(&self, other: &DutyRule) -> bool {
        let mut a = self.clone();
        a.since = other.since;
        a == *other
    }

    pub fn name(&self, l: Locale) -> &str {
        match l {
            Locale::ZhCn => &self.name_zh,
            Locale::En => &self.name_en,
        }
    }
}

/// A school's or district's duties for a school year.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DutySet {
    pub rules: Vec<DutyRule>,
}

impl DutySet {
    pub fn find(&self, code: &str) -> Option<&DutyRule> {
        self.rules.iter().find(|r| r.code == code)
    }

    /// Adds a preset's rules; a rule with the same code is replaced.
    pub fn adopt(&mut self, preset: &presets::Preset) {
        for r in &preset.set.rules {
            match self.rules.iter_mut().find(|x| x.code == r.code) {
                Some(x) => *x = r.clone(),
                None => self.rules.push(r.clone()),
            }
        }
    }

    /// What evaluating the set reads, so a loader fetches nothing more.
    pub fn needs(&self) -> Needs {
        let mut n = Needs::default();
        for r in &self.rules {
            let m = &r.matcher;
            for k in &m.kinds {
                match k.evidence_kind() {
                    Some(e) => {
                        if !n.record_kinds.contains(&e.code()) {
                            n.record_kinds.push(e.code());
                        }
                        // Amounts and awards are in the details of three kinds.
                        let detail = match k {
                            CountedKind::Training => r.measure == Measure::Hours || m.min_hours.is_some(),
                            CountedKind::StudyVisit => r.measure == Measure::Days,
                            CountedKind::Article => m.award_won,
                            _ => false,
                        };
                        if detail && !n.detail_kinds.contains(&e.code()) {
                            n.detail_kinds.push(e.code());
                        }
                    }
                    None if *k == CountedKind::Project => n.projects = true,
                    None if *k == CountedKind::Apprentice => n.apprentices = true,
                    None => n.groups_led = true,
                }
            }
        }
        n
    }

    /// The rules as input again (for editing, or to save as a file).
    pub fn to_input(&self) -> DutySetInput {
        DutySetInput {
            rules: self.rules.iter().map(DutyRuleInput::of).collect(),
        }
    }
}

/// What a duty set reads: record kinds (codes), the kinds whose details
/// (hours, days, award) matter, and which standing facts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Needs {
    pub record_kinds: Vec<&'static str>,
    pub detail_kinds: Vec<&'static str>,
    pub projects: bool,
    pub apprentices: bool,
    pub groups_led: bool,
}

/// A problem with one rule: which rule (from 1, and its code) and the field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleError {
    pub rule: usize,
    pub code: String,
    /// The rule's names, to name it in a message (its code when unnamed).
    pub name_zh: String,
    pub name_en: String,
    pub error: FieldError,
}

impl std::fmt::Display for RuleError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "rule {} ({}): {}", self.rule, self.code, self.error)
    }
}

/// An honour condition as typed: `backbone` / `骨干教师` and a level.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HonourInput {
    pub kind: String,
    #[serde(default)]
    pub min_level: String,
}

/// A rule as typed; every field a user can get wrong is text. Unknown
/// fields are refused, so a misspelt `kind =` in a file is an error rather
/// than a rule that silently counts nothing.
///
/// Written back out, empty fields are left out, so a rule reads as it was
/// typed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct DutyRuleInput {
    /// Stable identifier within the set: letters, digits, `_`, `-`. Made
    /// from the English name when left empty (see
    /// [`DutySetInput::with_codes`]).
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    /// What counts: `class`, `observation`, `training`, `article`, `project`,
    /// `apprentice` … (codes or their Chinese names).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub kinds: Vec<String>,
    /// Sub-kinds of those kinds (`open_class`, `reading_note` …).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub subtypes: Vec<String>,
    /// `school`, `district`, `city`, `province`, `national`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_level: Option<String>,
    /// For projects: `host` or `member`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub award_won: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub published: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_hours: Option<f64>,
    /// `count` (default), `hours` (trainings) or `days` (study visits).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub measure: Option<String>,
    /// How much each period (or sub-period) asks for.
    pub count: Option<f64>,
    /// `week`, `two_weeks`, `month`, `semester`, `school_year` or `range`.
    pub period: String,
    /// For `range`: the first and last day (`YYYY-MM-DD`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// "In each": the sub-period every one of which must be met.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub every: Option<String>,
    /// Tier codes of the year's tier rules; empty: every tier.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tiers: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub honours: Vec<HonourInput>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub age_below: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub age_at_least: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub years_at_most: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub years_at_least: Option<i32>,
    /// Group names.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<String>,
    /// Staff numbers.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub teachers: Vec<String>,
    /// The preset the rule came from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preset: Option<String>,
    /// When the rule took effect (`YYYY-MM-DD`), if within the school year;
    /// left empty, the store fills it in when the rule is new or changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub since: Option<String>,
}

/// A duty set as typed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DutySetInput {
    #[serde(default)]
    pub rules: Vec<DutyRuleInput>,
}

/// The most rules one set may hold.
pub const MAX_RULES: usize = 100;

fn blank(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

impl DutyRuleInput {
    pub fn of(r: &DutyRule) -> Self {
        let a = &r.audience;
        let m = &r.matcher;
        Self {
            code: r.code.clone(),
            name_zh: r.name_zh.clone(),
            name_en: r.name_en.clone(),
            kinds: m.kinds.iter().map(|k| k.code().to_string()).collect(),
            subtypes: m.subtypes.clone(),
            min_level: m.min_level.map(|l| l.code().to_string()),
            role: m.role.map(|r| r.code().to_string()),
            award_won: m.award_won,
            published: m.published,
            min_hours: m.min_hours,
            measure: Some(r.measure.code().to_string()),
            count: Some(r.count),
            period: r.period.code().to_string(),
            from: r.from.map(|d| d.to_string()),
            to: r.to.map(|d| d.to_string()),
            every: r.every.map(|e| e.code().to_string()),
            tiers: a.tiers.clone(),
            honours: a
                .honours
                .iter()
                .map(|h| HonourInput {
                    kind: h.kind.code().to_string(),
                    min_level: h.min_level.code().to_string(),
                })
                .collect(),
            age_below: a.age_below,
            age_at_least: a.age_at_least,
            years_at_most: a.years_at_most,
            years_at_least: a.years_at_least,
            groups: a.groups.clone(),
            teachers: a.teachers.clone(),
            preset: r.preset.clone(),
            since: r.since.map(|d| d.to_string()),
        }
    }

    /// Parses one rule, collecting every problem.
    fn parse(&self) -> Result<DutyRule, Vec<FieldError>> {
        let mut errs = Vec::new();
        let code = self.code.trim();
        if code.is_empty() {
            errs.push(FieldError::new("code", "required"));
        } else if code.chars().count() > 40
            || !code
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            errs.push(FieldError::new("code", "bad_rule_code").with("value", code));
        }
        for (field, name) in [("name_zh", &self.name_zh), ("name_en", &self.name_en)] {
            let n = name.trim();
            if n.is_empty() {
                errs.push(FieldError::new(field, "required"));
            } else if n.chars().count() > 100 {
                errs.push(FieldError::new(field, "too_long").with("max", 100));
            }
        }

        // Which evidence.
        let mut kinds = Vec::new();
        for k in self.kinds.iter().filter(|k| !k.trim().is_empty()) {
            match CountedKind::parse("kinds", k) {
                Ok(k) if !kinds.contains(&k) => kinds.push(k),
                Ok(_) => {}
                Err(e) => errs.push(e),
            }
        }
        if kinds.is_empty() && self.kinds.iter().all(|k| k.trim().is_empty()) {
            errs.push(FieldError::new("kinds", "required"));
        }
        let mut subtypes = Vec::new();
        for s in self.subtypes.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
            match kinds.iter().find_map(|k| k.parse_subtype(s)) {
                Some(code) if !subtypes.iter().any(|x: &String| x == code) => subtypes.push(code.to_string()),
                Some(_) => {}
                None if kinds.iter().all(|k| k.subtype_codes().is_empty()) && !kinds.is_empty() => {
                    errs.push(FieldError::new("subtypes", "filter_not_for_kinds").with("value", s))
                }
                None => errs.push(FieldError::new("subtypes", "unknown_subtype").with("value", s)),
            }
        }
        let min_level = match blank(&self.min_level) {
            Some(s) => match Level::parse("min_level", s) {
                Ok(l) => Some(l),
                Err(e) => {
                    errs.push(e);
                    None
                }
            },
            None => None,
        };
        if min_level.is_some() && !kinds.is_empty() && !kinds.iter().any(|k| k.has_level()) {
            errs.push(FieldError::new("min_level", "filter_not_for_kinds"));
        }
        let role = match blank(&self.role) {
            Some(s) => match ProjectRole::parse("role", s) {
                Ok(r) => Some(r),
                Err(e) => {
                    errs.push(e);
                    None
                }
            },
            None => None,
        };
        if role.is_some() && !kinds.is_empty() && !kinds.contains(&CountedKind::Project) {
            errs.push(FieldError::new("role", "filter_not_for_kinds"));
        }
        if self.award_won
            && !kinds.is_empty()
            && !kinds
                .iter()
                .any(|k| matches!(k, CountedKind::Article | CountedKind::Award))
        {
            errs.push(FieldError::new("award_won", "filter_not_for_kinds"));
        }
        if self.published && !kinds.is_empty() && !kinds.contains(&CountedKind::Article) {
            errs.push(FieldError::new("published", "filter_not_for_kinds"));
        }
        if let Some(h) = self.min_hours {
            if !(h.is_finite() && h > 0.0 && h <= 10_000.0) {
                errs.push(
                    FieldError::new("min_hours", "out_of_range")
                        .with("min", 0)
                        .with("max", 10_000),
                );
            } else if !kinds.is_empty() && !kinds.contains(&CountedKind::Training) {
                errs.push(FieldError::new("min_hours", "filter_not_for_kinds"));
            }
        }
        let measure = match blank(&self.measure) {
            Some(s) => Measure::parse("measure", s).map_err(|e| errs.push(e)).ok(),
            None => Some(Measure::Count),
        };
        match measure {
            Some(Measure::Hours)
                if !kinds.is_empty() && kinds.iter().any(|k| *k != CountedKind::Training) =>
            {
                errs.push(FieldError::new("measure", "measure_not_for_kinds").with("value", "hours"))
            }
            Some(Measure::Days)
                if !kinds.is_empty() && kinds.iter().any(|k| *k != CountedKind::StudyVisit) =>
            {
                errs.push(FieldError::new("measure", "measure_not_for_kinds").with("value", "days"))
            }
            _ => {}
        }
        let count = match self.count {
            None => {
                errs.push(FieldError::new("count", "required"));
                None
            }
            Some(c) if !(c.is_finite() && c > 0.0 && c <= 1000.0) => {
                errs.push(
                    FieldError::new("count", "out_of_range")
                        .with("min", 1)
                        .with("max", 1000),
                );
                None
            }
            Some(c) if measure == Some(Measure::Count) && c.fract() != 0.0 => {
                errs.push(FieldError::new("count", "not_whole").with("value", c));
                None
            }
            Some(c) => Some(c),
        };

        // When.
        let period = if self.period.trim().is_empty() {
            errs.push(FieldError::new("period", "required"));
            None
        } else {
            PeriodUnit::parse("period", &self.period)
                .map_err(|e| errs.push(e))
                .ok()
        };
        let date = |field: &'static str, s: &Option<String>, errs: &mut Vec<FieldError>| {
            blank(s).and_then(|s| crate::dates::parse_date(field, s).map_err(|e| errs.push(e)).ok())
        };
        let from = date("from", &self.from, &mut errs);
        let since = date("since", &self.since, &mut errs);
        let to = date("to", &self.to, &mut errs);
        if period == Some(PeriodUnit::Range) {
            if blank(&self.from).is_none() {
                errs.push(FieldError::new("from", "required"));
            }
            if blank(&self.to).is_none() {
                errs.push(FieldError::new("to", "required"));
            }
            if let (Some(f), Some(t)) = (from, to)
                && t < f
            {
                errs.push(FieldError::new("to", "end_before_start"));
            }
        } else if period.is_some() && (blank(&self.from).is_some() || blank(&self.to).is_some()) {
            errs.push(FieldError::new("from", "dates_only_for_range"));
        }
        let every = match blank(&self.every) {
            Some(s) => PeriodUnit::parse("every", s).map_err(|e| errs.push(e)).ok(),
            None => None,
        };
        if let Some(e) = every {
            if e == PeriodUnit::Range {
                errs.push(FieldError::new("every", "every_not_range"));
            } else if let Some(p) = period {
                // A range without its dates is longer than anything (and
                // its missing dates are reported above).
                let longer = match (p, from, to) {
                    (PeriodUnit::Range, Some(f), Some(t)) => (t - f).num_days() + 1 > e.days(),
                    _ => p.days() > e.days(),
                };
                if !longer {
                    errs.push(FieldError::new("every", "every_not_shorter").with("value", e.code()));
                }
            }
        }

        // For whom.
        let tiers: Vec<String> = self
            .tiers
            .iter()
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
            .collect();
        let mut honours = Vec::new();
        for h in &self.honours {
            let kind = HonourKind::parse("honours", &h.kind)
                .map_err(|e| errs.push(e))
                .ok();
            let level = if h.min_level.trim().is_empty() {
                Some(Level::School)
            } else {
                Level::parse("honours", &h.min_level)
                    .map_err(|e| errs.push(e))
                    .ok()
            };
            if let (Some(kind), Some(min_level)) = (kind, level) {
                honours.push(HonourCondition { kind, min_level });
            }
        }
        for (field, v) in [
            ("age_below", self.age_below),
            ("age_at_least", self.age_at_least),
            ("years_at_most", self.years_at_most),
            ("years_at_least", self.years_at_least),
        ] {
            if let Some(v) = v
                && !(0..=80).contains(&v)
            {
                errs.push(
                    FieldError::new(field, "out_of_range")
                        .with("min", 0)
                        .with("max", 80),
                );
            }
        }
        if let (Some(below), Some(least)) = (self.age_below, self.age_at_least)
            && below <= least
        {
            errs.push(FieldError::new("age_below", "no_one_matches"));
        }
        if let (Some(most), Some(least)) = (self.years_at_most, self.years_at_least)
            && most < least
        {
            errs.push(FieldError::new("years_at_most", "no_one_matches"));
        }
        let list = |v: &[String]| -> Vec<String> {
            let mut out: Vec<String> = Vec::new();
            for s in v.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
                if !out.iter().any(|x| x == s) {
                    out.push(s.to_string());
                }
            }
            out
        };
        if !errs.is_empty() {
            return Err(errs);
        }
        let (Some(measure), Some(count), Some(period)) = (measure, count, period) else {
            unreachable!("every missing value pushed an error");
        };
        Ok(DutyRule {
            code: code.to_string(),
            name_zh: self.name_zh.trim().to_string(),
            name_en: self.name_en.trim().to_string(),
            matcher: Matcher {
                kinds,
                subtypes,
                min_level,
                role,
                award_won: self.award_won,
                published: self.published,
                min_hours: self.min_hours,
            },
            measure,
            count,
            period,
            from: if period == PeriodUnit::Range { from } else { None },
            to: if period == PeriodUnit::Range { to } else { None },
            every,
            audience: Audience {
                tiers: list(&tiers),
                honours,
                age_below: self.age_below,
                age_at_least: self.age_at_least,
                years_at_most: self.years_at_most,
                years_at_least: self.years_at_least,
                groups: list(&self.groups),
                teachers: list(&self.teachers),
            },
            preset: blank(&self.preset).map(str::to_string),
            since,
        })
    }
}

impl DutySetInput {
    /// The set with a code for each rule that has none: made from its
    /// English name (`observe_20_lessons_a_semester`), else `duty_N`, and
    /// unique within the set. People name duties; codes are for machines.
    pub fn with_codes(&self) -> DutySetInput {
        let mut out = self.clone();
        let mut taken: Vec<String> = out
            .rules
            .iter()
            .map(|r| r.code.trim().to_string())
            .filter(|c| !c.is_empty())
            .collect();
        for (i, r) in out.rules.iter_mut().enumerate() {
            if !r.code.trim().is_empty() {
                continue;
            }
            let mut base = String::new();
            for w in r
                .name_en
                .split(|c: char| !c.is_ascii_alphanumeric())
                .filter(|w| !w.is_empty())
            {
                if base.len() + w.len() + 1 > 32 {
                    break;
                }
                if !base.is_empty() {
                    base.push('_');
                }
                base.push_str(&w.to_ascii_lowercase());
            }
            if base.is_empty() {
                base = format!("duty_{}", i + 1);
            }
            let mut code = base.clone();
            let mut n = 2;
            while taken.contains(&code) {
                code = format!("{base}_{n}");
                n += 1;
            }
            taken.push(code.clone());
            r.code = code;
        }
        out
    }

    /// Parses and checks a whole set. `known_tiers`, when given, are the
    /// tier codes of the school year's tier rules; a rule naming another
    /// tier is refused.
    pub fn parse(&self, known_tiers: Option<&[&str]>) -> Result<DutySet, Vec<RuleError>> {
        let filled = self.with_codes();
        let this = &filled;
        let mut errors = Vec::new();
        let mut rules = Vec::new();
        if this.rules.len() > MAX_RULES {
            errors.push(RuleError {
                rule: 0,
                code: String::new(),
                name_zh: String::new(),
                name_en: String::new(),
                error: FieldError::new("rules", "too_many").with("max", MAX_RULES),
            });
        }
        for (i, r) in this.rules.iter().enumerate() {
            let named = |n: &str| match n.trim() {
                "" => r.code.trim().to_string(),
                n => n.to_string(),
            };
            let at = |error: FieldError| RuleError {
                rule: i + 1,
                code: r.code.trim().to_string(),
                name_zh: named(&r.name_zh),
                name_en: named(&r.name_en),
                error,
            };
            if this.rules[..i]
                .iter()
                .any(|x| x.code.trim() == r.code.trim() && !x.code.trim().is_empty())
            {
                errors.push(at(
                    FieldError::new("code", "duplicate_rule_code").with("value", r.code.trim())
                ));
            }
            if let Some(known) = known_tiers {
                for t in r.tiers.iter().map(|t| t.trim()).filter(|t| !t.is_empty()) {
                    if !known.contains(&t) {
                        errors.push(at(FieldError::new("tiers", "unknown_tier").with("value", t)));
                    }
                }
            }
            match r.parse() {
                Ok(rule) => rules.push(rule),
                Err(es) => errors.extend(es.into_iter().map(at)),
            }
        }
        if errors.is_empty() {
            Ok(DutySet { rules })
        } else {
            Err(errors)
        }
    }
}

impl DutySet {
    /// Checks a stored or built set, as input would be.
    pub fn validate(&self, known_tiers: Option<&[&str]>) -> Result<(), Vec<RuleError>> {
        self.to_input().parse(known_tiers).map(|_| ())
    }
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_bounds;
#[cfg(test)]
mod tests_edges;
