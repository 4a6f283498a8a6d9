//! The activities card: for a teacher, their next sessions (and one open
//! for signing in now), feedback asked of them and their unread notices;
//! for leaders, the sessions of their school (or district) in the coming
//! week.

use crate::auth::Caller;
use crate::i18n::Tr;
use crate::state::AppState;
use chrono::{Duration, NaiveDate, Utc};
use lingyan_store::activities as acts;
use serde::Serialize;
use utoipa::ToSchema;

/// How many sessions the card lists.
const SHOWN: usize = 6;

/// A session on the card.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SessionLine {
    pub activity_id: i64,
    pub session_id: i64,
    pub title: String,
    /// Day and time, in the reader's language.
    pub when: String,
    pub place: String,
    /// Signing in is open now.
    pub open: bool,
}

/// The activities card.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ActivitiesCard {
    /// The caller's next sessions (a teacher's), or the place's in the coming week (a leader's).
    pub sessions: Vec<SessionLine>,
    /// Sessions the caller attended where feedback is still asked before credit.
    pub feedback_due: usize,
    /// Unread notices, in the reader's language.
    pub notices: Vec<String>,
    /// Where "all activities" leads.
    pub href: String,
}

/// A teacher's card, or `None` without a teacher record.
pub async fn own(
    state: &AppState,
    caller: &Caller,
    tr: Tr,
    today: NaiveDate,
) -> lingyan_store::Result<Option<ActivitiesCard>> {
    let now = Utc::now();
    let mine = acts::mine(&state.store, &caller.scope, now, today).await?;
    let mut sessions: Vec<(NaiveDate, chrono::NaiveTime, SessionLine)> = Vec::new();
    let mut feedback_due = 0;
    for m in &mine {
        for s in &m.sessions {
            if s.withheld == Some("no_feedback") {
                feedback_due += 1;
            }
            if !s.over
                && matches!(m.place, acts::Place::Registered)
                && s.session.date <= today + Duration::days(14)
            {
                sessions.push((
                    s.session.date,
                    s.session.start,
                    SessionLine {
                        activity_id: m.activity_id,
                        session_id: s.session.id,
                        title: m.title.clone(),
                        when: crate::pages::activity_session_when(tr, &s.session),
                        place: s.session.place.clone(),
                        open: s.open,
                    },
                ));
            }
        }
    }
    sessions.sort_by_key(|(d, t, _)| (*d, *t));
    let notices: Vec<String> = acts::unread(&state.store, &caller.scope)
        .await?
        .into_iter()
        .map(|n| {
            tr.t1(
                &format!("notices.{}", n.kind),
                "title",
                &n.activity_title.unwrap_or_default(),
            )
        })
        .collect();
    if mine.is_empty() && notices.is_empty() && sessions.is_empty() {
        return Ok(None);
    }
    Ok(Some(ActivitiesCard {
        sessions: sessions.into_iter().take(SHOWN).map(|(_, _, l)| l).collect(),
        feedback_due,
        notices,
        href: "/activities".into(),
    }))
}

/// A leader's card: the place's sessions in the coming seven days.
pub async fn place(
    state: &AppState,
    caller: &Caller,
    tr: Tr,
    today: NaiveDate,
    district_id: i64,
    school_id: Option<i64>,
) -> lingyan_store::Result<ActivitiesCard> {
    let now = acts::local(Utc::now());
    let items = acts::calendar(
        &state.store,
        &caller.scope,
        district_id,
        school_id,
        today,
        today + Duration::days(7),
    )
    .await?;
    let sessions = items
        .iter()
        .filter(|i| i.session.date > today || i.session.end > now.time())
        .take(SHOWN)
        .map(|i| SessionLine {
            activity_id: i.activity_id,
            session_id: i.session.id,
            title: i.title.clone(),
            when: crate::pages::activity_session_when(tr, &i.session),
            place: i.session.place.clone(),
            open: i.session.date == today && i.session.start <= now.time() && now.time() <= i.session.end,
        })
        .collect();
    Ok(ActivitiesCard {
        sessions,
        feedback_due: 0,
        notices: Vec::new(),
        href: match school_id {
            Some(s) => format!("/schools/{s}/activities"),
            None => format!("/districts/{district_id}/activities"),
        },
    })
}
