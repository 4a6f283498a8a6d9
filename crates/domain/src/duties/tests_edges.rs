//! What a school would count at the calendar's edges: records dated in the
//! holidays, weeks and months cut short by a semester's ends, the pace in
//! whole numbers, periods that have not started, and the day a new honour
//! starts to count. Each test is built from an example a school gave.

use super::engine::{Context, Pace, semester_windows, sub_windows, unit_window};
use super::*;
use crate::calendar::{Calendar, SchoolYear};
use crate::honour::{HonourFact, HonourStatus};
use crate::teacher::TeacherFacts;
use crate::tiers::TierRules;
use proptest::prelude::*;

pub(super) fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// 2025–2026 with a winter holiday 24 Jan – 26 Feb and a semester ending
/// on Friday 10 July (its last week from the first day, 27 Feb, is that
/// one day).
pub(super) fn calendar() -> Calendar {
    Calendar::new(vec![
        SchoolYear::new(
            2025,
            d(2025, 9, 1),
            d(2026, 1, 23),
            d(2026, 2, 27),
            d(2026, 7, 10),
        )
        .unwrap(),
    ])
}

pub(super) fn teacher() -> DutyPerson {
    DutyPerson {
        facts: TeacherFacts {
            id: 1,
            birth_date: Some(d(1985, 3, 1)),
            work_start: Some(d(2008, 9, 1)),
            ..Default::default()
        },
        tier: Some("backbone".into()),
        staff_no: "T001".into(),
        groups: Vec::new(),
    }
}

pub(super) fn rule(
    code: &str,
    kinds: &[&str],
    count: f64,
    period: &str,
    every: Option<&str>,
) -> DutyRuleInput {
    DutyRuleInput {
        code: code.into(),
        name_zh: code.into(),
        name_en: code.into(),
        kinds: kinds.iter().map(|k| k.to_string()).collect(),
        count: Some(count),
        period: period.into(),
        every: every.map(Into::into),
        ..Default::default()
    }
}

pub(super) fn item(id: i64, kind: CountedKind, date: NaiveDate, amount: f64) -> Item {
    Item {
        id,
        kind,
        subtype: None,
        date,
        until: None,
        level: None,
        role: None,
        award_level: None,
        amount,
    }
}

pub(super) fn eval(
    rules: Vec<DutyRuleInput>,
    cal: &Calendar,
    as_of: NaiveDate,
    items: &[Item],
) -> Vec<Progress> {
    eval_for(rules, cal, as_of, &teacher(), items)
}

/// The rules, as typed, for `who` on `as_of`.
pub(super) fn eval_for(
    rules: Vec<DutyRuleInput>,
    cal: &Calendar,
    as_of: NaiveDate,
    who: &DutyPerson,
    items: &[Item],
) -> Vec<Progress> {
    let set = DutySetInput { rules }.parse(None).unwrap();
    let tiers = TierRules::standard();
    let ctx = Context {
        calendar: cal,
        tiers: &tiers,
        as_of,
    };
    evaluate(&set, &ctx, who, items)
}

fn visits() -> DutyRuleInput {
    let mut r = rule("visit", &["study_visit"], 2.0, "semester", None);
    r.measure = Some("days".into());
    r
}

#[test]
fn a_winter_study_visit_counts_for_the_semester_just_ended() {
    let cal = calendar();
    // A 3-day study visit in the winter holiday, on 26 January.
    let items = [item(1, CountedKind::StudyVisit, d(2026, 1, 26), 3.0)];
    // Asked in the holiday: the first semester is done with it.
    let p = &eval(vec![visits()], &cal, d(2026, 2, 10), &items)[0];
    assert_eq!((p.status, p.done), (DutyStatus::Done, 3.0), "{}", p.explain_en);
    assert_eq!(p.evidence.len(), 1);
    // Before the visit, the semester ended short.
    let p = &eval(vec![visits()], &cal, d(2026, 1, 25), &items)[0];
    assert_eq!((p.status, p.done), (DutyStatus::Overdue, 0.0));
    // It does not count again in the next semester.
    let p = &eval(vec![visits()], &cal, d(2026, 3, 10), &items)[0];
    assert_eq!(p.done, 0.0);
    assert_eq!(p.from, d(2026, 2, 27));
}

#[test]
fn summer_training_counts_for_the_school_year_just_ended() {
    let cal = calendar();
    let mut year = rule("hours", &["training"], 24.0, "school_year", None);
    year.measure = Some("hours".into());
    let items = [
        item(1, CountedKind::Training, d(2026, 5, 8), 8.0),
        // 暑期培训 in August, after the semester's end on 10 July.
        item(2, CountedKind::Training, d(2026, 8, 17), 16.0),
    ];
    let p = &eval(vec![year.clone()], &cal, d(2026, 8, 20), &items)[0];
    assert_eq!((p.status, p.done), (DutyStatus::Done, 24.0), "{}", p.explain_en);
    // The next school year starts from nothing.
    let p = &eval(vec![year], &cal, d(2026, 9, 10), &items)[0];
    assert_eq!(p.done, 0.0);
}

