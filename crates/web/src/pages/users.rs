//! People: the account list with search and filters, creating accounts,
//! editing them, granting and revoking roles, resetting passwords, and the
//! account list as a spreadsheet.

use super::{PageCtx, Pager, flash, redirect, render, render_status, url_with};
use crate::auth::Caller;
use crate::error::PageError;
use crate::i18n::Tr;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use lingyan_domain::{Capability, PageRequest, Role, Tenant};
use lingyan_store::districts::District;
use lingyan_store::schools::School;
use lingyan_store::users::{GrantPlace, NewUser, User, UserChanges, UserFilter};
use lingyan_store::{Error, Scope};
use serde::Deserialize;
use tower_sessions::Session;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/users", get(view_users_get).post(view_users_post))
        .route("/users/new", get(view_user_new_get))
        .route("/users/export.xlsx", get(view_users_export_get))
        .route("/users/{id}", get(view_user_get).post(view_user_post))
        .route("/users/{id}/roles", post(view_user_roles_post))
        .route(
            "/users/{id}/roles/{grant_id}/delete",
            post(view_user_role_delete_post),
        )
        .route("/users/{id}/password", post(view_user_password_post))
}

/// A choice of where an account or a role belongs: `s:<id>` a school,
/// `d:<id>` a district, `global` the installation.
#[derive(Debug, Clone)]
pub struct PlaceOption {
    pub value: String,
    pub label: String,
}

fn parse_place(v: &str) -> GrantPlace {
    let id = |s: &str| s.parse::<i64>().ok();
    match v.split_once(':') {
        Some(("s", n)) => GrantPlace {
            school_id: id(n),
            district_id: None,
        },
        Some(("d", n)) => GrantPlace {
            school_id: None,
            district_id: id(n),
        },
        _ => GrantPlace::default(),
    }
}

/// Places where the caller may create accounts or grant roles.
async fn place_options(state: &AppState, scope: &Scope, tr: Tr) -> Result<Vec<PlaceOption>, Error> {
    let mut out = Vec::new();
    let districts: Vec<District> = lingyan_store::districts::list(&state.store, scope)
        .await?
        .into_iter()
        .filter(|d| scope.allows(Capability::ManageSchools, Tenant::district(d.id)))
        .collect();
    if scope.access().is_system_admin() {
        out.push(PlaceOption {
            value: "global".into(),
            label: tr.t("users.place_global"),
        });
    }
    for d in &districts {
        out.push(PlaceOption {
            value: format!("d:{}", d.id),
            label: format!("{} · {}", d.name, tr.t("users.place_district_level")),
        });
    }
    let schools: Vec<School> =
        lingyan_store::schools::all_with(&state.store, scope, Capability::ManageUsers).await?;
    for s in schools {
        out.push(PlaceOption {
            value: format!("s:{}", s.id),
            label: format!("{} ({})", s.name, s.code),
        });
    }
    Ok(out)
}

#[derive(Deserialize, Default)]
struct ListQuery {
    q: Option<String>,
    school: Option<String>,
    role: Option<String>,
    status: Option<String>,
    page: Option<u64>,
}

impl ListQuery {
    fn filter(&self) -> UserFilter {
        UserFilter {
            q: self.q.clone(),
            school_id: self.school.as_deref().and_then(|s| s.parse().ok()),
            district_id: None,
            role: self.role.as_deref().and_then(|r| Role::parse(r).ok()),
            active: match self.status.as_deref() {
                Some("active") => Some(true),
                Some("inactive") => Some(false),
                _ => None,
            },
        }
    }

    fn pairs(&self) -> Vec<(&'static str, String)> {
        vec![
            ("q", self.q.clone().unwrap_or_default()),
            ("school", self.school.clone().unwrap_or_default()),
            ("role", self.role.clone().unwrap_or_default()),
            ("status", self.status.clone().unwrap_or_default()),
        ]
    }
}

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    ctx: PageCtx,
    users: Vec<User>,
    pager: Pager,
    q: String,
    school: String,
    role: String,
    status: String,
    schools: Vec<School>,
    roles: Vec<Role>,
    can_create: bool,
    export_url: String,
    /// Accounts and sign-ins at a glance (the administration summary).
    counts: lingyan_store::stats::HomeCounts,
}

#[derive(Template)]
#[template(path = "users_partial.html")]
struct UsersPartial {
    ctx: PageCtx,
    users: Vec<User>,
    pager: Pager,
}

