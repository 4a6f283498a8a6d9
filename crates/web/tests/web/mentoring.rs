//! Mentoring over the API and the pages: who sees a pair (its teachers,
//! the leaders of both schools, not a colleague or another school), the
//! lifecycle, every refusal by name, and the agreements as documents read
//! back.

use crate::both_dbs;
use crate::evidence::{Api, account, pdf_text, teacher};
use crate::helpers::{TestApp, zip_entry};
use reqwest::StatusCode;
use serde_json::{Value, json};

fn term() -> (String, String) {
    let today = lingyan_store::calendar::today();
    (
        (today - chrono::Days::new(10)).to_string(),
        (today + chrono::Days::new(300)).to_string(),
    )
}

fn pair_body(mentor: i64, apprentices: &[i64], kind: &str) -> Value {
    let (starts, ends) = term();
    json!({"mentor_teacher_id": mentor, "apprentice_teacher_ids": apprentices, "kind": kind,
           "starts_on": starts, "ends_on": ends,
           "mentor_goals": "每学期听徒弟课并点评", "apprentice_goals": "上好汇报课"})
}

/// The demo's "one-two-two" pair: the mentor account with the teacher
/// account (GF0005), as the director reads it.
async fn demo_pair(app: &TestApp) -> Value {
    let gf5 = teacher(app, "GF0005").await;
    let (_, v) = Api::new(app, "director")
        .await
        .get(&format!("/api/v1/mentoring/pairs?status=active&teacher_id={gf5}"))
        .await;
    v.as_array()
        .and_then(|a| a.iter().find(|p| p["kind"] == "one_two_two"))
        .cloned()
        .unwrap_or_else(|| panic!("no demo pair in {v}"))
}

fn ids(v: &Value) -> Vec<i64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_i64().unwrap())
        .collect()
}

