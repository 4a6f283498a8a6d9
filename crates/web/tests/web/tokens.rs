//! Personal access tokens.

use crate::both_dbs;
use crate::helpers::TestApp;
use reqwest::StatusCode;

async fn token_works_until_revoked(app: TestApp) {
    let c = app.login_as("director").await;
    let csrf = c.api_csrf().await;
    let r = c
        .http
        .post(c.url("/api/v1/me/tokens"))
        .header("x-csrf-token", &csrf)
        .json(&serde_json::json!({"name": "roster sync", "expires_in_days": 30}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let v: serde_json::Value = r.json().await.unwrap();
    let secret = v["secret"].as_str().unwrap().to_string();
    let id = v["token"]["id"].as_i64().unwrap();
    assert!(secret.starts_with("lyt_"));

    // A fresh client with only the token (no cookies) is the director.
    let api = reqwest::Client::new();
    let me: serde_json::Value = api
        .get(format!("{}/api/v1/me", app.addr))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["username"], "director");
    let r = api
        .get(format!("{}/api/v1/users", app.addr))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);

    // Only a hash is stored: the listing never shows the secret.
    let list = api
        .get(format!("{}/api/v1/me/tokens", app.addr))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!list.contains(&secret) && list.contains("roster sync"));

    // Revoked: refused with 401.
    let r = api
        .delete(format!("{}/api/v1/me/tokens/{id}", app.addr))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let r = api
        .get(format!("{}/api/v1/me", app.addr))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["error"]["code"], "invalid_token");

    // Made-up tokens and no token at all are refused too.
    let r = api
        .get(format!("{}/api/v1/me", app.addr))
        .bearer_auth("lyt_madeup")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = api.get(format!("{}/api/v1/me", app.addr)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(r.headers()["www-authenticate"], "Bearer");
}
both_dbs!(token_works_until_revoked);

async fn tokens_are_managed_on_the_account_page(app: TestApp) {
    let c = app.login_as("teacher").await;
    let r = c
        .post_form(
            "/account",
            "/account/tokens",
            &[("name", "phone app"), ("expires_in_days", "7")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let body = r.text().await.unwrap();
    let secret = regex::Regex::new(r#"id="new-token">(lyt_[A-Za-z0-9_-]+)<"#)
        .unwrap()
        .captures(&body)
        .expect("secret shown once")[1]
        .to_string();
    let api = reqwest::Client::new();
    let r = api
        .get(format!("{}/api/v1/me", app.addr))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    // Not shown again.
    let (_, page) = c.get_text("/account").await;
    assert!(!page.contains(&secret));
    // Bad expiry names the field.
    let r = c
        .post_form(
            "/account",
            "/account/tokens",
            &[("name", "x"), ("expires_in_days", "soon")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("Valid for (days)"));
    // Revoke from the page.
    let id: i64 = regex::Regex::new(r#"/account/tokens/(\d+)/revoke"#)
        .unwrap()
        .captures(&page)
        .unwrap()[1]
        .parse()
        .unwrap();
    let r = c
        .post_form("/account", &format!("/account/tokens/{id}/revoke"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = api
        .get(format!("{}/api/v1/me", app.addr))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
}
both_dbs!(tokens_are_managed_on_the_account_page);

async fn tokens_of_disabled_accounts_stop_working(app: TestApp) {
    let secret = app.token_for("mentor").await;
    let director = app.login_as("director").await;
    let mentor = app.user_id("mentor").await;
    let csrf = director.api_csrf().await;
    let r = director
        .http
        .patch(director.url(&format!("/api/v1/users/{mentor}")))
        .header("x-csrf-token", csrf)
        .json(&serde_json::json!({"active": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let r = reqwest::Client::new()
        .get(format!("{}/api/v1/me", app.addr))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
}
both_dbs!(tokens_of_disabled_accounts_stop_working);
