//! Claims pages: a teacher's claims and the form to claim a training taken
//! outside (phone first, with a certificate photo or PDF), a claim's page
//! with its certificate and decisions, the school's and district's queue,
//! and district staff's adjustments and removals on a transcript.

use super::words;
use crate::auth::Caller;
use crate::error::PageError;
use crate::i18n::Tr;
use crate::pages::place::Place;
use crate::pages::{FormError, PageCtx, flash, message_for, redirect, render, render_status};
use crate::state::AppState;
use askama::Template;
use axum::Form as PostForm;
use axum::extract::{Multipart, Path, Query, State};
use axum::response::Response;
use lingyan_domain::Level;
use lingyan_domain::credits::claims::{AdjustmentInput, ClaimInput, ClaimStatus};
use lingyan_domain::credits::{Amount, Area, Earning, Form, What};
use lingyan_store::Error;
use lingyan_store::credits::claims::{self, ClaimView, Decision, Queue};
use serde::Deserialize;
use tower_sessions::Session;

/// A choice that may be left empty: none, the value, or "invalid".
fn optional<T>(
    field: &'static str,
    s: &str,
    from_code: fn(&str) -> Option<T>,
    errors: &mut Vec<lingyan_domain::FieldError>,
) -> Option<T> {
    match s.trim() {
        "" => None,
        v => from_code(v).or_else(|| {
            errors.push(lingyan_domain::FieldError::new(field, "invalid"));
            None
        }),
    }
}

/// What the claim form holds, as typed.
#[derive(Debug, Clone, Default)]
pub struct ClaimForm {
    pub title: String,
    pub organiser: String,
    pub start: String,
    pub end: String,
    pub form: String,
    pub level: String,
    pub area: String,
    pub what: String,
    pub hours: String,
    pub credits: String,
    pub note: String,
    pub prior_approval: String,
    pub evidence_id: String,
}

impl ClaimForm {
    /// The claim, or every field that cannot be read.
    fn input(&self) -> Result<ClaimInput, Vec<lingyan_domain::FieldError>> {
        use lingyan_domain::FieldError;
        let mut errors = Vec::new();
        let date = |field: &'static str, s: &str, errors: &mut Vec<FieldError>| {
            lingyan_domain::dates::parse_date(field, s.trim())
                .map_err(|e| errors.push(e))
                .ok()
        };
        let start = date("start", &self.start, &mut errors);
        let end = date("end", &self.end, &mut errors);
        let form = Form::parse("form", &self.form).map_err(|e| errors.push(e)).ok();
        let level = optional("level", &self.level, Level::from_code, &mut errors);
        let area = optional("area", &self.area, Area::from_code, &mut errors);
        let what = match self.what.trim() {
            "" => What::Earning(Earning::OutsideTraining),
            s => match Earning::from_code(s) {
                Some(e) => What::Earning(e),
                None => {
                    errors.push(FieldError::new("what", "invalid"));
                    What::Earning(Earning::OutsideTraining)
                }
            },
        };
        let amount = |field: &'static str, s: &str, errors: &mut Vec<FieldError>| match s.trim() {
            "" => None,
            v => Amount::parse_str(v).or_else(|| {
                errors.push(FieldError::new(field, "not_a_number"));
                None
            }),
        };
        let hours = amount("hours", &self.hours, &mut errors);
        if hours.is_none() && self.hours.trim().is_empty() {
            errors.push(FieldError::new("hours", "required"));
        }
        let credits = amount("credits", &self.credits, &mut errors);
        match (start, end, form, hours) {
            (Some(start), Some(end), Some(form), Some(hours)) if errors.is_empty() => Ok(ClaimInput {
                title: self.title.clone(),
                organiser: self.organiser.clone(),
                start,
                end,
                form,
                level,
                area,
                what,
                hours,
                credits,
                note: self.note.clone(),
                prior_approval: self.prior_approval.clone(),
            }),
            _ => Err(errors),
        }
    }
}

