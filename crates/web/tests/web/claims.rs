//! Claims for outside training through the approval chain, rejections
//! with reasons, withdrawal, one entry when a claim and an import bring the
//! same training, a chain of "none", and district staff's adjustments and
//! removals — over the API and the pages, on both databases.

use crate::both_dbs;
use crate::evidence::Api;
use crate::helpers::TestApp;
use reqwest::StatusCode;
use serde_json::{Value, json};

pub(crate) const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";

fn claim(title: &str, start: &str, hours: f64) -> Value {
    json!({"title": title, "organiser": "市教育科学研究院", "start": start, "end": start,
           "form": "centralized", "level": "municipal", "hours": hours})
}

pub(crate) async fn submit(api: &Api, claim: &Value, file: Option<(&str, &[u8])>) -> (StatusCode, Value) {
    let mut form = reqwest::multipart::Form::new().text("claim", claim.to_string());
    if let Some((name, bytes)) = file {
        form = form.part(
            "certificate",
            reqwest::multipart::Part::bytes(bytes.to_vec()).file_name(name.to_string()),
        );
    }
    let r = api
        .http
        .post(format!("{}/api/v1/me/claims", api.base()))
        .bearer_auth(&api.token)
        .header("accept-language", "en")
        .multipart(form)
        .send()
        .await
        .unwrap();
    let s = r.status();
    (s, r.json().await.unwrap_or(Value::Null))
}

/// (field, code) of every problem; a single problem's code is its message.
fn fields(e: &Value) -> Vec<(String, String)> {
    let all = e["error"]["fields"]
        .as_array()
        .cloned()
        .unwrap_or_else(|| vec![e["error"].clone()]);
    all.iter()
        .map(|x| {
            (
                x["field"].as_str().unwrap_or("").to_string(),
                x["code"]
                    .as_str()
                    .filter(|c| *c != "invalid")
                    .or(x["message"].as_str())
                    .unwrap_or("")
                    .to_string(),
            )
        })
        .collect()
}

