//! The teacher registry: who teaches where, with the facts the seeds rely
//! on, honours as dated history, computed tiers, and transfers between
//! schools that keep the history.

use crate::audit::{self, Change};
use crate::entity::{
    district, honour, leading_group_member, org_group, org_group_member, school, teacher, teacher_transfer,
    tier_override, user,
};
use crate::error::OnConstraint;
use crate::schools::contains_pattern;
use crate::tiers::TierBook;
use crate::{Error, Result, Scope, Store};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use lingyan_domain::dates::{parse_date, whole_years};
use lingyan_domain::honour::parse_title;
use lingyan_domain::teacher::parse_yes_no;
use lingyan_domain::{
    Capability, Education, Employment, FieldError, Gender, HonourFact, HonourKind, HonourStatus, Level,
    PageRequest, Paged, Post, Section, TeacherFacts, Tenant, TierResult,
};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait,
    IntoActiveModel, QueryFilter, QueryOrder, QuerySelect,
};
use serde::Serialize;
use serde_json::json;
use std::collections::HashMap;

mod honours;
mod list;
mod write;
pub use honours::*;
pub use list::*;
pub use write::*;

/// The facts typed or imported for a teacher, parsed and checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct TeacherFields {
    pub staff_no: Option<String>,
    pub name: String,
    pub gender: Option<Gender>,
    pub birth_date: Option<NaiveDate>,
    pub work_start: Option<NaiveDate>,
    pub section: Option<Section>,
    pub subjects: Vec<String>,
    pub employment: Option<Employment>,
    pub post: Option<Post>,
    pub front_line: Option<bool>,
    pub education: Option<Education>,
    pub major: Option<String>,
    pub major_matches: Option<bool>,
    pub title: Option<String>,
    pub posts: Vec<String>,
    pub certificates: Vec<String>,
}

/// Splits a list typed in one cell: 语文、数学 / 语文,数学 / 语文；数学.
pub fn split_list(s: &str) -> Vec<String> {
    let mut out: Vec<String> = s
        .split(['、', ',', '，', ';', '；', '/', '\n'])
        .map(|x| x.trim().to_string())
        .filter(|x| !x.is_empty())
        .collect();
    out.dedup();
    out
}

pub(crate) fn short_text(field: &'static str, s: &str, max: usize) -> Result<Option<String>, FieldError> {
    let t = s.trim();
    if t.is_empty() {
        return Ok(None);
    }
    if t.chars().count() > max {
        return Err(FieldError::new(field, "too_long").with("max", max));
    }
    if t.chars().any(char::is_control) {
        return Err(FieldError::new(field, "control_chars"));
    }
    Ok(Some(t.to_string()))
}

pub(crate) fn text_list(field: &'static str, items: &[String]) -> Result<Vec<String>, FieldError> {
    if items.len() > 20 {
        return Err(FieldError::new(field, "too_many").with("max", 20));
    }
    items
        .iter()
        .filter_map(|i| short_text(field, i, 32).transpose())
        .collect()
}

/// Raw text for every field, as a form or a roster row gives it. `None`
/// leaves a field unchanged on update (and empty on create); `Some("")`
/// clears it.
#[derive(Debug, Clone, Default)]
pub struct TeacherInput {
    pub staff_no: Option<String>,
    pub name: Option<String>,
    pub gender: Option<String>,
    pub birth_date: Option<String>,
    pub work_start: Option<String>,
    pub section: Option<String>,
    pub subjects: Option<Vec<String>>,
    pub employment: Option<String>,
    pub post: Option<String>,
    pub front_line: Option<String>,
    pub education: Option<String>,
    pub major: Option<String>,
    pub major_matches: Option<String>,
    pub title: Option<String>,
    pub posts: Option<Vec<String>>,
    pub certificates: Option<Vec<String>>,
}

