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
    Ok(render(&HomePage {
        ctx,
        counts,
        headline: headline(&roles),
        home_name: me.home_name.unwrap_or_default(),
        own,
    }))
}
