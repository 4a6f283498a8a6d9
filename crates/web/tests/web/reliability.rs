//! Under load, attack and bad input: concurrent writers all succeed, no
//! row leaks to another tenant, lockouts cannot be used as a weapon, and
//! a password reset ends more than sessions.

use crate::both_dbs;
use crate::evidence::{Api, teacher};
use crate::helpers::{PASSWORD, TestApp};
use lingyan_store::Scope;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::sync::Arc;

/// 50 writers of four kinds at the same moment: every one succeeds (none
/// answers "database is locked") and every row is there afterwards.
async fn fifty_concurrent_writers_all_succeed(app: TestApp) {
    let director = Arc::new(Api::new(&app, "director").await);
    let teacher_api = Arc::new(Api::new(&app, "teacher").await);
    let school = app.school_id("GFSY").await;
    let me = teacher(&app, "GF0005").await;
    let mut staff = Vec::new();
    for n in 10..40 {
        staff.push(teacher(&app, &format!("GF{n:04}")).await);
    }

    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..50usize {
        let (director, teacher_api, staff) = (director.clone(), teacher_api.clone(), staff.clone());
        tasks.spawn(async move {
            let (what, (status, body)) = match i % 4 {
                // A leader records evidence for a colleague.
                0 => (
                    "evidence by the director",
                    director
                        .post(
                            &format!("/api/v1/teachers/{}/evidence", staff[i % staff.len()]),
                            json!({"kind": "reading", "date": "2026-10-01", "title": format!("并发读书笔记 {i}")}),
                        )
                        .await,
                ),
                // A teacher records their own.
                1 => (
                    "own evidence",
                    teacher_api
                        .post(
                            &format!("/api/v1/teachers/{me}/evidence"),
                            json!({"kind": "lecture", "date": "2026-10-02", "title": format!("并发讲座 {i}"), "level": "school", "details": {"audience": "青年教师"}}),
                        )
                        .await,
                ),
                // Registry edits.
                2 => (
                    "teacher edit",
                    director
                        .send(
                            reqwest::Method::PATCH,
                            &format!("/api/v1/teachers/{}", staff[i % staff.len()]),
                            Some(json!({"education": "硕士", "major": format!("教育学{i}")})),
                        )
                        .await,
                ),
                // New teachers.
                _ => (
                    "new teacher",
                    director
                        .post(
                            "/api/v1/teachers",
                            json!({"school_id": school, "name": format!("并发新人{i}"), "staff_no": format!("CC{i:04}")}),
                        )
                        .await,
                ),
            };
            (i, what, status, body)
        });
    }
    let mut evidence = Vec::new();
    let mut created = Vec::new();
    while let Some(r) = tasks.join_next().await {
        let (i, what, status, body) = r.expect("task");
        assert!(status.is_success(), "writer {i} ({what}) failed: {status} {body}");
        match i % 4 {
            0 | 1 => evidence.push(body["id"].as_i64().expect("evidence id")),
            3 => created.push(body["id"].as_i64().expect("teacher id")),
            _ => {}
        }
    }
    assert_eq!(evidence.len(), 26);
    assert_eq!(created.len(), 12);
    for id in evidence {
        let (s, _) = director.get(&format!("/api/v1/evidence/{id}")).await;
        assert_eq!(s, StatusCode::OK, "evidence {id} is there");
    }
    for id in created {
        let (s, t) = director.get(&format!("/api/v1/teachers/{id}")).await;
        assert_eq!(s, StatusCode::OK);
        assert!(
            t["teacher"]["name"]
                .as_str()
                .unwrap_or_default()
                .starts_with("并发新人"),
            "{t}"
        );
    }
    for i in (2..50).step_by(4) {
        let (_, t) = director
            .get(&format!("/api/v1/teachers/{}", staff[i % staff.len()]))
            .await;
        assert_eq!(t["teacher"]["education"], "master", "{t}");
    }
}
both_dbs!(fifty_concurrent_writers_all_succeed);

/// Duties progress, digest and their pages answer 404 for a school the
/// caller has nobody in, like every other foreign row.
async fn duties_of_a_foreign_school_are_not_found(app: TestApp) {
    let kindergarten = app.school_id("YGYEY").await;
    let primary = app.school_id("GFSY").await;
    for user in ["mentor", "leader"] {
        let c = app.login_as(user).await;
        for path in [
            format!("/api/v1/schools/{kindergarten}/duties/progress"),
            format!("/api/v1/schools/{kindergarten}/duties/progress?format=xlsx"),
            format!("/api/v1/schools/{kindergarten}/duties/digest"),
            format!("/duties?school={kindergarten}"),
            format!("/duties/digest?school={kindergarten}"),
        ] {
            let (s, body) = c.get_text(&path).await;
            assert_eq!(s, StatusCode::NOT_FOUND, "{user} {path}");
            assert!(
                !body.contains("阳光幼儿园") && !body.contains("Sunshine"),
                "{user} {path} names the school"
            );
        }
        // Their own school's rows they are related to still show.
        let (s, _) = c
            .get_text(&format!("/api/v1/schools/{primary}/duties/progress"))
            .await;
        assert_eq!(s, StatusCode::OK, "{user} own school");
    }
}
both_dbs!(duties_of_a_foreign_school_are_not_found);

