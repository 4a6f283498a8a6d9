//! The growth portfolio (成长袋): typed evidence records, their verification
//! states, and research projects with their lifecycle.
//!
//! Each kind has its own fields, described once as data ([`fields`]); forms,
//! imports and the API all parse through [`EvidenceDraft::parse`], which turns
//! raw text into a typed [`Details`] value or names every bad field.

use crate::codes::coded_enum;
use crate::dates::parse_date;
use crate::error::FieldError;
use crate::level::Level;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

coded_enum!(
    /// What a portfolio record is.
    EvidenceKind, "unknown_evidence_kind", {
        /// 听课 / 评课记录 (also leaders' inspection visits)
        Observation = "observation", "听课评课", ["听课", "评课", "听课记录", "评课记录", "听评课"];
        /// 上课: open, demonstration, research classes …, and send-teaching
        Class = "class", "公开教学", ["开课", "上课", "课堂教学", "公开课", "示范课", "研讨课", "优质课", "送教", "送教下乡", "送课下乡"];
        /// 论文 / 文章
        Article = "article", "论文", ["文章", "论文文章", "paper"];
        /// 获奖 / 比赛
        Award = "award", "获奖", ["比赛", "竞赛", "获奖比赛", "competition"];
        /// 讲座
        Lecture = "lecture", "讲座", ["专题讲座"];
        /// 读书笔记 / 读书心得 / 教育随笔
        Reading = "reading", "读书笔记", ["读书心得", "读书", "教育随笔", "reading_note"];
        /// 教案, 教学反思, 教学案例 …
        Writing = "writing", "教学文稿", ["文稿", "写作"];
        /// 参加培训
        Training = "training", "参加培训", ["培训"];
        /// 外出学习 / 考察
        StudyVisit = "study_visit", "外出学习", ["考察", "外出考察", "外出学习考察"];
        /// 个人发展规划
        Plan = "plan", "发展规划", ["规划", "个人规划", "计划"];
    }
);

coded_enum!(
    /// The type of a class given; send-teaching names the receiving school.
    ClassType, "unknown_class_type", {
        Open = "open", "公开课", [];
        Demonstration = "demonstration", "示范课", [];
        Seminar = "seminar", "研讨课", [];
        Diagnosis = "diagnosis", "诊断课", [];
        Research = "research", "研究课", [];
        ReportBack = "report_back", "汇报课", [];
        Quality = "quality", "优质课", [];
        Debut = "debut", "亮相课", [];
        Standard = "standard", "达标课", [];
        Guiding = "guiding", "引路课", [];
        SendTeaching = "send_teaching", "送教下乡", ["送教", "送课下乡", "送课"];
    }
);

coded_enum!(
    /// Kinds of writing a teacher hands in.
    WritingType, "unknown_writing_type", {
        LessonPlan = "lesson_plan", "教案", ["教学设计"];
        Reflection = "reflection", "教学反思", ["反思"];
        CaseStudy = "case_study", "教学案例", ["案例"];
        Notes = "notes", "教育笔记", ["笔记"];
        Experience = "experience", "经验文章", ["经验总结"];
        TestPaper = "test_paper", "质量监测卷", ["监测卷", "试卷"];
        Courseware = "courseware", "课件", [];
        TeachingAid = "teaching_aid", "自制教具", ["教具"];
    }
);

coded_enum!(
    /// How a training was delivered (the three credit categories).
    TrainingMode, "unknown_training_mode", {
        Centralized = "centralized", "集中培训", ["集中", "面授"];
        Online = "online", "网络培训", ["网络", "线上", "网培"];
        SchoolBased = "school_based", "校本培训", ["校本", "校本研修"];
    }
);

coded_enum!(
    /// Personal development plans.
    PlanType, "unknown_plan_type", {
        FiveYear = "five_year", "五年规划", ["个人发展五年规划", "五年发展规划"];
        Semester = "semester", "学期计划", ["学期发展计划", "学期规划"];
        Goal = "goal", "自我发展目标", ["发展目标", "目标"];
    }
);

coded_enum!(
    /// Whether an article has appeared.
    Publication, "unknown_publication", {
        Published = "published", "已发表", ["发表", "刊登", "已刊登"];
        Submitted = "submitted", "已投稿", ["投稿", "未发表", "交流"];
    }
);

coded_enum!(
    /// The verification state of a record (审核).
    EvidenceStatus, "unknown_evidence_status", {
        /// Recorded by the teacher, waiting for a leader.
        Recorded = "recorded", "待审核", ["已记录", "未审核"];
        /// Verified by a leader: counts for duties, credits and assessment.
        Verified = "verified", "已审核", ["通过", "审核通过"];
        /// Rejected with a reason the teacher sees.
        Rejected = "rejected", "已退回", ["退回", "不通过"];
    }
);

coded_enum!(
    /// 课题 lifecycle: 申报 → 立项 → 中期 → 结题 → 鉴定.
    ProjectStage, "unknown_project_stage", {
        Applied = "applied", "申报", ["已申报"];
        Approved = "approved", "立项", ["已立项"];
        MidTerm = "mid_term", "中期", ["中期检查"];
        Concluded = "concluded", "结题", ["已结题"];
        Appraised = "appraised", "鉴定", ["已鉴定"];
    }
);

coded_enum!(
    /// A teacher's role in a research project.
    ProjectRole, "unknown_project_role", {
        Host = "host", "主持人", ["主持", "负责人", "课题负责人"];
        Member = "member", "成员", ["参与", "组员", "课题组成员"];
    }
);

