//! Master-teacher studios (名师工作室): the list of studios the caller sees,
//! a studio's page — master, members by school, aims, activities and
//! send-teaching — with the forms to set one up, name its members and
//! record its activities.

use super::people::{PersonChoice, choices};
use crate::auth::Caller;
use crate::error::PageError;
use crate::i18n::{self, Tr};
use crate::pages::{FormError, PageCtx, flash, form_status, message_for, redirect, render_status};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use lingyan_domain::studios::{MemberInput, StudioActivityInput, StudioActivityKind, StudioInput};
use lingyan_domain::{Capability, FieldError};
use lingyan_store::Error;
use lingyan_store::calendar::today;
use lingyan_store::studios::{self, Activity, Row, Studio, StudioPage};
use serde::Deserialize;
use tower_sessions::Session;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/studios", get(view_studios_get).post(view_studios_post))
        .route("/studios/new", get(view_studio_new_get))
        .route("/studios/{id}", get(view_studio_get))
        .route(
            "/studios/{id}/edit",
            get(view_studio_edit_get).post(view_studio_edit_post),
        )
        .route("/studios/{id}/members", post(view_members_post))
        .route(
            "/studios/{id}/members/{teacher}/remove",
            post(view_member_remove_post),
        )
        .route("/studios/{id}/activities", post(view_activities_post))
        .route("/studio-activities/{id}/delete", post(view_activity_delete_post))
}

/// A term as written; an open end as "—".
fn term(tr: Tr, s: &Studio) -> String {
    format!("{} – {}", tr.date(&s.starts_on), tr.opt_date(&s.ends_on))
}

/// A studio in the list.
pub struct ListLine {
    pub id: i64,
    pub name: String,
    pub master: String,
    pub subject: String,
    pub term: String,
    /// "5 members from 2 schools".
    pub members: String,
    /// "6 activities this school year, 2 of them send-teaching".
    pub year: String,
    pub last: String,
}

/// "5 members from 2 schools", "1 member from one school", "No members
/// yet".
fn members_from(tr: Tr, s: &Studio) -> String {
    match s.members.len() {
        0 => tr.t("studios.no_members"),
        n => i18n::t_count(
            tr.0,
            "studios.members_from",
            n,
            &[("schools", schools_count(tr, s.schools().len()))],
        ),
    }
}

/// "one school", "2 schools" (in Chinese "1 所学校").
pub(crate) fn schools_count(tr: Tr, n: usize) -> String {
    i18n::t_count(tr.0, "studios.n_schools", n, &[])
}

fn list_line(tr: Tr, r: &Row) -> ListLine {
    let s = &r.studio;
    ListLine {
        id: s.id,
        name: s.name.clone(),
        master: super::mentoring::with_school(tr, &s.master),
        subject: s.subject.clone(),
        term: term(tr, s),
        members: members_from(tr, s),
        year: match r.send_teaching {
            0 => i18n::t_count(tr.0, "studios.year_activities_only", r.activities, &[]),
            send => i18n::t_count(
                tr.0,
                "studios.year_activities",
                r.activities,
                &[("send", send.to_string())],
            ),
        },
        last: r.last_activity.map(|d| tr.date(&d)).unwrap_or_else(|| "—".into()),
    }
}

#[derive(Template)]
#[template(path = "studios.html")]
struct ListPage {
    ctx: PageCtx,
    lines: Vec<ListLine>,
    can_create: bool,
}

/// Districts in which the caller may set up studios: (id, name).
async fn managed_districts(state: &AppState, caller: &Caller, tr: Tr) -> Result<Vec<(i64, String)>, Error> {
    let set = caller.scope.access().tenants(Capability::ManageTeachers);
    if !set.all && set.districts.is_empty() {
        return Ok(Vec::new());
    }
    Ok(lingyan_store::districts::list(&state.store, &caller.scope)
        .await?
        .into_iter()
        .filter(|d| set.contains_district(d.id))
        .map(|d| (d.id, tr.name(&d.name, &d.name_en).to_string()))
        .collect())
}

/// `GET /studios`
async fn view_studios_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
) -> Result<Response, PageError> {
    let tr = ctx.tr;
    let rows = studios::list(&state.store, &caller.scope, today()).await?;
    let can_create = !managed_districts(&state, &caller, tr).await?.is_empty();
    Ok(render_status(
        axum::http::StatusCode::OK,
        &ListPage {
            lines: rows.iter().map(|r| list_line(tr, r)).collect(),
            can_create,
            ctx,
        },
    ))
}

