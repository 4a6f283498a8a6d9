//! Training activities (培训活动) pages: the calendar of a school or
//! district (month and week), the activity form (one session, several, or
//! a weekly series), an activity's page with registration and, for its
//! organisers, participants and feedback; the sign-in screen, the
//! check-off list and the teacher's own pages live in `attendance`.

pub(crate) mod attendance;
pub mod feed;

use super::place::{Place, both};
use super::users::RepeatedForm;
use super::{FormError, PageCtx, checkbox, flash, form_status, message_for, redirect, render, render_status};
use crate::auth::Caller;
use crate::error::PageError;
use crate::i18n::Tr;
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use lingyan_domain::activities::ActivityType;
use lingyan_domain::activities::plan::{ActivityPlan, Audience, SessionPlan};
use lingyan_domain::credits::{Amount, Area, Form};
use lingyan_domain::{Capability, FieldError, Level};
use lingyan_store::Error;
use lingyan_store::activities as acts;
use serde::Deserialize;
use tower_sessions::Session;

pub fn router(upload_limit: usize) -> Router<AppState> {
    let r = Router::new()
        .route("/activities", get(attendance::view_mine_get))
        .route("/activities/calendar-feed", post(feed::view_feed_reset_post))
        .route("/calendar/{secret}", get(feed::view_feed_get))
        .route("/activities/{id}", get(view_activity_get))
        .route("/activities/{id}/edit", get(view_edit_get).post(view_edit_post))
        .route("/activities/{id}/delete", post(view_delete_post))
        .route("/activities/{id}/register", post(view_register_post))
        .route(
            "/activities/{id}/attendance-import",
            post(attendance::view_import_post).layer(axum::extract::DefaultBodyLimit::max(upload_limit)),
        )
        .route("/activities/{id}/cancel", post(view_cancel_post))
        .route("/activities/{id}/participants", post(view_assign_post))
        .route(
            "/activities/{id}/participants/{teacher_id}/remove",
            post(view_remove_post),
        )
        .route("/sessions/{id}/screen", get(attendance::view_screen_get))
        .route(
            "/sessions/{id}/screen/live",
            get(attendance::view_screen_live_get),
        )
        .route(
            "/sessions/{id}/attendance",
            get(attendance::view_sheet_get).post(attendance::view_sheet_post),
        )
        .route("/sessions/{id}/leave", post(attendance::view_leave_post))
        .route(
            "/sessions/{id}/leave/{teacher_id}",
            post(attendance::view_decide_post),
        )
        .route(
            "/sessions/{id}/feedback",
            get(attendance::view_feedback_get).post(attendance::view_feedback_post),
        )
        .route(
            "/sign-in",
            get(attendance::view_sign_in_get).post(attendance::view_sign_in_post),
        )
        .route("/notices/{id}/read", post(attendance::view_notice_read_post));
    let r = both(r, "/activities", get(view_calendar_get));
    both(r, "/activities/new", get(view_new_get).post(view_new_post))
}

/// "school" → "School" (the level names are written for the middle of a
/// sentence); Chinese is unchanged.
fn capitalised(s: String) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => s,
    }
}

pub(crate) fn kind_name(tr: Tr, k: ActivityType) -> String {
    tr.t(&format!("activity_types.{}", k.code()))
}

pub(crate) fn session_when(tr: Tr, s: &acts::SessionView) -> String {
    format!(
        "{} {}–{}",
        tr.date(&s.date),
        s.start.format("%H:%M"),
        s.end.format("%H:%M")
    )
}

/// A session in the calendar.
pub struct CalItem {
    pub href: String,
    pub time: String,
    pub title: String,
    pub kind: String,
    pub nth: String,
    pub place: String,
    pub district: bool,
}

/// A day of the calendar.
pub struct CalDay {
    pub label: String,
    pub day: u32,
    pub in_month: bool,
    pub today: bool,
    pub items: Vec<CalItem>,
}

#[derive(Template)]
#[template(path = "activities.html")]
struct CalendarPage {
    ctx: PageCtx,
    place: Place,
    title: String,
    week: bool,
    heading: String,
    prev: String,
    next: String,
    month_href: String,
    week_href: String,
    weekdays: Vec<String>,
    /// Weeks of days (a month) or one week.
    weeks: Vec<Vec<CalDay>>,
    empty: bool,
    can_organise: bool,
}

