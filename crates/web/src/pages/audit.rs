//! The audit log, for those who may read it.

use super::{PageCtx, Pager, render, url_with};
use crate::auth::Caller;
use crate::error::PageError;
use crate::i18n::Tr;
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use lingyan_domain::{Capability, PageRequest};
use lingyan_store::audit::{AuditEntry, AuditFilter, AuditNames};
use lingyan_store::schools::School;
use serde::Deserialize;
use serde_json::Value;

pub fn router() -> Router<AppState> {
    Router::new().route("/audit", get(view_audit_get))
}

#[derive(Deserialize, Default)]
struct AuditQuery {
    action: Option<String>,
    school: Option<String>,
    page: Option<u64>,
}

/// The kinds of action the filter offers (an action code's first part).
const GROUPS: [&str; 18] = [
    "login",
    "user",
    "role",
    "token",
    "district",
    "school",
    "teacher",
    "honour",
    "roster",
    "tiers",
    "duties",
    "calendar",
    "group",
    "leading_group",
    "mentor_pair",
    "mentorship",
    "evidence",
    "project",
];

/// One entry in words.
struct Row {
    at: String,
    /// The person who acted (their name), and from where.
    actor: String,
    ip: Option<String>,
    action: String,
    /// What it was done to: "教师：张晓雨".
    record: String,
    /// (field, before, after) in words; "" where there was nothing.
    changes: Vec<(String, String, String)>,
    /// Changed fields not shown (internal ones).
    more: usize,
}

/// Fields never shown: ids, timestamps and secrets.
fn hidden(key: &str) -> bool {
    key == "id"
        || key.ends_with("_id")
        || key.ends_with("_at")
        || key.ends_with("_hash")
        || matches!(
            key,
            "token_prefix" | "password" | "secret" | "details" | "host" | "members" | "people"
        )
}

/// The label of a field of a kind of record: a project's or record's
/// `title` is its title, not a teacher's professional title.
fn label_key(entity_type: &str, key: &str) -> String {
    match (entity_type, key) {
        ("research_project", "title") => "fields.project_title".into(),
        ("evidence", "title") => "fields.record_title".into(),
        (_, "status_reason") => "fields.reason".into(),
        _ => format!("fields.{key}"),
    }
}

/// Label groups a coded value of a field may belong to.
fn value_groups(key: &str) -> &'static [&'static str] {
    match key {
        "level" | "min_level" => &["levels"],
        "education" => &["education"],
        "employment" => &["employment"],
        "post" => &["posts"],
        "section" => &["sections"],
        "gender" => &["gender"],
        "status" => &["honour_status", "evidence_status"],
        "kind" => &["honour_kinds", "evidence_kinds", "group_kinds"],
        "role" => &["roles"],
        "school_type" => &["school_types"],
        "position" => &["group_positions"],
        "stage" => &["project_stage"],
        _ => &[],
    }
}

fn words(tr: Tr, key: &str, v: &Value) -> Option<String> {
    Some(match v {
        Value::Null => String::new(),
        Value::Bool(b) => tr.t(if *b { "common.yes" } else { "common.no" }),
        Value::Number(n) => n.to_string(),
        Value::String(s) => value_groups(key)
            .iter()
            .map(|g| format!("{g}.{s}"))
            .find(|k| crate::i18n::has(tr.0, k))
            .map(|k| tr.t(&k))
            .unwrap_or_else(|| {
                let mut s = s.clone();
                if s.chars().count() > 80 {
                    s = s.chars().take(80).collect::<String>() + "…";
                }
                s
            }),
        Value::Array(items) => items
            .iter()
            .filter_map(|i| words(tr, key, i))
            .collect::<Vec<_>>()
            .join("、"),
        Value::Object(_) => return None,
    })
}

/// The fields that changed, in words; a record made or removed lists what
/// it held.
fn changes(
    tr: Tr,
    entity_type: &str,
    before: Option<&Value>,
    after: Option<&Value>,
) -> (Vec<(String, String, String)>, usize) {
    let empty = serde_json::Map::new();
    let obj = |v: Option<&Value>| v.and_then(Value::as_object).unwrap_or(&empty).clone();
    let (b, a) = (obj(before), obj(after));
    let mut keys: Vec<&String> = a.keys().collect();
    keys.extend(b.keys().filter(|k| !a.contains_key(*k)));
    let mut out = Vec::new();
    let mut more = 0;
    for k in keys {
        let (bv, av) = (b.get(k).unwrap_or(&Value::Null), a.get(k).unwrap_or(&Value::Null));
        if bv == av || hidden(k) {
            continue;
        }
        let label = label_key(entity_type, k);
        match (crate::i18n::has(tr.0, &label), words(tr, k, bv), words(tr, k, av)) {
            (true, Some(x), Some(y)) if !(x.is_empty() && y.is_empty()) && out.len() < 10 => {
                out.push((tr.t(&label), x, y))
            }
            (_, Some(x), Some(y)) if x.is_empty() && y.is_empty() => {}
            _ => more += 1,
        }
    }
    (out, more)
}

