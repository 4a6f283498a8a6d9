//! The growth portfolio over pages and the API: every kind round-trips,
//! verification transitions, who sees what, attachments (limits, content
//! sniffing, dedupe, clean-up), school counts, research projects and
//! mentor pairs.

use crate::both_dbs;
use crate::helpers::{Client, TestApp};
use lingyan_store::Scope;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// The registry id of a demo teacher by staff number.
pub(crate) async fn teacher(app: &TestApp, staff_no: &str) -> i64 {
    let scope = Scope::system("test");
    let list = lingyan_store::teachers::list(
        &app.store,
        &scope,
        &lingyan_store::teachers::TeacherFilter {
            q: Some(staff_no.into()),
            ..Default::default()
        },
        lingyan_domain::PageRequest::new(Some(1), Some(10)),
        lingyan_store::calendar::today(),
    )
    .await
    .expect("teachers");
    list.items
        .into_iter()
        .find(|t| t.fields.staff_no.as_deref() == Some(staff_no))
        .expect("demo teacher")
        .id
}

/// An account at the primary school with one role, linked to a teacher.
pub(crate) async fn account(app: &TestApp, username: &str, staff_no: &str, role: &str) -> i64 {
    let scope = Scope::system("test");
    let school = app.school_id("GFSY").await;
    lingyan_store::users::create(
        &app.store,
        &scope,
        lingyan_store::users::NewUser {
            username: username.into(),
            display_name: username.into(),
            password: crate::helpers::PASSWORD.into(),
            school_id: Some(school),
            district_id: None,
            roles: vec![role.into()],
            locale: None,
        },
    )
    .await
    .expect("account");
    let id = teacher(app, staff_no).await;
    lingyan_store::teachers::link_account(
        &app.store,
        &scope,
        id,
        Some(username),
        lingyan_store::calendar::today(),
    )
    .await
    .expect("link");
    id
}

pub(crate) struct Api {
    pub(crate) http: reqwest::Client,
    pub(crate) token: String,
    base: String,
}

impl Api {
    pub(crate) async fn new(app: &TestApp, user: &str) -> Self {
        Self {
            http: reqwest::Client::new(),
            token: app.token_for(user).await,
            base: app.addr.clone(),
        }
    }

    pub(crate) async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut r = self
            .http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .header("accept-language", "en");
        if let Some(b) = body {
            r = r.json(&b);
        }
        let resp = r.send().await.expect("request");
        let status = resp.status();
        let text = resp.text().await.unwrap_or_default();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    pub(crate) async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.send(reqwest::Method::GET, path, None).await
    }

    pub(crate) async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.send(reqwest::Method::POST, path, Some(body)).await
    }

    pub(crate) async fn put(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.send(reqwest::Method::PUT, path, Some(body)).await
    }

    /// The server's address, for requests the helpers do not make.
    pub(crate) fn base(&self) -> &str {
        &self.base
    }

    pub(crate) async fn upload(&self, path: &str, name: &str, bytes: Vec<u8>) -> (StatusCode, Value) {
        let resp = self
            .http
            .post(format!(
                "{}{path}{}filename={name}",
                self.base,
                if path.contains('?') { '&' } else { '?' }
            ))
            .bearer_auth(&self.token)
            .header("accept-language", "en")
            .body(bytes)
            .send()
            .await
            .expect("upload");
        let status = resp.status();
        (status, resp.json().await.unwrap_or(Value::Null))
    }
}