impl ProjectStage {
    /// The stage after this one, if any.
    pub fn next(self) -> Option<Self> {
        let i = Self::ALL.iter().position(|s| *s == self)?;
        Self::ALL.get(i + 1).copied()
    }
}

/// The type of input a field takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    /// One line of text up to the given number of characters.
    Text(usize),
    /// A teacher of the same school (id), or a free-text name.
    Teacher,
    /// Whole number in a range.
    Count(u32, u32),
    /// A decimal amount (hours, yuan) from 0 to the bound.
    Amount(u32),
    Flag,
    Level,
    ClassType,
    WritingType,
    TrainingMode,
    PlanType,
    Publication,
    /// Rubric scores: "教学目标 18/20; 教学过程 36/40".
    Scores,
}

impl FieldType {
    /// The coded values a select offers, with the label group in the locale
    /// files.
    pub fn options(self) -> Option<(&'static str, Vec<&'static str>)> {
        fn codes<T: Copy>(all: &[T], code: fn(T) -> &'static str) -> Vec<&'static str> {
            all.iter().map(|x| code(*x)).collect()
        }
        match self {
            FieldType::Level => Some(("levels", codes(&Level::ALL, Level::code))),
            FieldType::ClassType => Some(("class_type", codes(ClassType::ALL, ClassType::code))),
            FieldType::WritingType => Some(("writing_type", codes(WritingType::ALL, WritingType::code))),
            FieldType::TrainingMode => Some(("training_mode", codes(TrainingMode::ALL, TrainingMode::code))),
            FieldType::PlanType => Some(("plan_type", codes(PlanType::ALL, PlanType::code))),
            FieldType::Publication => Some(("publication", codes(Publication::ALL, Publication::code))),
            _ => None,
        }
    }
}

/// One field of a kind's details.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldSpec {
    pub name: &'static str,
    pub ty: FieldType,
    pub required: bool,
}

const fn req(name: &'static str, ty: FieldType) -> FieldSpec {
    FieldSpec {
        name,
        ty,
        required: true,
    }
}

const fn opt(name: &'static str, ty: FieldType) -> FieldSpec {
    FieldSpec {
        name,
        ty,
        required: false,
    }
}

/// Whether a kind carries a level, and whether it must.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LevelUse {
    Required,
    Optional,
    None,
}

impl EvidenceKind {
    /// The label group (in the locale files) of this kind's sub-kind codes.
    pub fn subtype_group(self) -> Option<&'static str> {
        let field = self.subtype_field()?;
        self.fields()
            .iter()
            .find(|f| f.name == field)
            .and_then(|f| f.ty.options())
            .map(|(group, _)| group)
    }

    /// The kind-specific fields, in form order.
    pub fn fields(self) -> &'static [FieldSpec] {
        use FieldType::*;
        const OBSERVATION: &[FieldSpec] = &[
            opt("observed_teacher", Teacher),
            opt("class_name", Text(32)),
            opt("subject", Text(32)),
            opt("scores", Scores),
            opt("inspection", Flag),
            opt("feedback", Text(2000)),
        ];
        const CLASS: &[FieldSpec] = &[
            req("class_type", ClassType),
            opt("subject", Text(32)),
            opt("class_name", Text(32)),
            opt("audience", Text(100)),
            opt("receiving_school", Text(100)),
        ];
        const ARTICLE: &[FieldSpec] = &[
            req("venue", Text(100)),
            req("publication", Publication),
            opt("award_level", Level),
            opt("award_grade", Text(32)),
        ];
        const AWARD: &[FieldSpec] = &[req("rank", Text(32)), opt("organiser", Text(100))];
        const LECTURE: &[FieldSpec] = &[req("audience", Text(100))];
        const READING: &[FieldSpec] = &[opt("author", Text(64))];
        const WRITING: &[FieldSpec] = &[req("writing_type", WritingType), opt("subject", Text(32))];
        const TRAINING: &[FieldSpec] = &[
            req("organiser", Text(100)),
            req("mode", TrainingMode),
            req("hours", Amount(2000)),
            opt("certificate", Text(64)),
        ];
        const STUDY_VISIT: &[FieldSpec] = &[
            req("destination", Text(100)),
            req("days", Count(1, 365)),
            opt("cost", Amount(10_000_000)),
        ];
        const PLAN: &[FieldSpec] = &[req("plan_type", PlanType), opt("until", Text(10))];
        match self {
            EvidenceKind::Observation => OBSERVATION,
            EvidenceKind::Class => CLASS,
            EvidenceKind::Article => ARTICLE,
            EvidenceKind::Award => AWARD,
            EvidenceKind::Lecture => LECTURE,
            EvidenceKind::Reading => READING,
            EvidenceKind::Writing => WRITING,
            EvidenceKind::Training => TRAINING,
            EvidenceKind::StudyVisit => STUDY_VISIT,
            EvidenceKind::Plan => PLAN,
        }
    }

    pub fn level_use(self) -> LevelUse {
        match self {
            EvidenceKind::Class
            | EvidenceKind::Article
            | EvidenceKind::Award
            | EvidenceKind::Lecture
            | EvidenceKind::Training => LevelUse::Required,
            EvidenceKind::StudyVisit | EvidenceKind::Observation => LevelUse::Optional,
            EvidenceKind::Reading | EvidenceKind::Writing | EvidenceKind::Plan => LevelUse::None,
        }
    }

    /// What the common title field means for this kind (an i18n key under
    /// `fields.`).
    pub fn title_field(self) -> &'static str {
        match self {
            EvidenceKind::Observation => "lesson_title",
            EvidenceKind::Reading => "book",
            EvidenceKind::Lecture => "topic",
            EvidenceKind::Award => "award_name",
            _ => "record_title",
        }
    }

    /// What the common free text means for this kind.
    pub fn text_field(self) -> &'static str {
        match self {
            EvidenceKind::Observation => "comments",
            EvidenceKind::Reading => "note",
            _ => "text",
        }
    }

    /// The detail field that sorts records into sub-kinds (class type,
    /// writing type, training mode, plan type), stored in its own column.
    pub fn subtype_field(self) -> Option<&'static str> {
        match self {
            EvidenceKind::Class => Some("class_type"),
            EvidenceKind::Writing => Some("writing_type"),
            EvidenceKind::Training => Some("mode"),
            EvidenceKind::Plan => Some("plan_type"),
            EvidenceKind::Article => Some("publication"),
            _ => None,
        }
    }
}