async fn who_sees_a_pair_and_its_lifecycle(app: TestApp) {
    let director = Api::new(&app, "director").await;
    let (s, all) = director.get("/api/v1/mentoring/pairs").await;
    assert_eq!(s, StatusCode::OK);
    // The demo's "one-two-two" pair: the mentor account with the teacher.
    let demo = demo_pair(&app).await;
    assert!(ids(&all).contains(&demo["id"].as_i64().unwrap()));
    assert_eq!(demo["status"], "active");
    assert_eq!(demo["actions"], json!(["conclude", "dissolve"]));
    let demo_id = demo["id"].as_i64().unwrap();

    // Its teachers see it (without actions), a colleague and another
    // school's director do not.
    for who in ["teacher", "mentor"] {
        let api = Api::new(&app, who).await;
        let (s, mine) = api.get("/api/v1/mentoring/pairs").await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(ids(&mine), [demo_id], "{who}");
        let (s, p) = api.get(&format!("/api/v1/mentoring/pairs/{demo_id}")).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(p["actions"], json!([]), "{who} may not manage it");
    }
    account(&app, "colleague", "GF0061", "teacher").await;
    let colleague = Api::new(&app, "colleague").await;
    let (_, theirs) = colleague.get("/api/v1/mentoring/pairs").await;
    assert_eq!(ids(&theirs), Vec::<i64>::new());
    let (s, _) = colleague.get(&format!("/api/v1/mentoring/pairs/{demo_id}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let kg = Api::new(&app, "kgdirector").await;
    let (s, _) = kg.get(&format!("/api/v1/mentoring/pairs/{demo_id}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // Proposed, agreed, active, dissolved with a reason.
    let mentor = teacher(&app, "GF0008").await;
    let apprentice = teacher(&app, "GF0040").await;
    let (s, created) = director
        .post(
            "/api/v1/mentoring/pairs",
            pair_body(mentor, &[apprentice], "one_on_one"),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{created}");
    let id = created["id"].as_i64().unwrap();
    let status = |action: &'static str, reason: &'static str| {
        let director = &director;
        async move {
            director
                .post(
                    &format!("/api/v1/mentoring/pairs/{id}/status"),
                    json!({"action": action, "reason": reason}),
                )
                .await
        }
    };
    let (s, p) = status("conclude", "").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "out of order: {p}");
    assert_eq!(p["error"]["field"], "status");
    let (s, p) = status("agree", "").await;
    assert_eq!((s, p["status"].as_str()), (StatusCode::OK, Some("agreed")));
    let (s, p) = status("activate", "").await;
    assert_eq!((s, p["status"].as_str()), (StatusCode::OK, Some("active")));
    let (s, p) = status("dissolve", "").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(p["error"]["field"], "reason");
    let (s, p) = status("dissolve", "师傅调往外校").await;
    assert_eq!((s, p["status"].as_str()), (StatusCode::OK, Some("dissolved")));
    assert_eq!(p["end_reason"], "师傅调往外校");
    let (s, _) = status("activate", "").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "a dissolved pair stays so");
    // A teacher cannot move a pair on.
    let (s, _) = Api::new(&app, "mentor")
        .await
        .post(
            &format!("/api/v1/mentoring/pairs/{demo_id}/status"),
            json!({"action": "conclude"}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // Cross-school: the kindergarten's director pairs a primary-school
    // mentor with a kindergarten apprentice; both directors see it, only
    // the kindergarten's manages it.
    let (_, staff) = kg.get("/api/v1/teachers?per_page=5").await;
    let kg_apprentice = staff["items"][2]["id"].as_i64().unwrap();
    let (s, created) = kg
        .post(
            "/api/v1/mentoring/pairs",
            pair_body(mentor, &[kg_apprentice], "one_on_one"),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{created}");
    let cross = created["id"].as_i64().unwrap();
    let gf = app.school_id("GFSY").await;
    let (_, listed) = director
        .get(&format!("/api/v1/mentoring/pairs?school_id={gf}"))
        .await;
    let p = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == cross)
        .expect("the mentor's school sees the pair");
    assert_eq!(p["cross_school"], true);
    assert_eq!(p["actions"], json!([]));
    let (s, _) = director
        .post(
            &format!("/api/v1/mentoring/pairs/{cross}/status"),
            json!({"action": "agree"}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = kg
        .post(
            &format!("/api/v1/mentoring/pairs/{cross}/status"),
            json!({"action": "agree"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
}
both_dbs!(who_sees_a_pair_and_its_lifecycle);

async fn bad_pairs_are_refused_by_name(app: TestApp) {
    let director = Api::new(&app, "director").await;
    let before = director.get("/api/v1/mentoring/pairs").await.1;
    let m = teacher(&app, "GF0009").await;
    let a = teacher(&app, "GF0043").await;
    let b = teacher(&app, "GF0044").await;
    let c = teacher(&app, "GF0045").await;
    let fields = |v: &Value| -> Vec<(String, String)> {
        v["error"]["fields"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|f| {
                        (
                            f["field"].as_str().unwrap().to_string(),
                            f["code"].as_str().unwrap().to_string(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_else(|| {
                vec![(
                    v["error"]["field"].as_str().unwrap_or("").to_string(),
                    String::new(),
                )]
            })
    };
    // Their own mentor.
    let (s, v) = director
        .post("/api/v1/mentoring/pairs", pair_body(m, &[m], "one_on_one"))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        fields(&v),
        [("apprentices".to_string(), "own_mentor".to_string())]
    );
    // A third apprentice on a "one-two-two" pair.
    let (s, v) = director
        .post("/api/v1/mentoring/pairs", pair_body(m, &[a, b, c], "one_two_two"))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        fields(&v),
        [("apprentices".to_string(), "too_many_apprentices".to_string())]
    );
    // Over the load limit: the demo's mentor has two already.
    let gf4 = teacher(&app, "GF0004").await;
    let (s, v) = director
        .post("/api/v1/mentoring/pairs", pair_body(gf4, &[a], "one_on_one"))
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    assert_eq!(v["error"]["field"], "mentor");
    assert!(v["error"]["message"].as_str().unwrap().contains('2'), "{v}");
    // An apprentice who has a mentor in the subject over the term.
    let gf5 = teacher(&app, "GF0005").await;
    let (s, v) = director
        .post("/api/v1/mentoring/pairs", pair_body(m, &[gf5], "one_on_one"))
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    assert_eq!(v["error"]["field"], "apprentices");
    // A mentor of another district.
    let (_, school) = crate::helpers::other_district(&app).await;
    let x = lingyan_store::teachers::create(
        &app.store,
        &lingyan_store::Scope::system("t"),
        school,
        &lingyan_store::teachers::TeacherInput {
            staff_no: Some("XH0001".into()),
            name: Some("外区名师".into()),
            ..Default::default()
        },
        lingyan_store::calendar::today(),
    )
    .await
    .unwrap()
    .id;
    let (s, v) = director
        .post("/api/v1/mentoring/pairs", pair_body(x, &[a], "one_on_one"))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["field"], "mentor");
    // Nothing was written.
    assert_eq!(director.get("/api/v1/mentoring/pairs").await.1, before);

    // The load limit is the school's rule: raised to three, it fits.
    let gf = app.school_id("GFSY").await;
    let (_, rules) = director
        .get(&format!("/api/v1/schools/{gf}/mentoring-rules"))
        .await;
    assert_eq!(rules["rules"]["max_apprentices"], 2);
    let year = rules["year"].as_i64().unwrap();
    let (s, v) = director
        .put(
            &format!("/api/v1/schools/{gf}/mentoring-rules"),
            json!({"year": year, "rules": {"max_apprentices": 0}}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (s, v) = director
        .put(
            &format!("/api/v1/schools/{gf}/mentoring-rules"),
            json!({"year": year, "rules": {"max_apprentices": 3}}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["source"]["from"], "school");
    let (s, v) = director
        .post("/api/v1/mentoring/pairs", pair_body(gf4, &[a], "one_on_one"))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
}
both_dbs!(bad_pairs_are_refused_by_name);

async fn pages_and_agreements(app: TestApp) {
    let director = app.login_as("director").await;
    let (s, body) = director.get_text("/mentoring").await;
    assert_eq!(s, StatusCode::OK);
    let api = Api::new(&app, "director").await;
    let (_, all) = api.get("/api/v1/mentoring/pairs").await;
    let demo = demo_pair(&app).await;
    assert!(ids(&all).contains(&demo["id"].as_i64().unwrap()));
    let id = demo["id"].as_i64().unwrap();
    let mentor = demo["mentor"]["name"].as_str().unwrap().to_string();
    let apprentices: Vec<String> = demo["apprentices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap().to_string())
        .collect();
    assert!(body.contains(&mentor) && body.contains(&apprentices[0]), "{body}");
    let (s, body) = director.get_text(&format!("/mentoring/{id}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(body.contains("pair-status") && body.contains(&apprentices[1]));

    // Refused on the page: dissolving without a reason names the field.
    let r = director
        .post_form(
            &format!("/mentoring/{id}"),
            &format!("/mentoring/{id}/status"),
            &[("action", "dissolve"), ("reason", "")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = r.text().await.unwrap();
    assert!(
        body.contains("reason&quot;") || body.contains("reason&#34;"),
        "{body}"
    );

    // The agreement, read back: both names, in either language.
    let r = director
        .get(&format!("/mentoring/{id}/agreement.docx?lang=zh-CN"))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let xml = zip_entry(&r.bytes().await.unwrap(), "word/document.xml");
    assert!(xml.contains("师徒结对协议书"), "{xml}");
    for name in std::iter::once(&mentor).chain(&apprentices) {
        assert!(xml.contains(name.as_str()), "{name} in the agreement");
    }
    let r = director
        .get(&format!("/mentoring/{id}/agreement.docx?lang=en"))
        .await;
    let xml = zip_entry(&r.bytes().await.unwrap(), "word/document.xml");
    assert!(xml.contains("Mentoring Agreement") && xml.contains(&mentor));
    let r = director
        .get(&format!("/mentoring/{id}/agreement.docx?lang=xx"))
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = director
        .get(&format!("/mentoring/{id}/agreement.pdf?lang=zh-CN"))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let text = pdf_text(&r.bytes().await.unwrap());
    assert!(text.contains(&mentor) && text.contains(&apprentices[0]), "{text}");

    // The ceremony: the page lists it, one file holds every agreement.
    let (s, body) = director.get_text("/mentoring/ceremonies").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        body.contains(r#"id="ceremony""#),
        "the coming ceremony is shown: {body}"
    );
    let gf = app.school_id("GFSY").await;
    let (s, body) = director
        .get_text(&format!(
            "/mentoring/ceremonies?school={gf}&date={}",
            demo["ceremony_on"].as_str().unwrap()
        ))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(body.contains(&mentor), "{body}");
    let mentor2 = teacher(&app, "GF0008").await;
    let a = teacher(&app, "GF0040").await;
    let mut second = pair_body(mentor2, &[a], "one_on_one");
    second["ceremony_on"] = demo["ceremony_on"].clone();
    second["starts_on"] = demo["starts_on"].clone();
    second["ends_on"] = json!(
        (chrono::NaiveDate::parse_from_str(demo["starts_on"].as_str().unwrap(), "%Y-%m-%d").unwrap()
            + chrono::Days::new(700))
        .to_string()
    );
    let (s, v) = api.post("/api/v1/mentoring/pairs", second).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let r = director
        .get(&format!(
            "/mentoring/ceremonies/agreements.docx?school={gf}&date={}&lang=zh-CN",
            demo["ceremony_on"].as_str().unwrap()
        ))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let xml = zip_entry(&r.bytes().await.unwrap(), "word/document.xml");
    assert_eq!(
        xml.matches("师徒结对协议书").count(),
        2,
        "two agreements in one file"
    );
    let second = api.get(&format!("/api/v1/mentoring/pairs/{}", v["id"])).await.1;
    assert!(xml.contains(second["mentor"]["name"].as_str().unwrap()));
    // A day without a ceremony is not found.
    let r = director
        .get(&format!(
            "/mentoring/ceremonies/agreements.docx?school={gf}&date=2001-01-01"
        ))
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}
both_dbs!(pages_and_agreements);

async fn the_rules_page_saves_a_version(app: TestApp) {
    let gf = app.school_id("GFSY").await;
    let director = app.login_as("director").await;
    let path = format!("/schools/{gf}/mentoring/rules");
    let (s, body) = director.get_text(&path).await;
    assert_eq!(s, StatusCode::OK);
    assert!(body.contains("mentoring-rules-form"), "{body}");
    let sys = lingyan_store::Scope::system("t");
    let school = lingyan_store::schools::get_by_code(&app.store, &sys, "GFSY")
        .await
        .unwrap();
    let year = lingyan_store::calendar::current_year(&app.store, &sys, school.district_id, Some(gf))
        .await
        .unwrap()
        .to_string();
    let r = director
        .post_form(&path, &path, &[("year", &year), ("max_apprentices", "11")])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = r.text().await.unwrap();
    assert!(body.contains("max_apprentices"), "the field is named: {body}");
    let r = director
        .post_form(&path, &path, &[("year", &year), ("max_apprentices", "3")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, body) = director.get_text(&path).await;
    assert!(body.contains("rule-history") && body.contains('3'), "{body}");
    // The weights: every field it cannot take is named, nothing is saved.
    let mut weights: Vec<(&str, &str)> = vec![
        ("year", &year),
        ("same_subject", "55"),
        ("same_section", "15"),
        ("honour_step", "4"),
        ("per_year", "1"),
        ("max_years", "20"),
        ("per_apprentice", "10"),
        ("per_past_pair", "3"),
        ("max_past_pairs", "3"),
    ];
    let mut bad = weights.clone();
    bad[2].1 = "很多";
    bad[4].1 = "-1";
    let r = director.post_form(&path, &path, &bad).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = r.text().await.unwrap();
    assert!(
        body.contains("same_section") && body.contains("per_year") && body.contains("很多"),
        "both fields named, the typed value kept: {body}"
    );
    let place = lingyan_store::rule_sets::Place::school(school.district_id, gf);
    let in_force = |app: &TestApp| {
        let store = app.store.clone();
        let year: i32 = year.parse().unwrap();
        async move {
            lingyan_store::mentoring::pairs::rules(&store, &lingyan_store::Scope::system("t"), place, year)
                .await
                .unwrap()
                .set
        }
    };
    assert_eq!(in_force(&app).await.weights.same_subject, 40, "nothing saved");
    weights[6].1 = "0";
    let r = director.post_form(&path, &path, &weights).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let set = in_force(&app).await;
    assert_eq!((set.weights.same_subject, set.weights.per_apprentice), (55, 0));
    assert_eq!(set.max_apprentices, 3, "the limit stays as saved");
    let (_, body) = director.get_text(&path).await;
    assert!(body.contains("Same subject +55"), "{body}");
    // A teacher reads the rules but has no form.
    let teacher = app.login_as("teacher").await;
    let (s, body) = teacher.get_text(&path).await;
    assert_eq!(s, StatusCode::OK);
    assert!(!body.contains("mentoring-rules-form") && !body.contains("mentoring-weights-form"));
}
both_dbs!(the_rules_page_saves_a_version);

async fn private_and_shared_notes(app: TestApp) {
    let director = Api::new(&app, "director").await;
    let (_, all) = director.get("/api/v1/mentoring/pairs?status=active").await;
    assert!(all.as_array().is_some());
    let pair = demo_pair(&app).await["id"].as_i64().unwrap();
    let path = format!("/api/v1/mentoring/pairs/{pair}/meetings");
    // A private note of the demo's log, as each reader sees it.
    let secret = "导入环节用时过长";
    let notes_of = |log: &Value| -> Vec<Value> {
        log["meetings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["private"] == true)
            .map(|m| m["notes"].clone())
            .collect()
    };
    for who in ["mentor", "director"] {
        let (s, log) = Api::new(&app, who).await.get(&path).await;
        assert_eq!(s, StatusCode::OK);
        let private = notes_of(&log);
        assert!(!private.is_empty(), "the demo has private notes");
        assert!(
            private
                .iter()
                .any(|n| n.as_str().is_some_and(|n| n.contains(secret))),
            "{who} reads them"
        );
    }
    let teacher = Api::new(&app, "teacher").await;
    let (_, log) = teacher.get(&path).await;
    assert!(
        notes_of(&log).iter().all(Value::is_null),
        "the apprentice does not: {log}"
    );
    assert!(!log.to_string().contains(secret));
    assert!(
        log["meetings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["private"] == false && m["notes"].is_string()),
        "shared notes are read"
    );
    account(&app, "colleague", "GF0061", "teacher").await;
    let (s, _) = Api::new(&app, "colleague").await.get(&path).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // The same on the pages.
    let (_, page) = app
        .login_as("teacher")
        .await
        .get_text(&format!("/mentoring/{pair}"))
        .await;
    assert!(page.contains("note-hidden") && !page.contains(secret));
    let (_, page) = app
        .login_as("mentor")
        .await
        .get_text(&format!("/mentoring/{pair}"))
        .await;
    assert!(page.contains(secret));

    // Adding: the apprentice's notes are shared; the mentor may keep them
    // private; a meeting has happened, within the term.
    let today = lingyan_store::calendar::today();
    let meeting = |private: bool, day: chrono::NaiveDate| json!({"met_on": day, "minutes": 40, "topic": "评课", "notes": "记录", "private": private});
    let (s, v) = teacher.post(&path, meeting(true, today)).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["error"]["field"], "private");
    let (s, mine) = teacher.post(&path, meeting(false, today)).await;
    assert_eq!(s, StatusCode::CREATED, "{mine}");
    let (s, v) = teacher
        .post(&path, meeting(false, today + chrono::Days::new(1)))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let mentor = Api::new(&app, "mentor").await;
    let (s, theirs) = mentor.post(&path, meeting(true, today)).await;
    assert_eq!(s, StatusCode::CREATED, "{theirs}");
    // Removing: one's own, not another's.
    let (s, _) = teacher
        .send(
            reqwest::Method::DELETE,
            &format!("/api/v1/mentoring/meetings/{}", theirs["id"]),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = teacher
        .send(
            reqwest::Method::DELETE,
            &format!("/api/v1/mentoring/meetings/{}", mine["id"]),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    // A pair that is not running keeps no log.
    let (_, proposed) = director.get("/api/v1/mentoring/pairs?status=proposed").await;
    let p = proposed[0]["id"].as_i64().unwrap();
    let (s, v) = director
        .post(
            &format!("/api/v1/mentoring/pairs/{p}/meetings"),
            meeting(false, today),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["field"], "status");
}
both_dbs!(private_and_shared_notes);

async fn matching_ranks_with_reasons(app: TestApp) {
    // A school of its own district, so nobody else enters the pool.
    let (_, school) = crate::helpers::other_district(&app).await;
    let sys = lingyan_store::Scope::system("t");
    let today = lingyan_store::calendar::today();
    let add = |no: &'static str,
               name: &'static str,
               subject: &'static str,
               section: &'static str,
               born: &'static str,
               start: &'static str| {
        let (store, sys) = (app.store.clone(), sys.clone());
        async move {
            lingyan_store::teachers::create(
                &store,
                &sys,
                school,
                &lingyan_store::teachers::TeacherInput {
                    staff_no: Some(no.into()),
                    name: Some(name.into()),
                    subjects: Some(vec![subject.into()]),
                    section: Some(section.into()),
                    birth_date: Some(born.into()),
                    work_start: Some(start.into()),
                    ..Default::default()
                },
                today,
            )
            .await
            .unwrap()
            .id
        }
    };
    let apprentice = add("XH0001", "新老师", "数学", "primary", "2001-05-01", "2024-09-01").await;
    let m1 = add(
        "XH0002",
        "数学老将",
        "数学",
        "primary",
        "1975-03-01",
        "1996-09-01",
    )
    .await;
    let m2 = add(
        "XH0003",
        "语文名师",
        "语文",
        "primary",
        "1972-03-01",
        "1993-09-01",
    )
    .await;
    let m3 = add("XH0004", "初中数学", "数学", "junior", "1990-03-01", "2014-09-01").await;
    let m4 = add(
        "XH0005",
        "年轻数学",
        "数学",
        "primary",
        "1995-03-01",
        "2019-09-01",
    )
    .await;
    let years = |start: &str| {
        let s = chrono::NaiveDate::parse_from_str(start, "%Y-%m-%d").unwrap();
        let mut y = chrono::Datelike::year(&today) - chrono::Datelike::year(&s);
        if (chrono::Datelike::month(&today), chrono::Datelike::day(&today)) < (9, 1) {
            y -= 1;
        }
        y
    };
    let admin = Api::new(&app, "sysadmin").await;
    let (s, v) = admin
        .get(&format!(
            "/api/v1/schools/{school}/mentoring/suggestions?teacher_id={apprentice}"
        ))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let candidates = v[0]["candidates"].as_array().unwrap();
    let order: Vec<i64> = candidates
        .iter()
        .map(|c| c["mentor"]["teacher_id"].as_i64().unwrap())
        .collect();
    let y4 = years("2019-09-01");
    let y3 = years("2014-09-01");
    // 40 + 15 + 20 (years capped), 40 + 15 + y4, 40 + y3, 15 + 20.
    assert_eq!(order, [m1, m4, m3, m2], "{v}");
    let scores: Vec<i64> = candidates.iter().map(|c| c["score"].as_i64().unwrap()).collect();
    assert_eq!(scores, [75, 55 + y4 as i64, 40 + y3 as i64, 35]);
    let reasons: Vec<&str> = candidates[0]["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    let y1 = years("1996-09-01");
    assert_eq!(
        reasons,
        [
            "Same subject (数学) +40".to_string(),
            "Same section (primary section) +15".to_string(),
            format!("{y1} years of teaching +20"),
        ]
    );
    assert_eq!(candidates[3]["reasons"][0], "Same section (primary section) +15");
    // The apprentice with no mentor is suggested for without naming them;
    // a mentor at the limit is left out.
    let (_, all) = admin
        .get(&format!("/api/v1/schools/{school}/mentoring/suggestions"))
        .await;
    assert!(
        all.as_array()
            .unwrap()
            .iter()
            .any(|s| s["apprentice"]["teacher_id"] == apprentice),
        "{all}"
    );
    for other in [m3, m4] {
        let body = json!({"mentor_teacher_id": m1, "apprentice_teacher_ids": [other], "kind": "one_on_one",
            "subject": format!("课题{other}"), "starts_on": today, "ends_on": today + chrono::Days::new(200), "under_way": true});
        let (s, v) = admin.post("/api/v1/mentoring/pairs", body).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
    }
    let (_, v) = admin
        .get(&format!(
            "/api/v1/schools/{school}/mentoring/suggestions?teacher_id={apprentice}"
        ))
        .await;
    let order: Vec<i64> = v[0]["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["mentor"]["teacher_id"].as_i64().unwrap())
        .collect();
    assert!(!order.contains(&m1), "the full mentor is left out: {v}");
    // The page says the same in Chinese.
    let page = app.login_as("sysadmin").await;
    let (s, body) = page
        .get_text(&format!(
            "/schools/{school}/mentoring/suggestions?teacher={apprentice}"
        ))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(body.contains("mentor=") && body.contains("apprentice="), "{body}");
}
both_dbs!(matching_ranks_with_reasons);

async fn the_two_way_cycle_over_api_and_pages(app: TestApp) {
    let teacher = Api::new(&app, "teacher").await;
    let mentor = Api::new(&app, "mentor").await;
    // The board: the demo pair's open cycles, the longest waiting first —
    // the colleague's waiting for the mentor's comments, the teacher's
    // waiting for her class.
    let (s, board) = teacher.get("/api/v1/mentoring/board").await;
    assert_eq!(s, StatusCode::OK, "{board}");
    let open = board["open"].as_array().unwrap();
    assert_eq!(open.len(), 2, "{board}");
    assert_eq!(board["completed"], 1);
    let (theirs, mine) = (&open[0]["cycle"], &open[1]["cycle"]);
    assert_eq!(theirs["next"], "review");
    assert_eq!(theirs["next_teacher"]["name"], theirs["mentor"]["name"]);
    assert_eq!(mine["next"], "apprentice_class");
    let (own_id, other_id) = (mine["id"].as_i64().unwrap(), theirs["id"].as_i64().unwrap());
    assert_eq!(mine["may_fill"], true);
    assert_eq!(theirs["may_fill"], false, "not hers to fill");
    let stage = |c: i64, s: &str| format!("/api/v1/mentoring/cycles/{c}/stages/{s}");
    let today = lingyan_store::calendar::today();
    let class = json!({"record": {"date": today, "title": "公开课《分数的初步认识》", "level": "school"}});

    // The mentor's stage is not the apprentice's; out of order is named;
    // the mentor may not fill the apprentice's stage.
    let (s, _) = teacher.put(&stage(other_id, "review"), class.clone()).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, v) = teacher.put(&stage(own_id, "reflection"), class.clone()).await;
    assert_eq!(
        s,
        StatusCode::UNPROCESSABLE_ENTITY,
        "the reflection is hers, but the next is her class: {v}"
    );
    assert_eq!(v["error"]["field"], "stage");
    let (s, _) = mentor
        .put(&stage(own_id, "apprentice_class"), class.clone())
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // A class without a level names the field, and no record is written.
    let (_, before) = teacher
        .get(&format!("/api/v1/mentoring/cycles/{own_id}/candidates"))
        .await;
    let (s, v) = teacher
        .put(
            &stage(own_id, "apprentice_class"),
            json!({"record": {"date": today, "title": "公开课"}}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["field"], "level");
    let (_, after) = teacher
        .get(&format!("/api/v1/mentoring/cycles/{own_id}/candidates"))
        .await;
    assert_eq!(before, after);
    // Both an id and a record: refused.
    let (s, _) = teacher
        .put(
            &stage(own_id, "apprentice_class"),
            json!({"evidence_id": 1, "record": {"date": today, "title": "x", "level": "school"}}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (s, c) = teacher
        .put(&stage(own_id, "apprentice_class"), class.clone())
        .await;
    assert_eq!(s, StatusCode::OK, "{c}");
    assert_eq!(c["next"], "review");
    assert_eq!(c["stages"][1]["record"]["status"], "recorded");
    assert_eq!(c["stages"][1]["removable"], true);
    // Now the mentor owes the comments; the other apprentice's cycle is
    // not in her way, and a colleague reads nothing.
    let (_, c) = mentor.get(&format!("/api/v1/mentoring/cycles/{own_id}")).await;
    assert_eq!(c["may_fill"], true);
    assert_eq!(c["next_teacher"]["name"], c["mentor"]["name"]);
    account(&app, "colleague", "GF0061", "teacher").await;
    let (s, _) = Api::new(&app, "colleague")
        .await
        .get(&format!("/api/v1/mentoring/cycles/{own_id}"))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // Unknown stage code, by name.
    let (s, v) = teacher.put(&stage(own_id, "lecture"), class.clone()).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["error"]["field"], "stage");

    // Pages: the teacher's home says whose turn; the cycle page shows the
    // six stages and, for the mentor, the forms to fill the next.
    let t = app
        .login_with(app.client_with_lang(Some("zh-CN")), "teacher")
        .await;
    let (_, home) = t.get_text("/").await;
    assert!(
        !home.contains(&format!("/mentoring/cycles/{own_id}#fill")),
        "no longer her turn"
    );
    let m = app.login_with(app.client_with_lang(Some("en")), "mentor").await;
    let (_, home) = m.get_text("/").await;
    assert!(
        home.contains(&format!("/mentoring/cycles/{own_id}#fill")),
        "the mentor's turn"
    );
    let (s, page) = m.get_text(&format!("/mentoring/cycles/{own_id}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("Mentor&#39;s comments"), "{page}");
    assert!(page.contains("id=\"record-form\""));
    let (_, page) = t.get_text(&format!("/mentoring/cycles/{own_id}")).await;
    assert!(page.contains("骨干教师点评") && page.contains("id=\"waiting\""));
    assert!(!page.contains("id=\"record-form\""));
    // The mentor's form, refused by name (no title), then saved.
    let path = format!("/mentoring/cycles/{own_id}");
    let action = format!("/mentoring/cycles/{own_id}/stages/review");
    let day = today.to_string();
    let r = m
        .post_form(
            &path,
            &action,
            &[("how", "record"), ("date", &day), ("title", " ")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = r.text().await.unwrap();
    assert!(
        body.contains("data-fields") && body.contains("flash-error"),
        "{body}"
    );
    let r = m
        .post_form(
            &path,
            &action,
            &[
                ("how", "record"),
                ("date", &day),
                ("title", "听评课"),
                ("text", "目标达成度较好"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, c) = teacher.get(&format!("/api/v1/mentoring/cycles/{own_id}")).await;
    assert_eq!(c["next"], "reflection");
    // The teacher's home now asks for her reflection.
    let (_, home) = t.get_text("/").await;
    assert!(home.contains(&format!("/mentoring/cycles/{own_id}#fill")));

    // Starting another cycle while one is open names the apprentice.
    let (_, pair) = teacher.get(&format!("/api/v1/mentoring/cycles/{own_id}")).await;
    let pair = pair["pair_id"].as_i64().unwrap();
    let r = t
        .post_form(
            &format!("/mentoring/{pair}"),
            &format!("/mentoring/{pair}/cycles"),
            &[("cycle_title", "《角的度量》"), ("started_on", &day)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = r.text().await.unwrap();
    assert!(body.contains("《分数的初步认识》"), "the open cycle is named");
    let (s, v) = teacher
        .post(
            &format!("/api/v1/mentoring/pairs/{pair}/cycles"),
            json!({"title": "", "started_on": today}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["error"]["field"], "cycle_title");
    // The board page, waiting for me.
    let (s, page) = t.get_text("/mentoring/board?show=mine").await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains(&format!("data-cycle=\"{own_id}\"")));
    assert!(
        !page.contains(&format!("data-cycle=\"{other_id}\"")),
        "the mentor owes that one"
    );
}
both_dbs!(the_two_way_cycle_over_api_and_pages);

async fn the_school_overview(app: TestApp) {
    let director = Api::new(&app, "director").await;
    let school = lingyan_store::schools::get_by_code(&app.store, &lingyan_store::Scope::system("t"), "GFSY")
        .await
        .unwrap()
        .id;
    let path = format!("/api/v1/schools/{school}/mentoring/overview");
    let (s, o) = director.get(&path).await;
    assert_eq!(s, StatusCode::OK, "{o}");
    let pairs = o["pairs"].as_array().unwrap();
    // The share counts the apprentices of running pairs among the young
    // and new, and names the rest.
    let unpaired = o["unpaired"].as_array().unwrap().len() as u64;
    assert_eq!(
        o["with_mentor"].as_u64().unwrap() + unpaired,
        o["young_or_new"].as_u64().unwrap()
    );
    let unpaired_ids: Vec<i64> = o["unpaired"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["teacher_id"].as_i64().unwrap())
        .collect();
    assert!(pairs.iter().all(|p| {
        p["apprentices"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| !unpaired_ids.contains(&a["teacher_id"].as_i64().unwrap()))
    }));
    // The demo's quiet pair (no meeting, no cycle) comes first and is
    // counted; the mentor account's pair has its completed cycle.
    assert_eq!(pairs[0]["quiet"], true, "{}", pairs[0]);
    assert!(pairs[0]["last_activity"].is_null());
    assert_eq!(
        o["quiet"].as_u64().unwrap(),
        pairs.iter().filter(|p| p["quiet"] == true).count() as u64
    );
    let demo = pairs
        .iter()
        .find(|p| p["apprentices"].as_array().unwrap().len() == 2 && p["meetings"] == 6)
        .expect("the demo pair");
    assert_eq!(demo["cycles_done"], 1);
    assert_eq!(demo["under_way"]["next"], "review");
    // A meeting today moves the pair's last activity to today.
    let today = lingyan_store::calendar::today();
    let id = demo["pair_id"].as_i64().unwrap();
    let (s, _) = director
        .post(
            &format!("/api/v1/mentoring/pairs/{id}/meetings"),
            json!({"met_on": today, "minutes": 20, "topic": "检查结对情况"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let (_, o) = director.get(&path).await;
    let demo = o["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["pair_id"] == id)
        .unwrap()
        .clone();
    assert_eq!(demo["last_activity"], json!(today));
    assert_eq!(demo["quiet_days"], 0);
    // Teachers and another school's director do not read it.
    let (s, _) = Api::new(&app, "teacher").await.get(&path).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = Api::new(&app, "kgdirector").await.get(&path).await;
    assert!(s == StatusCode::FORBIDDEN || s == StatusCode::NOT_FOUND, "{s}");
    // The page (with the home card) and the workbook.
    let c = app
        .login_with(app.client_with_lang(Some("zh-CN")), "director")
        .await;
    let (s, page) = c.get_text(&format!("/schools/{school}/mentoring/overview")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        page.contains("青年及新任教师") && page.contains("state-rejected"),
        "the quiet pair is marked"
    );
    let (_, home) = c.get_text("/").await;
    assert!(home.contains("id=\"mentoring-card\""));
    let r = c.get(&format!("/schools/{school}/mentoring/overview.xlsx")).await;
    assert_eq!(r.status(), StatusCode::OK);
    let bytes = r.bytes().await.unwrap();
    let strings = zip_entry(&bytes, "xl/sharedStrings.xml");
    assert!(
        strings.contains("青年及新任教师") && strings.contains("姓名"),
        "{strings}"
    );
    let book = zip_entry(&bytes, "xl/workbook.xml");
    assert!(book.contains("结对中") && book.contains("尚未结对"), "{book}");
}
both_dbs!(the_school_overview);

async fn summaries_and_evaluation(app: TestApp) {
    let pair = demo_pair(&app).await["id"].as_i64().unwrap();
    let teacher = Api::new(&app, "teacher").await;
    let mentor = Api::new(&app, "mentor").await;
    let director = Api::new(&app, "director").await;
    let summary = |p: &str| format!("/api/v1/mentoring/pairs/{pair}/summaries/{p}");
    let evaluation = |p: &str| format!("/api/v1/mentoring/pairs/{pair}/evaluations/{p}");
    // Each teacher of the pair writes their own; writing again replaces it.
    let (s, _) = teacher
        .put(&summary("mid_term"), json!({"text": "本学期听师傅课 15 节。"}))
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, _) = teacher
        .put(
            &summary("mid_term"),
            json!({"text": "本学期听师傅课 16 节，完成双向互动一轮。"}),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, _) = mentor
        .put(&summary("mid_term"), json!({"text": "徒弟进步明显。"}))
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    // Not a leader's, nor another teacher's; an empty text or an unknown
    // period is named.
    let (s, _) = director.put(&summary("mid_term"), json!({"text": "代写"})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, v) = teacher.put(&summary("final"), json!({"text": " "})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["error"]["field"], "summary");
    let (s, v) = teacher.put(&summary("autumn"), json!({"text": "x"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["error"]["field"], "review_period");
    account(&app, "colleague", "GF0061", "teacher").await;
    let (s, _) = Api::new(&app, "colleague")
        .await
        .put(&summary("mid_term"), json!({"text": "x"}))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // The leader evaluates: every dimension out of 20, and a grade.
    let scores = json!({"goals": 18, "meetings": 17, "cycles": 16, "growth": 19, "commitment": 20});
    let (s, _) = teacher
        .put(
            &evaluation("mid_term"),
            json!({"scores": scores, "grade": "excellent"}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "not the teacher's");
    let (s, v) = director
        .put(
            &evaluation("mid_term"),
            json!({"scores": {"goals": 21, "meetings": 17, "cycles": 16, "growth": 19}, "grade": "good"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> = v["error"]["fields"]
        .as_array()
        .map(|a| a.iter().filter_map(|e| e["field"].as_str()).collect())
        .unwrap_or_default();
    assert!(fields.contains(&"goals") && fields.contains(&"commitment"), "{v}");
    let (s, _) = director
        .put(
            &evaluation("mid_term"),
            json!({"scores": scores, "grade": "excellent", "comment": "师徒配合默契。"}),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (_, r) = teacher
        .get(&format!("/api/v1/mentoring/pairs/{pair}/reviews"))
        .await;
    let sums = r["summaries"].as_array().unwrap();
    assert_eq!(sums.len(), 2, "one each: {r}");
    assert!(
        sums.iter()
            .any(|x| x["as_mentor"] == false && x["text"].as_str().unwrap().contains("16 节"))
    );
    assert_eq!(r["evaluations"][0]["total"], 90);
    assert_eq!(r["evaluations"][0]["grade"], "excellent");
    assert_eq!(r["may_write_summary"], true);
    assert_eq!(r["may_evaluate"], false);
    // A proposed pair is not summed up yet.
    let (_, proposed) = director.get("/api/v1/mentoring/pairs?status=proposed").await;
    let p = proposed[0]["id"].as_i64().unwrap();
    let (s, v) = director
        .put(
            &format!("/api/v1/mentoring/pairs/{p}/evaluations/final"),
            json!({"scores": scores, "grade": "pass"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["error"]["field"], "status");

    // The page: both summaries and the grade; the leader's form refused by
    // name, then saved.
    let c = app
        .login_with(app.client_with_lang(Some("zh-CN")), "director")
        .await;
    let (_, page) = c.get_text(&format!("/mentoring/{pair}")).await;
    assert!(page.contains("徒弟进步明显") && page.contains("优秀") && page.contains("总分 90/100"));
    let path = format!("/mentoring/{pair}");
    let action = format!("/mentoring/{pair}/evaluations");
    let r = c
        .post_form(
            &path,
            &action,
            &[
                ("period", "final"),
                ("goals", "30"),
                ("meetings", "15"),
                ("cycles", "15"),
                ("growth", "15"),
                ("commitment", "15"),
                ("grade", "good"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = r.text().await.unwrap();
    assert!(body.contains("目标达成"), "the dimension is named");
    let r = c
        .post_form(
            &path,
            &action,
            &[
                ("period", "final"),
                ("goals", "15"),
                ("meetings", "15"),
                ("cycles", "15"),
                ("growth", "15"),
                ("commitment", "15"),
                ("grade", "good"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, r) = director
        .get(&format!("/api/v1/mentoring/pairs/{pair}/reviews"))
        .await;
    assert_eq!(r["evaluations"].as_array().unwrap().len(), 2);
}
both_dbs!(summaries_and_evaluation);

async fn mentoring_weeks(app: TestApp) {
    let school = app.school_id("GFSY").await;
    let director = Api::new(&app, "director").await;
    let list = format!("/api/v1/schools/{school}/mentoring/weeks");
    let (s, weeks) = director.get(&list).await;
    assert_eq!(s, StatusCode::OK);
    let weeks = weeks.as_array().unwrap().clone();
    assert_eq!(weeks.len(), 2, "the demo's held and coming weeks: {weeks:?}");
    let today = lingyan_store::calendar::today();
    let held = weeks
        .iter()
        .find(|w| w["ends_on"].as_str().unwrap() < today.to_string().as_str())
        .expect("the week held");
    let held_id = held["id"].as_i64().unwrap();
    // What the pairs did in it: the demo pair met in it; meetings carry
    // their topic, never their notes.
    let (s, r) = director.get(&format!("/api/v1/mentoring/weeks/{held_id}")).await;
    assert_eq!(s, StatusCode::OK);
    let pairs = r["pairs"].as_array().unwrap();
    assert!(r["active_pairs"].as_u64().unwrap() >= 1, "{r}");
    assert_eq!(
        r["active_pairs"].as_u64().unwrap() as usize,
        pairs.iter().filter(|p| p["active"] == true).count()
    );
    let demo = pairs
        .iter()
        .find(|p| p["apprentices"].as_array().unwrap().len() == 2)
        .expect("the demo pair ran in the week");
    assert!(!demo["meetings"].as_array().unwrap().is_empty(), "{demo}");
    assert!(demo["meetings"][0].get("notes").is_none());
    // Set, changed, refused by name, removed.
    let body = |from: chrono::NaiveDate, to: chrono::NaiveDate| json!({"title": "秋季师徒活动周", "theme": "互相听课", "starts_on": from, "ends_on": to});
    let from = today + chrono::Days::new(60);
    let (s, v) = director
        .post(&list, body(from, from - chrono::Days::new(1)))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(v.to_string().contains("ends_on"), "{v}");
    let (s, w) = director
        .post(&list, body(from, from + chrono::Days::new(4)))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{w}");
    let id = w["id"].as_i64().unwrap();
    let (s, v) = director
        .post(
            &list,
            body(from + chrono::Days::new(2), from + chrono::Days::new(6)),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        v.to_string().contains("overlaps") && v.to_string().contains("秋季师徒活动周"),
        "{v}"
    );
    let (s, w) = director
        .put(
            &format!("/api/v1/mentoring/weeks/{id}"),
            body(from + chrono::Days::new(7), from + chrono::Days::new(11)),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(w["starts_on"], json!(from + chrono::Days::new(7)));
    let teacher = Api::new(&app, "teacher").await;
    let (s, _) = teacher
        .post(
            &list,
            body(from + chrono::Days::new(30), from + chrono::Days::new(31)),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = teacher.get(&format!("/api/v1/mentoring/weeks/{id}")).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = Api::new(&app, "kgdirector")
        .await
        .send(
            reqwest::Method::DELETE,
            &format!("/api/v1/mentoring/weeks/{id}"),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = director
        .send(
            reqwest::Method::DELETE,
            &format!("/api/v1/mentoring/weeks/{id}"),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    // The pages, in Chinese: the overview lists the weeks, the week page
    // names each pair, the form refuses by name.
    let c = app
        .login_with(app.client_with_lang(Some("zh-CN")), "director")
        .await;
    let (_, page) = c.get_text(&format!("/schools/{school}/mentoring/overview")).await;
    assert!(page.contains("id=\"overview-weeks\"") && page.contains(&format!("/mentoring/weeks/{held_id}")));
    let (s, page) = c.get_text(&format!("/mentoring/weeks/{held_id}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        page.contains("各对师徒开展情况") && page.contains("结对活动"),
        "{page}"
    );
    assert!(
        !page.contains("导入环节用时过长"),
        "a private note stays in the log"
    );
    let new = format!("/schools/{school}/mentoring/weeks/new");
    let post = format!("/schools/{school}/mentoring/weeks");
    let (s, form) = c.get_text(&new).await;
    assert_eq!(s, StatusCode::OK);
    assert!(form.contains("id=\"week-form\""));
    let d = |x: chrono::NaiveDate| x.to_string();
    let r = c
        .post_form(
            &new,
            &post,
            &[
                ("title", "冬季师徒活动周"),
                ("starts_on", &d(from)),
                ("ends_on", &d(from + chrono::Days::new(20))),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body_text = r.text().await.unwrap();
    assert!(
        body_text.contains("最长 14 天") && body_text.contains("冬季师徒活动周"),
        "{body_text}"
    );
    let r = c
        .post_form(
            &new,
            &post,
            &[
                ("title", "冬季师徒活动周"),
                ("starts_on", &d(from)),
                ("ends_on", &d(from + chrono::Days::new(4))),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let at = r.headers()["location"].to_str().unwrap().to_string();
    let (s, page) = c.get_text(&at).await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("活动周期间本校没有在进行的师徒结对") || page.contains("week-pairs"));
    // The workbook, in English.
    let en = app.login_with(app.client_with_lang(Some("en")), "director").await;
    let r = en.get(&format!("/mentoring/weeks/{held_id}/workbook.xlsx")).await;
    assert_eq!(r.status(), StatusCode::OK);
    let bytes = r.bytes().await.unwrap();
    let strings = zip_entry(&bytes, "xl/sharedStrings.xml");
    assert!(
        strings.contains("Detail") && strings.contains("Meeting") && strings.contains("Name of the week"),
        "{strings}"
    );
    // The leaders' card and the teacher's home announce the coming week.
    let (_, home) = c.get_text("/").await;
    assert!(home.contains("id=\"mentoring-week-glance\""), "director's card");
    let t = app.login_with(app.client_with_lang(Some("en")), "teacher").await;
    let (_, home) = t.get_text("/").await;
    assert!(
        home.contains("id=\"mentoring-week-notice\"") && home.contains("Mentoring week coming"),
        "{home}"
    );
    let (s, _) = t.get_text(&format!("/mentoring/weeks/{held_id}")).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}
both_dbs!(mentoring_weeks);
