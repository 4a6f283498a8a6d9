//! The teacher registry: list with filters, a teacher's page (facts, tier
//! and why, honours history, groups, transfers), adding and editing,
//! honours, tier overrides, transfers and account links.

use super::{PageCtx, Pager, flash, redirect, render, render_status, url_with};
use crate::auth::Caller;
use crate::error::PageError;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use lingyan_domain::{
    Capability, Education, Employment, Gender, HonourKind, Level, PageRequest, Post, Section,
};
use lingyan_store::Error;
use lingyan_store::calendar::today;
use lingyan_store::schools::School;
use lingyan_store::teachers::{
    AgeBand, HonourInput, SortBy, Teacher, TeacherDetail, TeacherFilter, TeacherInput, split_list,
};
use serde::Deserialize;
use tower_sessions::Session;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/teachers", get(view_teachers_get).post(view_teachers_post))
        .route("/teachers/new", get(view_teacher_new_get))
        .route("/teachers/{id}", get(view_teacher_get).post(view_teacher_post))
        .route("/teachers/{id}/edit", get(view_teacher_edit_get))
        .route("/teachers/{id}/honours", post(view_teacher_honours_post))
        .route("/honours/{id}/status", post(view_honour_status_post))
        .route("/teachers/{id}/tier", post(view_teacher_tier_post))
        .route("/teachers/{id}/transfer", post(view_teacher_transfer_post))
        .route("/teachers/{id}/account", post(view_teacher_account_post))
}

/// Choices for the filter and edit forms.
pub struct Choices {
    pub schools: Vec<School>,
    pub sections: &'static [Section],
    pub employments: &'static [Employment],
    pub posts: &'static [Post],
    pub educations: &'static [Education],
    pub genders: &'static [Gender],
    pub levels: Vec<Level>,
    pub kinds: Vec<HonourKind>,
    pub bands: Vec<AgeBand>,
    pub subjects: Vec<String>,
}

async fn choices(state: &AppState, caller: &Caller, cap: Capability) -> Result<Choices, Error> {
    Ok(Choices {
        schools: lingyan_store::schools::all_with(&state.store, &caller.scope, cap).await?,
        sections: Section::ALL,
        employments: Employment::ALL,
        posts: Post::ALL,
        educations: Education::ALL,
        genders: Gender::ALL,
        levels: Level::ALL.iter().rev().copied().collect(),
        kinds: HonourKind::ALL.to_vec(),
        bands: AgeBand::ALL.to_vec(),
        subjects: lingyan_store::teachers::subjects(&state.store, &caller.scope, None).await?,
    })
}

#[derive(Deserialize, Default, Clone)]
pub struct ListQuery {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub school: String,
    #[serde(default)]
    pub section: String,
    #[serde(default)]
    pub subject: String,
    #[serde(default)]
    pub employment: String,
    #[serde(default)]
    pub education: String,
    #[serde(default)]
    pub level: String,
    #[serde(default)]
    pub honour: String,
    #[serde(default)]
    pub tier: String,
    #[serde(default)]
    pub age: String,
    #[serde(default)]
    pub group: String,
    #[serde(default)]
    pub sort: String,
    #[serde(default)]
    pub desc: String,
    pub page: Option<u64>,
}

impl ListQuery {
    pub fn filter(&self) -> TeacherFilter {
        TeacherFilter {
            q: Some(self.q.clone()),
            school_id: self.school.parse().ok(),
            district_id: None,
            section: Section::parse("section", &self.section).ok(),
            subject: Some(self.subject.clone()),
            employment: Employment::parse("employment", &self.employment).ok(),
            post: None,
            education: Education::parse("education", &self.education).ok(),
            backbone_level: Level::parse("level", &self.level).ok(),
            honour: HonourKind::parse("honour", &self.honour).ok(),
            tier: Some(self.tier.clone()),
            age_band: AgeBand::parse(&self.age),
            group_id: self.group.parse().ok(),
            include_inactive: false,
            sort: SortBy::parse(&self.sort).unwrap_or_default(),
            descending: self.desc == "1",
        }
    }

