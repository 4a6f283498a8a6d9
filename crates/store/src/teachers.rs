//! The teacher registry: who teaches where, with the facts the seeds rely
//! on, honours as dated history, computed tiers, and transfers between
//! schools that keep the history.

use crate::audit::{self, Change};
use crate::entity::{
    honour, leading_group_member, org_group, org_group_member, school, teacher, teacher_transfer,
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

fn short_text(field: &'static str, s: &str, max: usize) -> Result<Option<String>, FieldError> {
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

fn text_list(field: &'static str, items: &[String]) -> Result<Vec<String>, FieldError> {
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

fn opt<T>(v: &str, f: impl FnOnce(&str) -> Result<T, FieldError>) -> Result<Option<T>, FieldError> {
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
    pub granted_year: i32,
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
        granted_year: m.granted_year,
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

/// Age bands for filtering lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AgeBand {
    Under30,
    From30To34,
    From35To39,
    From40To49,
    From50,
}

impl AgeBand {
    pub const ALL: [AgeBand; 5] = [
        AgeBand::Under30,
        AgeBand::From30To34,
        AgeBand::From35To39,
        AgeBand::From40To49,
        AgeBand::From50,
    ];

    pub fn code(self) -> &'static str {
        match self {
            AgeBand::Under30 => "under_30",
            AgeBand::From30To34 => "30_34",
            AgeBand::From35To39 => "35_39",
            AgeBand::From40To49 => "40_49",
            AgeBand::From50 => "50_plus",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        AgeBand::ALL.into_iter().find(|b| b.code() == s)
    }

    /// Ages `[min, max)`.
    fn range(self) -> (i32, i32) {
        match self {
            AgeBand::Under30 => (0, 30),
            AgeBand::From30To34 => (30, 35),
            AgeBand::From35To39 => (35, 40),
            AgeBand::From40To49 => (40, 50),
            AgeBand::From50 => (50, 200),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortBy {
    #[default]
    Name,
    StaffNo,
    Age,
    TeachingYears,
    Level,
}

impl SortBy {
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "name" => SortBy::Name,
            "staff_no" => SortBy::StaffNo,
            "age" => SortBy::Age,
            "years" | "teaching_years" => SortBy::TeachingYears,
            "level" => SortBy::Level,
            _ => return None,
        })
    }
}

/// Filters for teacher lists.
#[derive(Debug, Clone, Default)]
pub struct TeacherFilter {
    /// Part of the name or staff number.
    pub q: Option<String>,
    pub school_id: Option<i64>,
    pub district_id: Option<i64>,
    pub section: Option<Section>,
    pub subject: Option<String>,
    pub employment: Option<Employment>,
    pub post: Option<Post>,
    pub education: Option<Education>,
    /// Holds a backbone title at exactly this level.
    pub backbone_level: Option<Level>,
    /// Holds this honour (any level).
    pub honour: Option<HonourKind>,
    pub tier: Option<String>,
    pub age_band: Option<AgeBand>,
    pub group_id: Option<i64>,
    /// Defaults to current staff only.
    pub include_inactive: bool,
    pub sort: SortBy,
    pub descending: bool,
}

/// The caller can see a teacher: they read the registry there, or it is
/// their own record.
fn can_read(scope: &Scope, t: Tenant, user_id: Option<i64>) -> bool {
    scope.allows(Capability::ReadTeachers, t) || (user_id.is_some() && user_id == scope.user_id())
}

/// Loads honours of the given teachers, grouped by teacher.
pub(crate) async fn honours_of<C: ConnectionTrait>(
    conn: &C,
    ids: &[i64],
) -> Result<HashMap<i64, Vec<Honour>>> {
    let mut out: HashMap<i64, Vec<Honour>> = HashMap::new();
    for chunk in ids.chunks(1000) {
        let rows = honour::Entity::find()
            .filter(honour::Column::TeacherId.is_in(chunk.iter().copied()))
            .order_by_desc(honour::Column::GrantedYear)
            .order_by_asc(honour::Column::Id)
            .all(conn)
            .await?;
        for r in rows {
            if let Some(h) = to_honour(r) {
                out.entry(h.teacher_id).or_default().push(h);
            }
        }
    }
    Ok(out)
}

async fn school_names<C: ConnectionTrait>(
    conn: &C,
    ids: impl IntoIterator<Item = i64>,
) -> Result<HashMap<i64, String>> {
    let ids: Vec<i64> = ids
        .into_iter()
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    Ok(school::Entity::find()
        .filter(school::Column::Id.is_in(ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|s| (s.id, s.name))
        .collect())
}

/// Builds full teachers (honours, ages, tiers) from rows.
async fn hydrate<C: ConnectionTrait>(
    conn: &C,
    rows: Vec<teacher::Model>,
    today: NaiveDate,
) -> Result<Vec<Teacher>> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut honours = honours_of(conn, &ids).await?;
    let names = school_names(conn, rows.iter().map(|r| r.school_id)).await?;
    let mut book = TierBook::new();
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let fields = fields_of(&r);
        let hs = honours.remove(&r.id).unwrap_or_default();
        let facts = facts_of(r.id, &fields, &hs);
        let tier = book
            .classify(conn, r.district_id, r.school_id, &facts, today)
            .await?;
        out.push(Teacher {
            id: r.id,
            district_id: r.district_id,
            school_id: r.school_id,
            school_name: names.get(&r.school_id).cloned().unwrap_or_default(),
            age: facts.age(today),
            teaching_years: facts.teaching_years(today),
            backbone_level: facts.honour_level(HonourKind::Backbone, today.year()),
            fields,
            user_id: r.user_id,
            active: r.active,
            honours: hs,
            tier,
            updated_at: r.updated_at,
        });
    }
    Ok(out)
}

/// Teachers the caller can see, filtered, sorted and paginated. Tiers are
/// computed for the day `today` (pass [`crate::calendar::today`]).
pub async fn list(
    store: &Store,
    scope: &Scope,
    filter: &TeacherFilter,
    page: PageRequest,
    today: NaiveDate,
) -> Result<Paged<Teacher>> {
    let mut q = teacher::Entity::find().filter(scope.condition(
        Capability::ReadTeachers,
        teacher::Column::DistrictId,
        teacher::Column::SchoolId,
    ));
    if !filter.include_inactive {
        q = q.filter(teacher::Column::Active.eq(true));
    }
    if let Some(s) = filter.school_id {
        q = q.filter(teacher::Column::SchoolId.eq(s));
    }
    if let Some(d) = filter.district_id {
        q = q.filter(teacher::Column::DistrictId.eq(d));
    }
    if let Some(text) = filter.q.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        q = q.filter(
            Condition::any()
                .add(Expr::col((teacher::Entity, teacher::Column::Name)).like(contains_pattern(text)))
                .add(Expr::col((teacher::Entity, teacher::Column::StaffNo)).like(contains_pattern(text))),
        );
    }
    if let Some(s) = filter.section {
        q = q.filter(teacher::Column::Section.eq(s.code()));
    }
    if let Some(s) = filter.subject.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        q = q.filter(
            Expr::col((teacher::Entity, teacher::Column::Subjects))
                .like(contains_pattern(&format!("\"{s}\""))),
        );
    }
    if let Some(e) = filter.employment {
        q = q.filter(teacher::Column::Employment.eq(e.code()));
    }
    if let Some(p) = filter.post {
        q = q.filter(teacher::Column::Post.eq(p.code()));
    }
    if let Some(e) = filter.education {
        q = q.filter(teacher::Column::Education.eq(e.code()));
    }
    if let Some(b) = filter.age_band {
        let (min, max) = b.range();
        // Age in [min, max) on `today` ⇔ born in (today - max years, today - min years].
        let latest = today.with_year(today.year() - min).unwrap_or(today);
        let earliest = today.with_year(today.year() - max).unwrap_or(today);
        q = q
            .filter(teacher::Column::BirthDate.lte(latest))
            .filter(teacher::Column::BirthDate.gt(earliest));
    }
    if let Some(g) = filter.group_id {
        q = q.filter(
            teacher::Column::Id.in_subquery(
                Query::select()
                    .column(org_group_member::Column::TeacherId)
                    .from(org_group_member::Entity)
                    .and_where(org_group_member::Column::GroupId.eq(g))
                    .to_owned(),
            ),
        );
    }
    if filter.honour.is_some() || filter.backbone_level.is_some() {
        let mut sub = Query::select();
        sub.column(honour::Column::TeacherId)
            .from(honour::Entity)
            .and_where(honour::Column::Status.eq(HonourStatus::Active.code()));
        if let Some(k) = filter.honour {
            sub.and_where(honour::Column::Kind.eq(k.code()));
        }
        if let Some(l) = filter.backbone_level {
            sub.and_where(honour::Column::Kind.eq(HonourKind::Backbone.code()))
                .and_where(honour::Column::Level.eq(l.code()));
        }
        q = q.filter(teacher::Column::Id.in_subquery(sub.to_owned()));
    }
    let rows = q.all(store.conn()).await?;
    let mut teachers = hydrate(store.conn(), rows, today).await?;
    if let Some(t) = filter.tier.as_deref().filter(|t| !t.is_empty()) {
        teachers.retain(|x| x.tier.tier.as_deref() == Some(t));
    }
    if let Some(l) = filter.backbone_level {
        // The subquery matched any active record at this level; keep those
        // whose highest current level it is.
        teachers.retain(|x| x.backbone_level == Some(l));
    }
    match filter.sort {
        SortBy::Name => teachers.sort_by(|a, b| a.fields.name.cmp(&b.fields.name).then(a.id.cmp(&b.id))),
        SortBy::StaffNo => {
            teachers.sort_by(|a, b| a.fields.staff_no.cmp(&b.fields.staff_no).then(a.id.cmp(&b.id)))
        }
        SortBy::Age => teachers.sort_by(|a, b| a.age.cmp(&b.age).then(a.id.cmp(&b.id))),
        SortBy::TeachingYears => {
            teachers.sort_by(|a, b| a.teaching_years.cmp(&b.teaching_years).then(a.id.cmp(&b.id)))
        }
        SortBy::Level => {
            teachers.sort_by(|a, b| a.backbone_level.cmp(&b.backbone_level).then(a.id.cmp(&b.id)))
        }
    }
    if filter.descending {
        teachers.reverse();
    }
    let total = teachers.len() as u64;
    let items: Vec<Teacher> = teachers
        .into_iter()
        .skip(page.offset() as usize)
        .take(page.per_page as usize)
        .collect();
    Ok(Paged {
        items,
        total,
        page: page.page,
        per_page: page.per_page,
    })
}

