//! Completion of the credit requirement: a school's and a district's rates
//! and every teacher short with what is due, over the API, the page (in
//! Chinese), the workbook and the home page's card; only for those who
//! read the place's records.

use crate::both_dbs;
use crate::evidence::Api;
use crate::helpers::TestApp;
use reqwest::StatusCode;
use serde_json::json;

const HEAD: &str = "工号,身份证号,姓名,培训年度,培训类别,培训项目名称,培训机构名称,培训方式,培训获得学时,培训获得学分,培训开始日期,培训结束日期\n";

/// GF0005 completes the 48 (16 + 8 + 24, the school-based training named
/// by its form); GF0006 has 36, short 8 centralized and 4 online.
fn records() -> String {
    format!(
        "{HEAD}GF0005,,,2026,40,小学数学新课标专题培训,广府区教师进修学校,2,16,16,2026-07-10,2026-07-13\n\
         GF0005,,,2026,30,信息技术应用能力提升,市教育局,3,8,8,2026-03-01,2026-05-30\n\
         GF0005,,,2026,60,校本研修：作业设计,广府实验小学,校本研修,24,24,2026-04-01,2026-06-30\n\
         GF0006,,,2026,40,小学语文整本书阅读培训,广府区教师进修学校,2,8,8,2026-07-10,2026-07-13\n\
         GF0006,,,2026,10,国家中小学智慧教育平台研修,国家中小学智慧教育平台,3,4,4,2026-02-01,2026-02-20\n\
         GF0006,,,2026,60,校本研修：课堂观察,广府实验小学,校本研修,24,24,2026-04-01,2026-06-30\n"
    )
}

fn texts(v: &serde_json::Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x["text"].as_str().unwrap().to_string())
        .collect()
}

