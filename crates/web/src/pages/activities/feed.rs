//! The teacher's calendar feed: `GET /calendar/{secret}` answers an
//! iCalendar file of their sessions (public: the secret is the key);
//! `POST /activities/calendar-feed` makes a new address and shows it once.

use crate::auth::Caller;
use crate::error::PageError;
use crate::pages::{PageCtx, flash, redirect};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use icalendar::{Calendar, Component, Event, EventLike};
use lingyan_store::Error;
use lingyan_store::activities::FeedEvent;
use tower_sessions::Session;

/// China time as UTC (the feed states every time in UTC, so no calendar
/// needs to know Asia/Shanghai).
fn utc(t: chrono::NaiveDateTime) -> chrono::DateTime<chrono::Utc> {
    (t - chrono::Duration::hours(8)).and_utc()
}

/// The sessions as an iCalendar file.
pub fn ics(name: &str, events: &[FeedEvent], base: &str) -> String {
    let mut cal = Calendar::new();
    cal.name(&format!("领雁 · {name}"));
    let stamp = chrono::Utc::now();
    for e in events {
        let mut description = Vec::new();
        if !e.organiser.is_empty() {
            description.push(e.organiser.clone());
        }
        if !e.host.is_empty() {
            description.push(e.host.clone());
        }
        description.push(format!(
            "{}/activities/{}",
            base.trim_end_matches('/'),
            e.activity_id
        ));
        cal.push(
            Event::new()
                .uid(&format!("session-{}@lingyan", e.session_id))
                .timestamp(stamp)
                .summary(&e.title)
                .location(&e.place)
                .description(&description.join("\n"))
                .starts(utc(e.start))
                .ends(utc(e.end))
                .done(),
        );
    }
    cal.done().to_string()
}

/// The address of a feed.
pub fn feed_url(base: &str, secret: &str) -> String {
    format!("{}/calendar/{secret}.ics", base.trim_end_matches('/'))
}

/// `GET /calendar/{secret}.ics`
pub(super) async fn view_feed_get(
    State(state): State<AppState>,
    Path(secret): Path<String>,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let secret = secret.strip_suffix(".ics").unwrap_or(&secret);
    let from = lingyan_store::calendar::today() - chrono::Duration::days(60);
    let (name, events) = lingyan_store::activities::feed(&state.store, secret, from).await?;
    let base = crate::pages::credits_base_url(&state, &headers);
    let mut resp = ics(&name, &events, &base).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/calendar; charset=utf-8"),
    );
    // A private address: not to be kept by shared caches.
    resp.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=300"),
    );
    Ok(resp)
}

/// `POST /activities/calendar-feed`: a new address (the old one stops),
/// shown once in the message.
pub(super) async fn view_feed_reset_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let secret = match lingyan_store::activities::reset_feed(&state.store, &caller.scope).await {
        Ok(s) => s,
        Err(Error::NotFound) => return Err(Error::Forbidden.into()),
        Err(e) => return Err(e.into()),
    };
    let url = feed_url(&crate::pages::credits_base_url(&state, &headers), &secret);
    flash(&session, "ok", ctx.tr.t1("activities.feed_made", "url", &url)).await;
    Ok(redirect("/activities#calendar-feed"))
}
