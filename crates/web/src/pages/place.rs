//! A school or a district, taken from the path: the pages that serve both
//! (`/schools/{id}/…` and `/districts/{id}/…`) take a [`Place`] and have one
//! handler, registered on both paths with [`both`].

use crate::auth::Caller;
use crate::error::PageError;
use crate::state::AppState;
use axum::Router;
use axum::extract::{FromRequestParts, RawPathParams};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::routing::MethodRouter;
use lingyan_domain::{Capability, Tenant};
use lingyan_store::Error;

/// A school or a district, as the pages that serve both see it.
#[derive(Debug, Clone)]
pub struct Place {
    pub district_id: i64,
    pub school_id: Option<i64>,
    pub name: String,
    /// `/schools/3` or `/districts/1`
    pub base: String,
    /// A page to go back to: the school's page, or the list of districts
    /// (a district has no page of its own).
    pub home: String,
    pub can_edit: bool,
}

impl Place {
    /// Refuses a change from someone who may only read: before any of
    /// what they sent is looked at.
    pub fn require_edit(&self) -> Result<(), Error> {
        if self.can_edit {
            Ok(())
        } else {
            Err(Error::Forbidden)
        }
    }

    /// The store's key for the place's rule sets.
    pub fn rules(&self) -> lingyan_store::rule_sets::Place {
        lingyan_store::rule_sets::Place {
            district_id: self.district_id,
            school_id: self.school_id,
        }
    }
}

pub(super) async fn school_place(
    state: &AppState,
    caller: &Caller,
    tr: crate::i18n::Tr,
    id: i64,
) -> Result<Place, Error> {
    let s = lingyan_store::schools::get(&state.store, &caller.scope, id).await?;
    Ok(Place {
        district_id: s.district_id,
        school_id: Some(s.id),
        can_edit: caller.scope.allows(Capability::ManageTeachers, s.tenant()),
        name: tr.name(&s.name, &s.name_en).to_string(),
        base: format!("/schools/{id}"),
        home: format!("/schools/{id}"),
    })
}

pub(super) async fn district_place(
    state: &AppState,
    caller: &Caller,
    tr: crate::i18n::Tr,
    id: i64,
) -> Result<Place, Error> {
    let d = lingyan_store::districts::get(&state.store, &caller.scope, id).await?;
    Ok(Place {
        district_id: d.id,
        school_id: None,
        can_edit: caller
            .scope
            .allows(Capability::ManageSchools, Tenant::district(d.id)),
        name: tr.name(&d.name, &d.name_en).to_string(),
        base: format!("/districts/{id}"),
        home: "/districts".to_string(),
    })
}

impl FromRequestParts<AppState> for Place {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let caller = Caller::from_request_parts(parts, state).await?;
        // The place named in the reader's language.
        let Ok(ctx) = crate::pages::PageCtx::from_request_parts(parts, state).await;
        let tr = ctx.tr;
        let params = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let id = params
            .iter()
            .find(|(k, _)| *k == "id")
            .and_then(|(_, v)| v.parse::<i64>().ok());
        let path = parts.uri.path();
        let place = match id {
            Some(id) if path.starts_with("/schools/") => school_place(state, &caller, tr, id).await,
            Some(id) if path.starts_with("/districts/") => district_place(state, &caller, tr, id).await,
            _ => Err(Error::NotFound),
        };
        place.map_err(|e| PageError::from(e).into_response())
    }
}

/// Registers one handler for a school's and a district's page: given the
/// tail `/tiers`, it serves `/schools/{id}/tiers` and `/districts/{id}/tiers`.
/// (The authorization test reads these calls: the tail is the second
/// argument, as a string.)
pub(super) fn both(router: Router<AppState>, tail: &str, method: MethodRouter<AppState>) -> Router<AppState> {
    router
        .route(&format!("/schools/{{id}}{tail}"), method.clone())
        .route(&format!("/districts/{{id}}{tail}"), method)
}
