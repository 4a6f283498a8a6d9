//! Mentoring over JSON: pairs (list, propose, read, edit, move on), their
//! logs and two-way cycles, the cycle board, matching, and the mentoring
//! rules of a school or district.

use super::{ApiJson, ApiQuery, ApiResult};
use crate::auth::Caller;
use crate::error::ErrorBody;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::NaiveDate;
use lingyan_domain::mentoring::cycle::{CycleInput, CycleStage};
use lingyan_domain::mentoring::{MeetingInput, MentoringRules, PairAction, PairInput, PairStatus};
use lingyan_store::mentoring::cycles;
use lingyan_store::mentoring::pairs::{self, Filter, Pair, Person};
use lingyan_store::rule_sets::Place;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub mod weeks;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_pairs, create_pair))
        .routes(routes!(get_pair, edit_pair))
        .routes(routes!(move_pair))
        .routes(routes!(list_meetings, add_meeting))
        .routes(routes!(remove_meeting))
        .routes(routes!(suggestions))
        .routes(routes!(list_cycles, create_cycle))
        .routes(routes!(get_cycle, remove_cycle))
        .routes(routes!(stage_candidates))
        .routes(routes!(fill_stage, clear_stage))
        .routes(routes!(board))
        .routes(routes!(overview))
        .routes(routes!(list_reviews))
        .routes(routes!(save_summary))
        .routes(routes!(save_evaluation))
        .routes(routes!(get_district_rules, put_district_rules))
        .routes(routes!(get_school_rules, put_school_rules))
        .routes(routes!(district_history))
        .routes(routes!(district_version))
        .routes(routes!(school_history))
        .routes(routes!(school_version))
        .merge(weeks::router())
}

/// A teacher in a pair.
#[derive(Debug, Serialize, ToSchema)]
pub struct PairPersonDto {
    pub teacher_id: i64,
    pub name: String,
    pub staff_no: Option<String>,
    pub school_id: i64,
    pub school_name: String,
    pub school_name_en: Option<String>,
    pub subjects: Vec<String>,
}

impl From<Person> for PairPersonDto {
    fn from(p: Person) -> Self {
        Self {
            teacher_id: p.teacher_id,
            name: p.name,
            staff_no: p.staff_no,
            school_id: p.school_id,
            school_name: p.school_name,
            school_name_en: p.school_name_en,
            subjects: p.subjects,
        }
    }
}

/// A mentor pair (师徒结对).
#[derive(Debug, Serialize, ToSchema)]
pub struct PairDto {
    pub id: i64,
    /// The apprentices' school, whose leaders manage the pair.
    pub school_id: i64,
    pub mentor: PairPersonDto,
    pub apprentices: Vec<PairPersonDto>,
    /// `one_on_one` or `one_two_two`.
    pub kind: String,
    /// Whether the mentor teaches at another school (跨校带徒).
    pub cross_school: bool,
    pub subject: String,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub ceremony_on: Option<NaiveDate>,
    /// `proposed`, `agreed`, `active`, `concluded` or `dissolved`.
    pub status: String,
    pub mentor_goals: String,
    pub apprentice_goals: String,
    /// The day it was concluded or dissolved.
    pub ended_on: Option<NaiveDate>,
    /// Why it was dissolved.
    pub end_reason: Option<String>,
    /// What may be done to it next, for a caller who manages it.
    pub actions: Vec<String>,
}

fn dto(p: Pair, manage: bool) -> PairDto {
    PairDto {
        id: p.id,
        school_id: p.school_id,
        cross_school: p.cross_school(),
        kind: p.kind.code().to_string(),
        status: p.status.code().to_string(),
        actions: if manage {
            p.status.actions().iter().map(|a| a.code().to_string()).collect()
        } else {
            Vec::new()
        },
        mentor: p.mentor.into(),
        apprentices: p.apprentices.into_iter().map(Into::into).collect(),
        subject: p.subject,
        starts_on: p.starts_on,
        ends_on: p.ends_on,
        ceremony_on: p.ceremony_on,
        mentor_goals: p.mentor_goals,
        apprentice_goals: p.apprentice_goals,
        ended_on: p.ended_on,
        end_reason: p.end_reason,
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct PairQuery {
    /// Pairs of a school: its apprentices' or its mentors'.
    school_id: Option<i64>,
    /// `proposed`, `agreed`, `active`, `concluded` or `dissolved`.
    status: Option<String>,
    /// Pairs of a ceremony day.
    ceremony_on: Option<NaiveDate>,
    /// Pairs a teacher is in.
    teacher_id: Option<i64>,
}

/// Pairs the caller may read: leaders see their school's (and
/// cross-school pairs of their mentors), district staff all of the
/// district's, a teacher their own.
#[utoipa::path(get, path = "/api/v1/mentoring/pairs", tag = "mentoring", params(PairQuery),
    responses((status = 200, body = Vec<PairDto>), (status = 422, body = ErrorBody)))]
