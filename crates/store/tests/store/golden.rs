//! The golden fixture: a small school whose calendar has a one-day last
//! week and both holidays, a teacher transferred in from another school,
//! and rules of every period shape; the expected results for 20 days are
//! written by hand in `golden/duties.txt` (with the arithmetic) and
//! checked here on both databases.

use chrono::NaiveDate;
use lingyan_domain::EvidenceInput;
use lingyan_domain::duties::{DutyRuleInput, DutySetInput};
use lingyan_domain::evidence::EvidenceKind;
use lingyan_store::calendar::{self, YearInput};
use lingyan_store::duties::{self, ProgressFilter};
use lingyan_store::teachers::{self, TeacherInput};
use lingyan_store::testing::{Db, demo};
use lingyan_store::{Scope, Store, both_dbs, evidence, schools};
use std::collections::BTreeMap;

const EXPECTED: &str = include_str!("golden/duties.txt");

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn rule(code: &str, kind: &str, count: f64, period: &str) -> DutyRuleInput {
    DutyRuleInput {
        code: code.into(),
        name_zh: code.into(),
        name_en: code.into(),
        kinds: vec![kind.into()],
        count: Some(count),
        period: period.into(),
        ..Default::default()
    }
}

fn rules() -> DutySetInput {
    let mut visit = rule("visit", "study_visit", 2.0, "semester");
    visit.measure = Some("days".into());
    let mut read = rule("read_fortnight", "reading", 1.0, "semester");
    read.every = Some("two_weeks".into());
    let mut hours = rule("train_hours", "training", 24.0, "school_year");
    hours.measure = Some("hours".into());
    let mut backbone = rule("bb_class", "class", 1.0, "semester");
    backbone.tiers = vec!["backbone".into()];
    let mut spring = rule("spring_range", "reading", 1.0, "range");
    spring.from = Some("2026-03-01".into());
    spring.to = Some("2026-04-30".into());
    DutySetInput {
        rules: vec![
            visit,
            rule("obs_week", "observation", 1.0, "week"),
            read,
            rule("reflect_month", "writing", 1.0, "month"),
            rule("class_year", "class", 2.0, "school_year"),
            hours,
            spring,
            backbone,
        ],
    }
}

/// A record as a form would send it.
fn record(kind: EvidenceKind, date: &str, extra: &[(&str, &str)]) -> EvidenceInput {
    let mut details: BTreeMap<String, String> = extra
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let level = match kind {
        EvidenceKind::Class | EvidenceKind::Training => "school",
        _ => "",
    };
    match kind {
        EvidenceKind::Class => {
            details.insert("class_type".into(), "open".into());
        }
        EvidenceKind::Writing => {
            details.insert("writing_type".into(), "reflection".into());
        }
        EvidenceKind::Training => {
            details.insert("organiser".into(), "进修学校".into());
            details.insert("mode".into(), "centralized".into());
        }
        EvidenceKind::StudyVisit => {
            details.insert("destination".into(), "实验小学".into());
        }
        _ => {}
    }
    EvidenceInput {
        kind,
        date: date.into(),
        title: format!("{} {date}", kind.code()),
        level: level.into(),
        text: String::new(),
        details,
    }
}

async fn add(store: &Store, scope: &Scope, owner: i64, records: &[EvidenceInput]) -> Vec<i64> {
    let today = calendar::today();
    let mut ids = Vec::new();
    for r in records {
        let e = evidence::create(store, scope, owner, r, &[], today)
            .await
            .unwrap_or_else(|e| panic!("{r:?}: {e:?}"));
        ids.push(e.id);
    }
    evidence::verify(store, scope, &ids, today).await.unwrap();
    ids
}

struct Line {
    no: usize,
    date: NaiveDate,
    teacher: String,
    rule: String,
    status: String,
    done: f64,
    required: f64,
    listed: usize,
}

fn expected() -> Vec<Line> {
    EXPECTED
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|(i, l)| {
            let f: Vec<&str> = l.split_whitespace().collect();
            assert_eq!(f.len(), 7, "golden/duties.txt line {}: {l}", i + 1);
            Line {
                no: i + 1,
                date: d(f[0]),
                teacher: f[1].into(),
                rule: f[2].into(),
                status: f[3].into(),
                done: f[4].parse().unwrap(),
                required: f[5].parse().unwrap(),
                listed: f[6].parse().unwrap(),
            }
        })
        .collect()
}