#[derive(Deserialize, Default)]
struct CalendarQuery {
    view: Option<String>,
    date: Option<NaiveDate>,
}

fn monday_of(d: NaiveDate) -> NaiveDate {
    d - Duration::days(i64::from(d.weekday().num_days_from_monday()))
}

fn first_of_month(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

/// `GET /schools/{id}/activities` and `/districts/{id}/activities`: the
/// month (or week) of sessions.
async fn view_calendar_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    place: Place,
    Query(q): Query<CalendarQuery>,
) -> Result<Response, PageError> {
    let tr = ctx.tr;
    let today = lingyan_store::calendar::today();
    let at = q.date.unwrap_or(today);
    let week = q.view.as_deref() == Some("week");
    let (from, to, month) = if week {
        let m = monday_of(at);
        (m, m + Duration::days(6), None)
    } else {
        let first = first_of_month(at);
        let last = crate::api::end_of_month(first);
        (
            monday_of(first),
            monday_of(last) + Duration::days(6),
            Some(first.month()),
        )
    };
    let items = acts::calendar(
        &state.store,
        &caller.scope,
        place.district_id,
        place.school_id,
        from,
        to,
    )
    .await?;
    // On a district's calendar each school's activity says whose it is.
    let school_names: std::collections::HashMap<i64, String> = if place.school_id.is_none() {
        lingyan_store::schools::all_with(&state.store, &caller.scope, Capability::Read)
            .await?
            .into_iter()
            .map(|s| (s.id, tr.name(&s.name, &s.name_en).to_string()))
            .collect()
    } else {
        Default::default()
    };
    let mut weeks = Vec::new();
    let mut d = from;
    while d <= to {
        let mut days = Vec::new();
        for _ in 0..7 {
            let list: Vec<CalItem> = items
                .iter()
                .filter(|i| i.session.date == d)
                .map(|i| CalItem {
                    href: format!("/activities/{}", i.activity_id),
                    time: format!(
                        "{}–{}",
                        i.session.start.format("%H:%M"),
                        i.session.end.format("%H:%M")
                    ),
                    title: i.title.clone(),
                    kind: kind_name(tr, i.kind),
                    nth: if i.of > 1 {
                        tr.t("activities.nth_of")
                            .replace("%{n}", &i.nth.to_string())
                            .replace("%{of}", &i.of.to_string())
                    } else {
                        String::new()
                    },
                    place: match i.school_id.and_then(|s| school_names.get(&s)) {
                        Some(school) if i.session.place.is_empty() => school.clone(),
                        Some(school) => format!("{school} {}", i.session.place),
                        None => i.session.place.clone(),
                    },
                    district: i.school_id.is_none() && place.school_id.is_some(),
                })
                .collect();
            days.push(CalDay {
                label: tr.date(&d),
                day: d.day(),
                in_month: month.is_none_or(|m| d.month() == m),
                today: d == today,
                items: list,
            });
            d += Duration::days(1);
        }
        weeks.push(days);
    }
    let base = format!("{}/activities", place.base);
    let (prev, next, heading) = if week {
        (
            format!("{base}?view=week&date={}", from - Duration::days(7)),
            format!("{base}?view=week&date={}", from + Duration::days(7)),
            format!("{} – {}", tr.date(&from), tr.date(&to)),
        )
    } else {
        let first = first_of_month(at);
        let prev = first_of_month(first - Duration::days(1));
        let next = crate::api::end_of_month(first) + Duration::days(1);
        (
            format!("{base}?date={prev}"),
            format!("{base}?date={next}"),
            if tr.is_zh() {
                format!("{} 年 {} 月", first.year(), first.month())
            } else {
                first.format("%B %Y").to_string()
            },
        )
    };
    let weekdays = (0..7).map(|i| tr.t(&format!("activities.weekday_{i}"))).collect();
    let can_organise = caller.scope.allows(
        Capability::ManageActivities,
        match place.school_id {
            Some(s) => lingyan_domain::Tenant::school(place.district_id, s),
            None => lingyan_domain::Tenant::district(place.district_id),
        },
    );
    Ok(render(&CalendarPage {
        title: tr.t("activities.calendar"),
        week,
        heading,
        prev,
        next,
        month_href: format!("{base}?date={at}"),
        week_href: format!("{base}?view=week&date={at}"),
        weekdays,
        empty: items.is_empty(),
        weeks,
        can_organise,
        place,
        ctx,
    }))
}