/// A claim as a list shows it.
pub struct ClaimRow {
    pub id: i64,
    pub title: String,
    pub who: String,
    pub dates: String,
    pub hours: String,
    pub status: String,
    pub tone: &'static str,
    pub reason: String,
}

/// The tag's look: the portfolio's verified, returned and waiting.
fn tone(s: ClaimStatus) -> &'static str {
    match s {
        ClaimStatus::Approved => "state-verified",
        ClaimStatus::Rejected => "state-rejected",
        ClaimStatus::Withdrawn => "muted",
        _ => "state-recorded",
    }
}

fn dates(tr: Tr, i: &ClaimInput) -> String {
    if i.start == i.end {
        tr.date(&i.start)
    } else {
        format!("{} – {}", tr.date(&i.start), tr.date(&i.end))
    }
}

fn row(tr: Tr, c: &ClaimView) -> ClaimRow {
    ClaimRow {
        id: c.id,
        title: c.input.title.clone(),
        who: match &c.staff_no {
            Some(n) => format!("{}（{n}）", c.teacher_name),
            None => c.teacher_name.clone(),
        },
        dates: dates(tr, &c.input),
        hours: words::units(tr, lingyan_domain::credits::Unit::Hour, c.input.hours),
        status: tr.label("claim_status", c.status.code()),
        tone: tone(c.status),
        reason: c.reason.clone().unwrap_or_default(),
    }
}

/// (code, label) choices of the form.
type Choices = Vec<(String, String)>;

fn choices(tr: Tr) -> (Choices, Choices, Choices, Choices) {
    (
        Form::ALL
            .iter()
            .map(|x| (x.code().to_string(), tr.t(&format!("credit_forms.{}", x.code()))))
            .collect(),
        Level::ALL
            .iter()
            .map(|l| (l.code().to_string(), tr.t(&format!("levels.{}", l.code()))))
            .collect(),
        Area::ALL
            .iter()
            .map(|x| (x.code().to_string(), tr.t(&format!("credit_areas.{}", x.code()))))
            .collect(),
        // Outside training first: what most claims are.
        std::iter::once(Earning::OutsideTraining)
            .chain(
                Earning::ALL
                    .iter()
                    .copied()
                    .filter(|e| *e != Earning::OutsideTraining),
            )
            .map(|e| (e.code().to_string(), words::what_label(tr, What::Earning(e))))
            .collect(),
    )
}

#[derive(Template)]
#[template(path = "claims.html")]
struct MyClaimsPage {
    ctx: PageCtx,
    claims: Vec<ClaimRow>,
    f: ClaimForm,
    error: Option<FormError>,
    forms: Choices,
    levels: Choices,
    areas: Choices,
    whats: Choices,
    /// The record claimed from, by title.
    from_record: String,
}

#[derive(Deserialize, Default)]
pub(super) struct MineQuery {
    evidence: Option<i64>,
}

async fn mine_page(
    state: &AppState,
    caller: &Caller,
    ctx: PageCtx,
    f: ClaimForm,
    error: Option<FormError>,
) -> Result<Response, PageError> {
    let tr = ctx.tr;
    let claims = claims::mine(&state.store, &caller.scope).await?;
    let (forms, levels, areas, whats) = choices(tr);
    let from_record = match f.evidence_id.parse::<i64>() {
        Ok(id) => {
            lingyan_store::evidence::get(&state.store, &caller.scope, id, lingyan_store::calendar::today())
                .await
                .map(|d| d.evidence.title.clone())
                .unwrap_or_default()
        }
        Err(_) => String::new(),
    };
    let page = MyClaimsPage {
        claims: claims.iter().map(|c| row(tr, c)).collect(),
        f,
        forms,
        levels,
        areas,
        whats,
        from_record,
        ctx,
        error,
    };
    Ok(render_status(crate::pages::form_status(&page.error), &page))
}