async fn list_pairs(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<PairQuery>,
) -> ApiResult<Json<Vec<PairDto>>> {
    let status = match q.status.as_deref() {
        None | Some("") => None,
        Some(s) => Some(PairStatus::parse("status", s).map_err(lingyan_store::Error::Invalid)?),
    };
    let f = Filter {
        school_id: q.school_id,
        status,
        ceremony_on: q.ceremony_on,
        teacher_id: q.teacher_id,
    };
    let ps = pairs::list(&state.store, &caller.scope, &f).await?;
    Ok(Json(
        ps.into_iter()
            .map(|p| {
                let m = pairs::may_manage(&caller.scope, &p);
                dto(p, m)
            })
            .collect(),
    ))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Created {
    pub id: i64,
}

/// Proposes a pair (or records one under way with `under_way`). Refused
/// with every problem named: a teacher as their own mentor, too many
/// apprentices for the kind, a mentor of another district, an apprentice
/// already mentored in the subject over the term (409), a mentor over
/// the load limit (409).
#[utoipa::path(post, path = "/api/v1/mentoring/pairs", tag = "mentoring", request_body = PairInput,
    responses((status = 201, body = Created), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn create_pair(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(b): ApiJson<PairInput>,
) -> ApiResult<(StatusCode, Json<Created>)> {
    let id = pairs::create(&state.store, &caller.scope, &b).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// One pair.
#[utoipa::path(get, path = "/api/v1/mentoring/pairs/{id}", tag = "mentoring", params(("id" = i64, Path)),
    responses((status = 200, body = PairDto), (status = 404, body = ErrorBody)))]
async fn get_pair(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<PairDto>> {
    let p = pairs::get(&state.store, &caller.scope, id).await?;
    let m = pairs::may_manage(&caller.scope, &p);
    Ok(Json(dto(p, m)))
}

/// Changes a standing pair (checked as a new one is).
#[utoipa::path(put, path = "/api/v1/mentoring/pairs/{id}", tag = "mentoring", params(("id" = i64, Path)), request_body = PairInput,
    responses((status = 200, body = PairDto), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn edit_pair(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<PairInput>,
) -> ApiResult<Json<PairDto>> {
    pairs::edit(&state.store, &caller.scope, id, &b).await?;
    let p = pairs::get(&state.store, &caller.scope, id).await?;
    Ok(Json(dto(p, true)))
}

/// What is done to a pair.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveBody {
    /// `agree`, `activate`, `conclude` or `dissolve`.
    pub action: String,
    /// The day it is concluded or dissolved (default today; concluding
    /// after the term ran out ends it on its last day).
    #[serde(default)]
    pub on: Option<NaiveDate>,
    /// Why it is dissolved (required for `dissolve`).
    #[serde(default)]
    pub reason: String,
}

/// Moves a pair on: proposed → agreed → active → concluded, or dissolved
/// with a reason from any standing state.
#[utoipa::path(post, path = "/api/v1/mentoring/pairs/{id}/status", tag = "mentoring", params(("id" = i64, Path)), request_body = MoveBody,
    responses((status = 200, body = PairDto), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn move_pair(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<MoveBody>,
) -> ApiResult<Json<PairDto>> {
    let action = PairAction::parse("action", &b.action).map_err(lingyan_store::Error::Invalid)?;
    pairs::act(&state.store, &caller.scope, id, action, b.on, &b.reason).await?;
    let p = pairs::get(&state.store, &caller.scope, id).await?;
    Ok(Json(dto(p, true)))
}

/// Mentoring rules in force.
#[derive(Debug, Serialize, ToSchema)]
pub struct MentoringRulesDto {
    /// The school year (its first calendar year).
    pub year: i32,
    pub source: super::duties::SourceDto,
    pub version: Option<super::rule_sets::VersionDto>,
    pub rules: MentoringRules,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct YearParams {
    /// School year (first calendar year); default the current one.
    year: Option<i32>,
}

/// Mentoring rules to save.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MentoringRulesBody {
    pub year: i32,
    pub rules: MentoringRules,
}

async fn get_rules(
    state: &AppState,
    caller: &Caller,
    place: Place,
    y: Option<i32>,
) -> ApiResult<Json<MentoringRulesDto>> {
    let year = match y {
        Some(y) => y,
        None => {
            lingyan_store::calendar::current_year(
                &state.store,
                &caller.scope,
                place.district_id,
                place.school_id,
            )
            .await?
        }
    };
    let v = pairs::rules(&state.store, &caller.scope, place, year).await?;
    Ok(Json(MentoringRulesDto {
        year: v.year,
        source: v.source.into(),
        version: v.version.map(Into::into),
        rules: v.set,
    }))
}

async fn put_rules(
    state: &AppState,
    caller: &Caller,
    place: Place,
    b: MentoringRulesBody,
) -> ApiResult<Json<MentoringRulesDto>> {
    pairs::save_rules(&state.store, &caller.scope, place, b.year, b.rules).await?;
    get_rules(state, caller, place, Some(b.year)).await
}

/// The mentoring rules a district sets for its schools (how many
/// apprentices a mentor may have at a time).
#[utoipa::path(get, path = "/api/v1/districts/{id}/mentoring-rules", tag = "mentoring", params(("id" = i64, Path), YearParams),
    responses((status = 200, body = MentoringRulesDto), (status = 404, body = ErrorBody)))]
async fn get_district_rules(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiQuery(q): ApiQuery<YearParams>,
) -> ApiResult<Json<MentoringRulesDto>> {
    get_rules(&state, &caller, Place::district(id), q.year).await
}

/// Saves a district's mentoring rules for a school year as a new version.
#[utoipa::path(put, path = "/api/v1/districts/{id}/mentoring-rules", tag = "mentoring", params(("id" = i64, Path)), request_body = MentoringRulesBody,
    responses((status = 200, body = MentoringRulesDto), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn put_district_rules(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<MentoringRulesBody>,
) -> ApiResult<Json<MentoringRulesDto>> {
    put_rules(&state, &caller, Place::district(id), b).await
}

/// A school's mentoring rules: its own where it saved some, else its
/// district's.
#[utoipa::path(get, path = "/api/v1/schools/{id}/mentoring-rules", tag = "mentoring", params(("id" = i64, Path), YearParams),
    responses((status = 200, body = MentoringRulesDto), (status = 404, body = ErrorBody)))]