/// The studio form as typed.
#[derive(Deserialize, Default)]
pub(crate) struct StudioForm {
    #[serde(default)]
    district: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    master: String,
    #[serde(default)]
    subject: String,
    #[serde(default)]
    starts_on: String,
    #[serde(default)]
    ends_on: String,
    #[serde(default)]
    aims: String,
}

use super::{form_date as parse_date, form_id as parse_id};

impl StudioForm {
    fn of(s: &Studio) -> Self {
        Self {
            district: s.district_id.to_string(),
            name: s.name.clone(),
            master: s.master.teacher_id.to_string(),
            subject: s.subject.clone(),
            starts_on: s.starts_on.to_string(),
            ends_on: s.ends_on.map(|d| d.to_string()).unwrap_or_default(),
            aims: s.aims.clone(),
        }
    }

    fn input(&self) -> Result<StudioInput, Error> {
        let mut errors = Vec::new();
        let master = parse_id("master", &self.master, &mut errors);
        if self.master.trim().is_empty() {
            errors.push(FieldError::new("master", "required"));
        }
        let starts_on = parse_date("starts_on", &self.starts_on, &mut errors);
        if self.starts_on.trim().is_empty() {
            errors.push(FieldError::new("starts_on", "required"));
        }
        let ends_on = parse_date("ends_on", &self.ends_on, &mut errors);
        match (master, starts_on) {
            (Some(master_teacher_id), Some(starts_on)) if errors.is_empty() => Ok(StudioInput {
                name: self.name.clone(),
                master_teacher_id,
                subject: self.subject.clone(),
                starts_on,
                ends_on,
                aims: self.aims.clone(),
            }),
            _ => Err(Error::InvalidAll(errors)),
        }
    }
}

#[derive(Template)]
#[template(path = "studio_form.html")]
struct FormPage {
    ctx: PageCtx,
    id: Option<i64>,
    f: StudioForm,
    districts: Vec<(i64, String)>,
    teachers: Vec<PersonChoice>,
    error: Option<FormError>,
}

/// The teachers of the district the caller reads, for the pickers.
async fn district_teachers(
    state: &AppState,
    caller: &Caller,
    district: Option<i64>,
) -> Result<Vec<PersonChoice>, Error> {
    let schools: Vec<i64> =
        lingyan_store::schools::all_with(&state.store, &caller.scope, Capability::ReadTeachers)
            .await?
            .into_iter()
            .filter(|s| district.is_none_or(|d| s.district_id == d))
            .map(|s| s.id)
            .collect();
    Ok(choices(
        lingyan_store::teachers::choices(&state.store, &caller.scope, Capability::ReadTeachers, &schools)
            .await?,
    ))
}

async fn form_page(
    state: &AppState,
    caller: &Caller,
    ctx: PageCtx,
    id: Option<i64>,
    f: StudioForm,
    error: Option<FormError>,
) -> Result<Response, PageError> {
    let districts = managed_districts(state, caller, ctx.tr).await?;
    if districts.is_empty() {
        return Err(Error::Forbidden.into());
    }
    let district = f
        .district
        .trim()
        .parse::<i64>()
        .ok()
        .or(match districts.as_slice() {
            [(d, _)] => Some(*d),
            _ => None,
        });
    let teachers = district_teachers(state, caller, district).await?;
    let status = form_status(&error);
    Ok(render_status(
        status,
        &FormPage {
            ctx,
            id,
            f,
            districts,
            teachers,
            error,
        },
    ))
}

/// `GET /studios/new`
async fn view_studio_new_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
) -> Result<Response, PageError> {
    let d = today();
    let f = StudioForm {
        starts_on: d.to_string(),
        ends_on: d
            .checked_add_months(chrono::Months::new(36))
            .map(|e| (e - chrono::Days::new(1)).to_string())
            .unwrap_or_default(),
        ..Default::default()
    };
    form_page(&state, &caller, ctx, None, f, None).await
}