async fn completion_report(app: TestApp) {
    // The arithmetic is pinned on the fixture ledger alone.
    crate::helpers::without_mentoring_hours(&app).await;
    let district = lingyan_store::districts::find_by_code(&app.store, "GF")
        .await
        .unwrap()
        .unwrap()
        .id;
    let admin = Api::new(&app, "district").await;
    let (s, v) = admin
        .post(
            &format!("/api/v1/districts/{district}/credit-rules/adopt"),
            json!({"year": 2025, "preset": "seed-002-48"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, r) = admin
        .upload(
            &format!("/api/v1/districts/{district}/credits/import"),
            "n.csv",
            records().into_bytes(),
        )
        .await;
    assert_eq!((s, r["added"].as_i64()), (StatusCode::OK, Some(6)), "{r}");
    let director = Api::new(&app, "director").await;
    let (_, me) = director.get("/api/v1/me").await;
    let school = me["home_school_id"]
        .as_i64()
        .or_else(|| me["school_id"].as_i64())
        .unwrap_or_else(|| panic!("{me}"));

    // Within the year nothing is due: everyone may still apply.
    let (s, c) = director
        .get(&format!(
            "/api/v1/schools/{school}/credits/completion?as_of=2026-12-01"
        ))
        .await;
    assert_eq!(s, StatusCode::OK, "{c}");
    let n = c["teachers"].as_u64().unwrap();
    assert!(n > 10, "{c}");
    assert_eq!(
        (
            c["complete"].as_u64(),
            c["eligible"].as_u64(),
            c["not_eligible"].as_u64()
        ),
        (Some(1), Some(n), Some(0)),
        "{c}"
    );
    let sc = &c["schools"][0];
    assert_eq!(
        (sc["cycle_first"].as_i64(), sc["cycle_over"].as_bool()),
        (Some(2026), Some(false))
    );
    let parts: Vec<(String, u64)> = sc["parts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["code"].as_str().unwrap().to_string(),
                p["met"].as_u64().unwrap(),
            )
        })
        .collect();
    // GF0006 has met only the school-based 24.
    assert_eq!(
        parts,
        [
            ("centralized".to_string(), 1),
            ("online".to_string(), 1),
            ("school_based".to_string(), 2)
        ]
    );
    assert_eq!(sc["short"].as_array().unwrap().len() as u64, n - 1);

    // The year over: everyone short may not apply, the furthest behind
    // first; GF0006 last, with exactly what is missing.
    let (s, c) = director
        .get(&format!(
            "/api/v1/schools/{school}/credits/completion?as_of=2027-01-05&cycle=2026"
        ))
        .await;
    assert_eq!(s, StatusCode::OK, "{c}");
    assert_eq!(
        (
            c["complete"].as_u64(),
            c["eligible"].as_u64(),
            c["not_eligible"].as_u64()
        ),
        (Some(1), Some(1), Some(n - 1)),
        "{c}"
    );
    let short = c["schools"][0]["short"].as_array().unwrap();
    let last = short.last().unwrap();
    assert_eq!(last["staff_no"].as_str(), Some("GF0006"), "{last}");
    assert_eq!(
        (last["total"].as_f64(), last["eligible"].as_bool()),
        (Some(36.0), Some(false))
    );
    assert_eq!(
        texts(&last["due"]),
        [
            "12 credits in all",
            "8 credits in Centralized training",
            "4 credits in Online training"
        ]
    );
    assert_eq!(short[0]["total"].as_f64(), Some(0.0));
    // The next year's default cycle begins afresh.
    let (_, c) = director
        .get(&format!(
            "/api/v1/schools/{school}/credits/completion?as_of=2027-01-05"
        ))
        .await;
    assert_eq!(c["schools"][0]["cycle_first"].as_i64(), Some(2027), "{c}");
    // A cycle no year can hold is refused, naming the field.
    let (s, e) = director
        .get(&format!(
            "/api/v1/schools/{school}/credits/completion?cycle=99999"
        ))
        .await;
    assert_eq!(
        (s, e["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("cycle")),
        "{e}"
    );

    // The district: both schools, the kindergarten's teachers all short.
    let (s, d) = admin
        .get(&format!(
            "/api/v1/districts/{district}/credits/completion?as_of=2027-01-05&cycle=2026"
        ))
        .await;
    assert_eq!(s, StatusCode::OK, "{d}");
    let schools = d["schools"].as_array().unwrap();
    assert_eq!(schools.len(), 2, "{d}");
    assert!(d["teachers"].as_u64().unwrap() > n);
    assert_eq!(d["complete"].as_u64(), Some(1));
    assert_eq!(schools[1]["complete"].as_u64(), Some(0));

    // Only those who read the place's records: a teacher, a group leader
    // and the other school's director do not; a school director does not
    // see the district.
    for who in ["teacher", "leader", "kgdirector"] {
        let other = Api::new(&app, who).await;
        let (s, _) = other
            .get(&format!("/api/v1/schools/{school}/credits/completion"))
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{who}");
    }
    let (s, _) = director
        .get(&format!("/api/v1/districts/{district}/credits/completion"))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // The page, in Chinese: rates, the teacher short and why.
    let zh = app
        .login_with(app.client_with_lang(Some("zh-CN")), "director")
        .await;
    let (s, page) = zh
        .get_text(&format!("/schools/{school}/credits?as_of=2027-01-05&cycle=2026"))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("学分完成情况"), "{page}");
    assert!(page.contains("已完成本周期要求：1 人"), "{page}");
    assert!(page.contains("不具备职称申报条件"), "{page}");
    assert!(
        page.contains("8 学分（集中培训）") || page.contains("集中培训"),
        "{page}"
    );
    assert!(page.contains("data-chart"), "{page}");
    // The workbook: schools, parts, the teachers short.
    let r = zh
        .get(&format!(
            "/schools/{school}/credits/report.xlsx?as_of=2027-01-05&cycle=2026"
        ))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let sheets = crate::helpers::workbook_sheets(&r.bytes().await.unwrap());
    assert_eq!(sheets.len(), 3);
    let short_sheet = &sheets[2].1;
    assert_eq!(short_sheet.height() as u64, n, "a header and {} teachers", n - 1);
    let cells: Vec<String> = short_sheet.rows().flatten().map(|c| c.to_string()).collect();
    assert!(cells.iter().any(|c| c == "GF0006"));
    // The home page's card and the menu.
    let (_, home) = zh.get_text("/").await;
    assert!(home.contains("id=\"credits-card\""), "{home}");
    assert!(
        home.contains(&format!("href=\"/schools/{school}/credits\"")),
        "{home}"
    );
    // A teacher's menu leads to their own transcript.
    let teacher = app.login_as("teacher").await;
    let r = teacher.get("/me/credits").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let to = r.headers()["location"].to_str().unwrap().to_string();
    assert!(to.starts_with("/teachers/") && to.ends_with("/credits"), "{to}");
    let (_, home) = teacher.get_text("/").await;
    assert!(home.contains("id=\"credits-card\""), "{home}");
}

both_dbs!(completion_report, without_duties);

/// A transcript printed as a PDF carries a code whose public page shows
/// what it said; the workbook has the parts and the ledger.
async fn transcript_documents_and_verification(app: TestApp) {
    // The arithmetic is pinned on the fixture ledger alone.
    crate::helpers::without_mentoring_hours(&app).await;
    let district = lingyan_store::districts::find_by_code(&app.store, "GF")
        .await
        .unwrap()
        .unwrap()
        .id;
    let admin = Api::new(&app, "district").await;
    admin
        .post(
            &format!("/api/v1/districts/{district}/credit-rules/adopt"),
            json!({"year": 2025, "preset": "seed-002-48"}),
        )
        .await;
    let (s, r) = admin
        .upload(
            &format!("/api/v1/districts/{district}/credits/import"),
            "n.csv",
            records().into_bytes(),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let teacher = app
        .login_with(app.client_with_lang(Some("zh-CN")), "teacher")
        .await;
    let r = teacher.get("/me/credits").await;
    let page = r.headers()["location"].to_str().unwrap().to_string();
    let (_, html) = teacher.get_text(&format!("{page}?as_of=2026-12-01")).await;
    assert!(
        html.contains("transcript.pdf") && html.contains("transcript.xlsx"),
        "{html}"
    );
    let r = teacher
        .get(&format!("{page}/transcript.pdf?as_of=2026-12-01&cycle=2026"))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let disposition = r.headers()["content-disposition"].to_str().unwrap().to_string();
    let bytes = r.bytes().await.unwrap();
    assert!(bytes.starts_with(b"%PDF") && bytes.len() > 2000);
    // The code is the file name's last part.
    let code = disposition
        .rsplit('-')
        .next()
        .unwrap()
        .trim_end_matches(".pdf")
        .to_string();
    assert_eq!(code.len(), 12, "{disposition}");
    // Anyone may check it, without signing in; case and dashes do not matter.
    let anon = app.client_with_lang(Some("zh-CN"));
    let (s, v) = anon.get_text(&format!("/v/{code}")).await;
    assert_eq!(s, StatusCode::OK);
    for want in [
        "张晓雨",
        "2026 周期",
        "已计 48 学分，要求 48 学分",
        "已达到要求",
        "集中培训",
        "出具时间",
    ] {
        assert!(v.contains(want), "{want} in {v}");
    }
    let loose = format!("{}-{}", &code[..6].to_lowercase(), &code[6..]);
    let (s, _) = anon.get_text(&format!("/v/{loose}")).await;
    assert_eq!(s, StatusCode::OK);
    let (s, v) = anon.get_text("/v/ZZZZZZZZZZZZ").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert!(v.contains("没有以此核验码出具的学分档案"), "{v}");
    let r = anon.get(&format!("/v?code={code}")).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // Another school's director may not print it.
    let kg = app.login_as("kgdirector").await;
    let r = kg.get(&format!("{page}/transcript.pdf")).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    // The workbook: the parts, then every training.
    let r = teacher
        .get(&format!("{page}/transcript.xlsx?as_of=2026-12-01&cycle=2026"))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let sheets = crate::helpers::workbook_sheets(&r.bytes().await.unwrap());
    assert_eq!(sheets.len(), 2);
    assert_eq!(sheets[1].1.height(), 4, "a header and three trainings");
    let cells: Vec<String> = sheets[0].1.rows().flatten().map(|c| c.to_string()).collect();
    assert!(cells.iter().any(|c| c.contains("集中培训")), "{cells:?}");
}

both_dbs!(transcript_documents_and_verification, without_duties);

/// A district's own sheet with the columns named as outside platforms name
/// them (a mapped CSV) loads like the national format.
async fn mapped_csv_import(app: TestApp) {
    let district = lingyan_store::districts::find_by_code(&app.store, "GF")
        .await
        .unwrap()
        .unwrap()
        .id;
    let admin = Api::new(&app, "district").await;
    admin
        .post(
            &format!("/api/v1/districts/{district}/credit-rules/adopt"),
            json!({"year": 2025, "preset": "seed-002-48"}),
        )
        .await;
    let mapped = "教师工号,教师姓名,年度,级别,*培训名称,主办单位,培训形式,学时,学分,开始日期,结束日期\n\
                  GF0005,,2026,40,区级班主任工作专题培训,广府区教师进修学校,2,6,6,2026-05-06,2026-05-06\n\
                  GF0006,,2026,60,校本研修：听评课,广府实验小学,校本研修,4,4,2026-05-08,2026-05-08\n";
    let (s, r) = admin
        .upload(
            &format!("/api/v1/districts/{district}/credits/import"),
            "platform.csv",
            mapped.as_bytes().to_vec(),
        )
        .await;
    assert_eq!((s, r["added"].as_i64()), (StatusCode::OK, Some(2)), "{r}");
    // Without a title column it is refused, naming what is missing.
    let (s, r) = admin
        .upload(
            &format!("/api/v1/districts/{district}/credits/import"),
            "bad.csv",
            "工号,年度,学时\nGF0005,2026,6\n".as_bytes().to_vec(),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{r}");
}

both_dbs!(mapped_csv_import, without_duties);
