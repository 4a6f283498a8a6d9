//! Every district the caller reads, side by side (全省一览), streamed as
//! newline-delimited JSON: one line per district as it is computed.

use super::{ApiQuery, ApiResult};
use crate::auth::Caller;
use crate::error::ErrorBody;
use crate::state::AppState;
use axum::extract::State;
use axum::response::Response;
use chrono::NaiveDate;
use lingyan_domain::Locale;
use lingyan_store::province::DistrictLine;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(province))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ProvinceParams {
    /// The day to evaluate (default today).
    as_of: Option<String>,
    /// zh-CN or en for names (default the caller's language).
    lang: Option<String>,
}

/// Backbone teachers of one level.
#[derive(Debug, Serialize, ToSchema)]
pub struct LevelCountDto {
    #[schema(example = "municipal")]
    pub level: String,
    pub teachers: u64,
}

/// Teacher × duty results by status.
#[derive(Debug, Serialize, ToSchema)]
pub struct DutyTallyDto {
    pub done: u64,
    pub on_track: u64,
    pub behind: u64,
    pub overdue: u64,
    /// Done or on track as a share (0–100) of what applies.
    pub percent: u64,
}

/// A district that could not be computed.
#[derive(Debug, Serialize, ToSchema)]
pub struct LineError {
    pub code: String,
    pub message: String,
}

/// One district in figures (one line of the stream).
#[derive(Debug, Serialize, ToSchema)]
pub struct DistrictLineDto {
    pub district_id: i64,
    pub code: String,
    /// In the requested language.
    pub name: String,
    pub as_of: NaiveDate,
    pub schools: u64,
    pub staff: u64,
    pub backbone: u64,
    pub backbone_percent: u64,
    /// Highest level first; levels with none left out.
    pub backbone_by_level: Vec<LevelCountDto>,
    pub under_35: u64,
    pub under_35_percent: u64,
    pub average_age: Option<f64>,
    pub bachelor_or_above: u64,
    pub bachelor_or_above_percent: u64,
    pub duties: Option<DutyTallyDto>,
    /// Teachers with a duty behind or overdue.
    pub teachers_behind: u64,
    /// Records waiting for verification.
    pub pending_verification: u64,
    /// Set (and the figures zero) when this district could not be computed.
    pub error: Option<LineError>,
}

impl DistrictLineDto {
    fn of(d: &DistrictLine, l: Locale) -> Self {
        Self {
            district_id: d.district.id,
            code: d.district.code.clone(),
            name: lingyan_reports::local_name(l, &d.district.name, d.district.name_en.as_deref()).to_string(),
            as_of: d.as_of,
            schools: d.schools,
            staff: d.staff,
            backbone: d.backbone.count,
            backbone_percent: d.backbone.percent(),
            backbone_by_level: d
                .backbone_by_level
                .iter()
                .map(|c| LevelCountDto {
                    level: c.level.code().to_string(),
                    teachers: c.teachers,
                })
                .collect(),
            under_35: d.under_35.count,
            under_35_percent: d.under_35.percent(),
            average_age: d.average_age.map(|a| (a * 10.0).round() / 10.0),
            bachelor_or_above: d.bachelor_or_above.count,
            bachelor_or_above_percent: d.bachelor_or_above.percent(),
            duties: Some(DutyTallyDto {
                done: d.duties.done,
                on_track: d.duties.on_track,
                behind: d.duties.behind,
                overdue: d.duties.overdue,
                percent: d.duties.percent(),
            }),
            teachers_behind: d.teachers_behind,
            pending_verification: d.pending_verification,
            error: None,
        }
    }

    fn failed(
        d: &lingyan_store::districts::District,
        l: Locale,
        e: &lingyan_store::Error,
        as_of: NaiveDate,
    ) -> Self {
        let described = crate::error::describe(e);
        Self {
            district_id: d.id,
            code: d.code.clone(),
            name: lingyan_reports::local_name(l, &d.name, d.name_en.as_deref()).to_string(),
            as_of,
            schools: 0,
            staff: 0,
            backbone: 0,
            backbone_percent: 0,
            backbone_by_level: Vec::new(),
            under_35: 0,
            under_35_percent: 0,
            average_age: None,
            bachelor_or_above: 0,
            bachelor_or_above_percent: 0,
            duties: None,
            teachers_behind: 0,
            pending_verification: 0,
            error: Some(LineError {
                code: described.code.to_string(),
                message: described.message,
            }),
        }
    }
}

/// Every district whose registry and records the caller reads, in order of
/// code: staff, backbone teachers by level, age and education in brief,
/// duty completion, teachers behind and records awaiting verification.
/// Streamed as `application/x-ndjson`, one `DistrictLineDto` per line as
/// each district is computed (a province of a hundred districts takes
/// seconds); a district that fails gives a line with `error` and the rest
/// go on. 403 for callers who read no whole district.
#[utoipa::path(get, path = "/api/v1/province", tag = "teachers", params(ProvinceParams),
    responses((status = 200, content_type = "application/x-ndjson", body = DistrictLineDto,
        description = "One district per line"), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn province(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<ProvinceParams>,
) -> ApiResult<Response> {
    let as_of = match q.as_of.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => lingyan_domain::dates::parse_date("as_of", s)?,
        None => lingyan_store::calendar::today(),
    };
    let l = match q.lang.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => Locale::parse(s)?,
        None => caller.locale,
    };
    let districts = lingyan_store::province::districts(&state.store, &caller.scope).await?;
    if districts.is_empty() {
        return Err(lingyan_store::Error::Forbidden.into());
    }
    let (tx, rx) = tokio::sync::mpsc::channel::<String>(2);
    let store = state.store.clone();
    let scope = caller.scope.clone();
    tokio::spawn(crate::i18n::with_locale(caller.locale, async move {
        for d in &districts {
            let dto = match lingyan_store::province::line(&store, &scope, d, as_of).await {
                Ok(line) => DistrictLineDto::of(&line, l),
                Err(e) => {
                    tracing::error!(district = d.id, error = %e, "province line failed");
                    DistrictLineDto::failed(d, l, &e, as_of)
                }
            };
            let mut s = serde_json::to_string(&dto).unwrap_or_default();
            s.push('\n');
            if tx.send(s).await.is_err() {
                return;
            }
        }
    }));
    Ok(crate::province::streamed(rx, "application/x-ndjson"))
}
