//! Continuing-education credits over JSON: the preset library, and the
//! requirement a district (or, where it allows, a school) sets per school
//! year, with its history.

use super::duties::SourceDto;
use super::rule_sets::{DiffDto, VersionDto};
use super::{ApiJson, ApiQuery, ApiResult};
use crate::auth::Caller;
use crate::error::ErrorBody;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use lingyan_domain::credits::{CreditRules, presets};
use lingyan_store::credits::RulesView;
use lingyan_store::rule_sets::Place;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

pub fn router(upload_limit: usize) -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_presets))
        .routes(routes!(get_district_rules, put_district_rules))
        .routes(routes!(adopt_district_preset))
        .routes(routes!(get_school_rules, put_school_rules))
        .routes(routes!(adopt_school_preset))
        .routes(routes!(district_history))
        .routes(routes!(district_version))
        .routes(routes!(school_history))
        .routes(routes!(school_version))
        .routes(routes!(teacher_transcript))
        .routes(routes!(my_transcript))
        .routes(routes!(import_records).layer(axum::extract::DefaultBodyLimit::max(upload_limit)))
        .routes(routes!(export_records))
}

/// A preset credit requirement.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreditPresetDto {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    /// The rule or document it comes from.
    pub source: String,
    pub source_en: Option<String>,
    pub description_zh: String,
    pub description_en: String,
    /// The requirement, in the shape `PUT …/credit-rules` takes; its notes
    /// say what the preset could not state for sure.
    pub rules: CreditRules,
}

/// The preset library: the seed's 48 credits and the national and
/// provincial rules, each citing its source.
#[utoipa::path(get, path = "/api/v1/credit-presets", tag = "credits", responses((status = 200, body = Vec<CreditPresetDto>)))]
async fn list_presets(_caller: Caller) -> ApiResult<Json<Vec<CreditPresetDto>>> {
    Ok(Json(
        presets::all()
            .iter()
            .map(|p| CreditPresetDto {
                code: p.code.clone(),
                name_zh: p.name_zh.clone(),
                name_en: p.name_en.clone(),
                source: p.source.clone(),
                source_en: p.source_en.clone(),
                description_zh: p.description_zh.clone(),
                description_en: p.description_en.clone(),
                rules: p.rules.clone(),
            })
            .collect(),
    ))
}

/// A requirement in force.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreditRulesDto {
    /// The school year (its first calendar year).
    pub year: i32,
    pub source: SourceDto,
    /// The version in force (absent when nothing is set).
    pub version: Option<VersionDto>,
    /// Whether anything is asked (`total` above zero).
    pub set: bool,
    /// For a school: whether it may save its own requirement.
    pub school_may_set: bool,
    pub rules: CreditRules,
}

fn dto(v: RulesView, school: bool) -> CreditRulesDto {
    CreditRulesDto {
        year: v.year,
        source: v.source.into(),
        version: v.version.map(Into::into),
        set: v.set.is_set(),
        school_may_set: school && v.set.school_override,
        rules: v.set,
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct YearParams {
    /// School year (first calendar year); default the current one.
    year: Option<i32>,
}

async fn year_or_current(state: &AppState, caller: &Caller, place: Place, y: Option<i32>) -> ApiResult<i32> {
    match y {
        Some(y) => Ok(y),
        None => Ok(lingyan_store::calendar::current_year(
            &state.store,
            &caller.scope,
            place.district_id,
            place.school_id,
        )
        .await?),
    }
}

async fn get_rules(
    state: &AppState,
    caller: &Caller,
    place: Place,
    y: Option<i32>,
) -> ApiResult<Json<CreditRulesDto>> {
    let year = year_or_current(state, caller, place, y).await?;
    let v = lingyan_store::credits::get(
        &state.store,
        &caller.scope,
        place.district_id,
        place.school_id,
        year,
    )
    .await?;
    Ok(Json(dto(v, place.school_id.is_some())))
}

/// A whole requirement, as saved.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CreditRulesBody {
    pub year: i32,
    /// Read once the caller is known to be allowed to change the requirement.
    #[schema(value_type = CreditRules)]
    pub rules: serde_json::Value,
}

async fn put_rules(
    state: &AppState,
    caller: &Caller,
    place: Place,
    b: CreditRulesBody,
) -> ApiResult<Json<CreditRulesDto>> {
    // Permission first: someone who may not change the rules is refused
    // whatever they sent.
    lingyan_store::credits::check_manage(&state.store, &caller.scope, place.district_id, place.school_id)
        .await?;
    let rules: CreditRules = serde_json::from_value(b.rules)
        .map_err(|e| crate::error::ApiError::BadRequest(format!("rules: {e}")))?;
    let v = lingyan_store::credits::save(
        &state.store,
        &caller.scope,
        place.district_id,
        place.school_id,
        b.year,
        rules,
    )
    .await?;
    Ok(Json(dto(v, place.school_id.is_some())))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CreditAdoptBody {
    pub year: i32,
    /// A preset code from `GET /api/v1/credit-presets`.
    pub preset: String,
}

async fn adopt(
    state: &AppState,
    caller: &Caller,
    place: Place,
    b: CreditAdoptBody,
) -> ApiResult<Json<CreditRulesDto>> {
    let v = lingyan_store::credits::adopt(
        &state.store,
        &caller.scope,
        place.district_id,
        place.school_id,
        b.year,
        &b.preset,
    )
    .await?;
    Ok(Json(dto(v, place.school_id.is_some())))
}

/// The credit requirement a district sets for its schools.
#[utoipa::path(get, path = "/api/v1/districts/{id}/credit-rules", tag = "credits", params(("id" = i64, Path), YearParams),
    responses((status = 200, body = CreditRulesDto), (status = 404, body = ErrorBody)))]