async fn golden_fixture(db: Db) {
    let (store, _dir) = demo(db, false).await;
    let scope = Scope::system("t");
    let today = calendar::today();
    let district = schools::get_by_code(&store, &scope, "GFSY")
        .await
        .unwrap()
        .district_id;
    let school = |code: &str| schools::SchoolChanges {
        code: Some(code.into()),
        name: Some(format!("金标学校{code}")),
        school_type: Some("primary".into()),
        active: Some(true),
        ..Default::default()
    };
    let a = schools::create(&store, &scope, district, school("GOLD-A"))
        .await
        .unwrap()
        .id;
    let b = schools::create(&store, &scope, district, school("GOLD-B"))
        .await
        .unwrap()
        .id;
    for s in [a, b] {
        for (y, dates) in [
            (2025, ["2025-09-01", "2026-01-23", "2026-02-27", "2026-07-10"]),
            (2026, ["2026-09-01", "2027-01-22", "2027-02-22", "2027-07-09"]),
        ] {
            let input = YearInput {
                start_year: y.to_string(),
                first_start: dates[0].into(),
                first_end: dates[1].into(),
                second_start: dates[2].into(),
                second_end: dates[3].into(),
            };
            calendar::set_year(&store, &scope, district, Some(s), &input)
                .await
                .unwrap();
        }
    }
    duties::save(
        &store,
        &scope,
        district,
        Some(b),
        2025,
        &rules(),
        Some(d("2025-09-01")),
    )
    .await
    .unwrap();
    let teacher = |staff_no: &str, name: &str| TeacherInput {
        staff_no: Some(staff_no.into()),
        name: Some(name.into()),
        birth_date: Some("1985-03-01".into()),
        work_start: Some("2008-09-01".into()),
        ..Default::default()
    };
    let wang = teachers::create(&store, &scope, b, &teacher("G001", "王金标"), today)
        .await
        .unwrap()
        .id;
    let li = teachers::create(&store, &scope, a, &teacher("G002", "李金标"), today)
        .await
        .unwrap()
        .id;
    // A backbone title granted in 2026: the backbone tier's duties from
    // the school year 2026–2027.
    let zhao = teachers::create(&store, &scope, b, &teacher("G003", "赵金标"), today)
        .await
        .unwrap()
        .id;
    teachers::add_honour(
        &store,
        &scope,
        zhao,
        &teachers::HonourInput {
            kind: "backbone".into(),
            level: "county".into(),
            granted_year: "2026".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    use EvidenceKind::*;
    let at_a = add(
        &store,
        &scope,
        li,
        &[
            record(Class, "2025-10-20", &[]),
            record(Training, "2025-12-01", &[("hours", "12")]),
            record(StudyVisit, "2025-11-12", &[("days", "2")]),
            record(Reading, "2025-09-03", &[]),
        ],
    )
    .await;
    teachers::transfer(&store, &scope, li, b, "2026-01-10", "工作调动", today)
        .await
        .unwrap();
    add(
        &store,
        &scope,
        li,
        &[
            record(StudyVisit, "2026-02-10", &[("days", "2")]),
            record(Class, "2026-03-15", &[]),
        ],
    )
    .await;
    add(
        &store,
        &scope,
        wang,
        &[
            record(StudyVisit, "2026-01-26", &[("days", "3")]),
            record(Training, "2025-11-05", &[("hours", "8")]),
            record(Training, "2026-08-17", &[("hours", "16")]),
            record(Observation, "2026-03-02", &[]),
            record(Observation, "2026-07-06", &[]),
            record(Reading, "2026-02-02", &[]),
            record(Reading, "2026-03-03", &[]),
            record(Reading, "2026-03-20", &[]),
            record(Writing, "2026-03-10", &[]),
            record(Writing, "2026-07-08", &[]),
            record(Class, "2025-10-15", &[]),
            record(Class, "2026-04-20", &[]),
        ],
    )
    .await;

    let names = [("wang", wang), ("li", li), ("zhao", zhao)];
    let lines = expected();
    assert!(lines.len() >= 30);
    let days: std::collections::BTreeSet<NaiveDate> = lines.iter().map(|l| l.date).collect();
    assert_eq!(days.len(), 20, "twenty days");
    let mut wrong = Vec::new();
    for day in days {
        let p = duties::school(&store, &scope, b, day, &ProgressFilter::default())
            .await
            .unwrap();
        for l in lines.iter().filter(|l| l.date == day) {
            let id = names.iter().find(|n| n.0 == l.teacher).unwrap().1;
            let t = p.teachers.iter().find(|t| t.teacher_id == id).unwrap();
            let i = p.rules.iter().position(|r| r.code == l.rule).unwrap();
            let r = &t.results[i];
            let got = (r.status.code(), r.done, r.required, r.evidence.len());
            if got != (l.status.as_str(), l.done, l.required, l.listed) {
                wrong.push(format!(
                    "line {} ({} {} {}): expected {} {} {} {}, got {} {} {} {} — {}",
                    l.no,
                    l.date,
                    l.teacher,
                    l.rule,
                    l.status,
                    l.done,
                    l.required,
                    l.listed,
                    got.0,
                    got.1,
                    got.2,
                    got.3,
                    r.explain_en
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));

    // A change at the school li left moves on the results kept where she is
    // now: her class there no longer counts.
    let class_year = |p: &duties::SchoolProgress| {
        let i = p.rules.iter().position(|r| r.code == "class_year").unwrap();
        let t = p.teachers.iter().find(|t| t.teacher_id == li).unwrap();
        t.results[i].done
    };
    let before = duties::school(&store, &scope, b, d("2026-05-05"), &ProgressFilter::default())
        .await
        .unwrap();
    assert_eq!(class_year(&before), 2.0);
    evidence::delete(&store, &scope, at_a[0], today).await.unwrap();
    let after = duties::school(&store, &scope, b, d("2026-05-05"), &ProgressFilter::default())
        .await
        .unwrap();
    assert_eq!(
        class_year(&after),
        1.0,
        "kept results follow the old school's change"
    );
    // Her card alone says the same.
    let card = duties::teacher(&store, &scope, li, d("2026-05-05"))
        .await
        .unwrap();
    assert_eq!(class_year(&card), 1.0);
}

both_dbs!(golden_fixture);
