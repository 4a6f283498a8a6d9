//! Reading many records: the filtered list a caller may see, what waits for
//! verification, counts by kind, level and semester, and whose portfolio a
//! caller may open.

use super::*;

/// Filters for lists of records.
#[derive(Debug, Clone, Default)]
pub struct EvidenceFilter {
    /// One teacher's portfolio (records they own, share or were observed in).
    pub teacher_id: Option<i64>,
    pub school_id: Option<i64>,
    pub kind: Option<EvidenceKind>,
    pub subtype: Option<String>,
    pub semester: Option<Semester>,
    pub school_year: Option<i32>,
    pub level: Option<Level>,
    pub status: Option<EvidenceStatus>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Only records waiting for the caller's verification.
    pub to_verify: bool,
    /// With `teacher_id`: only the teacher's own and shared records, not
    /// those in which they were the observed colleague (a growth report
    /// counts what the teacher did).
    pub own_only: bool,
}

/// What a kept answer reads: some schools' records, or a teacher's (whom
/// every change naming them moves their school on for).
pub(crate) enum Over<'a> {
    Schools(&'a [i64]),
    TeacherOf(i64),
}

/// Where a kept answer goes once read: its key and the revisions read
/// before it (`None`: not kept).
pub(crate) type KeptKey = Option<(String, Vec<i64>)>;

/// The answer kept for this question if it still holds (`Ok`), or where to
/// keep the one about to be read (`Err`). The key holds what was asked,
/// by whom — their rights and relations — and on which day; the revisions
/// of the schools read are taken before the answer (see `duties::kept`).
pub(crate) async fn kept_or<T: Clone + 'static>(
    store: &Store,
    scope: &Scope,
    viewer: &Viewer,
    what: &str,
    over: Over<'_>,
    asked: &(dyn std::fmt::Debug + Sync),
    today: NaiveDate,
) -> Result<std::result::Result<T, KeptKey>> {
    let school;
    let schools = match over {
        Over::Schools(s) => s,
        Over::TeacherOf(t) => {
            match teacher::Entity::find_by_id(t)
                .select_only()
                .column(teacher::Column::SchoolId)
                .into_tuple::<i64>()
                .one(store.conn())
                .await?
            {
                Some(s) => {
                    school = [s];
                    &school[..]
                }
                None => return Ok(Err(None)),
            }
        }
    };
    let access = scope.access();
    let key = format!(
        "{what}|{schools:?}|{asked:?}|{today}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}",
        scope.user_id(),
        access.tenants(Capability::ReadEvidence),
        access.tenants(Capability::VerifyEvidence),
        viewer.own,
        viewer.apprentices,
        viewer.led,
    );
    let revisions = crate::duties::revisions_of(store.conn(), schools).await?;
    Ok(match store.kept.memo::<T>(&key, &revisions) {
        Some(v) => Ok(v),
        None => Err(Some((key, revisions))),
    })
}

/// Keeps an answer where [`kept_or`] said to.
pub(crate) fn keep<T: Send + Sync + 'static>(store: &Store, at: KeptKey, answer: T) {
    if let Some((key, revisions)) = at {
        store.kept.keep_memo(key, revisions, answer);
    }
}

pub(crate) fn apply_filter(mut c: Condition, f: &EvidenceFilter) -> Condition {
    if let Some(t) = f.teacher_id {
        let mut people = Query::select()
            .column(evidence_person::Column::EvidenceId)
            .from(evidence_person::Entity)
            .and_where(evidence_person::Column::TeacherId.eq(t))
            .to_owned();
        if f.own_only {
            people.and_where(evidence_person::Column::Role.ne(PersonRole::Observed.code()));
        }
        c = c.add(evidence::Column::Id.in_subquery(people));
    }
    if let Some(s) = f.school_id {
        c = c.add(evidence::Column::SchoolId.eq(s));
    }
    if let Some(k) = f.kind {
        c = c.add(evidence::Column::Kind.eq(k.code()));
    }
    if let Some(s) = f.subtype.as_deref().filter(|s| !s.is_empty()) {
        c = c.add(evidence::Column::Subtype.eq(s));
    }
    if let Some(s) = f.semester {
        c = c
            .add(evidence::Column::SchoolYear.eq(s.year))
            .add(evidence::Column::Term.eq(crate::calendar::term_code(s.term)));
    }
    if let Some(y) = f.school_year {
        c = c.add(evidence::Column::SchoolYear.eq(y));
    }
    if let Some(l) = f.level {
        c = c.add(evidence::Column::Level.eq(l.code()));
    }
    if let Some(s) = f.status {
        c = c.add(evidence::Column::Status.eq(s.code()));
    }
    if let Some(d) = f.from {
        c = c.add(evidence::Column::OccurredOn.gte(d));
    }
    if let Some(d) = f.to {
        c = c.add(evidence::Column::OccurredOn.lte(d));
    }
    c
}

