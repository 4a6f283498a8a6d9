//! Probes, security headers, static files, OpenAPI, limits.

use crate::both_dbs;
use crate::helpers::{Db, TestApp, spawn_app_with};
use reqwest::StatusCode;

async fn probes_and_headers(app: TestApp) {
    let c = app.client();
    let (s, b) = c.get_text("/healthz").await;
    assert_eq!((s, b.as_str()), (StatusCode::OK, "ok"));
    let (s, b) = c.get_text("/readyz").await;
    assert_eq!((s, b.as_str()), (StatusCode::OK, "ready"));

    let r = c.get("/login").await;
    let h = r.headers();
    let csp = h["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("script-src 'self'")
            && !csp.contains("unsafe-inline")
            && csp.contains("frame-ancestors 'none'")
    );
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["x-frame-options"], "DENY");
    let cookies: Vec<&str> = h
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect();
    assert!(
        cookies
            .iter()
            .any(|c| c.starts_with("lingyan_csrf=") && c.contains("HttpOnly") && c.contains("SameSite=Lax"))
    );
    let body = r.text().await.unwrap();
    assert!(
        !body.contains("<script>") && !body.contains("style="),
        "no inline script or style"
    );

    let c = app.login_as("teacher").await;
    let url: reqwest::Url = c.base.parse().unwrap();
    use reqwest::cookie::CookieStore;
    assert!(c.jar.cookies(&url).is_some());

    let r = c.get("/static/htmx.min.js").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .contains("javascript")
    );
    assert_eq!(c.get("/static/nope.js").await.status(), StatusCode::NOT_FOUND);
    assert_eq!(c.get("/no/such/page").await.status(), StatusCode::NOT_FOUND);
}
both_dbs!(probes_and_headers);

async fn session_cookie_flags(app: TestApp) {
    let c = app.client();
    let token = c.csrf_from("/login").await;
    let r = c
        .http
        .post(c.url("/login"))
        .form(&[
            ("username", "teacher"),
            ("password", crate::helpers::PASSWORD),
            ("csrf_token", &token),
        ])
        .send()
        .await
        .unwrap();
    let session = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|c| c.starts_with(lingyan_web::SESSION_COOKIE))
        .expect("session cookie");
    assert!(
        session.contains("HttpOnly") && session.contains("SameSite=Lax"),
        "{session}"
    );
    assert!(!session.contains("Secure"), "not over plain http by default");
}
both_dbs!(session_cookie_flags);

#[tokio::test]
async fn secure_cookies_when_configured_for_https() {
    let app = spawn_app_with(Db::Sqlite, |c| c.secure_cookies = true).await;
    let r = app.client().get("/login").await;
    assert!(r.headers().contains_key("strict-transport-security"));
    let csrf = r.headers()["set-cookie"].to_str().unwrap();
    assert!(csrf.contains("Secure"));
}

async fn openapi_documents_the_routes(app: TestApp) {
    let c = app.client();
    let v: serde_json::Value = c.get("/api/openapi.json").await.json().await.unwrap();
    let paths = v["paths"].as_object().unwrap();
    for p in [
        "/api/v1/auth/login",
        "/api/v1/me",
        "/api/v1/me/tokens",
        "/api/v1/users",
        "/api/v1/users/{id}/roles",
        "/api/v1/schools",
        "/api/v1/districts",
        "/api/v1/audit",
    ] {
        assert!(paths.contains_key(p), "{p} missing from OpenAPI");
    }
    assert!(v["components"]["securitySchemes"]["bearer"].is_object());
    let r = c.get("/api/docs/").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.unwrap().contains("swagger"));
}
both_dbs!(openapi_documents_the_routes);

#[tokio::test]
async fn large_bodies_are_refused() {
    let app = spawn_app_with(Db::Sqlite, |c| c.limits.body_bytes = 1024).await;
    let token = app.token_for("teacher").await;
    let r = reqwest::Client::new()
        .post(format!("{}/api/v1/me/tokens", app.addr))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body(format!("{{\"name\": \"{}\"}}", "x".repeat(5000)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

async fn home_counts_per_role(app: TestApp) {
    let sys = app.token_for("sysadmin").await;
    let district = app.token_for("district").await;
    let teacher = app.token_for("teacher").await;
    let kg = app.token_for("kgdirector").await;
    let home = |t: String| {
        let addr = app.addr.clone();
        async move {
            reqwest::Client::new()
                .get(format!("{addr}/api/v1/home"))
                .bearer_auth(t)
                .send()
                .await
                .unwrap()
                .json::<serde_json::Value>()
                .await
                .unwrap()
        }
    };
    let s = home(sys).await;
    assert_eq!(
        (s["schools"].as_u64(), s["active_users"].as_u64()),
        (Some(2), Some(9))
    );
    let d = home(district).await;
    assert_eq!(
        (d["schools"].as_u64(), d["active_users"].as_u64()),
        (Some(2), Some(8))
    );
    assert!(d["logins_7d"]["ok"].as_u64().unwrap() >= 1);
    let t = home(teacher).await;
    assert_eq!(
        (t["schools"].as_u64(), t["active_users"].as_u64()),
        (Some(1), Some(5))
    );
    assert!(t["logins_7d"].is_null(), "teachers do not read the audit log");
    assert_eq!(t["my_active_tokens"], 1);
    let k = home(kg).await;
    assert_eq!(
        (k["schools"].as_u64(), k["active_users"].as_u64()),
        (Some(1), Some(1))
    );

    // The people page shows the same numbers.
    let c = app.login_as("district").await;
    let (_, page) = c.get_text("/users").await;
    assert!(
        page.contains(r#"<span class="num">8</span><span>active accounts</span>"#),
        "{page}"
    );
}
both_dbs!(home_counts_per_role);

/// An unknown address answers the "not found" page with a way back (JSON
/// under /api/); opening a POST-only address goes back to its page.
async fn unknown_and_post_only_addresses(app: TestApp) {
    let c = app.login_as("teacher").await;
    let (s, page) = c.get_text("/no/such/page").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert!(
        page.contains(r#"<a href="/">"#) && page.contains("<h1>"),
        "{page}"
    );
    let r = reqwest::Client::new()
        .get(format!("{}/api/v1/no-such-thing", app.addr))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["error"]["code"], "not_found");
    // A POST-only address opened in the browser.
    let r = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(format!("{}/logout", app.addr))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/");
}
both_dbs!(unknown_and_post_only_addresses);
