//! Signing in and out, lockout, session rotation.

use crate::both_dbs;
use crate::helpers::{PASSWORD, TestApp};
use reqwest::StatusCode;

async fn login_ok_and_logout(app: TestApp) {
    let c = app.client();
    // Anonymous pages send you to the login form, remembering where you were.
    let r = c.get("/users").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/login?next=%2Fusers");

    let r = c
        .post_form(
            "/login",
            "/login",
            &[
                ("username", "Director"),
                ("password", PASSWORD),
                ("next", "/users"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/users");
    let (s, body) = c.get_text("/").await;
    assert_eq!(s, StatusCode::OK);
    assert!(body.contains("金朝飞"), "home shows the user's name");

    let r = c.post_form("/", "/logout", &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(c.get("/").await.status(), StatusCode::SEE_OTHER, "signed out");
}
both_dbs!(login_ok_and_logout);

async fn wrong_password_is_refused(app: TestApp) {
    let c = app.client();
    let r = c
        .post_form(
            "/login",
            "/login",
            &[("username", "director"), ("password", "not-the-password")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let body = r.text().await.unwrap();
    assert!(body.contains("Wrong username or password"), "{body}");
    assert_eq!(c.get("/").await.status(), StatusCode::SEE_OTHER);

    // Unknown users get the same answer.
    let r = c
        .post_form(
            "/login",
            "/login",
            &[("username", "nobody"), ("password", "whatever-pass")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);

    // The API answers in JSON.
    let r = c
        .http
        .post(c.url("/api/v1/auth/login"))
        .json(&serde_json::json!({"username": "director", "password": "nope-nope"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["error"]["code"], "bad_credentials");
}
both_dbs!(wrong_password_is_refused);

async fn repeated_failures_lock_the_account(app: TestApp) {
    // The test configuration locks after 3 failures.
    let c = app.client();
    for _ in 0..3 {
        let r = c
            .post_form(
                "/login",
                "/login",
                &[("username", "teacher"), ("password", "wrong-password")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
    // Now even the right password is refused, with a clear message.
    let r = c
        .post_form(
            "/login",
            "/login",
            &[("username", "teacher"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(r.text().await.unwrap().contains("Too many failed sign-ins"));
    let r = c
        .http
        .post(c.url("/api/v1/auth/login"))
        .json(&serde_json::json!({"username": "teacher", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(r.headers().contains_key("retry-after"));
    // Other accounts are unaffected.
    app.login_as("mentor").await;
}
both_dbs!(repeated_failures_lock_the_account);

async fn session_id_changes_at_login(app: TestApp) {
    let c = app.login_as("teacher").await;
    let first = c.cookie(lingyan_web::SESSION_COOKIE).expect("session cookie");
    // Signing in again (as someone else) on the same browser gets a new id…
    let r = c
        .post_form("/", "/login", &[("username", "mentor"), ("password", PASSWORD)])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let second = c.cookie(lingyan_web::SESSION_COOKIE).expect("session cookie");
    assert_ne!(first, second, "session id must be rotated at login");
    let (_, body) = c.get_text("/").await;
    assert!(body.contains("李秀英"), "now signed in as the mentor");

    // …and the old id no longer works.
    let stale = app.client();
    let url: reqwest::Url = stale.base.parse().unwrap();
    stale
        .jar
        .add_cookie_str(&format!("{}={first}; Path=/", lingyan_web::SESSION_COOKIE), &url);
    assert_eq!(stale.get("/").await.status(), StatusCode::SEE_OTHER);
}
both_dbs!(session_id_changes_at_login);

async fn password_change_ends_other_sessions(app: TestApp) {
    let a = app.login_as("teacher").await;
    let b = app.login_as("teacher").await;
    let r = a
        .post_form(
            "/account",
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "a-new-password-1"),
                ("confirm_password", "a-new-password-1"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        a.get("/account").await.status(),
        StatusCode::OK,
        "this session continues"
    );
    assert_eq!(
        b.get("/account").await.status(),
        StatusCode::SEE_OTHER,
        "the other session ended"
    );

    // A wrong current password names the field.
    let r = a
        .post_form(
            "/account",
            "/account/password",
            &[
                ("current_password", "not-it-at-all"),
                ("new_password", "another-pass-2"),
                ("confirm_password", "another-pass-2"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("Current password: is not correct")
    );
}
both_dbs!(password_change_ends_other_sessions);

async fn disabled_accounts_cannot_sign_in(app: TestApp) {
    let teacher = app.login_as("teacher").await;
    let director = app.login_as("director").await;
    let id = app.user_id("teacher").await;
    let r = director
        .post_form(
            &format!("/users/{id}"),
            &format!("/users/{id}"),
            &[("display_name", "张晓雨")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        teacher.get("/").await.status(),
        StatusCode::SEE_OTHER,
        "open session ends"
    );
    let c = app.client();
    let r = c
        .post_form(
            "/login",
            "/login",
            &[("username", "teacher"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
}
both_dbs!(disabled_accounts_cannot_sign_in);
