//! Verification: a leader verifies or returns records, each step in the
//! record's history.

use super::*;

pub(crate) async fn set_status<C: ConnectionTrait>(
    conn: &C,
    scope: &Scope,
    a: Access,
    to: EvidenceStatus,
    reason: Option<String>,
) -> Result<()> {
    if !a.can_verify(scope) {
        return Err(if a.is_own() {
            Error::Invalid(FieldError::new("status", "own_record"))
        } else {
            Error::Forbidden
        });
    }
    let before = a.model.clone();
    let mut am = a.model.into_active_model();
    am.status = Set(to.code().to_string());
    am.status_reason = Set(reason.clone());
    am.status_by = Set(scope.user_id());
    am.status_at = Set(Some(Utc::now()));
    let m = am.update(conn).await?;
    event(conn, scope, &m, to.code(), reason).await?;
    audit::touch_schools_of(conn, &people_of(conn, m.id).await?, m.school_id).await?;
    audit::record(
        conn,
        scope.actor(),
        Change {
            action: if to == EvidenceStatus::Verified {
                "evidence.verify"
            } else {
                "evidence.reject"
            },
            entity_type: "evidence",
            entity_id: Some(m.id.to_string()),
            tenant: Tenant::school(m.district_id, m.school_id),
            before: Some(json!({ "status": before.status, "status_reason": before.status_reason })),
            after: Some(json!({ "status": m.status, "status_reason": m.status_reason })),
        },
    )
    .await?;
    Ok(())
}

/// What a verification did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Verified {
    /// Records that became verified.
    pub verified: u64,
    /// Records that already were (left as they are).
    pub already: u64,
}

/// Verifies records; all or nothing. Already verified records are left as
/// they are and counted apart.
pub async fn verify(store: &Store, scope: &Scope, ids: &[i64], today: NaiveDate) -> Result<Verified> {
    if ids.is_empty() {
        return Err(FieldError::new("ids", "required").into());
    }
    if ids.len() > 500 {
        return Err(FieldError::new("ids", "too_many").with("max", 500).into());
    }
    let txn = store.begin().await?;
    let mut n = Verified::default();
    for id in ids.iter().copied().collect::<BTreeSet<_>>() {
        let a = access(&txn, scope, id, today).await?;
        if a.model.status == EvidenceStatus::Verified.code() {
            n.already += 1;
            continue;
        }
        set_status(&txn, scope, a, EvidenceStatus::Verified, None).await?;
        n.verified += 1;
    }
    txn.commit().await?;
    Ok(n)
}

/// Rejects a record with a reason the teacher sees.
pub async fn reject(store: &Store, scope: &Scope, id: i64, reason: &str, today: NaiveDate) -> Result<()> {
    let reason = lingyan_domain::evidence::check_rejection_reason(reason)?;
    let txn = store.begin().await?;
    let a = access(&txn, scope, id, today).await?;
    set_status(&txn, scope, a, EvidenceStatus::Rejected, Some(reason)).await?;
    txn.commit().await?;
    Ok(())
}