#[test]
fn a_one_day_last_week_joins_the_week_before() {
    let cal = calendar();
    // From Friday 27 Feb, weeks end on Thursdays; the last "week" would be
    // Friday 10 July alone.
    let weeks = sub_windows(PeriodUnit::Week, &cal, d(2026, 2, 27), d(2026, 7, 10));
    assert_eq!(weeks.len(), 19);
    assert_eq!(weeks.last(), Some(&(d(2026, 7, 3), d(2026, 7, 10))));
    assert_eq!(
        unit_window(PeriodUnit::Week, &cal, d(2026, 7, 10)),
        (d(2026, 7, 3), d(2026, 7, 10))
    );
    // Months: 27–28 February join March; 1–10 July joins June; the
    // first semester's 1–23 January is a month of its own.
    let months = semester_windows(PeriodUnit::Month, d(2026, 2, 27), d(2026, 7, 10));
    assert_eq!(
        months,
        vec![
            (d(2026, 2, 27), d(2026, 3, 31)),
            (d(2026, 4, 1), d(2026, 4, 30)),
            (d(2026, 5, 1), d(2026, 5, 31)),
            (d(2026, 6, 1), d(2026, 7, 10)),
        ]
    );
    assert_eq!(
        unit_window(PeriodUnit::Month, &cal, d(2026, 1, 5)),
        (d(2026, 1, 1), d(2026, 1, 23))
    );
    // A lesson in every week: one on Monday 6 July covers the last week.
    let lessons: Vec<Item> = weeks
        .iter()
        .enumerate()
        .map(|(i, (a, _))| item(i as i64 + 1, CountedKind::Class, *a + chrono::Days::new(3), 0.0))
        .collect();
    let every_week = rule("weekly", &["class"], 1.0, "semester", Some("week"));
    let p = &eval(vec![every_week], &cal, d(2026, 7, 10), &lessons)[0];
    assert_eq!((p.status, p.required, p.done), (DutyStatus::Done, 19.0, 19.0));
}

#[test]
fn weeks_and_months_in_the_holidays_show_nothing_due() {
    let cal = calendar();
    let rules = || {
        vec![
            rule("week", &["class"], 1.0, "week", None),
            rule("fortnight", &["reading"], 1.0, "two_weeks", None),
            rule("month", &["writing"], 1.0, "month", None),
        ]
    };
    // 15 July: summer holiday; the next school year (standard dates)
    // starts on 1 September.
    for p in eval(rules(), &cal, d(2026, 7, 15), &[]) {
        assert_eq!(p.status, DutyStatus::NotStarted, "{}: {}", p.rule, p.explain_en);
        assert_eq!(p.from, d(2026, 9, 1));
        assert!(p.explain_en.contains("1 Sep 2026"), "{}", p.explain_en);
        assert!(p.explain_zh.contains("假期"), "{}", p.explain_zh);
    }
    // On the semester's last day the joined last week is due.
    let p = &eval(rules(), &cal, d(2026, 7, 10), &[])[0];
    assert_eq!(
        (p.status, p.from, p.to),
        (DutyStatus::Behind, d(2026, 7, 3), d(2026, 7, 10))
    );
}

#[test]
fn holiday_records_are_not_listed_for_weeks_they_did_not_count_for() {
    let cal = calendar();
    let monthly = rule("monthly", &["reading"], 1.0, "school_year", Some("month"));
    let items = [
        item(1, CountedKind::Reading, d(2025, 10, 8), 0.0),
        // In the winter holiday: no month of the year holds it.
        item(2, CountedKind::Reading, d(2026, 2, 2), 0.0),
        item(3, CountedKind::Reading, d(2026, 3, 3), 0.0),
    ];
    let p = &eval(vec![monthly], &cal, d(2026, 3, 20), &items)[0];
    let ids: Vec<i64> = p.evidence.iter().map(|e| e.id).collect();
    assert_eq!(ids, vec![1, 3]);
    assert_eq!(p.done, 2.0);
}

#[test]
fn the_pace_is_counted_in_whole_numbers() {
    // 49 observations over 49 days: one is due on the first day.
    let mut r = rule("obs", &["observation"], 49.0, "range", None);
    r.from = Some("2025-10-01".into());
    r.to = Some("2025-11-18".into());
    let cal = calendar();
    let p = &eval(vec![r.clone()], &cal, d(2025, 10, 1), &[])[0];
    assert_eq!(p.status, DutyStatus::Behind, "{}", p.explain_en);
    assert_eq!(p.expected, 1.0);
    assert!(p.explain_en.contains("1 expected by now"), "{}", p.explain_en);
    let one = [item(1, CountedKind::Observation, d(2025, 10, 1), 0.0)];
    assert_eq!(
        eval(vec![r], &cal, d(2025, 10, 1), &one)[0].status,
        DutyStatus::OnTrack
    );
    let pace = Pace::new(49.0, 49, 1);
    assert_eq!((pace.by_now(), pace.expected(), pace.percent()), (1, 1.0, 2));
    let pace = Pace::new(2.5, 4, 3);
    assert_eq!((pace.by_now(), pace.expected()), (1, 1.88));
}