/// What an entry is about, in words.
fn record(tr: Tr, e: &AuditEntry, n: &AuditNames) -> String {
    let kind_key = format!("audit_entities.{}", e.entity_type);
    let kind = if crate::i18n::has(tr.0, &kind_key) {
        tr.t(&kind_key)
    } else {
        String::new()
    };
    let id: Option<i64> = e.entity_id.as_deref().and_then(|s| s.parse().ok());
    let from_json = |field: &str| {
        e.after
            .as_ref()
            .or(e.before.as_ref())
            .and_then(|v| v.get(field))
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    let name: Option<String> = match (e.entity_type.as_str(), id) {
        ("user", Some(i)) => n.users.get(&i).cloned().or_else(|| from_json("display_name")),
        ("teacher", Some(i)) => n.teachers.get(&i).cloned().or_else(|| from_json("name")),
        ("honour", Some(i)) => n.honour_teachers.get(&i).and_then(|t| n.teachers.get(t)).cloned(),
        ("evidence", Some(i)) => n.evidence.get(&i).cloned().or_else(|| from_json("title")),
        ("research_project", Some(i)) => n.projects.get(&i).cloned().or_else(|| from_json("title")),
        ("group", Some(i)) => n.groups.get(&i).cloned().or_else(|| from_json("name")),
        ("leading_group", Some(i)) => n.leading_groups.get(&i).cloned().or_else(|| from_json("name")),
        ("school", Some(i)) => n.schools.get(&i).map(|(zh, en)| tr.name(zh, en).to_string()),
        ("district", Some(i)) => n.districts.get(&i).map(|(zh, en)| tr.name(zh, en).to_string()),
        ("api_token", _) => from_json("name"),
        _ => None,
    };
    match (kind.is_empty(), name) {
        (false, Some(n)) => format!("{kind}{}{n}", tr.t("punct.colon")),
        (false, None) => kind,
        (true, Some(n)) => n,
        (true, None) => String::new(),
    }
}

fn rows(tr: Tr, entries: Vec<AuditEntry>, n: &AuditNames) -> Vec<Row> {
    entries
        .into_iter()
        .map(|e| {
            let action_key = format!("audit_actions.{}", e.action);
            let (changes, more) = changes(tr, &e.entity_type, e.before.as_ref(), e.after.as_ref());
            Row {
                at: tr.datetime(&e.at),
                // A person by name; the system (demo data, the command
                // line) as such.
                actor: match (e.actor_user_id, &e.actor_username) {
                    (Some(u), name) => n
                        .users
                        .get(&u)
                        .cloned()
                        .or_else(|| name.clone())
                        .unwrap_or_else(|| "—".into()),
                    // A failed sign-in names the account that was tried.
                    (None, Some(name)) if e.action.starts_with("login.") => name.clone(),
                    (None, Some(name)) => tr.t1("audit.by_system", "name", name),
                    (None, None) => "—".into(),
                },
                ip: e.ip.clone(),
                action: if crate::i18n::has(tr.0, &action_key) {
                    tr.t(&action_key)
                } else {
                    e.action.clone()
                },
                record: record(tr, &e, n),
                changes,
                more,
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    ctx: PageCtx,
    rows: Vec<Row>,
    /// (value, label) of the action filter.
    groups: Vec<(String, String)>,
    pager: Pager,
    action: String,
    school: String,
    schools: Vec<School>,
}

/// `GET /audit`
async fn view_audit_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    Query(q): Query<AuditQuery>,
) -> Result<Response, PageError> {
    if caller.scope.access().tenants(Capability::ReadAudit).is_empty() {
        return Err(lingyan_store::Error::Forbidden.into());
    }
    let filter = AuditFilter {
        action: q.action.clone(),
        school_id: q.school.as_deref().and_then(|s| s.parse().ok()),
        actor_user_id: None,
    };
    let list = lingyan_store::audit::list(
        &state.store,
        &caller.scope,
        &filter,
        PageRequest::new(q.page, Some(50)),
    )
    .await?;
    let base = url_with(
        "/audit",
        &[
            ("action", q.action.clone().unwrap_or_default()),
            ("school", q.school.clone().unwrap_or_default()),
        ],
    );
    let schools =
        lingyan_store::schools::all_with(&state.store, &caller.scope, Capability::ReadAudit).await?;
    let names = lingyan_store::audit::names(&state.store, &list.items).await?;
    Ok(render(&AuditPage {
        pager: Pager::new(&list, &base),
        rows: rows(ctx.tr, list.items, &names),
        groups: GROUPS
            .iter()
            .map(|g| (format!("{g}."), ctx.tr.t(&format!("audit_groups.{g}"))))
            .collect(),
        action: q.action.unwrap_or_default(),
        school: q.school.unwrap_or_default(),
        schools,
        ctx,
    }))
}