async fn get_school_rules(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiQuery(q): ApiQuery<YearParams>,
) -> ApiResult<Json<MentoringRulesDto>> {
    let place = super::rule_sets::school_place(&state, &caller, id).await?;
    get_rules(&state, &caller, place, q.year).await
}

/// Saves a school's own mentoring rules for a school year.
#[utoipa::path(put, path = "/api/v1/schools/{id}/mentoring-rules", tag = "mentoring", params(("id" = i64, Path)), request_body = MentoringRulesBody,
    responses((status = 200, body = MentoringRulesDto), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn put_school_rules(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<MentoringRulesBody>,
) -> ApiResult<Json<MentoringRulesDto>> {
    let place = super::rule_sets::school_place(&state, &caller, id).await?;
    put_rules(&state, &caller, place, b).await
}

/// Every version of a district's mentoring rules, newest first.
#[utoipa::path(get, path = "/api/v1/districts/{id}/mentoring-rules/history", tag = "mentoring", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<super::rule_sets::VersionDto>), (status = 404, body = ErrorBody)))]
async fn district_history(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<Vec<super::rule_sets::VersionDto>>> {
    super::rule_sets::history::<MentoringRules>(&state, &caller, Place::district(id)).await
}

/// One version of a district's mentoring rules and what it changed, in words.
#[utoipa::path(get, path = "/api/v1/districts/{id}/mentoring-rules/versions/{version_id}", tag = "mentoring",
    params(("id" = i64, Path), ("version_id" = i64, Path)),
    responses((status = 200, body = super::rule_sets::DiffDto), (status = 404, body = ErrorBody)))]
async fn district_version(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, vid)): Path<(i64, i64)>,
) -> ApiResult<Json<super::rule_sets::DiffDto>> {
    super::rule_sets::version::<MentoringRules>(&state, &caller, Place::district(id), vid).await
}

/// Every version of a school's own mentoring rules, newest first.
#[utoipa::path(get, path = "/api/v1/schools/{id}/mentoring-rules/history", tag = "mentoring", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<super::rule_sets::VersionDto>), (status = 404, body = ErrorBody)))]
async fn school_history(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<Vec<super::rule_sets::VersionDto>>> {
    let place = super::rule_sets::school_place(&state, &caller, id).await?;
    super::rule_sets::history::<MentoringRules>(&state, &caller, place).await
}

/// One version of a school's mentoring rules and what it changed.
#[utoipa::path(get, path = "/api/v1/schools/{id}/mentoring-rules/versions/{version_id}", tag = "mentoring",
    params(("id" = i64, Path), ("version_id" = i64, Path)),
    responses((status = 200, body = super::rule_sets::DiffDto), (status = 404, body = ErrorBody)))]
async fn school_version(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, vid)): Path<(i64, i64)>,
) -> ApiResult<Json<super::rule_sets::DiffDto>> {
    let place = super::rule_sets::school_place(&state, &caller, id).await?;
    super::rule_sets::version::<MentoringRules>(&state, &caller, place, vid).await
}