/// `GET /claims[?evidence=ID]`: the caller's claims and the form, filled
/// from a portfolio training record when one is named.
pub(super) async fn view_mine_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    Query(q): Query<MineQuery>,
) -> Result<Response, PageError> {
    let mut f = ClaimForm {
        form: "centralized".into(),
        what: "outside_training".into(),
        ..Default::default()
    };
    if let Some(id) = q.evidence {
        let d =
            lingyan_store::evidence::get(&state.store, &caller.scope, id, lingyan_store::calendar::today())
                .await?;
        let e = &d.evidence;
        f.evidence_id = id.to_string();
        f.title = e.title.clone();
        f.start = e.occurred_on.to_string();
        f.end = e.occurred_on.to_string();
        f.level = e.level.map(|l| l.code().to_string()).unwrap_or_default();
        if let lingyan_domain::evidence::Details::Training {
            organiser,
            mode,
            hours,
            certificate,
        } = &e.details
        {
            f.organiser = organiser.clone();
            f.hours = Amount::from_f64(*hours)
                .map(|a| a.to_string())
                .unwrap_or_default();
            f.note = certificate.clone().unwrap_or_default();
            if let Some(m) = Form::from_code(mode.code()) {
                f.form = m.code().to_string();
            }
        }
    }
    mine_page(&state, &caller, ctx, f, None).await
}

/// `POST /claims` (multipart): submits a claim with its certificate.
pub(super) async fn view_mine_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    mut multipart: Multipart,
) -> Result<Response, PageError> {
    let bad = |e: axum::extract::multipart::MultipartError| PageError::BadRequest(e.body_text());
    let mut f = ClaimForm::default();
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(field) = multipart.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or("").to_string();
        if name == "certificate" {
            let filename = field.file_name().unwrap_or("certificate").to_string();
            let bytes = field.bytes().await.map_err(bad)?;
            if !bytes.is_empty() {
                file = Some((filename, bytes.to_vec()));
            }
            continue;
        }
        let text = field.text().await.map_err(bad)?;
        let slot = match name.as_str() {
            "training_title" => &mut f.title,
            "organiser" => &mut f.organiser,
            "start" => &mut f.start,
            "end" => &mut f.end,
            "form" => &mut f.form,
            "level" => &mut f.level,
            "area" => &mut f.area,
            "what" => &mut f.what,
            "hours" => &mut f.hours,
            "credits" => &mut f.credits,
            "claim_note" => &mut f.note,
            "prior_approval_ref" => &mut f.prior_approval,
            "evidence_id" => &mut f.evidence_id,
            _ => continue,
        };
        *slot = text;
    }
    let input = match f.input() {
        Ok(i) => i,
        Err(errors) => {
            let e = message_for(&Error::InvalidAll(errors));
            return mine_page(&state, &caller, ctx, f, Some(e)).await;
        }
    };
    let evidence = f.evidence_id.trim().parse::<i64>().ok();
    let result = claims::submit(
        &state.store,
        &caller.scope,
        input,
        file.as_ref().map(|(n, b)| claims::Certificate {
            filename: n,
            bytes: b,
        }),
        evidence,
        lingyan_store::calendar::today(),
    )
    .await;
    match result {
        Ok(c) => {
            let key = if c.status == ClaimStatus::Approved {
                "claims.submitted_counted"
            } else {
                "claims.submitted"
            };
            flash(&session, "ok", ctx.tr.t(key)).await;
            Ok(redirect(&format!("/claims/{}", c.id)))
        }
        Err(e @ (Error::Invalid(_) | Error::InvalidAll(_) | Error::Conflict(_))) => {
            mine_page(&state, &caller, ctx, f, Some(message_for(&e))).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "claim_detail.html")]
struct ClaimPage {
    ctx: PageCtx,
    c: ClaimView,
    title: String,
    who: String,
    school: String,
    dates: String,
    what: String,
    hours: String,
    credits: String,
    status: String,
    tone: &'static str,
    chain: String,
    /// (step, who, when) of each decision taken.
    steps: Vec<(String, String, String)>,
    transcript: String,
}

