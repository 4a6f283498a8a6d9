//! The rule-set page pattern and its API, for a school and a district, in
//! both languages: where the set comes from, the history of versions, and
//! each version's changes in words.

use crate::both_dbs;
use crate::evidence::Api;
use crate::helpers::{Client, TestApp};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn district_id(app: &TestApp) -> i64 {
    lingyan_store::districts::find_by_code(&app.store, "GF")
        .await
        .unwrap()
        .unwrap()
        .id
}

/// Signs in through the form with a browser preferring `lang`.
async fn browser(app: &TestApp, user: &str, lang: &str) -> Client {
    let c = app.client_with_lang(Some(lang));
    let r = c
        .post_form(
            "/login",
            "/login",
            &[("username", user), ("password", lingyan_store::demo::PASSWORD)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "login as {user}");
    c
}

fn ids(v: &Value) -> Vec<i64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_i64().unwrap())
        .collect()
}

async fn history_and_changes_in_words(app: TestApp) {
    let school = app.school_id("GFSY").await;
    let district = district_id(&app).await;
    let director = Api::new(&app, "director").await;

    // Two versions of the school's duty rules: a preset from the first day
    // of the year, then one rule changed today.
    let (s, v) = director
        .post(
            &format!("/api/v1/schools/{school}/duty-set/adopt"),
            json!({"year": 2026, "preset": "all-three-ones", "effective_from": "2026-09-01"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["version"]["version"], 1);
    let mut rules = v["rules"].as_array().unwrap().clone();
    let changed = rules[0]["code"].as_str().unwrap().to_string();
    rules[0]["count"] = json!(rules[0]["count"].as_f64().unwrap() + 1.0);
    let (s, v) = director
        .put(
            &format!("/api/v1/schools/{school}/duty-set"),
            json!({"year": 2026, "rules": rules, "effective_from": "2026-11-02"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["version"]["version"], 2);
    assert_eq!(v["rules"][0]["since"], "2026-11-02", "the changed rule is dated");
    assert!(v["rules"][1].get("since").is_none(), "the others are not: {v}");
    // A day outside the school year is refused, naming the field.
    let (s, e) = director
        .put(
            &format!("/api/v1/schools/{school}/duty-set"),
            json!({"year": 2026, "rules": rules, "effective_from": "2028-01-01"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(e["error"]["field"], "effective_from", "{e}");

    let (s, h) = director
        .get(&format!("/api/v1/schools/{school}/duty-set/history"))
        .await;
    assert_eq!(s, StatusCode::OK);
    let versions = ids(&h);
    assert_eq!(versions.len(), 2);
    assert_eq!(h[0]["version"], 2);
    assert_eq!(h[0]["effective_from"], "2026-11-02");
    assert!(h[0]["saved_by"].as_str().is_some_and(|n| !n.is_empty()), "{h}");
    let (_, d) = director
        .get(&format!(
            "/api/v1/schools/{school}/duty-set/versions/{}",
            versions[0]
        ))
        .await;
    assert_eq!(d["changes"].as_array().unwrap().len(), 1, "{d}");
    assert_eq!(d["changes"][0]["change"], "changed");
    assert_eq!(d["changes"][0]["code"], changed.as_str());
    assert_ne!(d["changes"][0]["before"], d["changes"][0]["after"]);
    assert!(
        d["changes"][0]["after"].as_str().unwrap().contains("counts from"),
        "{d}"
    );
    let (_, first) = director
        .get(&format!(
            "/api/v1/schools/{school}/duty-set/versions/{}",
            versions[1]
        ))
        .await;
    assert!(
        first["changes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["change"] == "added"),
        "{first}"
    );
    assert_eq!(first["compared_with"], "No rules set");

    // The school's page, in English and in Chinese.
    let en = browser(&app, "director", "en").await;
    let (s, page) = en
        .get_text(&format!("/schools/{school}/duties/rules?year=2026"))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("Rules set by the school for 2026"), "source");
    assert!(page.contains("2026–2027, version 2"), "version in force");
    assert!(page.contains(&format!(
        "/schools/{school}/duties/rules/versions/{}",
        versions[1]
    )));
    assert!(page.contains("Counts from"), "the date field");
    let (s, vp) = en
        .get_text(&format!(
            "/schools/{school}/duties/rules/versions/{}",
            versions[0]
        ))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        vp.contains("Changed") && vp.contains("Before:") && vp.contains("Now:"),
        "{vp}"
    );
    assert!(!vp.contains(&format!(">{changed}<")), "names, not codes");
    let zh = browser(&app, "director", "zh-CN").await;
    let (_, page) = zh
        .get_text(&format!("/schools/{school}/duties/rules?year=2026"))
        .await;
    assert!(
        page.contains("修改记录") && page.contains("2026–2027 学年第 2 版"),
        "zh page"
    );
    let (_, vp) = zh
        .get_text(&format!(
            "/schools/{school}/duties/rules/versions/{}",
            versions[0]
        ))
        .await;
    assert!(
        vp.contains("修改") && vp.contains("原为：") && vp.contains("现为："),
        "zh version"
    );

    // Another place's version is not found through this one.
    let (s, _) = en
        .get_text(&format!(
            "/districts/{district}/duties/rules/versions/{}",
            versions[0]
        ))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // The district's tier rules, the same pattern: a tier changed.
    let admin = Api::new(&app, "district").await;
    let tiers = |young: i32| {
        json!({"year": 2026, "tiers": [
            {"code": "young", "name_zh": "青年教师", "name_en": "young", "age_below": young},
            {"code": "mature", "name_zh": "成熟型教师", "name_en": "mature"}]})
    };
    for young in [35, 40] {
        let (s, v) = admin
            .put(&format!("/api/v1/districts/{district}/tiers"), tiers(young))
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
    }
    let (_, h) = admin
        .get(&format!("/api/v1/districts/{district}/tiers/history"))
        .await;
    let tv = ids(&h);
    assert_eq!(tv.len(), 2);
    let (_, d) = admin
        .get(&format!("/api/v1/districts/{district}/tiers/versions/{}", tv[0]))
        .await;
    assert_eq!(d["changes"][0]["change"], "changed", "{d}");
    assert_eq!(d["changes"][0]["before"], "under 35");
    assert_eq!(d["changes"][0]["after"], "under 40");
    let (_, d) = admin
        .get(&format!("/api/v1/districts/{district}/tiers/versions/{}", tv[1]))
        .await;
    assert_eq!(
        d["compared_with"],
        "the standard rules (backbone, young, veteran, mature)"
    );
    let removed: Vec<&str> = d["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["change"] == "removed")
        .map(|c| c["code"].as_str().unwrap())
        .collect();
    assert_eq!(removed, ["backbone", "veteran"]);
    let dz = browser(&app, "district", "zh-CN").await;
    let (s, page) = dz
        .get_text(&format!("/districts/{district}/tiers?year=2026"))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        page.contains("区县 2026 学年起的规则") && page.contains("修改记录"),
        "zh tiers"
    );
    let (_, vp) = dz
        .get_text(&format!("/districts/{district}/tiers/versions/{}", tv[0]))
        .await;
    assert!(vp.contains("35 岁以下") && vp.contains("40 岁以下"), "{vp}");
    // The school inherits the district's tiers and says so.
    let (_, page) = en.get_text(&format!("/schools/{school}/tiers?year=2027")).await;
    let source = page
        .split("rule-source\">")
        .nth(1)
        .and_then(|s| s.split("</p>").next())
        .unwrap_or_default();
    assert!(
        source.contains("rules from 2026") && source.contains("district"),
        "{source}"
    );

    // A teacher reads the school's history, not the district's.
    let teacher = Api::new(&app, "teacher").await;
    let (s, _) = teacher
        .get(&format!("/api/v1/schools/{school}/duty-set/history"))
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = teacher
        .get(&format!("/api/v1/districts/{district}/tiers/history"))
        .await;
    assert!(s == StatusCode::FORBIDDEN || s == StatusCode::NOT_FOUND, "{s}");
}
both_dbs!(history_and_changes_in_words, without_duties);
