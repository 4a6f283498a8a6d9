//! Both languages: pages render in each, the choice is remembered, and
//! every translation key used anywhere exists in zh-CN and en.

use crate::both_dbs;
use crate::helpers::{PASSWORD, TestApp};
use lingyan_domain::{Locale, Role, SchoolType};
use regex::Regex;
use reqwest::StatusCode;
use std::collections::BTreeSet;
use std::path::Path;

async fn login_and_home_render_in_both_languages(app: TestApp) {
    let zh = app.client_with_lang(Some("zh-CN,zh;q=0.9,en;q=0.5"));
    let (s, body) = zh.get_text("/login").await;
    assert_eq!(s, StatusCode::OK);
    assert!(body.contains(r#"<html lang="zh-CN" "#) && body.contains("登录") && body.contains("用户名"));
    let r = zh
        .post_form(
            "/login",
            "/login",
            &[("username", "teacher"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, home) = zh.get_text("/").await;
    assert!(home.contains("您好，张晓雨") && home.contains("退出"), "{home}");

    let en = app.client_with_lang(Some("en-GB,en;q=0.9"));
    let (_, body) = en.get_text("/login").await;
    assert!(body.contains(r#"<html lang="en" "#) && body.contains("Sign in") && body.contains("Username"));
    let r = en
        .post_form(
            "/login",
            "/login",
            &[("username", "mentor"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, home) = en.get_text("/").await;
    assert!(home.contains("Welcome, 李秀英") && home.contains("Sign out"));
}
both_dbs!(login_and_home_render_in_both_languages);

async fn language_switch_is_remembered(app: TestApp) {
    // Anonymous: a cookie.
    let c = app.client_with_lang(Some("en"));
    let r = c
        .post_form("/login", "/lang", &[("lang", "zh-CN"), ("next", "/login")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, body) = c.get_text("/login").await;
    assert!(body.contains("用户名"));

    // Signed in: saved on the account, so another browser gets it too.
    let a = app.login_as("principal").await;
    let r = a
        .post_form("/", "/lang", &[("lang", "zh-CN"), ("next", "/")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let b = app.client_with_lang(Some("en-US"));
    b.post_form(
        "/login",
        "/login",
        &[("username", "principal"), ("password", PASSWORD)],
    )
    .await;
    let (_, home) = b.get_text("/").await;
    assert!(home.contains("您好，方胜利"));
    // The API follows the saved language as well.
    let v: serde_json::Value = b.get("/api/v1/users/999999").await.json().await.unwrap();
    assert_eq!(v["error"]["message"], "未找到，或您无权查看。");
    // Unknown languages are refused, naming the field.
    let r = a.post_form("/", "/lang", &[("lang", "fr")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
}
both_dbs!(language_switch_is_remembered);

/// Every coded value that templates show through `tr.label(group, code)`.
fn label_groups() -> Vec<(&'static str, Vec<&'static str>)> {
    use lingyan_domain::credits::{Approval, Area, Earning, Form, Unit};
    use lingyan_domain::*;
    vec![
        ("levels", Level::ALL.iter().map(|l| l.code()).collect()),
        ("credit_forms", Form::ALL.iter().map(|x| x.code()).collect()),
        ("credit_areas", Area::ALL.iter().map(|x| x.code()).collect()),
        ("credit_units", Unit::ALL.iter().map(|x| x.code()).collect()),
        (
            "approval_chains",
            Approval::ALL.iter().map(|x| x.code()).collect(),
        ),
        ("earnings", Earning::ALL.iter().map(|x| x.code()).collect()),
        (
            "activity_types",
            lingyan_domain::activities::ActivityType::ALL
                .iter()
                .map(|x| x.code())
                .collect(),
        ),
        ("credit_sources", vec!["import", "activity"]),
        (
            "notices",
            vec!["waitlist_promoted", "leave_approved", "leave_refused"],
        ),
        (
            "attendance",
            lingyan_domain::activities::attendance::Status::ALL
                .iter()
                .map(|x| x.code())
                .chain([
                    "withheld_not_training",
                    "withheld_not_there",
                    "withheld_no_sign_out",
                    "withheld_too_short",
                    "withheld_no_feedback",
                    "by_qr",
                    "by_code",
                    "by_checkoff",
                    "by_import",
                    "by_leave",
                    "leave_requested",
                    "leave_approved",
                    "leave_refused",
                ])
                .collect(),
        ),
        ("honour_kinds", HonourKind::ALL.iter().map(|k| k.code()).collect()),
        ("honour_status", vec!["active", "expired", "revoked"]),
        ("employment", Employment::ALL.iter().map(|e| e.code()).collect()),
        ("posts", Post::ALL.iter().map(|p| p.code()).collect()),
        ("education", Education::ALL.iter().map(|e| e.code()).collect()),
        ("gender", Gender::ALL.iter().map(|g| g.code()).collect()),
        ("sections", Section::ALL.iter().map(|s| s.code()).collect()),
        ("group_kinds", GroupKind::ALL.iter().map(|k| k.code()).collect()),
        (
            "group_positions",
            GroupPosition::ALL.iter().map(|p| p.code()).collect(),
        ),
        (
            "leading_positions",
            LeadingPosition::ALL.iter().map(|p| p.code()).collect(),
        ),
        (
            "age_bands",
            lingyan_store::teachers::AgeBand::ALL
                .iter()
                .map(|b| b.code())
                .collect(),
        ),
        (
            "return_reasons",
            vec!["files", "date", "level", "content", "duplicate"],
        ),
        (
            "evidence_kinds",
            EvidenceKind::ALL.iter().map(|k| k.code()).collect(),
        ),
        (
            "evidence.about",
            EvidenceKind::ALL.iter().map(|k| k.code()).collect(),
        ),
        ("class_type", ClassType::ALL.iter().map(|k| k.code()).collect()),
        (
            "writing_type",
            WritingType::ALL.iter().map(|k| k.code()).collect(),
        ),
        (
            "training_mode",
            TrainingMode::ALL.iter().map(|k| k.code()).collect(),
        ),
        ("plan_type", PlanType::ALL.iter().map(|k| k.code()).collect()),
        ("publication", Publication::ALL.iter().map(|k| k.code()).collect()),
        (
            "evidence_status",
            EvidenceStatus::ALL.iter().map(|k| k.code()).collect(),
        ),
        (
            "project_stage",
            ProjectStage::ALL.iter().map(|k| k.code()).collect(),
        ),
        (
            "project_role",
            ProjectRole::ALL.iter().map(|k| k.code()).collect(),
        ),
        ("person_role", vec!["owner", "co_owner", "observed"]),
        (
            "counted_kinds",
            duties::CountedKind::ALL.iter().map(|k| k.code()).collect(),
        ),
        (
            "duty_periods",
            duties::PeriodUnit::ALL.iter().map(|k| k.code()).collect(),
        ),
        (
            "duty_measures",
            duties::Measure::ALL.iter().map(|k| k.code()).collect(),
        ),
        (
            "duty_status",
            duties::DutyStatus::ALL.iter().map(|k| k.code()).collect(),
        ),
        (
            "evidence_events",
            vec!["recorded", "edited", "reopened", "verified", "rejected"],
        ),
        // Every kind's own fields, and what its title and text mean.
        (
            "fields",
            EvidenceKind::ALL
                .iter()
                .flat_map(|k| {
                    k.fields()
                        .iter()
                        .map(|f| f.name)
                        .chain([k.title_field(), k.text_field()])
                })
                .collect(),
        ),
    ]
}

fn workspace() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .parent()
        .unwrap()
}

fn files(dir: &Path, ext: &str, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            files(&p, ext, out);
        } else if p.extension().is_some_and(|x| x == ext) {
            out.push(p);
        }
    }
}

/// Every literal key passed to a translation function in the code or the
/// templates, and every key built from a domain code, exists in both
/// languages; every entry of the file has both languages.
#[test]
fn every_key_is_translated_in_both_languages() {
    let yaml = std::fs::read_to_string(workspace().join("locales/app.yml")).unwrap();
    let doc: serde_yaml_ng::Mapping = serde_yaml_ng::from_str(&yaml).unwrap();
    for (k, v) in &doc {
        let k = k.as_str().unwrap();
        if k == "_version" {
            continue;
        }
        let m = v.as_mapping().unwrap_or_else(|| panic!("{k} is not a mapping"));
        for lang in ["en", "zh-CN"] {
            let t = m.get(lang).and_then(|s| s.as_str()).unwrap_or_default();
            assert!(!t.trim().is_empty(), "{k} has no {lang} text");
        }
        assert_eq!(m.len(), 2, "{k} has languages other than en and zh-CN");
    }

    let mut used = BTreeSet::new();
    let call =
        Regex::new(r#"\b(?:t|t1|t_args|has|n)\((?:[a-z_.0-9]+,\s*)?"([a-z_]+\.[a-z_.0-9]+)""#).unwrap();
    // tr.label("group", code) in templates, for the codes each group has.
    for (group, codes) in label_groups() {
        for c in codes {
            used.insert(format!("{group}.{c}"));
        }
    }
    let mut paths = Vec::new();
    files(&workspace().join("crates"), "rs", &mut paths);
    files(&workspace().join("templates"), "html", &mut paths);
    for p in &paths {
        if p.components().any(|c| c.as_os_str() == "tests") {
            continue;
        }
        let text = std::fs::read_to_string(p).unwrap();
        for c in call.captures_iter(&text) {
            used.insert(c[1].to_string());
        }
    }
    // The audit log says each action and kind of record in words.
    let action = Regex::new(r#"action: "([a-z_]+\.[a-z_]+)""#).unwrap();
    let entity = Regex::new(r#"entity_type: "([a-z_]+)""#).unwrap();
    let transfer = Regex::new(r#""(teacher\.transfer_[a-z]+)""#).unwrap();
    for p in &paths {
        let text = std::fs::read_to_string(p).unwrap();
        for c in action.captures_iter(&text).chain(transfer.captures_iter(&text)) {
            used.insert(format!("audit_actions.{}", &c[1]));
        }
        for c in entity.captures_iter(&text) {
            used.insert(format!("audit_entities.{}", &c[1]));
        }
    }
    // Keys built at run time from domain codes.
    for r in Role::ALL {
        used.insert(format!("roles.{}", r.code()));
    }
    for s in SchoolType::ALL {
        used.insert(format!("school_types.{}", s.code()));
    }
    // Field errors: the field (when written literally) and the code.
    let field_error = Regex::new(r#"FieldError::new\((?:"([a-z_]+)"|[a-z_]+),\s*"([a-z_]+)"\)"#).unwrap();
    let parse_field =
        Regex::new(r#"\b(?:parse|parse_date|parse_yes_no|parse_optional|parse_title)\("([a-z_]+)","#)
            .unwrap();
    for p in &paths {
        let text = std::fs::read_to_string(p).unwrap();
        // Unit tests at the bottom of a file parse made-up values.
        let text = text.split("#[cfg(test)]").next().unwrap_or("");
        for c in field_error.captures_iter(text) {
            if let Some(f) = c.get(1) {
                used.insert(format!("fields.{}", f.as_str()));
            }
            used.insert(format!("errors.{}", &c[2]));
        }
        for c in parse_field.captures_iter(text) {
            used.insert(format!("fields.{}", &c[1]));
        }
    }
    // The roster columns are fields too (their errors name them).
    for (_, _, en, _) in lingyan_store::roster::COLUMNS {
        used.insert(format!("fields.{en}"));
    }
    assert!(used.len() > 150, "the scan found only {} keys", used.len());
    let missing: Vec<String> = used
        .iter()
        .flat_map(|k| Locale::ALL.map(|l| (k, l)))
        .filter(|(k, l)| !lingyan_web::i18n::has(*l, k))
        .map(|(k, l)| format!("{k} [{}]", l.code()))
        .collect();
    assert!(missing.is_empty(), "missing translations: {missing:?}");
}
