//! Status analysis (情况分析) of a school's or a district's current staff,
//! read straight from the registry with two queries.

use crate::districts::District;
use crate::entity::{district, honour, school};
use crate::schools::School;
use crate::{Error, Result, Scope, Store};
use chrono::NaiveDate;
use lingyan_domain::status::{StatusAnalysis, analyse};
use lingyan_domain::{
    Capability, Education, Employment, Gender, HonourFact, HonourKind, HonourStatus, Level, Post, Section,
    TeacherFacts, Tenant,
};
use sea_orm::{ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QuerySelect, Statement};
use serde::Serialize;
use std::collections::HashMap;

/// (teacher, kind, level, granted, valid until, status)
pub(crate) type HonourRow = (i64, String, String, i32, bool, Option<i32>, String);

/// The columns of a [`HonourRow`].
pub(crate) const HONOUR_COLUMNS: [honour::Column; 7] = [
    honour::Column::TeacherId,
    honour::Column::Kind,
    honour::Column::Level,
    honour::Column::GrantedYear,
    honour::Column::YearKnown,
    honour::Column::ValidUntilYear,
    honour::Column::Status,
];

/// A honour row as a fact of its teacher; `None` for codes this version
/// does not know.
pub(crate) fn honour_fact(
    (teacher_id, kind, level, granted_year, year_known, valid_until_year, status): HonourRow,
) -> Option<(i64, HonourFact)> {
    Some((
        teacher_id,
        HonourFact {
            kind: HonourKind::from_code(&kind)?,
            level: Level::from_code(&level)?,
            granted_year: year_known.then_some(granted_year),
            valid_until_year,
            status: HonourStatus::from_code(&status)?,
        },
    ))
}

/// The facts of a teacher row packed into one text column. Reading ten
/// nullable columns for every teacher costs SQLite's driver more than the
/// analysis itself; one concatenated column halves the time on both
/// databases (see docs/BENCHMARKS.md).
pub(crate) const PACKED: &str = "COALESCE(gender,'') || '|' || COALESCE(CAST(birth_date AS TEXT),'') || '|' || \
COALESCE(CAST(work_start AS TEXT),'') || '|' || COALESCE(employment,'') || '|' || COALESCE(post,'') || '|' || \
COALESCE(CAST(front_line AS TEXT),'') || '|' || COALESCE(education,'') || '|' || \
COALESCE(CAST(major_matches AS TEXT),'') || '|' || COALESCE(section,'')";

pub(crate) fn unpack(id: i64, packed: &str) -> TeacherFacts {
    let mut f = packed.split('|');
    let mut next = || f.next().unwrap_or("");
    let date = |s: &str| NaiveDate::parse_from_str(s.get(..10).unwrap_or(s), "%Y-%m-%d").ok();
    let flag = |s: &str| match s {
        "1" | "true" | "t" => Some(true),
        "0" | "false" | "f" => Some(false),
        _ => None,
    };
    TeacherFacts {
        id,
        gender: Gender::from_code(next()),
        birth_date: date(next()),
        work_start: date(next()),
        employment: Employment::from_code(next()),
        post: Post::from_code(next()),
        front_line: flag(next()),
        education: Education::from_code(next()),
        major_matches: flag(next()),
        section: Section::from_code(next()),
        honours: Vec::new(),
    }
}

/// Facts of the active staff where `filter` holds, keyed by school.
async fn load(
    store: &Store,
    district_id: i64,
    school_id: Option<i64>,
) -> Result<HashMap<i64, Vec<TeacherFacts>>> {
    let backend = store.conn().get_database_backend();
    let p = |n: usize| match backend {
        DbBackend::Postgres => format!("${n}"),
        _ => "?".to_string(),
    };
    let mut sql = format!(
        "SELECT id, school_id, {PACKED} FROM teachers WHERE district_id = {} AND active = {}",
        p(1),
        p(2)
    );
    let mut values: Vec<sea_orm::Value> = vec![district_id.into(), true.into()];
    if let Some(s) = school_id {
        sql.push_str(&format!(" AND school_id = {}", p(3)));
        values.push(s.into());
    }
    let mut h = honour::Entity::find()
        .select_only()
        .columns(HONOUR_COLUMNS)
        .filter(honour::Column::DistrictId.eq(district_id))
        .filter(honour::Column::Status.eq(HonourStatus::Active.code()));
    if let Some(s) = school_id {
        h = h.filter(honour::Column::SchoolId.eq(s));
    }
    // The two reads are independent: run them on two connections at once.
    let (rows, honours) = tokio::try_join!(
        store
            .conn()
            .query_all_raw(Statement::from_sql_and_values(backend, sql, values)),
        h.into_tuple::<HonourRow>().all(store.conn())
    )?;
    let mut by_teacher: HashMap<i64, Vec<HonourFact>> = HashMap::new();
    for (teacher_id, fact) in honours.into_iter().filter_map(honour_fact) {
        by_teacher.entry(teacher_id).or_default().push(fact);
    }
    let mut out: HashMap<i64, Vec<TeacherFacts>> = HashMap::new();
    for r in rows {
        let id: i64 = r.try_get_by_index(0)?;
        let school: i64 = r.try_get_by_index(1)?;
        let packed: String = r.try_get_by_index(2)?;
        let mut facts = unpack(id, &packed);
        facts.honours = by_teacher.remove(&id).unwrap_or_default();
        out.entry(school).or_default().push(facts);
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
    // Kept until the school changes, as its duty results are (decision 42).
    let revision = crate::duties::revision_of(store.conn(), s.district_id, s.id).await?;
    if let Some(a) = store.kept.analysis(s.id, as_of, revision) {
        return Ok(SchoolStatus {
            analysis: (*a).clone(),
            school: s,
        });
    }
    let mut facts = load(store, s.district_id, Some(s.id)).await?;
    let staff = facts.remove(&s.id).unwrap_or_default();
    let analysis = analyse(&staff, as_of);
    store
        .kept
        .keep_analysis(s.id, as_of, revision, std::sync::Arc::new(analysis.clone()));
    Ok(SchoolStatus { analysis, school: s })
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
    let total = analyse(facts.values().flatten(), as_of);
    let mut per_school = Vec::new();
    let empty = Vec::new();
    for s in schools {
        let staff = facts.get(&s.id).unwrap_or(&empty);
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
            analysis: analyse(staff, as_of),
            school,
        });
    }
    per_school.sort_by(|a, b| a.school.code.cmp(&b.school.code));
    Ok(DistrictStatus {
        analysis: total,
        district: District::from(d),
        schools: per_school,
    })
}
