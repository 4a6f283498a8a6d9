//! Claims for outside training and manual adjustments (decision 50).
//!
//! A teacher claims a training taken outside with its certificate (a PDF
//! or an image, judged by its content), on its own or from a "training
//! attended" portfolio record; the claim goes through the approval chain
//! the district's requirement names (none, the school's training director
//! or principal, or the school's and then the district's), each step by
//! someone other than the teacher; a rejection needs a reason the teacher
//! sees; a pending claim can be withdrawn. An approved claim becomes one
//! ledger entry (source `claim`) — or, when the same training (first day
//! and title) is in the ledger already, by import or attendance, the claim
//! points at that entry and nothing is counted twice. District staff add
//! adjustments (source `adjustment`) with a reason, and remove an imported
//! or adjusted entry with a reason; both are in the audit log.

use super::rules_for;
use crate::audit::{self, Change};
use crate::entity::{attachment, credit_claim, credit_entry, district, evidence, school, teacher, user};
use crate::files::sniff;
use crate::{Error, Result, Scope, Store};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use lingyan_domain::credits::claims::{AdjustmentInput, ClaimInput, ClaimStatus, Step};
use lingyan_domain::credits::national::dedup_key;
use lingyan_domain::credits::{Amount, Approval, Area, Earning, Form, What};
use lingyan_domain::{Capability, FieldError, Level, Tenant};
use sea_orm::ActiveValue::Set;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::Serialize;
use serde_json::json;
use std::collections::HashMap;

/// The most claims a list shows.
const LISTED: u64 = 500;

/// A claim as shown.
#[derive(Debug, Clone, Serialize)]
pub struct ClaimView {
    pub id: i64,
    pub teacher_id: i64,
    pub teacher_name: String,
    pub staff_no: Option<String>,
    pub district_id: i64,
    pub school_id: i64,
    pub school_name: String,
    pub school_name_en: Option<String>,
    pub evidence_id: Option<i64>,
    pub input: ClaimInput,
    /// The training year (the first day's calendar year).
    pub year: i32,
    pub chain: Approval,
    pub status: ClaimStatus,
    /// The certificate's file name, when there is one.
    pub certificate: Option<String>,
    pub school_by: Option<String>,
    pub school_at: Option<DateTime<Utc>>,
    pub district_by: Option<String>,
    pub district_at: Option<DateTime<Utc>>,
    /// Why it was rejected.
    pub reason: Option<String>,
    /// The ledger entry it counts as, once approved.
    pub entry_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    /// Whether the caller decides its current step.
    pub can_decide: bool,
    /// Whether the caller (the teacher) may withdraw it.
    pub can_withdraw: bool,
}

fn corrupt(id: i64, what: &str) -> Error {
    Error::Internal(format!("claim {id} has an unknown {what}"))
}

fn input_of(m: &credit_claim::Model) -> Result<ClaimInput> {
    Ok(ClaimInput {
        title: m.title.clone(),
        organiser: m.organiser.clone(),
        start: m.start_date,
        end: m.end_date,
        form: Form::from_code(&m.form).ok_or_else(|| corrupt(m.id, "form"))?,
        level: m.level.as_deref().and_then(Level::from_code),
        area: m.area.as_deref().and_then(Area::from_code),
        what: What::from_code(&m.what).ok_or_else(|| corrupt(m.id, "kind"))?,
        hours: Amount::hundredths(m.hours),
        credits: m.credits.map(Amount::hundredths),
        note: m.note.clone().unwrap_or_default(),
        prior_approval: m.prior_approval.clone().unwrap_or_default(),
    })
}

/// Whether the caller decides a claim's current step: a school's
/// verifiers (training director, principal) the school's step — not the
/// district's staff, whose step comes after — the district's the
/// district's; never the teacher who claimed.
fn decides(scope: &Scope, m: &credit_claim::Model, status: ClaimStatus, claimant: Option<i64>) -> bool {
    if claimant.is_some() && claimant == scope.user_id() {
        return false;
    }
    match status.step() {
        // The school's own verifiers: district staff wait for their step.
        Some(Step::School) => {
            scope.allows(
                Capability::VerifyEvidence,
                Tenant::school(m.district_id, m.school_id),
            ) && !scope.allows(Capability::VerifyEvidence, Tenant::district(m.district_id))
        }
        Some(Step::District) => scope.allows(Capability::VerifyEvidence, Tenant::district(m.district_id)),
        None => false,
    }
}

