//! Claims for outside training and manual adjustments over JSON: a
//! teacher's claims with a certificate, the school's and district's
//! queues, decisions along the approval chain, and district staff's
//! adjustments and removals (decision 50).

use super::{ApiJson, ApiQuery, ApiResult};
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody};
use crate::i18n::Tr;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use lingyan_domain::credits::claims::{AdjustmentInput, ClaimInput};
use lingyan_store::credits::claims::{self, ClaimView, Decision, Queue};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

pub fn router(upload_limit: usize) -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(my_claims, submit_claim).layer(axum::extract::DefaultBodyLimit::max(upload_limit)))
        .routes(routes!(get_claim))
        .routes(routes!(approve_claim))
        .routes(routes!(reject_claim))
        .routes(routes!(withdraw_claim))
        .routes(routes!(claim_certificate))
        .routes(routes!(school_claims))
        .routes(routes!(district_claims))
        .routes(routes!(add_adjustment))
        .routes(routes!(remove_entry))
}

/// A claim and where it stands.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClaimDto {
    pub id: i64,
    pub teacher_id: i64,
    pub teacher_name: String,
    pub staff_no: Option<String>,
    pub school_id: i64,
    pub school_name: String,
    /// The portfolio record it was claimed from.
    pub evidence_id: Option<i64>,
    pub claim: ClaimInput,
    /// `none`, `school` or `school_then_district`: the chain it goes through.
    pub chain: String,
    /// `pending_school`, `pending_district`, `approved`, `rejected`, `withdrawn`.
    pub status: String,
    /// The status in the caller's language.
    pub status_text: String,
    /// The certificate's file name (download at `…/certificate`).
    pub certificate: Option<String>,
    pub school_by: Option<String>,
    pub school_at: Option<chrono::DateTime<chrono::Utc>>,
    pub district_by: Option<String>,
    pub district_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Why it was rejected.
    pub reason: Option<String>,
    /// The ledger entry it counts as, once approved.
    pub entry_id: Option<i64>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub can_decide: bool,
    pub can_withdraw: bool,
}

impl ClaimDto {
    pub(crate) fn of(c: ClaimView, tr: Tr) -> Self {
        ClaimDto {
            id: c.id,
            teacher_id: c.teacher_id,
            teacher_name: c.teacher_name,
            staff_no: c.staff_no,
            school_id: c.school_id,
            school_name: tr.name(&c.school_name, &c.school_name_en).to_string(),
            evidence_id: c.evidence_id,
            claim: c.input,
            chain: c.chain.code().to_string(),
            status: c.status.code().to_string(),
            status_text: tr.label("claim_status", c.status.code()),
            certificate: c.certificate,
            school_by: c.school_by,
            school_at: c.school_at,
            district_by: c.district_by,
            district_at: c.district_at,
            reason: c.reason,
            entry_id: c.entry_id,
            created_at: c.created_at,
            can_decide: c.can_decide,
            can_withdraw: c.can_withdraw,
        }
    }
}

fn dtos(v: Vec<ClaimView>, tr: Tr) -> Vec<ClaimDto> {
    v.into_iter().map(|c| ClaimDto::of(c, tr)).collect()
}

/// The caller's own claims, newest first.
#[utoipa::path(get, path = "/api/v1/me/claims", tag = "credits",
    responses((status = 200, body = Vec<ClaimDto>)))]
async fn my_claims(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<Vec<ClaimDto>>> {
    Ok(Json(dtos(
        claims::mine(&state.store, &caller.scope).await?,
        Tr(caller.locale),
    )))
}

/// The parts of a claim's form (multipart/form-data).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ClaimUpload {
    /// The claim, as JSON.
    claim: ClaimInput,
    /// The portfolio "training attended" record it comes from.
    evidence_id: Option<i64>,
    /// The certificate: a PDF or an image (not needed when the record has one).
    #[schema(value_type = Option<String>, format = Binary)]
    certificate: Option<Vec<u8>>,
}

/// Claims credits for a training taken outside, with its certificate:
/// multipart parts `claim` (JSON), `certificate` (a PDF or an image, judged
/// by content) and optionally `evidence_id`. Every problem is named (422);
/// a training already in the ledger or claimed is refused.
#[utoipa::path(post, path = "/api/v1/me/claims", tag = "credits",
    request_body(content = ClaimUpload, content_type = "multipart/form-data"),
    responses((status = 201, body = ClaimDto), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn submit_claim(
    State(state): State<AppState>,
    caller: Caller,
    mut multipart: Multipart,
) -> ApiResult<(StatusCode, Json<ClaimDto>)> {
    let bad = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::TooLarge
        } else {
            ApiError::BadRequest(e.body_text())
        }
    };
    let (mut input, mut evidence, mut file) = (None, None, None);
    while let Some(field) = multipart.next_field().await.map_err(bad)? {
        match field.name() {
            Some("claim") => {
                let text = field.text().await.map_err(bad)?;
                input = Some(
                    serde_json::from_str::<ClaimInput>(&text)
                        .map_err(|e| ApiError::BadRequest(format!("claim: {e}")))?,
                );
            }
            Some("evidence_id") => {
                let text = field.text().await.map_err(bad)?;
                if !text.trim().is_empty() {
                    evidence = Some(
                        text.trim()
                            .parse::<i64>()
                            .map_err(|_| ApiError::BadRequest("evidence_id: not a number".into()))?,
                    );
                }
            }
            Some("certificate") => {
                let name = field.file_name().unwrap_or("certificate").to_string();
                let bytes = field.bytes().await.map_err(bad)?;
                if !bytes.is_empty() {
                    file = Some((name, bytes.to_vec()));
                }
            }
            _ => {}
        }
    }
    let input = input.ok_or_else(|| ApiError::BadRequest("the part `claim` is missing".into()))?;
    let c = claims::submit(
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
    .await?;
    Ok((StatusCode::CREATED, Json(ClaimDto::of(c, Tr(caller.locale)))))
}

