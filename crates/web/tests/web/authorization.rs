//! The standing authorization test: every route the code serves — the
//! API from its OpenAPI document, the pages from their routers' source,
//! with the methods axum itself reports — is tried by every role of the
//! demo's own school, by the director of another school of the district,
//! by the director of another district, and by nobody signed in. What
//! each may do is written down as data in `authorization.txt`; a route
//! added without a line there, or a line whose route is gone, fails.
//!
//! Reads (GET) are tried by everyone: `Y` must answer, `N` must be refused
//! (401, 403, 404, or the sign-in page). Writes are tried only by those
//! marked `N`, with an empty body: they must be refused, never validated
//! (422) or carried out. What the allowed writers may do is the business
//! of each area's own tests.
//!
//! Run with `LINGYAN_AUTHZ_RECORD=path` to write what the code does now
//! into that file (to review, not to copy blindly).

use crate::both_dbs;
use crate::helpers::{PASSWORD, TestApp};
use lingyan_store::Scope;
use regex::Regex;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};

const EXPECTED: &str = include_str!("authorization.txt");

/// Who tries each route, in the order of the columns.
const ACTORS: [&str; 11] = [
    "anon",
    "teacher",
    "mentor",
    "leader",
    "director",
    "principal",
    "kgdirector",
    "xdirector",
    "inspector",
    "district",
    "sysadmin",
];

/// `/a/{id}/b` → `/a/{}/b`, without the query.
fn shape(path: &str) -> String {
    static P: std::sync::LazyLock<Regex> = std::sync::LazyLock::new(|| Regex::new(r"\{[^}]*\}").unwrap());
    P.replace_all(path.split('?').next().unwrap_or(path), "{}")
        .into_owned()
}

/// While recording: names a route's placeholders after what they stand
/// for (`/schools/{id}` → `/schools/{school}`).
fn name_placeholders(path: &str) -> String {
    let mut out = Vec::new();
    let mut prev = "";
    for seg in path.split('/') {
        let named = match (prev, seg) {
            // A rule-set version of the school's or the district's tiers or duties.
            (_, "{vid}" | "{version_id}") if path.contains("/mentoring") => {
                if path.contains("/schools/") {
                    "{schoolmentoring}"
                } else {
                    "{districtmentoring}"
                }
            }
            (_, "{vid}" | "{version_id}") if path.contains("/credit") => {
                if path.contains("/schools/") {
                    "{schoolcredits}"
                } else {
                    "{districtcredits}"
                }
            }
            (_, "{vid}" | "{version_id}") => match (path.contains("/schools/"), path.contains("/tiers/")) {
                (true, true) => "{schooltiers}",
                (true, false) => "{schoolduties}",
                (false, true) => "{districttiers}",
                (false, false) => "{districtduties}",
            },
            (_, "{grant_id}") => "{grant}",
            (_, "{teacher_id}" | "{teacher}") => "{teacher}",
            ("schools", "{id}") => "{school}",
            ("districts", "{id}") => "{district}",
            ("teachers", "{id}") => "{teacher}",
            ("evidence", "{id}") => "{evidence}",
            ("attachments", "{id}") => "{attachment}",
            ("groups", "{id}") => "{group}",
            ("leading-groups", "{id}") => "{leading}",
            ("honours", "{id}") => "{honour}",
            ("projects", "{id}") => "{project}",
            ("users", "{id}") => "{user}",
            ("pairs" | "mentoring", "{id}") => "{pair}",
            ("meetings", "{id}") => "{meeting}",
            ("cycles", "{id}") => "{cycle}",
            ("weeks", "{id}") => "{week}",
            ("studios", "{id}") => "{studio}",
            ("studio-activities", "{id}") => "{studioactivity}",
            ("tokens", "{id}") => "{token}",
            ("activities", "{id}") => "{activity}",
            ("sessions", "{id}") => "{session}",
            ("notices", "{id}") => "{notice}",
            ("claims", "{id}") => "{claim}",
            ("v", "{code}") => "{issued}",
            ("calendar", "{secret}") => "{feed}",
            ("credit-entries", "{id}") => "{entry}",
            _ => seg,
        };
        out.push(named.to_string());
        prev = seg;
    }
    out.join("/")
}

