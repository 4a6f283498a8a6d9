//! Wire types for the teacher registry, organisation, calendar, tiers,
//! roster import and status analysis.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// An honour record (kept forever; only its status changes).
#[derive(Debug, Serialize, ToSchema)]
pub struct Honour {
    pub id: i64,
    /// backbone, prospective_backbone, chief_teacher, discipline_leader,
    /// famous_teacher, special_grade, rising_star, ethics_model
    pub kind: String,
    /// school, town, county, municipal, provincial, national
    pub level: String,
    /// Null when not known (a roster that gave no year); the honour counts
    /// as held.
    pub granted_year: Option<i32>,
    /// The subject inside the title: 语文 in 宜都市语文学科带头人.
    pub subject: Option<String>,
    /// The title as written (宜都市语文学科带头人), when it was given whole.
    pub title: Option<String>,
    pub granting_body: Option<String>,
    pub valid_until_year: Option<i32>,
    /// active, expired, revoked
    pub status: String,
    pub status_reason: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl From<lingyan_store::teachers::Honour> for Honour {
    fn from(h: lingyan_store::teachers::Honour) -> Self {
        Self {
            id: h.id,
            kind: h.kind.code().into(),
            level: h.level.code().into(),
            granted_year: h.granted_year,
            subject: h.subject,
            title: h.source_text,
            granting_body: h.granting_body,
            valid_until_year: h.valid_until_year,
            status: h.status.code().into(),
            status_reason: h.status_reason,
            created_at: h.created_at,
        }
    }
}

/// A teacher's tier and why.
#[derive(Debug, Serialize, ToSchema)]
pub struct Tier {
    /// The tier's code (`young`, `backbone` …); null when no tier applies.
    pub code: Option<String>,
    pub name: Option<String>,
    /// One line in the caller's language, e.g. "Young teachers: age 27 < 35".
    pub explanation: String,
}

/// A teacher in the registry.
#[derive(Debug, Serialize, ToSchema)]
pub struct Teacher {
    pub id: i64,
    pub district_id: i64,
    pub school_id: i64,
    pub school_name: String,
    /// The school's English name, where stored.
    pub school_name_en: Option<String>,
    pub staff_no: Option<String>,
    pub name: String,
    /// male, female
    pub gender: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub work_start: Option<NaiveDate>,
    /// preschool, primary, middle, junior, senior, vocational
    pub section: Option<String>,
    pub subjects: Vec<String>,
    /// on_establishment, contract, other
    pub employment: Option<String>,
    /// teacher, care_staff, nursery, admin, logistics, other
    pub post: Option<String>,
    pub front_line: Option<bool>,
    /// high_school, secondary, associate, bachelor, master, doctor
    pub education: Option<String>,
    pub major: Option<String>,
    pub major_matches: Option<bool>,
    pub title: Option<String>,
    pub posts: Vec<String>,
    pub certificates: Vec<String>,
    pub active: bool,
    pub age: Option<i32>,
    pub teaching_years: Option<i32>,
    pub backbone_level: Option<String>,
    pub tier: Tier,
    pub honours: Vec<Honour>,
}

impl Teacher {
    pub fn from(t: lingyan_store::teachers::Teacher, l: lingyan_domain::Locale) -> Self {
        let f = t.fields;
        let code = |c: Option<&'static str>| c.map(str::to_string);
        Self {
            id: t.id,
            district_id: t.district_id,
            school_id: t.school_id,
            school_name: t.school_name,
            school_name_en: t.school_name_en,
            staff_no: f.staff_no,
            name: f.name,
            gender: code(f.gender.map(|g| g.code())),
            birth_date: f.birth_date,
            work_start: f.work_start,
            section: code(f.section.map(|s| s.code())),
            subjects: f.subjects,
            employment: code(f.employment.map(|e| e.code())),
            post: code(f.post.map(|p| p.code())),
            front_line: f.front_line,
            education: code(f.education.map(|e| e.code())),
            major: f.major,
            major_matches: f.major_matches,
            title: f.title,
            posts: f.posts,
            certificates: f.certificates,
            active: t.active,
            age: t.age,
            teaching_years: t.teaching_years,
            backbone_level: code(t.backbone_level.map(|l| l.code())),
            tier: Tier {
                code: t.tier.tier.clone(),
                name: match l {
                    lingyan_domain::Locale::ZhCn => t.tier.name_zh.clone(),
                    lingyan_domain::Locale::En => t.tier.name_en.clone(),
                },
                explanation: t.tier.explain(l),
            },
            honours: t.honours.into_iter().map(Honour::from).collect(),
        }
    }
}

/// A move between schools.
#[derive(Debug, Serialize, ToSchema)]
pub struct Transfer {
    pub from_school_id: i64,
    pub from_school: String,
    pub to_school_id: i64,
    pub to_school: String,
    pub on_date: NaiveDate,
    pub reason: String,
}

/// A teacher with history.
#[derive(Debug, Serialize, ToSchema)]
pub struct TeacherDetail {
    pub teacher: Teacher,
    pub transfers: Vec<Transfer>,
    /// Group memberships: (group id, name, kind, position).
    pub groups: Vec<Membership>,
    pub username: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Membership {
    pub group_id: i64,
    pub group_name: String,
    pub kind: String,
    pub position: String,
}

/// Fields to set on a teacher. On create, `name` is required; on update,
/// omitted fields stay as they are and an empty string clears a field.
/// Values accept codes or the common Chinese spellings (男, 在编, 本科 …).
#[derive(Debug, Deserialize, ToSchema, Default)]
pub struct TeacherInput {
    pub school_id: Option<i64>,
    pub staff_no: Option<String>,
    pub name: Option<String>,
    pub gender: Option<String>,
    /// 2019-09-01, 2019/9/1, 2019.9.1, 2019年9月1日 …
    pub birth_date: Option<String>,
    pub work_start: Option<String>,
    pub section: Option<String>,
    pub subjects: Option<Vec<String>>,
    pub employment: Option<String>,
    pub post: Option<String>,
    /// 是/否, yes/no, true/false
    pub front_line: Option<String>,
    pub education: Option<String>,
    pub major: Option<String>,
    pub major_matches: Option<String>,
    pub title: Option<String>,
    pub posts: Option<Vec<String>>,
    pub certificates: Option<Vec<String>>,
    /// false records that the teacher left.
    pub active: Option<bool>,
}

impl TeacherInput {
    pub fn to_store(&self) -> lingyan_store::teachers::TeacherInput {
        lingyan_store::teachers::TeacherInput {
            staff_no: self.staff_no.clone(),
            name: self.name.clone(),
            gender: self.gender.clone(),
            birth_date: self.birth_date.clone(),
            work_start: self.work_start.clone(),
            section: self.section.clone(),
            subjects: self.subjects.clone(),
            employment: self.employment.clone(),
            post: self.post.clone(),
            front_line: self.front_line.clone(),
            education: self.education.clone(),
            major: self.major.clone(),
            major_matches: self.major_matches.clone(),
            title: self.title.clone(),
            posts: self.posts.clone(),
            certificates: self.certificates.clone(),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct HonourRequest {
    /// A kind code or Chinese name; or a whole title as written — 省级骨干教师,
    /// 宜都市语文学科带头人 — with `level` omitted.
    pub kind: String,
    #[serde(default)]
    pub level: String,
    /// Optional; taken from a whole title when omitted there.
    #[serde(default)]
    pub subject: String,
    /// Omitted when not known.
    pub granted_year: Option<i32>,
    #[serde(default)]
    pub granting_body: String,
    pub valid_until_year: Option<i32>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct HonourStatusRequest {
    /// active, expired, revoked
    pub status: String,
    /// Required when revoking.
    #[serde(default)]
    pub reason: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct TierOverrideRequest {
    /// The school year (by its first calendar year).
    pub year: i32,
    pub tier: String,
    pub reason: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct TransferRequest {
    pub to_school_id: i64,
    pub on_date: String,
    pub reason: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct AccountLink {
    /// The account's username; null or empty unlinks.
    pub username: Option<String>,
}

/// A group member.
#[derive(Debug, Serialize, ToSchema)]
pub struct GroupMember {
    pub teacher_id: i64,
    pub name: String,
    /// leader, deputy, member (or for leading groups: leader, deputy,
    /// member, managing)
    pub position: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub responsibilities: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Group {
    pub id: i64,
    pub school_id: i64,
    /// subject_research, grade, lesson_prep, project, youth_league;
    /// `leading` for leading groups
    pub kind: String,
    pub name: String,
    pub programme: Option<String>,
    pub members: Vec<GroupMember>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct GroupRequest {
    /// For groups: subject_research, grade, lesson_prep, project,
    /// youth_league (or 教研组 …). Ignored for leading groups.
    #[serde(default)]
    pub kind: String,
    pub name: String,
    /// Leading groups: the programme it leads (校本培训 …).
    #[serde(default)]
    pub programme: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct MemberRequest {
    pub position: String,
    #[serde(default)]
    pub responsibilities: String,
}

/// The dates of one school year.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SchoolYear {
    pub start_year: i32,
    pub first_start: String,
    pub first_end: String,
    pub second_start: String,
    pub second_end: String,
    /// school, district or standard (read only)
    #[serde(default, skip_deserializing)]
    pub source: String,
}

/// One tier rule (see the user guide).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TierRule {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    /// all (default) or any
    #[serde(default)]
    pub combine: Option<String>,
    pub age_below: Option<i32>,
    pub age_at_least: Option<i32>,
    pub years_at_most: Option<i32>,
    pub years_at_least: Option<i32>,
    /// An honour kind; with `honour_min_level` (default school).
    pub honour: Option<String>,
    pub honour_min_level: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TierRules {
    pub year: i32,
    /// Where they come from: school, district or standard (read only).
    #[serde(default, skip_deserializing)]
    pub source: String,
    pub tiers: Vec<TierRule>,
}

/// One problem in an imported file.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportIssue {
    pub row: usize,
    pub column: String,
    pub code: String,
    pub message: String,
}

impl ImportIssue {
    /// Every problem of an import, in the caller's language.
    pub fn all(errors: &[lingyan_store::roster::RowIssue], l: lingyan_domain::Locale) -> Vec<Self> {
        errors
            .iter()
            .map(|i| ImportIssue {
                row: i.row,
                column: i.column.clone(),
                code: i.error.code.to_string(),
                message: crate::i18n::t_args(l, &format!("errors.{}", i.error.code), &i.error.args),
            })
            .collect()
    }
}

/// What a roster import found and did.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportReport {
    pub filename: String,
    pub header_row: usize,
    pub rows: usize,
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub honours_added: usize,
    pub errors: Vec<ImportIssue>,
    pub warnings: Vec<ImportIssue>,
    pub unknown_columns: Vec<String>,
    /// A problem with the whole file, if any.
    pub file_error: Option<String>,
    pub dry_run: bool,
    /// Whether anything was written (never when there are errors).
    pub written: bool,
}

impl ImportReport {
    pub fn from(r: lingyan_store::roster::ImportReport, l: lingyan_domain::Locale) -> Self {
        let issue = |i: &lingyan_store::roster::RowIssue| ImportIssue {
            row: i.row,
            column: i.column.clone(),
            code: i.error.code.to_string(),
            message: crate::i18n::t_args(l, &format!("errors.{}", i.error.code), &i.error.args),
        };
        Self {
            errors: r.errors.iter().map(issue).collect(),
            warnings: r.warnings.iter().map(issue).collect(),
            file_error: r.file_error.as_ref().map(|e| crate::i18n::field_error(l, e)),
            filename: r.filename,
            header_row: r.header_row,
            rows: r.rows,
            added: r.added,
            updated: r.updated,
            unchanged: r.unchanged,
            honours_added: r.honours_added,
            unknown_columns: r.unknown_columns,
            dry_run: r.dry_run,
            written: r.written,
        }
    }
}

/// A status analysis with its prose.
#[derive(Debug, Serialize, ToSchema)]
pub struct Status {
    pub title: String,
    pub as_of: NaiveDate,
    /// Paragraphs in the seeds' style, in the requested language.
    pub prose: Vec<String>,
    /// The numbers: every share is `{count, of}`; percentages are
    /// `round(count / of × 100)`.
    #[schema(value_type = Object)]
    pub analysis: serde_json::Value,
    /// For a district: each school's analysis.
    #[schema(value_type = Vec<Object>)]
    pub schools: Vec<serde_json::Value>,
}
