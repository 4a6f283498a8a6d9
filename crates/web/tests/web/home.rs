//! Home pages are work dashboards: every demo role finds work on theirs
//! (duties, records that wait, the school or the district at a glance),
//! and nothing about accounts, sign-ins or tokens.

use crate::both_dbs;
use crate::helpers::TestApp;
use reqwest::StatusCode;

/// How many times `needle` occurs in the part of `page` from the element
/// with `id` to the end of its section.
fn count_in(page: &str, id: &str, needle: &str) -> usize {
    let start = page
        .find(&format!(r#"id="{id}""#))
        .unwrap_or_else(|| panic!("no #{id} on the page:\n{page}"));
    let rest = &page[start..];
    let end = rest.find("</section>").unwrap_or(rest.len());
    rest[..end].matches(needle).count()
}

/// The number shown in the stat card with `id`.
fn stat(page: &str, id: &str) -> u64 {
    let start = page.find(&format!(r#"id="{id}""#)).expect("stat card");
    let rest = &page[start..];
    let num = &rest[rest.find(r#"<span class="num">"#).expect("number") + 18..];
    num[..num.find('<').unwrap()].parse().expect("a count")
}

async fn every_role_finds_work_on_their_home_page(app: TestApp) {
    for user in [
        "teacher",
        "mentor",
        "leader",
        "director",
        "principal",
        "kgdirector",
        "district",
        "inspector",
        "sysadmin",
    ] {
        let c = app.login_as(user).await;
        let (s, page) = c.get_text("/").await;
        assert_eq!(s, StatusCode::OK, "{user}: {page}");
        // Administration figures live on the administration pages.
        for gone in [
            "action=login.ok",
            "/account\"><span class=\"num\"",
            "active accounts",
            "个在用账号",
        ] {
            assert!(!page.contains(gone), "{user}'s home shows {gone}");
        }
        match user {
            "teacher" | "mentor" => {
                assert!(
                    count_in(&page, "my-duties", "class=\"duty-line\"") >= 5,
                    "{user}: {page}"
                );
                assert!(count_in(&page, "my-duties", "<progress") >= 5, "{user}");
                assert!(count_in(&page, "my-mentoring", "<li>") >= 1, "{user}");
            }
            "leader" => {
                assert!(count_in(&page, "duty-completion", "<tr>") >= 5, "{user}: {page}");
                assert!(count_in(&page, "my-duties", "class=\"duty-line\"") >= 5, "{user}");
            }
            "director" | "principal" | "kgdirector" => {
                assert!(count_in(&page, "duty-completion", "<tr>") >= 5, "{user}: {page}");
                assert!(count_in(&page, "staff-summary", "class=\"stat\"") == 4, "{user}");
                assert!(count_in(&page, "recent-records", "<li>") >= 1, "{user}");
                assert!(stat(&page, "pending-count") > 0, "{user}");
            }
            _ => {
                assert_eq!(
                    count_in(&page, "school-comparison", "<th scope=\"row\""),
                    2,
                    "{user}: {page}"
                );
                // Each school drills down to its duties matrix.
                assert_eq!(
                    count_in(&page, "school-comparison", "&amp;status=overdue\""),
                    2,
                    "{user}"
                );
                // Backbone counts by level under one heading, so the
                // table fits a desktop page.
                assert_eq!(count_in(&page, "school-comparison", "scope=\"colgroup\""), 1);
                // Levels named as the district names them (广府区: 区级, "district").
                assert_eq!(
                    count_in(&page, "school-comparison", ">district</th>"),
                    1,
                    "{page}"
                );
            }
        }
        if user == "director" || user == "principal" {
            assert!(count_in(&page, "teachers-behind", "/duties\">") >= 1, "{user}");
            // Completion per teaching-research and grade group.
            assert!(
                count_in(&page, "group-completion", "<tr>") >= 10,
                "{user}: {page}"
            );
        }
    }

    // The teacher sees the record returned to her, with the reason.
    let c = app.login_as("teacher").await;
    let (_, page) = c.get_text("/").await;
    assert!(count_in(&page, "open-records", "<li>") >= 2, "{page}");
    assert!(page.contains("请补充评课意见和听课班级。"), "{page}");
    assert!(count_in(&page, "my-mentoring", "李秀英") == 1);

    // Accounts and sign-ins moved to the people page.
    let c = app.login_as("district").await;
    let (_, page) = c.get_text("/users").await;
    assert!(page.contains(r#"id="account-summary""#), "{page}");
    assert!(page.contains("action=login.ok"), "{page}");
}
both_dbs!(every_role_finds_work_on_their_home_page);

async fn dashboards_read_in_english(app: TestApp) {
    let c = app.client_with_lang(Some("en"));
    let c = app.login_with(c, "district").await;
    let (_, page) = c.get_text("/").await;
    assert!(page.contains("Guangfu Experimental Primary School"), "{page}");
    assert!(page.contains("Schools of Guangfu District"), "{page}");
    assert!(!page.contains("广府实验小学"), "{page}");
    let c = app.client_with_lang(Some("en"));
    let c = app.login_with(c, "director").await;
    let (_, page) = c.get_text("/").await;
    assert!(
        page.contains("Guangfu Experimental Primary School at a glance"),
        "{page}"
    );
    assert!(page.contains("Backbone teachers"), "{page}");
}
both_dbs!(dashboards_read_in_english);

/// The API gives the same figures as the page.
async fn dashboard_over_the_api(app: TestApp) {
    let director = crate::evidence::Api::new(&app, "director").await;
    let (s, v) = director.get("/api/v1/dashboard?lang=en").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["role"], "training_director");
    let school = &v["school"];
    assert!(school["duties"]["by_duty"].as_array().unwrap().len() >= 5, "{v}");
    assert!(school["duties"]["total"]["percent"].as_u64().unwrap() > 0, "{v}");
    assert_eq!(school["staff"]["staff"], 100);
    assert!(v["pending_verification"].as_u64().unwrap() > 0);
    assert!(v["district"].is_null());
    // The page shows the same completion.
    let c = app.login_as("director").await;
    let (_, page) = c.get_text("/").await;
    let pct = school["duties"]["total"]["percent"].as_u64().unwrap();
    assert!(
        page.contains(&format!("<span class=\"num\">{pct}%</span>")),
        "{page}"
    );

    let teacher = crate::evidence::Api::new(&app, "teacher").await;
    let (_, v) = teacher.get("/api/v1/dashboard").await;
    assert!(v["school"].is_null() && v["district"].is_null(), "{v}");
    let own = &v["own"];
    assert!(own["duties"].as_array().unwrap().len() >= 5, "{v}");
    assert!(
        own["open_records"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["status"] == "rejected" && r["reason"].is_string())
    );
    assert_eq!(own["mentors"][0]["name"], "李秀英");

    let inspector = crate::evidence::Api::new(&app, "inspector").await;
    let (_, v) = inspector.get("/api/v1/dashboard?lang=en").await;
    let schools = v["district"]["schools"].as_array().unwrap();
    assert_eq!(schools.len(), 2, "{v}");
    assert_eq!(schools[0]["name"], "Guangfu Experimental Primary School");
    assert!(schools.iter().all(|s| s["backbone_total"].as_u64().unwrap() > 0));
}
both_dbs!(dashboard_over_the_api);

/// A teacher's own part of the home page (and what waits for the
/// director: the count, the queue, the school's counts) is kept between views until the school changes (decision
/// 46), and follows every change: a record of their own, its verification,
/// and a pair made in another school that names them.
async fn a_teachers_home_follows_every_change(app: TestApp) {
    let teacher = crate::evidence::Api::new(&app, "teacher").await;
    let own = |v: &serde_json::Value| v["own"].clone();
    let (_, v) = teacher.get("/api/v1/dashboard").await;
    let before = own(&v);
    let me = before["teacher_id"].as_i64().expect("the teacher's record");
    let (_, again) = teacher.get("/api/v1/dashboard").await;
    assert_eq!(own(&again), before, "a second view shows the same");

    // The director's home counts what waits for them (kept too).
    let director = crate::evidence::Api::new(&app, "director").await;
    let pending = |v: &serde_json::Value| v["pending_verification"].as_u64().expect("pending");
    let (_, d) = director.get("/api/v1/dashboard").await;
    let waiting_before = pending(&d);
    assert_eq!(
        pending(&director.get("/api/v1/dashboard").await.1),
        waiting_before
    );
    // … and the school's verification queue and counts (kept the same way).
    let school = d["school"]["duties"]["school_id"]
        .as_i64()
        .expect("the director's school");
    let queue = format!("/api/v1/evidence?school_id={school}&to_verify=true&per_page=5");
    let counted = format!("/api/v1/evidence/counts?school_id={school}");
    let total = |v: &serde_json::Value| v["total"].as_u64().expect("total");
    let all = |v: &serde_json::Value| {
        v.as_array()
            .expect("cells")
            .iter()
            .map(|c| c["total"].as_u64().unwrap())
            .sum::<u64>()
    };
    let queued = total(&director.get(&queue).await.1);
    let records = all(&director.get(&counted).await.1);
    assert_eq!(queued, waiting_before);
    assert_eq!(total(&director.get(&queue).await.1), queued);

    // A record of their own: waiting at once.
    let (s, r) = teacher
        .post(
            &format!("/api/v1/teachers/{me}/evidence"),
            serde_json::json!({"kind": "lecture", "date": "2026-11-20", "title": "复习课怎么上", "level": "school", "details": {"audience": "青年教师"}}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    let (_, v) = teacher.get("/api/v1/dashboard").await;
    assert_eq!(
        own(&v)["records_waiting"].as_u64(),
        before["records_waiting"].as_u64().map(|n| n + 1)
    );
    assert!(
        own(&v)["open_records"]
            .as_array()
            .expect("open records")
            .iter()
            .any(|r| r["title"] == "复习课怎么上"),
        "{v}"
    );

    assert_eq!(
        pending(&director.get("/api/v1/dashboard").await.1),
        waiting_before + 1
    );
    assert_eq!(total(&director.get(&queue).await.1), queued + 1);
    assert_eq!(all(&director.get(&counted).await.1), records + 1);

    // Verified by the director: counted as verified.
    let (s, r) = director
        .post("/api/v1/evidence/verify", serde_json::json!({"ids": [r["id"]]}))
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let (_, v) = teacher.get("/api/v1/dashboard").await;
    assert_eq!(own(&v)["records_waiting"], before["records_waiting"]);
    assert_eq!(
        pending(&director.get("/api/v1/dashboard").await.1),
        waiting_before
    );
    assert_eq!(total(&director.get(&queue).await.1), queued);
    assert_eq!(
        own(&v)["records_verified"].as_u64(),
        before["records_verified"].as_u64().map(|n| n + 1)
    );

    // The kindergarten's director pairs them with an apprentice of the
    // kindergarten: the mentor's home (another school) shows the pair.
    let kg = crate::evidence::Api::new(&app, "kgdirector").await;
    let (_, staff) = kg.get("/api/v1/teachers?per_page=5").await;
    let apprentice = &staff["items"][1];
    let (s, r) = kg
        .post(
            "/api/v1/mentoring/pairs",
            serde_json::json!({"mentor_teacher_id": me, "apprentice_teacher_ids": [apprentice["id"]], "kind": "one_on_one",
                               "starts_on": "2026-11-01", "ends_on": "2027-07-15", "under_way": true}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    let (_, v) = teacher.get("/api/v1/dashboard").await;
    let after = own(&v);
    let names: Vec<&str> = after["apprentices"]
        .as_array()
        .expect("apprentices")
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    assert!(names.contains(&apprentice["name"].as_str().unwrap_or("?")), "{v}");
}
both_dbs!(a_teachers_home_follows_every_change);