/// `POST /studios`
async fn view_studios_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    Form(f): Form<StudioForm>,
) -> Result<Response, PageError> {
    // Who before what.
    let districts = managed_districts(&state, &caller, ctx.tr).await?;
    if districts.is_empty() {
        return Err(Error::Forbidden.into());
    }
    let district = match (f.district.trim().parse::<i64>().ok(), districts.as_slice()) {
        (Some(d), _) => Some(d),
        (None, [(d, _)]) => Some(*d),
        _ => None,
    };
    let result = match (district, f.input()) {
        (Some(d), Ok(input)) => studios::create(&state.store, &caller.scope, d, &input).await,
        (None, _) => Err(Error::Invalid(FieldError::new("district", "required"))),
        (_, Err(e)) => Err(e),
    };
    match result {
        Ok(id) => {
            flash(&session, "ok", ctx.tr.t("studios.saved")).await;
            Ok(redirect(&format!("/studios/{id}")))
        }
        Err(e @ (Error::Invalid(_) | Error::InvalidAll(_) | Error::Conflict(_))) => {
            form_page(&state, &caller, ctx, None, f, Some(message_for(&e))).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `GET /studios/{id}/edit`
async fn view_studio_edit_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let studio = studios::load(&state.store, &caller.scope, id).await?;
    if !studio.may_manage {
        return Err(Error::Forbidden.into());
    }
    form_page(&state, &caller, ctx, Some(id), StudioForm::of(&studio), None).await
}

/// `POST /studios/{id}/edit`
async fn view_studio_edit_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    Path(id): Path<i64>,
    Form(mut f): Form<StudioForm>,
) -> Result<Response, PageError> {
    let studio = studios::load(&state.store, &caller.scope, id).await?;
    if !studio.may_manage {
        return Err(Error::Forbidden.into());
    }
    f.district = studio.district_id.to_string();
    let result = match f.input() {
        Ok(input) => studios::update(&state.store, &caller.scope, id, &input).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => {
            flash(&session, "ok", ctx.tr.t("studios.saved")).await;
            Ok(redirect(&format!("/studios/{id}")))
        }
        Err(e @ (Error::Invalid(_) | Error::InvalidAll(_) | Error::Conflict(_))) => {
            form_page(&state, &caller, ctx, Some(id), f, Some(message_for(&e))).await
        }
        Err(e) => Err(e.into()),
    }
}

/// A member as shown.
pub struct MemberLine {
    /// "苏涛（广府实验小学，2025-09-01 – 2026-08-31）" for former members.
    pub former: String,
    pub teacher_id: i64,
    pub name: String,
    pub school: String,
    pub subjects: String,
    pub since: String,
}

/// An activity as shown.
pub struct ActivityLine {
    pub id: i64,
    pub date: String,
    pub kind: String,
    pub send_teaching: bool,
    pub title: String,
    /// "Led by 李秀英 · 90 min · 水寨中心小学".
    pub details: String,
    pub summary: String,
}

fn activity_line(tr: Tr, a: &Activity) -> ActivityLine {
    let mut details = Vec::new();
    if let Some((_, name)) = &a.led_by {
        details.push(tr.t1("studios.led_by", "name", name));
    }
    details.push(super::mentoring_duration(tr, a.minutes));
    if !a.place.is_empty() && a.kind != StudioActivityKind::SendTeaching {
        details.push(a.place.clone());
    }
    if let Some(s) = &a.receiving_school {
        details.push(tr.t1("studios.sent_to", "school", &tr.name(s, &a.receiving_school_en)));
    }
    ActivityLine {
        id: a.id,
        date: tr.date(&a.held_on),
        kind: tr.label("studio_kinds", a.kind.code()),
        send_teaching: a.kind == StudioActivityKind::SendTeaching,
        title: a.title.clone(),
        details: details.join(" · "),
        summary: a.summary.clone(),
    }
}

/// The activity form as typed.
#[derive(Deserialize, Default)]
pub(crate) struct ActivityForm {
    #[serde(default)]
    held_on: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    place: String,
    #[serde(default)]
    minutes: String,
    #[serde(default)]
    led_by: String,
    #[serde(default)]
    receiving_school: String,
    #[serde(default)]
    receiving_school_name: String,
    #[serde(default)]
    summary: String,
}

impl ActivityForm {
    fn input(&self) -> Result<StudioActivityInput, Error> {
        let mut errors = Vec::new();
        let held_on = parse_date("held_on", &self.held_on, &mut errors);
        if self.held_on.trim().is_empty() {
            errors.push(FieldError::new("held_on", "required"));
        }
        let kind = StudioActivityKind::parse("kind", &self.kind)
            .map_err(|e| errors.push(e))
            .ok();
        let minutes = match self.minutes.trim().parse::<u32>() {
            Ok(m) => Some(m),
            Err(_) => {
                errors.push(
                    FieldError::new("minutes", "out_of_range")
                        .with("min", 1)
                        .with("max", 1440),
                );
                None
            }
        };
        let led_by = parse_id("led_by", &self.led_by, &mut errors);
        let receiving_school_id = parse_id("receiving_school", &self.receiving_school, &mut errors);
        match (held_on, kind, minutes) {
            (Some(held_on), Some(kind), Some(minutes)) if errors.is_empty() => Ok(StudioActivityInput {
                held_on,
                kind,
                title: self.title.clone(),
                place: self.place.clone(),
                minutes,
                led_by_teacher_id: led_by,
                receiving_school_id,
                receiving_school_name: self.receiving_school_name.clone(),
                summary: self.summary.clone(),
            }),
            _ => Err(Error::InvalidAll(errors)),
        }
    }
}

#[derive(Template)]
#[template(path = "studio.html")]
struct DetailPage {
    ctx: PageCtx,
    s: Studio,
    master: String,
    term: String,
    members: Vec<MemberLine>,
    former: Vec<MemberLine>,
    /// "5 members from 2 schools".
    member_count: String,
    activities: Vec<ActivityLine>,
    /// "Send-teaching 2 times, to 水寨中心小学 and 阳光幼儿园", or empty.
    send_teaching: String,
    /// Who may add members: teachers of the district (managers only).
    candidates: Vec<PersonChoice>,
    /// The kinds for the activity form: (code, label).
    kinds: Vec<(String, String)>,
    /// Who may lead an activity: the master and the members (id, name).
    leaders: Vec<(i64, String)>,
    /// The district's schools, for send-teaching: (id, name).
    schools: Vec<(i64, String)>,
    af: ActivityForm,
    member_error: Option<FormError>,
    activity_error: Option<FormError>,
}

fn member_line(tr: Tr, m: &studios::Member) -> MemberLine {
    let school = tr.name(&m.person.school_name, &m.person.school_name_en);
    let days = format!(
        "{} – {}",
        tr.date(&m.joined_on),
        m.left_on.map(|d| tr.date(&d)).unwrap_or_default()
    );
    MemberLine {
        former: format!(
            "{}{}",
            m.person.name,
            super::mentoring::bracket(
                tr,
                &format!("{school}{}{days}", if tr.is_zh() { "，" } else { ", " })
            )
        ),
        teacher_id: m.person.teacher_id,
        name: m.person.name.clone(),
        school: tr
            .name(&m.person.school_name, &m.person.school_name_en)
            .to_string(),
        subjects: m.person.subjects.join(if tr.is_zh() { "、" } else { ", " }),
        since: tr.date(&m.joined_on),
    }
}

/// Errors of the page's two forms; the activity form as typed.
#[derive(Default)]
struct Forms {
    af: ActivityForm,
    member_error: Option<FormError>,
    activity_error: Option<FormError>,
}

async fn detail(
    state: &AppState,
    caller: &Caller,
    ctx: PageCtx,
    id: i64,
    forms: Forms,
) -> Result<Response, PageError> {
    let tr = ctx.tr;
    let p: StudioPage = studios::get(&state.store, &caller.scope, id).await?;
    let s = &p.studio;
    let (sent, reached) = p.send_teaching();
    let send_teaching = match sent {
        0 => String::new(),
        n => i18n::t_count(
            tr.0,
            "studios.send_teaching_summary",
            n,
            &[(
                "schools",
                reached
                    .iter()
                    .map(|(name, en)| tr.name(name, en).to_string())
                    .collect::<Vec<_>>()
                    .join(if tr.is_zh() { "、" } else { ", " }),
            )],
        ),
    };
    let candidates = if s.may_manage {
        let inside: std::collections::BTreeSet<i64> = s
            .members
            .iter()
            .map(|m| m.person.teacher_id)
            .chain([s.master.teacher_id])
            .collect();
        district_teachers(state, caller, Some(s.district_id))
            .await?
            .into_iter()
            .filter(|c| !inside.contains(&c.id))
            .collect()
    } else {
        Vec::new()
    };
    // Every school of the district may receive send-teaching, whichever
    // the recorder reads (a school's name is not personal data).
    let schools = if s.may_record {
        lingyan_store::schools::all_with(
            &state.store,
            &lingyan_store::Scope::system("studio-schools"),
            Capability::Read,
        )
        .await?
        .into_iter()
        .filter(|sc| sc.district_id == s.district_id)
        .map(|sc| (sc.id, tr.name(&sc.name, &sc.name_en).to_string()))
        .collect()
    } else {
        Vec::new()
    };
    let status = form_status(&forms.member_error.clone().or(forms.activity_error.clone()));
    let mut af = forms.af;
    if af.held_on.is_empty() {
        af.held_on = today().to_string();
        af.minutes = "90".into();
    }
    Ok(render_status(
        status,
        &DetailPage {
            master: super::mentoring::with_school(tr, &s.master),
            term: term(tr, s),
            members: s.members.iter().map(|m| member_line(tr, m)).collect(),
            former: s.former.iter().map(|m| member_line(tr, m)).collect(),
            member_count: members_from(tr, s),
            activities: p.activities.iter().map(|a| activity_line(tr, a)).collect(),
            send_teaching,
            candidates,
            kinds: StudioActivityKind::ALL
                .iter()
                .map(|k| (k.code().to_string(), tr.label("studio_kinds", k.code())))
                .collect(),
            leaders: std::iter::once(&s.master)
                .chain(s.members.iter().map(|m| &m.person))
                .map(|p| (p.teacher_id, p.name.clone()))
                .collect(),
            schools,
            af,
            member_error: forms.member_error,
            activity_error: forms.activity_error,
            s: p.studio,
            ctx,
        },
    ))
}

/// `GET /studios/{id}`
async fn view_studio_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    detail(&state, &caller, ctx, id, Forms::default()).await
}

