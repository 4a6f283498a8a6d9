//! Recording, editing and deleting records (with their people and
//! history), and who may record for whom.

use super::*;

/// The owner's teacher row, checked: the caller records for themselves, or
/// manages the owner's school.
pub(crate) async fn owner_for_write<C: ConnectionTrait>(
    conn: &C,
    scope: &Scope,
    viewer: &Viewer,
    owner_id: i64,
) -> Result<teacher::Model> {
    let t = teacher::Entity::find_by_id(owner_id)
        .one(conn)
        .await?
        .ok_or(Error::NotFound)?;
    let tenant = Tenant::school(t.district_id, t.school_id);
    if viewer.own == Some(t.id) {
        return Ok(t);
    }
    scope
        .require(Capability::ManageTeachers, tenant)
        .map_err(|e| match e {
            // Seeing a colleague's records does not reveal more than that.
            Error::Forbidden if !scope.allows(Capability::ReadTeachers, tenant) => Error::NotFound,
            e => e,
        })?;
    Ok(t)
}

/// A name typed or picked for the observed teacher — 丁悦雨, or 丁悦雨（GF0018）
/// when two colleagues share the name — is the colleague of the owner's
/// school it names, when exactly one matches; any other name stays a name
/// (a teacher from elsewhere).
pub(crate) async fn named_colleague<C: ConnectionTrait>(
    conn: &C,
    owner: &teacher::Model,
    draft: &mut EvidenceDraft,
) -> Result<()> {
    let Details::Observation {
        observed_teacher: Some(r @ TeacherRef::Name { .. }),
        ..
    } = &mut draft.details
    else {
        return Ok(());
    };
    let TeacherRef::Name { name } = &*r else {
        return Ok(());
    };
    let text = name.trim();
    let (name, staff_no) = match text
        .strip_suffix('）')
        .and_then(|t| t.rsplit_once('（'))
        .or_else(|| text.strip_suffix(')').and_then(|t| t.rsplit_once('(')))
    {
        Some((n, no)) => (n.trim().to_string(), Some(no.trim().to_string())),
        None => (text.to_string(), None),
    };
    let mut q = teacher::Entity::find()
        .select_only()
        .column(teacher::Column::Id)
        .filter(teacher::Column::SchoolId.eq(owner.school_id))
        .filter(teacher::Column::Active.eq(true))
        .filter(teacher::Column::Name.eq(name.as_str()));
    if let Some(no) = &staff_no {
        q = q.filter(teacher::Column::StaffNo.eq(no.as_str()));
    }
    let ids: Vec<i64> = q.limit(2).into_tuple().all(conn).await?;
    if let [id] = ids[..] {
        *r = TeacherRef::Id { teacher_id: id };
    }
    Ok(())
}

