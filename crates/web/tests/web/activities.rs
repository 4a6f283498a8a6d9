//! Training activities over the API: creating (and every problem named),
//! registration with the waitlist and its promotion, signing in with the
//! rotating QR token and the typed code (window, rotation, replay, forgery,
//! strangers), check-off, leave, feedback gating and attendee-only
//! feedback, credit entries in the ledger, and one entry for a training
//! that arrives by import and by attendance.

use crate::both_dbs;
use crate::evidence::Api;
use crate::helpers::TestApp;
use chrono::{Duration, NaiveDateTime, NaiveTime, Timelike, Utc};
use lingyan_domain::activities::attendance::{CODE_SLOT_SECS, QR_SLOT_SECS, qr_token, slot_of, typed_code};
use reqwest::StatusCode;
use serde_json::{Value, json};

fn china_now() -> NaiveDateTime {
    (Utc::now() + Duration::hours(8)).naive_utc()
}

/// A session running now (from `start_offset` minutes from now, for two
/// hours), kept within today.
fn session_now(start_offset: i64) -> Value {
    let now = china_now();
    let day = now.date();
    let start = (now + Duration::minutes(start_offset)).max(day.and_hms_opt(0, 0, 0).unwrap());
    let start = if start.date() != day {
        day.and_hms_opt(23, 0, 0).unwrap()
    } else {
        start
    };
    let end = (start + Duration::minutes(120)).min(day.and_hms_opt(23, 59, 0).unwrap());
    let hm = |t: NaiveTime| format!("{:02}:{:02}", t.hour(), t.minute());
    json!({"date": day, "start": hm(start.time()), "end": hm(end.time()), "place": "三楼会议室"})
}

fn plan(title: &str, sessions: Value) -> Value {
    json!({
        "title": title,
        "kind": "teaching_research",
        "level": "school",
        "form": "school_based",
        "area": "method",
        "sessions": sessions,
    })
}

async fn teacher_id(api: &Api) -> i64 {
    let (_, v) = api.get("/api/v1/me/credits").await;
    v["teacher_id"].as_i64().unwrap_or_else(|| panic!("{v}"))
}

async fn key(app: &TestApp) -> Vec<u8> {
    lingyan_store::secrets::get_or_create(&app.store, "activity_signin")
        .await
        .unwrap()
}

fn message(v: &Value) -> String {
    v["error"]["message"].as_str().unwrap_or_default().to_string()
}

