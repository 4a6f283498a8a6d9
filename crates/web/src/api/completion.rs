//! Completion of the credit requirement over JSON: a school's or a
//! district's rates and every teacher who has not met it, with what is
//! due and what is still to earn.

use super::credits::ShortfallDto;
use super::{ApiQuery, ApiResult};
use crate::auth::Caller;
use crate::error::ErrorBody;
use crate::i18n::Tr;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use lingyan_store::credits::{Completion, percent};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(school_completion))
        .routes(routes!(district_completion))
}

/// A part of the requirement with a minimum, and how many met it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PartDto {
    pub code: String,
    /// In the caller's language.
    pub name: String,
    pub min: f64,
    pub met: usize,
}

/// A teacher who has not met the requirement.
#[derive(Debug, Serialize, ToSchema)]
pub struct StandingDto {
    pub teacher_id: i64,
    pub name: String,
    pub staff_no: Option<String>,
    pub total: f64,
    pub required: f64,
    /// Nothing due is missing: may apply for a higher professional title.
    pub eligible: bool,
    /// What was due and is missing (why the teacher may not apply).
    pub due: Vec<ShortfallDto>,
    /// Everything still to earn this cycle.
    pub missing: Vec<ShortfallDto>,
}

/// A school's completion.
#[derive(Debug, Serialize, ToSchema)]
pub struct SchoolCompletionDto {
    pub school_id: i64,
    pub code: String,
    /// In the caller's language.
    pub name: String,
    /// Whether a requirement is in force.
    pub set: bool,
    /// `credit` or `hour`.
    pub unit: String,
    pub cycle_first: i32,
    pub cycle_last: i32,
    /// Whether the cycle had ended by `as_of` (everything is due).
    pub cycle_over: bool,
    pub teachers: usize,
    pub complete: usize,
    pub complete_pct: u32,
    pub eligible: usize,
    pub eligible_pct: u32,
    pub parts: Vec<PartDto>,
    /// Not eligible first, furthest behind first.
    pub short: Vec<StandingDto>,
}

/// A school's or district's completion on a day.
#[derive(Debug, Serialize, ToSchema)]
pub struct CompletionDto {
    pub district_id: i64,
    pub school_id: Option<i64>,
    pub as_of: chrono::NaiveDate,
    pub teachers: usize,
    /// Teachers who have met the cycle's requirement.
    pub complete: usize,
    /// Teachers with nothing due missing.
    pub eligible: usize,
    /// Teachers who may not apply for a higher title.
    pub not_eligible: usize,
    pub schools: Vec<SchoolCompletionDto>,
}

impl CompletionDto {
    fn of(c: &Completion, tr: Tr) -> Self {
        CompletionDto {
            district_id: c.district_id,
            school_id: c.school_id,
            as_of: c.as_of,
            teachers: c.teachers(),
            complete: c.complete(),
            eligible: c.eligible(),
            not_eligible: c.not_eligible(),
            schools: c
                .schools
                .iter()
                .map(|s| SchoolCompletionDto {
                    school_id: s.school_id,
                    code: s.code.clone(),
                    name: tr.name(&s.name, &s.name_en).to_string(),
                    set: s.rules.is_set(),
                    unit: s.rules.unit.code().to_string(),
                    cycle_first: s.cycle.first,
                    cycle_last: s.cycle.last,
                    cycle_over: c.as_of > s.cycle.end(),
                    teachers: s.teachers,
                    complete: s.complete,
                    complete_pct: percent(s.complete, s.teachers),
                    eligible: s.eligible,
                    eligible_pct: percent(s.eligible, s.teachers),
                    parts: s
                        .parts
                        .iter()
                        .map(|p| PartDto {
                            code: p.code.clone(),
                            name: if tr.is_zh() { &p.name_zh } else { &p.name_en }.clone(),
                            min: p.min.to_f64(),
                            met: p.met,
                        })
                        .collect(),
                    short: s
                        .short
                        .iter()
                        .map(|t| StandingDto {
                            teacher_id: t.teacher_id,
                            name: t.name.clone(),
                            staff_no: t.staff_no.clone(),
                            total: t.total.to_f64(),
                            required: t.required.to_f64(),
                            eligible: t.eligible,
                            due: t.due.iter().map(|x| ShortfallDto::of(tr, &s.rules, x)).collect(),
                            missing: t
                                .missing
                                .iter()
                                .map(|x| ShortfallDto::of(tr, &s.rules, x))
                                .collect(),
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct AsOfParams {
    /// As of this day (default today).
    as_of: Option<chrono::NaiveDate>,
    /// The cycle containing this year (default the one containing `as_of`):
    /// a past cycle asked about today has everything due.
    cycle: Option<i32>,
}

/// A school's completion of the credit requirement (training directors,
/// principals and district staff).
#[utoipa::path(get, path = "/api/v1/schools/{id}/credits/completion", tag = "credits", params(("id" = i64, Path), AsOfParams),
    responses((status = 200, body = CompletionDto), (status = 404, body = ErrorBody)))]
async fn school_completion(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiQuery(q): ApiQuery<AsOfParams>,
) -> ApiResult<Json<CompletionDto>> {
    let place = super::rule_sets::school_place(&state, &caller, id).await?;
    let as_of = q.as_of.unwrap_or_else(lingyan_store::calendar::today);
    let c = lingyan_store::credits::completion(
        &state.store,
        &caller.scope,
        place.district_id,
        Some(id),
        as_of,
        q.cycle,
    )
    .await?;
    Ok(Json(CompletionDto::of(&c, Tr(caller.locale))))
}

/// A district's completion, school by school (district staff and
/// inspectors).
#[utoipa::path(get, path = "/api/v1/districts/{id}/credits/completion", tag = "credits", params(("id" = i64, Path), AsOfParams),
    responses((status = 200, body = CompletionDto), (status = 404, body = ErrorBody)))]
async fn district_completion(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiQuery(q): ApiQuery<AsOfParams>,
) -> ApiResult<Json<CompletionDto>> {
    let as_of = q.as_of.unwrap_or_else(lingyan_store::calendar::today);
    let c = lingyan_store::credits::completion(&state.store, &caller.scope, id, None, as_of, q.cycle).await?;
    Ok(Json(CompletionDto::of(&c, Tr(caller.locale))))
}