pub(crate) async fn load<C: ConnectionTrait>(conn: &C, id: i64, today: NaiveDate) -> Result<Teacher> {
    let m = teacher::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or(Error::NotFound)?;
    hydrate(conn, vec![m], today).await?.pop().ok_or(Error::NotFound)
}

/// One move between schools.
#[derive(Debug, Clone, Serialize)]
pub struct Transfer {
    pub id: i64,
    pub from_school_id: i64,
    pub from_school: String,
    pub to_school_id: i64,
    pub to_school: String,
    pub on_date: NaiveDate,
    pub reason: String,
    pub created_at: DateTime<Utc>,
}

/// A group the teacher belongs to.
#[derive(Debug, Clone, Serialize)]
pub struct Membership {
    pub group_id: i64,
    pub group_name: String,
    pub kind: String,
    pub position: String,
}

/// Everything on a teacher's page.
#[derive(Debug, Clone, Serialize)]
pub struct TeacherDetail {
    pub teacher: Teacher,
    pub transfers: Vec<Transfer>,
    pub groups: Vec<Membership>,
    /// The account linked to this record.
    pub username: Option<String>,
    /// A tier set by hand for the current school year, with its reason.
    pub tier_override: Option<(String, String)>,
    pub can_manage: bool,
}

/// A teacher the caller may see, with history.
pub async fn get(store: &Store, scope: &Scope, id: i64, today: NaiveDate) -> Result<TeacherDetail> {
    let t = load(store.conn(), id, today).await?;
    if !can_read(scope, t.tenant(), t.user_id) {
        return Err(Error::NotFound);
    }
    let transfers = teacher_transfer::Entity::find()
        .filter(teacher_transfer::Column::TeacherId.eq(id))
        .order_by_asc(teacher_transfer::Column::OnDate)
        .all(store.conn())
        .await?;
    let names = school_names(
        store.conn(),
        transfers.iter().flat_map(|t| [t.from_school_id, t.to_school_id]),
    )
    .await?;
    let groups = memberships(store.conn(), id).await?;
    let username = match t.user_id {
        Some(u) => user::Entity::find_by_id(u)
            .one(store.conn())
            .await?
            .map(|u| u.username),
        None => None,
    };
    let year = crate::calendar::load(store.conn(), t.district_id, Some(t.school_id))
        .await?
        .semester_of(today)
        .year;
    let tier_override = tier_override::Entity::find()
        .filter(tier_override::Column::TeacherId.eq(id))
        .filter(tier_override::Column::StartYear.eq(year))
        .one(store.conn())
        .await?
        .map(|o| (o.tier_code, o.reason));
    Ok(TeacherDetail {
        can_manage: scope.allows(Capability::ManageTeachers, t.tenant()),
        transfers: transfers
            .into_iter()
            .map(|x| Transfer {
                id: x.id,
                from_school: names.get(&x.from_school_id).cloned().unwrap_or_default(),
                to_school: names.get(&x.to_school_id).cloned().unwrap_or_default(),
                from_school_id: x.from_school_id,
                to_school_id: x.to_school_id,
                on_date: x.on_date,
                reason: x.reason,
                created_at: x.created_at,
            })
            .collect(),
        groups,
        username,
        tier_override,
        teacher: t,
    })
}

