//! The home page: what the signed-in user is responsible for, counted.

use super::{PageCtx, render};
use crate::auth::Caller;
use crate::error::PageError;
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use lingyan_domain::Role;
use lingyan_store::stats::HomeCounts;

pub fn router() -> Router<AppState> {
    Router::new().route("/", get(view_home_get))
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    ctx: PageCtx,
    counts: HomeCounts,
    /// The caller's most senior role decides the greeting and cards.
    headline: Role,
    home_name: String,
    /// The caller's own teacher record, when linked.
    own: Option<lingyan_store::teachers::Teacher>,
    /// The caller's own records: recorded, verified, rejected.
    portfolio: [u64; 3],
    /// Records waiting for the caller's verification.
    pending: u64,
    can_verify: bool,
    /// The caller's own duties that apply to them, and what falls due soon.
    duties: Vec<super::duties::DutyCard>,
    reminders: Vec<lingyan_domain::duties::reminders::Reminder>,
}

/// The role whose home page the caller sees.
fn headline(roles: &[Role]) -> Role {
    const ORDER: [Role; 8] = [
        Role::SystemAdmin,
        Role::DistrictAdmin,
        Role::Inspector,
        Role::Principal,
        Role::TrainingDirector,
        Role::GroupLeader,
        Role::Mentor,
        Role::Teacher,
    ];
    ORDER
        .into_iter()
        .find(|r| roles.contains(r))
        .unwrap_or(Role::Teacher)
}

/// `GET /`
async fn view_home_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
) -> Result<Response, PageError> {
    let counts = lingyan_store::stats::home(&state.store, &caller.scope).await?;
    let me = lingyan_store::users::get(&state.store, &caller.scope, caller.account.id).await?;
    let roles = me.roles();
    let own =
        lingyan_store::teachers::own_record(&state.store, &caller.scope, lingyan_store::calendar::today())
            .await?;
    let today = lingyan_store::calendar::today();
    let portfolio = match &own {
        Some(t) => lingyan_store::evidence::status_counts(&state.store, &caller.scope, t.id, today).await?,
        None => [0; 3],
    };
    let (mut duties, mut reminders) = (Vec::new(), Vec::new());
    if let Some(t) = &own {
        let p = lingyan_store::duties::teacher(&state.store, &caller.scope, t.id, today).await?;
        if let Some(row) = p.teachers.first() {
            reminders = lingyan_domain::duties::reminders::upcoming(&p.rules, &row.results, today, 14);
            duties = super::duties::cards(&state, &p, &row.results, ctx.tr)
                .await?
                .into_iter()
                .filter(|c| c.status != "not_applicable")
                .collect();
        }
    }
    let pending = lingyan_store::evidence::pending_count(&state.store, &caller.scope, today).await?;
    let can_verify = pending > 0
        || !caller
            .scope
            .access()
            .tenants(lingyan_domain::Capability::VerifyEvidence)
            .is_empty()
        || roles.contains(&Role::GroupLeader);
    Ok(render(&HomePage {
        ctx,
        counts,
        headline: headline(&roles),
        home_name: me.home_name.unwrap_or_default(),
        own,
        portfolio,
        pending,
        can_verify,
        duties,
        reminders,
    }))
}