/// `GET /claims/{id}`
pub(super) async fn view_claim_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let c = claims::get(&state.store, &caller.scope, id).await?;
    let tr = ctx.tr;
    let i = &c.input;
    let mut what = vec![
        words::what_label(tr, i.what),
        tr.label("credit_forms", i.form.code()),
    ];
    if let Some(l) = i.level {
        // "Provincial", not "provincial", at the head of its item.
        what.push(words::capitalised(tr.label("levels", l.code())));
    }
    if let Some(a) = i.area {
        what.push(tr.label("credit_areas", a.code()));
    }
    let mut steps = Vec::new();
    if let (Some(by), Some(at)) = (&c.school_by, c.school_at) {
        steps.push((tr.t("claims.step_school"), by.clone(), tr.datetime(&at)));
    }
    if let (Some(by), Some(at)) = (&c.district_by, c.district_at) {
        steps.push((tr.t("claims.step_district"), by.clone(), tr.datetime(&at)));
    }
    Ok(render(&ClaimPage {
        title: i.title.clone(),
        who: match &c.staff_no {
            Some(n) => format!("{}（{n}）", c.teacher_name),
            None => c.teacher_name.clone(),
        },
        school: tr.name(&c.school_name, &c.school_name_en).to_string(),
        dates: dates(tr, i),
        what: what.join(" · "),
        hours: words::units(tr, lingyan_domain::credits::Unit::Hour, i.hours),
        credits: i.credits.map(|a| a.to_string()).unwrap_or_default(),
        status: tr.label("claim_status", c.status.code()),
        tone: tone(c.status),
        chain: tr.label("approval_chains", c.chain.code()),
        steps,
        transcript: format!("/teachers/{}/credits", c.teacher_id),
        c,
        ctx,
    }))
}

#[derive(Deserialize)]
pub(super) struct ReasonForm {
    #[serde(default)]
    reason: String,
}

#[derive(Deserialize)]
pub(super) struct RemoveForm {
    #[serde(default)]
    reason: String,
    /// The transcript to go back to.
    teacher: Option<i64>,
}

async fn decided(
    session: &Session,
    tr: Tr,
    id: i64,
    r: Result<ClaimView, Error>,
    ok: &str,
) -> Result<Response, PageError> {
    match r {
        Ok(_) => flash(session, "ok", tr.t(ok)).await,
        Err(e @ (Error::Invalid(_) | Error::InvalidAll(_))) => {
            flash(session, "error", message_for(&e).message).await
        }
        Err(e) => return Err(e.into()),
    }
    Ok(redirect(&format!("/claims/{id}")))
}

/// `POST /claims/{id}/approve`
pub(super) async fn view_approve_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let r = claims::decide(&state.store, &caller.scope, id, Decision::Approve).await;
    decided(&session, ctx.tr, id, r, "claims.approved").await
}

/// `POST /claims/{id}/reject` (reason)
pub(super) async fn view_reject_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    Path(id): Path<i64>,
    PostForm(f): PostForm<ReasonForm>,
) -> Result<Response, PageError> {
    let r = claims::decide(&state.store, &caller.scope, id, Decision::Reject(f.reason)).await;
    decided(&session, ctx.tr, id, r, "claims.rejected").await
}

/// `POST /claims/{id}/withdraw`
pub(super) async fn view_withdraw_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let r = claims::withdraw(&state.store, &caller.scope, id).await;
    decided(&session, ctx.tr, id, r, "claims.withdrawn").await
}

/// `GET /claims/{id}/certificate` (shown in the browser: a PDF or an image)
pub(super) async fn view_certificate_get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let d = claims::certificate(&state.store, &caller.scope, id).await?;
    Ok(crate::pages::attachment_response(d, true))
}

#[derive(Template)]
#[template(path = "claims_queue.html")]
struct QueuePage {
    ctx: PageCtx,
    place: String,
    base: String,
    all: bool,
    claims: Vec<ClaimRow>,
}

#[derive(Deserialize, Default)]
pub(super) struct QueueQuery {
    all: Option<String>,
}

