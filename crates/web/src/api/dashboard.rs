//! The caller's dashboard over JSON: the same figures as their home page.

use super::{ApiQuery, ApiResult};
use crate::auth::Caller;
use crate::dashboard::{self, Dashboard};
use crate::error::ErrorBody;
use crate::i18n::Tr;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use lingyan_domain::Locale;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_dashboard))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct DashboardQuery {
    /// For callers who read several districts: the one to compare.
    district: Option<i64>,
    /// Names and texts in `zh-CN` or `en` (default: the caller's language).
    lang: Option<String>,
}

/// The caller's home page in figures: their own duties and records, the
/// school (or their group) at a glance, or the district's schools side by
/// side, by their most senior role.
#[utoipa::path(get, path = "/api/v1/dashboard", tag = "me", params(DashboardQuery),
    responses((status = 200, body = Dashboard), (status = 401, body = ErrorBody)))]
async fn get_dashboard(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<DashboardQuery>,
) -> ApiResult<Json<Dashboard>> {
    let locale = match q.lang.as_deref().filter(|s| !s.is_empty()) {
        Some(l) => Locale::parse(l)?,
        None => caller.locale,
    };
    let district = q.district.map(|d| d.to_string()).unwrap_or_default();
    Ok(Json(
        dashboard::load(
            &state,
            &caller,
            Tr(locale),
            lingyan_store::calendar::today(),
            &district,
        )
        .await?,
    ))
}