#[test]
fn a_fixed_period_asked_about_before_it_starts_has_not_started() {
    let mut r = rule("spring", &["reading"], 1.0, "range", None);
    r.from = Some("2026-03-01".into());
    r.to = Some("2026-04-30".into());
    let cal = calendar();
    let p = &eval(vec![r], &cal, d(2026, 1, 10), &[])[0];
    assert_eq!(p.status, DutyStatus::NotStarted);
    assert!(
        p.explain_en.contains("counting starts on 1 Mar 2026"),
        "{}",
        p.explain_en
    );
    assert!(p.explain_zh.starts_with("未开始"), "{}", p.explain_zh);
    assert_eq!(p.status.severity(), 0);
}

#[test]
fn a_new_honour_changes_duties_from_the_school_year_starting_in_its_year() {
    // A backbone title granted in 2026: asked in May 2026 (school year
    // 2025–2026) the rule for backbone teachers does not apply yet; from
    // 1 September 2026 it does.
    let mut r = rule("bb", &["class"], 1.0, "semester", None);
    r.honours = vec![HonourInput {
        kind: "backbone".into(),
        min_level: "school".into(),
    }];
    let set = DutySetInput { rules: vec![r] }.parse(None).unwrap();
    let cal = Calendar::default();
    let tiers = TierRules::standard();
    let mut who = teacher();
    who.facts.honours.push(HonourFact {
        kind: HonourKind::Backbone,
        level: Level::County,
        granted_year: Some(2026),
        valid_until_year: None,
        status: HonourStatus::Active,
    });
    let at = |as_of| {
        let ctx = Context {
            calendar: &cal,
            tiers: &tiers,
            as_of,
        };
        evaluate(&set, &ctx, &who, &[])[0].status
    };
    assert_eq!(at(d(2026, 5, 10)), DutyStatus::NotApplicable);
    assert_eq!(at(d(2026, 8, 31)), DutyStatus::NotApplicable);
    assert_eq!(at(d(2026, 9, 1)), DutyStatus::OnTrack);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    /// "On track" never holds while fewer are done than the whole number
    /// the elapsed days ask for, and always holds once they are.
    #[test]
    fn on_track_only_at_the_whole_number_expected(
        count in 1u32..80,
        len in 1i64..200,
        day in 0i64..200,
        done in 0u32..80,
    ) {
        let day = day % len;
        let from = d(2025, 10, 1);
        let to = from + chrono::Days::new(len as u64 - 1);
        let as_of = from + chrono::Days::new(day as u64);
        let mut r = rule("r", &["reading"], f64::from(count), "range", None);
        r.from = Some(from.to_string());
        r.to = Some(to.to_string());
        let items: Vec<Item> = (0..done)
            .map(|i| item(i64::from(i) + 1, CountedKind::Reading, from, 0.0))
            .collect();
        let p = &eval(vec![r], &calendar(), as_of, &items)[0];
        let by_now = i64::from(count) * (day + 1) / len;
        if done >= count {
            prop_assert_eq!(p.status, DutyStatus::Done);
        } else if i64::from(done) < by_now {
            prop_assert_eq!(p.status, DutyStatus::Behind, "{}", p.explain_en);
        } else {
            prop_assert_eq!(p.status, DutyStatus::OnTrack, "{}", p.explain_en);
        }
    }

    /// The windows of a week, fortnight or month cover each semester
    /// without gaps or overlaps, and none but a lone one is a stub.
    #[test]
    fn teaching_windows_cover_the_semester(
        start in 0u64..400,
        len in 1u64..200,
        unit in 0usize..3,
    ) {
        let unit = [PeriodUnit::Week, PeriodUnit::TwoWeeks, PeriodUnit::Month][unit];
        let ss = d(2024, 8, 1) + chrono::Days::new(start);
        let se = ss + chrono::Days::new(len - 1);
        let w = semester_windows(unit, ss, se);
        prop_assert_eq!(w[0].0, ss);
        prop_assert_eq!(w[w.len() - 1].1, se);
        for pair in w.windows(2) {
            prop_assert_eq!(pair[0].1.succ_opt().unwrap(), pair[1].0);
        }
        if w.len() > 1 {
            let least = match unit { PeriodUnit::Week => 4, PeriodUnit::TwoWeeks => 7, _ => 14 };
            for (a, b) in &w {
                prop_assert!((*b - *a).num_days() + 1 >= least, "{:?}", w);
            }
        }
    }
}