/// Whether the caller may read a claim: the teacher, those who read the
/// school's teachers, and the district's verifiers.
fn reads(scope: &Scope, m: &credit_claim::Model, claimant: Option<i64>) -> bool {
    (claimant.is_some() && claimant == scope.user_id())
        || crate::teachers::can_read(scope, Tenant::school(m.district_id, m.school_id), None)
        || scope.allows(Capability::VerifyEvidence, Tenant::district(m.district_id))
}

async fn views<C: ConnectionTrait>(
    conn: &C,
    scope: &Scope,
    rows: Vec<credit_claim::Model>,
) -> Result<Vec<ClaimView>> {
    let mut teachers: HashMap<i64, teacher::Model> = HashMap::new();
    let mut schools: HashMap<i64, school::Model> = HashMap::new();
    let mut users: HashMap<i64, String> = HashMap::new();
    let tids: Vec<i64> = rows.iter().map(|m| m.teacher_id).collect();
    for chunk in tids.chunks(500) {
        for t in teacher::Entity::find()
            .filter(teacher::Column::Id.is_in(chunk.iter().copied()))
            .all(conn)
            .await?
        {
            teachers.insert(t.id, t);
        }
    }
    let sids: Vec<i64> = rows.iter().map(|m| m.school_id).collect();
    for s in school::Entity::find()
        .filter(school::Column::Id.is_in(sids))
        .all(conn)
        .await?
    {
        schools.insert(s.id, s);
    }
    let uids: Vec<i64> = rows
        .iter()
        .flat_map(|m| [m.school_by, m.district_by])
        .flatten()
        .collect();
    for u in user::Entity::find()
        .filter(user::Column::Id.is_in(uids))
        .all(conn)
        .await?
    {
        users.insert(u.id, u.display_name);
    }
    let mut out = Vec::with_capacity(rows.len());
    for m in rows {
        let t = teachers.get(&m.teacher_id).ok_or(Error::NotFound)?;
        let s = schools.get(&m.school_id).ok_or(Error::NotFound)?;
        let status = ClaimStatus::from_code(&m.status).ok_or_else(|| corrupt(m.id, "status"))?;
        let chain = Approval::from_code(&m.chain).ok_or_else(|| corrupt(m.id, "chain"))?;
        let own = t.user_id.is_some() && t.user_id == scope.user_id();
        out.push(ClaimView {
            id: m.id,
            teacher_id: t.id,
            teacher_name: t.name.clone(),
            staff_no: t.staff_no.clone(),
            district_id: m.district_id,
            school_id: s.id,
            school_name: s.name.clone(),
            school_name_en: s.name_en.clone(),
            evidence_id: m.evidence_id,
            input: input_of(&m)?,
            year: m.year,
            chain,
            status,
            certificate: m.filename.clone(),
            school_by: m.school_by.and_then(|u| users.get(&u).cloned()),
            school_at: m.school_at,
            district_by: m.district_by.and_then(|u| users.get(&u).cloned()),
            district_at: m.district_at,
            reason: m.reason.clone(),
            entry_id: m.entry_id,
            created_at: m.created_at,
            can_decide: decides(scope, &m, status, t.user_id),
            can_withdraw: own && status.step().is_some(),
        });
    }
    Ok(out)
}

async fn load(store: &Store, scope: &Scope, id: i64) -> Result<(credit_claim::Model, Option<i64>)> {
    let m = credit_claim::Entity::find_by_id(id)
        .one(store.conn())
        .await?
        .ok_or(Error::NotFound)?;
    let claimant = teacher::Entity::find_by_id(m.teacher_id)
        .one(store.conn())
        .await?
        .and_then(|t| t.user_id);
    if !reads(scope, &m, claimant) {
        return Err(Error::NotFound);
    }
    Ok((m, claimant))
}