/// Checks that the named colleagues exist in the owner's district; returns
/// the people rows to write.
pub(crate) async fn people_for<C: ConnectionTrait>(
    conn: &C,
    owner: &teacher::Model,
    co_owners: &[i64],
    draft: &EvidenceDraft,
) -> Result<Vec<(i64, PersonRole)>> {
    let mut out = vec![(owner.id, PersonRole::Owner)];
    let mut wanted: Vec<(i64, PersonRole, &'static str)> = co_owners
        .iter()
        .filter(|id| **id != owner.id)
        .map(|id| (*id, PersonRole::CoOwner, "co_owners"))
        .collect();
    if co_owners.len() > 50 {
        return Err(FieldError::new("co_owners", "too_many").with("max", 50).into());
    }
    if let Some(o) = draft.details.observed_teacher_id() {
        if o == owner.id {
            return Err(FieldError::new("observed_teacher", "not_yourself").into());
        }
        wanted.push((o, PersonRole::Observed, "observed_teacher"));
    }
    for (id, role, field) in wanted {
        if out.iter().any(|(t, _)| *t == id) {
            continue;
        }
        let ok = teacher::Entity::find_by_id(id)
            .filter(teacher::Column::DistrictId.eq(owner.district_id))
            .filter(teacher::Column::Active.eq(true))
            .one(conn)
            .await?
            .is_some();
        if !ok {
            return Err(FieldError::new(field, "unknown_teacher").with("value", id).into());
        }
        out.push((id, role));
    }
    Ok(out)
}

pub(crate) async fn write_people<C: ConnectionTrait>(
    conn: &C,
    evidence_id: i64,
    tenant: (i64, i64),
    people: &[(i64, PersonRole)],
) -> Result<()> {
    let mut named = people_of(conn, evidence_id).await?;
    named.extend(people.iter().map(|(t, _)| *t));
    audit::touch_schools_of(conn, &named, tenant.1).await?;
    evidence_person::Entity::delete_many()
        .filter(evidence_person::Column::EvidenceId.eq(evidence_id))
        .exec(conn)
        .await?;
    let rows = people.iter().map(|(t, r)| evidence_person::ActiveModel {
        district_id: Set(tenant.0),
        school_id: Set(tenant.1),
        evidence_id: Set(evidence_id),
        teacher_id: Set(*t),
        role: Set(r.code().to_string()),
        ..Default::default()
    });
    evidence_person::Entity::insert_many(rows).exec(conn).await?;
    Ok(())
}

/// The teachers a record names (owner, co-owners, observed).
pub(crate) async fn people_of<C: ConnectionTrait>(conn: &C, evidence_id: i64) -> Result<Vec<i64>> {
    Ok(evidence_person::Entity::find()
        .select_only()
        .column(evidence_person::Column::TeacherId)
        .filter(evidence_person::Column::EvidenceId.eq(evidence_id))
        .into_tuple()
        .all(conn)
        .await?)
}

pub(crate) async fn event<C: ConnectionTrait>(
    conn: &C,
    scope: &Scope,
    m: &evidence::Model,
    action: &str,
    reason: Option<String>,
) -> Result<()> {
    evidence_event::ActiveModel {
        district_id: Set(m.district_id),
        school_id: Set(m.school_id),
        evidence_id: Set(m.id),
        action: Set(action.to_string()),
        reason: Set(reason),
        by_user_id: Set(scope.user_id()),
        by_name: Set(scope.actor().username.chars().take(64).collect()),
        at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(())
}

pub(crate) fn audit_json(m: &evidence::Model) -> serde_json::Value {
    json!({
        "owner_teacher_id": m.owner_teacher_id,
        "kind": m.kind,
        "subtype": m.subtype,
        "occurred_on": m.occurred_on,
        "level": m.level,
        "title": m.title,
        "text": m.body,
        "details": serde_json::from_str::<serde_json::Value>(&m.details).unwrap_or_default(),
        "status": m.status,
        "status_reason": m.status_reason,
    })
}

pub(crate) fn parse(input: &EvidenceInput) -> Result<EvidenceDraft> {
    input.parse().map_err(Error::InvalidAll)
}

pub(crate) async fn semester_for<C: ConnectionTrait>(
    conn: &C,
    district: i64,
    school: i64,
    d: NaiveDate,
) -> Result<Semester> {
    Ok(crate::calendar::load(conn, district, Some(school))
        .await?
        .semester_of(d))
}

/// Records a piece of evidence in `owner_id`'s portfolio.
pub async fn create(
    store: &Store,
    scope: &Scope,
    owner_id: i64,
    input: &EvidenceInput,
    co_owners: &[i64],
    today: NaiveDate,
) -> Result<Evidence> {
    let txn = store.begin().await?;
    let id = create_in(&txn, scope, owner_id, input, co_owners, today).await?;
    txn.commit().await?;
    let m = evidence::Entity::find_by_id(id)
        .one(store.conn())
        .await?
        .ok_or(Error::NotFound)?;
    Ok(hydrate(store.conn(), vec![m]).await?.remove(0))
}

/// [`create`] inside a caller's transaction (imports write many at once).
pub(crate) async fn create_in<C: ConnectionTrait>(
    conn: &C,
    scope: &Scope,
    owner_id: i64,
    input: &EvidenceInput,
    co_owners: &[i64],
    today: NaiveDate,
) -> Result<i64> {
    let viewer = Viewer::load(conn, scope, today).await?;
    let owner = owner_for_write(conn, scope, &viewer, owner_id).await?;
    let mut draft = parse(input)?;
    if draft.occurred_on > today + chrono::Days::new(366) {
        return Err(FieldError::new("date", "too_far_ahead").into());
    }
    named_colleague(conn, &owner, &mut draft).await?;
    let people = people_for(conn, &owner, co_owners, &draft).await?;
    let sem = semester_for(conn, owner.district_id, owner.school_id, draft.occurred_on).await?;
    let now = Utc::now();
    let m = evidence::ActiveModel {
        district_id: Set(owner.district_id),
        school_id: Set(owner.school_id),
        owner_teacher_id: Set(owner.id),
        kind: Set(draft.details.kind().code().to_string()),
        subtype: Set(draft.details.subtype().map(str::to_string)),
        occurred_on: Set(draft.occurred_on),
        school_year: Set(sem.year),
        term: Set(crate::calendar::term_code(sem.term)),
        level: Set(draft.level.map(|l| l.code().to_string())),
        title: Set(draft.title.clone()),
        body: Set(draft.text.clone()),
        details: Set(serde_json::to_string(&draft.details).map_err(|e| Error::Internal(e.to_string()))?),
        status: Set(EvidenceStatus::Recorded.code().to_string()),
        status_reason: Set(None),
        status_by: Set(None),
        status_at: Set(None),
        created_by: Set(scope.user_id()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    write_people(conn, m.id, (m.district_id, m.school_id), &people).await?;
    event(conn, scope, &m, "recorded", None).await?;
    audit::record(
        conn,
        scope.actor(),
        Change {
            action: "evidence.create",
            entity_type: "evidence",
            entity_id: Some(m.id.to_string()),
            tenant: Tenant::school(m.district_id, m.school_id),
            before: None,
            after: Some(audit_json(&m)),
        },
    )
    .await?;
    Ok(m.id)
}

/// Changes a record. A verified or rejected record goes back to recorded
/// and waits for verification again.
pub async fn update(
    store: &Store,
    scope: &Scope,
    id: i64,
    input: &EvidenceInput,
    co_owners: Option<&[i64]>,
    today: NaiveDate,
) -> Result<Evidence> {
    let txn = store.begin().await?;
    let a = access(&txn, scope, id, today).await?;
    if !a.can_edit(scope) {
        return Err(Error::Forbidden);
    }
    let mut input = input.clone();
    if input.kind != EvidenceKind::from_code(&a.model.kind).unwrap_or(input.kind) {
        return Err(FieldError::new("kind", "cannot_change").into());
    }
    input.kind = EvidenceKind::from_code(&a.model.kind).unwrap_or(input.kind);
    let mut draft = parse(&input)?;
    let owner = teacher::Entity::find_by_id(a.model.owner_teacher_id)
        .one(&txn)
        .await?
        .ok_or(Error::NotFound)?;
    named_colleague(&txn, &owner, &mut draft).await?;
    let current_co: Vec<i64> = a
        .people
        .iter()
        .filter(|p| p.role == PersonRole::CoOwner.code())
        .map(|p| p.teacher_id)
        .collect();
    let people = people_for(&txn, &owner, co_owners.unwrap_or(&current_co), &draft).await?;
    let sem = semester_for(&txn, a.model.district_id, a.model.school_id, draft.occurred_on).await?;
    let before = a.model.clone();
    let was = EvidenceStatus::from_code(&before.status).unwrap_or(EvidenceStatus::Recorded);
    let mut am = a.model.clone().into_active_model();
    am.subtype = Set(draft.details.subtype().map(str::to_string));
    am.occurred_on = Set(draft.occurred_on);
    am.school_year = Set(sem.year);
    am.term = Set(crate::calendar::term_code(sem.term));
    am.level = Set(draft.level.map(|l| l.code().to_string()));
    am.title = Set(draft.title.clone());
    am.body = Set(draft.text.clone());
    am.details = Set(serde_json::to_string(&draft.details).map_err(|e| Error::Internal(e.to_string()))?);
    am.status = Set(EvidenceStatus::Recorded.code().to_string());
    am.status_reason = Set(None);
    am.status_by = Set(None);
    am.status_at = Set(None);
    am.updated_at = Set(Utc::now());
    let m = am.update(&txn).await?;
    write_people(&txn, m.id, (m.district_id, m.school_id), &people).await?;
    let action = if was == EvidenceStatus::Recorded {
        "edited"
    } else {
        "reopened"
    };
    event(&txn, scope, &m, action, None).await?;
    audit::record(
        &txn,
        scope.actor(),
        Change {
            action: "evidence.update",
            entity_type: "evidence",
            entity_id: Some(m.id.to_string()),
            tenant: Tenant::school(m.district_id, m.school_id),
            before: Some(audit_json(&before)),
            after: Some(audit_json(&m)),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(hydrate(store.conn(), vec![m]).await?.remove(0))
}

/// Deletes a record and its attachments; files no other record uses are
/// removed from disk.
pub async fn delete(store: &Store, scope: &Scope, id: i64, today: NaiveDate) -> Result<()> {
    let txn = store.begin().await?;
    let a = access(&txn, scope, id, today).await?;
    if !a.can_edit(scope) {
        return Err(Error::Forbidden);
    }
    let file_ids: Vec<i64> = attachment::Entity::find()
        .filter(attachment::Column::EvidenceId.eq(id))
        .all(&txn)
        .await?
        .into_iter()
        .map(|x| x.file_id)
        .collect();
    attachment::Entity::delete_many()
        .filter(attachment::Column::EvidenceId.eq(id))
        .exec(&txn)
        .await?;
    let named = people_of(&txn, id).await?;
    audit::touch_schools_of(&txn, &named, a.model.school_id).await?;
    evidence::Entity::delete_by_id(id).exec(&txn).await?;
    let gone = crate::files::drop_unused(&txn, &file_ids).await?;
    audit::record(
        &txn,
        scope.actor(),
        Change {
            action: "evidence.delete",
            entity_type: "evidence",
            entity_id: Some(id.to_string()),
            tenant: a.tenant(),
            before: Some(audit_json(&a.model)),
            after: None,
        },
    )
    .await?;
    txn.commit().await?;
    store.remove_blobs(store.conn(), gone).await;
    Ok(())
}

/// Can the caller add records for this teacher (their own, or as a manager
/// of the teacher's school)?
pub async fn may_record_for(store: &Store, scope: &Scope, teacher_id: i64, today: NaiveDate) -> Result<bool> {
    let viewer = Viewer::load(store.conn(), scope, today).await?;
    Ok(owner_for_write(store.conn(), scope, &viewer, teacher_id)
        .await
        .is_ok())
}

/// Whether the caller may see this teacher's portfolio.
pub async fn may_view_portfolio(
    store: &Store,
    scope: &Scope,
    teacher_id: i64,
    today: NaiveDate,
) -> Result<bool> {
    let t = teacher::Entity::find_by_id(teacher_id)
        .one(store.conn())
        .await?
        .ok_or(Error::NotFound)?;
    let viewer = Viewer::load(store.conn(), scope, today).await?;
    Ok(scope.allows(
        Capability::ReadEvidence,
        Tenant::school(t.district_id, t.school_id),
    ) || viewer.related().contains(&teacher_id))
}