pub(crate) fn opt<T>(
    v: &str,
    f: impl FnOnce(&str) -> Result<T, FieldError>,
) -> Result<Option<T>, FieldError> {
    if v.trim().is_empty() {
        Ok(None)
    } else {
        f(v).map(Some)
    }
}

impl TeacherInput {
    /// Applies the input over `base` (defaults for a new teacher) and checks
    /// the result.
    pub fn apply(&self, base: TeacherFields, today: NaiveDate) -> Result<TeacherFields, FieldError> {
        let f = self.apply_unchecked(base)?;
        f.check(today)?;
        Ok(f)
    }

    /// Applies the input without the checks across fields, stopping at the
    /// first bad field.
    pub fn apply_unchecked(&self, mut f: TeacherFields) -> Result<TeacherFields, FieldError> {
        let mut errors = Vec::new();
        self.apply_all(&mut f, &mut errors);
        match errors.into_iter().next() {
            Some(e) => Err(e),
            None => Ok(f),
        }
    }

    /// Applies every field it can and collects a problem for each one it
    /// cannot, so a form or a roster row reports all of them at once.
    pub fn apply_all(&self, f: &mut TeacherFields, errors: &mut Vec<FieldError>) {
        fn keep<T>(errors: &mut Vec<FieldError>, r: Result<T, FieldError>) -> Option<T> {
            r.map_err(|e| errors.push(e)).ok()
        }
        if let Some(v) = &self.staff_no {
            let r = opt(v, |v| {
                let v = v.trim();
                if v.chars().count() > 32 {
                    return Err(FieldError::new("staff_no", "too_long").with("max", 32));
                }
                if !v
                    .chars()
                    .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
                {
                    return Err(FieldError::new("staff_no", "staff_no_chars").with("value", v));
                }
                Ok(v.to_string())
            });
            if let Some(x) = keep(errors, r) {
                f.staff_no = x;
            }
        }
        if let Some(v) = &self.name {
            let r =
                short_text("name", v, 64).and_then(|n| n.ok_or_else(|| FieldError::new("name", "required")));
            if let Some(x) = keep(errors, r) {
                f.name = x;
            }
        }
        if let Some(v) = &self.gender
            && let Some(x) = keep(errors, opt(v, |v| Gender::parse("gender", v)))
        {
            f.gender = x;
        }
        if let Some(v) = &self.birth_date
            && let Some(x) = keep(errors, opt(v, |v| parse_date("birth_date", v)))
        {
            f.birth_date = x;
        }
        if let Some(v) = &self.work_start
            && let Some(x) = keep(errors, opt(v, |v| parse_date("work_start", v)))
        {
            f.work_start = x;
        }
        if let Some(v) = &self.section
            && let Some(x) = keep(errors, opt(v, |v| Section::parse("section", v)))
        {
            f.section = x;
        }
        if let Some(v) = &self.subjects
            && let Some(x) = keep(errors, text_list("subjects", v))
        {
            f.subjects = x;
        }
        if let Some(v) = &self.employment
            && let Some(x) = keep(errors, opt(v, |v| Employment::parse("employment", v)))
        {
            f.employment = x;
        }
        if let Some(v) = &self.post
            && let Some(x) = keep(errors, opt(v, |v| Post::parse("post", v)))
        {
            f.post = x;
        }
        if let Some(v) = &self.front_line
            && let Some(x) = keep(errors, opt(v, |v| parse_yes_no("front_line", v)))
        {
            f.front_line = x;
        }
        if let Some(v) = &self.education
            && let Some(x) = keep(errors, opt(v, |v| Education::parse("education", v)))
        {
            f.education = x;
        }
        if let Some(v) = &self.major
            && let Some(x) = keep(errors, short_text("major", v, 64))
        {
            f.major = x;
        }
        if let Some(v) = &self.major_matches
            && let Some(x) = keep(errors, opt(v, |v| parse_yes_no("major_matches", v)))
        {
            f.major_matches = x;
        }
        if let Some(v) = &self.title
            && let Some(x) = keep(errors, short_text("title", v, 64))
        {
            f.title = x;
        }
        if let Some(v) = &self.posts
            && let Some(x) = keep(errors, text_list("posts", v))
        {
            f.posts = x;
        }
        if let Some(v) = &self.certificates
            && let Some(x) = keep(errors, text_list("certificates", v))
        {
            f.certificates = x;
        }
    }
}