/// One sample per kind: the API body and the form fields that say the same.
fn samples(observed: i64) -> Vec<(Value, Vec<(&'static str, String)>)> {
    let s = |v: &str| v.to_string();
    vec![
        (
            json!({"kind": "observation", "date": "2026-10-12", "title": "《秋天的雨》", "text": "层次清楚",
                   "details": {"observed_teacher": observed, "class_name": "三（2）班", "subject": "语文",
                               "scores": "目标 18/20; 过程 36/40", "inspection": true, "feedback": "多给学生表达的机会"}}),
            vec![
                ("kind", s("observation")),
                ("date", s("2026-10-12")),
                ("title", s("《秋天的雨》")),
                ("text", s("层次清楚")),
                ("observed_teacher", format!("#{observed} 某某")),
                ("class_name", s("三（2）班")),
                ("subject", s("语文")),
                ("scores", s("目标 18/20; 过程 36/40")),
                ("inspection", s("true")),
                ("feedback", s("多给学生表达的机会")),
            ],
        ),
        (
            json!({"kind": "class", "date": "2026-10-13", "title": "《找规律》", "level": "county",
                   "details": {"class_type": "send_teaching", "receiving_school": "山阳镇中心小学", "subject": "数学"}}),
            vec![
                ("kind", s("class")),
                ("date", s("2026-10-13")),
                ("title", s("《找规律》")),
                ("level", s("county")),
                ("class_type", s("send_teaching")),
                ("receiving_school", s("山阳镇中心小学")),
                ("subject", s("数学")),
            ],
        ),
        (
            json!({"kind": "article", "date": "2026-09-20", "title": "整本书阅读", "level": "municipal",
                   "details": {"venue": "小学教学参考", "publication": "published", "award_level": "county", "award_grade": "一等奖"}}),
            vec![
                ("kind", s("article")),
                ("date", s("2026-09-20")),
                ("title", s("整本书阅读")),
                ("level", s("municipal")),
                ("venue", s("小学教学参考")),
                ("publication", s("published")),
                ("award_level", s("county")),
                ("award_grade", s("一等奖")),
            ],
        ),
        (
            json!({"kind": "award", "date": "2026-09-21", "title": "创新杯", "level": "provincial",
                   "details": {"rank": "二等奖", "organiser": "省教育厅"}}),
            vec![
                ("kind", s("award")),
                ("date", s("2026-09-21")),
                ("title", s("创新杯")),
                ("level", s("provincial")),
                ("rank", s("二等奖")),
                ("organiser", s("省教育厅")),
            ],
        ),
        (
            json!({"kind": "lecture", "date": "2026-09-22", "title": "如何上好复习课", "level": "school",
                   "details": {"audience": "青年教师"}}),
            vec![
                ("kind", s("lecture")),
                ("date", s("2026-09-22")),
                ("title", s("如何上好复习课")),
                ("level", s("school")),
                ("audience", s("青年教师")),
            ],
        ),
        (
            json!({"kind": "reading", "date": "2026-09-23", "title": "给教师的建议", "text": "读后感",
                   "details": {"author": "苏霍姆林斯基"}}),
            vec![
                ("kind", s("reading")),
                ("date", s("2026-09-23")),
                ("title", s("给教师的建议")),
                ("text", s("读后感")),
                ("author", s("苏霍姆林斯基")),
            ],
        ),
        (
            json!({"kind": "writing", "date": "2026-09-24", "title": "质量监测卷（三年级）",
                   "details": {"writing_type": "test_paper", "subject": "数学"}}),
            vec![
                ("kind", s("writing")),
                ("date", s("2026-09-24")),
                ("title", s("质量监测卷（三年级）")),
                ("writing_type", s("test_paper")),
                ("subject", s("数学")),
            ],
        ),
        (
            json!({"kind": "training", "date": "2026-09-25", "title": "国培计划", "level": "national",
                   "details": {"organiser": "教育部", "mode": "online", "hours": 24.5, "certificate": "GP-01"}}),
            vec![
                ("kind", s("training")),
                ("date", s("2026-09-25")),
                ("title", s("国培计划")),
                ("level", s("national")),
                ("organiser", s("教育部")),
                ("mode", s("online")),
                ("hours", s("24.5")),
                ("certificate", s("GP-01")),
            ],
        ),
        (
            json!({"kind": "study_visit", "date": "2026-09-26", "title": "跟岗学习",
                   "details": {"destination": "杭州", "days": 3, "cost": 2600}}),
            vec![
                ("kind", s("study_visit")),
                ("date", s("2026-09-26")),
                ("title", s("跟岗学习")),
                ("destination", s("杭州")),
                ("days", s("3")),
                ("cost", s("2600")),
            ],
        ),
        (
            json!({"kind": "plan", "date": "2026-09-01", "title": "五年规划", "text": "目标……",
                   "details": {"plan_type": "five_year", "until": "2030"}}),
            vec![
                ("kind", s("plan")),
                ("date", s("2026-09-01")),
                ("title", s("五年规划")),
                ("text", s("目标……")),
                ("plan_type", s("five_year")),
                ("until", s("2030")),
            ],
        ),
    ]
}

async fn post_record(c: &Client, teacher_id: i64, fields: &[(&str, String)]) -> reqwest::Response {
    let page = format!("/teachers/{teacher_id}/portfolio");
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    c.post_form(&page, &page, &pairs).await
}

fn id_from(location: &str) -> i64 {
    location
        .rsplit('/')
        .next()
        .unwrap()
        .parse()
        .expect("id in location")
}

async fn every_kind_round_trips(app: TestApp) {
    let me = teacher(&app, "GF0005").await;
    let observed = teacher(&app, "GF0006").await;
    let api = Api::new(&app, "teacher").await;
    let page = app.login_as("teacher").await;
    for (body, fields) in samples(observed) {
        let kind = body["kind"].as_str().unwrap().to_string();
        // API: create, read back the same typed details.
        let (s, created) = api
            .post(&format!("/api/v1/teachers/{me}/evidence"), body.clone())
            .await;
        assert_eq!(s, StatusCode::CREATED, "{kind}: {created}");
        assert_eq!(created["status"], "recorded");
        let id = created["id"].as_i64().unwrap();
        let (s, got) = api.get(&format!("/api/v1/evidence/{id}")).await;
        assert_eq!(s, StatusCode::OK);
        let e = &got["evidence"];
        assert_eq!(e["kind"], kind.as_str());
        assert_eq!(e["title"], body["title"]);
        assert_eq!(e["date"], body["date"]);
        for (k, v) in body["details"].as_object().unwrap() {
            let stored = &e["details"][k];
            match (k.as_str(), v) {
                ("observed_teacher", _) => assert_eq!(stored["teacher_id"], observed),
                ("scores", _) => assert_eq!(stored.as_array().unwrap().len(), 2),
                (_, Value::Number(n)) => assert_eq!(stored.as_f64(), n.as_f64(), "{kind}.{k}"),
                _ => assert_eq!(stored, v, "{kind}.{k}"),
            }
        }
        // Page form: the same record typed into the form.
        let r = post_record(&page, me, &fields).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{kind} form");
        let pid = id_from(r.headers()["location"].to_str().unwrap());
        let (s, form_made) = api.get(&format!("/api/v1/evidence/{pid}")).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(
            form_made["evidence"]["details"], e["details"],
            "{kind}: form and API agree"
        );
        assert_eq!(form_made["evidence"]["level"], e["level"]);
        // The record page shows it; the edit form is filled in.
        let (s, html) = page.get_text(&format!("/evidence/{pid}")).await;
        assert_eq!(s, StatusCode::OK);
        assert!(html.contains(body["title"].as_str().unwrap()));
        if kind == "observation" {
            // The observed colleague once, and the comment under a label.
            assert_eq!(html.matches(">Observed teacher</dt>").count(), 1, "{html}");
            let comment = html.find("层次清楚").unwrap();
            assert!(html[..comment].contains("class=\"small-heading\""), "{html}");
        }
        let (s, edit) = page.get_text(&format!("/evidence/{pid}/edit")).await;
        assert_eq!(s, StatusCode::OK);
        for (k, v) in &fields {
            if matches!(*k, "kind" | "observed_teacher" | "inspection" | "level") || v.is_empty() {
                continue;
            }
            let shown = edit.contains(&format!("value=\"{v}\""))
                || edit.contains(&format!(">{v}</textarea>"))
                || html_select_has(&edit, k, v);
            assert!(shown, "{kind}: edit form shows {k}={v}");
        }
    }
}

fn html_select_has(html: &str, name: &str, code: &str) -> bool {
    let Some(start) = html.find(&format!("name=\"{name}\"")) else {
        return false;
    };
    let rest = &html[start..];
    let end = rest.find("</select>").unwrap_or(rest.len());
    rest[..end].contains(&format!("value=\"{code}\" selected"))
}
both_dbs!(every_kind_round_trips);

async fn bad_records_name_every_field(app: TestApp) {
    let me = teacher(&app, "GF0005").await;
    let api = Api::new(&app, "teacher").await;
    let (s, v) = api
        .post(
            &format!("/api/v1/teachers/{me}/evidence"),
            json!({"kind": "training", "date": "2026-02-30", "title": "", "details": {"mode": "函授", "hours": -2, "venue": "x"}}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> = v["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    for f in [
        "date",
        "record_title",
        "level",
        "organiser",
        "mode",
        "hours",
        "details",
    ] {
        assert!(fields.contains(&f), "{f} named in {v}");
    }
    // Nothing was written.
    let (_, list) = api
        .get(&format!("/api/v1/teachers/{me}/evidence?kind=training"))
        .await;
    let before = list["total"].as_u64().unwrap();
    assert!(list["items"].as_array().unwrap().iter().all(|e| e["title"] != ""));
    // The form shows the messages in Chinese for a Chinese browser.
    let c = app.client_with_lang(Some("zh-CN"));
    let r = c
        .post_form(
            "/login",
            "/login",
            &[("username", "teacher"), ("password", crate::helpers::PASSWORD)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = post_record(
        &c,
        me,
        &[
            ("kind", "class".into()),
            ("date", "2026-10-01".into()),
            ("title", "送教".into()),
            ("level", "county".into()),
            ("class_type", "送教下乡".into()),
        ],
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("受援学校"), "the field is named in Chinese");
    assert!(html.contains("送教下乡须填写受援学校"));
    // A title over its limit is refused with the limit named, and what was
    // typed stays in the form (the page does not cut it short either).
    let long = "长".repeat(201);
    let r = post_record(
        &c,
        me,
        &[
            ("kind", "reading".into()),
            ("date", "2026-10-01".into()),
            ("title", long.clone()),
        ],
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("200"), "the limit is named");
    assert!(html.contains(&format!("value=\"{long}\"")), "the title is kept");
    assert!(!html.contains("maxlength"), "nothing is cut short in the browser");
    let (_, list) = api
        .get(&format!("/api/v1/teachers/{me}/evidence?kind=training"))
        .await;
    assert_eq!(list["total"].as_u64().unwrap(), before);
}
both_dbs!(bad_records_name_every_field);

async fn verification_transitions(app: TestApp) {
    let me = teacher(&app, "GF0005").await;
    let teacher_api = Api::new(&app, "teacher").await;
    let director = Api::new(&app, "director").await;
    let (_, e) = teacher_api
        .post(
            &format!("/api/v1/teachers/{me}/evidence"),
            json!({"kind": "reading", "date": "2026-10-01", "title": "教育的情调"}),
        )
        .await;
    let id = e["id"].as_i64().unwrap();
    // Nobody verifies their own record.
    let (s, v) = teacher_api
        .post("/api/v1/evidence/verify", json!({"ids": [id]}))
        .await;
    assert!(
        s == StatusCode::UNPROCESSABLE_ENTITY || s == StatusCode::FORBIDDEN,
        "{s} {v}"
    );
    // The director verifies.
    let (s, v) = director
        .post("/api/v1/evidence/verify", json!({"ids": [id]}))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        (v["verified"].as_u64(), v["already_verified"].as_u64()),
        (Some(1), Some(0))
    );
    let (_, got) = teacher_api.get(&format!("/api/v1/evidence/{id}")).await;
    assert_eq!(got["evidence"]["status"], "verified");
    // A second time says it already was.
    let (s, v) = director
        .post("/api/v1/evidence/verify", json!({"ids": [id]}))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        (v["verified"].as_u64(), v["already_verified"].as_u64()),
        (Some(0), Some(1))
    );
    let page = app.login_as("director").await;
    let r = page
        .post_form(
            &format!("/evidence/{id}"),
            &format!("/evidence/{id}/verify"),
            &[("next", &format!("/evidence/{id}"))],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = page.get_text(&format!("/evidence/{id}")).await;
    assert!(
        html.contains("had already been verified") || html.contains("此前已审核通过"),
        "{html}"
    );
    // Editing a verified record returns it to recorded.
    let (s, v) = teacher_api
        .put(
            &format!("/api/v1/evidence/{id}"),
            json!({"kind": "reading", "date": "2026-10-02", "title": "教育的情调（重读）"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["status"], "recorded");
    // A rejection needs a reason; the teacher sees it.
    let (s, _) = director
        .post(&format!("/api/v1/evidence/{id}/reject"), json!({"reason": "  "}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (s, _) = director
        .post(
            &format!("/api/v1/evidence/{id}/reject"),
            json!({"reason": "请补充读书心得"}),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let page = app.login_as("teacher").await;
    let (_, html) = page.get_text(&format!("/evidence/{id}")).await;
    assert!(html.contains("请补充读书心得"));
    let (_, got) = teacher_api.get(&format!("/api/v1/evidence/{id}")).await;
    let actions: Vec<&str> = got["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["recorded", "verified", "reopened", "rejected"]);
    // Verify and go on: the director lands on the next record waiting,
    // with preset reasons to return it.
    let (_, second) = teacher_api
        .post(
            &format!("/api/v1/teachers/{me}/evidence"),
            json!({"kind": "reading", "date": "2026-10-02", "title": "给教师的建议"}),
        )
        .await;
    let second = second["id"].as_i64().unwrap();
    let dir_page = app.login_as("director").await;
    let (_, html) = dir_page.get_text(&format!("/evidence/{second}")).await;
    assert!(html.contains("id=\"verify-next\"") && html.contains("<datalist id=\"return-reasons\">"));
    assert!(html.contains("请补充证书或证明材料") || html.contains("Please attach the certificate"));
    let r = dir_page
        .post_form(
            &format!("/evidence/{second}"),
            &format!("/evidence/{second}/verify"),
            &[("then", "next")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let to = r.headers()["location"].to_str().unwrap().to_string();
    assert!(
        to == "/verification" || (to.starts_with("/evidence/") && to != format!("/evidence/{second}")),
        "{to}"
    );
    if let Some(next) = to.strip_prefix("/evidence/") {
        let (_, v) = director.get(&format!("/api/v1/evidence/{next}")).await;
        assert_eq!(
            v["evidence"]["status"], "recorded",
            "the next one is waiting: {v}"
        );
    }
    // The history names people, not their usernames.
    let by: Vec<&str> = got["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["by"].as_str().unwrap())
        .collect();
    assert_eq!(by, ["张晓雨", "金朝飞", "张晓雨", "金朝飞"], "{got}");
    // Every change is in the audit log.
    let (_, audit) = director.get("/api/v1/audit?action=evidence.").await;
    let logged: Vec<&str> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["entity_id"].as_str() == Some(id.to_string().as_str()))
        .map(|a| a["action"].as_str().unwrap())
        .collect();
    for a in [
        "evidence.create",
        "evidence.verify",
        "evidence.update",
        "evidence.reject",
    ] {
        assert!(logged.contains(&a), "{a} in {logged:?}");
    }
    // Bulk verification from the queue page; the home page counts what waits.
    let dir_page = app.login_as("director").await;
    let (_, home) = dir_page.get_text("/").await;
    let pending_before = pending_on(&home);
    assert!(pending_before > 0);
    let (_, q) = director.get("/api/v1/evidence?to_verify=true&per_page=3").await;
    let ids: Vec<String> = q["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].to_string())
        .collect();
    assert_eq!(ids.len(), 3);
    let mut form: Vec<(&str, &str)> = ids.iter().map(|i| ("ids", i.as_str())).collect();
    form.push(("next", "/verification"));
    let r = dir_page.post_form("/verification", "/verification", &form).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, home) = dir_page.get_text("/").await;
    assert_eq!(pending_on(&home), pending_before - 3);
    // The group leader verifies a member's record; a mentor only reads.
    let (_, e2) = teacher_api
        .post(
            &format!("/api/v1/teachers/{me}/evidence"),
            json!({"kind": "reading", "date": "2026-10-03", "title": "静悄悄的革命"}),
        )
        .await;
    let id2 = e2["id"].as_i64().unwrap();
    let leader = Api::new(&app, "leader").await;
    let (s, v) = leader
        .post("/api/v1/evidence/verify", json!({"ids": [id2]}))
        .await;
    assert_eq!(s, StatusCode::OK, "leader verifies the group's record: {v}");
}
both_dbs!(verification_transitions);

fn pending_on(home: &str) -> u64 {
    let at = home.find("id=\"pending-count\"").expect("pending card");
    let rest = &home[at..];
    let start = rest.find("class=\"num\">").unwrap() + "class=\"num\">".len();
    rest[start..].split('<').next().unwrap().trim().parse().unwrap()
}

async fn visibility_matrix(app: TestApp) {
    let me = teacher(&app, "GF0005").await;
    let colleague = account(&app, "colleague", "GF0050", "teacher").await;
    let owner = Api::new(&app, "teacher").await;
    let observed = teacher(&app, "GF0006").await;
    let mut ids = Vec::new();
    for (body, _) in samples(observed) {
        let (s, e) = owner.post(&format!("/api/v1/teachers/{me}/evidence"), body).await;
        assert_eq!(s, StatusCode::CREATED);
        ids.push(e["id"].as_i64().unwrap());
    }
    // (user, sees the records)
    let matrix = [
        ("teacher", true),
        ("mentor", true),
        ("leader", true),
        ("director", true),
        ("principal", true),
        ("district", true),
        ("inspector", true),
        ("sysadmin", true),
        ("kgdirector", false),
        ("colleague", false),
    ];
    for (user, sees) in matrix {
        let api = Api::new(&app, user).await;
        let page = app.login_as(user).await;
        for id in &ids {
            let (s, _) = api.get(&format!("/api/v1/evidence/{id}")).await;
            let (ps, _) = page.get_text(&format!("/evidence/{id}")).await;
            let want = if sees {
                StatusCode::OK
            } else {
                StatusCode::NOT_FOUND
            };
            assert_eq!(s, want, "{user} API record {id}");
            assert_eq!(ps, want, "{user} page record {id}");
        }
        let (s, list) = api
            .get(&format!("/api/v1/teachers/{me}/evidence?per_page=500"))
            .await;
        let (ps, _) = page.get_text(&format!("/teachers/{me}/portfolio")).await;
        if sees {
            assert_eq!(s, StatusCode::OK);
            assert_eq!(ps, StatusCode::OK);
            let listed: Vec<i64> = list["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["id"].as_i64().unwrap())
                .collect();
            assert!(ids.iter().all(|i| listed.contains(i)), "{user} lists every kind");
        } else {
            assert_eq!(s, StatusCode::NOT_FOUND, "{user} portfolio");
            assert_eq!(ps, StatusCode::NOT_FOUND);
            // Nor do the records turn up in their general list.
            let (_, all) = api.get("/api/v1/evidence?per_page=500").await;
            assert!(
                all["items"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .all(|e| !ids.contains(&e["id"].as_i64().unwrap())),
                "{user} general list"
            );
        }
    }
    // The observed colleague sees the observation of their lesson (and
    // its feedback), nothing else.
    let (s, obs) = owner
        .post(
            &format!("/api/v1/teachers/{me}/evidence"),
            json!({"kind": "observation", "date": "2026-10-20", "title": "《荷花》",
                   "details": {"observed_teacher": colleague}}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let seen = Api::new(&app, "colleague").await;
    let (s, _) = seen.get(&format!("/api/v1/evidence/{}", obs["id"])).await;
    assert_eq!(s, StatusCode::OK);
    let (_, mine) = seen.get(&format!("/api/v1/teachers/{colleague}/evidence")).await;
    assert!(
        mine["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["id"] == obs["id"])
    );
    let (s, _) = seen.get(&format!("/api/v1/evidence/{}", ids[0])).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // Writing: only the owner or a manager of the school.
    let mentor = Api::new(&app, "mentor").await;
    let (s, _) = mentor
        .put(
            &format!("/api/v1/evidence/{}", ids[5]),
            json!({"kind": "reading", "date": "2026-10-01", "title": "改"}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let inspector = Api::new(&app, "inspector").await;
    let (s, _) = inspector
        .post("/api/v1/evidence/verify", json!({"ids": [ids[0]]}))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // A mentor sees an apprentice only while the pair lasts.
    let mentor2 = account(&app, "mentor2", "GF0060", "mentor").await;
    let director = Api::new(&app, "director").await;
    let start = (lingyan_store::calendar::today() - chrono::Days::new(30)).to_string();
    let ends = (lingyan_store::calendar::today() + chrono::Days::new(300)).to_string();
    // Another subject: the teacher has a mentor in their own already.
    let (s, pair) = director
        .post(
            "/api/v1/mentoring/pairs",
            json!({"mentor_teacher_id": mentor2, "apprentice_teacher_ids": [me], "kind": "one_on_one",
                   "subject": "班主任工作", "starts_on": start, "ends_on": ends, "under_way": true}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{pair}");
    let m2 = Api::new(&app, "mentor2").await;
    let (s, _) = m2.get(&format!("/api/v1/evidence/{}", ids[0])).await;
    assert_eq!(s, StatusCode::OK);
    let yesterday = (lingyan_store::calendar::today() - chrono::Days::new(1)).to_string();
    let (s, _) = director
        .post(
            &format!("/api/v1/mentoring/pairs/{}/status", pair["id"]),
            json!({"action": "dissolve", "on": yesterday, "reason": "调往外校"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = m2.get(&format!("/api/v1/evidence/{}", ids[0])).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = m2.get(&format!("/api/v1/teachers/{me}/evidence")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}
both_dbs!(visibility_matrix);

fn png() -> Vec<u8> {
    // The smallest valid PNG signature and IHDR are enough for sniffing.
    let mut v = vec![
        0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, b'I', b'H', b'D', b'R',
    ];
    v.extend_from_slice(&[0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0, 0x90, 0x77, 0x53, 0xde]);
    v
}

async fn attachments(app: TestApp) {
    let me = teacher(&app, "GF0005").await;
    let api = Api::new(&app, "teacher").await;
    let mut ids = Vec::new();
    for t in ["A", "B"] {
        let (_, e) = api
            .post(
                &format!("/api/v1/teachers/{me}/evidence"),
                json!({"kind": "reading", "date": "2026-10-01", "title": t}),
            )
            .await;
        ids.push(e["id"].as_i64().unwrap());
    }
    // Type by content: a text file named .pdf is refused, naming the file.
    let (s, v) = api
        .upload(
            &format!("/api/v1/evidence/{}/attachments", ids[0]),
            "notes.pdf",
            b"hello".to_vec(),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(v["error"]["message"].as_str().unwrap().contains("notes.pdf"));
    // Too large for the configured limit (2 KiB in this test).
    let mut big = png();
    big.resize(4096, 0);
    let (s, v) = api
        .upload(
            &format!("/api/v1/evidence/{}/attachments", ids[0]),
            "big.png",
            big,
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("big.png"));
    // A real PDF and the same image on two records: stored once.
    let pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".to_vec();
    let (s, a1) = api
        .upload(
            &format!("/api/v1/evidence/{}/attachments", ids[0]),
            "lesson.pdf",
            pdf.clone(),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{a1}");
    assert_eq!(a1["content_type"], "application/pdf");
    let (s, _) = api
        .upload(
            &format!("/api/v1/evidence/{}/attachments", ids[0]),
            "photo.png",
            png(),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, _) = api
        .upload(
            &format!("/api/v1/evidence/{}/attachments", ids[1]),
            "same.png",
            png(),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let blobs = app.data_dir.join("attachments");
    let count_files = || walk(&blobs);
    assert_eq!(count_files(), 2, "two distinct contents on disk");
    // Downloads are authorised like the record.
    let a1_id = a1["id"].as_i64().unwrap();
    let r = reqwest::Client::new()
        .get(format!("{}/api/v1/attachments/{a1_id}", app.addr))
        .bearer_auth(&api.token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.bytes().await.unwrap().to_vec(), pdf);
    let other = Api::new(&app, "kgdirector").await;
    let (s, _) = other.get(&format!("/api/v1/attachments/{a1_id}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // The page previews the image inline.
    let page = app.login_as("teacher").await;
    let (_, html) = page.get_text(&format!("/evidence/{}", ids[0])).await;
    assert!(html.contains("?inline=1"));
    // Deleting records leaves no orphans: the shared image stays until its
    // last record goes.
    let (s, _) = api
        .send(
            reqwest::Method::DELETE,
            &format!("/api/v1/evidence/{}", ids[0]),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    assert_eq!(count_files(), 1, "the PDF is gone, the shared image stays");
    let (s, _) = api
        .send(
            reqwest::Method::DELETE,
            &format!("/api/v1/evidence/{}", ids[1]),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    assert_eq!(count_files(), 0);
    let (files, links) = lingyan_store::files::stats(&app.store).await.unwrap();
    assert_eq!((files, links), (0, 0));
}

fn walk(dir: &std::path::Path) -> usize {
    let Ok(rd) = std::fs::read_dir(dir) else { return 0 };
    rd.flatten()
        .map(|e| {
            let p = e.path();
            if p.is_dir() { walk(&p) } else { 1 }
        })
        .sum()
}

mod attachments {
    use crate::helpers::{Db, spawn_app_with};
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        super::attachments(spawn_app_with(Db::Sqlite, |c| c.limits.attachment_bytes = 2048).await).await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        super::attachments(spawn_app_with(Db::Postgres, |c| c.limits.attachment_bytes = 2048).await).await
    }
}

async fn school_counts_drill_down(app: TestApp) {
    let director = Api::new(&app, "director").await;
    let school = app.school_id("GFSY").await;
    let (s, cells) = director
        .get(&format!("/api/v1/evidence/counts?school_id={school}"))
        .await;
    assert_eq!(s, StatusCode::OK);
    let cells = cells.as_array().unwrap();
    assert!(!cells.is_empty(), "the demo school has records");
    let total: u64 = cells.iter().map(|c| c["total"].as_u64().unwrap()).sum();
    let (_, all) = director
        .get(&format!("/api/v1/evidence?school_id={school}&per_page=1"))
        .await;
    assert_eq!(all["total"].as_u64().unwrap(), total);
    // Every cell's number is what its drill-down lists.
    for c in cells.iter().take(6) {
        let level = c["level"].as_str().unwrap_or("");
        let (_, l) = director
            .get(&format!(
                "/api/v1/evidence?school_id={school}&kind={}&level={level}&semester={}&per_page=1",
                c["kind"].as_str().unwrap(),
                c["semester"].as_str().unwrap()
            ))
            .await;
        if !level.is_empty() {
            assert_eq!(l["total"], c["total"], "{c}");
        }
    }
    let page = app.login_as("director").await;
    let (s, html) = page.get_text(&format!("/evidence/counts?school={school}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("/evidence?kind="));
    // A teacher has no school view.
    let teacher = app.login_as("teacher").await;
    let (s, _) = teacher.get_text("/evidence/counts").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}
both_dbs!(school_counts_drill_down);

async fn research_projects(app: TestApp) {
    let me = teacher(&app, "GF0005").await;
    let member = teacher(&app, "GF0007").await;
    let api = Api::new(&app, "teacher").await;
    let (s, p) = api
        .post(
            "/api/v1/projects",
            json!({"title": "作业设计研究", "level": "county", "applied_on": "2026-03-01",
                   "host_teacher_id": me, "members": [member]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    assert_eq!(p["stage"], "applied");
    let id = p["id"].as_i64().unwrap();
    // Stages follow in order, dates never go back.
    let (s, v) = api
        .post(
            &format!("/api/v1/projects/{id}/stages"),
            json!({"stage": "concluded", "on_date": "2026-04-01"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (s, _) = api
        .post(
            &format!("/api/v1/projects/{id}/stages"),
            json!({"stage": "approved", "on_date": "2026-02-01"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (s, v) = api
        .post(
            &format!("/api/v1/projects/{id}/stages"),
            json!({"stage": "立项", "on_date": "2026-04-01", "note": "区教研室立项"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["stage"], "approved");
    assert_eq!(v["stages"].as_array().unwrap().len(), 2);
    // The member sees it in their portfolio; the host cannot verify it.
    let (_, list) = api.get(&format!("/api/v1/projects?teacher_id={member}")).await;
    assert!(list.as_array().unwrap().iter().any(|x| x["id"] == id));
    let (s, _) = api
        .post(
            &format!("/api/v1/projects/{id}/status"),
            json!({"status": "verified"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let director = Api::new(&app, "director").await;
    let (s, v) = director
        .post(
            &format!("/api/v1/projects/{id}/status"),
            json!({"status": "verified"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["status"], "verified");
    let (s, _) = api
        .upload(
            &format!("/api/v1/projects/{id}/attachments"),
            "approval.pdf",
            b"%PDF-1.4\n%%EOF\n".to_vec(),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let page = app.login_as("teacher").await;
    let (s, html) = page.get_text(&format!("/projects/{id}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("approval.pdf") && html.contains("区教研室立项"));
    let (_, html) = page.get_text(&format!("/teachers/{me}/portfolio")).await;
    assert!(html.contains("作业设计研究"));
    // Another school's director cannot see it.
    let other = Api::new(&app, "kgdirector").await;
    let (s, _) = other.get(&format!("/api/v1/projects/{id}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}
both_dbs!(research_projects);

async fn quick_add_and_mentor_pairs_on_pages(app: TestApp) {
    let me = teacher(&app, "GF0005").await;
    let page = app.login_as("teacher").await;
    let portfolio = format!("/teachers/{me}/portfolio");
    for (kind, title, extra) in [
        ("observation", "《荷花》", ("observed_teacher", "王老师")),
        ("reading", "《给教师的建议》", ("text", "第 3 条")),
        ("writing", "今天的作业讲评", ("text", "反思")),
    ] {
        let r = page
            .post_form(
                &portfolio,
                &format!("{portfolio}/quick"),
                &[("kind", kind), ("title", title), extra],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "quick {kind}");
        let (_, html) = page.get_text(&portfolio).await;
        assert!(html.contains(title));
    }
    let api = Api::new(&app, "teacher").await;
    // A colleague picked (or typed) by name is the colleague, and the
    // picker offers names, not "#18 丁悦雨".
    let colleague = teacher(&app, "GF0006").await;
    let (_, c) = Api::new(&app, "director")
        .await
        .get(&format!("/api/v1/teachers/{colleague}"))
        .await;
    let name = c["teacher"]["name"].as_str().unwrap().to_string();
    // The school's staff are fetched when the observed colleague's field
    // is focused, not sent with every view of the timeline.
    let (_, html) = page.get_text(&portfolio).await;
    assert!(!html.contains(&format!("<option value=\"{name}\">")));
    assert!(html.contains(&format!("hx-get=\"{portfolio}/colleagues\"")));
    let (s, html) = page.get_text(&format!("{portfolio}/colleagues")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.starts_with("<datalist id=\"colleagues\">"), "{html}");
    assert!(html.contains(&format!("<option value=\"{name}\">")), "{html}");
    assert!(!html.contains("<option value=\"#"), "no ids in the picker");
    let r = page
        .post_form(
            &portfolio,
            &format!("{portfolio}/quick"),
            &[
                ("kind", "observation"),
                ("title", "《观潮》二"),
                ("observed_teacher", &name),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, v) = api
        .get(&format!(
            "/api/v1/teachers/{me}/evidence?kind=observation&per_page=100"
        ))
        .await;
    let id = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["title"] == "《观潮》二")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let (_, got) = api.get(&format!("/api/v1/evidence/{id}")).await;
    assert_eq!(
        got["evidence"]["details"]["observed_teacher"]["teacher_id"], colleague,
        "{got}"
    );
    let (_, v) = api
        .get(&format!(
            "/api/v1/teachers/{me}/evidence?kind=writing&subtype=reflection"
        ))
        .await;
    assert!(
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["title"] == "今天的作业讲评")
    );
    // Mentor pairs: the director proposes a pair on the page.
    let director = app.login_as("director").await;
    let mentor = teacher(&app, "GF0008").await.to_string();
    let apprentice = teacher(&app, "GF0040").await.to_string();
    let r = director
        .post_form(
            "/mentoring",
            "/mentoring",
            &[
                ("mentor", &mentor),
                ("apprentices", &apprentice),
                ("starts_on", "2026-09-01"),
                ("ends_on", "2027-07-15"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = director
        .post_form(
            "/mentoring",
            "/mentoring",
            &[
                ("mentor", &mentor),
                ("apprentices", &apprentice),
                ("starts_on", "2026-09-02"),
                ("ends_on", "2027-07-15"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "paired twice");
    // A refusal names its field for the page to show beside it, and keeps
    // what was chosen and typed.
    let r = director
        .post_form(
            "/mentoring",
            "/mentoring",
            &[
                ("mentor", &mentor),
                ("apprentices", &mentor),
                ("starts_on", "2026-09-03"),
                ("ends_on", "2027-07-15"),
            ],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "paired with oneself"
    );
    let body = r.text().await.unwrap();
    assert!(
        body.contains(r#"data-fields="{&quot;apprentices&quot;:&quot;"#)
            || body.contains(r#"data-fields="{&#34;apprentices&#34;:&#34;"#),
        "{body}"
    );
    assert!(
        body.contains(&format!(r#"<option value="{mentor}" "#)) && body.contains(r#"value="2026-09-03""#)
    );
    let chosen = body.matches(&format!(r#"value="{mentor}" "#)).count();
    let selected = body
        .split(&format!(r#"<option value="{mentor}" "#))
        .skip(1)
        .filter(|rest| rest.split('>').next().unwrap_or("").contains("selected"))
        .count();
    assert_eq!(
        (chosen, selected),
        (3, 2),
        "the mentor stays chosen as mentor and apprentice (and is offered as a second apprentice)"
    );
    let teacher_page = app.login_as("teacher").await;
    let r = teacher_page
        .post_form(
            "/",
            "/mentoring",
            &[
                ("mentor", &mentor),
                ("apprentices", &apprentice),
                ("starts_on", "2026-09-01"),
                ("ends_on", "2027-07-15"),
            ],
        )
        .await;
    assert!(r.status() == StatusCode::FORBIDDEN || r.status() == StatusCode::NOT_FOUND);
}
both_dbs!(quick_add_and_mentor_pairs_on_pages);

pub(crate) fn pdf_text(bytes: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.pdf");
    std::fs::write(&path, bytes).unwrap();
    let out = std::process::Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed by scripts/test");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

async fn growth_report_downloads(app: TestApp) {
    let me = teacher(&app, "GF0005").await;
    // The page button, in the teacher's language.
    let page = app.login_as("teacher").await;
    let r = page
        .get(&format!("/teachers/{me}/report?format=pdf&lang=zh-CN"))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert!(
        r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("filename*=UTF-8''")
    );
    let text = pdf_text(&r.bytes().await.unwrap());
    // A colleague's observation of my lesson is hers, not mine: it is
    // not in my report.
    let colleague = teacher(&app, "GF0004").await;
    let (s, _) = Api::new(&app, "mentor")
        .await
        .post(
            &format!("/api/v1/teachers/{colleague}/evidence"),
            json!({"kind": "observation", "date": "2026-10-21", "title": "《观潮》听课",
                   "details": {"observed_teacher": me}}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let r = page
        .get(&format!("/teachers/{me}/report?format=pdf&lang=zh-CN"))
        .await;
    let after = pdf_text(&r.bytes().await.unwrap());
    assert!(
        !after.contains("观潮"),
        "an observation of my lesson is not my record"
    );
    assert!(text.contains("姓名"), "姓名 labels a person's name");
    for must in [
        "教师专业成长报告",
        "张晓雨",
        "成长记录",
        "送教下乡",
        "山阳镇中心小学",
    ] {
        assert!(text.contains(must), "{must} in the Chinese report");
    }
    // Her pair: with her mentor, as apprentice, with its activity.
    for must in ["师徒结对", "徒弟", "李秀英", "完成双向互动 1 轮"] {
        assert!(text.contains(must), "{must} in the mentoring section");
    }
    let r = page
        .get(&format!("/teachers/{me}/report?format=docx&lang=en"))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let bytes = r.bytes().await.unwrap();
    assert!(bytes.starts_with(b"PK"));
    let doc = crate::helpers::zip_entry(&bytes, "word/document.xml");
    assert!(
        doc.contains("Mentoring") && doc.contains("Apprentice"),
        "the pair in English"
    );
    // The API, in English, for a period; the mentor may; another school not.
    for user in ["mentor", "director"] {
        let api = Api::new(&app, user).await;
        let resp = reqwest::Client::new()
            .get(format!(
                "{}/api/v1/teachers/{me}/report?lang=en&from=2025-09-01",
                app.addr
            ))
            .bearer_auth(&api.token)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::OK, "{user}");
        let text = pdf_text(&resp.bytes().await.unwrap());
        assert!(text.contains("Teacher growth report") && text.contains("张晓雨"));
    }
    let other = Api::new(&app, "kgdirector").await;
    let (s, _) = other.get(&format!("/api/v1/teachers/{me}/report")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let api = Api::new(&app, "teacher").await;
    let (s, v) = api.get(&format!("/api/v1/teachers/{me}/report?format=odt")).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["error"]["field"], "format");
    let (s, _) = api
        .get(&format!(
            "/api/v1/teachers/{me}/report?from=2026-09-01&to=2025-09-01"
        ))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
}
both_dbs!(growth_report_downloads);

/// A sheet for a test workbook: name, headers, rows.
type TestSheet<'a> = (&'a str, &'a [&'a str], &'a [&'a [&'a str]]);

fn workbook(sheets: &[TestSheet]) -> Vec<u8> {
    let tables: Vec<lingyan_reports::Table> = sheets
        .iter()
        .map(|(title, headers, rows)| lingyan_reports::Table {
            title: title.to_string(),
            headers: headers.iter().map(|h| h.to_string()).collect(),
            rows: rows
                .iter()
                .map(|r| {
                    r.iter()
                        .map(|c| lingyan_reports::Cell::Text(c.to_string()))
                        .collect()
                })
                .collect(),
        })
        .collect();
    lingyan_reports::xlsx(&tables).unwrap()
}

async fn evidence_import_over_api_and_page(app: TestApp) {
    let school = app.school_id("GFSY").await;
    let api = Api::new(&app, "director").await;
    // The template reads back: every sheet is a kind, every header known.
    let page = app.login_as("director").await;
    let r = page.get("/import/evidence/template.xlsx").await;
    assert_eq!(r.status(), StatusCode::OK);
    let template = r.bytes().await.unwrap().to_vec();
    let (s, v) = api
        .upload(
            &format!("/api/v1/schools/{school}/evidence-import"),
            "t.xlsx",
            template,
        )
        .await;
    assert_eq!(
        s,
        StatusCode::UNPROCESSABLE_ENTITY,
        "an empty template has no rows: {v}"
    );
    // One kind per sheet, no kind column.
    let file = workbook(&[
        (
            "论文",
            &[
                "工号",
                "日期",
                "标题",
                "级别",
                "刊物",
                "发表情况",
                "获奖级别",
                "等次",
            ],
            &[&[
                "GF0005",
                "2025-11-02",
                "整本书阅读的实践",
                "市级",
                "小学教学参考",
                "已发表",
                "县级",
                "一等奖",
            ]],
        ),
        (
            "获奖",
            &["姓名", "日期", "比赛名称", "级别", "等次"],
            &[&["李秀英", "2026-04-01", "创新杯", "省级", "二等奖"]],
        ),
    ]);
    let path = format!("/api/v1/schools/{school}/evidence-import");
    let (s, v) = api
        .upload(&format!("{path}?dry_run=true"), "e.xlsx", file.clone())
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["added"], 2);
    assert_eq!(v["by_kind"]["article"], 1);
    let me = teacher(&app, "GF0005").await;
    let (_, before) = api
        .get(&format!("/api/v1/teachers/{me}/evidence?kind=article"))
        .await;
    // Errors name the sheet, row and column; nothing is written.
    let bad = workbook(&[
        (
            "论文",
            &["工号", "日期", "标题", "级别", "刊物", "发表情况"],
            &[&["GF0005", "2025-11-02", "好文章", "市级", "", "已发表"]],
        ),
        (
            "杂项",
            &["工号", "日期", "标题"],
            &[&["GF0005", "2025-11-02", "x"]],
        ),
    ]);
    let (s, v) = api.upload(&path, "bad.xlsx", bad).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let errors = v["errors"].as_array().unwrap();
    assert!(
        errors
            .iter()
            .any(|e| e["sheet"] == "论文" && e["row"] == 2 && e["column"] == "刊物"),
        "{v}"
    );
    assert!(
        errors
            .iter()
            .any(|e| e["sheet"] == "杂项" && e["code"] == "kind_unknown_for_sheet"),
        "{v}"
    );
    let (_, after) = api
        .get(&format!("/api/v1/teachers/{me}/evidence?kind=article"))
        .await;
    assert_eq!(before["total"], after["total"]);
    // The page writes it; a second time everything is skipped.
    let csrf = page.csrf_from("/import/evidence").await;
    for (want_added, want_skipped) in [(2, 0), (0, 2)] {
        let form = reqwest::multipart::Form::new()
            .text("csrf_token", csrf.clone())
            .text("school", school.to_string())
            .part(
                "file",
                reqwest::multipart::Part::bytes(file.clone()).file_name("e.xlsx"),
            );
        let r = page
            .http
            .post(page.url("/import/evidence"))
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let html = r.text().await.unwrap();
        assert!(html.contains(&format!("Imported {want_added} records")), "{html}");
        if want_skipped > 0 {
            assert!(html.contains(&format!("{want_skipped} rows were already there")));
        }
    }
    let (_, after) = api
        .get(&format!("/api/v1/teachers/{me}/evidence?kind=article"))
        .await;
    assert_eq!(
        after["total"].as_u64().unwrap(),
        before["total"].as_u64().unwrap() + 1
    );
    // A teacher may not import.
    let t = Api::new(&app, "teacher").await;
    let (s, _) = t.upload(&path, "e.xlsx", file).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}
both_dbs!(evidence_import_over_api_and_page);