/// Lists records the caller may see, newest first.
pub async fn list(
    store: &Store,
    scope: &Scope,
    filter: &EvidenceFilter,
    page: PageRequest,
    today: NaiveDate,
) -> Result<Paged<Evidence>> {
    let viewer = Viewer::load(store.conn(), scope, today).await?;
    // A page of one school's records, or of one teacher's portfolio, is
    // kept until the school (the teacher's, which every change to a record
    // naming them moves on) changes.
    let over = match (filter.school_id, filter.teacher_id) {
        (Some(_), None) => Some(Over::Schools(filter.school_id.as_slice())),
        (None, Some(t)) => Some(Over::TeacherOf(t)),
        _ => None,
    };
    let kept = match over {
        Some(over) => match kept_or(store, scope, &viewer, "list", over, &(filter, page), today).await? {
            Ok(p) => return Ok(p),
            Err(at) => at,
        },
        None => None,
    };
    let mut cond = Condition::all().add(visible(scope, &viewer));
    if filter.to_verify {
        cond = cond
            .add(verifiable(scope, &viewer))
            .add(evidence::Column::Status.eq(EvidenceStatus::Recorded.code()));
    }
    let cond = apply_filter(cond, filter);
    let q = evidence::Entity::find().filter(cond);
    let total = q.clone().count(store.conn()).await?;
    let rows = q
        .order_by_desc(evidence::Column::OccurredOn)
        .order_by_desc(evidence::Column::Id)
        .offset(page.offset())
        .limit(page.per_page)
        .all(store.conn())
        .await?;
    let p = Paged {
        items: hydrate(store.conn(), rows).await?,
        total,
        page: page.page,
        per_page: page.per_page,
    };
    keep(store, kept, p.clone());
    Ok(p)
}

/// The newest `n` records the caller may see, without counting them all
/// (a home page's "recent records").
pub async fn latest(
    store: &Store,
    scope: &Scope,
    filter: &EvidenceFilter,
    n: u64,
    today: NaiveDate,
) -> Result<Vec<Evidence>> {
    let viewer = Viewer::load(store.conn(), scope, today).await?;
    let cond = apply_filter(Condition::all().add(visible(scope, &viewer)), filter);
    let rows = evidence::Entity::find()
        .filter(cond)
        .order_by_desc(evidence::Column::OccurredOn)
        .order_by_desc(evidence::Column::Id)
        .limit(n)
        .all(store.conn())
        .await?;
    hydrate(store.conn(), rows).await
}

/// How many records wait for the caller's verification.
pub async fn pending_count(store: &Store, scope: &Scope, today: NaiveDate) -> Result<u64> {
    let viewer = Viewer::load(store.conn(), scope, today).await?;
    let set = scope.access().tenants(Capability::VerifyEvidence);
    if viewer.led.is_empty() && set.is_empty() {
        return Ok(0);
    }
    // A verifier of a few schools (a director, a principal) counts only in
    // them: the count is kept until one of them changes (decision 46).
    let kept = if viewer.led.is_empty() && !set.all && set.districts.is_empty() && set.schools.len() <= 16 {
        let schools: Vec<i64> = set.schools.iter().copied().collect();
        match kept_or::<u64>(
            store,
            scope,
            &viewer,
            "pending",
            Over::Schools(&schools),
            &(),
            today,
        )
        .await?
        {
            Ok(n) => return Ok(n),
            Err(at) => at,
        }
    } else {
        None
    };
    let n = evidence::Entity::find()
        .filter(verifiable(scope, &viewer))
        .filter(evidence::Column::Status.eq(EvidenceStatus::Recorded.code()))
        .count(store.conn())
        .await?;
    keep(store, kept, n);
    Ok(n)
}

/// Records waiting for verification in each school of a district the
/// caller may read records of, by school id (a district dashboard's
/// backlog column).
pub async fn pending_by_school(
    store: &Store,
    scope: &Scope,
    district_id: i64,
) -> Result<std::collections::HashMap<i64, u64>> {
    let rows: Vec<(i64, i64)> = evidence::Entity::find()
        .select_only()
        .column(evidence::Column::SchoolId)
        .column_as(evidence::Column::Id.count(), "n")
        .filter(scope.condition(
            Capability::ReadEvidence,
            evidence::Column::DistrictId,
            evidence::Column::SchoolId,
        ))
        .filter(evidence::Column::DistrictId.eq(district_id))
        .filter(evidence::Column::Status.eq(EvidenceStatus::Recorded.code()))
        .group_by(evidence::Column::SchoolId)
        .into_tuple()
        .all(store.conn())
        .await?;
    Ok(rows.into_iter().map(|(s, n)| (s, n.max(0) as u64)).collect())
}

