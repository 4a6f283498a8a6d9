//! Duties over the API and pages: rule sets per school and district and
//! year (presets, validation, inheritance, versioning), progress from
//! verified records only, who sees whose duties, the matrix with filters
//! and its .xlsx, the teacher's card, reminders and the digest.

use crate::both_dbs;
use crate::evidence::{Api, account};
use crate::helpers::TestApp;
use reqwest::StatusCode;
use serde_json::{Value, json};

const AS_OF: &str = "2026-11-15";

fn codes(v: &Value) -> Vec<String> {
    v["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap().to_string())
        .collect()
}

async fn district_id(app: &TestApp) -> i64 {
    lingyan_store::districts::find_by_code(&app.store, "GF")
        .await
        .unwrap()
        .unwrap()
        .id
}

async fn rule_sets_presets_and_validation(app: TestApp) {
    let school = app.school_id("GFSY").await;
    let district = district_id(&app).await;
    let director = Api::new(&app, "director").await;
    let (s, v) = director
        .get(&format!("/api/v1/schools/{school}/duty-set?year=2026"))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["source"]["from"], "none");
    let (_, presets) = director.get("/api/v1/duty-presets").await;
    let presets = presets.as_array().unwrap().clone();
    assert_eq!(presets.len(), 10);
    let quotas = presets
        .iter()
        .find(|p| p["code"] == "observation-quotas")
        .unwrap();

    // The district sets quotas; the school inherits them.
    let admin = Api::new(&app, "district").await;
    let (s, v) = admin
        .put(
            &format!("/api/v1/districts/{district}/duty-set"),
            json!({"year": 2026, "rules": quotas["rules"]}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (_, v) = director
        .get(&format!("/api/v1/schools/{school}/duty-set?year=2026"))
        .await;
    assert_eq!(v["source"], json!({"from": "district", "year": 2026}));
    assert_eq!(codes(&v), ["obs_backbone", "obs_young", "obs_mature"]);
    // The director cannot change the district's set.
    let (s, _) = director
        .put(
            &format!("/api/v1/districts/{district}/duty-set"),
            json!({"year": 2026, "rules": []}),
        )
        .await;
    assert!(s == StatusCode::FORBIDDEN || s == StatusCode::NOT_FOUND, "{s}");

    // Adopting a preset starts the school's own set from the inherited one.
    let (s, v) = director
        .post(
            &format!("/api/v1/schools/{school}/duty-set/adopt"),
            json!({"year": 2026, "preset": "young-six-ones"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["source"], json!({"from": "school", "year": 2026}));
    assert_eq!(codes(&v).len(), 10);

    // Next year's edit leaves this year's set alone, and years before any
    // set have none.
    let one = &v["rules"].as_array().unwrap()[..1];
    let (s, _) = director
        .put(
            &format!("/api/v1/schools/{school}/duty-set"),
            json!({"year": 2027, "rules": one}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (_, v26) = director
        .get(&format!("/api/v1/schools/{school}/duty-set?year=2026"))
        .await;
    assert_eq!(codes(&v26).len(), 10);
    let (_, v28) = director
        .get(&format!("/api/v1/schools/{school}/duty-set?year=2028"))
        .await;
    assert_eq!(v28["source"], json!({"from": "school", "year": 2027}));
    let (_, v25) = director
        .get(&format!("/api/v1/schools/{school}/duty-set?year=2025"))
        .await;
    assert_eq!(v25["source"]["from"], "none");

    // Bad rules: every problem named by rule and field; nothing saved.
    let (s, v) = director
        .put(
            &format!("/api/v1/schools/{school}/duty-set"),
            json!({"year": 2026, "rules": [
                {"code": "x", "name_zh": "甲", "name_en": "X", "kinds": ["obsrvation"], "count": 1, "period": ""},
                {"code": "x", "name_zh": "乙", "name_en": "Y", "kinds": ["reading"], "role": "host", "count": 1,
                 "period": "semester", "tiers": ["nobody"]}
            ]}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let problems: Vec<(String, String)> = v["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().into(),
                f["message"].as_str().unwrap().into(),
            )
        })
        .collect();
    let has = |code: &str, text: &str| problems.iter().any(|(c, m)| c == code && m.contains(text));
    assert!(has("unknown_counted_kind", "Rule 1 (X)"), "{problems:?}");
    assert!(has("required", "Rule 1 (X): Per period"), "{problems:?}");
    // A rule is named by its name in the reader's language, not its code.
    assert!(has("duplicate_rule_code", "Rule 2 (Y)"), "{problems:?}");
    assert!(has("filter_not_for_kinds", "Rule 2 (Y)"), "{problems:?}");
    assert!(has("unknown_tier", "nobody"), "{problems:?}");
    let (_, still) = director
        .get(&format!("/api/v1/schools/{school}/duty-set?year=2026"))
        .await;
    assert_eq!(codes(&still).len(), 10);
    // A misspelt field is refused, not ignored.
    let (s, v) = director
        .put(
            &format!("/api/v1/schools/{school}/duty-set"),
            json!({"year": 2026, "rules": [{"code": "r", "name_zh": "r", "name_en": "r", "kind": ["reading"],
                   "count": 1, "period": "semester"}]}),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(v["error"]["message"].as_str().unwrap().contains("kind"), "{v}");
    // Teachers cannot change rules.
    let t = Api::new(&app, "teacher").await;
    let (s, _) = t
        .post(
            &format!("/api/v1/schools/{school}/duty-set/adopt"),
            json!({"year": 2026, "preset": "all-eight-ones"}),
        )
        .await;
    assert!(s == StatusCode::FORBIDDEN || s == StatusCode::NOT_FOUND, "{s}");
    // Permission is checked before the preset: a teacher learns nothing
    // about which presets exist.
    let (s, _) = t
        .post(
            &format!("/api/v1/schools/{school}/duty-set/adopt"),
            json!({"year": 2026, "preset": "no-such-preset"}),
        )
        .await;
    assert!(s == StatusCode::FORBIDDEN || s == StatusCode::NOT_FOUND, "{s}");
    let (s, v) = director
        .post(
            &format!("/api/v1/schools/{school}/duty-set/adopt"),
            json!({"year": 2026, "preset": "no-such-preset"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["error"]["fields"].as_array().map(Vec::len).unwrap_or(1), 1);
}
both_dbs!(rule_sets_presets_and_validation, without_duties);

fn result<'a>(row: &'a Value, rule: &str) -> &'a Value {
    row["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["rule"] == rule)
        .unwrap_or_else(|| panic!("no result for {rule}"))
}

async fn progress_matrix_reminders_and_digest(app: TestApp) {
    let school = app.school_id("GFSY").await;
    // A teacher without demo records (those are dated from today).
    let me = account(&app, "newcomer", "GF0050", "teacher").await;
    let colleague_id = account(&app, "colleague", "GF0051", "teacher").await;
    let director = Api::new(&app, "director").await;
    // In force from the first day of the year (adopted today, they would
    // ask nothing of the weeks before today).
    for preset in ["all-eight-ones", "observation-quotas"] {
        let (s, _) = director
            .post(
                &format!("/api/v1/schools/{school}/duty-set/adopt"),
                json!({"year": 2026, "preset": preset, "effective_from": "2026-09-01"}),
            )
            .await;
        assert_eq!(s, StatusCode::OK);
    }
    // The school's matrix, viewed before the records below: its results
    // are kept, and must move on when they are verified.
    let (s, before) = director
        .get(&format!("/api/v1/schools/{school}/duties/progress?as_of={AS_OF}"))
        .await;
    assert_eq!(s, StatusCode::OK);
    let row = before["teachers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["teacher_id"] == me)
        .unwrap();
    assert_eq!(result(row, "a8_observe")["evidence"], json!([]));
    let owner = Api::new(&app, "newcomer").await;
    let (s, mine) = owner.get(&format!("/api/v1/me/duties?as_of={AS_OF}")).await;
    assert_eq!(s, StatusCode::OK, "{mine}");
    let row = &mine["teacher"];
    assert_eq!(row["teacher_id"], me);
    let book = result(row, "a8_theory_book");
    assert_eq!(
        (book["done"].as_f64(), book["status"].as_str()),
        (Some(0.0), Some("on_track"))
    );
    assert_eq!(book["done"].to_string(), "0.0", "never -0.0");
    let semester_start = result(row, "a8_theory_book")["from"]
        .as_str()
        .unwrap()
        .to_string();

    // A reading note in the first fortnight and an observation, recorded:
    // nothing counts until a leader verifies it.
    let start = chrono::NaiveDate::parse_from_str(&semester_start, "%Y-%m-%d").unwrap();
    let day = |n: u64| (start + chrono::Days::new(n)).to_string();
    let (s, note) = owner
        .post(
            &format!("/api/v1/teachers/{me}/evidence"),
            json!({"kind": "reading", "date": day(2), "title": "《给教师的建议》", "text": "读后感"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{note}");
    let (s, obs) = owner
        .post(
            &format!("/api/v1/teachers/{me}/evidence"),
            json!({"kind": "observation", "date": day(3), "title": "《圆的认识》", "details": {"subject": "数学"},
                "co_owners": [colleague_id]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let (_, mine) = owner.get(&format!("/api/v1/me/duties?as_of={AS_OF}")).await;
    assert_eq!(result(&mine["teacher"], "a8_theory_book")["done"], 0.0);
    let (s, _) = director
        .post("/api/v1/evidence/verify", json!({"ids": [note["id"], obs["id"]]}))
        .await;
    assert_eq!(s, StatusCode::OK);
    let (_, mine) = owner
        .get(&format!("/api/v1/me/duties?as_of={AS_OF}&days=30"))
        .await;
    let row = &mine["teacher"];
    let book = result(row, "a8_theory_book");
    assert_eq!(book["status"], "done");
    assert_eq!(book["evidence"], json!([{"kind": "reading", "id": note["id"]}]));
    let fortnights = result(row, "a8_reading_note");
    assert_eq!(fortnights["done"], 1.0);
    assert_eq!(
        fortnights["status"], "overdue",
        "later fortnights passed without a note"
    );
    assert!(
        fortnights["explanation"].as_str().unwrap().contains("missed"),
        "{fortnights}"
    );
    assert!(
        mine["reminders"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["rule"] == "a8_observe"),
        "the weekly observation falls due: {}",
        mine["reminders"]
    );

    // A co-owned record counts for the co-owner too.
    let colleague = Api::new(&app, "colleague").await;
    let (_, theirs) = colleague.get(&format!("/api/v1/me/duties?as_of={AS_OF}")).await;
    assert_eq!(
        result(&theirs["teacher"], "a8_observe")["evidence"],
        json!([{"kind": "observation", "id": obs["id"]}]),
        "{theirs}"
    );
    let (_, all) = director
        .get(&format!("/api/v1/schools/{school}/duties/progress?as_of={AS_OF}"))
        .await;
    let rows = all["teachers"].as_array().unwrap();
    for id in [&me, &colleague_id] {
        let row = rows.iter().find(|t| &t["teacher_id"] == id).unwrap();
        assert_eq!(
            result(row, "a8_observe")["evidence"],
            json!([{"kind": "observation", "id": obs["id"]}]),
            "the school's matrix, teacher {id}"
        );
    }

    // Who sees whose duties.
    let (s, _) = colleague.get(&format!("/api/v1/teachers/{me}/duties")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    for who in ["director", "principal", "district", "inspector"] {
        let (s, v) = Api::new(&app, who)
            .await
            .get(&format!("/api/v1/teachers/{me}/duties?as_of={AS_OF}"))
            .await;
        assert_eq!(s, StatusCode::OK, "{who}");
        assert_eq!(result(&v["teacher"], "a8_theory_book")["status"], "done", "{who}");
    }
    let (s, _) = Api::new(&app, "kgdirector")
        .await
        .get(&format!("/api/v1/teachers/{me}/duties"))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // The matrix: everyone for the director, the group for its leader.
    let (s, all) = director
        .get(&format!("/api/v1/schools/{school}/duties/progress?as_of={AS_OF}"))
        .await;
    assert_eq!(s, StatusCode::OK);
    let everyone = all["teachers"].as_array().unwrap().len();
    assert!(everyone > 10, "{everyone}");
    assert_eq!(all["rules"].as_array().unwrap().len(), 11);
    let my_row = all["teachers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["teacher_id"] == me)
        .unwrap();
    assert_eq!(result(my_row, "a8_theory_book")["status"], "done");
    let (s, led) = Api::new(&app, "leader")
        .await
        .get(&format!("/api/v1/schools/{school}/duties/progress?as_of={AS_OF}"))
        .await;
    assert_eq!(s, StatusCode::OK);
    let led = led["teachers"].as_array().unwrap().len();
    assert!(led > 0 && led < everyone, "{led} of {everyone}");
    // Filtered to one group: exactly its members.
    let (_, groups) = director.get(&format!("/api/v1/schools/{school}/groups")).await;
    let group = groups
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["kind"] != "leading" && !g["members"].as_array().unwrap().is_empty())
        .expect("a demo group with members");
    let (s, one) = director
        .get(&format!(
            "/api/v1/schools/{school}/duties/progress?as_of={AS_OF}&group_id={}",
            group["id"]
        ))
        .await;
    assert_eq!(s, StatusCode::OK);
    let ids = |v: &Value, key: &str| {
        let mut ids: Vec<i64> = v
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t[key].as_i64().unwrap())
            .collect();
        ids.sort();
        ids.dedup();
        ids
    };
    assert_eq!(
        ids(&one["teachers"], "teacher_id"),
        ids(&group["members"], "teacher_id"),
        "{group}"
    );
    let (s, _) = colleague
        .get(&format!("/api/v1/schools/{school}/duties/progress"))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // The workbook has the matrix and a detail row per teacher × duty.
    let resp = reqwest::Client::new()
        .get(format!(
            "{}/api/v1/schools/{school}/duties/progress?as_of={AS_OF}&format=xlsx&lang=zh-CN",
            app.addr
        ))
        .bearer_auth(app.token_for("director").await)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let bytes = resp.bytes().await.unwrap();
    let sheets = lingyan_store::roster::read_sheets(&bytes, &Default::default()).unwrap();
    assert_eq!(sheets.len(), 2);
    assert_eq!(sheets[0].1.len(), everyone + 1);
    assert!(
        sheets[0].1[0]
            .iter()
            .any(|h| h == "每学期读一本理论书并交读书心得")
    );
    assert_eq!(sheets[1].1.len(), everyone * 11 + 1);
    assert!(
        sheets[1].1.iter().any(|r| r.iter().any(|c| c == "读书笔记 1 条")),
        "the note counted, by kind"
    );

    // The digest: who has not observed a lesson this week.
    let (s, dg) = director
        .get(&format!(
            "/api/v1/schools/{school}/duties/digest?as_of={AS_OF}&days=7"
        ))
        .await;
    assert_eq!(s, StatusCode::OK);
    let weekly = dg["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["rule"] == "a8_observe")
        .expect("weekly observations in the digest");
    let unmet = weekly["unmet"].as_array().unwrap();
    assert!(unmet.contains(&json!(me)));
    assert!(
        weekly["text"]
            .as_str()
            .unwrap()
            .starts_with(&format!("{} teacher", unmet.len()))
    );

    // Pages: the matrix with filters, its export, the drill-down, the card.
    let page = app.login_as("director").await;
    let (s, html) = page
        .get_text(&format!(
            "/duties?school={school}&as_of={AS_OF}&sort=behind&per_page=500"
        ))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("duty-matrix") && html.contains(&format!("/teachers/{me}/duties")));
    let (_, done_only) = page
        .get_text(&format!(
            "/duties?school={school}&as_of={AS_OF}&status=done&per_page=500"
        ))
        .await;
    assert!(done_only.contains(&format!("/teachers/{me}/duties")));
    assert!(done_only.matches("<tr>").count() < html.matches("<tr>").count());
    // The rows come a page at a time; the counts per duty cover everyone.
    let (_, first) = page
        .get_text(&format!("/duties?school={school}&as_of={AS_OF}&per_page=5"))
        .await;
    assert_eq!(
        first.matches("<tr>").count(),
        1 + 5,
        "the header and five teachers"
    );
    assert!(first.contains("rel=\"next\""));
    // Counts agree with their unit.
    assert!(first.contains("1 record per semester"), "{first}");
    assert!(!first.contains("1 records"), "{first}");
    // The school by its English name for a reader of English.
    assert!(
        first.contains("<small class=\"muted\">Guangfu Experimental Primary School</small>"),
        "{first}"
    );
    for path in [
        format!("/teachers/{me}"),
        format!("/teachers/{me}/duties?as_of={AS_OF}"),
        format!("/teachers/{me}/portfolio"),
        format!("/duties/digest?school={school}&as_of={AS_OF}"),
        format!("/schools/{school}/duties/rules"),
    ] {
        let (_, html) = page.get_text(&path).await;
        assert!(
            html.contains("Guangfu Experimental Primary School") && !html.contains("广府实验小学"),
            "{path}: {html}"
        );
    }
    let x = page
        .get(&format!("/duties.xlsx?school={school}&as_of={AS_OF}"))
        .await;
    assert_eq!(x.status(), StatusCode::OK);
    let bytes = x.bytes().await.unwrap();
    assert!(bytes.starts_with(b"PK"));
    // Read back: the detail sheet's periods are dates, the records that
    // counted are named in words, and statuses are coloured.
    let sheets = crate::helpers::workbook_sheets(&bytes);
    let (_, detail) = &sheets[1];
    let header: Vec<String> = detail
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    let from = header.iter().position(|h| h == "From" || h == "起").unwrap_or(7);
    assert!(
        detail
            .rows()
            .skip(1)
            .all(|r| matches!(r[from], calamine::Data::DateTime(_))),
        "{header:?}"
    );
    let last = header.len() - 1;
    assert!(
        detail.rows().skip(1).all(|r| !r[last].to_string().contains('#')),
        "no record ids"
    );
    assert!(
        detail
            .rows()
            .skip(1)
            .any(|r| r[last].to_string().starts_with("Lesson observation: ")),
        "what counted, by kind"
    );
    let styles = crate::helpers::zip_entry(&bytes, "xl/styles.xml");
    assert!(
        ["FFE3F1E6", "FFFFF1D6", "FFFBE1E1", "FFF2F2F2"]
            .iter()
            .any(|fill| styles.contains(fill)),
        "status colours"
    );
    let (s, drill) = page
        .get_text(&format!("/teachers/{me}/duties?as_of={AS_OF}"))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(drill.contains("《给教师的建议》") && drill.contains(&format!("/evidence/{}", note["id"])));
    let (s, digest) = page
        .get_text(&format!("/duties/digest?school={school}&as_of={AS_OF}&days=7"))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(digest.contains("have not yet met"));

    let zh = app.client_with_lang(Some("zh-CN"));
    zh.post_form(
        "/login",
        "/login",
        &[("username", "newcomer"), ("password", crate::helpers::PASSWORD)],
    )
    .await;
    let (_, home) = zh.get_text("/").await;
    assert!(
        home.contains("id=\"my-duties\"") && home.contains("我的职责任务"),
        "the home card"
    );
    assert!(
        home.contains("每学期读一本理论书并交读书心得"),
        "what is left and what counted"
    );
    let resp = zh.get("/duties").await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        resp.headers()["location"],
        format!("/teachers/{me}/duties").as_str()
    );
    let (_, mine_zh) = zh.get_text(&format!("/teachers/{me}/duties?as_of={AS_OF}")).await;
    assert!(
        mine_zh.contains("已完成") && mine_zh.contains("错过"),
        "explanations in Chinese"
    );
}
both_dbs!(progress_matrix_reminders_and_digest, without_duties);

async fn rule_editor_pages(app: TestApp) {
    let school = app.school_id("GFSY").await;
    let page = app.client_with_lang(Some("zh-CN"));
    page.post_form(
        "/login",
        "/login",
        &[("username", "director"), ("password", crate::helpers::PASSWORD)],
    )
    .await;
    let rules = format!("/schools/{school}/duties/rules?year=2026");
    let (s, html) = page.get_text(&rules).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("青年教师“六个一”") && html.contains("全体教师“八个一”"));
    let r = page
        .post_form(
            &rules,
            &format!("/schools/{school}/duties/rules/adopt"),
            &[("year", "2026"), ("preset", "young-six-ones")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = page.get_text(&rules).await;
    assert!(html.contains("y6_book") && html.contains("已采用"));
    // How much, as a school writes it.
    assert!(html.contains("每学期 1 项"), "{html}");

    let edit = format!("/schools/{school}/duties/rules/edit?year=2026&code=y6_book");
    let (s, form) = page.get_text(&edit).await;
    assert_eq!(s, StatusCode::OK);
    assert!(form.contains("value=\"读一本专业书\""));
    let fields = [
        ("year", "2026"),
        ("original", "y6_book"),
        ("code", "y6_book"),
        ("name_zh", "读两本专业书"),
        ("name_en", "Read two professional books"),
        ("kinds", "reading"),
        ("count", "2"),
        ("measure", "count"),
        ("period", "semester"),
        ("tiers", "young"),
    ];
    let r = page
        .post_form(&edit, &format!("/schools/{school}/duties/rules/edit"), &fields)
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let api = Api::new(&app, "director").await;
    let (_, v) = api
        .get(&format!("/api/v1/schools/{school}/duty-set?year=2026"))
        .await;
    let book = v["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == "y6_book")
        .unwrap();
    assert_eq!(
        (book["count"].as_f64(), book["name_zh"].as_str()),
        (Some(2.0), Some("读两本专业书"))
    );

    // A contradictory rule is refused in the user's language, the form kept.
    let mut bad = fields.to_vec();
    bad.push(("role", "host"));
    bad.push(("age_below", "三十"));
    let r = page
        .post_form(&edit, &format!("/schools/{school}/duties/rules/edit"), &bad)
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("“三十”不是整数"), "{html}");
    let bad: Vec<(&str, &str)> = fields.iter().copied().chain([("role", "host")]).collect();
    let r = page
        .post_form(&edit, &format!("/schools/{school}/duties/rules/edit"), &bad)
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("第 1 条规则（读两本专业书）") && html.contains("与所选类别不符"),
        "{html}"
    );
    assert!(
        html.contains("value=\"读两本专业书\""),
        "the form keeps what was typed"
    );

    // A new rule, its code made from its English name (nobody types
    // codes), then deleting it.
    let (_, form) = page
        .get_text(&format!("/schools/{school}/duties/rules/edit?year=2026"))
        .await;
    assert!(
        form.contains("type=\"hidden\" name=\"code\" value=\"\""),
        "{form}"
    );
    let new = format!("/schools/{school}/duties/rules/edit?year=2026");
    let r = page
        .post_form(
            &new,
            &format!("/schools/{school}/duties/rules/edit"),
            &[
                ("year", "2026"),
                ("code", ""),
                ("name_zh", "外出学习"),
                ("name_en", "Study visits"),
                ("kinds", "study_visit"),
                ("measure", "days"),
                ("count", "2.5"),
                ("period", "semester"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, v) = api
        .get(&format!("/api/v1/schools/{school}/duty-set?year=2026"))
        .await;
    assert_eq!(codes(&v).len(), 8);
    assert!(codes(&v).contains(&"study_visits".to_string()), "{v}");
    let r = page
        .post_form(
            &rules,
            &format!("/schools/{school}/duties/rules/delete"),
            &[("year", "2026"), ("code", "study_visits")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, v) = api
        .get(&format!("/api/v1/schools/{school}/duty-set?year=2026"))
        .await;
    assert_eq!(codes(&v).len(), 7);

    // A teacher sees the rules but cannot change them.
    let t = app.login_as("teacher").await;
    let (s, html) = t.get_text(&rules).await;
    assert_eq!(s, StatusCode::OK);
    assert!(!html.contains("/duties/rules/adopt"));
    let r = t
        .post_form(
            &rules,
            &format!("/schools/{school}/duties/rules/delete"),
            &[("year", "2026"), ("code", "y6_book")],
        )
        .await;
    assert!(r.status() == StatusCode::FORBIDDEN || r.status() == StatusCode::NOT_FOUND);
}
both_dbs!(rule_editor_pages, without_duties);

/// The matrix shows only duties that apply to someone, a completion row,
/// teacher cards for phones, and drill-downs that lead back to it.
async fn matrix_for_readers(app: TestApp) {
    let school = app.school_id("YGYEY").await;
    let c = app.login_as("kgdirector").await;
    // Young teachers only: the backbone and mature duties apply to none.
    let (s, page) = c
        .get_text(&format!("/duties?school={school}&tier=young&sort=name"))
        .await;
    assert_eq!(s, StatusCode::OK);
    let head = &page[page.find("<thead>").unwrap()..page.find("</thead>").unwrap()];
    assert_eq!(
        head.matches("<th scope=\"col\"").count(),
        7,
        "the six ones and their observations: {head}"
    );
    assert!(
        page.contains("duties that apply to nobody shown are left out"),
        "{page}"
    );
    assert!(head.contains("%</strong>"), "a completion row: {head}");
    assert!(page.contains(r#"id="matrix-cards""#));
    // A cell opens the teacher's duty, with the way back to this matrix.
    let href = page[page.find("<tbody>").unwrap()..]
        .split("href=\"")
        .nth(2)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .replace("&amp;", "&");
    assert!(href.contains("back=") && href.contains("#duty-"), "{href}");
    let (s, teacher) = c.get_text(&href).await;
    assert_eq!(s, StatusCode::OK);
    assert!(teacher.contains(r#"id="back-to-matrix""#), "{teacher}");
    // What falls due carries no status badge: an "overdue" beside a
    // deadline still ahead would mislead.
    let due = &teacher[teacher.find(r#"id="reminders""#).unwrap()..];
    let due = &due[..due.find("</section>").unwrap()];
    assert!(!due.contains("class=\"duty "), "{due}");
    // The matrix's date field shows the date it is computed for.
    assert!(page.contains(r#"name="as_of" value="20"#), "{page}");
    let back = teacher.split(r#"id="back-to-matrix""#).next().unwrap();
    let back = back[back.rfind("href=\"").unwrap() + 6..]
        .split('"')
        .next()
        .unwrap()
        .replace("&amp;", "&");
    assert!(
        back.starts_with("/duties?") && back.contains("tier=young"),
        "{back}"
    );
    // Duties that apply come first on the teacher's page.
    let first_card = teacher.find("class=\"card duty-card\"").unwrap();
    let card = &teacher[first_card..];
    let card = &card[..card.find("</section>").unwrap()];
    assert!(!card.contains("not_applicable"), "{card}");
    // A forged way back to another site is not offered.
    let (_, t2) = c
        .get_text(&href.replace("back=", "back=%2F%2Fevil.example%2F&x="))
        .await;
    assert!(!t2.contains(r#"id="back-to-matrix""#), "{t2}");
}
both_dbs!(matrix_for_readers);