async fn activities_registration_and_waitlist(app: TestApp) {
    let school = app.school_id("GFSY").await;
    let director = Api::new(&app, "director").await;
    let teacher = Api::new(&app, "teacher").await;
    let mentor = Api::new(&app, "mentor").await;
    let leader = Api::new(&app, "leader").await;
    let stranger = Api::new(&app, "kgdirector").await;
    let url = format!("/api/v1/schools/{school}/activities");

    // Every problem of a plan is named, nothing written.
    let mut bad = plan(
        "",
        json!([{"date": "2027-03-02", "start": "16:00", "end": "14:00"}]),
    );
    bad["capacity"] = json!(0);
    bad["kind"] = json!("staff_meeting");
    bad["credits_per_session"] = json!(2);
    let (s, v) = director.post(&url, bad).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let fields: Vec<&str> = v["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    for want in ["required", "out_of_range", "never_training", "before_start"] {
        assert!(fields.contains(&want), "{want} in {v}");
    }
    assert!(message(&v).contains("Session 1: End: is before the start"), "{v}");
    // A teacher may not organise; unknown fields are refused.
    let (s, _) = teacher
        .post(
            &url,
            plan(
                "x",
                json!([{"date": "2027-03-02", "start": "14:00", "end": "16:00"}]),
            ),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let mut odd = plan(
        "x",
        json!([{"date": "2027-03-02", "start": "14:00", "end": "16:00"}]),
    );
    odd["colour"] = json!("red");
    assert_eq!(director.post(&url, odd).await.0, StatusCode::BAD_REQUEST);

    // A weekly series with one place, created once.
    let mut p = plan(
        "周二教研活动",
        json!([{"date": "2027-03-02", "start": "14:00", "end": "16:00", "place": "三楼会议室"}]),
    );
    p["repeat_weekly_until"] = json!("2027-03-23");
    p["capacity"] = json!(1);
    let (s, a) = director.post(&url, p).await;
    assert_eq!(s, StatusCode::CREATED, "{a}");
    let id = a["id"].as_i64().unwrap();
    assert_eq!(a["sessions"].as_array().unwrap().len(), 4);
    assert_eq!(a["sessions"][3]["date"], "2027-03-23");
    assert_eq!(a["sessions"][0]["hours"], 2.0);
    assert_eq!(a["plan"]["organiser"], "广府实验小学");

    // The calendar of March shows four sessions; of April none.
    let (_, cal) = teacher.get(&format!("{url}?from=2027-03-01&to=2027-03-31")).await;
    let ours: Vec<&Value> = cal
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["activity_id"] == id)
        .collect();
    assert_eq!(ours.len(), 4, "{cal}");
    assert_eq!(
        (ours[1]["nth"].as_i64(), ours[1]["of"].as_i64()),
        (Some(2), Some(4))
    );
    let (_, cal) = teacher.get(&format!("{url}?from=2027-04-01&to=2027-04-30")).await;
    assert!(cal.as_array().unwrap().iter().all(|c| c["activity_id"] != id));

    // The first to register gets the place; the next two wait in line.
    let reg = format!("/api/v1/activities/{id}/registration");
    let (s, v) = teacher.post(&reg, json!({})).await;
    assert_eq!(
        (s, v["status"].as_str()),
        (StatusCode::OK, Some("registered")),
        "{v}"
    );
    let (s, v) = mentor.post(&reg, json!({})).await;
    assert_eq!(
        (s, v["status"].as_str(), v["position"].as_i64()),
        (StatusCode::OK, Some("waitlisted"), Some(1))
    );
    let (_, v) = leader.post(&reg, json!({})).await;
    assert_eq!(v["position"], 2);
    let (s, v) = teacher.post(&reg, json!({})).await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    // Another school's teacher does not see it at all.
    assert_eq!(stranger.post(&reg, json!({})).await.0, StatusCode::NOT_FOUND);
    assert_eq!(
        stranger.get(&format!("/api/v1/activities/{id}")).await.0,
        StatusCode::NOT_FOUND
    );

    // The teacher cancels: the mentor, first in line, gets the place and is told.
    let (s, v) = teacher.send(reqwest::Method::DELETE, &reg, None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let mentor_id = teacher_id(&mentor).await;
    assert_eq!(v["promoted_teacher_id"], mentor_id);
    let (_, n) = mentor.get("/api/v1/me/notices").await;
    assert_eq!(n[0]["kind"], "waitlist_promoted", "{n}");
    assert_eq!(n[0]["activity_title"], "周二教研活动");
    let (s, _) = mentor
        .post(&format!("/api/v1/me/notices/{}/read", n[0]["id"]), json!({}))
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    assert_eq!(mentor.get("/api/v1/me/notices").await.1, json!([]));
    let (_, a) = leader.get(&format!("/api/v1/activities/{id}")).await;
    assert_eq!(
        (a["registered"].as_i64(), a["waitlisted"].as_i64()),
        (Some(1), Some(1))
    );
    assert_eq!(a["my_place"]["position"], 1);
    let (_, parts) = director
        .get(&format!("/api/v1/activities/{id}/participants"))
        .await;
    assert_eq!(parts[0]["name"], "李秀英", "{parts}");
    assert_eq!(parts[1]["status"], "waitlisted");
    assert_eq!(
        teacher
            .get(&format!("/api/v1/activities/{id}/participants"))
            .await
            .0,
        StatusCode::FORBIDDEN
    );

    // Named participants only: registering oneself is refused, the organiser assigns.
    let mut named = plan(
        "读书沙龙",
        json!([{"date": "2027-04-06", "start": "15:00", "end": "16:30"}]),
    );
    named["kind"] = json!("reading_salon");
    named["audience"] = json!({"kind": "named"});
    let (_, b) = director.post(&url, named).await;
    let bid = b["id"].as_i64().unwrap();
    let (s, v) = teacher
        .post(&format!("/api/v1/activities/{bid}/registration"), json!({}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(message(&v).contains("not for you"), "{v}");
    let me = teacher_id(&teacher).await;
    let (s, v) = director
        .post(
            &format!("/api/v1/activities/{bid}/participants"),
            json!({"teacher_ids": [me, 999999]}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (s, v) = director
        .post(
            &format!("/api/v1/activities/{bid}/participants"),
            json!({"teacher_ids": [me]}),
        )
        .await;
    assert_eq!((s, v["added"].as_i64()), (StatusCode::OK, Some(1)));
    let (_, mine) = teacher.get("/api/v1/me/activities?from=2027-01-01").await;
    assert!(
        mine.as_array()
            .unwrap()
            .iter()
            .any(|m| m["activity_id"] == bid && m["assigned"] == true),
        "{mine}"
    );

    // Editing: sessions matched by day; deleting an activity nobody attended.
    let (_, cur) = director.get(&format!("/api/v1/activities/{bid}")).await;
    let mut p = cur["plan"].clone();
    p["sessions"][0]["place"] = json!("图书馆");
    p["sessions"]
        .as_array_mut()
        .unwrap()
        .push(json!({"date": "2027-04-13", "start": "15:00", "end": "16:30", "place": "图书馆"}));
    let (s, v) = director.put(&format!("/api/v1/activities/{bid}"), p).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["sessions"].as_array().unwrap().len(), 2);
    assert_eq!(v["sessions"][0]["place"], "图书馆");
    assert_eq!(
        director
            .send(
                reqwest::Method::DELETE,
                &format!("/api/v1/activities/{bid}"),
                None
            )
            .await
            .0,
        StatusCode::NO_CONTENT
    );
}

both_dbs!(activities_registration_and_waitlist);

async fn sign_in_by_qr_and_code(app: TestApp) {
    let school = app.school_id("GFSY").await;
    let director = Api::new(&app, "director").await;
    let teacher = Api::new(&app, "teacher").await;
    let mentor = Api::new(&app, "mentor").await;
    let leader = Api::new(&app, "leader").await;
    let url = format!("/api/v1/schools/{school}/activities");
    let mut p = plan("专家讲座：大单元教学", json!([session_now(-30)]));
    p["kind"] = json!("expert_lecture");
    p["sign_out"] = json!(true);
    let (s, a) = director.post(&url, p).await;
    assert_eq!(s, StatusCode::CREATED, "{a}");
    let id = a["id"].as_i64().unwrap();
    let sid = a["sessions"][0]["id"].as_i64().unwrap();
    for api in [&teacher, &leader] {
        let (s, v) = api
            .post(&format!("/api/v1/activities/{id}/registration"), json!({}))
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
    }

    // The organiser's screen: a token in the QR code and a typed code.
    let (s, screen) = director.get(&format!("/api/v1/sessions/{sid}/screen")).await;
    assert_eq!(s, StatusCode::OK, "{screen}");
    assert!(screen["open"].as_bool().unwrap());
    assert_eq!(screen["code"].as_str().unwrap().len(), 6);
    assert!(screen["sign_in_url"].as_str().unwrap().starts_with("/sign-in?t="));
    assert_eq!(screen["sheet"]["expected"], 2);
    assert_eq!(
        teacher.get(&format!("/api/v1/sessions/{sid}/screen")).await.0,
        StatusCode::FORBIDDEN
    );

    // Replayed (an old token), forged, another's: each refused with its reason.
    let k = key(&app).await;
    let now = Utc::now().timestamp();
    let old = qr_token(&k, sid, slot_of(now, QR_SLOT_SECS) - 3);
    let (s, v) = teacher.post("/api/v1/sign-in", json!({"token": old})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(message(&v).contains("expired"), "{v}");
    let forged = qr_token(b"not the key", sid, slot_of(now, QR_SLOT_SECS));
    let (_, v) = teacher.post("/api/v1/sign-in", json!({"token": forged})).await;
    assert!(message(&v).contains("not a sign-in code"), "{v}");
    let tok = screen["token"].as_str().unwrap();
    let (s, v) = mentor.post("/api/v1/sign-in", json!({"token": tok})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(message(&v).contains("not registered"), "{v}");
    let stranger = Api::new(&app, "kgdirector").await;
    let (_, v) = stranger.post("/api/v1/sign-in", json!({"token": tok})).await;
    assert!(message(&v).contains("not registered"), "{v}");

    // The teacher scans: signed in (late: the session began half an hour ago); twice is refused.
    let fresh = qr_token(&k, sid, slot_of(Utc::now().timestamp(), QR_SLOT_SECS));
    let (s, v) = teacher.post("/api/v1/sign-in", json!({"token": fresh})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        (v["session_id"].as_i64(), v["direction"].as_str()),
        (Some(sid), Some("in"))
    );
    assert!(["late", "present"].contains(&v["status"].as_str().unwrap()));
    let (s, v) = teacher.post("/api/v1/sign-in", json!({"token": fresh})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(message(&v).contains("already signed in"), "{v}");
    // Chinese for a teacher whose browser asks for it.
    let zh = teacher
        .http
        .post(format!("{}/api/v1/sign-in", app.addr))
        .bearer_auth(&teacher.token)
        .header("accept-language", "zh-CN")
        .json(&json!({"token": fresh}))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(zh.contains("您已签到"), "{zh}");

    // The group leader types the code instead (no session named: theirs open now).
    let code = typed_code(&k, sid, slot_of(Utc::now().timestamp(), CODE_SLOT_SECS));
    let (s, v) = leader.post("/api/v1/sign-in", json!({"code": "000000x"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (s, v) = leader.post("/api/v1/sign-in", json!({"code": code})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    // Signing out without having signed in; then the teacher signs out.
    let (_, v) = mentor
        .post(
            "/api/v1/sign-in",
            json!({"code": code, "session_id": sid, "direction": "out"}),
        )
        .await;
    assert!(message(&v).contains("not registered"), "{v}");
    let (s, v) = teacher
        .post(
            "/api/v1/sign-in",
            json!({"code": code, "session_id": sid, "direction": "out"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (_, v) = teacher
        .post(
            "/api/v1/sign-in",
            json!({"code": code, "session_id": sid, "direction": "out"}),
        )
        .await;
    assert!(message(&v).contains("already signed out"), "{v}");

    // The list filled: two signed in, by QR and by code.
    let (_, sheet) = director.get(&format!("/api/v1/sessions/{sid}/attendance")).await;
    assert_eq!(sheet["signed_in"], 2, "{sheet}");
    let methods: Vec<&str> = sheet["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["method"].as_str().unwrap())
        .collect();
    assert_eq!(methods, ["qr", "code"]);
    // The leader has not signed out: no credit yet; the teacher's counts.
    let leader_row = sheet["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "王丽华")
        .unwrap();
    assert_eq!(leader_row["withheld"], "no_sign_out");

    // Outside the window: a session next week.
    let mut later = plan(
        "下周教研",
        json!([{"date": (china_now() + Duration::days(7)).date(), "start": "14:00", "end": "16:00"}]),
    );
    later["sign_out"] = json!(false);
    let (_, b) = director.post(&url, later).await;
    let bid = b["id"].as_i64().unwrap();
    let bsid = b["sessions"][0]["id"].as_i64().unwrap();
    teacher
        .post(&format!("/api/v1/activities/{bid}/registration"), json!({}))
        .await;
    let t2 = qr_token(&k, bsid, slot_of(Utc::now().timestamp(), QR_SLOT_SECS));
    let (s, v) = teacher.post("/api/v1/sign-in", json!({"token": t2})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(message(&v).contains("only from shortly before"), "{v}");
    // The token names its session: on the page of another it is refused.
    let me = teacher_id(&teacher).await;
    let (_, t) = teacher.get(&format!("/api/v1/teachers/{me}/credits")).await;
    let titles: Vec<&str> = t["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["title"].as_str().unwrap())
        .collect();
    assert!(titles.contains(&"专家讲座：大单元教学"), "{t}");
}

both_dbs!(sign_in_by_qr_and_code);

async fn check_off_leave_feedback_and_credit(app: TestApp) {
    let school = app.school_id("GFSY").await;
    let director = Api::new(&app, "director").await;
    let teacher = Api::new(&app, "teacher").await;
    let mentor = Api::new(&app, "mentor").await;
    let leader = Api::new(&app, "leader").await;
    let url = format!("/api/v1/schools/{school}/activities");
    let mut p = plan(
        "集体备课：三年级数学",
        json!([session_now(-30), {"date": (china_now() + Duration::days(7)).date(), "start": "14:00", "end": "16:00"}]),
    );
    p["kind"] = json!("lesson_prep");
    p["feedback_required"] = json!(true);
    let (_, a) = director.post(&url, p).await;
    let id = a["id"].as_i64().unwrap();
    let sid = a["sessions"][0]["id"].as_i64().unwrap();
    let next = a["sessions"][1]["id"].as_i64().unwrap();
    for api in [&teacher, &mentor, &leader] {
        api.post(&format!("/api/v1/activities/{id}/registration"), json!({}))
            .await;
    }
    let (me, mentor_id, leader_id) = (
        teacher_id(&teacher).await,
        teacher_id(&mentor).await,
        teacher_id(&leader).await,
    );

    // Feedback only from those who attended.
    let fb = format!("/api/v1/sessions/{sid}/feedback");
    let (s, v) = teacher.post(&fb, json!({"rating": 5, "comment": "很实用"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(message(&v).contains("only those who attended"), "{v}");

    // Check-off: an unknown status or a stranger is named by row, nothing written.
    let att = format!("/api/v1/sessions/{sid}/attendance");
    let (s, v) = director
        .put(&att, json!({"marks": [{"teacher_id": me, "status": "出勤"}, {"teacher_id": mentor_id, "status": "睡觉"}]}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (s, v) = director
        .put(&att, json!({"marks": [{"teacher_id": me, "status": "present"}, {"teacher_id": 1, "status": "present"}]}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(message(&v).contains("row 2"), "{v}");
    let (_, sheet) = director.get(&att).await;
    assert_eq!(sheet["signed_in"], 0);
    let (s, sheet) = director
        .put(&att, json!({"marks": [{"teacher_id": me, "status": "出勤"}, {"teacher_id": mentor_id, "status": "absent"}]}))
        .await;
    assert_eq!(s, StatusCode::OK, "{sheet}");
    assert_eq!(sheet["signed_in"], 1);
    assert_eq!(
        teacher.put(&att, json!({"marks": []})).await.0,
        StatusCode::FORBIDDEN
    );

    // Present, but feedback is asked before credit.
    let entries = |v: &Value| -> Vec<String> {
        v["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["title"].as_str().unwrap().to_string())
            .collect()
    };
    let (_, t) = teacher.get("/api/v1/me/credits").await;
    assert!(!entries(&t).contains(&"集体备课：三年级数学".to_string()), "{t}");
    let (_, mine) = teacher.get("/api/v1/me/activities").await;
    let m = mine
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["activity_id"] == id)
        .unwrap();
    assert_eq!(m["sessions"][0]["withheld"], "no_feedback", "{m}");
    let (s, v) = teacher.post(&fb, json!({"rating": 6})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (s, v) = teacher.post(&fb, json!({"rating": 5, "comment": "很实用"})).await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{v}");
    assert_eq!(
        teacher.post(&fb, json!({"rating": 4})).await.0,
        StatusCode::CONFLICT
    );
    let (_, t) = teacher.get("/api/v1/me/credits").await;
    let e = t["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["title"] == "集体备课：三年级数学")
        .unwrap_or_else(|| panic!("{t}"));
    assert_eq!(
        (e["source"].as_str(), e["hours"].as_f64()),
        (Some("activity"), Some(2.0)),
        "{e}"
    );
    // The mentor was absent: no feedback, no credit.
    assert_eq!(
        mentor.post(&fb, json!({"rating": 3})).await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let (_, summary) = director.get(&format!("/api/v1/activities/{id}/feedback")).await;
    assert_eq!(
        (summary["count"].as_i64(), summary["average"].as_f64()),
        (Some(1), Some(5.0)),
        "{summary}"
    );
    assert_eq!(summary["comments"][0]["comment"], "很实用");
    // Marked absent afterwards, the credit goes again; present again, back.
    director
        .put(&att, json!({"marks": [{"teacher_id": me, "status": "absent"}]}))
        .await;
    let (_, t) = teacher.get("/api/v1/me/credits").await;
    assert!(!entries(&t).contains(&"集体备课：三年级数学".to_string()), "{t}");
    director
        .put(&att, json!({"marks": [{"teacher_id": me, "status": "late"}]}))
        .await;
    let (_, t) = teacher.get("/api/v1/me/credits").await;
    assert!(entries(&t).contains(&"集体备课：三年级数学".to_string()), "{t}");

    // Leave: asked with a reason for next week, decided, told.
    let leave = format!("/api/v1/sessions/{next}/leave");
    let (s, v) = leader.post(&leave, json!({"reason": " "})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(
        leader.post(&leave, json!({"reason": "外出参加市级教研"})).await.0,
        StatusCode::NO_CONTENT
    );
    let (_, sheet) = director.get(&format!("/api/v1/sessions/{next}/attendance")).await;
    let row = sheet["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["teacher_id"] == leader_id)
        .unwrap();
    assert_eq!(
        (row["leave_state"].as_str(), row["leave_reason"].as_str()),
        (Some("requested"), Some("外出参加市级教研"))
    );
    // A group leader organises too, but does not approve their own leave.
    assert_eq!(
        leader
            .post(
                &format!("/api/v1/sessions/{next}/leave/{leader_id}"),
                json!({"approve": true})
            )
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        teacher
            .post(
                &format!("/api/v1/sessions/{next}/leave/{leader_id}"),
                json!({"approve": true})
            )
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    let (s, _) = director
        .post(
            &format!("/api/v1/sessions/{next}/leave/{leader_id}"),
            json!({"approve": true}),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (_, sheet) = director.get(&format!("/api/v1/sessions/{next}/attendance")).await;
    assert_eq!(sheet["leave"], 1, "{sheet}");
    let (_, n) = leader.get("/api/v1/me/notices").await;
    assert_eq!(n[0]["kind"], "leave_approved", "{n}");

    // With attendance recorded, the activity cannot be deleted, nor that session removed.
    let (s, v) = director
        .send(reqwest::Method::DELETE, &format!("/api/v1/activities/{id}"), None)
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    let (_, cur) = director.get(&format!("/api/v1/activities/{id}")).await;
    let mut p = cur["plan"].clone();
    p["sessions"].as_array_mut().unwrap().remove(0);
    let (s, v) = director.put(&format!("/api/v1/activities/{id}"), p).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(message(&v).contains("cannot be removed"), "{v}");
}

both_dbs!(check_off_leave_feedback_and_credit);

/// The organiser names the teacher and marks them present at the first
/// session; the session's list after.
async fn present(director: &Api, a: &Value, teacher: i64) -> Value {
    let (s, v) = director
        .post(
            &format!("/api/v1/activities/{}/participants", a["id"]),
            json!({"teacher_ids": [teacher]}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, sheet) = director
        .put(
            &format!("/api/v1/sessions/{}/attendance", a["sessions"][0]["id"]),
            json!({"marks": [{"teacher_id": teacher, "status": "present"}]}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{sheet}");
    sheet
}

async fn non_training_never_credits_and_no_double_count(app: TestApp) {
    let school = app.school_id("GFSY").await;
    let district = lingyan_store::districts::find_by_code(&app.store, "GF")
        .await
        .unwrap()
        .unwrap()
        .id;
    let director = Api::new(&app, "director").await;
    let admin = Api::new(&app, "district").await;
    let teacher = Api::new(&app, "teacher").await;
    let url = format!("/api/v1/schools/{school}/activities");
    let me = teacher_id(&teacher).await;
    // The activities' entries (the demo pair's mentoring hours aside).
    let titles = |v: &Value| -> Vec<(String, String)> {
        v["entries"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["source"] != "mentoring")
            .map(|e| {
                (
                    e["title"].as_str().unwrap().to_string(),
                    e["source"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };

    // A staff meeting called "training" earns nothing, however attended.
    for (kind, title) in [
        ("staff_meeting", "教师培训会"),
        ("political_study", "师德培训"),
        ("meeting_training", "例会"),
    ] {
        let mut p = plan(title, json!([session_now(-30)]));
        p["kind"] = json!(kind);
        let (s, a) = director.post(&url, p).await;
        assert_eq!(s, StatusCode::CREATED, "{a}");
        let sheet = present(&director, &a, me).await;
        assert_eq!(sheet["rows"][0]["withheld"], "not_training", "{kind} {sheet}");
    }
    let (_, t) = teacher.get("/api/v1/me/credits").await;
    assert!(titles(&t).is_empty(), "{t}");

    // 以会代训 marked with its content counts.
    let mut p = plan("全体教师会（以会代训）", json!([session_now(-30)]));
    p["kind"] = json!("meeting_training");
    p["marked_training"] = json!(true);
    let (s, v) = director.post(&url, p.clone()).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    p["training_content"] = json!("学习《新时代中小学教师职业行为十项准则》并研讨");
    let (_, a) = director.post(&url, p).await;
    present(&director, &a, me).await;
    let (_, t) = teacher.get("/api/v1/me/credits").await;
    assert_eq!(
        titles(&t),
        [("全体教师会（以会代训）".to_string(), "activity".to_string())],
        "{t}"
    );

    // A training already imported by the district is not counted again when attended.
    let day = china_now().date();
    let year = chrono::Datelike::year(&day);
    let csv = format!(
        "工号,身份证号,姓名,培训年度,培训类别,培训项目名称,培训机构名称,培训方式,培训获得学时,培训获得学分,培训开始日期,培训结束日期\n\
         GF0005,,,{year},60,校本研修：作业设计,光复实验小学,2,2,2,{day},{day}\n"
    );
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
            csv.into_bytes(),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let (_, a) = director
        .post(&url, plan("校本研修：作业设计", json!([session_now(-30)])))
        .await;
    present(&director, &a, me).await;
    let (_, t) = teacher.get("/api/v1/me/credits").await;
    let same: Vec<_> = titles(&t)
        .into_iter()
        .filter(|(t, _)| t == "校本研修：作业设计")
        .collect();
    assert_eq!(
        same,
        [("校本研修：作业设计".to_string(), "import".to_string())],
        "{t}"
    );
}

both_dbs!(non_training_never_credits_and_no_double_count, without_duties);

/// The pages: a director creates an activity with the form (a refused form
/// says why, in Chinese, and keeps what was typed), the calendar and the
/// activity's page show it, the sign-in screen shows a QR code and a code,
/// the teacher registers and signs in by typing the code on a phone, the
/// list is checked off, and feedback is given.
async fn activity_pages(app: TestApp) {
    let school = app.school_id("GFSY").await;
    let director = app
        .login_with(app.client_with_lang(Some("zh-CN")), "director")
        .await;
    let teacher = app
        .login_with(app.client_with_lang(Some("zh-CN")), "teacher")
        .await;
    let new = format!("/schools/{school}/activities/new");
    let (s, body) = director.get_text(&new).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert!(body.contains("新建活动") && body.contains("每周重复至"), "{body}");

    let s0 = session_now(-10);
    let (date, start, end) = (
        s0["date"].as_str().unwrap().to_string(),
        s0["start"].as_str().unwrap().to_string(),
        s0["end"].as_str().unwrap().to_string(),
    );
    let mut fields = vec![
        ("activity_title", "页面教研"),
        ("kind", "teaching_research"),
        ("level", "school"),
        ("form", "school_based"),
        ("audience", "all"),
        ("feedback_required", "on"),
        ("grace", "15"),
        ("date", date.as_str()),
        ("start", end.as_str()),
        ("end", start.as_str()),
        ("place", "三楼会议室"),
        ("date", ""),
        ("start", ""),
        ("end", ""),
        ("place", ""),
    ];
    let r = director.post_form(&new, &new, &fields).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = r.text().await.unwrap();
    assert!(body.contains("第 1 场"), "{body}");
    assert!(body.contains("页面教研"), "typed title kept: {body}");
    fields[8] = ("start", start.as_str());
    fields[9] = ("end", end.as_str());
    let r = director.post_form(&new, &new, &fields).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let at = r.headers()["location"].to_str().unwrap().to_string();
    let id: i64 = at.trim_start_matches("/activities/").parse().unwrap();

    // The calendar of this month and this week show it.
    let (_, cal) = director.get_text(&format!("/schools/{school}/activities")).await;
    assert!(
        cal.contains("页面教研") && cal.contains("activity-calendar"),
        "{cal}"
    );
    // The district's calendar says whose activity it is.
    let district = lingyan_store::districts::find_by_code(&app.store, "GF")
        .await
        .unwrap()
        .unwrap()
        .id;
    let admin = app
        .login_with(app.client_with_lang(Some("zh-CN")), "district")
        .await;
    let (_, dcal) = admin.get_text(&format!("/districts/{district}/activities")).await;
    assert!(
        dcal.contains("页面教研") && dcal.contains("广府实验小学 三楼会议室"),
        "{dcal}"
    );
    let (_, wk) = director
        .get_text(&format!("/schools/{school}/activities?view=week"))
        .await;
    assert!(wk.contains("页面教研"), "{wk}");
    // The teacher registers on the activity's page.
    let (_, page) = teacher.get_text(&at).await;
    assert!(page.contains("报名"), "{page}");
    let r = teacher.post_form(&at, &format!("{at}/register"), &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = teacher.get_text(&at).await;
    assert!(page.contains("您已报名"), "{page}");

    // The organiser's screen: a QR code (SVG) and the six-digit code.
    let (_, a) = Api::new(&app, "director")
        .await
        .get(&format!("/api/v1/activities/{id}"))
        .await;
    let sid = a["sessions"][0]["id"].as_i64().unwrap();
    let (s, screen) = director.get_text(&format!("/sessions/{sid}/screen")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        screen.contains("<svg") && screen.contains("typed-code"),
        "{screen}"
    );
    let (s, _) = teacher.get_text(&format!("/sessions/{sid}/screen")).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (_, live) = director.get_text(&format!("/sessions/{sid}/screen/live")).await;
    assert!(live.contains("应到 1 人，实到 0 人"), "{live}");

    // The teacher's page offers signing in; a wrong code is refused in Chinese.
    let (_, mine) = teacher.get_text("/activities").await;
    assert!(
        mine.contains("sign-in-now") && mine.contains("页面教研"),
        "{mine}"
    );
    let sid_s = sid.to_string();
    let r = teacher
        .post_form(
            "/activities",
            "/sign-in",
            &[("code", "000000"), ("session", &sid_s), ("direction", "in")],
        )
        .await;
    let body = r.text().await.unwrap();
    assert!(
        body.contains("不是本系统的签到码") || body.contains("已过期"),
        "{body}"
    );
    let k = key(&app).await;
    let code = typed_code(&k, sid, slot_of(Utc::now().timestamp(), CODE_SLOT_SECS));
    let r = teacher
        .post_form(
            "/activities",
            "/sign-in",
            &[("code", &code), ("session", &sid_s), ("direction", "in")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let body = r.text().await.unwrap();
    assert!(body.contains("已签到"), "{body}");
    // A scanned token opens a page that asks one tap.
    let tok = qr_token(&k, sid, slot_of(Utc::now().timestamp(), QR_SLOT_SECS));
    let (_, confirm) = teacher.get_text(&format!("/sign-in?t={tok}")).await;
    assert!(confirm.contains("token-form"), "{confirm}");
    let (_, live) = director.get_text(&format!("/sessions/{sid}/screen/live")).await;
    assert!(live.contains("实到 1 人") && live.contains("张晓雨"), "{live}");

    // Check-off: the list, saved; then feedback from the teacher.
    let sheet = format!("/sessions/{sid}/attendance");
    let (_, list) = director.get_text(&sheet).await;
    assert!(
        list.contains("张晓雨") && list.contains("尚未计分：请先评价"),
        "{list}"
    );
    let me = teacher_id(&Api::new(&app, "teacher").await).await.to_string();
    let r = director
        .post_form(&sheet, &sheet, &[("teacher", &me), ("status", "late")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let fb = format!("/sessions/{sid}/feedback");
    let (s, form) = teacher.get_text(&fb).await;
    assert_eq!(s, StatusCode::OK);
    assert!(form.contains("非常有收获"), "{form}");
    let r = teacher.post_form(&fb, &fb, &[("rating", "9")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = teacher
        .post_form(&fb, &fb, &[("rating", "5"), ("comment", "收获很大")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, list) = director.get_text(&sheet).await;
    assert!(list.contains("已计学分"), "{list}");
    let (_, page) = director.get_text(&at).await;
    assert!(
        page.contains("收获很大") && page.contains("共 1 条评价"),
        "{page}"
    );
}

both_dbs!(activity_pages);

/// An attendance sheet: every problem named by row and column and nothing
/// written; a dry run writes nothing; the import records attendance, adds
/// teachers not yet registered, and their credit follows.
async fn attendance_sheet_import(app: TestApp) {
    let school = app.school_id("GFSY").await;
    let director = Api::new(&app, "director").await;
    let teacher = Api::new(&app, "teacher").await;
    let mut p = plan(
        "读书沙龙：《给教师的建议》",
        json!([
            {"date": "2026-11-03", "start": "15:00", "end": "16:30"},
            {"date": "2026-11-10", "start": "15:00", "end": "16:30"}
        ]),
    );
    p["kind"] = json!("reading_salon");
    let (s, a) = director
        .post(&format!("/api/v1/schools/{school}/activities"), p)
        .await;
    assert_eq!(s, StatusCode::CREATED, "{a}");
    let id = a["id"].as_i64().unwrap();
    let url = format!("/api/v1/activities/{id}/attendance-import");
    let bad = "工号,姓名,日期,考勤,签到时间\n\
               GF0005,,2026-11-03,出勤,14:58\n\
               GF9999,,2026-11-03,出勤,\n\
               ,张晓雨,2026-11-04,出勤,\n\
               GF0004,,2026-11-10,睡觉,\n\
               GF0005,,2026-11-03,迟到,\n\
               YG0001,,2026-11-03,出勤,\n\
               GF0003,,2026-11-10,出勤,25:00\n";
    let (s, r) = director.upload(&url, "bad.csv", bad.as_bytes().to_vec()).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{r}");
    let got = crate::helpers::row_codes(&r);
    let want: Vec<(i64, String, String)> = [
        (3, "工号", "unknown_staff_no"),
        (4, "日期", "no_session_that_day"),
        (5, "考勤", "unknown_attendance_status"),
        (6, "姓名", "repeats_teacher_session"),
        (7, "姓名", "not_of_this_school"),
        (8, "签到时间", "invalid"),
    ]
    .into_iter()
    .map(|(r, c, e)| (r, c.to_string(), e.to_string()))
    .collect();
    assert_eq!(got, want, "{r}");
    assert!(!r["written"].as_bool().unwrap());
    let (_, sheet) = director
        .get(&format!("/api/v1/sessions/{}/attendance", a["sessions"][0]["id"]))
        .await;
    assert_eq!(sheet["expected"], 0, "nothing written: {sheet}");
    // A teacher of another school may not import at all.
    let kg = Api::new(&app, "kgdirector").await;
    assert_eq!(
        kg.upload(&url, "a.csv", b"x".to_vec()).await.0,
        StatusCode::NOT_FOUND
    );

    let good = "工号,姓名,日期,考勤,签到时间\n\
                GF0005,,2026-11-03,出勤,14:58\n\
                ,李秀英,2026/11/03,请假,\n\
                GF0005,,2026-11-10,迟到,15:12\n";
    let (s, r) = director
        .upload(
            &format!("{url}?dry_run=true"),
            "good.csv",
            good.as_bytes().to_vec(),
        )
        .await;
    assert_eq!(
        (
            s,
            r["recorded"].as_i64(),
            r["added_participants"].as_i64(),
            r["written"].as_bool()
        ),
        (StatusCode::OK, Some(3), Some(2), Some(false)),
        "{r}"
    );
    let (s, r) = director.upload(&url, "good.csv", good.as_bytes().to_vec()).await;
    assert_eq!((s, r["written"].as_bool()), (StatusCode::OK, Some(true)), "{r}");
    let (_, sheet) = director
        .get(&format!("/api/v1/sessions/{}/attendance", a["sessions"][0]["id"]))
        .await;
    assert_eq!(
        (
            sheet["expected"].as_i64(),
            sheet["signed_in"].as_i64(),
            sheet["leave"].as_i64()
        ),
        (Some(2), Some(1), Some(1)),
        "{sheet}"
    );
    let row = sheet["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "张晓雨")
        .unwrap();
    assert_eq!(
        (row["method"].as_str(), row["status"].as_str()),
        (Some("import"), Some("present"))
    );
    let (_, t) = teacher.get("/api/v1/me/credits?as_of=2026-12-01").await;
    let n = t["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["title"] == "读书沙龙：《给教师的建议》")
        .count();
    assert_eq!(n, 2, "{t}");
}

both_dbs!(attendance_sheet_import);

/// A teacher's calendar feed: made through the API or the page, an
/// iCalendar file of their sessions at a secret address, replaced when
/// made again; nobody without a teacher record has one.
async fn calendar_feed(app: TestApp) {
    let teacher = Api::new(&app, "teacher").await;
    let (s, f) = teacher.post("/api/v1/me/calendar-feed", json!({})).await;
    assert_eq!(s, StatusCode::CREATED, "{f}");
    let url = f["url"].as_str().unwrap().to_string();
    let path = url
        .split_once("/calendar/")
        .map(|(_, p)| format!("/calendar/{p}"))
        .unwrap();
    assert!(path.ends_with(".ics"), "{url}");
    let anon = app.client_with_lang(Some("zh-CN"));
    let r = anon.get(&path).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/calendar")
    );
    let ics = r.text().await.unwrap();
    assert!(ics.starts_with("BEGIN:VCALENDAR"), "{ics}");
    // The demo's weekly teaching research of the Chinese group, in UTC.
    assert!(
        ics.contains("BEGIN:VEVENT") && ics.contains("SUMMARY:语文组周二教研"),
        "{ics}"
    );
    assert!(ics.contains("T060000Z"), "14:00 China time is 06:00 UTC: {ics}");
    assert!(ics.contains("UID:session-"), "{ics}");
    // A new address: the old one stops.
    let (_, f2) = teacher.post("/api/v1/me/calendar-feed", json!({})).await;
    let again = f2["url"].as_str().unwrap();
    assert_ne!(again, url);
    assert_eq!(anon.get(&path).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        anon.get("/calendar/nosuchsecret.ics").await.status(),
        StatusCode::NOT_FOUND
    );
    // The page: made there too, the address shown once.
    let page = app.login_as("teacher").await;
    let (_, html) = page.get_text("/activities").await;
    assert!(html.contains("id=\"calendar-feed\""), "{html}");
    let r = page
        .post_form("/activities", "/activities/calendar-feed", &[])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = page.get_text("/activities").await;
    assert!(html.contains("/calendar/") && html.contains(".ics"), "{html}");
    // No teacher record, no feed.
    let district = Api::new(&app, "district").await;
    let (s, _) = district.post("/api/v1/me/calendar-feed", json!({})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

both_dbs!(calendar_feed);

/// Trainings attended through activities count for a duty that counts
/// training hours, and the drill-down names them; a staff meeting does not.
async fn attended_training_counts_for_duties(app: TestApp) {
    let school = app.school_id("GFSY").await;
    let director = Api::new(&app, "director").await;
    let rules = json!([{"code": "train_hours", "name_zh": "每学期参加培训 4 学时", "name_en": "Four hours of training a semester",
        "kinds": ["training"], "measure": "hours", "count": 4, "period": "semester"}]);
    let (s, v) = director
        .put(
            &format!("/api/v1/schools/{school}/duty-set"),
            json!({"year": 2026, "rules": rules, "effective_from": "2026-09-01"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let teacher = crate::evidence::teacher(&app, "GF0005").await;
    let (s, d) = director.get(&format!("/api/v1/teachers/{teacher}/duties")).await;
    assert_eq!(s, StatusCode::OK, "{d}");
    let r = &d["teacher"]["results"][0];
    // The demo's weekly teaching research: two hours a session attended.
    let done = r["done"].as_f64().unwrap();
    assert!(done >= 4.0, "{r}");
    assert_eq!(r["status"].as_str(), Some("done"), "{r}");
    let refs: Vec<i64> = r["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_i64().unwrap())
        .collect();
    assert!(
        refs.iter().any(|id| *id < 0),
        "attended sessions among the items: {r}"
    );
    // The drill-down names them and leads to the transcript.
    let page = app.login_as("director").await;
    let (_, html) = page.get_text(&format!("/teachers/{teacher}/duties")).await;
    assert!(
        html.contains("语文组周二教研") && html.contains(&format!("/teachers/{teacher}/credits")),
        "{html}"
    );
    // The portfolio lists them too.
    let (_, html) = page.get_text(&format!("/teachers/{teacher}/portfolio")).await;
    assert!(
        html.contains("id=\"attended-trainings\"") && html.contains("语文组周二教研"),
        "{html}"
    );
    // Every training attended through an activity in the period is one of
    // the items, by its ledger entry.
    let (_, t) = director.get(&format!("/api/v1/teachers/{teacher}/credits")).await;
    let (from, to) = (r["from"].as_str().unwrap(), r["to"].as_str().unwrap());
    let mut attended: Vec<i64> = t["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["source"].as_str() == Some("activity"))
        .filter(|e| {
            let d = e["start"].as_str().unwrap();
            d >= from && d <= to
        })
        .map(|e| -e["id"].as_i64().unwrap())
        .collect();
    let mut negative: Vec<i64> = refs.into_iter().filter(|id| *id < 0).collect();
    attended.sort();
    negative.sort();
    assert_eq!(negative, attended, "{r}");
}

both_dbs!(attended_training_counts_for_duties);
