//! The rule-set mechanism with both kinds on it: inheritance from the
//! district, carrying forward to later years, every save a version with
//! its history and diff, and duties taking effect from a day within the
//! year.

use chrono::NaiveDate;
use lingyan_domain::duties::engine::DutyStatus;
use lingyan_domain::duties::{DutyRuleInput, DutySet, DutySetInput};
use lingyan_domain::rule_sets::ChangeKind;
use lingyan_domain::{FieldError, TierRules};
use lingyan_store::duties::{self, ProgressFilter};
use lingyan_store::rule_sets::{self, Place, Source};
use lingyan_store::testing::{Db, demo};
use lingyan_store::{Error, Scope, both_dbs, schools, tiers};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn rule(code: &str, count: f64, period: &str, every: Option<&str>) -> DutyRuleInput {
    DutyRuleInput {
        code: code.into(),
        name_zh: format!("规则{code}"),
        name_en: format!("rule {code}"),
        kinds: vec!["class".into()],
        count: Some(count),
        period: period.into(),
        every: every.map(Into::into),
        ..Default::default()
    }
}

fn set(rules: Vec<DutyRuleInput>) -> DutySetInput {
    DutySetInput { rules }
}

async fn inherited_carried_forward_versioned_and_compared(db: Db) {
    let (store, _dir) = demo(db, true).await;
    let scope = Scope::system("t");
    // A new school of the demo district: nothing saved for it yet (the
    // demo schools have their duty sets).
    let gf = schools::get_by_code(&store, &scope, "GFSY").await.unwrap();
    let fresh_school = schools::create(
        &store,
        &scope,
        gf.district_id,
        schools::SchoolChanges {
            code: Some("T1".into()),
            name: Some("新建学校".into()),
            school_type: Some("primary".into()),
            active: Some(true),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let (dist, school) = (gf.district_id, fresh_school.id);
    let start = Some(d(2025, 9, 1));

    // Nothing saved: no duties, the standard tiers.
    let v = duties::get(&store, &scope, dist, Some(school), 2025)
        .await
        .unwrap();
    assert_eq!(v.source, Source::Default);
    assert!(v.set.rules.is_empty() && v.version.is_none());

    // The district's set reaches the school, and later years.
    duties::save(
        &store,
        &scope,
        dist,
        None,
        2025,
        &set(vec![rule("a", 2.0, "semester", None)]),
        start,
    )
    .await
    .unwrap();
    let v = duties::get(&store, &scope, dist, Some(school), 2025)
        .await
        .unwrap();
    assert_eq!(v.source, Source::District { year: 2025 });
    assert_eq!(v.set.rules.len(), 1);
    let v = duties::get(&store, &scope, dist, Some(school), 2027)
        .await
        .unwrap();
    assert_eq!(v.source, Source::District { year: 2025 }, "carried forward");
    let v = duties::get(&store, &scope, dist, Some(school), 2024)
        .await
        .unwrap();
    assert_eq!(v.source, Source::Default, "not carried back");

    // The school's own set wins over the district's; each save is a version.
    duties::save(
        &store,
        &scope,
        dist,
        Some(school),
        2025,
        &set(vec![
            rule("a", 2.0, "semester", None),
            rule("b", 1.0, "month", None),
        ]),
        start,
    )
    .await
    .unwrap();
    duties::save(
        &store,
        &scope,
        dist,
        Some(school),
        2025,
        &set(vec![
            rule("a", 3.0, "semester", None),
            rule("c", 1.0, "school_year", None),
        ]),
        start,
    )
    .await
    .unwrap();
    let v = duties::get(&store, &scope, dist, Some(school), 2026)
        .await
        .unwrap();
    assert_eq!(v.source, Source::School { year: 2025 });
    assert_eq!(v.version.as_ref().map(|v| v.version), Some(2));
    assert_eq!(v.set.find("a").map(|r| r.count), Some(3.0));

    let place = Place::school(dist, school);
    let history = rule_sets::history::<DutySet>(&store, &scope, place)
        .await
        .unwrap();
    assert_eq!(
        history.iter().map(|h| (h.year, h.version)).collect::<Vec<_>>(),
        vec![(2025, 2), (2025, 1)],
        "newest first"
    );
    assert_eq!(
        rule_sets::history::<DutySet>(&store, &scope, Place::district(dist))
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(
        rule_sets::history::<TierRules>(&store, &scope, place)
            .await
            .unwrap()
            .is_empty(),
        "kinds are kept apart"
    );

    // Version 1 against the district's set it replaced; version 2 against 1.
    let first = rule_sets::diff::<DutySet>(&store, &scope, place, history[1].id)
        .await
        .unwrap();
    assert_eq!(first.before_source, Source::District { year: 2025 });
    let changes = |c: &[lingyan_domain::rule_sets::RuleChange]| {
        c.iter().map(|c| (c.change, c.code.clone())).collect::<Vec<_>>()
    };
    assert_eq!(
        changes(&first.changes),
        vec![(ChangeKind::Added, "b".to_string())]
    );
    let second = rule_sets::diff::<DutySet>(&store, &scope, place, history[0].id)
        .await
        .unwrap();
    assert_eq!(second.before_source, Source::School { year: 2025 });
    assert_eq!(
        changes(&second.changes),
        vec![
            (ChangeKind::Changed, "a".to_string()),
            (ChangeKind::Added, "c".to_string()),
            (ChangeKind::Removed, "b".to_string()),
        ]
    );
    // Another place's version is not reachable through this place.
    let district_version = rule_sets::history::<DutySet>(&store, &scope, Place::district(dist))
        .await
        .unwrap()[0]
        .id;
    assert!(matches!(
        rule_sets::diff::<DutySet>(&store, &scope, place, district_version).await,
        Err(Error::NotFound)
    ));

    // Tier rules go through the same mechanism.
    let mut t = TierRules::standard();
    t.tiers[1].age_below = Some(30);
    tiers::set(&store, &scope, dist, Some(school), 2025, t)
        .await
        .unwrap();
    let th = rule_sets::history::<TierRules>(&store, &scope, place)
        .await
        .unwrap();
    assert_eq!(th.len(), 1);
    assert_eq!(th[0].effective_from, None, "tiers are not dated");
    let td = rule_sets::diff::<TierRules>(&store, &scope, place, th[0].id)
        .await
        .unwrap();
    assert_eq!(td.before_source, Source::Default);
    assert_eq!(
        changes(&td.changes),
        vec![(ChangeKind::Changed, "young".to_string())]
    );

    // A teacher may read the rules but not see another district's, nor save.
    let other = rule_sets::get::<DutySet>(&store, &scope, Place::school(dist + 1000, school), 2025).await;
    assert!(matches!(other, Err(Error::NotFound)), "{other:?}");
}
both_dbs!(inherited_carried_forward_versioned_and_compared);

async fn duties_take_effect_from_a_day(db: Db) {
    let (store, _dir) = demo(db, true).await;
    let scope = Scope::system("t");
    let gf = schools::get_by_code(&store, &scope, "GFSY").await.unwrap();
    let (dist, school) = (gf.district_id, gf.id);
    let weekly = || set(vec![rule("weekly", 1.0, "semester", Some("week"))]);

    // Outside the school year is refused, naming the field.
    let e = duties::save(
        &store,
        &scope,
        dist,
        Some(school),
        2025,
        &weekly(),
        Some(d(2026, 9, 1)),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(&e, Error::Invalid(FieldError { field, code, .. }) if *field == "effective_from" && *code == "outside_year"),
        "{e:?}"
    );

    // In force from the year's start: every week since 1 September is asked for.
    duties::save(
        &store,
        &scope,
        dist,
        Some(school),
        2025,
        &weekly(),
        Some(d(2025, 9, 1)),
    )
    .await
    .unwrap();
    let as_of = d(2025, 11, 20);
    let missed_before = |p: &duties::SchoolProgress, day: NaiveDate| {
        p.teachers
            .iter()
            .filter(|t| t.results[0].missed.iter().any(|(a, _)| *a < day))
            .count()
    };
    let p = duties::school(&store, &scope, school, as_of, &ProgressFilter::default())
        .await
        .unwrap();
    assert!(
        missed_before(&p, d(2025, 11, 3)) > 0,
        "weeks before 3 November count"
    );
    let overdue_then = p
        .teachers
        .iter()
        .filter(|t| t.results[0].status == DutyStatus::Overdue)
        .count();

    // Changed on Monday 3 November: the weeks before ask nothing.
    let mut changed = weekly();
    changed.rules[0].count = Some(2.0);
    let v = duties::save(
        &store,
        &scope,
        dist,
        Some(school),
        2025,
        &changed,
        Some(d(2025, 11, 3)),
    )
    .await
    .unwrap();
    assert_eq!(v.set.rules[0].since, Some(d(2025, 11, 3)));
    assert_eq!(
        v.version.as_ref().and_then(|v| v.effective_from),
        Some(d(2025, 11, 3))
    );
    let p = duties::school(&store, &scope, school, as_of, &ProgressFilter::default())
        .await
        .unwrap();
    assert_eq!(missed_before(&p, d(2025, 11, 3)), 0);
    for t in &p.teachers {
        let r = &t.results[0];
        assert_eq!(r.required, 12.0, "{}: weeks from 3 Nov to 23 Jan", t.name);
        assert!(
            r.explain_en.contains("from 3 Nov 2025") || r.status == DutyStatus::Done,
            "{}",
            r.explain_en
        );
    }
    assert!(overdue_then > 0);
    // Before the day it applies, the rule asks nothing.
    let early = duties::school(
        &store,
        &scope,
        school,
        d(2025, 10, 20),
        &ProgressFilter::default(),
    )
    .await
    .unwrap();
    assert!(
        early
            .teachers
            .iter()
            .all(|t| t.results[0].status == DutyStatus::NotStarted)
    );

    // Saved again unchanged: the rule keeps the day it took effect.
    let same = duties::get(&store, &scope, dist, Some(school), 2025)
        .await
        .unwrap();
    let v = duties::save(
        &store,
        &scope,
        dist,
        Some(school),
        2025,
        &same.set.to_input(),
        Some(d(2025, 12, 1)),
    )
    .await
    .unwrap();
    assert_eq!(v.set.rules[0].since, Some(d(2025, 11, 3)));
}
both_dbs!(duties_take_effect_from_a_day);