    fn pairs(&self) -> Vec<(&'static str, String)> {
        vec![
            ("q", self.q.clone()),
            ("school", self.school.clone()),
            ("section", self.section.clone()),
            ("subject", self.subject.clone()),
            ("employment", self.employment.clone()),
            ("education", self.education.clone()),
            ("level", self.level.clone()),
            ("honour", self.honour.clone()),
            ("tier", self.tier.clone()),
            ("age", self.age.clone()),
            ("group", self.group.clone()),
            ("sort", self.sort.clone()),
            ("desc", self.desc.clone()),
        ]
    }

    /// The list sorted by `by`, flipping the direction when it already is.
    pub fn sort_link(&self, by: &str) -> String {
        let mut q = self.clone();
        q.desc = if self.sort == by && self.desc != "1" {
            "1".into()
        } else {
            String::new()
        };
        q.sort = by.to_string();
        url_with("/teachers", &q.pairs())
    }
}

#[derive(Template)]
#[template(path = "teachers.html")]
struct TeachersPage {
    ctx: PageCtx,
    teachers: Vec<Teacher>,
    pager: Pager,
    q: ListQuery,
    c: Choices,
    tiers: Vec<(String, String)>,
    can_manage: bool,
    export_url: String,
}

#[derive(Template)]
#[template(path = "teachers_partial.html")]
struct TeachersPartial {
    ctx: PageCtx,
    teachers: Vec<Teacher>,
    pager: Pager,
    q: ListQuery,
}

/// Tier codes and names in use (standard ones plus any a school defined).
async fn tier_choices(
    state: &AppState,
    caller: &Caller,
    tr: crate::i18n::Tr,
    schools: &[School],
) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let year = lingyan_domain::Calendar::default().semester_of(today()).year;
    for s in schools.iter().take(20) {
        if let Ok(v) =
            lingyan_store::tiers::get(&state.store, &caller.scope, s.district_id, Some(s.id), year).await
        {
            for t in v.set.tiers {
                if !out.iter().any(|(c, _)| *c == t.code) {
                    out.push((t.code.clone(), t.name(tr.0).to_string()));
                }
            }
        }
    }
    out
}

/// `GET /teachers` (the table alone for htmx)
async fn view_teachers_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    headers: HeaderMap,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    let page = PageRequest::new(q.page, Some(50));
    let list = lingyan_store::teachers::list(&state.store, &caller.scope, &q.filter(), page, today()).await?;
    let pager = Pager::new(&list, &url_with("/teachers", &q.pairs()));
    if headers.contains_key("hx-request") && !headers.contains_key("hx-boosted") {
        return Ok(render(&TeachersPartial {
            ctx,
            teachers: list.items,
            pager,
            q,
        }));
    }
    let c = choices(&state, &caller, Capability::ReadTeachers).await?;
    if c.schools.is_empty() && list.total == 0 {
        return Err(Error::Forbidden.into());
    }
    let tiers = tier_choices(&state, &caller, ctx.tr, &c.schools).await;
    Ok(render(&TeachersPage {
        can_manage: !caller
            .scope
            .access()
            .tenants(Capability::ManageTeachers)
            .is_empty(),
        export_url: format!("/teachers/export.xlsx?school={}", q.school),
        teachers: list.items,
        pager,
        c,
        tiers,
        q,
        ctx,
    }))
}

/// The teacher form's fields as typed.
#[derive(Deserialize, Default, Clone)]
pub struct TeacherForm {
    #[serde(default)]
    pub school: String,
    #[serde(default)]
    pub staff_no: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub gender: String,
    #[serde(default)]
    pub birth_date: String,
    #[serde(default)]
    pub work_start: String,
    #[serde(default)]
    pub section: String,
    #[serde(default)]
    pub subjects: String,
    #[serde(default)]
    pub employment: String,
    #[serde(default)]
    pub post: String,
    #[serde(default)]
    pub front_line: String,
    #[serde(default)]
    pub education: String,
    #[serde(default)]
    pub major: String,
    #[serde(default)]
    pub major_matches: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub posts: String,
    #[serde(default)]
    pub certificates: String,
    /// `on` when the teacher is current staff (edit form only).
    pub active: Option<String>,
}

