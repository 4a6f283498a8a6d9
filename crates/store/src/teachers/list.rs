//! Finding teachers: filters by age band, section, honour and more, sorting,
//! a page of the registry with computed tiers, one teacher's page, and the
//! subjects in use.

use super::*;

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
pub(crate) fn can_read(scope: &Scope, t: Tenant, user_id: Option<i64>) -> bool {
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

pub(crate) async fn school_names<C: ConnectionTrait>(
    conn: &C,
    ids: impl IntoIterator<Item = i64>,
) -> Result<HashMap<i64, (String, Option<String>)>> {
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
        .map(|s| (s.id, (s.name, s.name_en)))
        .collect())
}

/// Builds full teachers (honours, ages, tiers) from rows.
pub(crate) async fn hydrate<C: ConnectionTrait>(
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
            school_name: names.get(&r.school_id).map(|n| n.0.clone()).unwrap_or_default(),
            school_name_en: names.get(&r.school_id).and_then(|n| n.1.clone()),
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
        SortBy::Name => {
            teachers.sort_by_cached_key(|t| (lingyan_domain::collate::name_key(&t.fields.name), t.id))
        }
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
                from_school: names
                    .get(&x.from_school_id)
                    .map(|n| n.0.clone())
                    .unwrap_or_default(),
                to_school: names
                    .get(&x.to_school_id)
                    .map(|n| n.0.clone())
                    .unwrap_or_default(),
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
pub(crate) async fn memberships<C: ConnectionTrait>(conn: &C, teacher_id: i64) -> Result<Vec<Membership>> {
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

/// Active teachers of the given schools that the caller may act on with
/// `cap` (ManageTeachers for a form that assigns people), for people
/// pickers, in name order; names two share carry the staff number.
pub async fn choices(
    store: &Store,
    scope: &Scope,
    cap: Capability,
    school_ids: &[i64],
) -> Result<Vec<crate::evidence::Colleague>> {
    let rows: Vec<(i64, String, Option<String>)> = teacher::Entity::find()
        .select_only()
        .column(teacher::Column::Id)
        .column(teacher::Column::Name)
        .column(teacher::Column::StaffNo)
        .filter(scope.condition(cap, teacher::Column::DistrictId, teacher::Column::SchoolId))
        .filter(teacher::Column::Active.eq(true))
        .filter(teacher::Column::SchoolId.is_in(school_ids.iter().copied()))
        .into_tuple()
        .all(store.conn())
        .await?;
    Ok(crate::evidence::Colleague::labelled(rows))
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