/// A claim, for the teacher, their school's readers and the district's
/// verifiers.
pub async fn get(store: &Store, scope: &Scope, id: i64) -> Result<ClaimView> {
    let (m, _) = load(store, scope, id).await?;
    Ok(views(store.conn(), scope, vec![m]).await?.remove(0))
}

/// The caller's own claims, newest first.
pub async fn mine(store: &Store, scope: &Scope) -> Result<Vec<ClaimView>> {
    let Some(uid) = scope.user_id() else {
        return Ok(Vec::new());
    };
    let Some(t) = teacher::Entity::find()
        .filter(teacher::Column::UserId.eq(uid))
        .one(store.conn())
        .await?
    else {
        return Ok(Vec::new());
    };
    let rows = credit_claim::Entity::find()
        .filter(credit_claim::Column::TeacherId.eq(t.id))
        .order_by_desc(credit_claim::Column::Id)
        .limit(LISTED)
        .all(store.conn())
        .await?;
    views(store.conn(), scope, rows).await
}

/// Which claims a queue lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Queue {
    /// Those waiting for the caller's decision.
    Waiting,
    /// Every claim, newest first.
    All,
}

/// The claims of a school (or of a district, `school_id = None`) for those
/// who decide or read them there.
pub async fn queue(
    store: &Store,
    scope: &Scope,
    district_id: i64,
    school_id: Option<i64>,
    which: Queue,
) -> Result<Vec<ClaimView>> {
    let tenant = match school_id {
        Some(s) => Tenant::school(district_id, s),
        None => Tenant::district(district_id),
    };
    if !scope.allows(Capability::VerifyEvidence, tenant) && !scope.allows(Capability::ReadTeachers, tenant) {
        return Err(Error::NotFound);
    }
    let mut q = credit_claim::Entity::find().filter(credit_claim::Column::DistrictId.eq(district_id));
    if let Some(s) = school_id {
        q = q.filter(credit_claim::Column::SchoolId.eq(s));
    }
    if which == Queue::Waiting {
        q = q.filter(credit_claim::Column::Status.is_in([
            ClaimStatus::PendingSchool.code(),
            ClaimStatus::PendingDistrict.code(),
        ]));
    }
    let rows = q
        .order_by_desc(credit_claim::Column::Id)
        .limit(LISTED)
        .all(store.conn())
        .await?;
    let mut v = views(store.conn(), scope, rows).await?;
    if which == Queue::Waiting {
        v.retain(|c| c.can_decide);
        // Oldest first: the order they came in.
        v.reverse();
    }
    Ok(v)
}

/// How many claims wait for the caller's decision (the home page's count).
pub async fn waiting_count(
    store: &Store,
    scope: &Scope,
    district_id: i64,
    school_id: Option<i64>,
) -> Result<usize> {
    match queue(store, scope, district_id, school_id, Queue::Waiting).await {
        Ok(v) => Ok(v.len()),
        Err(Error::NotFound) => Ok(0),
        Err(e) => Err(e),
    }
}

/// A certificate as uploaded.
pub struct Certificate<'a> {
    pub filename: &'a str,
    pub bytes: &'a [u8],
}