impl TeacherFields {
    /// Rules across fields: a name; born 15–80 years before `today`;
    /// started work at 16 or later and not in the future.
    pub fn check(&self, today: NaiveDate) -> Result<(), FieldError> {
        if self.name.trim().is_empty() {
            return Err(FieldError::new("name", "required"));
        }
        if let Some(b) = self.birth_date {
            let age = whole_years(b, today);
            if !(15..=80).contains(&age) {
                return Err(FieldError::new("birth_date", "implausible_age")
                    .with("value", b)
                    .with("age", age));
            }
        }
        if let Some(w) = self.work_start {
            if w > today {
                return Err(FieldError::new("work_start", "in_future").with("value", w));
            }
            if let Some(b) = self.birth_date
                && whole_years(b, w) < 16
            {
                return Err(FieldError::new("work_start", "before_16").with("value", w));
            }
        }
        Ok(())
    }
}

/// An honour record.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Honour {
    pub id: i64,
    pub teacher_id: i64,
    pub kind: HonourKind,
    pub level: Level,
    /// None when not known (a roster that gave no year).
    pub granted_year: Option<i32>,
    /// The subject inside the title: 语文 in 宜都市语文学科带头人.
    pub subject: Option<String>,
    /// The title as the roster wrote it.
    pub source_text: Option<String>,
    pub granting_body: Option<String>,
    pub valid_until_year: Option<i32>,
    pub status: HonourStatus,
    pub status_reason: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl Honour {
    pub fn fact(&self) -> HonourFact {
        HonourFact {
            kind: self.kind,
            level: self.level,
            granted_year: self.granted_year,
            valid_until_year: self.valid_until_year,
            status: self.status,
        }
    }
}

pub(crate) fn to_honour(m: honour::Model) -> Option<Honour> {
    Some(Honour {
        id: m.id,
        teacher_id: m.teacher_id,
        kind: HonourKind::from_code(&m.kind)?,
        level: Level::from_code(&m.level)?,
        granted_year: m.year_known.then_some(m.granted_year),
        subject: m.subject,
        source_text: m.source_text,
        granting_body: m.granting_body,
        valid_until_year: m.valid_until_year,
        status: HonourStatus::from_code(&m.status)?,
        status_reason: m.status_reason,
        created_at: m.created_at,
    })
}

/// A teacher as lists and the API show them.
#[derive(Debug, Clone, Serialize)]
pub struct Teacher {
    pub id: i64,
    pub district_id: i64,
    pub school_id: i64,
    pub school_name: String,
    /// The school's English name, where stored.
    pub school_name_en: Option<String>,
    #[serde(flatten)]
    pub fields: TeacherFields,
    pub user_id: Option<i64>,
    pub active: bool,
    pub honours: Vec<Honour>,
    pub age: Option<i32>,
    pub teaching_years: Option<i32>,
    /// The highest backbone level currently held.
    pub backbone_level: Option<Level>,
    pub tier: TierResult,
    pub updated_at: DateTime<Utc>,
}

impl Teacher {
    pub fn tenant(&self) -> Tenant {
        Tenant::school(self.district_id, self.school_id)
    }
}

pub(crate) fn json_list(s: &str) -> Vec<String> {
    serde_json::from_str(s).unwrap_or_default()
}