/// The activity form as typed (every field text, so a refused form shows
/// what was typed).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ActivityForm {
    #[serde(default, rename = "activity_title")]
    title: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    level: String,
    #[serde(default)]
    form: String,
    #[serde(default)]
    area: String,
    #[serde(default)]
    organiser: String,
    #[serde(default)]
    host: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    audience: String,
    #[serde(default)]
    tiers: Vec<String>,
    #[serde(default)]
    groups: Vec<String>,
    #[serde(default)]
    capacity: String,
    #[serde(default)]
    registration_opens: String,
    #[serde(default)]
    registration_closes: String,
    #[serde(default)]
    credits_per_session: String,
    marked_training: Option<String>,
    #[serde(default)]
    training_content: String,
    sign_out: Option<String>,
    #[serde(default)]
    min_presence: String,
    feedback_required: Option<String>,
    #[serde(default)]
    grace: String,
    #[serde(default)]
    date: Vec<String>,
    #[serde(default)]
    start: Vec<String>,
    #[serde(default)]
    end: Vec<String>,
    #[serde(default)]
    place: Vec<String>,
    #[serde(default)]
    repeat_weekly_until: String,
}

impl ActivityForm {
    fn of(p: &ActivityPlan) -> Self {
        let dt = |d: Option<NaiveDateTime>| {
            d.map(|d| d.format("%Y-%m-%dT%H:%M").to_string())
                .unwrap_or_default()
        };
        let (tiers, groups) = match &p.audience {
            Audience::Tiers { tiers } => (tiers.clone(), Vec::new()),
            Audience::Groups { groups } => (Vec::new(), groups.iter().map(ToString::to_string).collect()),
            _ => (Vec::new(), Vec::new()),
        };
        Self {
            title: p.title.clone(),
            kind: p.kind.code().into(),
            level: p.level.code().into(),
            form: p.form.code().into(),
            area: p.area.map(|a| a.code().to_string()).unwrap_or_default(),
            organiser: p.organiser.clone(),
            host: p.host.clone(),
            description: p.description.clone(),
            audience: p.audience.code().into(),
            tiers,
            groups,
            capacity: p.capacity.map(|c| c.to_string()).unwrap_or_default(),
            registration_opens: dt(p.registration_opens),
            registration_closes: dt(p.registration_closes),
            credits_per_session: p.credits_per_session.map(|c| c.to_string()).unwrap_or_default(),
            marked_training: p.marked_training.then(|| "on".into()),
            training_content: p.training_content.clone(),
            sign_out: p.sign_out.then(|| "on".into()),
            min_presence: p.min_presence.map(|c| c.to_string()).unwrap_or_default(),
            feedback_required: p.feedback_required.then(|| "on".into()),
            grace: p.grace.to_string(),
            date: p.sessions.iter().map(|s| s.date.to_string()).collect(),
            start: p
                .sessions
                .iter()
                .map(|s| s.start.format("%H:%M").to_string())
                .collect(),
            end: p
                .sessions
                .iter()
                .map(|s| s.end.format("%H:%M").to_string())
                .collect(),
            place: p.sessions.iter().map(|s| s.place.clone()).collect(),
            repeat_weekly_until: String::new(),
        }
    }

    fn new_for(place: &Place) -> Self {
        Self {
            kind: ActivityType::TeachingResearch.code().into(),
            level: if place.school_id.is_some() {
                Level::School
            } else {
                Level::County
            }
            .code()
            .into(),
            form: Form::SchoolBased.code().into(),
            audience: "all".into(),
            grace: lingyan_domain::activities::attendance::DEFAULT_GRACE_MINUTES.to_string(),
            start: vec!["14:00".into()],
            end: vec!["16:00".into()],
            date: vec![(lingyan_store::calendar::today() + Duration::days(7)).to_string()],
            place: vec![String::new()],
            ..Default::default()
        }
    }

    /// Session rows to show: those typed and two blank ones to add more.
    pub fn session_rows(&self) -> Vec<(String, String, String, String)> {
        let n = self.date.len().max(1) + 2;
        let at = |v: &Vec<String>, i: usize| v.get(i).cloned().unwrap_or_default();
        (0..n)
            .map(|i| {
                (
                    at(&self.date, i),
                    at(&self.start, i),
                    at(&self.end, i),
                    at(&self.place, i),
                )
            })
            .collect()
    }