/// `GET /schools/{id}/credits/claims[?all=1]` (and the district's): the
/// claims waiting for the caller, oldest first, or all of them.
pub(super) async fn view_queue_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    place: Place,
    Query(q): Query<QueueQuery>,
) -> Result<Response, PageError> {
    let all = crate::pages::checkbox(&q.all);
    let which = if all { Queue::All } else { Queue::Waiting };
    let list = claims::queue(
        &state.store,
        &caller.scope,
        place.district_id,
        place.school_id,
        which,
    )
    .await?;
    let tr = ctx.tr;
    Ok(render(&QueuePage {
        place: place.name.clone(),
        base: place.base.clone(),
        all,
        claims: list
            .iter()
            .map(|c| {
                let mut r = row(tr, c);
                if place.school_id.is_none() {
                    r.who = format!("{} · {}", r.who, tr.name(&c.school_name, &c.school_name_en));
                }
                r
            })
            .collect(),
        ctx,
    }))
}

#[derive(Deserialize)]
pub(super) struct AdjustForm {
    #[serde(default)]
    date: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    form: String,
    #[serde(default)]
    level: String,
    #[serde(default)]
    area: String,
    #[serde(default)]
    credits: String,
    #[serde(default)]
    reason: String,
}

impl AdjustForm {
    fn input(&self) -> Result<AdjustmentInput, Vec<lingyan_domain::FieldError>> {
        use lingyan_domain::FieldError;
        let mut errors = Vec::new();
        let date = lingyan_domain::dates::parse_date("date", self.date.trim())
            .map_err(|e| errors.push(e))
            .ok();
        let form = Form::parse("form", &self.form).map_err(|e| errors.push(e)).ok();
        let level = optional("level", &self.level, Level::from_code, &mut errors);
        let area = optional("area", &self.area, Area::from_code, &mut errors);
        let credits = Amount::parse_str(self.credits.trim()).or_else(|| {
            errors.push(FieldError::new("credits", "not_a_number"));
            None
        });
        match (date, form, credits) {
            (Some(date), Some(form), Some(credits)) if errors.is_empty() => Ok(AdjustmentInput {
                date,
                title: self.title.clone(),
                form,
                level,
                area,
                credits,
                reason: self.reason.clone(),
            }),
            _ => Err(errors),
        }
    }
}

/// `POST /teachers/{id}/credits/adjust`: district staff add an adjustment.
pub(super) async fn view_adjust_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    Path(id): Path<i64>,
    PostForm(f): PostForm<AdjustForm>,
) -> Result<Response, PageError> {
    // Permission first: someone who may not adjust learns nothing from
    // what they sent.
    claims::may_adjust(&state.store, &caller.scope, id).await?;
    let r = match f.input() {
        Ok(input) => claims::adjust(
            &state.store,
            &caller.scope,
            id,
            input,
            lingyan_store::calendar::today(),
        )
        .await
        .map(|_| ()),
        Err(errors) => Err(Error::InvalidAll(errors)),
    };
    match r {
        Ok(()) => flash(&session, "ok", ctx.tr.t("claims.adjusted")).await,
        Err(e @ (Error::Invalid(_) | Error::InvalidAll(_))) => {
            flash(&session, "error", message_for(&e).message).await
        }
        Err(e) => return Err(e.into()),
    }
    Ok(redirect(&format!("/teachers/{id}/credits")))
}

/// `POST /credit-entries/{id}/remove` (reason): district staff remove an
/// imported or adjusted entry.
pub(super) async fn view_remove_entry_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    Path(id): Path<i64>,
    PostForm(f): PostForm<RemoveForm>,
) -> Result<Response, PageError> {
    match claims::remove_entry(&state.store, &caller.scope, id, &f.reason).await {
        Ok(_) => flash(&session, "ok", ctx.tr.t("claims.entry_removed")).await,
        Err(e @ (Error::Invalid(_) | Error::InvalidAll(_))) => {
            flash(&session, "error", message_for(&e).message).await
        }
        Err(e) => return Err(e.into()),
    }
    Ok(redirect(&match f.teacher {
        Some(t) => format!("/teachers/{t}/credits"),
        None => "/".into(),
    }))
}