/// The caller's own records that need them: waiting for verification or
/// returned with a reason, newest first (at most `limit`).
pub async fn own_open(store: &Store, scope: &Scope, teacher_id: i64, limit: u64) -> Result<Vec<Evidence>> {
    let viewer = Viewer::load(store.conn(), scope, crate::calendar::today()).await?;
    if viewer.own != Some(teacher_id) {
        return Err(Error::NotFound);
    }
    let rows = evidence::Entity::find()
        .filter(evidence::Column::OwnerTeacherId.eq(teacher_id))
        .filter(
            evidence::Column::Status
                .is_in([EvidenceStatus::Recorded.code(), EvidenceStatus::Rejected.code()]),
        )
        // Returned records first: they wait for the teacher.
        .order_by_desc(evidence::Column::Status.eq(EvidenceStatus::Rejected.code()))
        .order_by_desc(evidence::Column::OccurredOn)
        .order_by_desc(evidence::Column::Id)
        .limit(limit)
        .all(store.conn())
        .await?;
    hydrate(store.conn(), rows).await
}

/// One cell of the school counts: records of a kind at a level in a
/// semester.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct CountCell {
    pub kind: EvidenceKind,
    pub level: Option<Level>,
    pub semester: Semester,
    pub total: u64,
    pub verified: u64,
}

/// Counts of records by kind × level × semester for a school (or, for
/// district roles, every school they see), optionally for one school year.
pub async fn counts(
    store: &Store,
    scope: &Scope,
    school_id: Option<i64>,
    school_year: Option<i32>,
    today: NaiveDate,
) -> Result<Vec<CountCell>> {
    let viewer = Viewer::load(store.conn(), scope, today).await?;
    // One school's counts are kept until the school changes.
    let kept = match school_id {
        Some(school) => match kept_or(
            store,
            scope,
            &viewer,
            "counts",
            Over::Schools(&[school]),
            &school_year,
            today,
        )
        .await?
        {
            Ok(c) => return Ok(c),
            Err(at) => at,
        },
        None => None,
    };
    let mut cond = Condition::all().add(visible(scope, &viewer));
    if let Some(s) = school_id {
        cond = cond.add(evidence::Column::SchoolId.eq(s));
    }
    if let Some(y) = school_year {
        cond = cond.add(evidence::Column::SchoolYear.eq(y));
    }
    let rows: Vec<(String, Option<String>, i32, i16, String, i64)> = evidence::Entity::find()
        .select_only()
        .column(evidence::Column::Kind)
        .column(evidence::Column::Level)
        .column(evidence::Column::SchoolYear)
        .column(evidence::Column::Term)
        .column(evidence::Column::Status)
        .column_as(evidence::Column::Id.count(), "n")
        .filter(cond)
        .group_by(evidence::Column::Kind)
        .group_by(evidence::Column::Level)
        .group_by(evidence::Column::SchoolYear)
        .group_by(evidence::Column::Term)
        .group_by(evidence::Column::Status)
        .into_tuple()
        .all(store.conn())
        .await?;
    let mut cells: BTreeMap<(EvidenceKind, Option<Level>, Semester), (u64, u64)> = BTreeMap::new();
    for (kind, level, year, term, status, n) in rows {
        let Some(kind) = EvidenceKind::from_code(&kind) else {
            continue;
        };
        let key = (
            kind,
            level.as_deref().and_then(Level::from_code),
            Semester {
                year,
                term: term_of(term),
            },
        );
        let e = cells.entry(key).or_default();
        e.0 += n as u64;
        if status == EvidenceStatus::Verified.code() {
            e.1 += n as u64;
        }
    }
    let cells: Vec<CountCell> = cells
        .into_iter()
        .map(|((kind, level, semester), (total, verified))| CountCell {
            kind,
            level,
            semester,
            total,
            verified,
        })
        .collect();
    keep(store, kept, cells.clone());
    Ok(cells)
}

/// Whose portfolio a page shows, and what the caller may do there.
#[derive(Debug, Clone, Serialize)]
pub struct PortfolioOwner {
    pub teacher_id: i64,
    pub name: String,
    pub district_id: i64,
    pub school_id: i64,
    pub school_name: String,
    /// The school's English name, where stored.
    pub school_name_en: Option<String>,
    /// The caller's own portfolio.
    pub is_self: bool,
    /// The caller may add records here.
    pub can_record: bool,
}