/// A rubric line: criterion, score and out of.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Score {
    pub criterion: String,
    pub score: f64,
    pub max: f64,
}

/// The observed teacher: a colleague in the registry or a name typed in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum TeacherRef {
    Id { teacher_id: i64 },
    Name { name: String },
}

/// The typed details of a record, one variant per kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Details {
    Observation {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        observed_teacher: Option<TeacherRef>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        class_name: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        subject: Option<String>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        scores: Vec<Score>,
        #[serde(default)]
        inspection: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        feedback: Option<String>,
    },
    Class {
        class_type: ClassType,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        subject: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        class_name: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        audience: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        receiving_school: Option<String>,
    },
    Article {
        venue: String,
        publication: Publication,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        award_level: Option<Level>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        award_grade: Option<String>,
    },
    Award {
        rank: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        organiser: Option<String>,
    },
    Lecture {
        audience: String,
    },
    Reading {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        author: Option<String>,
    },
    Writing {
        writing_type: WritingType,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        subject: Option<String>,
    },
    Training {
        organiser: String,
        mode: TrainingMode,
        hours: f64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        certificate: Option<String>,
    },
    StudyVisit {
        destination: String,
        days: u32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cost: Option<f64>,
    },
    Plan {
        plan_type: PlanType,
        /// The last school year (e.g. "2030") or date the plan covers.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        until: Option<String>,
    },
}

impl Details {
    pub fn kind(&self) -> EvidenceKind {
        match self {
            Details::Observation { .. } => EvidenceKind::Observation,
            Details::Class { .. } => EvidenceKind::Class,
            Details::Article { .. } => EvidenceKind::Article,
            Details::Award { .. } => EvidenceKind::Award,
            Details::Lecture { .. } => EvidenceKind::Lecture,
            Details::Reading { .. } => EvidenceKind::Reading,
            Details::Writing { .. } => EvidenceKind::Writing,
            Details::Training { .. } => EvidenceKind::Training,
            Details::StudyVisit { .. } => EvidenceKind::StudyVisit,
            Details::Plan { .. } => EvidenceKind::Plan,
        }
    }

    /// The sub-kind code stored beside the kind (see
    /// [`EvidenceKind::subtype_field`]).
    pub fn subtype(&self) -> Option<&'static str> {
        match self {
            Details::Class { class_type, .. } => Some(class_type.code()),
            Details::Writing { writing_type, .. } => Some(writing_type.code()),
            Details::Training { mode, .. } => Some(mode.code()),
            Details::Plan { plan_type, .. } => Some(plan_type.code()),
            Details::Article { publication, .. } => Some(publication.code()),
            _ => None,
        }
    }

    /// The observed teacher of an observation, when it is a colleague in the
    /// registry (they see the record and its feedback).
    pub fn observed_teacher_id(&self) -> Option<i64> {
        match self {
            Details::Observation {
                observed_teacher: Some(TeacherRef::Id { teacher_id }),
                ..
            } => Some(*teacher_id),
            _ => None,
        }
    }

    /// Each field as the text a form shows, keyed by field name.
    pub fn to_texts(&self) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        let Ok(Value::Object(map)) = serde_json::to_value(self) else {
            return out;
        };
        for (k, v) in map {
            if k == "kind" {
                continue;
            }
            let text = match (k.as_str(), v) {
                ("scores", Value::Array(items)) => items
                    .iter()
                    .filter_map(|i| serde_json::from_value::<Score>(i.clone()).ok())
                    .map(|s| format!("{} {}/{}", s.criterion, fmt_num(s.score), fmt_num(s.max)))
                    .collect::<Vec<_>>()
                    .join("; "),
                ("observed_teacher", Value::Object(o)) => match (o.get("teacher_id"), o.get("name")) {
                    (Some(Value::Number(n)), _) => format!("#{n}"),
                    (_, Some(Value::String(s))) => s.clone(),
                    _ => String::new(),
                },
                (_, Value::Bool(b)) => if b { "true" } else { "" }.to_string(),
                (_, Value::Number(n)) => n.as_f64().map(fmt_num).unwrap_or_default(),
                (_, Value::String(s)) => s,
                _ => continue,
            };
            if !text.is_empty() {
                out.insert(k, text);
            }
        }
        out
    }
}