impl TeacherForm {
    fn input(&self) -> TeacherInput {
        TeacherInput {
            staff_no: Some(self.staff_no.clone()),
            name: Some(self.name.clone()),
            gender: Some(self.gender.clone()),
            birth_date: Some(self.birth_date.clone()),
            work_start: Some(self.work_start.clone()),
            section: Some(self.section.clone()),
            subjects: Some(split_list(&self.subjects)),
            employment: Some(self.employment.clone()),
            post: Some(self.post.clone()),
            front_line: Some(self.front_line.clone()),
            education: Some(self.education.clone()),
            major: Some(self.major.clone()),
            major_matches: Some(self.major_matches.clone()),
            title: Some(self.title.clone()),
            posts: Some(split_list(&self.posts)),
            certificates: Some(split_list(&self.certificates)),
        }
    }

    fn of(t: &Teacher) -> Self {
        let f = &t.fields;
        let code = |c: Option<&'static str>| c.unwrap_or("").to_string();
        let yn = |b: Option<bool>| match b {
            Some(true) => "是".to_string(),
            Some(false) => "否".to_string(),
            None => String::new(),
        };
        Self {
            school: t.school_id.to_string(),
            staff_no: f.staff_no.clone().unwrap_or_default(),
            name: f.name.clone(),
            gender: code(f.gender.map(Gender::code)),
            birth_date: f.birth_date.map(|d| d.to_string()).unwrap_or_default(),
            work_start: f.work_start.map(|d| d.to_string()).unwrap_or_default(),
            section: code(f.section.map(Section::code)),
            subjects: f.subjects.join("、"),
            employment: code(f.employment.map(Employment::code)),
            post: code(f.post.map(Post::code)),
            front_line: yn(f.front_line),
            education: code(f.education.map(Education::code)),
            major: f.major.clone().unwrap_or_default(),
            major_matches: yn(f.major_matches),
            title: f.title.clone().unwrap_or_default(),
            posts: f.posts.join("、"),
            certificates: f.certificates.join("、"),
            active: t.active.then(|| "on".into()),
        }
    }
}

#[derive(Template)]
#[template(path = "teacher_form.html")]
struct TeacherFormPage {
    ctx: PageCtx,
    /// `None` when adding.
    teacher_id: Option<i64>,
    form: TeacherForm,
    c: Choices,
    error: Option<crate::pages::FormError>,
}

/// `GET /teachers/new`
async fn view_teacher_new_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
) -> Result<Response, PageError> {
    let c = choices(&state, &caller, Capability::ManageTeachers).await?;
    if c.schools.is_empty() {
        return Err(Error::Forbidden.into());
    }
    let form = TeacherForm {
        school: c.schools[0].id.to_string(),
        ..Default::default()
    };
    Ok(render(&TeacherFormPage {
        ctx,
        teacher_id: None,
        form,
        c,
        error: None,
    }))
}

/// `POST /teachers`: adds a teacher.
async fn view_teachers_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    Form(f): Form<TeacherForm>,
) -> Result<Response, PageError> {
    let school: i64 = f.school.parse().unwrap_or_default();
    match lingyan_store::teachers::create(&state.store, &caller.scope, school, &f.input(), today()).await {
        Ok(t) => {
            flash(
                &session,
                "ok",
                ctx.tr.t1("teachers.created", "name", &t.fields.name),
            )
            .await;
            Ok(redirect(&format!("/teachers/{}", t.id)))
        }
        Err(e @ (Error::Invalid(_) | Error::Conflict(_))) => {
            let c = choices(&state, &caller, Capability::ManageTeachers).await?;
            let error = Some(super::message_for(&e));
            Ok(render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &TeacherFormPage {
                    ctx,
                    teacher_id: None,
                    form: f,
                    c,
                    error,
                },
            ))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "teacher_detail.html")]
struct TeacherPage {
    ctx: PageCtx,
    d: TeacherDetail,
    kinds: Vec<HonourKind>,
    levels: Vec<Level>,
    tiers: Vec<(String, String)>,
    schools: Vec<School>,
    year: i32,
    /// How honour levels are named: 区级 in a 区, 县级 in a 县.
    honour_levels: Vec<(Level, String)>,
    error: Option<crate::pages::FormError>,
}