/// Every `(METHOD, path)` of the API, from the OpenAPI document.
fn api_routes() -> BTreeSet<(String, String)> {
    let doc = serde_json::to_value(lingyan_web::api::openapi()).expect("openapi");
    let mut out = BTreeSet::new();
    for (path, ops) in doc["paths"].as_object().expect("paths") {
        for m in ops.as_object().expect("ops").keys() {
            if ["get", "post", "put", "patch", "delete"].contains(&m.as_str()) {
                out.insert((m.to_uppercase(), path.clone()));
            }
        }
    }
    out
}

/// A smallest body of the right shape for each API write (required
/// fields only, dummy values), so that a refusal is the authorization's
/// and not the body's.
fn api_bodies() -> BTreeMap<(String, String), Value> {
    let doc = serde_json::to_value(lingyan_web::api::openapi()).expect("openapi");
    let mut out = BTreeMap::new();
    for (path, ops) in doc["paths"].as_object().expect("paths") {
        for (m, op) in ops.as_object().expect("ops") {
            let schema = &op["requestBody"]["content"]["application/json"]["schema"];
            if !schema.is_null() {
                out.insert((m.to_uppercase(), shape(path)), example(&doc, schema, 0));
            }
        }
    }
    out
}

fn example(doc: &Value, schema: &Value, depth: usize) -> Value {
    if depth > 8 {
        return Value::Null;
    }
    if let Some(r) = schema["$ref"].as_str() {
        let name = r.rsplit('/').next().unwrap_or_default();
        return example(doc, &doc["components"]["schemas"][name], depth + 1);
    }
    if let Some(all) = schema["allOf"]
        .as_array()
        .or(schema["oneOf"].as_array())
        .or(schema["anyOf"].as_array())
    {
        return all.first().map_or(Value::Null, |s| example(doc, s, depth + 1));
    }
    let ty = match &schema["type"] {
        Value::String(t) => t.clone(),
        Value::Array(ts) => ts
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null")
            .unwrap_or("null")
            .to_string(),
        _ => "object".into(),
    };
    match ty.as_str() {
        "object" => {
            let mut o = serde_json::Map::new();
            for r in schema["required"].as_array().into_iter().flatten() {
                let k = r.as_str().unwrap_or_default();
                o.insert(k.to_string(), example(doc, &schema["properties"][k], depth + 1));
            }
            Value::Object(o)
        }
        "array" => json!([]),
        "integer" => json!(1),
        "number" => json!(1),
        "boolean" => json!(false),
        "string" => match schema["format"].as_str() {
            Some("date") => json!("2026-01-05"),
            Some("date-time") => json!("2026-01-05T00:00:00Z"),
            _ => json!("x"),
        },
        _ => Value::Null,
    }
}