    pub fn has_tier(&self, code: &str) -> bool {
        self.tiers.iter().any(|t| t == code)
    }

    pub fn has_group(&self, id: &i64) -> bool {
        self.groups.iter().any(|g| *g == id.to_string())
    }

    /// The plan, or every field that could not be read.
    fn plan(&self) -> Result<ActivityPlan, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut opt_num = |field: &'static str, s: &str| -> Option<u32> {
            let s = s.trim();
            if s.is_empty() {
                return None;
            }
            match s.parse::<u32>() {
                Ok(n) => Some(n),
                Err(_) => {
                    errors.push(FieldError::new(field, "not_a_number"));
                    None
                }
            }
        };
        let capacity = opt_num("capacity", &self.capacity);
        let min_presence = opt_num("min_presence", &self.min_presence);
        let grace = opt_num("grace", &self.grace);
        let dt = |field: &'static str, s: &str, errors: &mut Vec<FieldError>| -> Option<NaiveDateTime> {
            let s = s.trim();
            if s.is_empty() {
                return None;
            }
            NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M")
                .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M"))
                .map_err(|_| errors.push(FieldError::new(field, "invalid")))
                .ok()
        };
        let registration_opens = dt("registration_opens", &self.registration_opens, &mut errors);
        let registration_closes = dt("registration_closes", &self.registration_closes, &mut errors);
        let credits = match self.credits_per_session.trim() {
            "" => None,
            s => match Amount::parse_str(s) {
                Some(a) => Some(a),
                None => {
                    errors.push(FieldError::new("credits_per_session", "not_a_number"));
                    None
                }
            },
        };
        let kind = ActivityType::parse("kind", &self.kind)
            .map_err(|e| errors.push(e))
            .ok();
        let level = Level::from_code(self.level.trim());
        if level.is_none() {
            errors.push(FieldError::new("level", "invalid"));
        }
        let form = Form::from_code(self.form.trim());
        if form.is_none() {
            errors.push(FieldError::new("form", "invalid"));
        }
        let area = match self.area.trim() {
            "" => None,
            a => {
                let v = Area::from_code(a);
                if v.is_none() {
                    errors.push(FieldError::new("area", "invalid"));
                }
                v
            }
        };
        let audience = match self.audience.as_str() {
            "tiers" => Audience::Tiers {
                tiers: self.tiers.iter().filter(|t| !t.is_empty()).cloned().collect(),
            },
            "groups" => Audience::Groups {
                groups: self.groups.iter().filter_map(|g| g.parse().ok()).collect(),
            },
            "named" => Audience::Named,
            _ => Audience::All,
        };
        let mut sessions = Vec::new();
        for i in 0..self.date.len() {
            let get = |v: &Vec<String>| v.get(i).map(|s| s.trim().to_string()).unwrap_or_default();
            let (d, s, e, p) = (
                get(&self.date),
                get(&self.start),
                get(&self.end),
                get(&self.place),
            );
            if d.is_empty() && p.is_empty() {
                continue;
            }
            let nth = i + 1;
            let date = NaiveDate::parse_from_str(&d, "%Y-%m-%d")
                .map_err(|_| errors.push(FieldError::new("date", "invalid").with("nth_session", nth)))
                .ok();
            let time = |field: &'static str, v: &str, errors: &mut Vec<FieldError>| {
                NaiveTime::parse_from_str(v, "%H:%M")
                    .map_err(|_| errors.push(FieldError::new(field, "invalid").with("nth_session", nth)))
                    .ok()
            };
            let start = time("start", &s, &mut errors);
            let end = time("end", &e, &mut errors);
            if let (Some(date), Some(start), Some(end)) = (date, start, end) {
                sessions.push(SessionPlan {
                    date,
                    start,
                    end,
                    place: p,
                });
            }
        }
        let repeat = match self.repeat_weekly_until.trim() {
            "" => None,
            s => NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map_err(|_| errors.push(FieldError::new("repeat_weekly_until", "invalid")))
                .ok(),
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        let (Some(kind), Some(level), Some(form)) = (kind, level, form) else {
            return Err(errors);
        };
        Ok(ActivityPlan {
            title: self.title.clone(),
            kind,
            level,
            area,
            form,
            organiser: self.organiser.clone(),
            host: self.host.clone(),
            description: self.description.clone(),
            audience,
            capacity,
            registration_opens,
            registration_closes,
            credits_per_session: credits,
            marked_training: checkbox(&self.marked_training),
            training_content: self.training_content.clone(),
            sign_out: checkbox(&self.sign_out),
            min_presence,
            feedback_required: checkbox(&self.feedback_required),
            grace: grace.unwrap_or(lingyan_domain::activities::attendance::DEFAULT_GRACE_MINUTES),
            sessions,
            repeat_weekly_until: repeat,
        })
    }
}

