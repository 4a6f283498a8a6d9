//! The teacher registry over pages and the API: lists and filters, detail,
//! edits with audit, honours, tiers, transfers, groups, the calendar, the
//! roster import flow, exports and the status analysis.

use crate::both_dbs;
use crate::helpers::TestApp;
use reqwest::StatusCode;
use serde_json::json;

async fn api(app: &TestApp, user: &str) -> (reqwest::Client, String) {
    (reqwest::Client::new(), app.token_for(user).await)
}

async fn lists_filter_and_scope(app: TestApp) {
    let (http, token) = api(&app, "director").await;
    let get = |q: &'static str| {
        http.get(format!("{}/api/v1/teachers?{q}", app.addr))
            .bearer_auth(&token)
            .send()
    };
    let v: serde_json::Value = get("per_page=500").await.unwrap().json().await.unwrap();
    assert_eq!(
        v["total"], 100,
        "the director sees the primary school's 100 staff only"
    );
    // By name is by pinyin (安 … 张), not by the characters' code points.
    let v: serde_json::Value = get("sort=name&per_page=500").await.unwrap().json().await.unwrap();
    let names: Vec<&str> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    let keys: Vec<String> = names
        .iter()
        .map(|n| lingyan_domain::collate::name_key(n))
        .collect();
    assert!(keys.windows(2).all(|w| w[0] <= w[1]), "{names:?}");
    let mut by_code_point = names.clone();
    by_code_point.sort();
    assert_ne!(names, by_code_point, "pinyin order differs from code-point order");
    let v: serde_json::Value = get("level=provincial").await.unwrap().json().await.unwrap();
    assert_eq!(v["total"], 5);
    let v: serde_json::Value = get("level=county&per_page=500")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["total"], 13);
    let v: serde_json::Value = get("tier=young&per_page=500")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let young = v["total"].as_u64().unwrap();
    assert!(young > 20, "{young}");
    assert!(
        v["items"][0]["tier"]["explanation"]
            .as_str()
            .unwrap()
            .starts_with("Young teachers: age")
    );
    let v: serde_json::Value = get("q=%E5%BC%A0%E6%99%93%E9%9B%A8")
        .await
        .unwrap()
        .json()
        .await
        .unwrap(); // 张晓雨
    assert_eq!(v["total"], 1);
    assert_eq!(v["items"][0]["staff_no"], "GF0005");
    let v: serde_json::Value = get("age_band=under_30&sort=age&per_page=500")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ages: Vec<i64> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["age"].as_i64().unwrap())
        .collect();
    assert!(
        ages.iter().all(|a| *a < 30) && ages.windows(2).all(|w| w[0] <= w[1]),
        "{ages:?}"
    );
    let r = get("level=galactic").await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // The kindergarten's director sees only theirs; a plain teacher reads no
    // registry but their own record.
    let (_, kg) = api(&app, "kgdirector").await;
    let v: serde_json::Value = http
        .get(format!("{}/api/v1/teachers?per_page=500", app.addr))
        .bearer_auth(&kg)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["total"], 86);
    let (_, teacher) = api(&app, "teacher").await;
    let v: serde_json::Value = http
        .get(format!("{}/api/v1/teachers", app.addr))
        .bearer_auth(&teacher)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["total"], 0);

    // Pages: the list with a filter, and the htmx partial.
    let c = app.login_as("director").await;
    let (s, page) = c.get_text("/teachers?level=provincial").await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("方胜利") && page.contains("Teachers"));
    let r = c
        .http
        .get(c.url("/teachers?q=%E6%9D%8E%E7%A7%80%E8%8B%B1"))
        .header("hx-request", "true")
        .send()
        .await
        .unwrap();
    let body = r.text().await.unwrap();
    assert!(!body.contains("<html") && body.contains("李秀英"));
}
both_dbs!(lists_filter_and_scope);