async fn get_district_rules(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiQuery(q): ApiQuery<YearParams>,
) -> ApiResult<Json<CreditRulesDto>> {
    get_rules(&state, &caller, Place::district(id), q.year).await
}

/// Saves a district's requirement for a school year, as a new version.
/// Every problem is named by field (and, inside a bucket, conversion or
/// pool, by its position and name) (422).
#[utoipa::path(put, path = "/api/v1/districts/{id}/credit-rules", tag = "credits", params(("id" = i64, Path)), request_body = CreditRulesBody,
    responses((status = 200, body = CreditRulesDto), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn put_district_rules(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<CreditRulesBody>,
) -> ApiResult<Json<CreditRulesDto>> {
    put_rules(&state, &caller, Place::district(id), b).await
}

/// Replaces a district's requirement for the year with a preset's.
#[utoipa::path(post, path = "/api/v1/districts/{id}/credit-rules/adopt", tag = "credits", params(("id" = i64, Path)), request_body = CreditAdoptBody,
    responses((status = 200, body = CreditRulesDto), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn adopt_district_preset(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<CreditAdoptBody>,
) -> ApiResult<Json<CreditRulesDto>> {
    adopt(&state, &caller, Place::district(id), b).await
}

/// The credit requirement in force for a school: its own where the
/// district lets schools set theirs, else the district's.
#[utoipa::path(get, path = "/api/v1/schools/{id}/credit-rules", tag = "credits", params(("id" = i64, Path), YearParams),
    responses((status = 200, body = CreditRulesDto), (status = 404, body = ErrorBody)))]
async fn get_school_rules(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiQuery(q): ApiQuery<YearParams>,
) -> ApiResult<Json<CreditRulesDto>> {
    let place = super::rule_sets::school_place(&state, &caller, id).await?;
    get_rules(&state, &caller, place, q.year).await
}

/// Saves a school's own requirement (only where its district allows it:
/// else 422 naming `school_override`).
#[utoipa::path(put, path = "/api/v1/schools/{id}/credit-rules", tag = "credits", params(("id" = i64, Path)), request_body = CreditRulesBody,
    responses((status = 200, body = CreditRulesDto), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn put_school_rules(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<CreditRulesBody>,
) -> ApiResult<Json<CreditRulesDto>> {
    let place = super::rule_sets::school_place(&state, &caller, id).await?;
    put_rules(&state, &caller, place, b).await
}

/// Replaces a school's own requirement with a preset's (where allowed).
#[utoipa::path(post, path = "/api/v1/schools/{id}/credit-rules/adopt", tag = "credits", params(("id" = i64, Path)), request_body = CreditAdoptBody,
    responses((status = 200, body = CreditRulesDto), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn adopt_school_preset(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<CreditAdoptBody>,
) -> ApiResult<Json<CreditRulesDto>> {
    let place = super::rule_sets::school_place(&state, &caller, id).await?;
    adopt(&state, &caller, place, b).await
}

/// Every version of a district's credit requirement, newest first.
#[utoipa::path(get, path = "/api/v1/districts/{id}/credit-rules/history", tag = "credits", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<VersionDto>), (status = 404, body = ErrorBody)))]
async fn district_history(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<Vec<VersionDto>>> {
    super::rule_sets::history::<CreditRules>(&state, &caller, Place::district(id)).await
}

/// One version of a district's credit requirement and what it changed, in words.
#[utoipa::path(get, path = "/api/v1/districts/{id}/credit-rules/versions/{version_id}", tag = "credits",
    params(("id" = i64, Path), ("version_id" = i64, Path)),
    responses((status = 200, body = DiffDto), (status = 404, body = ErrorBody)))]
async fn district_version(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, vid)): Path<(i64, i64)>,
) -> ApiResult<Json<DiffDto>> {
    super::rule_sets::version::<CreditRules>(&state, &caller, Place::district(id), vid).await
}