/// `GET /users` (the table alone when htmx asks, for live search)
async fn view_users_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    headers: HeaderMap,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    let page = PageRequest::new(q.page, Some(50));
    let list = lingyan_store::users::list(&state.store, &caller.scope, &q.filter(), page).await?;
    let pager = Pager::new(&list, &url_with("/users", &q.pairs()));
    if headers.contains_key("hx-request") && !headers.contains_key("hx-boosted") {
        return Ok(render(&UsersPartial {
            ctx,
            users: list.items,
            pager,
        }));
    }
    let schools = lingyan_store::schools::all_with(&state.store, &caller.scope, Capability::Read).await?;
    let counts = lingyan_store::stats::home(&state.store, &caller.scope).await?;
    Ok(render(&UsersPage {
        counts,
        users: list.items,
        pager,
        q: q.q.clone().unwrap_or_default(),
        school: q.school.clone().unwrap_or_default(),
        role: q.role.clone().unwrap_or_default(),
        status: q.status.clone().unwrap_or_default(),
        schools,
        roles: Role::ALL.to_vec(),
        can_create: !caller.scope.access().tenants(Capability::ManageUsers).is_empty(),
        export_url: url_with("/users/export.xlsx", &q.pairs()),
        ctx,
    }))
}

/// `GET /users/export.xlsx`: every account matching the filters.
async fn view_users_export_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    let tr = ctx.tr;
    let filter = q.filter();
    let mut rows = Vec::new();
    let mut page = 1;
    loop {
        let p = lingyan_store::users::list(
            &state.store,
            &caller.scope,
            &filter,
            PageRequest::new(Some(page), Some(500)),
        )
        .await?;
        let more = p.has_next();
        for u in p.items {
            let roles: Vec<String> = u
                .grants
                .iter()
                .map(|g| {
                    if g.place.is_empty() {
                        tr.role(&g.role)
                    } else {
                        format!("{} ({})", tr.role(&g.role), g.place)
                    }
                })
                .collect();
            rows.push(vec![
                lingyan_reports::Cell::Text(u.username),
                lingyan_reports::Cell::Text(u.display_name),
                lingyan_reports::Cell::Text(u.home_name.unwrap_or_default()),
                lingyan_reports::Cell::Text(roles.join("; ")),
                lingyan_reports::Cell::Text(tr.t(if u.active {
                    "users.active"
                } else {
                    "users.inactive"
                })),
                lingyan_reports::Cell::Text(tr.opt_datetime(&u.last_login_at)),
            ]);
        }
        if !more {
            break;
        }
        page += 1;
    }
    let table = lingyan_reports::Table {
        title: tr.t("users.export_sheet"),
        headers: [
            "fields.username",
            "fields.display_name",
            "users.home",
            "users.roles",
            "users.status",
            "users.last_login",
        ]
        .iter()
        .map(|k| tr.t(k))
        .collect(),
        rows,
    };
    let bytes =
        lingyan_reports::xlsx(&[table]).map_err(|e| PageError::Store(Error::Internal(e.to_string())))?;
    let mut resp = bytes.into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    );
    resp.headers_mut().insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"lingyan-accounts.xlsx\""),
    );
    Ok(resp)
}

#[derive(Template)]
#[template(path = "user_new.html")]
struct NewUserPage {
    ctx: PageCtx,
    places: Vec<PlaceOption>,
    roles: Vec<Role>,
    form: NewUserForm,
    error: Option<crate::pages::FormError>,
}

#[derive(Deserialize, Default, Clone)]
struct NewUserForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    place: String,
    #[serde(default)]
    role: Vec<String>,
}

impl NewUserForm {
    fn has_role(&self, r: &Role) -> bool {
        self.role.iter().any(|x| x == r.code())
    }
}

/// `GET /users/new`
async fn view_user_new_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
) -> Result<Response, PageError> {
    let places = place_options(&state, &caller.scope, ctx.tr).await?;
    if places.is_empty() {
        return Err(Error::Forbidden.into());
    }
    Ok(render(&NewUserPage {
        ctx,
        places,
        roles: caller.scope.access().assignable_roles(),
        form: NewUserForm {
            role: vec![Role::Teacher.code().into()],
            ..Default::default()
        },
        error: None,
    }))
}