impl TeacherPage {
    fn level_name(&self, l: &Level) -> &str {
        self.honour_levels
            .iter()
            .find(|(x, _)| x == l)
            .map_or("", |(_, n)| n.as_str())
    }
}

async fn teacher_page(
    state: &AppState,
    caller: &Caller,
    ctx: PageCtx,
    id: i64,
    error: Option<crate::pages::FormError>,
) -> Result<TeacherPage, PageError> {
    let d = lingyan_store::teachers::get(&state.store, &caller.scope, id, today()).await?;
    let cal = lingyan_store::calendar::for_school(&state.store, &caller.scope, d.teacher.school_id).await?;
    let year = cal.semester_of(today()).year;
    let rules = lingyan_store::tiers::get(
        &state.store,
        &caller.scope,
        d.teacher.district_id,
        Some(d.teacher.school_id),
        year,
    )
    .await?;
    let tiers = rules
        .set
        .tiers
        .iter()
        .map(|t| (t.code.clone(), t.name(ctx.tr.0).to_string()))
        .collect();
    let schools = if d.can_manage {
        lingyan_store::schools::all_with(&state.store, &caller.scope, Capability::ManageTeachers)
            .await?
            .into_iter()
            .filter(|s| s.id != d.teacher.school_id)
            .collect()
    } else {
        Vec::new()
    };
    let district = lingyan_store::schools::get(&state.store, &caller.scope, d.teacher.school_id)
        .await?
        .district_name;
    let honour_levels = Level::ALL
        .iter()
        .map(|l| (*l, lingyan_reports::status::level_word(ctx.tr.0, *l, &district)))
        .collect();
    Ok(TeacherPage {
        d,
        honour_levels,
        kinds: HonourKind::ALL.to_vec(),
        levels: Level::ALL.iter().rev().copied().collect(),
        tiers,
        schools,
        year,
        error,
        ctx,
    })
}

/// `GET /teachers/{id}`
async fn view_teacher_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    Ok(render(&teacher_page(&state, &caller, ctx, id, None).await?))
}

async fn failed(
    state: &AppState,
    caller: &Caller,
    ctx: PageCtx,
    id: i64,
    e: Error,
) -> Result<Response, PageError> {
    match e {
        Error::Invalid(_) | Error::Conflict(_) => {
            let msg = super::message_for(&e);
            let p = teacher_page(state, caller, ctx, id, Some(msg)).await?;
            Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &p))
        }
        e => Err(e.into()),
    }
}

/// `GET /teachers/{id}/edit`
async fn view_teacher_edit_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let d = lingyan_store::teachers::get(&state.store, &caller.scope, id, today()).await?;
    if !d.can_manage {
        return Err(Error::Forbidden.into());
    }
    let c = choices(&state, &caller, Capability::ManageTeachers).await?;
    Ok(render(&TeacherFormPage {
        form: TeacherForm::of(&d.teacher),
        teacher_id: Some(id),
        c,
        error: None,
        ctx,
    }))
}