/// Every version of a school's own credit requirement, newest first.
#[utoipa::path(get, path = "/api/v1/schools/{id}/credit-rules/history", tag = "credits", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<VersionDto>), (status = 404, body = ErrorBody)))]
async fn school_history(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<Vec<VersionDto>>> {
    let place = super::rule_sets::school_place(&state, &caller, id).await?;
    super::rule_sets::history::<CreditRules>(&state, &caller, place).await
}

/// One version of a school's credit requirement and what it changed.
#[utoipa::path(get, path = "/api/v1/schools/{id}/credit-rules/versions/{version_id}", tag = "credits",
    params(("id" = i64, Path), ("version_id" = i64, Path)),
    responses((status = 200, body = DiffDto), (status = 404, body = ErrorBody)))]
async fn school_version(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, vid)): Path<(i64, i64)>,
) -> ApiResult<Json<DiffDto>> {
    let place = super::rule_sets::school_place(&state, &caller, id).await?;
    super::rule_sets::version::<CreditRules>(&state, &caller, place, vid).await
}

/// A shortfall: what is missing of what.
#[derive(Debug, Serialize, ToSchema)]
pub struct ShortfallDto {
    /// `total`, `bucket`, `year` or `pool`.
    pub need: String,
    /// The bucket's or pool's code, or the year.
    pub of: Option<String>,
    pub required: f64,
    pub counted: f64,
    pub missing: f64,
    /// In the caller's language: "1 credit in School-based training".
    pub text: String,
}

impl ShortfallDto {
    pub(crate) fn of(tr: crate::i18n::Tr, r: &CreditRules, s: &lingyan_domain::credits::Shortfall) -> Self {
        use lingyan_domain::credits::Need;
        let (need, of) = match &s.need {
            Need::Total => ("total", None),
            Need::Bucket(c) => ("bucket", Some(c.clone())),
            Need::Year(y) => ("year", Some(y.to_string())),
            Need::Pool(c) => ("pool", Some(c.clone())),
        };
        ShortfallDto {
            need: need.into(),
            of,
            required: s.required.to_f64(),
            counted: s.counted.to_f64(),
            missing: s.missing.to_f64(),
            text: crate::pages::credits_words::shortfall_text(tr, r, s),
        }
    }
}

/// A bucket's, year's or pool's figures.
#[derive(Debug, Serialize, ToSchema)]
pub struct TallyDto {
    pub code: String,
    pub name: String,
    pub counted: f64,
    pub min: Option<f64>,
    pub cap: Option<f64>,
}

/// One ledger entry and what the arithmetic made of it.
#[derive(Debug, Serialize, ToSchema)]
pub struct TranscriptEntryDto {
    pub id: i64,
    /// `import`, later `activity`, `claim`, `adjustment`.
    pub source: String,
    pub start: chrono::NaiveDate,
    pub end: chrono::NaiveDate,
    pub year: i32,
    pub title: String,
    pub organiser: String,
    /// An activity type or an earning (`outside_training` …).
    pub what: String,
    pub form: String,
    pub area: Option<String>,
    pub level: Option<String>,
    pub hours: f64,
    /// What the source states.
    pub credits: Option<f64>,
    /// Worth before caps.
    pub credited: f64,
    /// What counts toward the cycle (or its pool).
    pub counted: f64,
    /// Why it counts less, in the caller's language.
    pub why: Option<String>,
}