/// A number without a trailing ".0".
pub fn fmt_num(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        let s = format!("{x:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// A parsed, checked record ready to store (owner and tenant come from the
/// caller).
#[derive(Debug, Clone, PartialEq)]
pub struct EvidenceDraft {
    pub occurred_on: NaiveDate,
    pub title: String,
    pub level: Option<Level>,
    pub text: Option<String>,
    pub details: Details,
}

fn text_value(field: &'static str, raw: &str, max: usize) -> Result<Option<String>, FieldError> {
    let t = raw.trim();
    if t.is_empty() {
        return Ok(None);
    }
    if t.chars().count() > max {
        return Err(FieldError::new(field, "too_long").with("max", max));
    }
    if t.chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return Err(FieldError::new(field, "control_chars"));
    }
    Ok(Some(t.to_string()))
}

fn number(field: &'static str, raw: &str) -> Result<f64, FieldError> {
    let mut t = raw.trim();
    for unit in ["小时", "学时", "元", "天", "h"] {
        t = t.strip_suffix(unit).unwrap_or(t).trim();
    }
    t.replace([',', '，'], "")
        .parse::<f64>()
        .ok()
        .filter(|x| x.is_finite())
        .ok_or_else(|| FieldError::new(field, "not_a_decimal").with("value", raw.trim()))
}

/// Parses "教学目标 18/20; 教学过程 36/40" (also "：" and "，" separators).
pub fn parse_scores(field: &'static str, raw: &str) -> Result<Vec<Score>, FieldError> {
    let mut out = Vec::new();
    for part in raw.split([';', '；', '\n']) {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        let bad = || FieldError::new(field, "bad_score").with("value", part);
        let (criterion, nums) = part
            .rsplit_once([' ', ':', '：'])
            .map(|(c, n)| (c.trim().trim_end_matches([':', '：']).trim(), n.trim()))
            .ok_or_else(bad)?;
        let (score, max) = nums.split_once('/').ok_or_else(bad)?;
        let score: f64 = score.trim().parse().map_err(|_| bad())?;
        let max: f64 = max.trim().parse().map_err(|_| bad())?;
        if criterion.is_empty()
            || criterion.chars().count() > 40
            || !(0.0..=1000.0).contains(&max)
            || max <= 0.0
        {
            return Err(bad());
        }
        if score < 0.0 || score > max {
            return Err(FieldError::new(field, "score_out_of_range")
                .with("value", part)
                .with("max", fmt_num(max)));
        }
        out.push(Score {
            criterion: criterion.to_string(),
            score,
            max,
        });
    }
    if out.len() > 30 {
        return Err(FieldError::new(field, "too_many").with("max", 30));
    }
    Ok(out)
}

fn flag(field: &'static str, raw: &str) -> Result<bool, FieldError> {
    match raw.trim().to_lowercase().as_str() {
        "" | "false" | "0" | "no" | "off" | "否" | "无" => Ok(false),
        "true" | "1" | "yes" | "on" | "是" | "有" | "y" => Ok(true),
        _ => Err(FieldError::new(field, "not_yes_no").with("value", raw.trim())),
    }
}

/// Raw text for a record, as a form, an import row or the API gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvidenceInput {
    pub kind: EvidenceKind,
    pub date: String,
    pub title: String,
    pub level: String,
    pub text: String,
    /// Kind-specific fields by name (see [`EvidenceKind::fields`]).
    pub details: BTreeMap<String, String>,
}

impl Default for EvidenceInput {
    /// An empty reading note (the simplest kind).
    fn default() -> Self {
        Self {
            kind: EvidenceKind::Reading,
            date: String::new(),
            title: String::new(),
            level: String::new(),
            text: String::new(),
            details: BTreeMap::new(),
        }
    }
}

impl EvidenceInput {
    /// Parses and checks every field, returning all problems at once.
    pub fn parse(&self) -> Result<EvidenceDraft, Vec<FieldError>> {
        let mut errors = Vec::new();
        let occurred_on = match self.date.trim() {
            "" => {
                errors.push(FieldError::new("date", "required"));
                None
            }
            d => parse_date("date", d).map_err(|e| errors.push(e)).ok(),
        };
        let title_field = self.kind.title_field();
        let title = match text_value(title_field, &self.title, 200) {
            Ok(Some(t)) => Some(t),
            Ok(None) => {
                errors.push(FieldError::new(title_field, "required"));
                None
            }
            Err(e) => {
                errors.push(e);
                None
            }
        };
        let level = match (self.kind.level_use(), self.level.trim()) {
            (LevelUse::None, _) => None,
            (LevelUse::Required, "") => {
                errors.push(FieldError::new("level", "required"));
                None
            }
            (LevelUse::Optional, "") => None,
            (_, l) => Level::parse("level", l).map_err(|e| errors.push(e)).ok(),
        };
        let text = text_value(self.kind.text_field(), &self.text, 20_000)
            .map_err(|e| errors.push(e))
            .ok()
            .flatten();
        let details = self.parse_details(&mut errors);
        match (occurred_on, title, details) {
            (Some(occurred_on), Some(title), Some(details)) if errors.is_empty() => Ok(EvidenceDraft {
                occurred_on,
                title,
                level,
                text,
                details,
            }),
            _ => Err(errors),
        }
    }