#[derive(Template)]
#[template(path = "activity_form.html")]
struct FormPage {
    ctx: PageCtx,
    title: String,
    action: String,
    back: String,
    place_name: String,
    f: ActivityForm,
    error: Option<FormError>,
    kinds: Vec<(String, String)>,
    levels: Vec<(String, String)>,
    forms: Vec<(String, String)>,
    areas: Vec<(String, String)>,
    audiences: Vec<(String, String)>,
    tiers: Vec<(String, String)>,
    groups: Vec<(i64, String)>,
    editing: bool,
}

/// Where the form's activity belongs, and which one it edits.
struct Target {
    district_id: i64,
    school_id: Option<i64>,
    name: String,
    editing: Option<i64>,
}

async fn form_page(
    state: &AppState,
    caller: &Caller,
    ctx: PageCtx,
    target: Target,
    f: ActivityForm,
    error: Option<FormError>,
) -> Result<Response, PageError> {
    let Target {
        district_id,
        school_id,
        name: place_name,
        editing,
    } = target;
    let tr = ctx.tr;
    let year =
        lingyan_store::calendar::current_year(&state.store, &caller.scope, district_id, school_id).await?;
    let tiers = lingyan_store::tiers::get(&state.store, &caller.scope, district_id, school_id, year)
        .await?
        .set
        .tiers
        .into_iter()
        .map(|t| {
            let name = if tr.is_zh() { t.name_zh } else { t.name_en };
            (t.code, name)
        })
        .collect();
    let groups = match school_id {
        Some(s) => lingyan_store::org::groups(&state.store, &caller.scope, s)
            .await?
            .into_iter()
            .map(|g| (g.id, g.name))
            .collect(),
        None => Vec::new(),
    };
    let (title, action, back) = match editing {
        Some(id) => (
            tr.t("activities.edit"),
            format!("/activities/{id}/edit"),
            format!("/activities/{id}"),
        ),
        None => {
            let base = match school_id {
                Some(s) => format!("/schools/{s}"),
                None => format!("/districts/{district_id}"),
            };
            (
                tr.t("activities.new"),
                format!("{base}/activities/new"),
                format!("{base}/activities"),
            )
        }
    };
    let page = FormPage {
        title,
        action,
        back,
        place_name,
        kinds: ActivityType::ALL
            .iter()
            .map(|k| (k.code().to_string(), kind_name(tr, *k)))
            .collect(),
        levels: Level::ALL
            .iter()
            .map(|l| {
                (
                    l.code().to_string(),
                    capitalised(tr.t(&format!("levels.{}", l.code()))),
                )
            })
            .collect(),
        forms: Form::ALL
            .iter()
            .map(|x| (x.code().to_string(), tr.t(&format!("credit_forms.{}", x.code()))))
            .collect(),
        areas: Area::ALL
            .iter()
            .map(|x| (x.code().to_string(), tr.t(&format!("credit_areas.{}", x.code()))))
            .collect(),
        audiences: ["all", "tiers", "groups", "named"]
            .iter()
            .filter(|a| school_id.is_some() || **a != "groups")
            .map(|a| (a.to_string(), tr.t(&format!("activities.audience_{a}"))))
            .collect(),
        tiers,
        groups,
        editing: editing.is_some(),
        f,
        error,
        ctx,
    };
    Ok(render_status(form_status(&page.error), &page))
}

/// `GET …/activities/new`
async fn view_new_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    place: Place,
) -> Result<Response, PageError> {
    acts::check_organise(&caller.scope, place.district_id, place.school_id)?;
    let f = ActivityForm::new_for(&place);
    form_page(
        &state,
        &caller,
        ctx,
        Target {
            district_id: place.district_id,
            school_id: place.school_id,
            name: place.name.clone(),
            editing: None,
        },
        f,
        None,
    )
    .await
}