/// A teacher's transcript for a cycle.
#[derive(Debug, Serialize, ToSchema)]
pub struct TranscriptDto {
    pub teacher_id: i64,
    pub teacher_name: String,
    pub staff_no: Option<String>,
    pub school_name: String,
    /// Whether a requirement is in force at all.
    pub set: bool,
    /// `credit` or `hour`.
    pub unit: String,
    pub cycle_first: i32,
    pub cycle_last: i32,
    pub as_of: chrono::NaiveDate,
    pub required: f64,
    pub total: f64,
    /// Nothing due is missing: may apply for a higher professional title.
    pub eligible: bool,
    /// Everything of the cycle is met.
    pub complete: bool,
    pub missing: Vec<ShortfallDto>,
    pub due: Vec<ShortfallDto>,
    pub buckets: Vec<TallyDto>,
    pub years: Vec<TallyDto>,
    pub pools: Vec<TallyDto>,
    pub entries: Vec<TranscriptEntryDto>,
}

impl TranscriptDto {
    pub fn of(v: &lingyan_store::credits::TranscriptView, l: lingyan_domain::Locale) -> Self {
        use crate::pages::credits_words as w;
        let tr = crate::i18n::Tr(l);
        let r = &v.rules;
        let t = &v.transcript;
        let short = |s: &lingyan_domain::credits::Shortfall| ShortfallDto::of(tr, r, s);
        let tally = |code: &str, name: &str, t: &lingyan_domain::credits::Tally| TallyDto {
            code: code.to_string(),
            name: name.to_string(),
            counted: t.counted.to_f64(),
            min: t.min.map(|a| a.to_f64()),
            cap: t.cap.map(|a| a.to_f64()),
        };
        Self {
            teacher_id: v.teacher_id,
            teacher_name: v.teacher_name.clone(),
            staff_no: v.staff_no.clone(),
            school_name: tr.name(&v.school_name, &v.school_name_en).to_string(),
            set: r.is_set(),
            unit: r.unit.code().into(),
            cycle_first: t.cycle.first,
            cycle_last: t.cycle.last,
            as_of: t.as_of,
            required: t.required.to_f64(),
            total: t.total.to_f64(),
            eligible: t.eligible(),
            complete: t.complete(),
            missing: t.missing.iter().map(short).collect(),
            due: t.due.iter().map(short).collect(),
            buckets: r
                .buckets
                .iter()
                .zip(&t.buckets)
                .map(|(b, x)| tally(&b.code, b.name(l), x))
                .collect(),
            years: t
                .years
                .iter()
                .map(|y| TallyDto {
                    code: y.year.to_string(),
                    name: y.year.to_string(),
                    counted: y.counted.to_f64(),
                    min: y.min.map(|a| a.to_f64()),
                    cap: None,
                })
                .collect(),
            pools: r
                .pools
                .iter()
                .zip(&t.pools)
                .map(|(p, x)| tally(&p.code, p.name(l), x))
                .collect(),
            entries: v
                .entries
                .iter()
                .zip(&t.lines)
                .map(|(e, line)| TranscriptEntryDto {
                    id: e.id,
                    source: e.source.clone(),
                    start: e.start,
                    end: e.end,
                    year: e.year,
                    title: e.title.clone(),
                    organiser: e.organiser.clone(),
                    what: e.what.code().into(),
                    form: e.form.code().into(),
                    area: e.area.map(|a| a.code().into()),
                    level: e.level.map(|x| x.code().into()),
                    hours: e.hours.to_f64(),
                    credits: e.credits.map(|a| a.to_f64()),
                    credited: line.credited.to_f64(),
                    counted: line.counted.to_f64(),
                    why: line.why.as_ref().map(|x| w::why_text(tr, r, x)),
                })
                .collect(),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct TranscriptParams {
    /// As of this day (default today).
    as_of: Option<chrono::NaiveDate>,
    /// The cycle beginning in this year (default the one containing `as_of`).
    cycle: Option<i32>,
}

/// A teacher's transcript: every ledger entry and what it counted for,
/// the parts of the requirement, what is still to earn, and whether the
/// teacher may apply for a higher title.
#[utoipa::path(get, path = "/api/v1/teachers/{id}/credits", tag = "credits", params(("id" = i64, Path), TranscriptParams),
    responses((status = 200, body = TranscriptDto), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn teacher_transcript(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiQuery(q): ApiQuery<TranscriptParams>,
) -> ApiResult<Json<TranscriptDto>> {
    let as_of = q.as_of.unwrap_or_else(lingyan_store::calendar::today);
    let v = lingyan_store::credits::transcript_of(&state.store, &caller.scope, id, as_of, q.cycle).await?;
    Ok(Json(TranscriptDto::of(&v, caller.locale)))
}

/// The caller's own transcript.
#[utoipa::path(get, path = "/api/v1/me/credits", tag = "credits", params(TranscriptParams),
    responses((status = 200, body = TranscriptDto), (status = 404, body = ErrorBody)))]
async fn my_transcript(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<TranscriptParams>,
) -> ApiResult<Json<TranscriptDto>> {
    let as_of = q.as_of.unwrap_or_else(lingyan_store::calendar::today);
    let id = lingyan_store::evidence::own_teacher_id(
        &state.store,
        &caller.scope,
        lingyan_store::calendar::today(),
    )
    .await?
    .ok_or(lingyan_store::Error::NotFound)?;
    let v = lingyan_store::credits::transcript_of(&state.store, &caller.scope, id, as_of, q.cycle).await?;
    Ok(Json(TranscriptDto::of(&v, caller.locale)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ImportParams {
    /// Check only; write nothing.
    dry_run: Option<bool>,
    /// The file's name, for the report and the audit log.
    filename: Option<String>,
}

/// What a national-format import found and did.
#[derive(Debug, Serialize, ToSchema)]
pub struct NationalReportDto {
    pub filename: String,
    pub header_row: usize,
    pub rows: usize,
    /// Records added (or that would be, in a dry run).
    pub added: usize,
    /// Records already in the teachers' ledgers, not added again.
    pub already: usize,
    pub errors: Vec<super::teachers_dto::ImportIssue>,
    pub file_error: Option<String>,
    pub dry_run: bool,
    pub written: bool,
}

impl NationalReportDto {
    pub fn of(r: lingyan_store::credits::NationalReport, l: lingyan_domain::Locale) -> Self {
        Self {
            errors: super::teachers_dto::ImportIssue::all(&r.errors, l),
            file_error: r.file_error.as_ref().map(|e| crate::i18n::field_error(l, e)),
            filename: r.filename,
            header_row: r.header_row,
            rows: r.rows,
            added: r.added,
            already: r.already,
            dry_run: r.dry_run,
            written: r.written,
        }
    }
}

/// Load records in the national system's domestic-training format
/// (国内培训; .xlsx, .xls or .csv, the request body is the file) into the
/// ledgers of a district's teachers. All or nothing: with any problem
/// nothing is written and the report names every row and column; a
/// training already recorded for the teacher is counted in `already`.
#[utoipa::path(post, path = "/api/v1/districts/{id}/credits/import", tag = "credits", params(("id" = i64, Path), ImportParams),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 200, description = "Imported (or checked)", body = NationalReportDto),
              (status = 422, description = "Nothing written: see errors", body = NationalReportDto),
              (status = 403, body = ErrorBody)))]
async fn import_records(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiQuery(q): ApiQuery<ImportParams>,
    body: axum::body::Bytes,
) -> ApiResult<(axum::http::StatusCode, Json<NationalReportDto>)> {
    let name = q.filename.unwrap_or_else(|| "national.xlsx".into());
    let r = lingyan_store::credits::import_national(
        &state.store,
        &caller.scope,
        id,
        &name,
        &body,
        q.dry_run.unwrap_or(false),
        state.config.limits.import_bytes,
        lingyan_store::calendar::today(),
    )
    .await?;
    let status = if r.errors.is_empty() && r.file_error.is_none() {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, Json(NationalReportDto::of(r, caller.locale))))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ExportParams {
    /// The training year (培训年度).
    year: i32,
    /// `xlsx` (default) or `csv`.
    format: Option<String>,
}

/// A district's records of a training year in the national format.
#[utoipa::path(get, path = "/api/v1/districts/{id}/credits/export", tag = "credits", params(("id" = i64, Path), ExportParams),
    responses((status = 200, description = "The workbook or CSV file", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn export_records(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiQuery(q): ApiQuery<ExportParams>,
) -> ApiResult<axum::response::Response> {
    crate::pages::credits_export(&state, &caller, id, q.year, q.format.as_deref())
        .await
        .map_err(Into::into)
}
