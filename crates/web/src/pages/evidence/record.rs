//! One record's page, editing and deleting it, and verifying or returning
//! it.

use super::*;

#[derive(Template)]
#[template(path = "evidence_detail.html")]
pub(crate) struct EvidencePage {
    ctx: PageCtx,
    d: EvidenceDetail,
    details: Vec<(String, String)>,
    semester: String,
    error: Option<crate::pages::FormError>,
    /// The caller's own training record: it can be claimed for credits.
    claimable: bool,
}

pub(crate) async fn evidence_page(
    state: &AppState,
    caller: &Caller,
    ctx: PageCtx,
    id: i64,
    error: Option<crate::pages::FormError>,
) -> Result<Response, PageError> {
    let d = lingyan_store::evidence::get(&state.store, &caller.scope, id, today()).await?;
    let details = detail_texts(&ctx.tr, &d.evidence, d.observed_name.as_deref());
    let semester = semester_label(&ctx.tr, &d.evidence.semester);
    let status = crate::pages::form_status(&error);
    let claimable = d.evidence.kind == lingyan_domain::evidence::EvidenceKind::Training
        && lingyan_store::evidence::own_teacher_id(&state.store, &caller.scope, today()).await?
            == Some(d.evidence.owner_teacher_id);
    Ok(render_status(
        status,
        &EvidencePage {
            ctx,
            d,
            details,
            semester,
            error,
            claimable,
        },
    ))
}

/// `GET /evidence/{id}`: the record, its files and its history.
pub(crate) async fn view_evidence_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    evidence_page(&state, &caller, ctx, id, None).await
}

/// `GET /evidence/{id}/edit`
pub(crate) async fn view_evidence_edit_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let d = lingyan_store::evidence::get(&state.store, &caller.scope, id, today()).await?;
    if !d.can_edit {
        return Err(Error::Forbidden.into());
    }
    let owner = lingyan_store::evidence::portfolio_owner(
        &state.store,
        &caller.scope,
        d.evidence.owner_teacher_id,
        today(),
    )
    .await?;
    let co: Vec<i64> = d
        .people
        .iter()
        .filter(|p| p.role == lingyan_store::evidence::PersonRole::CoOwner)
        .map(|p| p.teacher_id)
        .collect();
    form_page(
        &state,
        &caller,
        ctx,
        owner,
        Some(id),
        d.evidence.input(),
        co,
        None,
    )
    .await
}

/// `POST /evidence/{id}`: saves an edit (a verified record waits for
/// verification again).
pub(crate) async fn view_evidence_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let p = posted(pairs);
    match lingyan_store::evidence::update(
        &state.store,
        &caller.scope,
        id,
        &p.input,
        Some(&p.co_owners),
        today(),
    )
    .await
    {
        Ok(_) => {
            flash(&session, "ok", ctx.tr.t("evidence.saved")).await;
            Ok(redirect(&format!("/evidence/{id}")))
        }
        Err(e @ (Error::Invalid(_) | Error::InvalidAll(_) | Error::Conflict(_))) => {
            let d = lingyan_store::evidence::get(&state.store, &caller.scope, id, today()).await?;
            let owner = lingyan_store::evidence::portfolio_owner(
                &state.store,
                &caller.scope,
                d.evidence.owner_teacher_id,
                today(),
            )
            .await?;
            let msg = crate::pages::message_for(&e);
            form_page(
                &state,
                &caller,
                ctx,
                owner,
                Some(id),
                p.input,
                p.co_owners,
                Some(msg),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /evidence/{id}/delete`
pub(crate) async fn view_evidence_delete_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let d = lingyan_store::evidence::get(&state.store, &caller.scope, id, today()).await?;
    lingyan_store::evidence::delete(&state.store, &caller.scope, id, today()).await?;
    flash(&session, "ok", ctx.tr.t("evidence.deleted")).await;
    Ok(redirect(&format!(
        "/teachers/{}/portfolio",
        d.evidence.owner_teacher_id
    )))
}

#[derive(Deserialize)]
pub(crate) struct ReasonForm {
    #[serde(default)]
    reason: String,
    #[serde(default)]
    next: String,
    /// `next`: go on to the next record waiting for verification.
    #[serde(default)]
    then: String,
}

/// The next record waiting for the caller's verification (the queue's
/// first), or the queue itself when it is empty.
async fn next_in_queue(state: &AppState, caller: &Caller) -> Result<Response, PageError> {
    let page = lingyan_store::evidence::list(
        &state.store,
        &caller.scope,
        &lingyan_store::evidence::EvidenceFilter {
            to_verify: true,
            ..Default::default()
        },
        lingyan_domain::PageRequest::new(Some(1), Some(1)),
        today(),
    )
    .await?;
    Ok(match page.items.first() {
        Some(e) => redirect(&format!("/evidence/{}", e.id)),
        None => redirect("/verification"),
    })
}

/// Where a verification form returns: the page it came from (a local
/// path only), else the record.
pub(crate) fn back_to(next: &str, id: i64) -> Response {
    if next.is_empty() {
        redirect(&format!("/evidence/{id}"))
    } else {
        redirect(&crate::pages::safe_next(Some(next)))
    }
}

/// `POST /evidence/{id}/verify`
pub(crate) async fn view_evidence_verify_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    Path(id): Path<i64>,
    Form(f): Form<ReasonForm>,
) -> Result<Response, PageError> {
    match lingyan_store::evidence::verify(&state.store, &caller.scope, &[id], today()).await {
        Ok(n) => {
            let key = if n.verified == 0 {
                "evidence.already_verified"
            } else {
                "evidence.verified"
            };
            flash(&session, "ok", ctx.tr.t(key)).await;
            if f.then == "next" {
                return next_in_queue(&state, &caller).await;
            }
            Ok(back_to(&f.next, id))
        }
        Err(e @ Error::Invalid(_)) => {
            let msg = crate::pages::message_for(&e);
            evidence_page(&state, &caller, ctx, id, Some(msg)).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /evidence/{id}/reject`: with the reason the teacher sees.
pub(crate) async fn view_evidence_reject_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    Path(id): Path<i64>,
    Form(f): Form<ReasonForm>,
) -> Result<Response, PageError> {
    match lingyan_store::evidence::reject(&state.store, &caller.scope, id, &f.reason, today()).await {
        Ok(()) => {
            flash(&session, "ok", ctx.tr.t("evidence.rejected")).await;
            if f.then == "next" {
                return next_in_queue(&state, &caller).await;
            }
            Ok(back_to(&f.next, id))
        }
        Err(e @ Error::Invalid(_)) => {
            let msg = crate::pages::message_for(&e);
            evidence_page(&state, &caller, ctx, id, Some(msg)).await
        }
        Err(e) => Err(e.into()),
    }
}

/// Reads the `file` part of an upload form.
pub(crate) async fn read_file(multipart: &mut Multipart) -> Result<Option<(String, Vec<u8>)>, PageError> {
    let mut file = None;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| PageError::BadRequest(e.body_text()))?
    {
        if matches!(field.name(), Some("file") | Some("photo")) {
            let name = field.file_name().unwrap_or("file").to_string();
            let bytes = field
                .bytes()
                .await
                .map_err(|e| PageError::BadRequest(e.body_text()))?;
            if !bytes.is_empty() {
                file = Some((name, bytes.to_vec()));
            }
        }
    }
    Ok(file)
}