    fn parse_details(&self, errors: &mut Vec<FieldError>) -> Option<Details> {
        let before = errors.len();
        let mut map = Map::new();
        map.insert("kind".into(), Value::String(self.kind.code().into()));
        for known in self.details.keys() {
            if !self.kind.fields().iter().any(|f| f.name == known) && !self.details[known].trim().is_empty() {
                errors.push(FieldError::new("details", "unknown_detail").with("value", known));
            }
        }
        for spec in self.kind.fields() {
            let raw = self.details.get(spec.name).map(String::as_str).unwrap_or("");
            let f = spec.name;
            if raw.trim().is_empty() {
                if spec.required {
                    errors.push(FieldError::new(f, "required"));
                }
                continue;
            }
            let value = match spec.ty {
                FieldType::Text(max) => text_value(f, raw, max).map(|t| t.map(Value::String)),
                FieldType::Teacher => {
                    let t = raw.trim();
                    // "#12" or "#12 张三" (as the form's list offers) names a colleague.
                    let id = t.strip_prefix('#').and_then(|n| {
                        let digits: String = n.chars().take_while(char::is_ascii_digit).collect();
                        digits.parse::<i64>().ok()
                    });
                    match id {
                        Some(id) => Ok(Some(serde_json::json!({ "teacher_id": id }))),
                        None => {
                            text_value(f, t, 64).map(|n| n.map(|name| serde_json::json!({ "name": name })))
                        }
                    }
                }
                FieldType::Count(lo, hi) => number(f, raw).and_then(|x| {
                    if x.fract() != 0.0 || x < lo as f64 || x > hi as f64 {
                        Err(FieldError::new(f, "out_of_range").with("min", lo).with("max", hi))
                    } else {
                        Ok(Some(Value::from(x as u32)))
                    }
                }),
                FieldType::Amount(hi) => number(f, raw).and_then(|x| {
                    if x <= 0.0 || x > hi as f64 {
                        Err(FieldError::new(f, "out_of_range").with("min", 0).with("max", hi))
                    } else {
                        Ok(Some(Value::from((x * 100.0).round() / 100.0)))
                    }
                }),
                FieldType::Flag => flag(f, raw).map(|b| Some(Value::Bool(b))),
                FieldType::Level => Level::parse(f, raw).map(|l| Some(Value::from(l.code()))),
                FieldType::ClassType => ClassType::parse(f, raw).map(|x| Some(Value::from(x.code()))),
                FieldType::WritingType => WritingType::parse(f, raw).map(|x| Some(Value::from(x.code()))),
                FieldType::TrainingMode => TrainingMode::parse(f, raw).map(|x| Some(Value::from(x.code()))),
                FieldType::PlanType => PlanType::parse(f, raw).map(|x| Some(Value::from(x.code()))),
                FieldType::Publication => Publication::parse(f, raw).map(|x| Some(Value::from(x.code()))),
                FieldType::Scores => parse_scores(f, raw)
                    .and_then(|s| serde_json::to_value(s).map_err(|_| FieldError::new(f, "bad_score")))
                    .map(Some),
            };
            match value {
                Ok(Some(v)) => {
                    map.insert(f.into(), v);
                }
                Ok(None) => {}
                Err(e) => errors.push(e),
            }
        }
        if errors.len() > before {
            return None;
        }
        let details: Details = match serde_json::from_value(Value::Object(map)) {
            Ok(d) => d,
            Err(_) => {
                errors.push(FieldError::new("details", "invalid"));
                return None;
            }
        };
        // Rules across fields.
        match &details {
            Details::Class {
                class_type,
                receiving_school,
                ..
            } => {
                if *class_type == ClassType::SendTeaching && receiving_school.is_none() {
                    errors.push(FieldError::new("receiving_school", "required_for_send_teaching"));
                }
                if *class_type != ClassType::SendTeaching && receiving_school.is_some() {
                    errors.push(FieldError::new("receiving_school", "only_for_send_teaching"));
                }
            }
            Details::Article {
                award_level: None,
                award_grade: Some(_),
                ..
            } => errors.push(FieldError::new("award_level", "required_with_grade")),
            Details::Observation {
                inspection: false,
                feedback: Some(_),
                ..
            } => errors.push(FieldError::new("feedback", "only_for_inspection")),
            _ => {}
        }
        if errors.len() > before {
            None
        } else {
            Some(details)
        }
    }

    /// The input that would reproduce a stored record (for edit forms and
    /// exports).
    pub fn from_draft(d: &EvidenceDraft) -> Self {
        Self {
            kind: d.details.kind(),
            date: d.occurred_on.format("%Y-%m-%d").to_string(),
            title: d.title.clone(),
            level: d.level.map(|l| l.code().to_string()).unwrap_or_default(),
            text: d.text.clone().unwrap_or_default(),
            details: d.details.to_texts(),
        }
    }
}

