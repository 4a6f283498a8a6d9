//! Cross-site request forgery: state-changing requests need the token.

use crate::both_dbs;
use crate::helpers::{PASSWORD, TestApp};
use reqwest::StatusCode;

async fn post_without_token_is_rejected(app: TestApp) {
    let c = app.login_as("teacher").await;
    // A form post without the token: refused, nothing created.
    let r = c
        .http
        .post(c.url("/account/tokens"))
        .form(&[("name", "forged")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(r.text().await.unwrap().contains("This form has expired"));
    // A wrong token is no better.
    let r = c
        .http
        .post(c.url("/account/tokens"))
        .form(&[
            ("name", "forged"),
            ("csrf_token", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let (_, page) = c.get_text("/account").await;
    assert!(!page.contains("forged"));

    // With the page's token it is accepted.
    let r = c
        .post_form("/account", "/account/tokens", &[("name", "genuine")])
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.unwrap().contains("genuine"));
}
both_dbs!(post_without_token_is_rejected);

async fn api_with_session_needs_header(app: TestApp) {
    let c = app.login_as("teacher").await;
    let body = serde_json::json!({"name": "api"});
    let r = c
        .http
        .post(c.url("/api/v1/me/tokens"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["error"]["code"], "csrf");

    let csrf = c.api_csrf().await;
    let r = c
        .http
        .post(c.url("/api/v1/me/tokens"))
        .header("x-csrf-token", csrf)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
}
both_dbs!(api_with_session_needs_header);

async fn login_form_needs_token(app: TestApp) {
    let c = app.client();
    let r = c
        .http
        .post(c.url("/login"))
        .form(&[("username", "teacher"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(c.get("/").await.status(), StatusCode::SEE_OTHER);
}
both_dbs!(login_form_needs_token);

async fn bearer_requests_need_no_csrf(app: TestApp) {
    let token = app.token_for("teacher").await;
    let r = reqwest::Client::new()
        .put(format!("{}/api/v1/me/locale", app.addr))
        .bearer_auth(&token)
        .json(&serde_json::json!({"locale": "zh-CN"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
}
both_dbs!(bearer_requests_need_no_csrf);