/// `POST …/activities/new`
async fn view_new_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    place: Place,
    RepeatedForm(f): RepeatedForm<ActivityForm>,
) -> Result<Response, PageError> {
    acts::check_organise(&caller.scope, place.district_id, place.school_id)?;
    let tr = ctx.tr;
    let result = match f.plan() {
        Ok(plan) => {
            acts::create(
                &state.store,
                &caller.scope,
                place.district_id,
                place.school_id,
                plan,
            )
            .await
        }
        Err(errors) => Err(Error::InvalidAll(errors)),
    };
    match result {
        Ok(v) => {
            flash(
                &session,
                "ok",
                tr.t1("activities.created", "title", &v.plan.title),
            )
            .await;
            Ok(redirect(&format!("/activities/{}", v.id)))
        }
        Err(e @ (Error::Invalid(_) | Error::InvalidAll(_))) => {
            let err = message_for(&e);
            form_page(
                &state,
                &caller,
                ctx,
                Target {
                    district_id: place.district_id,
                    school_id: place.school_id,
                    name: place.name.clone(),
                    editing: None,
                },
                f,
                Some(err),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// `GET /activities/{id}/edit`
async fn view_edit_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let v = acts::get(&state.store, &caller.scope, id).await?;
    acts::check_organise(&caller.scope, v.district_id, v.school_id)?;
    let name = ctx.tr.name(&v.place_name, &v.place_name_en).to_string();
    let f = ActivityForm::of(&v.plan);
    form_page(
        &state,
        &caller,
        ctx,
        Target {
            district_id: v.district_id,
            school_id: v.school_id,
            name,
            editing: Some(id),
        },
        f,
        None,
    )
    .await
}

/// `POST /activities/{id}/edit`
async fn view_edit_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    Path(id): Path<i64>,
    RepeatedForm(f): RepeatedForm<ActivityForm>,
) -> Result<Response, PageError> {
    let v = acts::get(&state.store, &caller.scope, id).await?;
    acts::check_organise(&caller.scope, v.district_id, v.school_id)?;
    let tr = ctx.tr;
    let result = match f.plan() {
        Ok(plan) => acts::update(&state.store, &caller.scope, id, plan).await,
        Err(errors) => Err(Error::InvalidAll(errors)),
    };
    match result {
        Ok(_) => {
            flash(&session, "ok", tr.t("activities.saved")).await;
            Ok(redirect(&format!("/activities/{id}")))
        }
        Err(e @ (Error::Invalid(_) | Error::InvalidAll(_))) => {
            let name = tr.name(&v.place_name, &v.place_name_en).to_string();
            form_page(
                &state,
                &caller,
                ctx,
                Target {
                    district_id: v.district_id,
                    school_id: v.school_id,
                    name,
                    editing: Some(id),
                },
                f,
                Some(message_for(&e)),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /activities/{id}/delete`
async fn view_delete_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let v = acts::get(&state.store, &caller.scope, id).await?;
    match acts::delete(&state.store, &caller.scope, id).await {
        Ok(()) => {
            flash(
                &session,
                "ok",
                ctx.tr.t1("activities.deleted", "title", &v.plan.title),
            )
            .await;
            let base = match v.school_id {
                Some(s) => format!("/schools/{s}"),
                None => format!("/districts/{}", v.district_id),
            };
            Ok(redirect(&format!("{base}/activities")))
        }
        Err(e @ (Error::Conflict(_) | Error::Invalid(_))) => {
            flash(&session, "error", message_for(&e).message).await;
            Ok(redirect(&format!("/activities/{id}")))
        }
        Err(e) => Err(e.into()),
    }
}

/// A session line on the activity's page.
pub struct SessionLine {
    pub id: i64,
    pub when: String,
    pub place: String,
    pub hours: String,
    pub past: bool,
    pub open: bool,
}

/// A participant line for the organiser.
pub struct PersonLine {
    pub teacher_id: i64,
    pub name: String,
    pub status: String,
    pub waiting: bool,
}

#[derive(Template)]
#[template(path = "activity_detail.html")]
struct DetailPage {
    ctx: PageCtx,
    id: i64,
    title: String,
    facts: Vec<(String, String)>,
    description: String,
    calendar_href: String,
    sessions: Vec<SessionLine>,
    fullness: String,
    my_place: String,
    registered: bool,
    may_register: bool,
    can_manage: bool,
    people: Vec<PersonLine>,
    choices: Vec<lingyan_store::evidence::Colleague>,
    feedback: Option<FeedbackView>,
}

/// The feedback summary shown to organisers.
pub struct FeedbackView {
    pub headline: String,
    /// Stars, how many, share in percent.
    pub bars: Vec<(String, usize, u32)>,
    pub comments: Vec<(String, String)>,
}

pub(crate) fn hours_text(tr: Tr, a: Amount) -> String {
    tr.t1("activities.hours", "n", &a)
}

/// `GET /activities/{id}`
async fn view_activity_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let tr = ctx.tr;
    let v = acts::get(&state.store, &caller.scope, id).await?;
    let now = acts::local(Utc::now());
    let p = &v.plan;
    let mut facts = vec![
        (tr.t("fields.type"), kind_name(tr, p.kind)),
        (
            tr.t("fields.level"),
            capitalised(tr.t(&format!("levels.{}", p.level.code()))),
        ),
        (
            tr.t("fields.form"),
            tr.t(&format!("credit_forms.{}", p.form.code())),
        ),
        (tr.t("fields.organiser"), p.organiser.clone()),
    ];
    if let Some(a) = p.area {
        facts.push((tr.t("fields.area"), tr.t(&format!("credit_areas.{}", a.code()))));
    }
    if !p.host.is_empty() {
        facts.push((tr.t("fields.host"), p.host.clone()));
    }
    facts.push((
        tr.t("fields.audience"),
        match &p.audience {
            Audience::All => tr.t(if v.school_id.is_some() {
                "activities.audience_all"
            } else {
                "activities.audience_all_district"
            }),
            Audience::Tiers { tiers } => {
                format!("{}：{}", tr.t("activities.audience_tiers"), tiers.join("、"))
            }
            Audience::Groups { groups } => tr.n("activities.audience_n_groups", &groups.len()),
            Audience::Named => tr.t("activities.audience_named"),
        },
    ));
    facts.push((
        tr.t("activities.credit"),
        if !p.kind.credits_when(p.marked_training) {
            tr.t("activities.no_credit")
        } else {
            match p.credits_per_session {
                Some(c) => tr.t1("activities.credits_each", "n", &c),
                None => tr.t("activities.hours_count"),
            }
        },
    ));
    let mut rules = Vec::new();
    if p.sign_out {
        rules.push(match p.min_presence {
            Some(m) => tr.t1("activities.sign_out_min", "n", &m),
            None => tr.t("activities.sign_out_asked"),
        });
    }
    if p.feedback_required {
        rules.push(tr.t("activities.feedback_asked"));
    }
    if p.marked_training {
        rules.push(tr.t1("activities.marked", "content", &p.training_content));
    }
    if !rules.is_empty() {
        facts.push((
            tr.t("activities.conditions"),
            rules.join(if tr.is_zh() { "；" } else { "; " }),
        ));
    }
    if let Some(c) = p.registration_closes {
        facts.push((
            tr.t("fields.registration_closes"),
            c.format("%Y-%m-%d %H:%M").to_string(),
        ));
    }
    let sessions = v
        .sessions
        .iter()
        .map(|s| {
            let sit = lingyan_domain::activities::attendance::Sitting {
                date: s.date,
                start: s.start,
                end: s.end,
            };
            SessionLine {
                id: s.id,
                when: session_when(tr, s),
                place: s.place.clone(),
                hours: hours_text(tr, s.hours),
                past: now > sit.ends(),
                open: sit.open_at(now, p.grace),
            }
        })
        .collect();
    let may_register = acts::may_register(&state.store, &caller.scope, id, now).await?;
    let mine = acts::my_place(&state.store, &caller.scope, id).await?;
    let my_place = match mine {
        Some(acts::Place::Registered) => tr.t("activities.you_registered"),
        Some(acts::Place::Waitlisted(n)) => tr.t1("activities.you_wait", "n", &n),
        None => String::new(),
    };
    let fullness = match p.capacity {
        Some(c) => tr
            .t("activities.fullness_cap")
            .replace("%{n}", &v.registered.to_string())
            .replace("%{cap}", &c.to_string())
            .replace("%{w}", &v.waitlisted.to_string()),
        None => tr.n("activities.fullness", &v.registered),
    };
    let (people, choices, feedback) = if v.can_manage {
        let people = acts::participants(&state.store, &caller.scope, id)
            .await?
            .into_iter()
            .map(|x| PersonLine {
                teacher_id: x.teacher_id,
                name: match &x.staff_no {
                    Some(n) => format!("{}（{n}）", x.name),
                    None => x.name.clone(),
                },
                status: if x.registered {
                    tr.t(if x.assigned {
                        "activities.assigned"
                    } else {
                        "activities.registered"
                    })
                } else {
                    tr.t("activities.waiting")
                },
                waiting: !x.registered,
            })
            .collect();
        let choices = acts::choices(&state.store, &caller.scope, id).await?;
        let f = acts::feedback_summary(&state.store, &caller.scope, id).await?;
        let feedback = (f.count > 0).then(|| FeedbackView {
            headline: tr
                .t("activities.feedback_headline")
                .replace("%{n}", &f.count.to_string())
                .replace("%{avg}", &f.average.map(|a| a.to_string()).unwrap_or_default()),
            bars: (1..=5u32)
                .rev()
                .map(|r| {
                    let n = f.by_rating[(r - 1) as usize];
                    ("★".repeat(r as usize), n, (n * 100 / f.count.max(1)) as u32)
                })
                .collect(),
            comments: f
                .comments
                .iter()
                .map(|c| {
                    (
                        format!(
                            "{} · {}",
                            tr.date(&c.date),
                            "★".repeat(c.rating.clamp(0, 5) as usize)
                        ),
                        c.comment.clone(),
                    )
                })
                .collect(),
        });
        (people, choices, feedback)
    } else {
        (Vec::new(), Vec::new(), None)
    };
    let calendar_href = match v.school_id {
        Some(s) => format!(
            "/schools/{s}/activities?date={}",
            v.sessions.first().map(|s| s.date).unwrap_or(now.date())
        ),
        None => format!(
            "/districts/{}/activities?date={}",
            v.district_id,
            v.sessions.first().map(|s| s.date).unwrap_or(now.date())
        ),
    };
    Ok(render(&DetailPage {
        id,
        title: p.title.clone(),
        facts,
        description: p.description.clone(),
        calendar_href,
        sessions,
        fullness,
        registered: mine.is_some(),
        my_place,
        may_register,
        can_manage: v.can_manage,
        people,
        choices,
        feedback,
        ctx,
    }))
}

async fn back_with(session: &Session, id: i64, result: Result<String, Error>) -> Result<Response, PageError> {
    match result {
        Ok(msg) => flash(session, "ok", msg).await,
        Err(e @ (Error::Invalid(_) | Error::InvalidAll(_) | Error::Conflict(_))) => {
            flash(session, "error", message_for(&e).message).await;
        }
        Err(e) => return Err(e.into()),
    }
    Ok(redirect(&format!("/activities/{id}")))
}

/// `POST /activities/{id}/register`
async fn view_register_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let tr = ctx.tr;
    let r = acts::register(&state.store, &caller.scope, id, acts::local(Utc::now()))
        .await
        .map(|p| match p {
            acts::Place::Registered => tr.t("activities.you_registered"),
            acts::Place::Waitlisted(n) => tr.t1("activities.you_wait", "n", &n),
        });
    back_with(&session, id, r).await
}

/// `POST /activities/{id}/cancel`
async fn view_cancel_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let r = acts::cancel(&state.store, &caller.scope, id, None)
        .await
        .map(|_| ctx.tr.t("activities.cancelled"));
    back_with(&session, id, r).await
}

#[derive(Deserialize)]
struct AssignForm {
    #[serde(default)]
    teachers: Vec<i64>,
}

/// `POST /activities/{id}/participants`
async fn view_assign_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    Path(id): Path<i64>,
    RepeatedForm(f): RepeatedForm<AssignForm>,
) -> Result<Response, PageError> {
    let r = acts::assign(&state.store, &caller.scope, id, &f.teachers)
        .await
        .map(|n| ctx.tr.n("activities.assigned_n", &n));
    back_with(&session, id, r).await
}

/// `POST /activities/{id}/participants/{teacher_id}/remove`
async fn view_remove_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    Path((id, teacher_id)): Path<(i64, i64)>,
) -> Result<Response, PageError> {
    let r = acts::cancel(&state.store, &caller.scope, id, Some(teacher_id))
        .await
        .map(|_| ctx.tr.t("activities.removed"));
    back_with(&session, id, r).await
}