/// `POST /teachers/{id}`: saves the edit form.
async fn view_teacher_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    Path(id): Path<i64>,
    Form(f): Form<TeacherForm>,
) -> Result<Response, PageError> {
    let active = Some(super::checkbox(&f.active));
    match lingyan_store::teachers::update(&state.store, &caller.scope, id, &f.input(), active, today()).await
    {
        Ok(_) => {
            flash(&session, "ok", ctx.tr.t("common.saved")).await;
            Ok(redirect(&format!("/teachers/{id}")))
        }
        Err(e @ (Error::Invalid(_) | Error::Conflict(_))) => {
            let c = choices(&state, &caller, Capability::ManageTeachers).await?;
            let error = Some(super::message_for(&e));
            Ok(render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &TeacherFormPage {
                    ctx,
                    teacher_id: Some(id),
                    form: f,
                    c,
                    error,
                },
            ))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
struct HonourForm {
    kind: String,
    level: String,
    /// The whole title as written, instead of kind and level.
    #[serde(default)]
    title: String,
    #[serde(default)]
    subject: String,
    #[serde(default)]
    granted_year: String,
    #[serde(default)]
    granting_body: String,
    #[serde(default)]
    valid_until_year: String,
}

/// `POST /teachers/{id}/honours`
async fn view_teacher_honours_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    Path(id): Path<i64>,
    Form(f): Form<HonourForm>,
) -> Result<Response, PageError> {
    // A title typed whole (宜都市语文学科带头人) says kind and level itself.
    let whole = !f.title.trim().is_empty();
    let input = HonourInput {
        kind: if whole { f.title } else { f.kind },
        level: if whole { String::new() } else { f.level },
        subject: f.subject,
        granted_year: f.granted_year,
        granting_body: f.granting_body,
        valid_until_year: f.valid_until_year,
    };
    match lingyan_store::teachers::add_honour(&state.store, &caller.scope, id, &input).await {
        Ok(_) => {
            flash(&session, "ok", ctx.tr.t("teachers.honour_added")).await;
            Ok(redirect(&format!("/teachers/{id}")))
        }
        Err(e) => failed(&state, &caller, ctx, id, e).await,
    }
}

#[derive(Deserialize)]
struct HonourStatusForm {
    status: String,
    #[serde(default)]
    reason: String,
    teacher: i64,
}

/// `POST /honours/{id}/status`: expire, revoke or reinstate an honour.
async fn view_honour_status_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    Path(id): Path<i64>,
    Form(f): Form<HonourStatusForm>,
) -> Result<Response, PageError> {
    match lingyan_store::teachers::set_honour_status(&state.store, &caller.scope, id, &f.status, &f.reason)
        .await
    {
        Ok(_) => {
            flash(&session, "ok", ctx.tr.t("common.saved")).await;
            Ok(redirect(&format!("/teachers/{}", f.teacher)))
        }
        Err(e) => failed(&state, &caller, ctx, f.teacher, e).await,
    }
}

#[derive(Deserialize)]
struct TierForm {
    #[serde(default)]
    tier: String,
    #[serde(default)]
    reason: String,
    year: i32,
}

/// `POST /teachers/{id}/tier`: set the tier by hand (or clear it with an
/// empty tier).
async fn view_teacher_tier_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    Path(id): Path<i64>,
    Form(f): Form<TierForm>,
) -> Result<Response, PageError> {
    let res = if f.tier.trim().is_empty() {
        lingyan_store::tiers::clear_override(&state.store, &caller.scope, id, f.year).await
    } else {
        lingyan_store::tiers::set_override(&state.store, &caller.scope, id, f.year, &f.tier, &f.reason).await
    };
    match res {
        Ok(()) => {
            flash(&session, "ok", ctx.tr.t("common.saved")).await;
            Ok(redirect(&format!("/teachers/{id}")))
        }
        Err(e) => failed(&state, &caller, ctx, id, e).await,
    }
}

#[derive(Deserialize)]
struct TransferForm {
    to_school: String,
    on_date: String,
    reason: String,
}

/// `POST /teachers/{id}/transfer`
async fn view_teacher_transfer_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    Path(id): Path<i64>,
    Form(f): Form<TransferForm>,
) -> Result<Response, PageError> {
    let to: i64 = f.to_school.parse().unwrap_or_default();
    match lingyan_store::teachers::transfer(
        &state.store,
        &caller.scope,
        id,
        to,
        &f.on_date,
        &f.reason,
        today(),
    )
    .await
    {
        Ok(t) => {
            flash(
                &session,
                "ok",
                ctx.tr.t1("teachers.transferred", "school", &t.school_name),
            )
            .await;
            Ok(redirect(&format!("/teachers/{id}")))
        }
        Err(e) => failed(&state, &caller, ctx, id, e).await,
    }
}

#[derive(Deserialize)]
struct AccountForm {
    #[serde(default)]
    username: String,
}

/// `POST /teachers/{id}/account`: link (or unlink) a login account.
async fn view_teacher_account_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    Path(id): Path<i64>,
    Form(f): Form<AccountForm>,
) -> Result<Response, PageError> {
    let username = Some(f.username.as_str()).filter(|u| !u.trim().is_empty());
    match lingyan_store::teachers::link_account(&state.store, &caller.scope, id, username, today()).await {
        Ok(_) => {
            flash(&session, "ok", ctx.tr.t("common.saved")).await;
            Ok(redirect(&format!("/teachers/{id}")))
        }
        Err(e) => failed(&state, &caller, ctx, id, e).await,
    }
}