async fn teacher_lifecycle_over_api(app: TestApp) {
    let (http, token) = api(&app, "director").await;
    let school = app.school_id("GFSY").await;
    let post = |path: String, body: serde_json::Value| {
        http.post(format!("{}{path}", app.addr))
            .bearer_auth(&token)
            .json(&body)
            .send()
    };
    let patch = |path: String, body: serde_json::Value| {
        http.patch(format!("{}{path}", app.addr))
            .bearer_auth(&token)
            .json(&body)
            .send()
    };

    // Bad input names the field, in the caller's language.
    let r = post(
        "/api/v1/teachers".into(),
        json!({"school_id": school, "name": "新老师", "birth_date": "1990-13-01"}),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["error"]["field"], "birth_date");
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("Birth date: “1990-13-01” is not a date")
    );
    let r = post(
        "/api/v1/teachers".into(),
        json!({"school_id": school, "name": "新老师", "staff_no": "GF0001"}),
    )
    .await
    .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::CONFLICT,
        "staff numbers are unique per school"
    );

    let r = post(
        "/api/v1/teachers".into(),
        json!({"school_id": school, "name": "周新", "gender": "男", "birth_date": "1999年3月1日", "work_start": "2021.09",
               "education": "本科", "employment": "临聘", "post": "专任教师", "front_line": "是", "subjects": ["数学"]}),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let t: serde_json::Value = r.json().await.unwrap();
    let id = t["id"].as_i64().unwrap();
    assert_eq!(
        (
            t["gender"].as_str(),
            t["employment"].as_str(),
            t["work_start"].as_str()
        ),
        (Some("male"), Some("contract"), Some("2021-09-01"))
    );

    // Honours: add with a whole title, revoke needs a reason.
    let r = post(
        format!("/api/v1/teachers/{id}/honours"),
        json!({"kind": "区级教坛新秀", "granted_year": 2024}),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let h: serde_json::Value = r.json().await.unwrap();
    assert_eq!(
        (h["kind"].as_str(), h["level"].as_str()),
        (Some("rising_star"), Some("county"))
    );
    let hid = h["id"].as_i64().unwrap();
    let r = patch(format!("/api/v1/honours/{hid}"), json!({"status": "revoked"}))
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = patch(
        format!("/api/v1/honours/{hid}"),
        json!({"status": "revoked", "reason": "年度考核不合格"}),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::OK);

    // Edit with audit before/after; leaving.
    let r = patch(format!("/api/v1/teachers/{id}"), json!({"education": "硕士"}))
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let audit = lingyan_store::audit::list(
        &app.store,
        &lingyan_store::Scope::system("t"),
        &lingyan_store::audit::AuditFilter {
            action: Some("teacher.update".into()),
            ..Default::default()
        },
        lingyan_domain::PageRequest::default(),
    )
    .await
    .unwrap();
    let e = &audit.items[0];
    assert_eq!(
        (
            e.before.as_ref().unwrap()["education"].as_str(),
            e.after.as_ref().unwrap()["education"].as_str()
        ),
        (Some("bachelor"), Some("master"))
    );

    // Transfer to the kindergarten needs the district; history is kept.
    let kg = app.school_id("YGYEY").await;
    let r = post(
        format!("/api/v1/teachers/{id}/transfer"),
        json!({"to_school_id": kg, "on_date": "2026-09-01", "reason": "支教"}),
    )
    .await
    .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "the director cannot move a teacher into another school"
    );
    let (_, district) = api(&app, "district").await;
    let r = http
        .post(format!("{}/api/v1/teachers/{id}/transfer", app.addr))
        .bearer_auth(&district)
        .json(&json!({"to_school_id": kg, "on_date": "2026-09-01", "reason": "支教"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let d: serde_json::Value = http
        .get(format!("{}/api/v1/teachers/{id}", app.addr))
        .bearer_auth(&district)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(d["teacher"]["school_id"], kg);
    assert_eq!(d["transfers"][0]["from_school_id"], school);
    assert_eq!(
        d["teacher"]["honours"].as_array().unwrap().len(),
        1,
        "honours travel with the teacher"
    );
    // Now the primary school's director cannot see them.
    let r = http
        .get(format!("{}/api/v1/teachers/{id}", app.addr))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}
both_dbs!(teacher_lifecycle_over_api);

async fn pages_for_a_teacher(app: TestApp) {
    let c = app.login_as("director").await;
    let v: serde_json::Value = c
        .get("/api/v1/teachers?q=%E5%BC%A0%E6%99%93%E9%9B%A8")
        .await
        .json()
        .await
        .unwrap();
    let id = v["items"][0]["id"].as_i64().unwrap();
    let (s, page) = c.get_text(&format!("/teachers/{id}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        page.contains("Young teachers: age 2") && page.contains("teacher"),
        "tier with explanation and the linked account"
    );

    // Override the tier with a reason, through the page.
    let year = lingyan_domain::Calendar::default()
        .semester_of(lingyan_store::calendar::today())
        .year
        .to_string();
    let r = c
        .post_form(
            &format!("/teachers/{id}"),
            &format!("/teachers/{id}/tier"),
            &[("tier", "backbone"), ("reason", ""), ("year", &year)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("Reason: is required"));
    let r = c
        .post_form(
            &format!("/teachers/{id}"),
            &format!("/teachers/{id}/tier"),
            &[
                ("tier", "backbone"),
                ("reason", "县级骨干公示中"),
                ("year", &year),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = c.get_text(&format!("/teachers/{id}")).await;
    assert!(page.contains("set by hand: 县级骨干公示中"));
    // The tier set by hand by its name, not its code.
    assert!(
        page.contains("Set by hand: Backbone teachers · 县级骨干公示中"),
        "{page}"
    );

    // Edit through the form; a bad date is named and the form keeps input.
    let r = c
        .post_form(
            &format!("/teachers/{id}/edit"),
            &format!("/teachers/{id}"),
            &[
                ("name", "张晓雨"),
                ("birth_date", "2000-02-30"),
                ("active", "on"),
                ("subjects", "语文、书法"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = r.text().await.unwrap();
    assert!(body.contains("Birth date: “2000-02-30” is not a date") && body.contains("语文、书法"));
    let r = c
        .post_form(
            &format!("/teachers/{id}/edit"),
            &format!("/teachers/{id}"),
            &[
                ("name", "张晓雨"),
                ("birth_date", "2000-02-28"),
                ("active", "on"),
                ("subjects", "语文、书法"),
                ("staff_no", "GF0005"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = c.get_text(&format!("/teachers/{id}")).await;
    assert!(page.contains("书法"));

    // The teacher sees their own record, but nobody else's.
    let t = app.login_as("teacher").await;
    assert_eq!(t.get(&format!("/teachers/{id}")).await.status(), StatusCode::OK);
    let other: serde_json::Value = c
        .get("/api/v1/teachers?q=%E6%9D%8E%E7%A7%80%E8%8B%B1")
        .await
        .json()
        .await
        .unwrap();
    let other = other["items"][0]["id"].as_i64().unwrap();
    assert_eq!(
        t.get(&format!("/teachers/{other}")).await.status(),
        StatusCode::NOT_FOUND
    );
    let (_, home) = t.get_text("/").await;
    assert!(home.contains("My record"));
}
both_dbs!(pages_for_a_teacher);

async fn roster_upload_preview_confirm(app: TestApp) {
    let c = app.login_as("director").await;
    let school = app.school_id("GFSY").await;
    let csv = "工号,姓名,性别,出生日期,编制\nGF0201,新人甲,女,1998-01-01,临聘\nGF0202,新人乙,男,19980101,在编\nGF0005,张晓雨,女,2000-02-28,在编\n";
    let token = c.csrf_from("/import/roster").await;
    // The token is the upload form's first field, never in the address.
    let form = |token: &str, bytes: &'static str, name: &'static str| {
        reqwest::multipart::Form::new()
            .text("csrf_token", token.to_string())
            .text("school", school.to_string())
            .part(
                "file",
                reqwest::multipart::Part::bytes(bytes.as_bytes().to_vec()).file_name(name),
            )
    };
    let r = c
        .http
        .post(c.url("/import/roster"))
        .multipart(form(&token, csv, "新人.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let page = r.text().await.unwrap();
    assert!(
        page.contains("Import preview") && page.contains("to add"),
        "{page}"
    );
    let confirm_token = regex::Regex::new(r#"name="token" value="([^"]+)""#)
        .unwrap()
        .captures(&page)
        .unwrap()[1]
        .to_string();
    // Nothing written yet.
    let v: serde_json::Value = c
        .get("/api/v1/teachers?q=%E6%96%B0%E4%BA%BA")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["total"], 0);
    let r = c
        .post_form(
            "/import/roster",
            "/import/roster/confirm",
            &[("token", &confirm_token)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let v: serde_json::Value = c
        .get("/api/v1/teachers?q=%E6%96%B0%E4%BA%BA")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["total"], 2);
    // The token cannot be used twice.
    let r = c
        .post_form(
            "/import/roster",
            "/import/roster/confirm",
            &[("token", &confirm_token)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    // A file with errors lists them by row and column, in Chinese for a
    // Chinese user, and offers no confirmation.
    let zh = app.client_with_lang(Some("zh-CN"));
    zh.post_form(
        "/login",
        "/login",
        &[("username", "principal"), ("password", crate::helpers::PASSWORD)],
    )
    .await;
    let token = zh.csrf_from("/import/roster").await;
    let bad = "姓名,性别,出生日期\n甲,男,1990-01-01\n乙,不详,1990-01-01\n,女,1990-02-30\n";
    let r = zh
        .http
        .post(zh.url("/import/roster"))
        .multipart(form(&token, bad, "bad.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.unwrap();
    assert!(
        page.contains("发现 3 处错误") && page.contains("“不详”应为 男 或 女") && page.contains("不能为空"),
        "{page}"
    );
    assert!(!page.contains(r#"name="token""#));

    // Without the CSRF token the upload is refused, and a token in the
    // address no longer counts.
    let r = c
        .http
        .post(c.url("/import/roster"))
        .multipart(form("", csv, "x.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let token = c.csrf_from("/import/roster").await;
    let r = c
        .http
        .post(c.url(&format!("/import/roster?csrf_token={}", urlencode(&token))))
        .multipart(form("", csv, "x.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // API: dry run, then import; the report names rows.
    let (http, api_token) = api(&app, "director").await;
    let r = http
        .post(format!(
            "{}/api/v1/schools/{school}/roster?dry_run=true&filename=x.csv",
            app.addr
        ))
        .bearer_auth(&api_token)
        .body("姓名,出生日期\n丙,1990-01-01\n丁,1990.13.01\n")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(
        (
            v["errors"][0]["row"].as_u64(),
            v["errors"][0]["column"].as_str(),
            v["written"].as_bool()
        ),
        (Some(3), Some("出生日期"), Some(false))
    );

    // Template and export are spreadsheets.
    for path in [
        "/import/roster/template.xlsx",
        &format!("/teachers/export.xlsx?school={school}"),
        &format!("/api/v1/schools/{school}/roster.xlsx"),
    ] {
        let r = c.get(path).await;
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        let bytes = r.bytes().await.unwrap();
        assert_eq!(&bytes[..2], b"PK", "{path}");
        // Read back: dates are dates, the header filters and prints on
        // every page of a landscape A4.
        let sheets = crate::helpers::workbook_sheets(&bytes);
        let (_, cells) = &sheets[0];
        let header: Vec<String> = cells
            .rows()
            .next()
            .unwrap()
            .iter()
            .map(|c| c.to_string())
            .collect();
        let birth = header
            .iter()
            .position(|h| h.starts_with("出生日期"))
            .expect("a birth date column");
        assert!(
            cells
                .rows()
                .skip(1)
                .any(|r| matches!(r[birth], calamine::Data::DateTime(_))),
            "{path}: birth dates are dates"
        );
        let sheet = crate::helpers::zip_entry(&bytes, "xl/worksheets/sheet1.xml");
        assert!(
            sheet.contains("<autoFilter")
                && sheet.contains("orientation=\"landscape\"")
                && sheet.contains("fitToPage=\"1\""),
            "{path}: filter and print setup"
        );
        assert!(
            crate::helpers::zip_entry(&bytes, "xl/workbook.xml").contains("_xlnm.Print_Titles"),
            "{path}: the header repeats on each printed page"
        );
    }
}
both_dbs!(roster_upload_preview_confirm);

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

async fn status_analysis_everywhere(app: TestApp) {
    let school = app.school_id("YGYEY").await;
    let c = app.login_as("kgdirector").await;
    let (s, page) = c.get_text("/status").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        page.contains("86 in-service staff") && page.contains("data-chart"),
        "{page}"
    );
    let r = c.get(&format!("/status.docx?school={school}&lang=zh-CN")).await;
    assert_eq!(r.status(), StatusCode::OK);
    let bytes = r.bytes().await.unwrap();
    assert_eq!(&bytes[..2], b"PK");
    // The document carries the Chinese prose in the body face (仿宋; 宋体
    // is the document's declared font).
    let xml = docx_text(&bytes);
    assert!(
        xml.contains("阳光幼儿园现有在岗教职员工86人") && xml.contains("仿宋"),
        "{}",
        &xml[..xml.len().min(500)]
    );
    // Read back as an office suite would: real heading styles, tables
    // within the text width, the title and author in the properties.
    assert!(xml.contains("w:pStyle w:val=\"Title\"") && xml.contains("w:pStyle w:val=\"Heading1\""));
    let widths: Vec<usize> = regex::Regex::new(r#"<w:tblW w:w="(\d+)" w:type="dxa""#)
        .unwrap()
        .captures_iter(&xml)
        .map(|c| c[1].parse().unwrap())
        .collect();
    assert!(
        !widths.is_empty() && widths.iter().all(|w| *w <= lingyan_reports::docx::TEXT_WIDTH),
        "{widths:?}"
    );
    let core = crate::helpers::zip_entry(&bytes, "docProps/core.xml");
    assert!(
        core.contains("阳光幼儿园教师队伍情况分析") && core.contains("<dc:creator>阳光幼儿园</dc:creator>"),
        "{core}"
    );

    // The PDF: the text in the serif face (as official documents are
    // printed), headings and tables in the sans face, the closing name.
    let r = c.get(&format!("/status.pdf?school={school}&lang=zh-CN")).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    let bytes = r.bytes().await.unwrap();
    assert!(bytes.starts_with(b"%PDF"));
    let raw = String::from_utf8_lossy(&bytes);
    assert!(
        raw.contains("NotoSerifCJKsc") && raw.contains("NotoSansCJKsc"),
        "both faces embedded"
    );
    let text = crate::evidence::pdf_text(&bytes);
    for want in [
        "阳光幼儿园教师队伍情况分析",
        "阳光幼儿园现有在岗教职员工86人",
        "—1—",
    ] {
        assert!(text.replace(' ', "").contains(want), "{want} in {text}");
    }
    // The closing name and date (落款) end the document.
    assert!(
        regex::Regex::new(r"阳光幼儿园\s*\d{4}年\d{1,2}月\d{1,2}日\s*—\s*\d+\s*—\s*$")
            .unwrap()
            .is_match(&text),
        "{text}"
    );
    let r = c.get(&format!("/status.pdf?school={school}&lang=en")).await;
    let text = crate::evidence::pdf_text(&r.bytes().await.unwrap());
    assert!(text.contains("Sunshine Kindergarten"), "{text}");

    let (http, token) = api(&app, "district").await;
    let v: serde_json::Value = http
        .get(format!(
            "{}/api/v1/districts/{}/status?lang=zh-CN",
            app.addr,
            lingyan_store::districts::find_by_code(&app.store, "GF")
                .await
                .unwrap()
                .unwrap()
                .id
        ))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["analysis"]["staff"], 186);
    assert_eq!(v["schools"].as_array().unwrap().len(), 2);
    assert!(
        v["prose"][0]
            .as_str()
            .unwrap()
            .contains("广府区现有在岗教职员工186人")
    );
    let v: serde_json::Value = http
        .get(format!(
            "{}/api/v1/schools/{school}/status?as_of=2025-9-1&lang=en",
            app.addr
        ))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["as_of"], "2025-09-01");
    assert!(
        v["prose"][0]
            .as_str()
            .unwrap()
            .starts_with("As of 1 September 2025, Sunshine Kindergarten has 86 in-service staff")
    );
    // A teacher reads no registry, so no analysis either.
    let (_, t) = api(&app, "teacher").await;
    let r = http
        .get(format!("{}/api/v1/schools/{school}/status", app.addr))
        .bearer_auth(&t)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}
both_dbs!(status_analysis_everywhere);

/// The text of word/document.xml inside a .docx.
fn docx_text(bytes: &[u8]) -> String {
    crate::helpers::zip_entry(bytes, "word/document.xml")
}

async fn organisation_calendar_and_tiers(app: TestApp) {
    let school = app.school_id("GFSY").await;
    let c = app.login_as("director").await;
    let (s, page) = c.get_text(&format!("/schools/{school}/org")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("校本培训领导小组") && page.contains("方胜利") && page.contains("语文教研组"));
    let r = c
        .post_form(
            &format!("/schools/{school}/org"),
            &format!("/schools/{school}/groups"),
            &[
                ("kind", "备课组"),
                ("name", "一年级语文备课组"),
                ("school", &school.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = c
        .post_form(
            &format!("/schools/{school}/org"),
            &format!("/schools/{school}/groups"),
            &[
                ("kind", "备课组"),
                ("name", "一年级语文备课组"),
                ("school", &school.to_string()),
            ],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "names are unique per kind"
    );

    // The school overrides a school year's dates; a bad order is named.
    let r = c
        .post_form(
            &format!("/schools/{school}/calendar"),
            &format!("/schools/{school}/calendar"),
            &[
                ("start_year", "2027"),
                ("first_start", "2027-09-01"),
                ("first_end", "2027-08-01"),
                ("second_start", "2028-02-20"),
                ("second_end", "2028-07-10"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("First semester ends: must be after the start")
    );
    let r = c
        .post_form(
            &format!("/schools/{school}/calendar"),
            &format!("/schools/{school}/calendar"),
            &[
                ("start_year", "2027"),
                ("first_start", "2027-09-01"),
                ("first_end", "2028-01-21"),
                ("second_start", "2028-02-20"),
                ("second_end", "2028-07-10"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (http, token) = api(&app, "director").await;
    let v: serde_json::Value = http
        .get(format!("{}/api/v1/schools/{school}/calendar", app.addr))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let y2027 = v
        .as_array()
        .unwrap()
        .iter()
        .find(|y| y["start_year"] == 2027)
        .unwrap();
    assert_eq!(
        (y2027["source"].as_str(), y2027["first_end"].as_str()),
        (Some("school"), Some("2028-01-21"))
    );

    // Tier rules through the editor: a contradiction names the tier.
    let year = "2026";
    let r = c
        .post_form(
            &format!("/schools/{school}/tiers?year={year}"),
            &format!("/schools/{school}/tiers"),
            &[
                ("year", year),
                ("code", "young"),
                ("name_zh", "青年教师"),
                ("name_en", "young"),
                ("combine", "all"),
                ("age_below", "30"),
                ("age_at_least", "40"),
                ("years_at_most", ""),
                ("years_at_least", ""),
                ("honour", ""),
                ("honour_level", ""),
                ("code", "others"),
                ("name_zh", "其他"),
                ("name_en", "others"),
                ("combine", "all"),
                ("age_below", ""),
                ("age_at_least", ""),
                ("years_at_most", ""),
                ("years_at_least", ""),
                ("honour", ""),
                ("honour_level", ""),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("tier 1: the conditions contradict each other")
    );
    let r = c
        .post_form(
            &format!("/schools/{school}/tiers?year={year}"),
            &format!("/schools/{school}/tiers"),
            &[
                ("year", year),
                ("code", "young"),
                ("name_zh", "青年教师"),
                ("name_en", "young"),
                ("combine", "any"),
                ("age_below", "30"),
                ("age_at_least", ""),
                ("years_at_most", "3"),
                ("years_at_least", ""),
                ("honour", ""),
                ("honour_level", ""),
                ("code", "others"),
                ("name_zh", "其他"),
                ("name_en", "others"),
                ("combine", "all"),
                ("age_below", ""),
                ("age_at_least", ""),
                ("years_at_most", ""),
                ("years_at_least", ""),
                ("honour", ""),
                ("honour_level", ""),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let v: serde_json::Value = http
        .get(format!("{}/api/v1/schools/{school}/tiers?year=2026", app.addr))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (v["source"].as_str(), v["tiers"].as_array().unwrap().len()),
        (Some("school"), 2)
    );
    // Inspectors read the rules but cannot change them.
    let (_, insp) = api(&app, "inspector").await;
    let r = http
        .put(format!("{}/api/v1/schools/{school}/tiers", app.addr))
        .bearer_auth(&insp)
        .json(&json!({"year": 2026, "tiers": [{"code": "all", "name_zh": "全体", "name_en": "all"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}
both_dbs!(organisation_calendar_and_tiers);

/// The roster template imports cleanly exactly as downloaded, in either
/// language, with its example row read as the columns say.
async fn roster_template_imports_as_downloaded(app: TestApp) {
    let school = app.school_id("GFSY").await;
    for lang in ["zh-CN", "en"] {
        let c = app.client_with_lang(Some(lang));
        let c = app.login_with(c, "director").await;
        let r = c.get("/import/roster/template.xlsx").await;
        assert_eq!(r.status(), StatusCode::OK);
        let bytes = r.bytes().await.unwrap();
        let report = lingyan_store::roster::import(
            &app.store,
            &lingyan_store::Scope::system("test"),
            school,
            "template.xlsx",
            &bytes,
            true,
            usize::MAX,
            lingyan_store::calendar::today(),
        )
        .await
        .unwrap();
        assert!(report.ok(), "{lang}: {:?}", report.errors);
        assert!(
            report.unknown_columns.is_empty(),
            "{lang}: {:?}",
            report.unknown_columns
        );
        assert_eq!(
            (report.rows, report.added, report.honours_added),
            (1, 1, 2),
            "{lang}"
        );
    }
}
both_dbs!(roster_template_imports_as_downloaded);