/// Submits a claim for the caller's own teacher record. Every problem of
/// the form is named; the certificate must be a PDF or an image (by its
/// content, whatever its name says) unless the portfolio record it comes
/// from has one attached; a training already in the ledger or claimed and
/// standing is refused. Under a chain of "none" it counts at once.
pub async fn submit(
    store: &Store,
    scope: &Scope,
    input: ClaimInput,
    certificate: Option<Certificate<'_>>,
    evidence_id: Option<i64>,
    today: NaiveDate,
) -> Result<ClaimView> {
    let uid = scope.user_id().ok_or(Error::Forbidden)?;
    let t = teacher::Entity::find()
        .filter(teacher::Column::UserId.eq(uid))
        .filter(teacher::Column::Active.eq(true))
        .one(store.conn())
        .await?
        .ok_or(Error::NotFound)?;
    let mut problems = input.problems(today);
    // The portfolio record it comes from: the teacher's own training record.
    let record = match evidence_id {
        Some(id) => {
            let e = evidence::Entity::find_by_id(id).one(store.conn()).await?;
            match e.filter(|e| e.owner_teacher_id == t.id && e.kind == "training") {
                Some(e) => Some(e),
                None => {
                    problems.push(FieldError::new("evidence", "not_your_training_record").with("value", id));
                    None
                }
            }
        }
        None => None,
    };
    let blobs = store
        .blobs()
        .ok_or_else(|| Error::Internal("no attachment directory configured".into()))?;
    // The certificate: uploaded, or the record's first PDF or image.
    let mut file: Option<(Vec<u8>, &'static str, String)> = None;
    let mut existing: Option<(i64, String)> = None;
    match certificate {
        Some(c) => {
            let name = crate::files::clean_filename(c.filename)?;
            if c.bytes.len() > blobs.limit {
                problems.push(
                    FieldError::new("certificate", "attachment_too_large")
                        .with("value", &name)
                        .with("max", format!("{} MB", blobs.limit / (1024 * 1024))),
                );
            } else {
                match sniff(c.bytes).filter(|m| *m == "application/pdf" || m.starts_with("image/")) {
                    Some(mime) => file = Some((c.bytes.to_vec(), mime, name)),
                    None => problems.push(
                        FieldError::new("certificate", "certificate_not_pdf_or_image").with("value", &name),
                    ),
                }
            }
        }
        None => {
            if let Some(r) = &record {
                for a in attachment::Entity::find()
                    .filter(attachment::Column::EvidenceId.eq(r.id))
                    .order_by_asc(attachment::Column::Id)
                    .all(store.conn())
                    .await?
                {
                    let f = crate::entity::file::Entity::find_by_id(a.file_id)
                        .one(store.conn())
                        .await?;
                    if f.is_some_and(|f| {
                        f.content_type == "application/pdf" || f.content_type.starts_with("image/")
                    }) {
                        existing = Some((a.file_id, a.filename));
                        break;
                    }
                }
            }
            if existing.is_none() {
                problems.push(FieldError::new("certificate", "certificate_required"));
            }
        }
    }
    // The requirement in force when the training began: its chain, and
    // whether outside training needs approval before it is taken.
    let year = crate::calendar::load(store.conn(), t.district_id, Some(t.school_id))
        .await?
        .semester_of(input.start)
        .year;
    let rules = rules_for(store.conn(), t.district_id, Some(t.school_id), year)
        .await?
        .set;
    if rules.prior_approval && input.prior_approval.trim().is_empty() {
        problems.push(FieldError::new("prior_approval_ref", "prior_approval_required"));
    }
    let key = dedup_key(input.start, &input.title);
    if problems.is_empty() {
        if let Some(e) = credit_entry::Entity::find()
            .filter(credit_entry::Column::TeacherId.eq(t.id))
            .filter(credit_entry::Column::DedupKey.eq(&key))
            .one(store.conn())
            .await?
        {
            problems.push(FieldError::new("training_title", "already_in_ledger").with("value", &e.source));
        } else if credit_claim::Entity::find()
            .filter(credit_claim::Column::TeacherId.eq(t.id))
            .filter(credit_claim::Column::DedupKey.eq(&key))
            .all(store.conn())
            .await?
            .iter()
            .any(|c| ClaimStatus::from_code(&c.status).is_some_and(ClaimStatus::stands))
        {
            problems.push(FieldError::new("training_title", "already_claimed"));
        }
    }
    if !problems.is_empty() {
        return Err(Error::InvalidAll(problems));
    }
    let chain = rules.approval;
    let status = ClaimStatus::submitted(chain);
    let txn = store.begin().await?;
    let (file_id, filename) = match (file, existing) {
        (Some((bytes, mime, name)), _) => {
            let (id, _) = crate::attachments::save_file(&txn, blobs, t.district_id, &bytes, mime).await?;
            (Some(id), Some(name))
        }
        (None, Some((id, name))) => (Some(id), Some(name)),
        (None, None) => (None, None),
    };
    let now = Utc::now();
    let mut m = credit_claim::ActiveModel {
        district_id: Set(t.district_id),
        school_id: Set(t.school_id),
        teacher_id: Set(t.id),
        evidence_id: Set(record.as_ref().map(|r| r.id)),
        title: Set(input.title.trim().to_string()),
        organiser: Set(input.organiser.trim().to_string()),
        start_date: Set(input.start),
        end_date: Set(input.end),
        year: Set(input.start.year()),
        what: Set(input.what.code().to_string()),
        form: Set(input.form.code().to_string()),
        area: Set(input.area.map(|a| a.code().to_string())),
        level: Set(input.level.map(|l| l.code().to_string())),
        hours: Set(input.hours.in_hundredths()),
        credits: Set(input.credits.map(Amount::in_hundredths)),
        note: Set(Some(input.note.trim().to_string()).filter(|n| !n.is_empty())),
        prior_approval: Set(Some(input.prior_approval.trim().to_string()).filter(|n| !n.is_empty())),
        file_id: Set(file_id),
        filename: Set(filename),
        chain: Set(chain.code().to_string()),
        status: Set(status.code().to_string()),
        reason: Set(None),
        entry_id: Set(None),
        dedup_key: Set(key),
        created_at: Set(now),
        created_by: Set(Some(uid)),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    if status == ClaimStatus::Approved {
        let entry = count(&txn, &m, Some(uid)).await?;
        let mut am: credit_claim::ActiveModel = m.into();
        am.entry_id = Set(Some(entry));
        m = am.update(&txn).await?;
    }
    audit::record(
        &txn,
        scope.actor(),
        Change {
            action: "credits.claim",
            entity_type: "credit_claim",
            entity_id: Some(m.id.to_string()),
            tenant: Tenant::school(m.district_id, m.school_id),
            before: None,
            after: Some(
                json!({"title": m.title, "start": m.start_date, "hours": m.hours, "status": m.status}),
            ),
        },
    )
    .await?;
    txn.commit().await?;
    get(store, scope, m.id).await
}

/// The ledger entry an approved claim counts as: the one already there for
/// the same training, or a new one (source `claim`).
async fn count<C: ConnectionTrait>(conn: &C, m: &credit_claim::Model, by: Option<i64>) -> Result<i64> {
    if let Some(e) = credit_entry::Entity::find()
        .filter(credit_entry::Column::TeacherId.eq(m.teacher_id))
        .filter(credit_entry::Column::DedupKey.eq(&m.dedup_key))
        .one(conn)
        .await?
    {
        return Ok(e.id);
    }
    // The teacher's school now (they may have moved since claiming).
    let school_id = teacher::Entity::find_by_id(m.teacher_id)
        .one(conn)
        .await?
        .map_or(m.school_id, |t| t.school_id);
    let e = credit_entry::ActiveModel {
        district_id: Set(m.district_id),
        school_id: Set(school_id),
        teacher_id: Set(m.teacher_id),
        source: Set("claim".into()),
        source_ref: Set(Some(format!("claim:{}", m.id))),
        start_date: Set(m.start_date),
        end_date: Set(m.end_date),
        year: Set(m.year),
        title: Set(m.title.clone()),
        organiser: Set(m.organiser.clone()),
        what: Set(m.what.clone()),
        form: Set(m.form.clone()),
        area: Set(m.area.clone()),
        level: Set(m.level.clone()),
        hours: Set(m.hours),
        credits: Set(m.credits),
        pool: Set(None),
        marked_training: Set(false),
        note: Set(m.note.clone()),
        dedup_key: Set(m.dedup_key.clone()),
        created_at: Set(Utc::now()),
        created_by: Set(by),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(e.id)
}

/// A decision on a claim's current step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Approve,
    Reject(String),
}

/// Decides the current step of a claim: approving moves it along the chain
/// it was submitted under (and counts it at the end); rejecting needs a
/// reason. Only the step's deciders, never the teacher; a decided claim is
/// refused by name.
pub async fn decide(store: &Store, scope: &Scope, id: i64, decision: Decision) -> Result<ClaimView> {
    let (m, claimant) = load(store, scope, id).await?;
    let status = ClaimStatus::from_code(&m.status).ok_or_else(|| corrupt(m.id, "status"))?;
    let chain = Approval::from_code(&m.chain).ok_or_else(|| corrupt(m.id, "chain"))?;
    let step = status.step();
    if step.is_some() && !decides(scope, &m, status, claimant) {
        return Err(Error::Forbidden);
    }
    let next = match &decision {
        Decision::Approve => status.approved(chain),
        Decision::Reject(reason) => status.rejected(reason),
    }
    .map_err(Error::Invalid)?;
    let txn = store.begin().await?;
    let now = Utc::now();
    let before = m.status.clone();
    let mut am: credit_claim::ActiveModel = m.clone().into();
    am.status = Set(next.code().to_string());
    am.updated_at = Set(now);
    match step {
        Some(Step::School) => {
            am.school_by = Set(scope.user_id());
            am.school_at = Set(Some(now));
        }
        Some(Step::District) => {
            am.district_by = Set(scope.user_id());
            am.district_at = Set(Some(now));
        }
        None => {}
    }
    if let Decision::Reject(reason) = &decision {
        am.reason = Set(Some(reason.trim().to_string()));
    }
    if next == ClaimStatus::Approved {
        am.entry_id = Set(Some(count(&txn, &m, scope.user_id()).await?));
    }
    let m = am.update(&txn).await?;
    audit::record(
        &txn,
        scope.actor(),
        Change {
            action: "credits.claim_decide",
            entity_type: "credit_claim",
            entity_id: Some(m.id.to_string()),
            tenant: Tenant::school(m.district_id, m.school_id),
            before: Some(json!({"status": before})),
            after: Some(json!({"status": m.status, "reason": m.reason, "entry_id": m.entry_id})),
        },
    )
    .await?;
    txn.commit().await?;
    get(store, scope, id).await
}

/// The teacher takes back a pending claim.
pub async fn withdraw(store: &Store, scope: &Scope, id: i64) -> Result<ClaimView> {
    let (m, claimant) = load(store, scope, id).await?;
    if claimant.is_none() || claimant != scope.user_id() {
        return Err(Error::Forbidden);
    }
    let status = ClaimStatus::from_code(&m.status).ok_or_else(|| corrupt(m.id, "status"))?;
    let next = status.withdrawn().map_err(Error::Invalid)?;
    let txn = store.begin().await?;
    let mut am: credit_claim::ActiveModel = m.clone().into();
    am.status = Set(next.code().to_string());
    am.updated_at = Set(Utc::now());
    am.update(&txn).await?;
    audit::record(
        &txn,
        scope.actor(),
        Change {
            action: "credits.claim_withdraw",
            entity_type: "credit_claim",
            entity_id: Some(m.id.to_string()),
            tenant: Tenant::school(m.district_id, m.school_id),
            before: Some(json!({"status": m.status})),
            after: Some(json!({"status": next.code()})),
        },
    )
    .await?;
    txn.commit().await?;
    get(store, scope, id).await
}

/// A claim's certificate, for those who may read the claim.
pub async fn certificate(store: &Store, scope: &Scope, id: i64) -> Result<crate::attachments::Download> {
    let (m, _) = load(store, scope, id).await?;
    let file_id = m.file_id.ok_or(Error::NotFound)?;
    let (f, bytes) = crate::attachments::read_file(store, file_id).await?;
    Ok(crate::attachments::Download {
        filename: m.filename.unwrap_or_else(|| "certificate".into()),
        content_type: f.content_type,
        bytes,
    })
}

/// Whether the caller manages the district's ledgers (its staff).
fn manages(scope: &Scope, district_id: i64) -> bool {
    scope.allows(Capability::ManageSchools, Tenant::district(district_id))
}

/// The teacher, when the caller may adjust their ledger (district staff);
/// refused before anything sent is read.
pub async fn may_adjust(store: &Store, scope: &Scope, teacher_id: i64) -> Result<teacher::Model> {
    let t = teacher::Entity::find_by_id(teacher_id)
        .one(store.conn())
        .await?
        .ok_or(Error::NotFound)?;
    if !crate::teachers::can_read(scope, Tenant::school(t.district_id, t.school_id), t.user_id) {
        return Err(Error::NotFound);
    }
    if !manages(scope, t.district_id) {
        return Err(Error::Forbidden);
    }
    Ok(t)
}

/// Adds an adjustment to a teacher's ledger: district staff only, with a
/// reason every reader of the transcript sees.
pub async fn adjust(
    store: &Store,
    scope: &Scope,
    teacher_id: i64,
    input: AdjustmentInput,
    today: NaiveDate,
) -> Result<super::LedgerEntry> {
    let t = may_adjust(store, scope, teacher_id).await?;
    let problems = input.problems(today);
    if !problems.is_empty() {
        return Err(Error::InvalidAll(problems));
    }
    let key = format!("adjustment|{}", dedup_key(input.date, &input.title));
    if credit_entry::Entity::find()
        .filter(credit_entry::Column::TeacherId.eq(t.id))
        .filter(credit_entry::Column::DedupKey.eq(&key))
        .one(store.conn())
        .await?
        .is_some()
    {
        return Err(FieldError::new("adjustment_title", "adjustment_repeated").into());
    }
    let organiser = district::Entity::find_by_id(t.district_id)
        .one(store.conn())
        .await?
        .map(|d| d.name)
        .unwrap_or_default();
    let txn = store.begin().await?;
    let e = credit_entry::ActiveModel {
        district_id: Set(t.district_id),
        school_id: Set(t.school_id),
        teacher_id: Set(t.id),
        source: Set("adjustment".into()),
        source_ref: Set(None),
        start_date: Set(input.date),
        end_date: Set(input.date),
        year: Set(input.date.year()),
        title: Set(input.title.trim().to_string()),
        organiser: Set(organiser),
        what: Set(What::Earning(Earning::OutsideTraining).code().to_string()),
        form: Set(input.form.code().to_string()),
        area: Set(input.area.map(|a| a.code().to_string())),
        level: Set(input.level.map(|l| l.code().to_string())),
        hours: Set(0),
        credits: Set(Some(input.credits.in_hundredths())),
        pool: Set(None),
        marked_training: Set(false),
        note: Set(Some(input.reason.trim().to_string())),
        dedup_key: Set(key),
        created_at: Set(Utc::now()),
        created_by: Set(scope.user_id()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        scope.actor(),
        Change {
            action: "credits.adjust",
            entity_type: "teacher",
            entity_id: Some(t.id.to_string()),
            tenant: Tenant::school(t.district_id, t.school_id),
            before: None,
            after: Some(json!({"entry_id": e.id, "title": e.title, "credits": input.credits, "reason": input.reason.trim()})),
        },
    )
    .await?;
    txn.commit().await?;
    super::LedgerEntry::of(e)
}

/// Removes an imported or adjusted entry from a teacher's ledger, with a
/// reason (district staff). Entries that follow attendance or a claim are
/// changed there, not here.
pub async fn remove_entry(store: &Store, scope: &Scope, entry_id: i64, reason: &str) -> Result<i64> {
    let e = credit_entry::Entity::find_by_id(entry_id)
        .one(store.conn())
        .await?
        .ok_or(Error::NotFound)?;
    let t = teacher::Entity::find_by_id(e.teacher_id)
        .one(store.conn())
        .await?
        .ok_or(Error::NotFound)?;
    if !crate::teachers::can_read(scope, Tenant::school(t.district_id, t.school_id), t.user_id) {
        return Err(Error::NotFound);
    }
    if !manages(scope, e.district_id) {
        return Err(Error::Forbidden);
    }
    if !matches!(e.source.as_str(), "import" | "adjustment") {
        return Err(FieldError::new("entry", "entry_follows_its_source")
            .with("value", &e.source)
            .into());
    }
    let n = reason.trim().chars().count();
    if n == 0 {
        return Err(FieldError::new("reason", "reason_required").into());
    }
    if n > 500 {
        return Err(FieldError::new("reason", "too_long").with("max", 500).into());
    }
    let txn = store.begin().await?;
    credit_entry::Entity::delete_by_id(e.id).exec(&txn).await?;
    audit::record(
        &txn,
        scope.actor(),
        Change {
            action: "credits.remove_entry",
            entity_type: "teacher",
            entity_id: Some(t.id.to_string()),
            tenant: Tenant::school(t.district_id, t.school_id),
            before: Some(
                json!({"entry_id": e.id, "source": e.source, "title": e.title, "start": e.start_date,
                "hours": e.hours, "credits": e.credits}),
            ),
            after: Some(json!({"reason": reason.trim()})),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(t.id)
}