/// Every page path, read from the page routers' source (every file under
/// `src/pages`): the first string of each `.route(` call, and of each
/// `both(router, "/tail", …)` call, which registers `/schools/{id}/tail`
/// and `/districts/{id}/tail`.
fn page_paths() -> BTreeSet<String> {
    fn files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(dir).expect("pages dir").flatten() {
            let p = e.path();
            if p.is_dir() {
                files(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/pages");
    let mut all = Vec::new();
    files(&dir, &mut all);
    let call = Regex::new(r#"\.route\(\s*"([^"]+)""#).unwrap();
    let both = Regex::new(r#"\bboth\(\s*[\w:()]+,\s*"([^"]+)""#).unwrap();
    let mut out = BTreeSet::new();
    for path in all {
        let src = std::fs::read_to_string(&path).expect("source");
        let found: Vec<String> = call.captures_iter(&src).map(|c| c[1].to_string()).collect();
        // `both` itself registers the paths it is given.
        let defines_both = usize::from(src.contains("fn both("));
        assert_eq!(
            found.len() + 2 * defines_both,
            src.matches(".route(").count(),
            "{}: every .route( call names its path first, as a string",
            path.display()
        );
        out.extend(found);
        let tails: Vec<String> = both.captures_iter(&src).map(|c| c[1].to_string()).collect();
        assert_eq!(
            tails.len(),
            src.matches("both(").count() - src.matches("fn both(").count(),
            "{}: every both( call names its path second, as a string",
            path.display()
        );
        for t in tails {
            out.insert(format!("/schools/{{id}}{t}"));
            out.insert(format!("/districts/{{id}}{t}"));
        }
    }
    out
}

/// The ids the placeholders of `authorization.txt` stand for: things of
/// the demo's primary school (GFSY) and its district. Made anew (where a
/// route may delete them) for every probe while recording, since what an
/// allowed actor deletes would be gone for the next.
async fn objects(
    app: &TestApp,
    n: usize,
    director: &crate::evidence::Api,
    teacher_api: &crate::evidence::Api,
) -> BTreeMap<&'static str, i64> {
    let sys = Scope::system("authz");
    let mut o = BTreeMap::new();
    let school = lingyan_store::schools::get_by_code(&app.store, &sys, "GFSY")
        .await
        .expect("GFSY");
    o.insert("school", school.id);
    o.insert("district", school.district_id);
    let teacher = crate::evidence::teacher(app, "GF0005").await;
    o.insert("teacher", teacher);
    o.insert("user", app.user_id("teacher").await);
    let (s, e) = director
        .post(
            &format!("/api/v1/teachers/{teacher}/evidence"),
            json!({"kind": "reading", "date": "2026-10-01", "title": format!("授权检查 {n}")}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{e}");
    let evidence = e["id"].as_i64().expect("evidence");
    o.insert("evidence", evidence);
    let store = app
        .store
        .clone()
        .with_blobs(lingyan_store::files::Blobs::new(app.data_dir.join("attachments")));
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0\x90wS\xde".to_vec();
    png.extend_from_slice(n.to_string().as_bytes());
    let a = lingyan_store::attachments::attach(
        &store,
        &sys,
        lingyan_store::files::Target::Evidence(evidence),
        "a.png",
        &png,
        lingyan_store::calendar::today(),
    )
    .await
    .expect("attachment");
    o.insert("attachment", a.id);
    let (s, h) = director
        .post(
            &format!("/api/v1/teachers/{teacher}/honours"),
            json!({"kind": "区级教坛新秀", "granted_year": 2024}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{h}");
    o.insert("honour", h["id"].as_i64().expect("honour"));
    let (s, g) = director
        .post(
            &format!("/api/v1/schools/{}/groups", school.id),
            json!({"kind": "教研组", "name": format!("检查组{n}")}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{g}");
    o.insert("group", g["id"].as_i64().expect("group"));
    let (s, g) = director
        .post(
            &format!("/api/v1/schools/{}/leading-groups", school.id),
            json!({"name": format!("检查领导小组{n}"), "programme": "校本培训"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{g}");
    o.insert("leading", g["id"].as_i64().expect("leading group"));
    let first_id = |v: &Value| {
        v["items"][0]["id"]
            .as_i64()
            .or_else(|| v[0]["id"].as_i64())
            .unwrap_or_else(|| panic!("no id in {v}"))
    };
    let (_, v) = director.get("/api/v1/projects").await;
    o.insert("project", first_id(&v));
    // The teacher's own pair (the mentor's "one-two-two").
    let (_, v) = director
        .get(&format!(
            "/api/v1/mentoring/pairs?status=active&teacher_id={teacher}"
        ))
        .await;
    let pair = v
        .as_array()
        .and_then(|a| a.iter().find(|p| p["kind"] == "one_two_two"))
        .and_then(|p| p["id"].as_i64())
        .unwrap_or_else(|| panic!("no demo pair in {v}"));
    o.insert("pair", pair);
    let (_, log) = director
        .get(&format!("/api/v1/mentoring/pairs/{pair}/meetings"))
        .await;
    o.insert(
        "meeting",
        log["meetings"][0]["id"]
            .as_i64()
            .expect("a meeting in the demo's log"),
    );
    // A two-way cycle of the teacher's, made anew (a probe may remove or
    // fill it): the mentor's class done, her class next.
    {
        use lingyan_domain::mentoring::cycle::{CycleInput, CycleStage};
        use lingyan_store::mentoring::cycles;
        let today = lingyan_store::calendar::today();
        for c in cycles::list(&app.store, &sys, pair).await.expect("cycles") {
            if !c.done() && c.apprentice.teacher_id == teacher {
                cycles::remove(&app.store, &sys, c.id).await.expect("remove");
            }
        }
        let c = cycles::create(
            &app.store,
            &sys,
            pair,
            &CycleInput {
                title: format!("授权检查 {n}"),
                apprentice_teacher_id: Some(teacher),
                started_on: today,
            },
        )
        .await
        .expect("cycle");
        let record = cycles::StageRecord {
            date: today.to_string(),
            title: "示范课".into(),
            level: "school".into(),
            text: String::new(),
        };
        cycles::record(&app.store, &sys, c, CycleStage::MentorClass, &record)
            .await
            .expect("stage");
        o.insert("cycle", c);
    }
    // A mentoring week of the school, made anew (a probe may remove it),
    // clear of every other probe's.
    {
        let from = lingyan_store::calendar::today() + chrono::Days::new(400 + 20 * n as u64);
        let w = lingyan_store::mentoring::weeks::create(
            &app.store,
            &sys,
            school.id,
            &lingyan_domain::mentoring::week::WeekInput {
                title: format!("检查活动周{n}"),
                theme: String::new(),
                starts_on: from,
                ends_on: from + chrono::Days::new(4),
            },
        )
        .await
        .expect("week");
        o.insert("week", w.id);
    }
    // A studio of the district led by the mentor with the teacher as a
    // member and one activity, made anew (a probe may take the member off
    // or remove the activity).
    {
        use lingyan_domain::studios::{MemberInput, StudioActivityInput, StudioActivityKind, StudioInput};
        let today = lingyan_store::calendar::today();
        let master = lingyan_store::testing::teacher_by_staff_no(&app.store, "GF0004").await;
        let id = lingyan_store::studios::create(
            &app.store,
            &sys,
            school.district_id,
            &StudioInput {
                name: format!("检查工作室{n}"),
                master_teacher_id: master,
                subject: String::new(),
                starts_on: today,
                ends_on: None,
                aims: String::new(),
            },
        )
        .await
        .expect("studio");
        lingyan_store::studios::add_member(
            &app.store,
            &sys,
            id,
            &MemberInput {
                teacher_id: teacher,
                joined_on: None,
            },
        )
        .await
        .expect("member");
        let a = lingyan_store::studios::add_activity(
            &app.store,
            &sys,
            id,
            &StudioActivityInput {
                held_on: today,
                kind: StudioActivityKind::Seminar,
                title: "检查研讨".into(),
                place: String::new(),
                minutes: 60,
                led_by_teacher_id: None,
                receiving_school_id: None,
                receiving_school_name: String::new(),
                summary: String::new(),
            },
        )
        .await
        .expect("studio activity");
        o.insert("studio", id);
        o.insert("studioactivity", a);
    }
    // A role grant of an account of its own, whose removal changes nobody
    // who is probing.
    let u = lingyan_store::users::create(
        &app.store,
        &sys,
        lingyan_store::users::NewUser {
            username: format!("probe{n}"),
            display_name: "检查账号".into(),
            password: PASSWORD.into(),
            school_id: Some(school.id),
            district_id: None,
            roles: vec!["teacher".into()],
            locale: None,
        },
    )
    .await
    .expect("probe account");
    o.insert("probeuser", u.id);
    o.insert("grant", u.grants[0].id);
    let (s, t) = teacher_api
        .post("/api/v1/me/tokens", json!({"name": format!("检查{n}")}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{t}");
    o.insert("token", t["token"]["id"].as_i64().expect("token"));
    // A version of each rule set, at the school and at the district.
    use lingyan_domain::{TierRules, duties::DutySet};
    use lingyan_store::rule_sets::{Place, history};
    let (sp, dp) = (
        Place::school(school.district_id, school.id),
        Place::district(school.district_id),
    );
    if history::<TierRules>(&app.store, &sys, sp)
        .await
        .expect("history")
        .is_empty()
    {
        for p in [sp, dp] {
            lingyan_store::tiers::set(
                &app.store,
                &sys,
                p.district_id,
                p.school_id,
                2026,
                TierRules::standard(),
            )
            .await
            .expect("tiers");
            lingyan_store::duties::adopt(
                &app.store,
                &sys,
                p.district_id,
                p.school_id,
                2026,
                "all-three-ones",
                None,
            )
            .await
            .expect("duties");
        }
    }
    for (name, p, tiers) in [
        ("schooltiers", sp, true),
        ("schoolduties", sp, false),
        ("districttiers", dp, true),
        ("districtduties", dp, false),
    ] {
        let h = if tiers {
            history::<TierRules>(&app.store, &sys, p).await
        } else {
            history::<DutySet>(&app.store, &sys, p).await
        };
        o.insert(name, h.expect("history")[0].id);
    }
    // A credit requirement at the district that lets schools set their
    // own, and the school's own.
    use lingyan_domain::credits::CreditRules;
    if history::<CreditRules>(&app.store, &sys, sp)
        .await
        .expect("history")
        .is_empty()
    {
        let mut r =
            lingyan_store::credits::adopt(&app.store, &sys, dp.district_id, None, 2026, "seed-002-48")
                .await
                .expect("district credits")
                .set;
        r.school_override = true;
        lingyan_store::credits::save(&app.store, &sys, dp.district_id, None, 2026, r)
            .await
            .expect("district credits");
        lingyan_store::credits::adopt(&app.store, &sys, sp.district_id, sp.school_id, 2026, "zhejiang")
            .await
            .expect("school credits");
    }
    // Mentoring rules saved by the district and by the school.
    use lingyan_domain::mentoring::MentoringRules;
    for (p, n) in [(dp, 2), (sp, 3)] {
        lingyan_store::mentoring::pairs::save_rules(
            &app.store,
            &sys,
            p,
            2026,
            MentoringRules {
                max_apprentices: n,
                ..Default::default()
            },
        )
        .await
        .expect("mentoring rules");
        let h = history::<MentoringRules>(&app.store, &sys, p).await;
        o.insert(
            if p.school_id.is_some() {
                "schoolmentoring"
            } else {
                "districtmentoring"
            },
            h.expect("history")[0].id,
        );
    }
    for (name, p) in [("schoolcredits", sp), ("districtcredits", dp)] {
        let h = history::<CreditRules>(&app.store, &sys, p).await;
        o.insert(name, h.expect("history")[0].id);
    }
    // An activity of the school next week with one place: the mentor
    // registers first and the teacher waits; the mentor is taken off, so
    // the teacher has the place and a notice.
    let day = lingyan_store::calendar::today() + chrono::Duration::days(7);
    let (s, a) = director
        .post(
            &format!("/api/v1/schools/{}/activities", school.id),
            json!({"title": format!("授权检查活动 {n}"), "kind": "teaching_research", "level": "school",
                   "form": "school_based", "capacity": 1,
                   "sessions": [{"date": day, "start": "14:00", "end": "16:00", "place": "会议室"}]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{a}");
    let activity = a["id"].as_i64().expect("activity");
    o.insert("activity", activity);
    o.insert("session", a["sessions"][0]["id"].as_i64().expect("session"));
    let mentor = crate::evidence::teacher(app, "GF0004").await;
    let (s, v) = director
        .post(
            &format!("/api/v1/activities/{activity}/participants"),
            json!({"teacher_ids": [mentor, teacher]}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = director
        .send(
            reqwest::Method::DELETE,
            &format!("/api/v1/activities/{activity}/participants/{mentor}"),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (_, notices) = teacher_api.get("/api/v1/me/notices").await;
    o.insert(
        "notice",
        notices[0]["id"].as_i64().unwrap_or_else(|| panic!("{notices}")),
    );
    // A claim of the teacher's waiting for the school, and an adjustment
    // on their transcript.
    let (s, c) = crate::claims::submit(
        teacher_api,
        &json!({"title": format!("授权检查培训 {n}"), "organiser": "市教科院", "start": "2026-07-10",
                "end": "2026-07-10", "form": "centralized", "hours": 8}),
        Some(("c.pdf", crate::claims::PDF)),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    o.insert("claim", c["id"].as_i64().expect("claim"));
    let e = lingyan_store::credits::claims::adjust(
        &app.store,
        &sys,
        teacher,
        lingyan_domain::credits::claims::AdjustmentInput {
            date: "2026-07-11".parse().expect("date"),
            title: format!("授权检查调整 {n}"),
            form: lingyan_domain::credits::Form::Centralized,
            level: None,
            area: None,
            credits: lingyan_domain::credits::Amount::whole(1),
            reason: "授权检查".into(),
        },
        "2026-12-01".parse().expect("date"),
    )
    .await
    .expect("adjustment");
    o.insert("entry", e.id);
    o.insert(
        "issued",
        lingyan_store::testing::issue_numbered(&app.store, teacher, n as i64).await,
    );
    o.insert(
        "feed",
        lingyan_store::testing::feed_numbered(&app.store, teacher, n as i64).await,
    );
    o
}

/// The director of a school in another district.
async fn other_district_director(app: &TestApp) {
    let sys = Scope::system("authz");
    let (_, school) = crate::helpers::other_district(app).await;
    lingyan_store::users::create(
        &app.store,
        &sys,
        lingyan_store::users::NewUser {
            username: "xdirector".into(),
            display_name: "西湖 师训主任".into(),
            password: PASSWORD.into(),
            school_id: Some(school),
            district_id: None,
            roles: vec!["training_director".into()],
            locale: None,
        },
    )
    .await
    .expect("user");
}

struct Session {
    http: reqwest::Client,
    csrf: Option<String>,
}

async fn sign_in(app: &TestApp, who: &str) -> Session {
    let http = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    if who == "anon" {
        return Session { http, csrf: None };
    }
    let r = http
        .post(format!("{}/api/v1/auth/login", app.addr))
        .json(&json!({"username": who, "password": PASSWORD}))
        .send()
        .await
        .expect("login");
    assert_eq!(r.status(), StatusCode::OK, "{who} signs in");
    let v: Value = http
        .get(format!("{}/api/v1/auth/csrf", app.addr))
        .send()
        .await
        .expect("csrf")
        .json()
        .await
        .expect("csrf json");
    Session {
        http,
        csrf: v["csrf_token"].as_str().map(str::to_string),
    }
}

/// What an answer means: `Y` answered, `N` refused, else the status.
fn outcome(status: StatusCode, location: Option<&str>) -> String {
    match status.as_u16() {
        200..=299 => "Y".into(),
        300..=399 if location.is_some_and(|l| l.starts_with("/login")) => "N".into(),
        300..=399 => "Y".into(),
        401 | 403 | 404 => "N".into(),
        s => s.to_string(),
    }
}

async fn try_route(
    app: &TestApp,
    s: &Session,
    method: &Method,
    path: &str,
    body: Option<&Value>,
) -> (String, u16) {
    let url = format!("{}{path}", app.addr);
    let mut req = s.http.request(method.clone(), &url);
    if *method != Method::GET {
        if let Some(t) = &s.csrf {
            req = req.header("x-csrf-token", t);
        }
        req = match body {
            Some(b) => req.json(b),
            None if path.starts_with("/api/") => req.body(Vec::new()),
            None => req.form(&[("probe", "")]),
        };
    }
    let r = req.send().await.expect("request");
    let status = r.status();
    let location = r
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    (outcome(status, location.as_deref()), status.as_u16())
}

/// Methods axum serves at a page path: a TRACE (which passes the CSRF
/// check) is answered 405 with the `Allow` header.
async fn page_methods(app: &TestApp, path: &str) -> Vec<String> {
    let probe = Regex::new(r"\{[^}]*\}")
        .unwrap()
        .replace_all(path, "1")
        .into_owned();
    let r = reqwest::Client::new()
        .request(Method::TRACE, format!("{}{probe}", app.addr))
        .send()
        .await
        .expect("trace");
    assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED, "{path}");
    let allow = r
        .headers()
        .get("allow")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    allow
        .split(',')
        .map(|m| m.trim().to_string())
        .filter(|m| !m.is_empty() && m != "HEAD")
        .collect()
}

async fn every_route_has_a_decision_and_keeps_it(app: TestApp) {
    other_district_director(&app).await;
    let director = crate::evidence::Api::new(&app, "director").await;
    let teacher_api = crate::evidence::Api::new(&app, "teacher").await;
    let mut made = 0;
    let mut ids = objects(&app, made, &director, &teacher_api).await;
    let mut dirty = false;

    // The routes the code serves.
    let mut routes: BTreeSet<(String, String)> = api_routes();
    for p in page_paths() {
        for m in page_methods(&app, &p).await {
            routes.insert((m, p.clone()));
        }
    }

    // The decisions.
    let mut expected: BTreeMap<(String, String), (String, Vec<String>)> = BTreeMap::new();
    for line in EXPECTED.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let parts: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(parts.len(), 2 + ACTORS.len(), "authorization.txt: {line}");
        let key = (parts[0].to_string(), shape(parts[1]));
        let cells = parts[2..].iter().map(|c| c.to_string()).collect();
        assert!(
            expected.insert(key, (parts[1].to_string(), cells)).is_none(),
            "authorization.txt has {line} twice"
        );
    }
    let served: BTreeSet<(String, String)> = routes.iter().map(|(m, p)| (m.clone(), shape(p))).collect();
    let recording = std::env::var("LINGYAN_AUTHZ_RECORD").ok();
    if recording.is_none() {
        let missing: Vec<String> = routes
            .iter()
            .filter(|(m, p)| !expected.contains_key(&(m.clone(), shape(p))))
            .map(|(m, p)| format!("{m} {p}"))
            .collect();
        assert!(
            missing.is_empty(),
            "routes without a decision in authorization.txt:\n{}",
            missing.join("\n")
        );
        let stale: Vec<String> = expected
            .keys()
            .filter(|k| !served.contains(k))
            .map(|(m, p)| format!("{m} {p}"))
            .collect();
        assert!(
            stale.is_empty(),
            "authorization.txt names routes that are gone:\n{}",
            stale.join("\n")
        );
    }

    let mut sessions = Vec::new();
    for a in ACTORS {
        sessions.push(sign_in(&app, a).await);
    }
    let fill = |ids: &BTreeMap<&'static str, i64>, path: &str| -> String {
        let mut out = path.to_string();
        // A grant is removed from its own account.
        if out.contains("{grant}") {
            out = out.replace("{user}", &ids["probeuser"].to_string());
        }
        for (name, id) in ids {
            out = out.replace(&format!("{{{name}}}"), &id.to_string());
        }
        // The stage {cycle} waits for: the teacher's class.
        out = out.replace("{stage}", "apprentice_class");
        // A period of the pair's summaries and evaluation.
        out = out.replace("{period}", "mid_term");
        assert!(!out.contains('{'), "no object for a placeholder in {path}");
        out
    };

    let bodies = api_bodies();
    // Reads first, then writes, deletions after them and signing out last,
    // so that what one probe does cannot change what a later one finds.
    let mut order: Vec<&(String, String)> = routes.iter().collect();
    order.sort_by_key(|(m, p)| {
        let rank = match m.as_str() {
            "GET" => 0,
            "DELETE" => 2,
            _ if p.ends_with("logout") => 3,
            _ => 1,
        };
        (rank, p.clone(), m.clone())
    });
    let mut wrong = Vec::new();
    let mut recorded = Vec::new();
    let mut cases = 0;
    for (method, path) in order {
        let key = (method.clone(), shape(path));
        let (template, cells) = match expected.get(&key) {
            Some((t, c)) => (t.clone(), c.clone()),
            // Recording: every actor tries; the answers become the line.
            None => (name_placeholders(path), vec!["?".to_string(); ACTORS.len()]),
        };
        let m = Method::from_bytes(method.as_bytes()).expect("method");
        let is_read = m == Method::GET;
        let mut got_line = Vec::new();
        for (i, actor) in ACTORS.iter().enumerate() {
            let want = cells[i].as_str();
            // Allowed writes are the areas' own tests' business.
            if !is_read && want == "Y" {
                got_line.push("Y".to_string());
                continue;
            }
            if recording.is_none() && !is_read && want != "N" {
                got_line.push(want.to_string());
                continue;
            }
            // While recording, an allowed write may have deleted what the
            // next probe needs.
            if recording.is_some() && !is_read && dirty {
                made += 1;
                ids = objects(&app, made, &director, &teacher_api).await;
                dirty = false;
            }
            let target = fill(&ids, &template);
            let body = bodies.get(&key);
            let (got, status) = try_route(&app, &sessions[i], &m, &target, body).await;
            cases += 1;
            dirty |= !is_read && got == "Y";
            if recording.is_none() && got != want {
                wrong.push(format!(
                    "{method} {template}: {actor} expected {want}, got {status}"
                ));
            }
            got_line.push(got);
        }
        recorded.push(format!("{method:<7}{template:<58}{}", got_line.join(" ")));
    }
    if let Some(path) = recording {
        std::fs::write(&path, recorded.join("\n") + "\n").expect("write record");
        return;
    }
    assert!(
        wrong.is_empty(),
        "{} of {cases} authorization cases differ from authorization.txt:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    eprintln!("authorization: {} routes, {cases} cases", routes.len());
}
both_dbs!(every_route_has_a_decision_and_keeps_it);