pub(crate) fn fields_of(m: &teacher::Model) -> TeacherFields {
    TeacherFields {
        staff_no: m.staff_no.clone(),
        name: m.name.clone(),
        gender: m.gender.as_deref().and_then(Gender::from_code),
        birth_date: m.birth_date,
        work_start: m.work_start,
        section: m.section.as_deref().and_then(Section::from_code),
        subjects: json_list(&m.subjects),
        employment: m.employment.as_deref().and_then(Employment::from_code),
        post: m.post.as_deref().and_then(Post::from_code),
        front_line: m.front_line,
        education: m.education.as_deref().and_then(Education::from_code),
        major: m.major.clone(),
        major_matches: m.major_matches,
        title: m.title.clone(),
        posts: json_list(&m.posts),
        certificates: json_list(&m.certificates),
    }
}

pub(crate) fn facts_of(id: i64, f: &TeacherFields, honours: &[Honour]) -> TeacherFacts {
    TeacherFacts {
        id,
        gender: f.gender,
        birth_date: f.birth_date,
        work_start: f.work_start,
        employment: f.employment,
        post: f.post,
        front_line: f.front_line,
        education: f.education,
        major_matches: f.major_matches,
        section: f.section,
        honours: honours.iter().map(Honour::fact).collect(),
    }
}

/// The `teachers` columns written by bulk inserts, in [`bulk_row`] order.
/// (`user_id` and `active` take their defaults: no account, current.)
pub(crate) const BULK_COLUMNS: [&str; 20] = [
    "district_id",
    "school_id",
    "staff_no",
    "name",
    "gender",
    "birth_date",
    "work_start",
    "section",
    "subjects",
    "employment",
    "post",
    "front_line",
    "education",
    "major",
    "major_matches",
    "title",
    "posts",
    "certificates",
    "created_at",
    "updated_at",
];

/// A new current teacher as values for [`BULK_COLUMNS`].
pub(crate) fn bulk_row(
    district_id: i64,
    school_id: i64,
    f: &TeacherFields,
    now: DateTime<Utc>,
) -> Vec<sea_orm::Value> {
    let code = |c: Option<&'static str>| c.map(str::to_string);
    let list = |v: &Vec<String>| serde_json::to_string(v).unwrap_or_else(|_| "[]".into());
    vec![
        district_id.into(),
        school_id.into(),
        f.staff_no.clone().into(),
        f.name.clone().into(),
        code(f.gender.map(Gender::code)).into(),
        f.birth_date.into(),
        f.work_start.into(),
        code(f.section.map(Section::code)).into(),
        list(&f.subjects).into(),
        code(f.employment.map(Employment::code)).into(),
        code(f.post.map(Post::code)).into(),
        f.front_line.into(),
        code(f.education.map(Education::code)).into(),
        f.major.clone().into(),
        f.major_matches.into(),
        f.title.clone().into(),
        list(&f.posts).into(),
        list(&f.certificates).into(),
        now.into(),
        now.into(),
    ]
}

/// Writes typed fields into an active model.
pub(crate) fn set_fields(am: &mut teacher::ActiveModel, f: &TeacherFields) {
    let code = |c: Option<&'static str>| c.map(str::to_string);
    am.staff_no = Set(f.staff_no.clone());
    am.name = Set(f.name.clone());
    am.gender = Set(code(f.gender.map(Gender::code)));
    am.birth_date = Set(f.birth_date);
    am.work_start = Set(f.work_start);
    am.section = Set(code(f.section.map(Section::code)));
    let list = |v: &Vec<String>| serde_json::to_string(v).unwrap_or_else(|_| "[]".into());
    am.subjects = Set(list(&f.subjects));
    am.employment = Set(code(f.employment.map(Employment::code)));
    am.post = Set(code(f.post.map(Post::code)));
    am.front_line = Set(f.front_line);
    am.education = Set(code(f.education.map(Education::code)));
    am.major = Set(f.major.clone());
    am.major_matches = Set(f.major_matches);
    am.title = Set(f.title.clone());
    am.posts = Set(list(&f.posts));
    am.certificates = Set(list(&f.certificates));
}
