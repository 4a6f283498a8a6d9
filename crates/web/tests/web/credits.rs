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

const HEAD: &str = "工号,身份证号,姓名,培训年度,培训类别,培训项目名称,培训机构名称,培训方式,培训获得学时,培训获得学分,培训开始日期,培训结束日期\n";

fn good() -> String {
    format!(
        "{HEAD}GF0005,,,2026,40,小学数学新课标专题培训,广府区教师进修学校,2,16,16,2026-07-10,2026-07-13\n\
         GF0005,,,2026,30,信息技术应用能力提升,市教育局,3,8,8,2026-03-01,2026-05-30\n\
         GF0006,,,2026,60,校本研修：作业设计,广府实验小学,2,24,24,2026-04-01,2026-06-30\n"
    )
}

async fn transcript_of(api: &Api, teacher: i64, q: &str) -> serde_json::Value {
    let (s, v) = api.get(&format!("/api/v1/teachers/{teacher}/credits{q}")).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v
}

async fn national_import_transcript_and_round_trip(app: TestApp) {
    // The arithmetic is pinned on the fixture ledger alone.
    crate::helpers::without_mentoring_hours(&app).await;
    let district = district_id(&app).await;
    let admin = Api::new(&app, "district").await;
    let teacher = Api::new(&app, "teacher").await;
    let import = format!("/api/v1/districts/{district}/credits/import");
    // The demo's requirement, without its term of activities (whose
    // attendance would be on the ledger already).
    let (s, v) = admin
        .post(
            &format!("/api/v1/districts/{district}/credit-rules/adopt"),
            json!({"year": 2025, "preset": "seed-002-48"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (_, me) = teacher.get("/api/v1/me").await;
    let (_, mine) = teacher.get("/api/v1/me/credits").await;
    let me_id = mine["teacher_id"]
        .as_i64()
        .unwrap_or_else(|| panic!("{me} {mine}"));
    assert_eq!(
        (mine["total"].as_f64(), mine["required"].as_f64()),
        (Some(0.0), Some(48.0))
    );

    // A bad file: every problem named by row and column, nothing written.
    let bad = format!(
        "{HEAD}GF9999,,,2026,40,甲,乙,2,16,16,2026-07-10,2026-07-13\n\
         GF0005,,,2026,50,甲,乙,2,-16,16,2026-07-10,2026-07-13\n\
         GF0005,,,2025,40,丙,乙,2,16,16,2025-12-28,2026-01-02\n\
         GF0005,,,2026,40,丁,乙,2,6,6,2026-07-10,2026-07-13\n\
         GF0005,,,2026,40,丁 ,乙,2,6,6,2026-07-10,2026-07-13\n\
         ,12345,,2026,40,戊,乙,2,6,6,2026-07-10,2026-07-13\n"
    );
    let (s, r) = admin
        .upload(&format!("{import}?dry_run=false"), "bad.csv", bad.into_bytes())
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{r}");
    let got = crate::helpers::row_codes(&r);
    let want: Vec<(i64, String, String)> = [
        (2, "工号", "unknown_staff_no"),
        (3, "培训类别", "unknown_training_category"),
        (3, "培训获得学时", "negative_amount"),
        (4, "培训开始日期", "outside_cycle"),
        (6, "培训项目名称", "repeats_row"),
        (7, "身份证号", "id_number_not_kept"),
    ]
    .into_iter()
    .map(|(r, c, e)| (r, c.to_string(), e.to_string()))
    .collect();
    assert_eq!(got, want, "{r}");
    assert!(!r["written"].as_bool().unwrap());
    let msg = r["errors"][1]["message"].as_str().unwrap();
    assert!(msg.contains("not a training level code"), "{msg}");
    assert_eq!(
        transcript_of(&admin, me_id, "").await["entries"]
            .as_array()
            .unwrap()
            .len(),
        0
    );

    // A dry run writes nothing; the import adds; again, everything is known.
    let (s, r) = admin
        .upload(&format!("{import}?dry_run=true"), "n.csv", good().into_bytes())
        .await;
    assert_eq!(
        (s, r["added"].as_i64(), r["written"].as_bool()),
        (StatusCode::OK, Some(3), Some(false)),
        "{r}"
    );
    let (s, r) = admin.upload(&import, "n.csv", good().into_bytes()).await;
    assert_eq!(
        (s, r["added"].as_i64(), r["written"].as_bool()),
        (StatusCode::OK, Some(3), Some(true)),
        "{r}"
    );
    let (s, r) = admin.upload(&import, "n.csv", good().into_bytes()).await;
    assert_eq!(
        (s, r["added"].as_i64(), r["already"].as_i64()),
        (StatusCode::OK, Some(0), Some(3)),
        "{r}"
    );
    // A school director may not import.
    let director = Api::new(&app, "director").await;
    let (s, _) = director.upload(&import, "n.csv", good().into_bytes()).await;
    assert!(s == StatusCode::FORBIDDEN || s == StatusCode::NOT_FOUND, "{s}");

    // The teacher's transcript: 16 centralized + 8 online of 48; school-based missing.
    let (_, t) = teacher.get("/api/v1/me/credits?as_of=2026-12-01").await;
    assert_eq!(
        (t["total"].as_f64(), t["required"].as_f64()),
        (Some(24.0), Some(48.0)),
        "{t}"
    );
    assert_eq!(
        (t["cycle_first"].as_i64(), t["cycle_last"].as_i64()),
        (Some(2026), Some(2026))
    );
    let missing: Vec<&str> = t["missing"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["text"].as_str().unwrap())
        .collect();
    assert_eq!(
        missing,
        ["24 credits in all", "24 credits in School-based training"]
    );
    assert!(t["eligible"].as_bool().unwrap() && !t["complete"].as_bool().unwrap());
    // A cycle no year can start is refused, naming the field.
    let (s, e) = teacher.get("/api/v1/me/credits?cycle=-2147483648").await;
    assert_eq!(
        (s, e["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("cycle")),
        "{e}"
    );
    let entries = t["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(
        (entries[0]["title"].as_str(), entries[0]["level"].as_str()),
        (Some("信息技术应用能力提升"), Some("municipal"))
    );
    assert_eq!(
        (entries[0]["form"].as_str(), entries[0]["counted"].as_f64()),
        (Some("online"), Some(8.0))
    );
    // Once the year is over the shortfall is due: not eligible for a higher title.
    let t = transcript_of(&admin, me_id, "?as_of=2027-01-05&cycle=2026").await;
    assert!(!t["eligible"].as_bool().unwrap());
    assert_eq!(t["due"].as_array().unwrap().len(), 2);
    let (s, e) = admin
        .get(&format!(
            "/api/v1/teachers/{me_id}/credits?cycle=2021&as_of=2026-12-01"
        ))
        .await;
    assert_eq!(s, StatusCode::OK, "{e}");
    // Another school's director does not see it.
    let kg = Api::new(&app, "kgdirector").await;
    let (s, _) = kg.get(&format!("/api/v1/teachers/{me_id}/credits")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // Export → import changes nothing, as .xlsx and as .csv.
    for format in ["xlsx", "csv"] {
        let resp = reqwest::Client::new()
            .get(format!(
                "{}/api/v1/districts/{district}/credits/export?year=2026&format={format}",
                app.addr
            ))
            .bearer_auth(app.token_for("district").await)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::OK);
        let bytes = resp.bytes().await.unwrap().to_vec();
        if format == "xlsx" {
            let sheets = crate::helpers::workbook_sheets(&bytes);
            let rows: Vec<Vec<String>> = sheets[0]
                .1
                .rows()
                .map(|r| r.iter().map(|c| c.to_string()).collect())
                .collect();
            assert_eq!(rows.len(), 4);
            assert_eq!(rows[0][5], "培训项目名称");
            assert!(
                rows.iter()
                    .any(|r| r[0] == "GF0006" && r[4] == "60" && r[9] == "24"),
                "{rows:?}"
            );
        }
        let (s, r) = admin.upload(&import, &format!("back.{format}"), bytes).await;
        assert_eq!(
            (s, r["added"].as_i64(), r["already"].as_i64()),
            (StatusCode::OK, Some(0), Some(3)),
            "{r}"
        );
    }

    // The pages: the teacher's transcript on a phone, in Chinese; the import page's report.
    let page = app
        .login_with(app.client_with_lang(Some("zh-CN")), "teacher")
        .await;
    let (s, html) = page
        .get_text(&format!("/teachers/{me_id}/credits?as_of=2026-12-01"))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("已计 24 学分，要求 48 学分"), "{html}");
    assert!(
        html.contains("校本研训差 24 学分") && html.contains("可申报晋升高一级职称"),
        "{html}"
    );
    let admin_page = app
        .login_with(app.client_with_lang(Some("zh-CN")), "district")
        .await;
    let csrf = admin_page
        .csrf_from(&format!("/districts/{district}/credits/import"))
        .await;
    let form = reqwest::multipart::Form::new().text("csrf_token", csrf).part(
        "file",
        reqwest::multipart::Part::bytes(
            format!("{HEAD}GF9999,,,2026,40,甲,乙,2,16,16,2026-07-10,2026-07-13\n").into_bytes(),
        )
        .file_name("x.csv"),
    );
    let r = admin_page
        .http
        .post(admin_page.url(&format!("/districts/{district}/credits/import")))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("本区没有工号为 GF9999 的教师") && html.contains("未写入任何内容"),
        "{html}"
    );
}

both_dbs!(national_import_transcript_and_round_trip, without_duties);
