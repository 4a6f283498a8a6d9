//! Managing accounts, schools and districts; bad input is named and
//! nothing is half-written.

use crate::both_dbs;
use crate::helpers::TestApp;
use reqwest::StatusCode;
use serde_json::json;

async fn director_creates_an_account_on_the_page(app: TestApp) {
    let c = app.login_as("director").await;
    let school = app.school_id("GFSY").await;
    let place = format!("s:{school}");
    let r = c
        .post_form(
            "/users/new",
            "/users",
            &[
                ("username", "wang.fang"),
                ("display_name", "王芳"),
                ("password", "first-password-1"),
                ("place", &place),
                ("role", "teacher"),
                ("role", "mentor"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let loc = r.headers()["location"].to_str().unwrap().to_string();
    let (_, page) = c.get_text(&loc).await;
    assert!(page.contains("王芳") && page.contains("Mentor") && page.contains("Teacher"));

    // The new teacher can sign in.
    let n = app.client();
    let r = n
        .post_form(
            "/login",
            "/login",
            &[("username", "wang.fang"), ("password", "first-password-1")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    // A taken username and a short password are named, and the form keeps
    // what was typed.
    let r = c
        .post_form(
            "/users/new",
            "/users",
            &[
                ("username", "wang.fang"),
                ("display_name", "另一个王芳"),
                ("password", "first-password-1"),
                ("place", &place),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = r.text().await.unwrap();
    assert!(body.contains("Username: “wang.fang” is already in use"), "{body}");
    assert!(body.contains("另一个王芳"));
    let r = c
        .post_form(
            "/users/new",
            "/users",
            &[
                ("username", "li.na"),
                ("display_name", "李娜"),
                ("password", "short"),
                ("place", &place),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("Password: must be at least 8 characters")
    );
}
both_dbs!(director_creates_an_account_on_the_page);

async fn api_validation_names_the_field_in_the_callers_language(app: TestApp) {
    let token = app.token_for("director").await;
    let school = app.school_id("GFSY").await;
    let api = reqwest::Client::new();
    let post = |lang: &'static str, body: serde_json::Value| {
        api.post(format!("{}/api/v1/users", app.addr))
            .bearer_auth(&token)
            .header("accept-language", lang)
            .json(&body)
            .send()
    };
    let bad =
        json!({"username": "ab", "display_name": "x", "password": "long-enough-1", "school_id": school});
    let r = post("en", bad.clone()).await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["error"]["field"], "username");
    assert_eq!(v["error"]["message"], "Username: must be at least 3 characters");

    // The director has no saved language yet, so Accept-Language decides.
    let r = post("zh-CN,zh;q=0.9", bad).await.unwrap();
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["error"]["message"], "用户名：至少 3 个字符");

    // An unknown role: nothing is written, not even the account.
    let r = post(
        "en",
        json!({"username": "half.done", "display_name": "x", "password": "long-enough-1",
               "school_id": school, "roles": ["teacher", "janitor"]}),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["error"]["field"], "role");
    let r = api
        .get(format!("{}/api/v1/users?q=half.done", app.addr))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["total"], 0);

    // Malformed JSON is a 400 that says what is wrong.
    let r = api
        .post(format!("{}/api/v1/users", app.addr))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body("{\"username\": 5}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let v: serde_json::Value = r.json().await.unwrap();
    assert!(v["error"]["message"].as_str().unwrap().contains("username"));

    // Created properly, it shows up with its roles.
    let r = post(
        "en",
        json!({"username": "zhou.min", "display_name": "周敏", "password": "long-enough-1",
               "school_id": school, "roles": ["teacher"]}),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["roles"][0]["role"], "teacher");
    assert_eq!(v["school_id"], school);
}
both_dbs!(api_validation_names_the_field_in_the_callers_language);

async fn district_admin_manages_schools(app: TestApp) {
    let c = app.login_as("district").await;
    let (_, page) = c.get_text("/schools").await;
    // English names where stored, for a reader of English.
    assert!(
        page.contains("Guangfu Experimental Primary School") && page.contains("Sunshine Kindergarten"),
        "{page}"
    );
    let district = lingyan_store::districts::find_by_code(&app.store, "GF")
        .await
        .unwrap()
        .unwrap()
        .id;
    let r = c
        .post_form(
            "/schools",
            "/schools",
            &[
                ("district_id", &district.to_string()),
                ("code", "gfzx"),
                ("name", "广府中学"),
                ("name_en", ""),
                ("school_type", "junior"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let loc = r.headers()["location"].to_str().unwrap().to_string();
    let (_, page) = c.get_text(&loc).await;
    assert!(page.contains("GFZX") && page.contains("Junior middle school"));

    // Duplicate code and unknown type are named.
    let token = app.token_for("district").await;
    let api = reqwest::Client::new();
    let r = api
        .post(format!("{}/api/v1/schools", app.addr))
        .bearer_auth(&token)
        .json(&json!({"district_id": district, "code": "GFZX", "name": "重复", "school_type": "初中"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let r = api
        .post(format!("{}/api/v1/schools", app.addr))
        .bearer_auth(&token)
        .json(&json!({"district_id": district, "code": "NEW1", "name": "新校", "school_type": "college"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["error"]["field"], "school_type");

    // A district admin cannot create districts; the system admin can.
    let r = api
        .post(format!("{}/api/v1/districts", app.addr))
        .bearer_auth(&token)
        .json(&json!({"code": "XX", "name": "某区"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let admin = app.login_as("sysadmin").await;
    let r = admin
        .post_form(
            "/districts",
            "/districts",
            &[("code", "sz"), ("name", "松滋市"), ("name_en", "Songzi")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = admin.get_text("/districts").await;
    assert!(page.contains("松滋市") && page.contains("SZ"));
    // The district admin of GF does not see the new district.
    let v: serde_json::Value = api
        .get(format!("{}/api/v1/districts", app.addr))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v.as_array().unwrap().len(), 1);
}
both_dbs!(district_admin_manages_schools);

async fn accounts_export_as_xlsx(app: TestApp) {
    let c = app.login_as("director").await;
    let r = c.get("/users/export.xlsx").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let bytes = r.bytes().await.unwrap();
    assert_eq!(&bytes[..2], b"PK");
}
both_dbs!(accounts_export_as_xlsx);

async fn user_list_is_searchable_and_paginated(app: TestApp) {
    let token = app.token_for("district").await;
    let api = reqwest::Client::new();
    let get = |q: &str| {
        api.get(format!("{}/api/v1/users?{q}", app.addr))
            .bearer_auth(&token)
            .send()
    };
    let v: serde_json::Value = get("q=%E5%BC%A0").await.unwrap().json().await.unwrap(); // 张
    assert_eq!(v["total"], 1);
    assert_eq!(v["items"][0]["username"], "teacher");
    let v: serde_json::Value = get("role=training_director").await.unwrap().json().await.unwrap();
    assert_eq!(v["total"], 2);
    let v: serde_json::Value = get("per_page=3&page=2").await.unwrap().json().await.unwrap();
    assert_eq!(v["items"].as_array().unwrap().len(), 3);
    assert_eq!(v["page"], 2);
    // LIKE wildcards in the search are literal.
    let v: serde_json::Value = get("q=%25").await.unwrap().json().await.unwrap();
    assert_eq!(v["total"], 0);
    // The htmx partial is just the table.
    let c = app.login_as("district").await;
    let r = c
        .http
        .get(c.url("/users?q=mentor"))
        .header("hx-request", "true")
        .send()
        .await
        .unwrap();
    let body = r.text().await.unwrap();
    assert!(!body.contains("<html") && body.contains("李秀英"));
}
both_dbs!(user_list_is_searchable_and_paginated);
