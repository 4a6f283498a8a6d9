//! Master-teacher studios over the API and the pages, in both languages:
//! the district sets one up and names members, the master records
//! activities, refusals name their field, and each reader sees what is
//! theirs.

use crate::both_dbs;
use crate::evidence::{Api, teacher};
use crate::helpers::TestApp;
use reqwest::StatusCode;
use serde_json::json;

async fn studios_over_api_and_pages(app: TestApp) {
    let gf = app.school_id("GFSY").await;
    let kg = app.school_id("YGYEY").await;
    let sys = lingyan_store::Scope::system("t");
    let district_id = lingyan_store::schools::get(&app.store, &sys, gf)
        .await
        .unwrap()
        .district_id;
    let district = Api::new(&app, "district").await;
    // The demo's studio: five members from two schools, send-teaching twice.
    let (s, list) = district.get("/api/v1/studios").await;
    assert_eq!(s, StatusCode::OK);
    let demo = list
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["studio"]["subject"] == "幼小衔接")
        .expect("the demo's studio")
        .clone();
    assert_eq!(demo["studio"]["members"].as_array().unwrap().len(), 5);
    assert_eq!(demo["studio"]["former_members"].as_array().unwrap().len(), 1);
    let demo_id = demo["studio"]["id"].as_i64().unwrap();
    let (_, page) = district.get(&format!("/api/v1/studios/{demo_id}")).await;
    assert_eq!(page["send_teaching"], 2);
    assert!(
        page["schools_reached"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["name"] == "水寨中心小学")
    );
    // Set up, refused by name, staffed, recorded.
    let today = lingyan_store::calendar::today();
    let master = teacher(&app, "GF0004").await;
    let body = |ends: chrono::NaiveDate| {
        json!({"name": "小学数学名师工作室", "master_teacher_id": master, "subject": "数学",
               "starts_on": today, "ends_on": ends, "aims": "培养骨干"})
    };
    let create = format!("/api/v1/districts/{district_id}/studios");
    let (s, v) = district.post(&create, body(today - chrono::Days::new(1))).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(v.to_string().contains("ends_on"), "{v}");
    let (s, v) = district
        .post(&create, body(today + chrono::Days::new(1000)))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let id = v["id"].as_i64().unwrap();
    let (s, _) = Api::new(&app, "director")
        .await
        .post(&create, body(today + chrono::Days::new(10)))
        .await;
    assert!(s == StatusCode::FORBIDDEN || s == StatusCode::NOT_FOUND, "{s}");
    let member = teacher(&app, "GF0040").await;
    let members = format!("/api/v1/studios/{id}/members");
    let (s, _) = district.post(&members, json!({"teacher_id": member})).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, v) = district.post(&members, json!({"teacher_id": member})).await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    let mentor = Api::new(&app, "mentor").await;
    let acts = format!("/api/v1/studios/{id}/activities");
    let visit = |school: serde_json::Value| {
        json!({"held_on": today, "kind": "送教下乡", "title": "送教《分数的初步认识》", "minutes": 80,
               "receiving_school_id": school})
    };
    let (s, v) = mentor.post(&acts, visit(serde_json::Value::Null)).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(v.to_string().contains("receiving_school"), "{v}");
    let (s, a) = mentor.post(&acts, visit(json!(kg))).await;
    assert_eq!(s, StatusCode::CREATED, "{a}");
    assert_eq!(a["kind"], "send_teaching");
    let (_, page) = mentor.get(&format!("/api/v1/studios/{id}")).await;
    assert_eq!(page["send_teaching"], 1);
    assert_eq!(page["studio"]["may_record"], true);
    assert_eq!(page["studio"]["may_manage"], false);
    // The kindergarten's director sees the studio its school was sent
    // teaching by only through a member: not this one.
    let (s, _) = Api::new(&app, "kgdirector")
        .await
        .get(&format!("/api/v1/studios/{id}"))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = mentor
        .send(
            reqwest::Method::DELETE,
            &format!("/api/v1/studio-activities/{}", a["id"]),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, _) = district
        .send(reqwest::Method::DELETE, &format!("{members}/{member}"), None)
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    // The pages, in Chinese: the list, the studio, the forms refusing by name.
    let c = app
        .login_with(app.client_with_lang(Some("zh-CN")), "district")
        .await;
    let (s, list) = c.get_text("/studios").await;
    assert_eq!(s, StatusCode::OK);
    assert!(list.contains("小学数学名师工作室") && list.contains("设立名师工作室"));
    let (s, page) = c.get_text(&format!("/studios/{demo_id}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        page.contains("水寨中心小学") && page.contains("已退出的成员") && page.contains("id=\"member-form\"")
    );
    let r = c
        .post_form(
            "/studios/new",
            "/studios",
            &[("name", "语文名师工作室"), ("starts_on", &today.to_string())],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("主持人"));
    let r = c
        .post_form(
            "/studios/new",
            "/studios",
            &[
                ("name", "语文名师工作室"),
                ("master", &master.to_string()),
                ("starts_on", &today.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let at = r.headers()["location"].to_str().unwrap().to_string();
    let r = c
        .post_form(
            &at,
            &format!("{at}/activities"),
            &[
                ("held_on", &today.to_string()),
                ("kind", "send_teaching"),
                ("title", "送教"),
                ("minutes", "60"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("送教下乡须填写受援学校"));
    let r = c
        .post_form(
            &at,
            &format!("{at}/activities"),
            &[
                ("held_on", &today.to_string()),
                ("kind", "send_teaching"),
                ("title", "送教《秋天的雨》"),
                ("minutes", "60"),
                ("receiving_school_name", "沈官小学"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = c.get_text(&at).await;
    assert!(page.contains("送至沈官小学"), "{page}");
    let (_, home) = c.get_text("/").await;
    assert!(home.contains("id=\"studios-card\""));
    // In English, the teacher's own studio on the home page; a studio they
    // are not in is not found.
    let t = app.login_with(app.client_with_lang(Some("en")), "teacher").await;
    let (_, home) = t.get_text("/").await;
    assert!(
        home.contains("id=\"my-studios\"") && home.contains("My studio"),
        "{home}"
    );
    let (s, page) = t.get_text(&format!("/studios/{demo_id}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("Send-teaching") && !page.contains("id=\"member-form\""));
    let (s, _) = t.get_text(&at).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}
both_dbs!(studios_over_api_and_pages);
