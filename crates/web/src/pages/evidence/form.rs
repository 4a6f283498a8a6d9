//! Recording: choosing a kind, the record form (typed details per kind),
//! and quick add from the phone.

use super::*;

/// A posted record form: every field as sent, co-owners repeated.
#[derive(Default)]
pub(crate) struct PostedRecord {
    pub(crate) kind: String,
    pub(crate) input: EvidenceInput,
    pub(crate) co_owners: Vec<i64>,
}

pub(crate) fn posted(pairs: Vec<(String, String)>) -> PostedRecord {
    let mut p = PostedRecord::default();
    let mut details = BTreeMap::new();
    for (k, v) in pairs {
        match k.as_str() {
            "kind" => p.kind = v,
            "date" => p.input.date = v,
            "title" => p.input.title = v,
            "level" => p.input.level = v,
            "text" => p.input.text = v,
            "co_owners" => {
                if let Ok(id) = v.trim().parse() {
                    p.co_owners.push(id);
                }
            }
            "csrf_token" | "quick" => {}
            _ => {
                details.insert(k, v);
            }
        }
    }
    p.input.details = details;
    p.input.kind = EvidenceKind::parse("kind", &p.kind).unwrap_or(EvidenceKind::Reading);
    p
}

#[derive(Template)]
#[template(path = "evidence_form.html")]
pub(crate) struct EvidenceFormPage {
    ctx: PageCtx,
    owner: PortfolioOwner,
    /// `None` when adding.
    evidence_id: Option<i64>,
    kind: EvidenceKind,
    input: EvidenceInput,
    title_label: String,
    text_label: String,
    show_level: bool,
    level_required: bool,
    levels: Vec<Level>,
    fields: Vec<FormField>,
    colleagues: Vec<crate::pages::people::PersonChoice>,
    co_owners: BTreeSet<i64>,
    error: Option<crate::pages::FormError>,
}

#[allow(clippy::too_many_arguments)]
pub(crate) async fn form_page(
    state: &AppState,
    caller: &Caller,
    ctx: PageCtx,
    owner: PortfolioOwner,
    evidence_id: Option<i64>,
    input: EvidenceInput,
    co_owners: Vec<i64>,
    error: Option<crate::pages::FormError>,
) -> Result<Response, PageError> {
    let kind = input.kind;
    let colleagues =
        lingyan_store::evidence::colleagues(&state.store, &caller.scope, owner.teacher_id, today()).await?;
    // A colleague shows by name in the form, as the picker offers them.
    let mut input = input;
    if let Some(v) = input.details.get_mut("observed_teacher") {
        let id = v
            .trim()
            .strip_prefix('#')
            .and_then(|n| n.split_whitespace().next()?.parse::<i64>().ok());
        if let Some(c) = id.and_then(|id| colleagues.iter().find(|c| c.id == id)) {
            *v = c.label.clone();
        }
    }
    let status = crate::pages::form_status(&error);
    Ok(render_status(
        status,
        &EvidenceFormPage {
            fields: detail_fields(&ctx.tr, kind, &input.details),
            title_label: ctx.tr.t(&format!("fields.{}", kind.title_field())),
            text_label: ctx.tr.t(&format!("fields.{}", kind.text_field())),
            show_level: kind.level_use() != LevelUse::None,
            level_required: kind.level_use() == LevelUse::Required,
            levels: Level::ALL.iter().rev().copied().collect(),
            ctx,
            owner,
            evidence_id,
            kind,
            input,
            colleagues: crate::pages::people::choices(colleagues),
            co_owners: co_owners.into_iter().collect(),
            error,
        },
    ))
}

#[derive(Deserialize)]
pub(crate) struct NewQuery {
    #[serde(default)]
    kind: String,
}

#[derive(Template)]
#[template(path = "evidence_kinds.html")]
pub(crate) struct KindChooserPage {
    ctx: PageCtx,
    owner: PortfolioOwner,
    kinds: Vec<EvidenceKind>,
}

/// `GET /teachers/{id}/portfolio/new?kind=…`: the full form for one kind
/// (without a kind: the list of kinds to choose from).
pub(crate) async fn view_evidence_new_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    Path(id): Path<i64>,
    Query(q): Query<NewQuery>,
) -> Result<Response, PageError> {
    let owner = lingyan_store::evidence::portfolio_owner(&state.store, &caller.scope, id, today()).await?;
    if !owner.can_record {
        return Err(Error::Forbidden.into());
    }
    let Ok(kind) = EvidenceKind::parse("kind", &q.kind) else {
        return Ok(render(&KindChooserPage {
            ctx,
            owner,
            kinds: EvidenceKind::ALL.to_vec(),
        }));
    };
    let input = EvidenceInput {
        kind,
        date: today().to_string(),
        ..Default::default()
    };
    form_page(&state, &caller, ctx, owner, None, input, Vec::new(), None).await
}

/// `POST /teachers/{id}/portfolio`: adds a record from the full form.
pub(crate) async fn view_portfolio_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let p = posted(pairs);
    if EvidenceKind::parse("kind", &p.kind).is_err() {
        return Err(PageError::BadRequest(ctx.tr.t("errors.unknown_evidence_kind")));
    }
    match lingyan_store::evidence::create(&state.store, &caller.scope, id, &p.input, &p.co_owners, today())
        .await
    {
        Ok(e) => {
            flash(&session, "ok", ctx.tr.t("evidence.saved")).await;
            Ok(redirect(&format!("/evidence/{}", e.id)))
        }
        Err(e @ (Error::Invalid(_) | Error::InvalidAll(_) | Error::Conflict(_))) => {
            let owner =
                lingyan_store::evidence::portfolio_owner(&state.store, &caller.scope, id, today()).await?;
            let msg = crate::pages::message_for(&e);
            form_page(&state, &caller, ctx, owner, None, p.input, p.co_owners, Some(msg)).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /teachers/{id}/portfolio/quick`: the phone form, at most three
/// fields; the date is today unless given.
pub(crate) async fn view_quick_add_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let mut p = posted(pairs);
    let quick = match p.input.kind {
        EvidenceKind::Observation => "observation",
        EvidenceKind::Reading => "reading",
        EvidenceKind::Writing => {
            p.input.details.insert("writing_type".into(), "reflection".into());
            "reflection"
        }
        _ => return Err(PageError::BadRequest(ctx.tr.t("errors.unknown_evidence_kind"))),
    };
    if p.input.date.trim().is_empty() {
        p.input.date = today().to_string();
    }
    match lingyan_store::evidence::create(&state.store, &caller.scope, id, &p.input, &[], today()).await {
        Ok(e) => {
            flash(
                &session,
                "ok",
                ctx.tr.t1("evidence.quick_saved", "title", &e.title),
            )
            .await;
            Ok(redirect(&format!("/teachers/{id}/portfolio")))
        }
        Err(e @ (Error::Invalid(_) | Error::InvalidAll(_))) => {
            let msg = crate::pages::message_for(&e);
            portfolio_page(
                &state,
                &caller,
                ctx,
                id,
                TimelineQuery::default(),
                quick,
                Some(msg),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}