#[derive(Deserialize, Default)]
pub(crate) struct MemberForm {
    #[serde(default)]
    teacher: String,
    #[serde(default)]
    joined_on: String,
}

/// `POST /studios/{id}/members`
async fn view_members_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    Path(id): Path<i64>,
    Form(f): Form<MemberForm>,
) -> Result<Response, PageError> {
    let studio = studios::load(&state.store, &caller.scope, id).await?;
    if !studio.may_manage {
        return Err(Error::Forbidden.into());
    }
    let mut errors = Vec::new();
    let teacher = parse_id("teacher", &f.teacher, &mut errors);
    if f.teacher.trim().is_empty() {
        errors.push(FieldError::new("teacher", "required"));
    }
    let joined_on = parse_date("joined_on", &f.joined_on, &mut errors);
    let result = match teacher {
        Some(teacher_id) if errors.is_empty() => {
            studios::add_member(
                &state.store,
                &caller.scope,
                id,
                &MemberInput {
                    teacher_id,
                    joined_on,
                },
            )
            .await
        }
        _ => Err(Error::InvalidAll(errors)),
    };
    match result {
        Ok(()) => {
            flash(&session, "ok", ctx.tr.t("studios.member_added")).await;
            Ok(redirect(&format!("/studios/{id}#members")))
        }
        Err(e @ (Error::Invalid(_) | Error::InvalidAll(_) | Error::Conflict(_))) => {
            let forms = Forms {
                member_error: Some(message_for(&e)),
                ..Default::default()
            };
            detail(&state, &caller, ctx, id, forms).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /studios/{id}/members/{teacher}/remove`
async fn view_member_remove_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    Path((id, teacher)): Path<(i64, i64)>,
) -> Result<Response, PageError> {
    studios::remove_member(&state.store, &caller.scope, id, teacher).await?;
    flash(&session, "ok", ctx.tr.t("studios.member_removed")).await;
    Ok(redirect(&format!("/studios/{id}#members")))
}

/// `POST /studios/{id}/activities`
async fn view_activities_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    Path(id): Path<i64>,
    Form(f): Form<ActivityForm>,
) -> Result<Response, PageError> {
    let studio = studios::load(&state.store, &caller.scope, id).await?;
    if !studio.may_record {
        return Err(Error::Forbidden.into());
    }
    let result = match f.input() {
        Ok(input) => studios::add_activity(&state.store, &caller.scope, id, &input).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => {
            flash(&session, "ok", ctx.tr.t("studios.activity_added")).await;
            Ok(redirect(&format!("/studios/{id}#activities")))
        }
        Err(e @ (Error::Invalid(_) | Error::InvalidAll(_) | Error::Conflict(_))) => {
            let forms = Forms {
                activity_error: Some(message_for(&e)),
                af: f,
                ..Default::default()
            };
            detail(&state, &caller, ctx, id, forms).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /studio-activities/{id}/delete`
async fn view_activity_delete_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let studio = studios::remove_activity(&state.store, &caller.scope, id).await?;
    flash(&session, "ok", ctx.tr.t("studios.activity_removed")).await;
    Ok(redirect(&format!("/studios/{studio}#activities")))
}
