//! Duties over JSON: the preset library, rule sets per school or district
//! and school year, progress (one teacher, a school's matrix as JSON or
//! .xlsx, a district streamed school by school), reminders and the
//! leaders' digest.

use super::{ApiJson, ApiQuery, ApiResult};
use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use lingyan_domain::duties::reminders::{Reminder, upcoming};
use lingyan_domain::duties::{DutyRuleInput, DutySetInput, Progress, presets};
use lingyan_domain::{Locale, Tenant};
use lingyan_store::calendar::today;
use lingyan_store::duties::{ProgressFilter, SchoolProgress, SetView};
use lingyan_store::rule_sets::Source;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_presets))
        .routes(routes!(get_school_set, put_school_set))
        .routes(routes!(adopt_school_preset))
        .routes(routes!(get_district_set, put_district_set))
        .routes(routes!(adopt_district_preset))
        .routes(routes!(school_progress))
        .routes(routes!(district_progress))
        .routes(routes!(teacher_duties))
        .routes(routes!(my_duties))
        .routes(routes!(school_digest))
}

/// A preset duty set.
#[derive(Debug, Serialize, ToSchema)]
pub struct PresetDto {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    /// Where in the seeds it comes from.
    pub source: String,
    pub description_zh: String,
    pub description_en: String,
    /// The rules, in the shape `PUT …/duty-set` takes.
    pub rules: Vec<DutyRuleInput>,
}

/// The preset library: every duty set the schools' plans describe.
#[utoipa::path(get, path = "/api/v1/duty-presets", tag = "duties", responses((status = 200, body = Vec<PresetDto>)))]
async fn list_presets(_caller: Caller) -> ApiResult<Json<Vec<PresetDto>>> {
    Ok(Json(
        presets::all()
            .iter()
            .map(|p| PresetDto {
                code: p.code.clone(),
                name_zh: p.name_zh.clone(),
                name_en: p.name_en.clone(),
                source: p.source.clone(),
                description_zh: p.description_zh.clone(),
                description_en: p.description_en.clone(),
                rules: p.set.to_input().rules,
            })
            .collect(),
    ))
}

/// Where a set in force comes from.
#[derive(Debug, Serialize, ToSchema)]
pub struct SourceDto {
    /// `school`, `district`, or `none` (no rules anywhere yet).
    pub from: String,
    /// The school year the set was saved for (absent for `none`).
    pub year: Option<i32>,
}

impl From<Source> for SourceDto {
    fn from(s: Source) -> Self {
        match s {
            Source::School { year } => Self {
                from: "school".into(),
                year: Some(year),
            },
            Source::District { year } => Self {
                from: "district".into(),
                year: Some(year),
            },
            Source::Default => Self {
                from: "none".into(),
                year: None,
            },
        }
    }
}

/// A rule set in force.
#[derive(Debug, Serialize, ToSchema)]
pub struct SetDto {
    /// The school year (its first calendar year).
    pub year: i32,
    pub source: SourceDto,
    /// The version in force (absent when no rules are set).
    pub version: Option<super::rule_sets::VersionDto>,
    /// Each rule with `since`, the day it took effect when that was within
    /// the year.
    pub rules: Vec<DutyRuleInput>,
}