async fn entries_titled(api: &Api, teacher: i64, title: &str) -> Vec<Value> {
    let (s, t) = api
        .get(&format!("/api/v1/teachers/{teacher}/credits?as_of=2026-12-01"))
        .await;
    assert_eq!(s, StatusCode::OK, "{t}");
    t["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["title"].as_str() == Some(title))
        .cloned()
        .collect()
}

async fn claims_through_the_chain(app: TestApp) {
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
    assert_eq!(v["rules"]["approval"].as_str(), Some("school_then_district"));
    let teacher = Api::new(&app, "teacher").await;
    let director = Api::new(&app, "director").await;
    let kg = Api::new(&app, "kgdirector").await;
    let (_, me) = teacher.get("/api/v1/me/credits").await;
    let me_id = me["teacher_id"].as_i64().unwrap();

    // Bad input: every field named, a "certificate" that is not a PDF or
    // an image, none at all; nothing is written.
    let bad = json!({"title": "", "organiser": "乙", "start": "2026-07-10", "end": "2026-07-01",
                     "form": "centralized", "hours": 0, "what": "expert_lecture"});
    let (s, e) = submit(&teacher, &bad, Some(("cert.pdf", b"just text, not a pdf"))).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let got = fields(&e);
    for want in [
        ("training_title", "required"),
        ("end", "before_start"),
        ("hours", "out_of_range"),
        ("what", "claim_not_for_activities"),
        ("certificate", "certificate_not_pdf_or_image"),
    ] {
        assert!(
            got.contains(&(want.0.to_string(), want.1.to_string())),
            "{want:?} in {e}"
        );
    }
    let (s, e) = submit(&teacher, &claim("甲", "2026-07-10", 8.0), None).await;
    assert_eq!(
        (s, fields(&e)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec![("certificate".to_string(), "certificate_required".to_string())]
        ),
        "{e}"
    );
    let (s, e) = submit(&teacher, &claim("甲", "2099-07-10", 8.0), Some(("c.pdf", PDF))).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert!(fields(&e).contains(&("end".to_string(), "in_future".to_string())));
    let (_, mine) = teacher.get("/api/v1/me/claims").await;
    assert_eq!(mine.as_array().unwrap().len(), 0);

    // The chain: the school, then the district; never the teacher.
    let (s, c) = submit(
        &teacher,
        &claim("市级课堂教学研讨会", "2026-07-10", 8.0),
        Some(("证书.pdf", PDF)),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    let id = c["id"].as_i64().unwrap();
    assert_eq!(
        (c["status"].as_str(), c["chain"].as_str()),
        (Some("pending_school"), Some("school_then_district"))
    );
    assert_eq!(c["certificate"].as_str(), Some("证书.pdf"));
    let approve = format!("/api/v1/claims/{id}/approve");
    let (s, _) = teacher.post(&approve, json!({})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = kg.post(&approve, json!({})).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = admin.post(&approve, json!({})).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "the district waits for the school");
    let (s, q) = director
        .get(&format!("/api/v1/schools/{}/claims", c["school_id"]))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(q.as_array().unwrap().len(), 1, "{q}");
    let (s, c) = director.post(&approve, json!({})).await;
    assert_eq!(
        (s, c["status"].as_str()),
        (StatusCode::OK, Some("pending_district")),
        "{c}"
    );
    let (s, _) = director.post(&approve, json!({})).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "the school's step is done");
    assert!(
        entries_titled(&admin, me_id, "市级课堂教学研讨会")
            .await
            .is_empty()
    );
    let (_, q) = admin.get(&format!("/api/v1/districts/{district}/claims")).await;
    assert_eq!(q.as_array().unwrap().len(), 1, "{q}");
    let (s, c) = admin.post(&approve, json!({})).await;
    assert_eq!(
        (s, c["status"].as_str()),
        (StatusCode::OK, Some("approved")),
        "{c}"
    );
    let e = entries_titled(&admin, me_id, "市级课堂教学研讨会").await;
    assert_eq!(e.len(), 1);
    assert_eq!(e[0]["source"].as_str(), Some("claim"));
    let (s, e) = admin.post(&approve, json!({})).await;
    assert_eq!(
        (s, fields(&e)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec![(
                "status".to_string(),
                "Status: this claim has already been decided".to_string()
            )]
        )
    );
    // The same training again: already on the transcript.
    let (s, e) = submit(
        &teacher,
        &claim("市级 课堂教学研讨会！", "2026-07-10", 8.0),
        Some(("c.pdf", PDF)),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        fields(&e),
        vec![("training_title".to_string(), "already_in_ledger".to_string())]
    );
    // The certificate, for the teacher and the deciders, not for strangers.
    let cert = format!("/api/v1/claims/{id}/certificate");
    for (who, ok) in [(&teacher, true), (&director, true), (&kg, false)] {
        let r = who
            .http
            .get(format!("{}{cert}", who.base()))
            .bearer_auth(&who.token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().is_success(), ok);
        if ok {
            assert!(r.bytes().await.unwrap().starts_with(b"%PDF"));
        }
    }

    // A rejection needs a reason, which the teacher sees.
    let (_, c) = submit(
        &teacher,
        &claim("读书分享会", "2026-06-01", 4.0),
        Some(("c.png", &png())),
    )
    .await;
    let rid = c["id"].as_i64().unwrap();
    let reject = format!("/api/v1/claims/{rid}/reject");
    let (s, e) = director.post(&reject, json!({"reason": "  "})).await;
    assert_eq!(
        (s, fields(&e)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec![(
                "reason".to_string(),
                "Reason: say why, so the teacher knows".to_string()
            )]
        )
    );
    let (s, c) = director
        .post(&reject, json!({"reason": "证书未盖章，请补交。"}))
        .await;
    assert_eq!(
        (s, c["status"].as_str()),
        (StatusCode::OK, Some("rejected")),
        "{c}"
    );
    let (_, mine) = teacher.get("/api/v1/me/claims").await;
    let r = mine
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"].as_i64() == Some(rid))
        .unwrap();
    assert_eq!(
        (r["reason"].as_str(), r["status_text"].as_str()),
        (Some("证书未盖章，请补交。"), Some("Returned"))
    );
    // A returned claim does not block claiming the training again.
    let (s, c) = submit(
        &teacher,
        &claim("读书分享会", "2026-06-01", 4.0),
        Some(("c.pdf", PDF)),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    let wid = c["id"].as_i64().unwrap();
    let (s, e) = submit(
        &teacher,
        &claim("读书分享会", "2026-06-01", 4.0),
        Some(("c.pdf", PDF)),
    )
    .await;
    assert_eq!(
        (s, fields(&e)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec![("training_title".to_string(), "already_claimed".to_string())]
        )
    );
    // Withdrawn by the teacher only.
    let (s, _) = director
        .post(&format!("/api/v1/claims/{wid}/withdraw"), json!({}))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, c) = teacher
        .post(&format!("/api/v1/claims/{wid}/withdraw"), json!({}))
        .await;
    assert_eq!((s, c["status"].as_str()), (StatusCode::OK, Some("withdrawn")));

    // A claim and an import of the same training: one entry.
    let (_, c) = submit(
        &teacher,
        &claim("国培计划示范性网络研修", "2026-05-10", 16.0),
        Some(("c.pdf", PDF)),
    )
    .await;
    let did = c["id"].as_i64().unwrap();
    let file = "工号,身份证号,姓名,培训年度,培训类别,培训项目名称,培训机构名称,培训方式,培训获得学时,培训获得学分,培训开始日期,培训结束日期\n\
                GF0005,,,2026,10,国培计划示范性网络研修,教育部,3,16,16,2026-05-10,2026-05-10\n";
    let (s, r) = admin
        .upload(
            &format!("/api/v1/districts/{district}/credits/import"),
            "n.csv",
            file.as_bytes().to_vec(),
        )
        .await;
    assert_eq!((s, r["added"].as_i64()), (StatusCode::OK, Some(1)), "{r}");
    director
        .post(&format!("/api/v1/claims/{did}/approve"), json!({}))
        .await;
    let (_, c) = admin
        .post(&format!("/api/v1/claims/{did}/approve"), json!({}))
        .await;
    assert_eq!(c["status"].as_str(), Some("approved"), "{c}");
    let e = entries_titled(&admin, me_id, "国培计划示范性网络研修").await;
    assert_eq!(e.len(), 1, "one entry: {e:?}");
    assert_eq!(e[0]["source"].as_str(), Some("import"));
    assert_eq!(c["entry_id"].as_i64(), e[0]["id"].as_i64());

    // Adjustments and removals: district staff, with a reason.
    let adj = format!("/api/v1/teachers/{me_id}/credits/adjustments");
    let body = json!({"date": "2026-11-20", "title": "补记：师德专题讲座", "form": "centralized",
                      "area": "ethics", "credits": 2, "reason": "签到表遗漏，经核实补记"});
    let (s, _) = director.post(&adj, body.clone()).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, e) = admin
        .post(
            &adj,
            json!({"date": "2026-11-20", "title": "补记", "form": "centralized", "credits": 2, "reason": ""}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&e), vec![("reason".to_string(), "required".to_string())]);
    let (s, a) = admin.post(&adj, body).await;
    assert_eq!(s, StatusCode::CREATED, "{a}");
    let e = entries_titled(&admin, me_id, "补记：师德专题讲座").await;
    assert_eq!(
        (e[0]["source"].as_str(), e[0]["counted"].as_f64()),
        (Some("adjustment"), Some(2.0)),
        "{e:?}"
    );
    let imported = entries_titled(&admin, me_id, "国培计划示范性网络研修").await[0]["id"]
        .as_i64()
        .unwrap();
    let claimed = entries_titled(&admin, me_id, "市级课堂教学研讨会").await[0]["id"]
        .as_i64()
        .unwrap();
    let (s, e) = admin
        .post(
            &format!("/api/v1/credit-entries/{claimed}/remove"),
            json!({"reason": "x"}),
        )
        .await;
    assert_eq!(
        (s, fields(&e)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec![(
                "entry".to_string(),
                "Record: this record follows the attendance or the claim it came from: change it there"
                    .to_string()
            )]
        )
    );
    let (s, _) = director
        .post(
            &format!("/api/v1/credit-entries/{imported}/remove"),
            json!({"reason": "重复"}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = admin
        .post(
            &format!("/api/v1/credit-entries/{imported}/remove"),
            json!({"reason": "重复导入"}),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    assert!(
        entries_titled(&admin, me_id, "国培计划示范性网络研修")
            .await
            .is_empty()
    );

    // The pages, in Chinese: the teacher claims with the form, the director
    // finds it in the queue and returns it with a reason.
    let page = app
        .login_with(app.client_with_lang(Some("zh-CN")), "teacher")
        .await;
    let (s, html) = page.get_text("/claims").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains("我的学分申报") && html.contains("证书未盖章，请补交。"),
        "{html}"
    );
    let csrf = page.csrf_from("/claims").await;
    let form = reqwest::multipart::Form::new()
        .text("csrf_token", csrf)
        .text("training_title", "区级信息技术应用能力提升培训")
        .text("organiser", "广府区教师进修学校")
        .text("start", "2026-10-10")
        .text("end", "2026-10-11")
        .text("form", "centralized")
        .text("level", "county")
        .text("hours", "12")
        .part(
            "certificate",
            reqwest::multipart::Part::bytes(PDF.to_vec()).file_name("证书.pdf"),
        );
    let r = page
        .http
        .post(page.url("/claims"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let to = r.headers()["location"].to_str().unwrap().to_string();
    let (_, html) = page.get_text(&to).await;
    assert!(html.contains("待学校审核"), "{html}");
    // A form with problems is shown again with what was typed.
    let csrf = page.csrf_from("/claims").await;
    let form = reqwest::multipart::Form::new()
        .text("csrf_token", csrf)
        .text("training_title", "没有证书的培训")
        .text("organiser", "某机构")
        .text("start", "2026-10-10")
        .text("end", "2026-10-11")
        .text("form", "centralized")
        .text("hours", "abc");
    let r = page
        .http
        .post(page.url("/claims"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("没有证书的培训") && html.contains("data-fields"),
        "{html}"
    );
    let dir_page = app
        .login_with(app.client_with_lang(Some("zh-CN")), "director")
        .await;
    let school = c["school_id"].as_i64().unwrap();
    let (_, html) = dir_page
        .get_text(&format!("/schools/{school}/credits/claims"))
        .await;
    assert!(html.contains("区级信息技术应用能力提升培训"), "{html}");
    let (_, home) = dir_page.get_text("/").await;
    assert!(home.contains("条学分申报待您审核"), "{home}");
    let r = dir_page
        .post_form(&to, &format!("{to}/reject"), &[("reason", "请补充培训通知")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = page.get_text(&to).await;
    assert!(
        html.contains("已退回") && html.contains("请补充培训通知"),
        "{html}"
    );

    // A chain of "none": counted at once.
    let (_, rules) = admin
        .get(&format!("/api/v1/districts/{district}/credit-rules?year=2026"))
        .await;
    let mut r = rules["rules"].clone();
    r["approval"] = json!("none");
    r["prior_approval"] = json!(true);
    let (s, v) = admin
        .put(
            &format!("/api/v1/districts/{district}/credit-rules"),
            json!({"year": 2026, "rules": r}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    // Where outside training needs approval beforehand, the claim says which.
    let (s, e) = submit(
        &teacher,
        &claim("秋季网络研修", "2026-11-01", 6.0),
        Some(("c.pdf", PDF)),
    )
    .await;
    assert_eq!(
        (s, fields(&e)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec![(
                "prior_approval_ref".to_string(),
                "prior_approval_required".to_string()
            )]
        ),
        "{e}"
    );
    let mut approved = claim("秋季网络研修", "2026-11-01", 6.0);
    approved["prior_approval"] = json!("广府实验小学〔2026〕12 号");
    let (s, c) = submit(&teacher, &approved, Some(("c.pdf", PDF))).await;
    assert_eq!(
        (s, c["status"].as_str()),
        (StatusCode::CREATED, Some("approved")),
        "{c}"
    );
    assert_eq!(
        c["claim"]["prior_approval"].as_str(),
        Some("广府实验小学〔2026〕12 号")
    );
    assert_eq!(entries_titled(&admin, me_id, "秋季网络研修").await.len(), 1);
}

/// The smallest PNG: a 1×1 pixel.
fn png() -> Vec<u8> {
    vec![
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00,
        0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4, 0x89, 0x00,
        0x00, 0x00, 0x0D, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x00, 0x01, 0x00, 0x00, 0x05, 0x00, 0x01,
        0x0D, 0x0A, 0x2D, 0xB4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
    ]
}

both_dbs!(claims_through_the_chain, without_duties);