/// Checks a state change: who may verify or reject, and the reason a
/// rejection needs.
pub fn check_rejection_reason(reason: &str) -> Result<String, FieldError> {
    match text_value("reason", reason, 500)? {
        Some(r) => Ok(r),
        None => Err(FieldError::new("reason", "required")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(kind: EvidenceKind, pairs: &[(&str, &str)]) -> EvidenceInput {
        EvidenceInput {
            kind,
            date: "2026-10-12".into(),
            title: "Title".into(),
            level: "县级".into(),
            text: String::new(),
            details: pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }
    }

    #[test]
    fn every_kind_round_trips_through_texts() {
        let samples: Vec<(EvidenceKind, Vec<(&str, &str)>)> = vec![
            (
                EvidenceKind::Observation,
                vec![
                    ("observed_teacher", "#12"),
                    ("class_name", "三(2)班"),
                    ("subject", "语文"),
                    ("scores", "教学目标 18/20; 教学过程 36.5/40"),
                    ("inspection", "是"),
                    ("feedback", "板书清楚"),
                ],
            ),
            (
                EvidenceKind::Class,
                vec![
                    ("class_type", "送教"),
                    ("receiving_school", "山区小学"),
                    ("audience", "全体语文教师"),
                ],
            ),
            (
                EvidenceKind::Article,
                vec![
                    ("venue", "小学语文教学"),
                    ("publication", "已发表"),
                    ("award_level", "市级"),
                    ("award_grade", "一等奖"),
                ],
            ),
            (
                EvidenceKind::Award,
                vec![("rank", "二等奖"), ("organiser", "区教研室")],
            ),
            (EvidenceKind::Lecture, vec![("audience", "新教师")]),
            (EvidenceKind::Reading, vec![("author", "苏霍姆林斯基")]),
            (EvidenceKind::Writing, vec![("writing_type", "教学反思")]),
            (
                EvidenceKind::Training,
                vec![
                    ("organiser", "省教育厅"),
                    ("mode", "网络"),
                    ("hours", "24"),
                    ("certificate", "X-1"),
                ],
            ),
            (
                EvidenceKind::StudyVisit,
                vec![("destination", "杭州"), ("days", "3"), ("cost", "1,250.5")],
            ),
            (
                EvidenceKind::Plan,
                vec![("plan_type", "五年规划"), ("until", "2030")],
            ),
        ];
        for (kind, pairs) in samples {
            let draft = input(kind, &pairs)
                .parse()
                .unwrap_or_else(|e| panic!("{kind:?}: {e:?}"));
            assert_eq!(draft.details.kind(), kind);
            let again = EvidenceInput::from_draft(&draft).parse().unwrap();
            assert_eq!(again, draft, "{kind:?}");
            let json = serde_json::to_string(&draft.details).unwrap();
            let back: Details = serde_json::from_str(&json).unwrap();
            assert_eq!(back, draft.details);
        }
    }

    #[test]
    fn names_every_bad_field() {
        let mut i = input(EvidenceKind::Training, &[("mode", "函授"), ("hours", "-3")]);
        i.date = "2026-13-40".into();
        i.level = String::new();
        let errs = i.parse().unwrap_err();
        let fields: Vec<_> = errs.iter().map(|e| (e.field, e.code)).collect();
        assert!(fields.contains(&("date", "bad_date")) || fields.iter().any(|(f, _)| *f == "date"));
        assert!(fields.contains(&("level", "required")));
        assert!(fields.contains(&("organiser", "required")));
        assert!(fields.contains(&("mode", "unknown_training_mode")));
        assert!(fields.contains(&("hours", "out_of_range")));
    }

    #[test]
    fn cross_field_rules() {
        let e = input(EvidenceKind::Class, &[("class_type", "送教下乡")])
            .parse()
            .unwrap_err();
        assert_eq!(e[0].field, "receiving_school");
        let e = input(
            EvidenceKind::Class,
            &[("class_type", "公开课"), ("receiving_school", "X")],
        )
        .parse()
        .unwrap_err();
        assert_eq!(e[0].code, "only_for_send_teaching");
        let e = input(
            EvidenceKind::Article,
            &[("venue", "V"), ("publication", "发表"), ("award_grade", "一等")],
        )
        .parse()
        .unwrap_err();
        assert_eq!(e[0].field, "award_level");
        let e = input(EvidenceKind::Observation, &[("feedback", "good")])
            .parse()
            .unwrap_err();
        assert_eq!(e[0].code, "only_for_inspection");
        let e = input(EvidenceKind::Reading, &[("venue", "x")])
            .parse()
            .unwrap_err();
        assert_eq!(e[0].code, "unknown_detail");
    }

    #[test]
    fn scores_parse_and_check() {
        let s = parse_scores("scores", "目标：18/20；过程 30/40").unwrap();
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].criterion, "目标");
        assert!(parse_scores("scores", "目标 21/20").is_err());
        assert!(parse_scores("scores", "18/20").is_err());
    }

    #[test]
    fn level_only_where_it_applies() {
        let d = input(EvidenceKind::Reading, &[]).parse().unwrap();
        assert_eq!(d.level, None);
        let mut i = input(EvidenceKind::Lecture, &[("audience", "全校")]);
        i.level = String::new();
        assert_eq!(i.parse().unwrap_err()[0].field, "level");
    }

    #[test]
    fn each_kind_names_its_fields_and_sub_kinds() {
        use EvidenceKind::*;
        let groups: Vec<Option<&str>> = EvidenceKind::ALL.iter().map(|k| k.subtype_group()).collect();
        assert_eq!(
            groups,
            vec![
                None,
                Some("class_type"),
                Some("publication"),
                None,
                None,
                None,
                Some("writing_type"),
                Some("training_mode"),
                None,
                Some("plan_type"),
            ]
        );
        assert_eq!(EvidenceKind::ALL[0], Observation);
        assert_eq!(EvidenceKind::ALL[9], Plan);
        let titles: Vec<&str> = [Observation, Reading, Lecture, Award, Class]
            .map(|k| k.title_field())
            .to_vec();
        assert_eq!(
            titles,
            vec!["lesson_title", "book", "topic", "award_name", "record_title"]
        );
        let texts: Vec<&str> = [Observation, Reading, Class].map(|k| k.text_field()).to_vec();
        assert_eq!(texts, vec!["comments", "note", "text"]);
        let levels: Vec<LevelUse> = EvidenceKind::ALL.iter().map(|k| k.level_use()).collect();
        assert_eq!(
            levels,
            vec![
                LevelUse::Optional,
                LevelUse::Required,
                LevelUse::Required,
                LevelUse::Required,
                LevelUse::Required,
                LevelUse::None,
                LevelUse::None,
                LevelUse::Required,
                LevelUse::Optional,
                LevelUse::None,
            ]
        );
        let (group, codes) = FieldType::Level.options().unwrap();
        assert_eq!(group, "levels");
        assert_eq!(
            codes,
            vec!["school", "town", "county", "municipal", "provincial", "national"]
        );
        let (group, codes) = FieldType::Publication.options().unwrap();
        assert_eq!((group, codes), ("publication", vec!["published", "submitted"]));
        assert_eq!(
            FieldType::TrainingMode.options().unwrap().1,
            vec!["centralized", "online", "school_based"]
        );
        assert_eq!(
            FieldType::PlanType.options().unwrap().1,
            vec!["five_year", "semester", "goal"]
        );
        assert_eq!(FieldType::WritingType.options().unwrap().1.len(), 8);
        assert_eq!(FieldType::ClassType.options().unwrap().1.len(), 11);
        assert_eq!(FieldType::Text(10).options(), None);
        assert_eq!(FieldType::Scores.options(), None);
        // Required fields are marked so.
        let required: Vec<&str> = Training
            .fields()
            .iter()
            .filter(|f| f.required)
            .map(|f| f.name)
            .collect();
        assert_eq!(required, vec!["organiser", "mode", "hours"]);
        assert!(Observation.fields().iter().all(|f| !f.required));
    }

    #[test]
    fn details_know_their_kind_sub_kind_and_colleague() {
        let draft = |kind, pairs: &[(&str, &str)]| input(kind, pairs).parse().unwrap().details;
        let obs = draft(EvidenceKind::Observation, &[("observed_teacher", "#12 张三")]);
        assert_eq!(obs.observed_teacher_id(), Some(12));
        assert_eq!(obs.subtype(), None);
        let named = draft(EvidenceKind::Observation, &[("observed_teacher", "李四")]);
        assert_eq!(named.observed_teacher_id(), None);
        assert_eq!(
            named.to_texts().get("observed_teacher").map(String::as_str),
            Some("李四")
        );
        let cls = draft(EvidenceKind::Class, &[("class_type", "公开课")]);
        assert_eq!((cls.kind(), cls.subtype()), (EvidenceKind::Class, Some("open")));
        assert_eq!(cls.observed_teacher_id(), None);
        let art = draft(EvidenceKind::Article, &[("venue", "V"), ("publication", "投稿")]);
        assert_eq!(art.subtype(), Some("submitted"));
        let tr = draft(
            EvidenceKind::Training,
            &[("organiser", "区"), ("mode", "校本"), ("hours", "2.5小时")],
        );
        assert_eq!(tr.subtype(), Some("school_based"));
        assert_eq!(tr.to_texts().get("hours").map(String::as_str), Some("2.5"));
        let plan = draft(EvidenceKind::Plan, &[("plan_type", "目标")]);
        assert_eq!(plan.subtype(), Some("goal"));
        let wr = draft(EvidenceKind::Writing, &[("writing_type", "教案")]);
        assert_eq!(wr.subtype(), Some("lesson_plan"));
        // A flag that is off is left out of the texts; one that is on shows.
        let off = draft(EvidenceKind::Observation, &[("inspection", "否")]);
        assert!(!off.to_texts().contains_key("inspection"));
        let on = draft(
            EvidenceKind::Observation,
            &[("inspection", "是"), ("scores", "目标 18/20")],
        );
        let texts = on.to_texts();
        assert_eq!(texts.get("inspection").map(String::as_str), Some("true"));
        assert_eq!(texts.get("scores").map(String::as_str), Some("目标 18/20"));
        assert!(!texts.contains_key("kind"));
    }

    #[test]
    fn numbers_are_written_without_trailing_zeros() {
        assert_eq!(fmt_num(3.0), "3");
        assert_eq!(fmt_num(-2.0), "-2");
        assert_eq!(fmt_num(2.5), "2.5");
        assert_eq!(fmt_num(2.25), "2.25");
        assert_eq!(fmt_num(0.1 + 0.2), "0.3");
        assert_eq!(fmt_num(1e15), "1000000000000000");
        assert_eq!(fmt_num(0.0), "0");
        assert_eq!(fmt_num(-0.0), "0");
        // Past what an i64 holds, a whole number is still written in full.
        assert_eq!(fmt_num(1e20), "100000000000000000000");
    }

    #[test]
    fn texts_amounts_and_counts_are_bounded() {
        let long = "长".repeat(201);
        let mut i = input(EvidenceKind::Reading, &[]);
        i.title = long;
        assert_eq!(i.parse().unwrap_err()[0].code, "too_long");
        i.title = "长".repeat(200);
        assert!(i.parse().is_ok());
        i.title = "a\u{7}b".into();
        let e = i.parse().unwrap_err();
        assert_eq!((e[0].field, e[0].code), ("book", "control_chars"));
        i.title = "a\tb".into();
        i.text = "line one\r\nline two".into();
        let d = i.parse().unwrap();
        assert_eq!(d.text.as_deref(), Some("line one\r\nline two"));
        i.title = "   ".into();
        assert_eq!(i.parse().unwrap_err()[0].code, "required");

        let visit = |days: &str, cost: &str| {
            input(
                EvidenceKind::StudyVisit,
                &[("destination", "杭州"), ("days", days), ("cost", cost)],
            )
            .parse()
        };
        assert!(visit("1天", "1元").is_ok());
        assert!(visit("365", "10000000").is_ok());
        for (days, cost, field, code) in [
            ("0", "1", "days", "out_of_range"),
            ("366", "1", "days", "out_of_range"),
            ("1.5", "1", "days", "out_of_range"),
            ("two", "1", "days", "not_a_decimal"),
            ("1", "0", "cost", "out_of_range"),
            ("1", "10000000.5", "cost", "out_of_range"),
            ("1", "inf", "cost", "not_a_decimal"),
        ] {
            let e = visit(days, cost).unwrap_err();
            assert_eq!(e.len(), 1, "{e:?}");
            assert_eq!((e[0].field, e[0].code), (field, code), "{days} {cost}");
        }
        let cost = |c: &str| match visit("2", c).unwrap().details {
            Details::StudyVisit { cost, days, .. } => (days, cost),
            _ => unreachable!(),
        };
        assert_eq!(cost("1,250.456"), (2, Some(1250.46)));
        assert_eq!(cost("3，000"), (2, Some(3000.0)));
        let hours = |h: &str| match input(
            EvidenceKind::Training,
            &[("organiser", "区"), ("mode", "网络"), ("hours", h)],
        )
        .parse()
        .map(|d| d.details)
        {
            Ok(Details::Training { hours, .. }) => Ok(hours),
            Ok(_) => unreachable!(),
            Err(e) => Err(e[0].code),
        };
        assert_eq!(hours("24学时"), Ok(24.0));
        assert_eq!(hours("1.5h"), Ok(1.5));
        assert_eq!(hours("2000"), Ok(2000.0));
        assert_eq!(hours("2000.01"), Err("out_of_range"));
    }

    #[test]
    fn flags_read_as_schools_write_them() {
        for yes in ["true", "1", "yes", "on", "是", "有", "Y", " YES "] {
            assert_eq!(flag("f", yes), Ok(true), "{yes}");
        }
        for no in ["", "false", "0", "no", "off", "否", "无", "No"] {
            assert_eq!(flag("f", no), Ok(false), "{no}");
        }
        let e = flag("inspection", " maybe ").unwrap_err();
        assert_eq!((e.field, e.code), ("inspection", "not_yes_no"));
        assert_eq!(e.args, vec![("value", "maybe".to_string())]);
    }

    #[test]
    fn scores_at_their_bounds() {
        let s = parse_scores("scores", "目标 20/20\n过程：0/40；\n").unwrap();
        assert_eq!(
            s,
            vec![
                Score {
                    criterion: "目标".into(),
                    score: 20.0,
                    max: 20.0
                },
                Score {
                    criterion: "过程".into(),
                    score: 0.0,
                    max: 40.0
                },
            ]
        );
        assert!(parse_scores("scores", "目标 1000/1000").is_ok());
        for bad in [
            "目标 1/1001",
            "目标 0/0",
            "目标 1/-1",
            "目标 x/20",
            "目标 1/y",
            "目标 18",
            &format!("{} 1/2", "长".repeat(41)),
        ] {
            assert_eq!(
                parse_scores("scores", bad).unwrap_err().code,
                "bad_score",
                "{bad}"
            );
        }
        assert!(parse_scores("scores", &format!("{} 1/2", "长".repeat(40))).is_ok());
        let e = parse_scores("scores", "目标 -1/20").unwrap_err();
        assert_eq!(e.code, "score_out_of_range");
        assert_eq!(
            e.args,
            vec![("value", "目标 -1/20".to_string()), ("max", "20".to_string())]
        );
        let many = (0..31).map(|i| format!("c{i} 1/2")).collect::<Vec<_>>().join(";");
        assert_eq!(parse_scores("scores", &many).unwrap_err().code, "too_many");
        let thirty = (0..30).map(|i| format!("c{i} 1/2")).collect::<Vec<_>>().join(";");
        assert_eq!(parse_scores("scores", &thirty).unwrap().len(), 30);
    }

    #[test]
    fn a_rejection_needs_a_reason() {
        assert_eq!(check_rejection_reason("  缺少附件 "), Ok("缺少附件".to_string()));
        assert_eq!(check_rejection_reason(" ").unwrap_err().code, "required");
        assert_eq!(
            check_rejection_reason(&"长".repeat(501)).unwrap_err().code,
            "too_long"
        );
        assert!(check_rejection_reason(&"长".repeat(500)).is_ok());
    }

    #[test]
    fn stages_follow_in_order() {
        assert_eq!(ProjectStage::MidTerm.next(), Some(ProjectStage::Concluded));
        assert_eq!(ProjectStage::Applied.next(), Some(ProjectStage::Approved));
        assert_eq!(ProjectStage::Appraised.next(), None);
    }
}