/// A meeting of a pair's log.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeetingDto {
    pub id: i64,
    pub met_on: NaiveDate,
    pub minutes: i32,
    pub topic: String,
    /// Absent where the notes are private and the caller is neither the
    /// mentor nor a leader who verifies.
    pub notes: Option<String>,
    pub private: bool,
    pub by: String,
    pub removable: bool,
}

/// A pair's mentoring log.
#[derive(Debug, Serialize, ToSchema)]
pub struct LogDto {
    pub meetings: Vec<MeetingDto>,
    pub total_minutes: i64,
    pub may_add: bool,
    pub may_keep_private: bool,
}

/// A pair's mentoring log (师徒活动记录), newest first: private notes are
/// left out for the apprentice and anyone but the mentor and leaders who
/// verify.
#[utoipa::path(get, path = "/api/v1/mentoring/pairs/{id}/meetings", tag = "mentoring", params(("id" = i64, Path)),
    responses((status = 200, body = LogDto), (status = 404, body = ErrorBody)))]
async fn list_meetings(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<LogDto>> {
    let l = lingyan_store::mentoring::log::list(&state.store, &caller.scope, id).await?;
    Ok(Json(LogDto {
        meetings: l
            .meetings
            .into_iter()
            .map(|m| MeetingDto {
                id: m.id,
                met_on: m.met_on,
                minutes: m.minutes,
                topic: m.topic,
                notes: m.notes,
                private: m.private,
                by: m.by,
                removable: m.removable,
            })
            .collect(),
        total_minutes: l.total_minutes,
        may_add: l.may_add,
        may_keep_private: l.may_keep_private,
    }))
}

/// Adds a meeting to a running pair's log: by the mentor (notes may be
/// private), an apprentice (shared only: 422 on `private`) or a manager.
#[utoipa::path(post, path = "/api/v1/mentoring/pairs/{id}/meetings", tag = "mentoring", params(("id" = i64, Path)), request_body = MeetingInput,
    responses((status = 201, body = Created), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn add_meeting(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<MeetingInput>,
) -> ApiResult<(StatusCode, Json<Created>)> {
    let id = lingyan_store::mentoring::log::add(&state.store, &caller.scope, id, &b).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// Removes a meeting (its author, or a manager of the pair).
#[utoipa::path(delete, path = "/api/v1/mentoring/meetings/{id}", tag = "mentoring", params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn remove_meeting(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    lingyan_store::mentoring::log::remove(&state.store, &caller.scope, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A candidate mentor and why.
#[derive(Debug, Serialize, ToSchema)]
pub struct CandidateDto {
    pub mentor: PairPersonDto,
    pub score: i32,
    /// Every part of the score: `code` (`same_subject`, `same_section`,
    /// `honour`, `years`, `load`, `past_pairs`), `points`, and the `value`
    /// counted from.
    pub parts: Vec<lingyan_domain::mentoring::matching::Part>,
    /// The parts in words, in the caller's language.
    pub reasons: Vec<String>,
}

/// An apprentice and their candidates, best first.
#[derive(Debug, Serialize, ToSchema)]
pub struct SuggestionDto {
    pub apprentice: PairPersonDto,
    pub candidates: Vec<CandidateDto>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct SuggestQuery {
    /// One teacher of the school (default: every young or new teacher
    /// without a mentor).
    teacher_id: Option<i64>,
}

/// Suggested mentors (师徒匹配) for a school's young and new teachers
/// without a mentor, or for one teacher: the district's candidates ranked
/// by a score shown part by part, with the weights of the mentoring rules.
/// Nothing is paired.
#[utoipa::path(get, path = "/api/v1/schools/{id}/mentoring/suggestions", tag = "mentoring", params(("id" = i64, Path), SuggestQuery),
    responses((status = 200, body = Vec<SuggestionDto>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn suggestions(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiQuery(q): ApiQuery<SuggestQuery>,
) -> ApiResult<Json<Vec<SuggestionDto>>> {
    let tr = crate::i18n::Tr(caller.locale);
    let s = lingyan_store::mentoring::matching::suggest(
        &state.store,
        &caller.scope,
        id,
        q.teacher_id,
        lingyan_store::calendar::today(),
    )
    .await?;
    Ok(Json(
        s.into_iter()
            .map(|s| SuggestionDto {
                apprentice: s.apprentice.into(),
                candidates: s
                    .candidates
                    .into_iter()
                    .map(|c| CandidateDto {
                        reasons: c
                            .parts
                            .iter()
                            .map(|p| crate::pages::mentoring_reason(tr, p))
                            .collect(),
                        mentor: c.mentor.into(),
                        score: c.score,
                        parts: c.parts,
                    })
                    .collect(),
            })
            .collect(),
    ))
}

/// A teacher who owes stages of a cycle.
#[derive(Debug, Serialize, ToSchema)]
pub struct CycleTeacherDto {
    pub teacher_id: i64,
    pub name: String,
}

impl From<cycles::Owner> for CycleTeacherDto {
    fn from(o: cycles::Owner) -> Self {
        Self {
            teacher_id: o.teacher_id,
            name: o.name,
        }
    }
}

/// The portfolio record that fulfils a stage.
#[derive(Debug, Serialize, ToSchema)]
pub struct StageRecordDto {
    pub evidence_id: i64,
    pub title: String,
    /// The record's kind (`class`, `observation`, `writing`).
    pub kind: String,
    pub occurred_on: NaiveDate,
    /// `recorded`, `verified` or `rejected`.
    pub status: String,
}

/// One stage of a cycle.
#[derive(Debug, Serialize, ToSchema)]
pub struct CycleStageDto {
    /// `mentor_class`, `apprentice_class`, `review`, `reflection`,
    /// `revised_plan`, `report_class`.
    pub stage: String,
    pub number: usize,
    /// The stage in the caller's language.
    pub label: String,
    /// Who owes it: the mentor (`true`) or the cycle's apprentice.
    pub by_mentor: bool,
    pub teacher: CycleTeacherDto,
    pub record: Option<StageRecordDto>,
    /// Whether the caller may take the link off (the last stage done).
    pub removable: bool,
}

/// A two-way cycle (双向互动) of a pair.
#[derive(Debug, Serialize, ToSchema)]
pub struct CycleDto {
    pub id: i64,
    pub pair_id: i64,
    pub title: String,
    pub started_on: NaiveDate,
    pub mentor: CycleTeacherDto,
    pub apprentice: CycleTeacherDto,
    pub stages: Vec<CycleStageDto>,
    /// The next stage's code; absent once all six are done.
    pub next: Option<String>,
    /// Who owes the next stage.
    pub next_teacher: Option<CycleTeacherDto>,
    pub done_on: Option<NaiveDate>,
    pub waiting_since: NaiveDate,
    /// Whether the caller may fill the next stage.
    pub may_fill: bool,
    pub removable: bool,
}

fn cycle_dto(tr: crate::i18n::Tr, c: cycles::Cycle) -> CycleDto {
    let next_teacher = c.next_owner().cloned().map(Into::into);
    CycleDto {
        id: c.id,
        pair_id: c.pair_id,
        title: c.title,
        started_on: c.started_on,
        mentor: c.mentor.into(),
        apprentice: c.apprentice.into(),
        stages: c
            .stages
            .into_iter()
            .map(|s| CycleStageDto {
                stage: s.stage.code().into(),
                number: s.number,
                label: tr.label("mentoring.stage", s.stage.code()),
                by_mentor: s.stage.by_mentor(),
                teacher: s.owner.into(),
                record: s.record.map(|r| StageRecordDto {
                    evidence_id: r.evidence_id,
                    title: r.title,
                    kind: r.kind.code().into(),
                    occurred_on: r.occurred_on,
                    status: r.status.code().into(),
                }),
                removable: s.removable,
            })
            .collect(),
        next: c.next.map(|s| s.code().into()),
        next_teacher,
        done_on: c.done_on,
        waiting_since: c.waiting_since,
        may_fill: c.may_fill,
        removable: c.removable,
    }
}

/// A pair's two-way cycles, newest first, each with its six stages, the
/// records that fulfil them and who owes the next.
#[utoipa::path(get, path = "/api/v1/mentoring/pairs/{id}/cycles", tag = "mentoring", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<CycleDto>), (status = 404, body = ErrorBody)))]
async fn list_cycles(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<Vec<CycleDto>>> {
    let tr = crate::i18n::Tr(caller.locale);
    let cs = cycles::list(&state.store, &caller.scope, id).await?;
    Ok(Json(cs.into_iter().map(|c| cycle_dto(tr, c)).collect()))
}

/// Starts a two-way cycle on a running pair (its teachers or managers); an
/// apprentice has one open cycle at a time (422 `cycle_open`).
#[utoipa::path(post, path = "/api/v1/mentoring/pairs/{id}/cycles", tag = "mentoring", params(("id" = i64, Path)), request_body = CycleInput,
    responses((status = 201, body = Created), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn create_cycle(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<CycleInput>,
) -> ApiResult<(StatusCode, Json<Created>)> {
    let id = cycles::create(&state.store, &caller.scope, id, &b).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// One cycle.
#[utoipa::path(get, path = "/api/v1/mentoring/cycles/{id}", tag = "mentoring", params(("id" = i64, Path)),
    responses((status = 200, body = CycleDto), (status = 404, body = ErrorBody)))]
async fn get_cycle(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<CycleDto>> {
    let (_, c) = cycles::get(&state.store, &caller.scope, id).await?;
    Ok(Json(cycle_dto(crate::i18n::Tr(caller.locale), c)))
}

/// Removes a cycle (a manager; or its author while nothing is linked). The
/// records stay in the portfolios.
#[utoipa::path(delete, path = "/api/v1/mentoring/cycles/{id}", tag = "mentoring", params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn remove_cycle(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    cycles::remove(&state.store, &caller.scope, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A record that could fulfil the next stage.
#[derive(Debug, Serialize, ToSchema)]
pub struct StageCandidateDto {
    pub evidence_id: i64,
    pub title: String,
    pub occurred_on: NaiveDate,
    /// The class type or writing type, where the kind has one.
    pub subtype: Option<String>,
    pub status: String,
}

/// The owing teacher's records that fit the cycle's next stage, newest
/// first (empty where the caller may not fill it).
#[utoipa::path(get, path = "/api/v1/mentoring/cycles/{id}/candidates", tag = "mentoring", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<StageCandidateDto>), (status = 404, body = ErrorBody)))]
async fn stage_candidates(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<Vec<StageCandidateDto>>> {
    let cs = cycles::candidates(&state.store, &caller.scope, id).await?;
    Ok(Json(
        cs.into_iter()
            .map(|c| StageCandidateDto {
                evidence_id: c.evidence_id,
                title: c.title,
                occurred_on: c.occurred_on,
                subtype: c.subtype,
                status: c.status.code().into(),
            })
            .collect(),
    ))
}

/// A record made on the spot for a stage; its kind and type come from the
/// stage.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CycleStageRecordBody {
    pub date: NaiveDate,
    pub title: String,
    /// `school`, `district`, … (classes need one).
    #[serde(default)]
    pub level: String,
    /// Notes, comments or the reflection itself.
    #[serde(default)]
    pub text: String,
}

/// How a stage is fulfilled: one of the owing teacher's records, or a new
/// one.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CycleStageBody {
    #[serde(default)]
    pub evidence_id: Option<i64>,
    #[serde(default)]
    pub record: Option<CycleStageRecordBody>,
}

/// Fulfils the cycle's next stage (by the teacher who owes it, or a
/// manager) with one of their records (`evidence_id`) or a record made now
/// (`record`, written only if the link holds). Refused by name: a stage
/// out of order, another teacher's record, a record of the wrong kind,
/// rejected, already in a cycle of the pair or dated before the stage it
/// follows.
#[utoipa::path(put, path = "/api/v1/mentoring/cycles/{id}/stages/{stage}", tag = "mentoring",
    params(("id" = i64, Path), ("stage" = String, Path)), request_body = CycleStageBody,
    responses((status = 200, body = CycleDto), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn fill_stage(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, stage)): Path<(i64, String)>,
    ApiJson(b): ApiJson<CycleStageBody>,
) -> ApiResult<Json<CycleDto>> {
    let stage = CycleStage::parse("stage", &stage).map_err(lingyan_store::Error::Invalid)?;
    match (b.evidence_id, b.record) {
        (Some(e), None) => cycles::link(&state.store, &caller.scope, id, stage, e).await?,
        (None, Some(r)) => {
            cycles::record(
                &state.store,
                &caller.scope,
                id,
                stage,
                &cycles::StageRecord {
                    date: r.date.to_string(),
                    title: r.title,
                    level: r.level,
                    text: r.text,
                },
            )
            .await?;
        }
        _ => {
            return Err(lingyan_store::Error::Invalid(lingyan_domain::FieldError::new(
                "evidence_id",
                "record_or_id",
            ))
            .into());
        }
    }
    let (_, c) = cycles::get(&state.store, &caller.scope, id).await?;
    Ok(Json(cycle_dto(crate::i18n::Tr(caller.locale), c)))
}

/// Takes the link off the last stage done; the record stays in the
/// portfolio.
#[utoipa::path(delete, path = "/api/v1/mentoring/cycles/{id}/stages/{stage}", tag = "mentoring",
    params(("id" = i64, Path), ("stage" = String, Path)),
    responses((status = 200, body = CycleDto), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn clear_stage(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, stage)): Path<(i64, String)>,
) -> ApiResult<Json<CycleDto>> {
    let stage = CycleStage::parse("stage", &stage).map_err(lingyan_store::Error::Invalid)?;
    cycles::unlink(&state.store, &caller.scope, id, stage).await?;
    let (_, c) = cycles::get(&state.store, &caller.scope, id).await?;
    Ok(Json(cycle_dto(crate::i18n::Tr(caller.locale), c)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct BoardQuery {
    /// Cycles of one school's pairs.
    school_id: Option<i64>,
    /// Cycles of the pairs a teacher is in.
    teacher_id: Option<i64>,
}

/// An open cycle on the board.
#[derive(Debug, Serialize, ToSchema)]
pub struct BoardRowDto {
    pub cycle: CycleDto,
    pub subject: String,
    /// Days since the cycle last moved.
    pub waiting_days: i64,
}

/// The cycle board.
#[derive(Debug, Serialize, ToSchema)]
pub struct BoardDto {
    /// Open cycles of running pairs, the longest waiting first.
    pub open: Vec<BoardRowDto>,
    /// Cycles those pairs have completed.
    pub completed: usize,
}

/// The cycle board (who owes the next stage): the open cycles of the
/// running pairs the caller reads, the longest waiting first.
#[utoipa::path(get, path = "/api/v1/mentoring/board", tag = "mentoring", params(BoardQuery),
    responses((status = 200, body = BoardDto)))]
async fn board(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<BoardQuery>,
) -> ApiResult<Json<BoardDto>> {
    let tr = crate::i18n::Tr(caller.locale);
    let f = Filter {
        school_id: q.school_id,
        teacher_id: q.teacher_id,
        ..Default::default()
    };
    let (rows, completed) = cycles::board(&state.store, &caller.scope, &f).await?;
    Ok(Json(BoardDto {
        open: rows
            .into_iter()
            .map(|r| BoardRowDto {
                subject: r.pair.subject,
                waiting_days: r.waiting_days,
                cycle: cycle_dto(tr, r.cycle),
            })
            .collect(),
        completed,
    }))
}

/// A young or new teacher without a mentor.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnpairedDto {
    pub teacher_id: i64,
    pub name: String,
    pub staff_no: Option<String>,
}

/// The cycle a pair has under way.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnderWayDto {
    pub title: String,
    /// The next stage's code.
    pub next: String,
    /// Who owes it, by name.
    pub owed_by: String,
}

/// A running pair's activity.
#[derive(Debug, Serialize, ToSchema)]
pub struct PairActivityDto {
    pub pair_id: i64,
    pub mentor: PairPersonDto,
    pub apprentices: Vec<PairPersonDto>,
    pub subject: String,
    pub starts_on: NaiveDate,
    pub meetings: usize,
    pub minutes: i64,
    pub cycles_done: usize,
    pub under_way: Option<UnderWayDto>,
    pub last_activity: Option<NaiveDate>,
    /// Days since the last activity (or since the pair began).
    pub quiet_days: i64,
    /// More than 30 days without a meeting or a stage.
    pub quiet: bool,
}

/// A school's mentoring at a glance.
#[derive(Debug, Serialize, ToSchema)]
pub struct OverviewDto {
    pub school_id: i64,
    pub on: NaiveDate,
    /// Young (under 35) or new (first three years) teachers.
    pub young_or_new: usize,
    /// Of them, those with a running pair.
    pub with_mentor: usize,
    /// `with_mentor` of `young_or_new`, in percent.
    pub share: u32,
    pub unpaired: Vec<UnpairedDto>,
    /// Running pairs, the quietest first.
    pub pairs: Vec<PairActivityDto>,
    pub cycles_done: usize,
    pub meetings: usize,
    pub minutes: i64,
    pub quiet: usize,
}

impl From<lingyan_store::mentoring::overview::Overview> for OverviewDto {
    fn from(o: lingyan_store::mentoring::overview::Overview) -> Self {
        Self {
            school_id: o.school_id,
            on: o.on,
            young_or_new: o.young_or_new,
            with_mentor: o.with_mentor,
            share: o.share(),
            quiet: o.quiet(),
            unpaired: o
                .unpaired
                .into_iter()
                .map(|u| UnpairedDto {
                    teacher_id: u.teacher_id,
                    name: u.name,
                    staff_no: u.staff_no,
                })
                .collect(),
            pairs: o
                .pairs
                .into_iter()
                .map(|a| PairActivityDto {
                    pair_id: a.pair.id,
                    mentor: a.pair.mentor.into(),
                    apprentices: a.pair.apprentices.into_iter().map(Into::into).collect(),
                    subject: a.pair.subject,
                    starts_on: a.pair.starts_on,
                    meetings: a.meetings,
                    minutes: a.minutes,
                    cycles_done: a.cycles_done,
                    under_way: a.open_cycle.map(|(title, next, owed_by)| UnderWayDto {
                        title,
                        next: next.code().into(),
                        owed_by,
                    }),
                    last_activity: a.last_activity,
                    quiet_days: a.quiet_days,
                    quiet: a.quiet,
                })
                .collect(),
            cycles_done: o.cycles_done,
            meetings: o.meetings,
            minutes: o.minutes,
        }
    }
}

/// A school's mentoring at a glance (师徒结对情况): the share of young and
/// new teachers with a mentor, each running pair's meetings, cycles and
/// last activity, and the pairs without activity for 30 days.
#[utoipa::path(get, path = "/api/v1/schools/{id}/mentoring/overview", tag = "mentoring", params(("id" = i64, Path)),
    responses((status = 200, body = OverviewDto), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn overview(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<OverviewDto>> {
    let o = lingyan_store::mentoring::overview::overview(
        &state.store,
        &caller.scope,
        id,
        lingyan_store::calendar::today(),
    )
    .await?;
    Ok(Json(o.into()))
}

/// A teacher's summary of a period.
#[derive(Debug, Serialize, ToSchema)]
pub struct SummaryDto {
    /// `mid_term` or `final`.
    pub period: String,
    pub teacher_id: i64,
    pub name: String,
    pub as_mentor: bool,
    pub text: String,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

/// A leader's evaluation of a period.
#[derive(Debug, Serialize, ToSchema)]
pub struct EvaluationDto {
    pub period: String,
    /// 0–20 for each of `goals`, `meetings`, `cycles`, `growth`,
    /// `commitment`.
    pub scores: std::collections::BTreeMap<String, u32>,
    pub total: u32,
    /// `excellent`, `good`, `pass` or `fail`.
    pub grade: String,
    pub comment: String,
    pub by: String,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

/// A pair's summaries and evaluations.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewsDto {
    pub summaries: Vec<SummaryDto>,
    pub evaluations: Vec<EvaluationDto>,
    /// Whether the caller may write their own summary.
    pub may_write_summary: bool,
    pub may_evaluate: bool,
}

/// A pair's summaries (师徒结对活动小结) by its teachers and evaluations by
/// leaders, per period.
#[utoipa::path(get, path = "/api/v1/mentoring/pairs/{id}/reviews", tag = "mentoring", params(("id" = i64, Path)),
    responses((status = 200, body = ReviewsDto), (status = 404, body = ErrorBody)))]
async fn list_reviews(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<ReviewsDto>> {
    let r = lingyan_store::mentoring::reviews::list(&state.store, &caller.scope, id).await?;
    Ok(Json(ReviewsDto {
        summaries: r
            .summaries
            .into_iter()
            .map(|s| SummaryDto {
                period: s.period.code().into(),
                teacher_id: s.teacher_id,
                name: s.name,
                as_mentor: s.as_mentor,
                text: s.text,
                updated_at: s.updated_at,
            })
            .collect(),
        evaluations: r
            .evaluations
            .into_iter()
            .map(|e| EvaluationDto {
                period: e.period.code().into(),
                scores: e.scores,
                total: e.total,
                grade: e.grade.code().into(),
                comment: e.comment,
                by: e.by,
                updated_at: e.updated_at,
            })
            .collect(),
        may_write_summary: r.writer.is_some(),
        may_evaluate: r.may_evaluate,
    }))
}

fn period(s: &str) -> Result<lingyan_domain::mentoring::review::ReviewPeriod, lingyan_store::Error> {
    lingyan_domain::mentoring::review::ReviewPeriod::parse("review_period", s)
        .map_err(lingyan_store::Error::Invalid)
}

/// Writes (or rewrites) the caller's summary of a period (`mid_term`,
/// `final`): the pair's own teachers, once it has run.
#[utoipa::path(put, path = "/api/v1/mentoring/pairs/{id}/summaries/{period}", tag = "mentoring",
    params(("id" = i64, Path), ("period" = String, Path)), request_body = lingyan_domain::mentoring::review::SummaryInput,
    responses((status = 204), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn save_summary(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, p)): Path<(i64, String)>,
    ApiJson(b): ApiJson<lingyan_domain::mentoring::review::SummaryInput>,
) -> ApiResult<StatusCode> {
    let p = period(&p)?;
    lingyan_store::mentoring::reviews::save_summary(&state.store, &caller.scope, id, p, &b).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Evaluates the pair for a period (or changes it): a score of 0–20 per
/// dimension and a grade; leaders who verify the school's records.
#[utoipa::path(put, path = "/api/v1/mentoring/pairs/{id}/evaluations/{period}", tag = "mentoring",
    params(("id" = i64, Path), ("period" = String, Path)), request_body = lingyan_domain::mentoring::review::EvaluationInput,
    responses((status = 204), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn save_evaluation(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, p)): Path<(i64, String)>,
    ApiJson(b): ApiJson<lingyan_domain::mentoring::review::EvaluationInput>,
) -> ApiResult<StatusCode> {
    let p = period(&p)?;
    lingyan_store::mentoring::reviews::save_evaluation(&state.store, &caller.scope, id, p, &b).await?;
    Ok(StatusCode::NO_CONTENT)
}
