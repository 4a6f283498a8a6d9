//! The audit log records logins, role changes and every change with
//! before/after.

use crate::both_dbs;
use crate::helpers::TestApp;
use lingyan_domain::PageRequest;
use lingyan_store::Scope;
use lingyan_store::audit::{AuditFilter, list};
use reqwest::StatusCode;
use serde_json::json;

async fn entries(app: &TestApp, action: &str) -> Vec<lingyan_store::audit::AuditEntry> {
    let f = AuditFilter {
        action: Some(action.into()),
        ..Default::default()
    };
    list(
        &app.store,
        &Scope::system("t"),
        &f,
        PageRequest::new(None, Some(500)),
    )
    .await
    .unwrap()
    .items
}

async fn logins_and_role_changes_are_audited(app: TestApp) {
    let _ = app.login_as("director").await;
    let bad = app.client();
    bad.post_form(
        "/login",
        "/login",
        &[("username", "director"), ("password", "wrong-password")],
    )
    .await;

    let ok = entries(&app, "login.ok").await;
    let director = app.user_id("director").await;
    assert!(
        ok.iter()
            .any(|e| e.actor_user_id == Some(director) && e.school_id.is_some())
    );
    let failed = entries(&app, "login.failed").await;
    assert!(
        failed
            .iter()
            .any(|e| e.actor_username.as_deref() == Some("director"))
    );

    // A role change through the API, with before/after.
    let c = app.login_as("director").await;
    let teacher = app.user_id("teacher").await;
    let csrf = c.api_csrf().await;
    let r = c
        .http
        .post(c.url(&format!("/api/v1/users/{teacher}/roles")))
        .header("x-csrf-token", &csrf)
        .json(&json!({"role": "group_leader"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let v: serde_json::Value = r.json().await.unwrap();
    let grant = v["roles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["role"] == "group_leader")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let granted = entries(&app, "role.grant").await;
    let e = granted
        .iter()
        .find(|e| e.actor_user_id == Some(director) && e.entity_id.as_deref() == Some(&teacher.to_string()))
        .expect("role.grant recorded");
    assert_eq!(e.after.as_ref().unwrap()["role"], "group_leader");

    let r = c
        .http
        .delete(c.url(&format!("/api/v1/users/{teacher}/roles/{grant}")))
        .header("x-csrf-token", &csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let revoked = entries(&app, "role.revoke").await;
    assert!(
        revoked
            .iter()
            .any(|e| e.before.as_ref().unwrap()["role"] == "group_leader")
    );

    // An edit keeps before and after.
    let r = c
        .http
        .patch(c.url(&format!("/api/v1/users/{teacher}")))
        .header("x-csrf-token", &csrf)
        .json(&json!({"display_name": "张晓雨老师"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let upd = entries(&app, "user.update").await;
    let e = upd.first().expect("user.update");
    assert_eq!(e.before.as_ref().unwrap()["display_name"], "张晓雨");
    assert_eq!(e.after.as_ref().unwrap()["display_name"], "张晓雨老师");

    // The director sees their school's log on the page and through the API;
    // the kindergarten's director does not see it.
    let (s, page) = c.get_text("/audit?action=role.").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        page.contains("Role granted") && page.contains("Role removed"),
        "{page}"
    );
    // In words: people's names, not usernames, ids or codes; changes as
    // field: before → after, never raw JSON.
    let (_, page) = c.get_text("/audit?action=user.").await;
    assert!(page.contains("Account changed"), "{page}");
    assert!(page.contains("张晓雨 → 张晓雨老师"), "{page}");
    assert!(page.contains("Account: 张晓雨老师"), "{page}");
    for raw in ["user.update", "{&quot;", "user 8", "display_name"] {
        assert!(!page.contains(raw), "{raw} in {page}");
    }
    let v: serde_json::Value = c.get("/api/v1/audit?action=login.ok").await.json().await.unwrap();
    assert!(v["total"].as_u64().unwrap() >= 2);
    let kg = app.login_as("kgdirector").await;
    let primary = app.school_id("GFSY").await;
    let v: serde_json::Value = kg
        .get("/api/v1/audit?action=role.&per_page=500")
        .await
        .json()
        .await
        .unwrap();
    let items = v["items"].as_array().unwrap();
    assert!(!items.is_empty(), "their own school's grants are visible");
    assert!(
        items.iter().all(|e| e["school_id"] != primary),
        "nothing from the primary school"
    );
}
both_dbs!(logins_and_role_changes_are_audited);
