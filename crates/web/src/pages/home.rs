//! The home page: the caller's dashboard (`crate::dashboard`) as a page —
//! a teacher's own work, the school or group at a glance, or the
//! district's schools side by side. Account and sign-in figures live on
//! the people page.

use super::{PageCtx, render};
use crate::auth::Caller;
use crate::dashboard::{self, Dashboard};
use crate::error::PageError;
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use lingyan_domain::Role;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new().route("/", get(view_home_get))
}

#[derive(Deserialize, Default)]
struct HomeQuery {
    /// A district to compare (for those who read several).
    #[serde(default)]
    district: String,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    ctx: PageCtx,
    d: Dashboard,
    role: Role,
    /// The district comparison as a chart (`.chart[data-chart]`).
    chart: String,
    /// Links to all districts side by side (province-wide roles, or
    /// several districts to read).
    province_link: bool,
}

/// `GET /?district=`
async fn view_home_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    Query(q): Query<HomeQuery>,
) -> Result<Response, PageError> {
    let tr = ctx.tr;
    let d = dashboard::load(&state, &caller, tr, lingyan_store::calendar::today(), &q.district).await?;
    let chart = d
        .district
        .as_ref()
        .map(|x| {
            let bars: Vec<_> = x.schools.iter().map(|s| s.duties.clone()).collect();
            dashboard::duties::stacked_chart(&tr.t("home.chart_schools"), &bars, tr)
        })
        .unwrap_or_default();
    let role = Role::parse(&d.role).unwrap_or(Role::Teacher);
    let province_link = d
        .district
        .as_ref()
        .is_some_and(|x| x.districts.len() > 1 || matches!(role, Role::SystemAdmin | Role::Inspector));
    Ok(render(&HomePage {
        role,
        province_link,
        ctx,
        d,
        chart,
    }))
}