/// A district's calendar is read by its own schools' staff, never by
/// those of another district.
async fn another_districts_calendar_is_not_found(app: TestApp) {
    let sys = Scope::system("test");
    let (other, _) = crate::helpers::other_district(&app).await;
    let own_district = lingyan_store::schools::get_by_code(&app.store, &sys, "GFSY")
        .await
        .expect("school")
        .district_id;
    for user in ["teacher", "director", "kgdirector"] {
        let c = app.login_as(user).await;
        let r = c.get(&format!("/api/v1/districts/{other}/calendar")).await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{user}");
        let r = c.get(&format!("/api/v1/districts/{own_district}/calendar")).await;
        assert_eq!(r.status(), StatusCode::OK, "{user} reads their own district's");
    }
}
both_dbs!(another_districts_calendar_is_not_found);

/// Wrong passwords from one client lock that client out of the username,
/// not the real user at their own computer.
async fn a_lockout_is_per_client(app: TestApp) {
    let attacker = client_from(&app, [127, 0, 0, 2]);
    let principal = client_from(&app, [127, 0, 0, 3]);
    // test_config: three failures lock.
    for _ in 0..4 {
        let r = login(&app, &attacker, "principal", "not-the-password").await;
        assert!(
            matches!(r, StatusCode::UNAUTHORIZED | StatusCode::TOO_MANY_REQUESTS),
            "{r}"
        );
    }
    // The attacker is locked out even with the right password …
    assert_eq!(
        login(&app, &attacker, "principal", PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    // … the principal, elsewhere, is not.
    assert_eq!(
        login(&app, &principal, "principal", PASSWORD).await,
        StatusCode::OK
    );
}
both_dbs!(a_lockout_is_per_client);

fn client_from(app: &TestApp, ip: [u8; 4]) -> reqwest::Client {
    let _ = app;
    reqwest::Client::builder()
        .local_address(std::net::IpAddr::from(ip))
        .build()
        .expect("client")
}

async fn login(app: &TestApp, c: &reqwest::Client, username: &str, password: &str) -> StatusCode {
    c.post(format!("{}/api/v1/auth/login", app.addr))
        .json(&json!({"username": username, "password": password}))
        .send()
        .await
        .expect("login")
        .status()
}

/// A password reset or disabling the account ends its API tokens, and
/// enabling the account again does not bring them back.
async fn reset_and_disable_end_tokens(app: TestApp) {
    let http = reqwest::Client::new();
    let me = |token: &str| {
        http.get(format!("{}/api/v1/me", app.addr))
            .bearer_auth(token.to_string())
            .send()
    };
    let token = app.token_for("teacher").await;
    assert_eq!(me(&token).await.unwrap().status(), StatusCode::OK);
    let teacher_id = app.user_id("teacher").await;
    let director = Api::new(&app, "director").await;

    let (s, body) = director
        .post(
            &format!("/api/v1/users/{teacher_id}/password"),
            json!({"new_password": "a-brand-new-secret-9"}),
        )
        .await;
    assert!(s.is_success(), "{s} {body}");
    assert_eq!(
        me(&token).await.unwrap().status(),
        StatusCode::UNAUTHORIZED,
        "a reset ends the token"
    );

    // Disable, enable: the token made in between stays dead.
    let c = app.client();
    let r = c
        .http
        .post(c.url("/api/v1/auth/login"))
        .json(&json!({"username": "teacher", "password": "a-brand-new-secret-9"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let csrf = c.api_csrf().await;
    let r = c
        .http
        .post(c.url("/api/v1/me/tokens"))
        .header("x-csrf-token", csrf)
        .json(&json!({"name": "second"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let second: Value = r.json().await.unwrap();
    let second = second["secret"].as_str().unwrap().to_string();
    assert_eq!(me(&second).await.unwrap().status(), StatusCode::OK);
    for active in [false, true] {
        let (s, body) = director
            .send(
                reqwest::Method::PATCH,
                &format!("/api/v1/users/{teacher_id}"),
                Some(json!({"active": active})),
            )
            .await;
        assert!(s.is_success(), "{s} {body}");
    }
    assert_eq!(
        me(&second).await.unwrap().status(),
        StatusCode::UNAUTHORIZED,
        "disabling ends the token for good"
    );
}
both_dbs!(reset_and_disable_end_tokens);

/// Searches that join another table answer, not 500.
async fn searches_answer(app: TestApp) {
    let api = Api::new(&app, "director").await;
    for path in [
        "/api/v1/schools?q=x",
        "/api/v1/schools?q=GF",
        "/api/v1/users?q=x",
        "/api/v1/teachers?q=x",
    ] {
        let (s, body) = api.get(path).await;
        assert_eq!(s, StatusCode::OK, "{path}: {body}");
    }
    let c = app.login_as("director").await;
    for path in ["/schools?q=x", "/users?q=x", "/teachers?q=x"] {
        assert_eq!(c.get(path).await.status(), StatusCode::OK, "{path}");
    }
}
both_dbs!(searches_answer);

/// Workbooks built to exhaust the server — a row of thousands of cells, a
/// cell a million rows down, more rows than an import takes — are
/// refused with a message that names the limit, and nothing is written.
async fn hostile_workbooks_are_refused_naming_the_limit(app: TestApp) {
    use lingyan_store::testing::{hostile_xlsx, row_xml};
    let token = app.token_for("director").await;
    let school = app.school_id("GFSY").await;
    let http = reqwest::Client::new();
    let header = row_xml(1, &[(1, "工号"), (2, "姓名")]);
    let wide = hostile_xlsx(|w| {
        w.write_all(header.as_bytes())?;
        let cells: Vec<(u32, &str)> = (1..=20_000).map(|c| (c, "x")).collect();
        w.write_all(row_xml(2, &cells).as_bytes())
    });
    let far = hostile_xlsx(|w| {
        w.write_all(header.as_bytes())?;
        w.write_all(row_xml(1_048_576, &[(1, "GF9999"), (2, "远")]).as_bytes())
    });
    let tall = hostile_xlsx(|w| {
        w.write_all(header.as_bytes())?;
        for r in 2..=200_002 {
            w.write_all(
                format!("<row r=\"{r}\"><c r=\"B{r}\" t=\"inlineStr\"><is><t>甲</t></is></c></row>")
                    .as_bytes(),
            )?;
        }
        Ok(())
    });
    let before = teacher_count(&app).await;
    for (what, file, says) in [
        ("wide", wide, "more than 256 columns"),
        ("far", far.clone(), "more than 200000 rows"),
        ("tall", tall, "more than 200000 rows"),
    ] {
        let r = http
            .post(format!(
                "{}/api/v1/schools/{school}/roster?filename=x.xlsx",
                app.addr
            ))
            .bearer_auth(&token)
            .header("accept-language", "en")
            .body(file)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{what}");
        let text = r.text().await.unwrap();
        assert!(text.contains(says), "{what}: {text}");
    }
    // The portfolio import reads every sheet whole: the same limits hold.
    let r = http
        .post(format!(
            "{}/api/v1/schools/{school}/evidence-import?filename=x.xlsx",
            app.addr
        ))
        .bearer_auth(&token)
        .header("accept-language", "zh-CN")
        .body(far)
        .send()
        .await
        .unwrap();
    let status = r.status();
    let text = r.text().await.unwrap();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{text}");
    assert!(text.contains("200000 行"), "{text}");
    assert_eq!(teacher_count(&app).await, before, "nothing written");
}
both_dbs!(hostile_workbooks_are_refused_naming_the_limit);

async fn teacher_count(app: &TestApp) -> u64 {
    lingyan_store::teachers::list(
        &app.store,
        &Scope::system("test"),
        &Default::default(),
        lingyan_domain::PageRequest::new(Some(1), Some(1)),
        lingyan_store::calendar::today(),
    )
    .await
    .expect("teachers")
    .total
}

/// Everyone on a research project opens its page, as they read it over
/// the API.
async fn project_members_open_the_project_page(app: TestApp) {
    let director = Api::new(&app, "director").await;
    let (s, list) = director.get("/api/v1/projects").await;
    assert_eq!(s, StatusCode::OK, "{list}");
    let id = list["items"][0]["id"]
        .as_i64()
        .or_else(|| list[0]["id"].as_i64())
        .unwrap_or_else(|| panic!("a demo project: {list}"));
    for user in ["mentor", "teacher"] {
        let api = Api::new(&app, user).await;
        let (s, _) = api.get(&format!("/api/v1/projects/{id}")).await;
        assert_eq!(s, StatusCode::OK, "{user} over the API");
        let c = app.login_as(user).await;
        let (s, html) = c.get_text(&format!("/projects/{id}")).await;
        assert_eq!(s, StatusCode::OK, "{user} on the page: {html}");
    }
}
both_dbs!(project_members_open_the_project_page);