/// A claim (the teacher, their school's readers, the district's verifiers).
#[utoipa::path(get, path = "/api/v1/claims/{id}", tag = "credits", params(("id" = i64, Path)),
    responses((status = 200, body = ClaimDto), (status = 404, body = ErrorBody)))]
async fn get_claim(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<ClaimDto>> {
    Ok(Json(ClaimDto::of(
        claims::get(&state.store, &caller.scope, id).await?,
        Tr(caller.locale),
    )))
}

/// Approves the claim's current step (the school's: its training director
/// or principal; the district's: its staff); at the end of the chain it
/// counts.
#[utoipa::path(post, path = "/api/v1/claims/{id}/approve", tag = "credits", params(("id" = i64, Path)),
    responses((status = 200, body = ClaimDto), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn approve_claim(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<ClaimDto>> {
    Ok(Json(ClaimDto::of(
        claims::decide(&state.store, &caller.scope, id, Decision::Approve).await?,
        Tr(caller.locale),
    )))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonBody {
    /// Why (the teacher sees it); 1–500 characters.
    pub reason: String,
}

/// Rejects the claim's current step, with a reason the teacher sees.
#[utoipa::path(post, path = "/api/v1/claims/{id}/reject", tag = "credits", params(("id" = i64, Path)), request_body = ReasonBody,
    responses((status = 200, body = ClaimDto), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn reject_claim(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<ReasonBody>,
) -> ApiResult<Json<ClaimDto>> {
    Ok(Json(ClaimDto::of(
        claims::decide(&state.store, &caller.scope, id, Decision::Reject(b.reason)).await?,
        Tr(caller.locale),
    )))
}

/// The teacher takes back a pending claim.
#[utoipa::path(post, path = "/api/v1/claims/{id}/withdraw", tag = "credits", params(("id" = i64, Path)),
    responses((status = 200, body = ClaimDto), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn withdraw_claim(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<ClaimDto>> {
    Ok(Json(ClaimDto::of(
        claims::withdraw(&state.store, &caller.scope, id).await?,
        Tr(caller.locale),
    )))
}

/// The claim's certificate.
#[utoipa::path(get, path = "/api/v1/claims/{id}/certificate", tag = "credits", params(("id" = i64, Path)),
    responses((status = 200, description = "The file", content_type = "application/octet-stream"), (status = 404, body = ErrorBody)))]
async fn claim_certificate(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Response> {
    let d = claims::certificate(&state.store, &caller.scope, id).await?;
    Ok(crate::pages::attachment_response(d, false))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct QueueParams {
    /// Every claim (newest first) instead of those waiting for the caller.
    all: Option<bool>,
}

fn which(q: &QueueParams) -> Queue {
    if q.all.unwrap_or(false) {
        Queue::All
    } else {
        Queue::Waiting
    }
}

/// A school's claims: those waiting for the caller's decision (oldest
/// first), or all of them.
#[utoipa::path(get, path = "/api/v1/schools/{id}/claims", tag = "credits", params(("id" = i64, Path), QueueParams),
    responses((status = 200, body = Vec<ClaimDto>), (status = 404, body = ErrorBody)))]
async fn school_claims(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiQuery(q): ApiQuery<QueueParams>,
) -> ApiResult<Json<Vec<ClaimDto>>> {
    let place = super::rule_sets::school_place(&state, &caller, id).await?;
    Ok(Json(dtos(
        claims::queue(
            &state.store,
            &caller.scope,
            place.district_id,
            Some(id),
            which(&q),
        )
        .await?,
        Tr(caller.locale),
    )))
}

/// A district's claims.
#[utoipa::path(get, path = "/api/v1/districts/{id}/claims", tag = "credits", params(("id" = i64, Path), QueueParams),
    responses((status = 200, body = Vec<ClaimDto>), (status = 404, body = ErrorBody)))]
async fn district_claims(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiQuery(q): ApiQuery<QueueParams>,
) -> ApiResult<Json<Vec<ClaimDto>>> {
    Ok(Json(dtos(
        claims::queue(&state.store, &caller.scope, id, None, which(&q)).await?,
        Tr(caller.locale),
    )))
}

/// An adjustment as added.
#[derive(Debug, Serialize, ToSchema)]
pub struct AdjustedDto {
    pub entry_id: i64,
    pub teacher_id: i64,
}

/// Adds an adjustment to a teacher's ledger (district staff), with the
/// reason every reader of the transcript sees.
#[utoipa::path(post, path = "/api/v1/teachers/{id}/credits/adjustments", tag = "credits", params(("id" = i64, Path)), request_body = AdjustmentInput,
    responses((status = 201, body = AdjustedDto), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn add_adjustment(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<AdjustmentInput>,
) -> ApiResult<(StatusCode, Json<AdjustedDto>)> {
    let e = claims::adjust(
        &state.store,
        &caller.scope,
        id,
        b,
        lingyan_store::calendar::today(),
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(AdjustedDto {
            entry_id: e.id,
            teacher_id: id,
        }),
    ))
}

/// Removes an imported or adjusted ledger entry, with a reason (district
/// staff). Entries that follow attendance or a claim are refused by name.
#[utoipa::path(post, path = "/api/v1/credit-entries/{id}/remove", tag = "credits", params(("id" = i64, Path)), request_body = ReasonBody,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn remove_entry(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<ReasonBody>,
) -> ApiResult<StatusCode> {
    claims::remove_entry(&state.store, &caller.scope, id, &b.reason).await?;
    Ok(StatusCode::NO_CONTENT)
}
