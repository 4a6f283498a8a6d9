//! Credit requirements over the API and pages: presets adopted by the
//! district, inherited by its schools, a school's own only where the
//! district allows it, every problem named, versions in words. The demo
//! without its duty sets has no credit requirement either.

use crate::both_dbs;
use crate::evidence::Api;
use crate::helpers::TestApp;
use reqwest::StatusCode;
use serde_json::json;

async fn district_id(app: &TestApp) -> i64 {
    lingyan_store::districts::find_by_code(&app.store, "GF")
        .await
        .unwrap()
        .unwrap()
        .id
}

async fn requirement_presets_inheritance_and_override(app: TestApp) {
    let school = app.school_id("GFSY").await;
    let district = district_id(&app).await;
    let director = Api::new(&app, "director").await;
    let admin = Api::new(&app, "district").await;

    let (s, presets) = director.get("/api/v1/credit-presets").await;
    assert_eq!(s, StatusCode::OK);
    let presets = presets.as_array().unwrap();
    assert_eq!(presets.len(), 8);
    let shanghai = presets.iter().find(|p| p["code"] == "shanghai").unwrap();
    assert_eq!(shanghai["rules"]["total"], 36);
    assert!(
        shanghai["rules"]["note_en"]
            .as_str()
            .unwrap()
            .contains("not stated")
    );

    // Nothing set: nothing asked.
    let (_, v) = director
        .get(&format!("/api/v1/schools/{school}/credit-rules?year=2026"))
        .await;
    assert_eq!(
        (v["set"].as_bool(), v["source"]["from"].as_str()),
        (Some(false), Some("none"))
    );

    // The district adopts the seed's 48 credits; the school inherits them.
    let (s, v) = admin
        .post(
            &format!("/api/v1/districts/{district}/credit-rules/adopt"),
            json!({"year": 2026, "preset": "seed-002-48"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["rules"]["buckets"].as_array().unwrap().len(), 3);
    let (_, v) = director
        .get(&format!("/api/v1/schools/{school}/credit-rules?year=2026"))
        .await;
    assert_eq!(v["source"], json!({"from": "district", "year": 2026}));
    assert_eq!(
        (v["rules"]["total"].as_i64(), v["school_may_set"].as_bool()),
        (Some(48), Some(false))
    );
    // … and the next year carries it forward.
    let (_, v) = director
        .get(&format!("/api/v1/schools/{school}/credit-rules?year=2027"))
        .await;
    assert_eq!(v["source"], json!({"from": "district", "year": 2026}));

    // The school may not set its own until the district allows it.
    let (s, v) = director
        .post(
            &format!("/api/v1/schools/{school}/credit-rules/adopt"),
            json!({"year": 2026, "preset": "zhejiang"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["field"], "school");
    // Nor the district's.
    let (s, _) = director
        .post(
            &format!("/api/v1/districts/{district}/credit-rules/adopt"),
            json!({"year": 2026, "preset": "zhejiang"}),
        )
        .await;
    assert!(s == StatusCode::FORBIDDEN || s == StatusCode::NOT_FOUND, "{s}");

    // Every problem is named, nothing saved.
    let (_, current) = admin
        .get(&format!("/api/v1/districts/{district}/credit-rules?year=2026"))
        .await;
    let mut bad = current["rules"].clone();
    bad["total"] = json!(0);
    bad["buckets"][1]["min"] = json!(50);
    bad["buckets"][1]["cap"] = json!(40);
    let (s, v) = admin
        .put(
            &format!("/api/v1/districts/{district}/credit-rules"),
            json!({"year": 2026, "rules": bad}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let msg = v["error"]["message"].as_str().unwrap();
    assert!(
        msg.contains("must be more than zero") || msg.contains("应大于零"),
        "{msg}"
    );
    let (_, after) = admin
        .get(&format!("/api/v1/districts/{district}/credit-rules?year=2026"))
        .await;
    assert_eq!(after["rules"], current["rules"]);
    // An unknown field is refused, not ignored.
    let mut typo = current["rules"].clone();
    typo["totl"] = json!(1);
    let (s, _) = admin
        .put(
            &format!("/api/v1/districts/{district}/credit-rules"),
            json!({"year": 2026, "rules": typo}),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);

    // The district lets schools set their own; the school adopts Zhejiang's.
    let mut open = current["rules"].clone();
    open["school_override"] = json!(true);
    let (s, v) = admin
        .put(
            &format!("/api/v1/districts/{district}/credit-rules"),
            json!({"year": 2026, "rules": open}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = director
        .post(
            &format!("/api/v1/schools/{school}/credit-rules/adopt"),
            json!({"year": 2026, "preset": "zhejiang"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["source"], json!({"from": "school", "year": 2026}));
    assert_eq!(
        (v["rules"]["total"].as_i64(), v["school_may_set"].as_bool()),
        (Some(360), Some(true))
    );
    // Taking the permission back puts the district's requirement in force again.
    let (s, _) = admin
        .put(
            &format!("/api/v1/districts/{district}/credit-rules"),
            json!({"year": 2026, "rules": current["rules"]}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (_, v) = director
        .get(&format!("/api/v1/schools/{school}/credit-rules?year=2026"))
        .await;
    assert_eq!(
        (v["rules"]["total"].as_i64(), v["source"]["from"].as_str()),
        (Some(48), Some("district"))
    );

    // The history says what changed, in words.
    let (_, h) = admin
        .get(&format!("/api/v1/districts/{district}/credit-rules/history"))
        .await;
    let h = h.as_array().unwrap();
    assert_eq!(h.len(), 3);
    let (s, d) = admin
        .get(&format!(
            "/api/v1/districts/{district}/credit-rules/versions/{}",
            h[1]["id"]
        ))
        .await;
    assert_eq!(s, StatusCode::OK, "{d}");
    let changes = d["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 1, "{d}");
    assert_eq!(changes[0]["code"], "@policy");
    assert!(
        changes[0]["after"]
            .as_str()
            .unwrap()
            .contains("schools may set their own")
            || changes[0]["after"].as_str().unwrap().contains("学校可自行设定")
    );
}

both_dbs!(requirement_presets_inheritance_and_override, without_duties);

async fn requirement_pages(app: TestApp) {
    let district = district_id(&app).await;
    let school = app.school_id("GFSY").await;
    let page = app
        .login_with(app.client_with_lang(Some("zh-CN")), "district")
        .await;
    let rules = format!("/districts/{district}/credits/rules?year=2026");
    let (s, html) = page.get_text(&rules).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains("尚未设定学分要求") || html.contains("No credit requirement"),
        "{html}"
    );
    let r = page
        .post_form(
            &rules,
            &format!("/districts/{district}/credits/rules/adopt"),
            &[("year", "2026"), ("preset", "jiangsu")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = page.get_text(&rules).await;
    assert!(html.contains("每 5 年 360 学时（周期自 2021 年起）"), "{html}");
    assert!(html.contains("每次 6 学时，至多 18 学时/周期"), "{html}");
    assert!(html.contains("县级及以上培训"));

    // A new part, named in English, gets its code from the name.
    let edit = format!("/districts/{district}/credits/rules/edit?year=2026&part=bucket");
    let (s, form) = page.get_text(&edit).await;
    assert_eq!(s, StatusCode::OK, "{form}");
    let fields = [
        ("year", "2026"),
        ("part", "bucket"),
        ("name_zh", "师德培训"),
        ("name_en", "Ethics training"),
        ("areas", "ethics"),
        ("min", "24"),
    ];
    let r = page
        .post_form(
            &edit,
            &format!("/districts/{district}/credits/rules/edit"),
            &fields,
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let api = Api::new(&app, "district").await;
    let (_, v) = api
        .get(&format!("/api/v1/districts/{district}/credit-rules?year=2026"))
        .await;
    let ethics = v["rules"]["buckets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["code"] == "ethics_training")
        .unwrap_or_else(|| panic!("{v}"));
    assert_eq!(
        (ethics["min"].as_i64(), ethics["areas"].clone()),
        (Some(24), json!(["ethics"]))
    );

    // A refused form says why beside the field, in the user's language, and keeps what was typed.
    let bad = [
        ("year", "2026"),
        ("part", "bucket"),
        ("original", "ethics_training"),
        ("name_zh", "师德培训"),
        ("name_en", "Ethics training"),
        ("min", "三十"),
        ("cap", "10"),
    ];
    let r = page
        .post_form(&edit, &format!("/districts/{district}/credits/rules/edit"), &bad)
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("value=\"三十\"") && html.contains("“三十”不是数字") && html.contains("&#34;min&#34;"),
        "{html}"
    );
    let bad = [
        ("year", "2026"),
        ("part", "bucket"),
        ("original", "ethics_training"),
        ("name_zh", "师德培训"),
        ("name_en", "Ethics training"),
        ("min", "30"),
        ("cap", "10"),
    ];
    let r = page
        .post_form(&edit, &format!("/districts/{district}/credits/rules/edit"), &bad)
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("第 2 条规则（师德培训）") && html.contains("低于最低要求"),
        "{html}"
    );

    // The general settings.
    let general = format!("/districts/{district}/credits/rules/edit?year=2026&part=general");
    let r = page
        .post_form(
            &general,
            &format!("/districts/{district}/credits/rules/edit"),
            &[
                ("year", "2026"),
                ("part", "general"),
                ("unit", "credit"),
                ("total", "240"),
                ("cycle_years", "3"),
                ("cycle_start", "2024"),
                ("yearly_min", "24"),
                ("hours_per_unit", "10"),
                ("approval", "school"),
                ("feedback_required", "on"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = page.get_text(&rules).await;
    assert!(
        html.contains("每 3 年 240 学分（周期自 2024 年起）；每年不少于 24 学分；10 学时计 1 学分"),
        "{html}"
    );
    assert!(html.contains("提交评价后方计学分"));

    // Deleting a part.
    let r = page
        .post_form(
            &rules,
            &format!("/districts/{district}/credits/rules/delete"),
            &[("year", "2026"), ("part", "bucket"), ("code", "ethics_training")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, v) = api
        .get(&format!("/api/v1/districts/{district}/credit-rules?year=2026"))
        .await;
    assert_eq!(v["rules"]["buckets"].as_array().unwrap().len(), 1);

    // The school's director sees the district's requirement, read only.
    let director = app
        .login_with(app.client_with_lang(Some("zh-CN")), "director")
        .await;
    let (s, html) = director
        .get_text(&format!("/schools/{school}/credits/rules?year=2026"))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("本要求由区县统一设定"), "{html}");
    assert!(!html.contains("credits/rules/adopt"));
    // Its edit page sends them back to the rules.
    let r = director
        .get(&format!(
            "/schools/{school}/credits/rules/edit?year=2026&part=general"
        ))
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let to = r.headers()["location"].to_str().unwrap();
    assert_eq!(to, format!("/schools/{school}/credits/rules?year=2026"));

    // The same page in English.
    let en = app.client_with_lang(Some("en"));
    let en = app.login_with(en, "district").await;
    let (_, html) = en.get_text(&rules).await;
    assert!(
        html.contains(
            "240 credits every 3 years (cycles from 2024); at least 24 credits each year; 10 hours = 1 credit"
        ),
        "{html}"
    );
}

both_dbs!(requirement_pages, without_duties);