impl From<SetView> for SetDto {
    fn from(v: SetView) -> Self {
        Self {
            year: v.year,
            source: v.source.into(),
            version: v.version.map(Into::into),
            rules: v.set.to_input().rules,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct YearParams {
    /// School year (first calendar year); default the current one.
    year: Option<i32>,
}

async fn year_or_current(
    state: &AppState,
    caller: &Caller,
    district: i64,
    school: Option<i64>,
    y: Option<i32>,
) -> ApiResult<i32> {
    match y {
        Some(y) => Ok(y),
        None => {
            Ok(lingyan_store::calendar::current_year(&state.store, &caller.scope, district, school).await?)
        }
    }
}

async fn school_tenant(state: &AppState, caller: &Caller, id: i64) -> ApiResult<Tenant> {
    Ok(lingyan_store::schools::get(&state.store, &caller.scope, id)
        .await?
        .tenant())
}

fn district_of(t: Tenant) -> i64 {
    t.district_id.unwrap_or_default()
}

/// The duty rules in force for a school (its own, else its district's).
#[utoipa::path(get, path = "/api/v1/schools/{id}/duty-set", tag = "duties", params(("id" = i64, Path), YearParams),
    responses((status = 200, body = SetDto), (status = 404, body = ErrorBody)))]
async fn get_school_set(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiQuery(q): ApiQuery<YearParams>,
) -> ApiResult<Json<SetDto>> {
    let d = district_of(school_tenant(&state, &caller, id).await?);
    let year = year_or_current(&state, &caller, d, Some(id), q.year).await?;
    Ok(Json(
        lingyan_store::duties::get(&state.store, &caller.scope, d, Some(id), year)
            .await?
            .into(),
    ))
}

/// A whole rule set, as saved.
#[derive(Debug, Deserialize, ToSchema)]
pub struct SetBody {
    pub year: i32,
    /// The rules; see docs/api.md for every field.
    #[schema(value_type = Vec<DutyRuleInput>)]
    pub rules: Value,
    /// The day new and changed rules take effect (within the year). Default:
    /// today when the year is under way, else the year's first day.
    pub effective_from: Option<NaiveDate>,
}

fn set_input(b: &SetBody) -> ApiResult<DutySetInput> {
    serde_json::from_value(serde_json::json!({ "rules": b.rules }))
        .map_err(|e| ApiError::BadRequest(e.to_string()))
}

/// Saves a school's rule set for one school year, as a new version. Every
/// problem is named by rule and field (422).
#[utoipa::path(put, path = "/api/v1/schools/{id}/duty-set", tag = "duties", params(("id" = i64, Path)), request_body = SetBody,
    responses((status = 200, body = SetDto), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn put_school_set(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<SetBody>,
) -> ApiResult<Json<SetDto>> {
    let d = district_of(school_tenant(&state, &caller, id).await?);
    let input = set_input(&b)?;
    Ok(Json(
        lingyan_store::duties::save(
            &state.store,
            &caller.scope,
            d,
            Some(id),
            b.year,
            &input,
            b.effective_from,
        )
        .await?
        .into(),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct AdoptBody {
    pub year: i32,
    /// A preset code from `GET /api/v1/duty-presets`.
    pub preset: String,
    /// As for `PUT …/duty-set`.
    pub effective_from: Option<NaiveDate>,
}

/// Adds a preset's rules to a school's set for the year (rules with the
/// same code are replaced).
#[utoipa::path(post, path = "/api/v1/schools/{id}/duty-set/adopt", tag = "duties", params(("id" = i64, Path)), request_body = AdoptBody,
    responses((status = 200, body = SetDto), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn adopt_school_preset(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<AdoptBody>,
) -> ApiResult<Json<SetDto>> {
    let d = district_of(school_tenant(&state, &caller, id).await?);
    Ok(Json(
        lingyan_store::duties::adopt(
            &state.store,
            &caller.scope,
            d,
            Some(id),
            b.year,
            &b.preset,
            b.effective_from,
        )
        .await?
        .into(),
    ))
}

/// The duty rules a district sets for its schools.
#[utoipa::path(get, path = "/api/v1/districts/{id}/duty-set", tag = "duties", params(("id" = i64, Path), YearParams),
    responses((status = 200, body = SetDto), (status = 404, body = ErrorBody)))]
async fn get_district_set(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiQuery(q): ApiQuery<YearParams>,
) -> ApiResult<Json<SetDto>> {
    let year = year_or_current(&state, &caller, id, None, q.year).await?;
    Ok(Json(
        lingyan_store::duties::get(&state.store, &caller.scope, id, None, year)
            .await?
            .into(),
    ))
}

/// Saves a district's rule set for one school year, as a new version (its
/// schools inherit it unless they set their own).
#[utoipa::path(put, path = "/api/v1/districts/{id}/duty-set", tag = "duties", params(("id" = i64, Path)), request_body = SetBody,
    responses((status = 200, body = SetDto), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn put_district_set(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<SetBody>,
) -> ApiResult<Json<SetDto>> {
    let input = set_input(&b)?;
    Ok(Json(
        lingyan_store::duties::save(
            &state.store,
            &caller.scope,
            id,
            None,
            b.year,
            &input,
            b.effective_from,
        )
        .await?
        .into(),
    ))
}

/// Adds a preset's rules to a district's set for the year.
#[utoipa::path(post, path = "/api/v1/districts/{id}/duty-set/adopt", tag = "duties", params(("id" = i64, Path)), request_body = AdoptBody,
    responses((status = 200, body = SetDto), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn adopt_district_preset(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<AdoptBody>,
) -> ApiResult<Json<SetDto>> {
    Ok(Json(
        lingyan_store::duties::adopt(
            &state.store,
            &caller.scope,
            id,
            None,
            b.year,
            &b.preset,
            b.effective_from,
        )
        .await?
        .into(),
    ))
}

/// A record (or project, mentor pair, group post) that counted.
#[derive(Debug, Serialize, ToSchema)]
pub struct EvidenceRefDto {
    /// What it is: a record kind (`observation`, `class` …), or `project`,
    /// `apprentice`, `group_lead`.
    pub kind: String,
    /// The record's (or project's, pair's, group's) id.
    pub id: i64,
}

/// One teacher × one duty.
#[derive(Debug, Serialize, ToSchema)]
pub struct ResultDto {
    pub rule: String,
    /// done, on_track, behind, overdue, not_started, not_applicable
    pub status: String,
    pub required: f64,
    pub done: f64,
    pub remaining: f64,
    /// What the elapsed share of the period asks for by now.
    pub expected: f64,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// When the next thing falls due, and whether it is met.
    pub due: NaiveDate,
    pub due_met: bool,
    /// What counted, oldest first.
    pub evidence: Vec<EvidenceRefDto>,
    /// One line, in the caller's language.
    pub explanation: String,
}

impl ResultDto {
    fn of(p: &Progress, l: Locale) -> Self {
        Self {
            rule: p.rule.clone(),
            status: p.status.code().to_string(),
            required: p.required,
            done: p.done,
            remaining: p.remaining,
            expected: p.expected,
            from: p.from,
            to: p.to,
            due: p.due,
            due_met: p.due_met,
            evidence: p
                .evidence
                .iter()
                .map(|r| EvidenceRefDto {
                    kind: r.kind.code().to_string(),
                    id: r.id,
                })
                .collect(),
            explanation: p.explain(l).to_string(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TeacherRowDto {
    pub teacher_id: i64,
    pub name: String,
    pub staff_no: Option<String>,
    pub tier: Option<String>,
    pub groups: Vec<String>,
    pub results: Vec<ResultDto>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RuleDto {
    pub code: String,
    pub name: String,
}

/// A school's progress on one day.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProgressDto {
    pub school_id: i64,
    pub school_name: String,
    pub as_of: NaiveDate,
    pub year: i32,
    pub rules: Vec<RuleDto>,
    pub teachers: Vec<TeacherRowDto>,
}

impl ProgressDto {
    fn of(p: &SchoolProgress, l: Locale) -> Self {
        Self {
            school_id: p.school_id,
            school_name: p.school_name.clone(),
            as_of: p.as_of,
            year: p.year,
            rules: p
                .rules
                .iter()
                .map(|r| RuleDto {
                    code: r.code.clone(),
                    name: r.name(l).to_string(),
                })
                .collect(),
            teachers: p
                .teachers
                .iter()
                .map(|t| TeacherRowDto {
                    teacher_id: t.teacher_id,
                    name: t.name.clone(),
                    staff_no: t.staff_no.clone(),
                    tier: t.tier.clone(),
                    groups: t.groups.clone(),
                    results: t.results.iter().map(|r| ResultDto::of(r, l)).collect(),
                })
                .collect(),
        }
    }
}

fn as_of(s: &Option<String>) -> ApiResult<NaiveDate> {
    match s.as_deref().map(str::trim) {
        None | Some("") => Ok(today()),
        Some(s) => Ok(lingyan_domain::dates::parse_date("as_of", s)?),
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ProgressParams {
    /// The day to evaluate (default today).
    as_of: Option<String>,
    group_id: Option<i64>,
    /// A tier code.
    tier: Option<String>,
    /// json (default) or xlsx.
    format: Option<String>,
    /// Language of names and explanations (default the caller's).
    lang: Option<String>,
}

fn lang(caller: &Caller, l: &Option<String>) -> Locale {
    l.as_deref()
        .and_then(|l| Locale::parse(l).ok())
        .unwrap_or(caller.locale)
}

/// A school's progress matrix: every teacher the caller may see × every
/// duty, with status, counts, explanation and the records that counted.
#[utoipa::path(get, path = "/api/v1/schools/{id}/duties/progress", tag = "duties", params(("id" = i64, Path), ProgressParams),
    responses((status = 200, body = ProgressDto), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn school_progress(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiQuery(q): ApiQuery<ProgressParams>,
) -> ApiResult<Response> {
    let filter = ProgressFilter {
        group_id: q.group_id,
        tier: q.tier.clone().filter(|t| !t.is_empty()),
        teacher_id: None,
    };
    let p = lingyan_store::duties::school(&state.store, &caller.scope, id, as_of(&q.as_of)?, &filter).await?;
    let l = lang(&caller, &q.lang);
    if q.format.as_deref() == Some("xlsx") {
        let bytes = crate::pages::duties_xlsx(&p, l)?;
        return Ok(crate::pages::xlsx_download(
            bytes,
            &format!("duties-{}-{}.xlsx", p.school_id, p.as_of),
        ));
    }
    Ok(Json(ProgressDto::of(&p, l)).into_response())
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct DistrictParams {
    as_of: Option<String>,
    tier: Option<String>,
    lang: Option<String>,
}

/// Every school of a district the caller may read, in order of code
/// (a few schools computed at once).
#[utoipa::path(get, path = "/api/v1/districts/{id}/duties/progress", tag = "duties", params(("id" = i64, Path), DistrictParams),
    responses((status = 200, body = Vec<ProgressDto>), (status = 404, body = ErrorBody)))]
async fn district_progress(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiQuery(q): ApiQuery<DistrictParams>,
) -> ApiResult<Json<Vec<ProgressDto>>> {
    let l = lang(&caller, &q.lang);
    let filter = ProgressFilter {
        tier: q.tier.clone().filter(|t| !t.is_empty()),
        ..Default::default()
    };
    let mut out = Vec::new();
    lingyan_store::duties::district(&state.store, &caller.scope, id, as_of(&q.as_of)?, &filter, |p| {
        out.push(ProgressDto::of(&p, l));
        Ok(())
    })
    .await?;
    Ok(Json(out))
}

/// One teacher's duties and what falls due soon.
#[derive(Debug, Serialize, ToSchema)]
pub struct TeacherDutiesDto {
    pub as_of: NaiveDate,
    pub rules: Vec<RuleDto>,
    pub teacher: TeacherRowDto,
    pub reminders: Vec<ReminderDto>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReminderDto {
    pub rule: String,
    pub due: NaiveDate,
    pub status: String,
    pub remaining: f64,
    pub text: String,
}

impl ReminderDto {
    fn of(r: &Reminder, l: Locale) -> Self {
        Self {
            rule: r.rule.clone(),
            due: r.due,
            status: r.status.code().to_string(),
            remaining: r.remaining,
            text: r.text(l).to_string(),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct TeacherParams {
    as_of: Option<String>,
    /// Reminders for what falls due within this many days (default 14).
    days: Option<u32>,
    lang: Option<String>,
}

fn teacher_dto(p: SchoolProgress, l: Locale, days: u32) -> ApiResult<TeacherDutiesDto> {
    let dto = ProgressDto::of(&p, l);
    let t = p.teachers.first().ok_or(lingyan_store::Error::NotFound)?;
    let reminders = upcoming(&p.rules, &t.results, p.as_of, days)
        .iter()
        .map(|r| ReminderDto::of(r, l))
        .collect();
    let teacher = dto
        .teachers
        .into_iter()
        .next()
        .ok_or(lingyan_store::Error::NotFound)?;
    Ok(TeacherDutiesDto {
        as_of: p.as_of,
        rules: dto.rules,
        teacher,
        reminders,
    })
}

/// One teacher's duties (for the teacher, their leaders and mentor).
#[utoipa::path(get, path = "/api/v1/teachers/{id}/duties", tag = "duties", params(("id" = i64, Path), TeacherParams),
    responses((status = 200, body = TeacherDutiesDto), (status = 404, body = ErrorBody)))]
async fn teacher_duties(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiQuery(q): ApiQuery<TeacherParams>,
) -> ApiResult<Json<TeacherDutiesDto>> {
    let p = lingyan_store::duties::teacher(&state.store, &caller.scope, id, as_of(&q.as_of)?).await?;
    Ok(Json(teacher_dto(
        p,
        lang(&caller, &q.lang),
        q.days.unwrap_or(14).min(366),
    )?))
}

/// The caller's own duties (404 when the account has no teacher record).
#[utoipa::path(get, path = "/api/v1/me/duties", tag = "duties", params(TeacherParams),
    responses((status = 200, body = TeacherDutiesDto), (status = 404, body = ErrorBody)))]
async fn my_duties(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<TeacherParams>,
) -> ApiResult<Json<TeacherDutiesDto>> {
    let p = lingyan_store::duties::own(&state.store, &caller.scope, as_of(&q.as_of)?)
        .await?
        .ok_or(lingyan_store::Error::NotFound)?;
    Ok(Json(teacher_dto(
        p,
        lang(&caller, &q.lang),
        q.days.unwrap_or(14).min(366),
    )?))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DigestLineDto {
    pub rule: String,
    pub due: NaiveDate,
    pub applicable: usize,
    /// Teacher ids who have not met what falls due.
    pub unmet: Vec<i64>,
    pub overdue: Vec<i64>,
    /// "12 teachers have not yet met “…” this fortnight (ends …)".
    pub text: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DigestDto {
    pub school_id: i64,
    pub as_of: NaiveDate,
    pub days: u32,
    pub lines: Vec<DigestLineDto>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct DigestParams {
    as_of: Option<String>,
    /// Look this many days ahead (default 14).
    days: Option<u32>,
    lang: Option<String>,
}

/// The leaders' reminder digest for a school: for each duty falling due,
/// who has not met it yet, and who is overdue.
#[utoipa::path(get, path = "/api/v1/schools/{id}/duties/digest", tag = "duties", params(("id" = i64, Path), DigestParams),
    responses((status = 200, body = DigestDto), (status = 404, body = ErrorBody)))]
async fn school_digest(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiQuery(q): ApiQuery<DigestParams>,
) -> ApiResult<Json<DigestDto>> {
    let l = lang(&caller, &q.lang);
    let days = q.days.unwrap_or(14).min(366);
    let p = lingyan_store::duties::school(
        &state.store,
        &caller.scope,
        id,
        as_of(&q.as_of)?,
        &ProgressFilter::default(),
    )
    .await?;
    let d = lingyan_store::duties::digest_of(&p, days);
    Ok(Json(DigestDto {
        school_id: p.school_id,
        as_of: d.as_of,
        days,
        lines: d
            .lines
            .iter()
            .map(|x| DigestLineDto {
                rule: x.rule.clone(),
                due: x.due,
                applicable: x.applicable,
                unmet: x.unmet.clone(),
                overdue: x.overdue.clone(),
                text: x.text(l).to_string(),
            })
            .collect(),
    }))
}
