//! All districts side by side (各区县一览): the streamed page, the workbook
//! and the NDJSON API give each district the figures of its own status
//! analysis, duties matrix and verification queue, then the total.

use crate::both_dbs;
use crate::helpers::{TestApp, other_district, workbook_sheets};
use reqwest::StatusCode;
use serde_json::Value;

async fn json(c: &crate::helpers::Client, path: &str) -> Value {
    let (s, body) = c.get_text(path).await;
    assert_eq!(s, StatusCode::OK, "{path}: {body}");
    serde_json::from_str(&body).expect("json")
}

async fn districts_side_by_side(app: TestApp) {
    let (xh, _) = other_district(&app).await;
    let sys = app
        .login_with(app.client_with_lang(Some("zh-CN")), "sysadmin")
        .await;
    let gf = json(&sys, "/api/v1/districts").await[0]["id"]
        .as_i64()
        .expect("GF");

    // The API streams one line per district, in order of code.
    let r = sys.get("/api/v1/province?lang=en").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "application/x-ndjson");
    let body = r.text().await.expect("body");
    let lines: Vec<Value> = body
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert_eq!(lines.len(), 2, "{body}");
    let (a, b) = (&lines[0], &lines[1]);
    assert_eq!(
        (a["district_id"].as_i64(), a["name"].as_str()),
        (Some(gf), Some("Guangfu District"))
    );
    assert_eq!(
        (
            b["district_id"].as_i64(),
            b["schools"].as_u64(),
            b["staff"].as_u64()
        ),
        (Some(xh), Some(1), Some(0))
    );
    assert!(a["error"].is_null() && b["error"].is_null(), "{body}");

    // Each figure is the district's own: its status analysis …
    let status = json(&sys, &format!("/api/v1/districts/{gf}/status")).await;
    let an = &status["analysis"];
    assert_eq!(a["staff"], an["staff"]);
    assert_eq!(a["backbone"], an["backbone_total"]["count"]);
    assert_eq!(a["schools"], 2);
    let levels: u64 = a["backbone_by_level"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["teachers"].as_u64().unwrap())
        .sum();
    assert_eq!(Some(levels), a["backbone"].as_u64());
    assert!(
        a["backbone"].as_u64().unwrap() > 0 && a["average_age"].as_f64().unwrap() > 20.0,
        "{a}"
    );
    // … its schools' duties, result by result …
    let progress = json(&sys, &format!("/api/v1/districts/{gf}/duties/progress")).await;
    let mut tally = std::collections::BTreeMap::new();
    let mut behind = 0;
    for school in progress.as_array().unwrap() {
        for t in school["teachers"].as_array().unwrap() {
            let mut late = false;
            for r in t["results"].as_array().unwrap() {
                let s = r["status"].as_str().unwrap().to_string();
                late |= s == "behind" || s == "overdue";
                *tally.entry(s).or_insert(0u64) += 1;
            }
            behind += u64::from(late);
        }
    }
    for s in ["done", "on_track", "behind", "overdue"] {
        assert_eq!(
            a["duties"][s].as_u64(),
            Some(tally.get(s).copied().unwrap_or(0)),
            "{s}: {a}"
        );
    }
    assert!(a["duties"]["done"].as_u64().unwrap() > 0 && behind > 0, "{a}");
    assert_eq!(a["teachers_behind"].as_u64(), Some(behind));
    // … and the records waiting for verification in its schools.
    let dash = json(&sys, &format!("/api/v1/dashboard?district={gf}")).await;
    let pending: u64 = dash["district"]["schools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["pending_verification"].as_u64().unwrap())
        .sum();
    assert!(pending > 0);
    assert_eq!(a["pending_verification"].as_u64(), Some(pending));
    // A district without staff has no duties to count.
    assert_eq!(b["duties"]["percent"], 0);
    assert!(b["average_age"].is_null());

    // The page: a row per district linking to its schools, then the total.
    let (s, page) = sys.get_text("/province").await;
    assert_eq!(s, StatusCode::OK, "{page}");
    assert!(page.contains("各区县一览（"), "{page}");
    assert!(
        page.contains(&format!(r#"<a href="/?district={gf}">广府区</a>"#)),
        "{page}"
    );
    assert!(
        page.contains(&format!(r#"<a href="/?district={xh}">西湖区</a>"#)),
        "{page}"
    );
    assert!(page.contains("合计（2 个区县）"), "{page}");
    assert!(page.contains(&format!(">{}</td>", a["staff"])), "{page}");
    assert!(
        page.contains(r#"class="chart" data-chart="#) && page.trim_end().ends_with("</html>"),
        "{page}"
    );
    let en = app.login_with(app.client_with_lang(Some("en")), "district").await;
    let (_, page) = en.get_text("/province?as_of=2026-03-02").await;
    assert!(
        page.contains("Districts side by side, 2 Mar 2026") && page.contains("Total (1 district)"),
        "{page}"
    );
    assert!(
        !page.contains("西湖区"),
        "a district admin sees only their district: {page}"
    );

    // The workbook: the same table.
    let r = sys.get("/province.xlsx?lang=en").await;
    assert_eq!(r.status(), StatusCode::OK);
    let sheets = workbook_sheets(&r.bytes().await.expect("bytes"));
    let (name, cells) = &sheets[0];
    assert_eq!(name, "Districts");
    assert_eq!(cells.height(), 4, "header, two districts, total");
    assert_eq!(cells.get((0, 0)).map(|c| c.to_string()), Some("District".into()));
    assert_eq!(
        cells.get((1, 0)).map(|c| c.to_string()),
        Some("Guangfu District".into())
    );
    assert_eq!(
        cells.get((3, 0)).map(|c| c.to_string()),
        Some("Total (2 districts)".into())
    );
    assert_eq!(
        cells.get((1, 2)).map(|c| c.to_string()),
        Some(a["staff"].to_string())
    );

    // Bad input names the field; school staff read no whole district.
    let (s, body) = sys.get_text("/api/v1/province?as_of=2026-13-01").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.contains("\"field\":\"as_of\""), "{body}");
    let director = app.login_as("director").await;
    assert_eq!(
        director.get("/api/v1/province").await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(director.get("/province").await.status(), StatusCode::FORBIDDEN);

    // Home and district pages lead there.
    let (_, home) = sys.get_text("/").await;
    assert!(home.contains(r#"<a href="/province">各区县一览</a>"#), "{home}");
    let (_, home) = app.login_as("district").await.get_text("/").await;
    assert!(
        !home.contains(r#"href="/province""#),
        "one district: no comparison of districts"
    );
}
both_dbs!(districts_side_by_side);
