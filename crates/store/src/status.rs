//! Status analysis (情况分析) of a school's or a district's current staff,
//! read straight from the registry with two queries.

use crate::districts::District;
use crate::entity::{district, honour, school, teacher};
use crate::schools::School;
use crate::{Error, Result, Scope, Store};
use chrono::NaiveDate;
use lingyan_domain::status::{StatusAnalysis, analyse};
use lingyan_domain::{
    Capability, Education, Employment, Gender, HonourFact, HonourKind, HonourStatus, Level, Post, Section,
    TeacherFacts, Tenant,
};
use sea_orm::{ColumnTrait, EntityTrait, FromQueryResult, QueryFilter, QuerySelect};
use serde::Serialize;
use std::collections::HashMap;

#[derive(Debug, FromQueryResult)]
struct FactRow {
    id: i64,
    school_id: i64,
    gender: Option<String>,
    birth_date: Option<NaiveDate>,
    work_start: Option<NaiveDate>,
    employment: Option<String>,
    post: Option<String>,
    front_line: Option<bool>,
    education: Option<String>,
    major_matches: Option<bool>,
    section: Option<String>,
}

#[derive(Debug, FromQueryResult)]
struct HonourRow {
    teacher_id: i64,
    kind: String,
    level: String,
    granted_year: i32,
    valid_until_year: Option<i32>,
    status: String,
}

/// Facts of the active staff where `filter` holds, keyed by school.
async fn load(
    store: &Store,
    district_id: i64,
    school_id: Option<i64>,
) -> Result<HashMap<i64, Vec<TeacherFacts>>> {
    let mut q = teacher::Entity::find()
        .select_only()
        .columns([
            teacher::Column::Id,
            teacher::Column::SchoolId,
            teacher::Column::Gender,
            teacher::Column::BirthDate,
            teacher::Column::WorkStart,
            teacher::Column::Employment,
            teacher::Column::Post,
            teacher::Column::FrontLine,
            teacher::Column::Education,
            teacher::Column::MajorMatches,
            teacher::Column::Section,
        ])
        .filter(teacher::Column::DistrictId.eq(district_id))
        .filter(teacher::Column::Active.eq(true));
    let mut h = honour::Entity::find()
        .select_only()
        .columns([
            honour::Column::TeacherId,
            honour::Column::Kind,
            honour::Column::Level,
            honour::Column::GrantedYear,
            honour::Column::ValidUntilYear,
            honour::Column::Status,
        ])
        .filter(honour::Column::DistrictId.eq(district_id))
        .filter(honour::Column::Status.eq(HonourStatus::Active.code()));
    if let Some(s) = school_id {
        q = q.filter(teacher::Column::SchoolId.eq(s));
        h = h.filter(honour::Column::SchoolId.eq(s));
    }
    let rows = q.into_model::<FactRow>().all(store.conn()).await?;
    let honours = h.into_model::<HonourRow>().all(store.conn()).await?;
    let mut by_teacher: HashMap<i64, Vec<HonourFact>> = HashMap::new();
    for r in honours {
        let (Some(kind), Some(level), Some(status)) = (
            HonourKind::from_code(&r.kind),
            Level::from_code(&r.level),
            HonourStatus::from_code(&r.status),
        ) else {
            continue;
        };
        by_teacher.entry(r.teacher_id).or_default().push(HonourFact {
            kind,
            level,
            granted_year: r.granted_year,
            valid_until_year: r.valid_until_year,
            status,
        });
    }
    let mut out: HashMap<i64, Vec<TeacherFacts>> = HashMap::new();
    for r in rows {
        out.entry(r.school_id).or_default().push(TeacherFacts {
            id: r.id,
            gender: r.gender.as_deref().and_then(Gender::from_code),
            birth_date: r.birth_date,
            work_start: r.work_start,
            employment: r.employment.as_deref().and_then(Employment::from_code),
            post: r.post.as_deref().and_then(Post::from_code),
            front_line: r.front_line,
            education: r.education.as_deref().and_then(Education::from_code),
            major_matches: r.major_matches,
            section: r.section.as_deref().and_then(Section::from_code),
            honours: by_teacher.remove(&r.id).unwrap_or_default(),
        });
    }
    Ok(out)
}

/// A school's analysis.
#[derive(Debug, Clone, Serialize)]
pub struct SchoolStatus {
    pub school: School,
    pub analysis: StatusAnalysis,
}

/// The analysis of one school the caller reads the registry of.
pub async fn for_school(
    store: &Store,
    scope: &Scope,
    school_id: i64,
    as_of: NaiveDate,
) -> Result<SchoolStatus> {
    let s = crate::schools::get(store, scope, school_id).await?;
    scope.require(Capability::ReadTeachers, s.tenant())?;
    let mut facts = load(store, s.district_id, Some(s.id)).await?;
    let staff = facts.remove(&s.id).unwrap_or_default();
    Ok(SchoolStatus {
        analysis: analyse(&staff, as_of),
        school: s,
    })
}

/// A district's analysis, in all and school by school.
#[derive(Debug, Clone, Serialize)]
pub struct DistrictStatus {
    pub district: District,
    pub analysis: StatusAnalysis,
    pub schools: Vec<SchoolStatus>,
}

/// The analysis of a whole district (district staff and inspectors).
pub async fn for_district(
    store: &Store,
    scope: &Scope,
    district_id: i64,
    as_of: NaiveDate,
) -> Result<DistrictStatus> {
    let d = district::Entity::find_by_id(district_id)
        .one(store.conn())
        .await?
        .ok_or(Error::NotFound)?;
    scope.require(Capability::ReadTeachers, Tenant::district(district_id))?;
    let facts = load(store, district_id, None).await?;
    let schools = school::Entity::find()
        .filter(school::Column::DistrictId.eq(district_id))
        .all(store.conn())
        .await?;
    let all: Vec<TeacherFacts> = facts.values().flatten().cloned().collect();
    let mut per_school = Vec::new();
    let mut facts = facts;
    for s in schools {
        let staff = facts.remove(&s.id).unwrap_or_default();
        let school = School {
            id: s.id,
            district_id: s.district_id,
            district_code: d.code.clone(),
            district_name: d.name.clone(),
            code: s.code,
            name: s.name,
            name_en: s.name_en,
            school_type: lingyan_domain::SchoolType::parse(&s.school_type)
                .unwrap_or(lingyan_domain::SchoolType::Primary),
            active: s.active,
        };
        per_school.push(SchoolStatus {
            analysis: analyse(&staff, as_of),
            school,
        });
    }
    per_school.sort_by(|a, b| a.school.code.cmp(&b.school.code));
    Ok(DistrictStatus {
        analysis: analyse(&all, as_of),
        district: District::from(d),
        schools: per_school,
    })
}
