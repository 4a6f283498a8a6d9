//! Tenant isolation: nobody reads or changes another school's data, over
//! pages or the API; inspectors read but never write.

use crate::both_dbs;
use crate::helpers::TestApp;
use reqwest::StatusCode;
use serde_json::json;

async fn director_cannot_touch_another_school(app: TestApp) {
    let other = app.user_id("kgdirector").await; // the kindergarten's director
    let other_school = app.school_id("YGYEY").await;
    let own = app.user_id("teacher").await;
    let c = app.login_as("director").await; // the primary school's director

    // Pages: another school's account and school are invisible.
    assert_eq!(
        c.get(&format!("/users/{other}")).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        c.get(&format!("/schools/{other_school}")).await.status(),
        StatusCode::NOT_FOUND
    );
    let (_, list) = c.get_text("/users").await;
    assert!(
        list.contains("张晓雨") && !list.contains("赵静"),
        "list shows only own school"
    );
    let r = c
        .post_form(
            "/users",
            &format!("/users/{other}"),
            &[("display_name", "hijacked"), ("active", "on")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = c
        .post_form(
            "/users",
            &format!("/users/{other}/password"),
            &[("new_password", "hijacked-pass")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = c
        .post_form(
            "/users",
            &format!("/users/{other}/roles"),
            &[("role", "teacher"), ("place", "")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    // Creating an account in the other school is refused.
    let r = c
        .post_form(
            "/users/new",
            "/users",
            &[
                ("username", "intruder"),
                ("display_name", "x"),
                ("password", "long-enough-1"),
                ("place", &format!("s:{other_school}")),
                ("role", "teacher"),
            ],
        )
        .await;
    assert!(
        matches!(r.status(), StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
        "{}",
        r.status()
    );

    // API, same answers.
    let csrf = c.api_csrf().await;
    assert_eq!(
        c.get(&format!("/api/v1/users/{other}")).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        c.get(&format!("/api/v1/schools/{other_school}")).await.status(),
        StatusCode::NOT_FOUND
    );
    let r = c
        .http
        .patch(c.url(&format!("/api/v1/users/{other}")))
        .header("x-csrf-token", &csrf)
        .json(&json!({"display_name": "hijacked"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = c
        .http
        .patch(c.url(&format!("/api/v1/schools/{other_school}")))
        .header("x-csrf-token", &csrf)
        .json(&json!({"name": "hijacked"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = c
        .http
        .post(c.url("/api/v1/users"))
        .header("x-csrf-token", &csrf)
        .json(
            &json!({"username": "intruder", "display_name": "x", "password": "long-enough-1",
                      "school_id": other_school, "roles": ["teacher"]}),
        )
        .send()
        .await
        .unwrap();
    assert!(matches!(
        r.status(),
        StatusCode::FORBIDDEN | StatusCode::NOT_FOUND
    ));
    let v: serde_json::Value = c
        .get(&format!("/api/v1/users?school_id={other_school}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["total"], 0, "filtering by another school finds nothing");
    let v: serde_json::Value = c.get("/api/v1/users?per_page=500").await.json().await.unwrap();
    let names: Vec<&str> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["username"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"teacher") && !names.contains(&"kgdirector") && !names.contains(&"district"));

    // Nothing changed.
    let kg =
        lingyan_store::users::find_by_username(&app.store, &lingyan_store::Scope::system("t"), "kgdirector")
            .await
            .unwrap();
    assert_eq!(kg.display_name, "赵静");
    // …while the director's own school is theirs to manage.
    let r = c
        .http
        .patch(c.url(&format!("/api/v1/users/{own}")))
        .header("x-csrf-token", &csrf)
        .json(&json!({"display_name": "张晓雨（语文）"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
}
both_dbs!(director_cannot_touch_another_school);

async fn inspector_reads_but_cannot_write(app: TestApp) {
    let teacher = app.user_id("teacher").await;
    let school = app.school_id("GFSY").await;
    let c = app.login_as("inspector").await;
    // Reads across the district.
    assert_eq!(c.get(&format!("/users/{teacher}")).await.status(), StatusCode::OK);
    let v: serde_json::Value = c.get("/api/v1/users?per_page=500").await.json().await.unwrap();
    assert!(v["total"].as_u64().unwrap() >= 8);
    assert_eq!(c.get("/audit").await.status(), StatusCode::OK);
    // Writes nothing.
    let csrf = c.api_csrf().await;
    let r = c
        .http
        .patch(c.url(&format!("/api/v1/users/{teacher}")))
        .header("x-csrf-token", &csrf)
        .json(&json!({"display_name": "changed"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = c
        .http
        .post(c.url("/api/v1/users"))
        .header("x-csrf-token", &csrf)
        .json(
            &json!({"username": "newbie", "display_name": "x", "password": "long-enough-1",
                      "school_id": school, "roles": ["teacher"]}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = c
        .http
        .patch(c.url(&format!("/api/v1/schools/{school}")))
        .header("x-csrf-token", &csrf)
        .json(&json!({"name": "changed"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = c
        .post_form(
            &format!("/users/{teacher}"),
            &format!("/users/{teacher}"),
            &[("display_name", "changed")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = c
        .post_form(
            &format!("/users/{teacher}"),
            &format!("/users/{teacher}/password"),
            &[("new_password", "changed-pass-1")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let (_, page) = c.get_text(&format!("/users/{teacher}")).await;
    assert!(!page.contains("/password\""), "no reset form shown to inspectors");
}
both_dbs!(inspector_reads_but_cannot_write);

async fn teacher_cannot_administer(app: TestApp) {
    let mentor = app.user_id("mentor").await;
    let c = app.login_as("teacher").await;
    let csrf = c.api_csrf().await;
    let r = c
        .http
        .post(c.url(&format!("/api/v1/users/{mentor}/roles")))
        .header("x-csrf-token", &csrf)
        .json(&json!({"role": "principal"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(c.get("/api/v1/audit").await.status(), StatusCode::FORBIDDEN);
    assert_eq!(c.get("/audit").await.status(), StatusCode::FORBIDDEN);
    // A teacher cannot give themselves more power either.
    let me = app.user_id("teacher").await;
    let r = c
        .http
        .post(c.url(&format!("/api/v1/users/{me}/roles")))
        .header("x-csrf-token", &csrf)
        .json(&json!({"role": "training_director"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}
both_dbs!(teacher_cannot_administer);

async fn director_cannot_take_over_the_principal(app: TestApp) {
    let principal = app.user_id("principal").await;
    let c = app.login_as("director").await;
    let r = c
        .post_form(
            "/users",
            &format!("/users/{principal}/password"),
            &[("new_password", "taken-over-1")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let csrf = c.api_csrf().await;
    let teacher = app.user_id("teacher").await;
    let r = c
        .http
        .post(c.url(&format!("/api/v1/users/{teacher}/roles")))
        .header("x-csrf-token", &csrf)
        .json(&json!({"role": "principal"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}
both_dbs!(director_cannot_take_over_the_principal);