/// `POST /users`: creates an account.
async fn view_users_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    RepeatedForm(form): RepeatedForm<NewUserForm>,
) -> Result<Response, PageError> {
    let place = parse_place(&form.place);
    let input = NewUser {
        username: form.username.clone(),
        display_name: form.display_name.clone(),
        password: form.password.clone(),
        school_id: place.school_id,
        district_id: place.district_id,
        roles: form.role.clone(),
        locale: None,
    };
    match lingyan_store::users::create(&state.store, &caller.scope, input).await {
        Ok(u) => {
            flash(
                &session,
                "ok",
                ctx.tr.t1("users.created", "name", &u.display_name),
            )
            .await;
            Ok(redirect(&format!("/users/{}", u.id)))
        }
        Err(e @ (Error::Invalid(_) | Error::Conflict(_) | Error::Forbidden)) => {
            let status = if matches!(e, Error::Forbidden) {
                StatusCode::FORBIDDEN
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            let error = Some(super::message_for(&e));
            Ok(render_status(
                status,
                &NewUserPage {
                    places: place_options(&state, &caller.scope, ctx.tr).await?,
                    roles: caller.scope.access().assignable_roles(),
                    form: NewUserForm {
                        password: String::new(),
                        ..form
                    },
                    error,
                    ctx,
                },
            ))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "user_detail.html")]
struct UserPage {
    ctx: PageCtx,
    user: User,
    can_manage: bool,
    is_self: bool,
    places: Vec<PlaceOption>,
    roles: Vec<Role>,
    error: Option<crate::pages::FormError>,
}

async fn user_page(
    state: &AppState,
    caller: &Caller,
    ctx: PageCtx,
    id: i64,
    error: Option<crate::pages::FormError>,
) -> Result<UserPage, PageError> {
    let user = lingyan_store::users::get(&state.store, &caller.scope, id).await?;
    let can_manage = lingyan_store::users::can_manage(&caller.scope, &user);
    let places = if can_manage {
        place_options(state, &caller.scope, ctx.tr).await?
    } else {
        Vec::new()
    };
    Ok(UserPage {
        is_self: user.id == caller.account.id,
        can_manage,
        places,
        roles: caller.scope.access().assignable_roles(),
        user,
        error,
        ctx,
    })
}

/// `GET /users/{id}`
async fn view_user_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    Ok(render(&user_page(&state, &caller, ctx, id, None).await?))
}

/// Renders the account page with an error for a failed form, or fails.
async fn form_failed(
    state: &AppState,
    caller: &Caller,
    ctx: PageCtx,
    id: i64,
    e: Error,
) -> Result<Response, PageError> {
    match e {
        Error::Invalid(_) | Error::Conflict(_) => {
            let msg = super::message_for(&e);
            let p = user_page(state, caller, ctx, id, Some(msg)).await?;
            Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &p))
        }
        e => Err(e.into()),
    }
}

#[derive(Deserialize)]
struct EditForm {
    display_name: String,
    active: Option<String>,
}

/// `POST /users/{id}`: edits name and status.
async fn view_user_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    Path(id): Path<i64>,
    Form(f): Form<EditForm>,
) -> Result<Response, PageError> {
    let changes = UserChanges {
        display_name: Some(f.display_name),
        active: Some(super::checkbox(&f.active)),
        locale: None,
    };
    match lingyan_store::users::update(&state.store, &caller.scope, id, changes).await {
        Ok(_) => {
            flash(&session, "ok", ctx.tr.t("common.saved")).await;
            Ok(redirect(&format!("/users/{id}")))
        }
        Err(e) => form_failed(&state, &caller, ctx, id, e).await,
    }
}

#[derive(Deserialize)]
struct GrantForm {
    role: String,
    place: String,
}

/// `POST /users/{id}/roles`: grants a role.
async fn view_user_roles_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    Path(id): Path<i64>,
    Form(f): Form<GrantForm>,
) -> Result<Response, PageError> {
    match lingyan_store::users::grant_role(&state.store, &caller.scope, id, &f.role, parse_place(&f.place))
        .await
    {
        Ok(_) => {
            flash(&session, "ok", ctx.tr.t("users.role_granted")).await;
            Ok(redirect(&format!("/users/{id}")))
        }
        Err(e) => form_failed(&state, &caller, ctx, id, e).await,
    }
}

/// `POST /users/{id}/roles/{grant_id}/delete`: revokes a role.
async fn view_user_role_delete_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    Path((id, grant_id)): Path<(i64, i64)>,
) -> Result<Response, PageError> {
    match lingyan_store::users::revoke_role(&state.store, &caller.scope, id, grant_id).await {
        Ok(_) => {
            flash(&session, "ok", ctx.tr.t("users.role_revoked")).await;
            Ok(redirect(&format!("/users/{id}")))
        }
        Err(e) => form_failed(&state, &caller, ctx, id, e).await,
    }
}

#[derive(Deserialize)]
struct ResetForm {
    new_password: String,
}

/// `POST /users/{id}/password`: sets a new password for the account.
async fn view_user_password_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    Path(id): Path<i64>,
    Form(f): Form<ResetForm>,
) -> Result<Response, PageError> {
    match lingyan_store::users::reset_password(&state.store, &caller.scope, id, &f.new_password).await {
        Ok(()) => {
            flash(&session, "ok", ctx.tr.t("users.password_reset")).await;
            Ok(redirect(&format!("/users/{id}")))
        }
        Err(e) => form_failed(&state, &caller, ctx, id, e).await,
    }
}

/// A form whose fields may repeat (`role=teacher&role=mentor`), which
/// axum's `Form` (serde_urlencoded) cannot read into a `Vec`; read with
/// serde_html_form instead.
pub struct RepeatedForm<T>(pub T);

impl<S, T> axum::extract::FromRequest<S> for RepeatedForm<T>
where
    S: Send + Sync,
    T: for<'de> Deserialize<'de>,
{
    type Rejection = PageError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|e| PageError::BadRequest(e.body_text()))?;
        serde_html_form::from_bytes(&bytes)
            .map(RepeatedForm)
            .map_err(|e| PageError::BadRequest(e.to_string()))
    }
}