/// The groups a teacher belongs to, with their names.
async fn memberships<C: ConnectionTrait>(conn: &C, teacher_id: i64) -> Result<Vec<Membership>> {
    let members = org_group_member::Entity::find()
        .filter(org_group_member::Column::TeacherId.eq(teacher_id))
        .all(conn)
        .await?;
    let ids: Vec<i64> = members.iter().map(|m| m.group_id).collect();
    let groups: HashMap<i64, org_group::Model> = org_group::Entity::find()
        .filter(org_group::Column::Id.is_in(ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|g| (g.id, g))
        .collect();
    Ok(members
        .into_iter()
        .filter_map(|m| {
            let g = groups.get(&m.group_id)?;
            Some(Membership {
                group_id: g.id,
                group_name: g.name.clone(),
                kind: g.kind.clone(),
                position: m.position,
            })
        })
        .collect())
}

fn snapshot(f: &TeacherFields, school_id: i64, active: bool) -> serde_json::Value {
    let mut v = json!(f);
    v["school_id"] = json!(school_id);
    v["active"] = json!(active);
    v
}

/// Adds a teacher to a school.
pub async fn create(
    store: &Store,
    scope: &Scope,
    school_id: i64,
    input: &TeacherInput,
    today: NaiveDate,
) -> Result<Teacher> {
    let txn = store.begin().await?;
    let s = school::Entity::find_by_id(school_id)
        .one(&txn)
        .await?
        .ok_or(Error::NotFound)?;
    let tenant = Tenant::school(s.district_id, s.id);
    scope.require(Capability::ManageTeachers, tenant)?;
    let fields = input.apply(TeacherFields::default(), today)?;
    let now = Utc::now();
    let mut am = teacher::ActiveModel {
        district_id: Set(s.district_id),
        school_id: Set(s.id),
        user_id: Set(None),
        active: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    set_fields(&mut am, &fields);
    let m = am
        .insert(&txn)
        .await
        .on_unique("staff_no", fields.staff_no.as_deref().unwrap_or(""))?;
    audit::record(
        &txn,
        scope.actor(),
        Change {
            action: "teacher.create",
            entity_type: "teacher",
            entity_id: Some(m.id.to_string()),
            tenant,
            before: None,
            after: Some(snapshot(&fields, s.id, true)),
        },
    )
    .await?;
    let t = load(&txn, m.id, today).await?;
    txn.commit().await?;
    Ok(t)
}

/// Edits a teacher's facts; `active = Some(false)` records that they left.
pub async fn update(
    store: &Store,
    scope: &Scope,
    id: i64,
    input: &TeacherInput,
    active: Option<bool>,
    today: NaiveDate,
) -> Result<Teacher> {
    let txn = store.begin().await?;
    let m = teacher::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(Error::NotFound)?;
    let tenant = Tenant::school(m.district_id, m.school_id);
    if !can_read(scope, tenant, m.user_id) {
        return Err(Error::NotFound);
    }
    scope.require(Capability::ManageTeachers, tenant)?;
    let before = fields_of(&m);
    let was_active = m.active;
    let after = input.apply(before.clone(), today)?;
    let now_active = active.unwrap_or(was_active);
    if after == before && now_active == was_active {
        let t = load(&txn, id, today).await?;
        return Ok(t);
    }
    let school_id = m.school_id;
    let mut am = m.into_active_model();
    set_fields(&mut am, &after);
    am.active = Set(now_active);
    am.updated_at = Set(Utc::now());
    am.update(&txn)
        .await
        .on_unique("staff_no", after.staff_no.as_deref().unwrap_or(""))?;
    audit::record(
        &txn,
        scope.actor(),
        Change {
            action: "teacher.update",
            entity_type: "teacher",
            entity_id: Some(id.to_string()),
            tenant,
            before: Some(snapshot(&before, school_id, was_active)),
            after: Some(snapshot(&after, school_id, now_active)),
        },
    )
    .await?;
    let t = load(&txn, id, today).await?;
    txn.commit().await?;
    Ok(t)
}

/// Links the teacher record to a login account of the same school (or
/// unlinks it with `None`), so the teacher sees their own record.
pub async fn link_account(
    store: &Store,
    scope: &Scope,
    id: i64,
    username: Option<&str>,
    today: NaiveDate,
) -> Result<Teacher> {
    let txn = store.begin().await?;
    let m = teacher::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(Error::NotFound)?;
    let tenant = Tenant::school(m.district_id, m.school_id);
    scope.require(Capability::ManageTeachers, tenant)?;
    let user_id = match username.map(str::trim).filter(|u| !u.is_empty()) {
        Some(u) => {
            let name = lingyan_domain::Username::parse(u)?;
            let acc = user::Entity::find()
                .filter(user::Column::Username.eq(name.as_str()))
                .one(&txn)
                .await?
                .filter(|a| a.school_id == Some(m.school_id))
                .ok_or_else(|| {
                    Error::Invalid(FieldError::new("username", "no_account_here").with("value", u))
                })?;
            Some(acc.id)
        }
        None => None,
    };
    let before = m.user_id;
    let mut am = m.into_active_model();
    am.user_id = Set(user_id);
    am.updated_at = Set(Utc::now());
    am.update(&txn)
        .await
        .on_unique("username", username.unwrap_or(""))?;
    audit::record(
        &txn,
        scope.actor(),
        Change {
            action: "teacher.link_account",
            entity_type: "teacher",
            entity_id: Some(id.to_string()),
            tenant,
            before: Some(json!({"user_id": before})),
            after: Some(json!({"user_id": user_id})),
        },
    )
    .await?;
    let t = load(&txn, id, today).await?;
    txn.commit().await?;
    Ok(t)
}

/// Moves a teacher to another school. Their honours, history and account
/// link go with them; group memberships, which belong to the old school,
/// end. The caller must manage teachers at both schools.
pub async fn transfer(
    store: &Store,
    scope: &Scope,
    id: i64,
    to_school_id: i64,
    on_date: &str,
    reason: &str,
    today: NaiveDate,
) -> Result<Teacher> {
    let on = parse_date("on_date", on_date)?;
    let reason = short_text("reason", reason, 500)?.ok_or_else(|| FieldError::new("reason", "required"))?;
    let txn = store.begin().await?;
    let m = teacher::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(Error::NotFound)?;
    let from = Tenant::school(m.district_id, m.school_id);
    if !can_read(scope, from, m.user_id) {
        return Err(Error::NotFound);
    }
    scope.require(Capability::ManageTeachers, from)?;
    let to = school::Entity::find_by_id(to_school_id)
        .one(&txn)
        .await?
        .ok_or_else(|| {
            Error::Invalid(FieldError::new("to_school", "unknown_school").with("value", to_school_id))
        })?;
    if to.id == m.school_id {
        return Err(Error::Invalid(FieldError::new("to_school", "same_school")));
    }
    let to_tenant = Tenant::school(to.district_id, to.id);
    if !scope.allows(Capability::ManageTeachers, to_tenant) {
        return Err(Error::Invalid(FieldError::new(
            "to_school",
            "cannot_transfer_there",
        )));
    }
    let from_school = m.school_id;
    let fields = fields_of(&m);
    let mut am = m.into_active_model();
    am.district_id = Set(to.district_id);
    am.school_id = Set(to.id);
    am.updated_at = Set(Utc::now());
    am.update(&txn)
        .await
        .on_unique("staff_no", fields.staff_no.as_deref().unwrap_or(""))?;
    honour::Entity::update_many()
        .col_expr(honour::Column::DistrictId, Expr::value(to.district_id))
        .col_expr(honour::Column::SchoolId, Expr::value(to.id))
        .filter(honour::Column::TeacherId.eq(id))
        .exec(&txn)
        .await?;
    org_group_member::Entity::delete_many()
        .filter(org_group_member::Column::TeacherId.eq(id))
        .exec(&txn)
        .await?;
    leading_group_member::Entity::delete_many()
        .filter(leading_group_member::Column::TeacherId.eq(id))
        .exec(&txn)
        .await?;
    tier_override::Entity::update_many()
        .col_expr(tier_override::Column::DistrictId, Expr::value(to.district_id))
        .col_expr(tier_override::Column::SchoolId, Expr::value(to.id))
        .filter(tier_override::Column::TeacherId.eq(id))
        .exec(&txn)
        .await?;
    teacher_transfer::ActiveModel {
        teacher_id: Set(id),
        district_id: Set(to.district_id),
        school_id: Set(to.id),
        from_school_id: Set(from_school),
        to_school_id: Set(to.id),
        on_date: Set(on),
        reason: Set(reason.clone()),
        by_user_id: Set(scope.user_id()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    for (tenant, action) in [(from, "teacher.transfer_out"), (to_tenant, "teacher.transfer_in")] {
        audit::record(
            &txn,
            scope.actor(),
            Change {
                action,
                entity_type: "teacher",
                entity_id: Some(id.to_string()),
                tenant,
                before: Some(json!({"school_id": from_school})),
                after: Some(json!({"school_id": to.id, "on_date": on, "reason": reason})),
            },
        )
        .await?;
    }
    let t = load(&txn, id, today).await?;
    txn.commit().await?;
    Ok(t)
}

/// What is typed to add an honour.
#[derive(Debug, Clone, Default)]
pub struct HonourInput {
    /// A kind code or Chinese name; or a full title (省级骨干教师) with
    /// `level` empty.
    pub kind: String,
    pub level: String,
    pub granted_year: String,
    pub granting_body: String,
    pub valid_until_year: String,
}

fn year(field: &'static str, s: &str) -> Result<i32, FieldError> {
    let t = s.trim().trim_end_matches('年');
    let y: i32 = t
        .parse()
        .map_err(|_| FieldError::new(field, "not_a_year").with("value", s.trim()))?;
    if !(1950..=2100).contains(&y) {
        return Err(FieldError::new(field, "not_a_year").with("value", s.trim()));
    }
    Ok(y)
}

/// An honour as typed, checked.
pub struct ParsedHonour {
    pub kind: HonourKind,
    pub level: Level,
    pub granted_year: i32,
    pub granting_body: Option<String>,
    pub valid_until_year: Option<i32>,
}

impl HonourInput {
    pub fn parse(&self) -> Result<ParsedHonour, FieldError> {
        let (kind, level) = if self.level.trim().is_empty() {
            parse_title("kind", &self.kind)?
        } else {
            (
                HonourKind::parse("kind", &self.kind)?,
                Level::parse("level", &self.level)?,
            )
        };
        let granted = year("granted_year", &self.granted_year)?;
        let until = match self.valid_until_year.trim() {
            "" => None,
            s => Some(year("valid_until_year", s)?),
        };
        if until.is_some_and(|u| u < granted) {
            return Err(FieldError::new("valid_until_year", "before_granted"));
        }
        let body = short_text("granting_body", &self.granting_body, 100)?;
        Ok(ParsedHonour {
            kind,
            level,
            granted_year: granted,
            granting_body: body,
            valid_until_year: until,
        })
    }
}

/// Records an honour for a teacher.
pub async fn add_honour(
    store: &Store,
    scope: &Scope,
    teacher_id: i64,
    input: &HonourInput,
) -> Result<Honour> {
    let ParsedHonour {
        kind,
        level,
        granted_year: granted,
        granting_body: body,
        valid_until_year: until,
    } = input.parse()?;
    let txn = store.begin().await?;
    let t = teacher::Entity::find_by_id(teacher_id)
        .one(&txn)
        .await?
        .ok_or(Error::NotFound)?;
    let tenant = Tenant::school(t.district_id, t.school_id);
    if !can_read(scope, tenant, t.user_id) {
        return Err(Error::NotFound);
    }
    scope.require(Capability::ManageTeachers, tenant)?;
    let now = Utc::now();
    let m = honour::ActiveModel {
        teacher_id: Set(teacher_id),
        district_id: Set(t.district_id),
        school_id: Set(t.school_id),
        kind: Set(kind.code().into()),
        level: Set(level.code().into()),
        granted_year: Set(granted),
        granting_body: Set(body),
        valid_until_year: Set(until),
        status: Set(HonourStatus::Active.code().into()),
        status_reason: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let h = to_honour(m).ok_or_else(|| Error::Internal("honour just written cannot be read".into()))?;
    audit::record(
        &txn,
        scope.actor(),
        Change {
            action: "honour.create",
            entity_type: "honour",
            entity_id: Some(h.id.to_string()),
            tenant,
            before: None,
            after: Some(json!(h)),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(h)
}

/// Marks an honour expired or revoked (with a reason), or active again. The
/// record stays; only its status changes.
pub async fn set_honour_status(
    store: &Store,
    scope: &Scope,
    honour_id: i64,
    status: &str,
    reason: &str,
) -> Result<Honour> {
    let status = HonourStatus::parse("status", status)?;
    let reason = short_text("reason", reason, 500)?;
    if status == HonourStatus::Revoked && reason.is_none() {
        return Err(Error::Invalid(FieldError::new("reason", "required")));
    }
    let txn = store.begin().await?;
    let m = honour::Entity::find_by_id(honour_id)
        .one(&txn)
        .await?
        .ok_or(Error::NotFound)?;
    let tenant = Tenant::school(m.district_id, m.school_id);
    if !scope.allows(Capability::ReadTeachers, tenant) {
        return Err(Error::NotFound);
    }
    scope.require(Capability::ManageTeachers, tenant)?;
    let before = to_honour(m.clone());
    let mut am = m.into_active_model();
    am.status = Set(status.code().into());
    am.status_reason = Set(reason);
    am.updated_at = Set(Utc::now());
    let m = am.update(&txn).await?;
    let after = to_honour(m).ok_or_else(|| Error::Internal("honour cannot be read".into()))?;
    audit::record(
        &txn,
        scope.actor(),
        Change {
            action: "honour.status",
            entity_type: "honour",
            entity_id: Some(honour_id.to_string()),
            tenant,
            before: Some(json!(before)),
            after: Some(json!(after)),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}

/// Every subject taught in the caller's schools, for filter menus.
pub async fn subjects(store: &Store, scope: &Scope, school_id: Option<i64>) -> Result<Vec<String>> {
    let mut q = teacher::Entity::find()
        .select_only()
        .column(teacher::Column::Subjects)
        .distinct()
        .filter(scope.condition(
            Capability::ReadTeachers,
            teacher::Column::DistrictId,
            teacher::Column::SchoolId,
        ))
        .filter(teacher::Column::Active.eq(true));
    if let Some(s) = school_id {
        q = q.filter(teacher::Column::SchoolId.eq(s));
    }
    let rows: Vec<String> = q.into_tuple().all(store.conn()).await?;
    let mut all: Vec<String> = rows.iter().flat_map(|r| json_list(r)).collect();
    all.sort();
    all.dedup();
    Ok(all)
}

/// The teacher record linked to the caller's account, if any.
pub async fn own_record(store: &Store, scope: &Scope, today: NaiveDate) -> Result<Option<Teacher>> {
    let Some(uid) = scope.user_id() else {
        return Ok(None);
    };
    let m = teacher::Entity::find()
        .filter(teacher::Column::UserId.eq(uid))
        .one(store.conn())
        .await?;
    match m {
        Some(m) => Ok(Some(load(store.conn(), m.id, today).await?)),
        None => Ok(None),
    }
}