/// The teacher behind a portfolio the caller may see (not found otherwise).
pub async fn portfolio_owner(
    store: &Store,
    scope: &Scope,
    teacher_id: i64,
    today: NaiveDate,
) -> Result<PortfolioOwner> {
    let t = teacher::Entity::find_by_id(teacher_id)
        .one(store.conn())
        .await?
        .ok_or(Error::NotFound)?;
    let tenant = Tenant::school(t.district_id, t.school_id);
    let viewer = Viewer::load(store.conn(), scope, today).await?;
    if !(scope.allows(Capability::ReadEvidence, tenant) || viewer.related().contains(&teacher_id)) {
        return Err(Error::NotFound);
    }
    let (school_name, school_name_en) = crate::entity::school::Entity::find_by_id(t.school_id)
        .one(store.conn())
        .await?
        .map(|s| (s.name, s.name_en))
        .unwrap_or_default();
    let is_self = viewer.own == Some(t.id);
    Ok(PortfolioOwner {
        teacher_id: t.id,
        name: t.name,
        district_id: t.district_id,
        school_id: t.school_id,
        school_name,
        school_name_en,
        is_self,
        can_record: is_self || scope.allows(Capability::ManageTeachers, tenant),
    })
}

/// The caller's own teacher record, if their account is linked to one.
pub async fn own_teacher_id(store: &Store, scope: &Scope, today: NaiveDate) -> Result<Option<i64>> {
    Ok(Viewer::load(store.conn(), scope, today).await?.own)
}

/// A colleague offered in a people picker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Colleague {
    pub id: i64,
    pub name: String,
    pub staff_no: Option<String>,
    /// The name, or 丁悦雨（GF0018） where two share it: what a picker
    /// shows and what typing it back names (see `write::named_colleague`).
    pub label: String,
}

impl Colleague {
    /// (id, name, staff no.) rows as picker choices in name order, the
    /// staff number added where two share a name.
    pub(crate) fn labelled(rows: Vec<(i64, String, Option<String>)>) -> Vec<Colleague> {
        let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        for (_, name, _) in &rows {
            *seen.entry(name.clone()).or_default() += 1;
        }
        let mut out: Vec<Colleague> = rows
            .into_iter()
            .map(|(id, name, no)| Colleague {
                label: match (seen[&name] > 1, &no) {
                    (true, Some(no)) => format!("{name}（{no}）"),
                    _ => name.clone(),
                },
                id,
                name,
                staff_no: no,
            })
            .collect();
        out.sort_by_cached_key(|c| (lingyan_domain::collate::name_key(&c.label), c.id));
        out
    }
}

/// Active teachers of the owner's school (for choosing co-owners and the
/// observed teacher), by name.
pub async fn colleagues(
    store: &Store,
    scope: &Scope,
    teacher_id: i64,
    today: NaiveDate,
) -> Result<Vec<Colleague>> {
    let owner = portfolio_owner(store, scope, teacher_id, today).await?;
    let rows: Vec<(i64, String, Option<String>)> = teacher::Entity::find()
        .select_only()
        .column(teacher::Column::Id)
        .column(teacher::Column::Name)
        .column(teacher::Column::StaffNo)
        .filter(teacher::Column::SchoolId.eq(owner.school_id))
        .filter(teacher::Column::Active.eq(true))
        .filter(teacher::Column::Id.ne(teacher_id))
        .into_tuple()
        .all(store.conn())
        .await?;
    Ok(Colleague::labelled(rows))
}

/// How many of a teacher's records are in each state (recorded, verified,
/// rejected), for the home page.
pub async fn status_counts(
    store: &Store,
    scope: &Scope,
    teacher_id: i64,
    today: NaiveDate,
) -> Result<[u64; 3]> {
    let viewer = Viewer::load(store.conn(), scope, today).await?;
    let cond = apply_filter(
        Condition::all().add(visible(scope, &viewer)),
        &EvidenceFilter {
            teacher_id: Some(teacher_id),
            ..Default::default()
        },
    );
    let rows: Vec<(String, i64)> = evidence::Entity::find()
        .select_only()
        .column(evidence::Column::Status)
        .column_as(evidence::Column::Id.count(), "n")
        .filter(cond)
        .group_by(evidence::Column::Status)
        .into_tuple()
        .all(store.conn())
        .await?;
    let mut out = [0u64; 3];
    for (s, n) in rows {
        let i = match EvidenceStatus::from_code(&s) {
            Some(EvidenceStatus::Recorded) => 0,
            Some(EvidenceStatus::Verified) => 1,
            Some(EvidenceStatus::Rejected) => 2,
            None => continue,
        };
        out[i] = n as u64;
    }
    Ok(out)
}
