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
    /// The two-way cycle stages the caller's teacher owes: (cycle, lesson,
    /// stage).
    owed: Vec<(i64, String, String)>,
    /// The mentoring week running or coming at the teacher's pairs' school.
    week: Option<crate::dashboard::mentoring::WeekGlance>,
    /// The studios the caller's teacher leads or belongs to: (id, name,
    /// as master).
    my_studios: Vec<(i64, String, bool)>,
    /// The studios leaders and district staff see, at a glance.
    studios: Option<lingyan_store::studios::Glance>,
    /// Their schools, counted in words.
    studio_schools: String,
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
    // Not kept with the rest of the card: a stage filled moves no school
    // revision.
    let owed = match d.own.as_ref().map(|o| o.teacher_id) {
        Some(t)
            if !d
                .own
                .as_ref()
                .is_some_and(|o| o.mentors.is_empty() && o.apprentices.is_empty()) =>
        {
            let f = lingyan_store::mentoring::pairs::Filter {
                teacher_id: Some(t),
                ..Default::default()
            };
            lingyan_store::mentoring::cycles::board(&state.store, &caller.scope, &f)
                .await?
                .0
                .into_iter()
                .filter(|r| r.cycle.next_owner().is_some_and(|o| o.teacher_id == t))
                .filter_map(|r| {
                    let s = r.cycle.next?;
                    Some((r.cycle.id, r.cycle.title, tr.label("mentoring.stage", s.code())))
                })
                .collect()
        }
        _ => Vec::new(),
    };
    let today = lingyan_store::calendar::today();
    let week = match d.own.as_ref() {
        Some(o) if !(o.mentors.is_empty() && o.apprentices.is_empty()) => {
            lingyan_store::mentoring::weeks::for_teacher(
                &state.store,
                &caller.scope,
                o.teacher_id,
                today,
                crate::dashboard::mentoring::WEEK_AHEAD,
            )
            .await?
            .map(|w| crate::dashboard::mentoring::WeekGlance::of(w, today))
        }
        _ => None,
    };
    let my_studios = match d.own.as_ref() {
        Some(o) => lingyan_store::studios::of_teacher(&state.store, o.teacher_id, today).await?,
        None => Vec::new(),
    };
    let studios = match role {
        Role::TrainingDirector
        | Role::Principal
        | Role::DistrictAdmin
        | Role::Inspector
        | Role::SystemAdmin => lingyan_store::studios::glance(&state.store, &caller.scope, today).await?,
        _ => None,
    };
    let studio_schools = crate::pages::studios_schools_count(tr, studios.as_ref().map_or(0, |g| g.schools));
    Ok(render(&HomePage {
        studio_schools,
        my_studios,
        studios,
        week,
        owed,
        role,
        province_link,
        ctx,
        d,
        chart,
    }))
}
