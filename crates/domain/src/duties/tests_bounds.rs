//! Where each rule draws its lines, tested on both sides: the last day of
//! a week and the first day of the next, the first day of a period, the
//! day a rule takes effect, an "in each" duty after its period has ended,
//! the minimum hours of a training, the ages and teaching years of an
//! audience, honour holders, and award levels above and below the one
//! asked for. A rule that moved any of these lines by one would fail here.

use super::engine::{Context, Pace, Prepared, semester_windows, sub_windows, unit_window};
use super::tests::errors;
use super::tests_edges::{calendar, d, eval, eval_for, item, rule, teacher};
use super::*;
use crate::calendar::Calendar;
use crate::honour::{HonourFact, HonourStatus};
use crate::tiers::TierRules;

fn ids(p: &Progress) -> Vec<i64> {
    p.evidence.iter().map(|e| e.id).collect()
}

/// One observation in every week of the first semester of 2025–2026
/// (standard dates: Monday 1 September to 31 January; weeks from Monday).
fn weekly() -> DutyRuleInput {
    rule("weekly", &["observation"], 1.0, "semester", Some("week"))
}

#[test]
fn the_last_day_of_a_week_is_still_that_week() {
    let cal = Calendar::default();
    // Sunday 7 September, nothing recorded: the first week is not over.
    let p = &eval(vec![weekly()], &cal, d(2025, 9, 7), &[])[0];
    assert_eq!(p.status, DutyStatus::OnTrack, "{}", p.explain_en);
    assert_eq!((p.due, p.due_met), (d(2025, 9, 7), false));
    assert!(p.missed.is_empty());
    assert_eq!((p.expected, p.done), (0.0, 0.0));
    // A lesson observed that Sunday meets it.
    let sunday = [item(1, CountedKind::Observation, d(2025, 9, 7), 0.0)];
    let p = &eval(vec![weekly()], &cal, d(2025, 9, 7), &sunday)[0];
    assert_eq!((p.status, p.done, p.due_met), (DutyStatus::OnTrack, 1.0, true));
    assert_eq!(ids(p), vec![1]);
    // On Monday the first week is over: missed without it, met with it.
    let p = &eval(vec![weekly()], &cal, d(2025, 9, 8), &[])[0];
    assert_eq!(p.status, DutyStatus::Overdue);
    assert_eq!(p.missed, vec![(d(2025, 9, 1), d(2025, 9, 7))]);
    assert_eq!(p.expected, 1.0);
    assert!(
        p.explain_en
            .contains("1 missed (latest 1 Sep 2025 to 7 Sep 2025)"),
        "{}",
        p.explain_en
    );
    assert!(p.explain_zh.contains("错过 1 个"), "{}", p.explain_zh);
    let p = &eval(vec![weekly()], &cal, d(2025, 9, 8), &sunday)[0];
    assert_eq!(p.status, DutyStatus::OnTrack, "{}", p.explain_en);
    assert!(
        p.explain_en
            .contains("1 of 22 weeks met, none missed; this week ends 14 Sep 2025"),
        "{}",
        p.explain_en
    );
    assert!(p.explain_zh.contains("已满足 1/22 个周"), "{}", p.explain_zh);
}

#[test]
fn a_week_starting_on_the_day_asked_counts_that_day() {
    let cal = Calendar::default();
    // Monday 8 September starts the second week: it is the one due, and a
    // lesson observed that day meets it.
    let items = [
        item(1, CountedKind::Observation, d(2025, 9, 2), 0.0),
        item(2, CountedKind::Observation, d(2025, 9, 8), 0.0),
    ];
    let p = &eval(vec![weekly()], &cal, d(2025, 9, 8), &items)[0];
    assert_eq!((p.due, p.due_met), (d(2025, 9, 14), true));
    assert_eq!((p.done, p.required, p.remaining), (2.0, 22.0, 20.0));
    assert_eq!(ids(p), vec![1, 2]);
    // Without it, the second week is due and not yet met.
    let p = &eval(vec![weekly()], &cal, d(2025, 9, 8), &items[..1])[0];
    assert_eq!((p.due, p.due_met, p.done), (d(2025, 9, 14), false, 1.0));
    // A lesson after the day asked about does not count yet.
    let later = [item(3, CountedKind::Observation, d(2025, 9, 9), 0.0)];
    let p = &eval(vec![weekly()], &cal, d(2025, 9, 8), &later)[0];
    assert!(p.evidence.is_empty());
}

#[test]
fn the_first_day_of_a_period_counts() {
    let cal = Calendar::default();
    let r = rule("obs", &["observation"], 2.0, "semester", None);
    let p = &eval(vec![r.clone()], &cal, d(2025, 9, 1), &[])[0];
    // 2 over 153 days: nothing whole is due on the first day.
    assert_eq!(p.status, DutyStatus::OnTrack, "{}", p.explain_en);
    assert_eq!((p.from, p.to), (d(2025, 9, 1), d(2026, 1, 31)));
    assert_eq!((p.expected, p.remaining), (0.01, 2.0));
    let first = [item(1, CountedKind::Observation, d(2025, 9, 1), 0.0)];
    let p = &eval(vec![r.clone()], &cal, d(2025, 9, 1), &first)[0];
    assert_eq!((p.done, p.remaining), (1.0, 1.0));
    // The day before belongs to the semester before.
    let p = &eval(vec![r.clone()], &cal, d(2025, 8, 31), &first)[0];
    assert_eq!((p.from, p.to, p.done), (d(2025, 2, 1), d(2025, 8, 31), 0.0));
    assert_eq!(p.status, DutyStatus::Behind);
    assert!(p.explain_en.ends_with("due 31 Aug 2025"), "{}", p.explain_en);
    // In the winter holiday after a semester, it is over.
    let p = &eval(vec![r], &calendar(), d(2026, 2, 10), &[])[0];
    assert_eq!(p.status, DutyStatus::Overdue);
    assert_eq!(p.explain_en, "Only 0 of 2 by 23 Jan 2026");
    assert_eq!(p.explain_zh, "2026-01-23 截止时仅完成 0/2");
}

#[test]
fn a_rule_counts_from_the_day_it_takes_effect() {
    let cal = Calendar::default();
    let mut r = rule("obs", &["observation"], 4.0, "semester", None);
    r.since = Some("2025-10-01".into());
    // The day before: not started. The day itself: counting.
    let p = &eval(vec![r.clone()], &cal, d(2025, 9, 30), &[])[0];
    assert_eq!(p.status, DutyStatus::NotStarted);
    assert!(
        p.explain_en.contains("applies from 1 Oct 2025"),
        "{}",
        p.explain_en
    );
    let p = &eval(vec![r.clone()], &cal, d(2025, 10, 1), &[])[0];
    assert_eq!(p.status, DutyStatus::OnTrack, "{}", p.explain_en);
    assert!(
        p.explain_en.ends_with(" (rule in force from 1 Oct 2025)"),
        "{}",
        p.explain_en
    );
    assert!(
        p.explain_zh.ends_with("（本规则 2025-10-01 起生效）"),
        "{}",
        p.explain_zh
    );
    // The pace runs from that day: 4 over 1 Oct – 31 Jan (123 days); by
    // 1 December (62 days) 2 are due.
    let p = &eval(vec![r.clone()], &cal, d(2025, 12, 1), &[])[0];
    assert_eq!(p.status, DutyStatus::Behind);
    assert_eq!(p.expected, 2.02);
    assert!(
        p.explain_en
            .contains("50% of the semester gone, 2 expected by now"),
        "{}",
        p.explain_en
    );
    // Done: no note about when the rule took effect.
    let four: Vec<Item> = (1..=4)
        .map(|i| item(i, CountedKind::Observation, d(2025, 10, 2), 0.0))
        .collect();
    let p = &eval(vec![r.clone()], &cal, d(2025, 12, 1), &four)[0];
    assert_eq!(p.status, DutyStatus::Done);
    assert_eq!(p.explain_en, "Done: 4 of 4 this semester");
    assert_eq!(p.explain_zh, "已完成：4/4（本学期）");
    // Taking effect on the period's first day is the same as from the start.
    r.since = Some("2025-09-01".into());
    let p = &eval(vec![r], &cal, d(2025, 10, 1), &[])[0];
    assert!(!p.explain_en.contains("in force"), "{}", p.explain_en);
    assert!(!p.explain_zh.contains("生效"), "{}", p.explain_zh);
    // Taking effect on the period's last day asks for that day.
    let mut r = rule("obs", &["observation"], 1.0, "range", None);
    r.from = Some("2025-09-01".into());
    r.to = Some("2025-09-30".into());
    r.since = Some("2025-09-30".into());
    let p = &eval(vec![r], &cal, d(2025, 10, 5), &[])[0];
    assert_eq!(p.status, DutyStatus::Overdue, "{}", p.explain_en);
    // A rule whose period ended before it took effect asks nothing of it.
    let mut r = rule("obs", &["observation"], 4.0, "range", None);
    r.from = Some("2025-09-01".into());
    r.to = Some("2025-09-30".into());
    r.since = Some("2025-10-10".into());
    let p = &eval(vec![r], &cal, d(2025, 11, 1), &[])[0];
    assert_eq!(p.status, DutyStatus::NotStarted);
}

#[test]
fn a_week_starting_the_day_a_rule_takes_effect_is_asked_for() {
    let cal = Calendar::default();
    let all = sub_windows(PeriodUnit::Week, &cal, d(2025, 9, 1), d(2026, 1, 31)).len();
    assert_eq!(all, 22);
    let mut r = weekly();
    // Monday 8 September: the first week is not asked for, the second is.
    r.since = Some("2025-09-08".into());
    let p = &eval(vec![r.clone()], &cal, d(2025, 9, 8), &[])[0];
    assert_eq!(p.required, 21.0);
    assert_eq!((p.due, p.status), (d(2025, 9, 14), DutyStatus::OnTrack));
    // Tuesday 9 September: the second week began before it, so neither.
    r.since = Some("2025-09-09".into());
    let p = &eval(vec![r], &cal, d(2025, 9, 9), &[])[0];
    assert_eq!(p.required, 20.0);
}

#[test]
fn a_rule_adopted_too_late_for_any_whole_week_waits() {
    let cal = Calendar::default();
    let mut r = rule("weekly", &["observation"], 1.0, "range", Some("week"));
    r.from = Some("2025-09-01".into());
    r.to = Some("2025-09-21".into());
    r.since = Some("2025-09-16".into());
    let p = &eval(vec![r], &cal, d(2025, 9, 17), &[])[0];
    assert_eq!(p.status, DutyStatus::NotStarted);
    assert!(p.explain_en.contains("no whole week"), "{}", p.explain_en);
    assert!(p.explain_zh.contains("已无完整的周"), "{}", p.explain_zh);
}

/// A four-week range (1–28 September 2025), a lesson in each week.
fn four_weeks() -> DutyRuleInput {
    let mut r = rule("weekly", &["class"], 1.0, "range", Some("week"));
    r.from = Some("2025-09-01".into());
    r.to = Some("2025-09-28".into());
    r
}

#[test]
fn in_each_after_the_period_has_ended() {
    let cal = Calendar::default();
    let lessons: Vec<Item> = [2, 9, 16, 23]
        .iter()
        .enumerate()
        .map(|(i, day)| item(i as i64 + 1, CountedKind::Class, d(2025, 9, *day), 0.0))
        .collect();
    // Every week met: done, the final deadline met.
    let p = &eval(vec![four_weeks()], &cal, d(2025, 10, 5), &lessons)[0];
    assert_eq!(p.status, DutyStatus::Done);
    assert_eq!((p.due, p.due_met), (d(2025, 9, 28), true));
    assert_eq!(
        (p.required, p.done, p.expected, p.remaining),
        (4.0, 4.0, 4.0, 0.0)
    );
    assert!(p.missed.is_empty());
    assert_eq!(p.explain_en, "Done: all 4 weeks have 1 or more");
    assert_eq!(p.explain_zh, "已完成：4 个周均达到每周 1");
    // The third week missed: overdue, the final deadline not met.
    let without_third: Vec<Item> = lessons.iter().filter(|i| i.id != 3).cloned().collect();
    let p = &eval(vec![four_weeks()], &cal, d(2025, 10, 5), &without_third)[0];
    assert_eq!(p.status, DutyStatus::Overdue);
    assert_eq!((p.due, p.due_met), (d(2025, 9, 28), false));
    assert_eq!(
        (p.required, p.done, p.expected, p.remaining),
        (4.0, 3.0, 4.0, 1.0)
    );
    assert_eq!(p.missed, vec![(d(2025, 9, 15), d(2025, 9, 21))]);
    assert_eq!(ids(p), vec![1, 2, 4]);
    // Two lessons in one week do not make up for another.
    let mut doubled = without_third.clone();
    doubled.push(item(9, CountedKind::Class, d(2025, 9, 24), 0.0));
    let p = &eval(vec![four_weeks()], &cal, d(2025, 10, 5), &doubled)[0];
    assert_eq!((p.done, p.remaining), (3.0, 1.0));
    // On the last day of the last week it is still due, and met.
    let p = &eval(vec![four_weeks()], &cal, d(2025, 9, 28), &lessons)[0];
    assert_eq!((p.due, p.due_met, p.expected), (d(2025, 9, 28), true, 3.0));
}

#[test]
fn in_each_counts_hours_within_each_week() {
    let cal = Calendar::default();
    let mut r = four_weeks();
    r.kinds = vec!["training".into()];
    r.measure = Some("hours".into());
    r.count = Some(2.0);
    let items = [
        item(1, CountedKind::Training, d(2025, 9, 2), 1.5),
        item(2, CountedKind::Training, d(2025, 9, 3), 0.5),
        item(3, CountedKind::Training, d(2025, 9, 9), 1.5),
    ];
    let p = &eval(vec![r], &cal, d(2025, 9, 15), &items)[0];
    // 2 hours in the first week, 1.5 in the second.
    assert_eq!(p.missed, vec![(d(2025, 9, 8), d(2025, 9, 14))]);
    assert_eq!(p.done, 1.0);
    assert!(
        p.explain_en.contains("2 hours needed each week"),
        "{}",
        p.explain_en
    );
    assert!(p.explain_zh.contains("每周需 2 学时"), "{}", p.explain_zh);
}

#[test]
fn a_training_counts_only_from_its_minimum_hours() {
    let cal = Calendar::default();
    let mut r = rule("long", &["training"], 2.0, "semester", None);
    r.min_hours = Some(3.0);
    let items = [
        item(1, CountedKind::Training, d(2025, 9, 10), 2.0),
        item(2, CountedKind::Training, d(2025, 9, 11), 3.0),
        item(3, CountedKind::Training, d(2025, 9, 12), 2.99),
        item(4, CountedKind::Training, d(2025, 9, 13), 6.0),
    ];
    let p = &eval(vec![r.clone()], &cal, d(2025, 11, 15), &items)[0];
    assert_eq!(ids(p), vec![2, 4]);
    assert_eq!((p.done, p.status), (2.0, DutyStatus::Done));
    // Counted in hours, only the long ones add up.
    r.measure = Some("hours".into());
    r.count = Some(10.0);
    let p = &eval(vec![r], &cal, d(2025, 11, 15), &items)[0];
    assert_eq!(p.done, 9.0);
    assert!(p.explain_en.contains("9 of 10 hours done"), "{}", p.explain_en);
    assert!(p.explain_zh.contains("已完成 9/10 学时"), "{}", p.explain_zh);
}

/// A teacher born on 15 November `2025 - age` who started teaching on
/// 15 November `2025 - years`: on 15 November 2025 exactly that old.
fn aged(age: i32, years: i32) -> DutyPerson {
    let mut p = teacher();
    p.facts.birth_date = Some(d(2025 - age, 11, 15));
    p.facts.work_start = Some(d(2025 - years, 11, 15));
    p
}

fn applies(r: &DutyRuleInput, who: &DutyPerson) -> (bool, String, String) {
    let p = &eval_for(vec![r.clone()], &Calendar::default(), d(2025, 11, 15), who, &[])[0];
    (
        p.status != DutyStatus::NotApplicable,
        p.explain_zh.clone(),
        p.explain_en.clone(),
    )
}

#[test]
fn audiences_by_age_include_their_bounds() {
    let mut r = rule("r", &["reading"], 1.0, "semester", None);
    r.age_below = Some(35);
    assert!(applies(&r, &aged(34, 10)).0);
    let (ok, zh, en) = applies(&r, &aged(35, 10));
    assert!(!ok);
    assert_eq!(en, "Not applicable: only for under 35 (age: 35)");
    assert_eq!(zh, "不适用：仅限 35 岁以下（本人：35）");

    let mut r = rule("r", &["reading"], 1.0, "semester", None);
    r.age_at_least = Some(50);
    assert!(applies(&r, &aged(50, 10)).0);
    assert!(applies(&r, &aged(51, 10)).0);
    let (ok, zh, en) = applies(&r, &aged(49, 10));
    assert!(!ok);
    assert_eq!(en, "Not applicable: only for 50 or older (age: 49)");
    assert_eq!(zh, "不适用：仅限 50 岁及以上（本人：49）");
    // Unknown age: outside either bound, and said so.
    let mut unknown = aged(50, 10);
    unknown.facts.birth_date = None;
    let (ok, zh, en) = applies(&r, &unknown);
    assert!(!ok);
    assert!(en.ends_with("(age: unknown)"), "{en}");
    assert!(zh.ends_with("（本人：未知）"), "{zh}");
}

#[test]
fn audiences_by_teaching_years_include_their_bounds() {
    let mut r = rule("r", &["reading"], 1.0, "semester", None);
    r.years_at_most = Some(5);
    assert!(applies(&r, &aged(30, 4)).0);
    assert!(applies(&r, &aged(30, 5)).0);
    let (ok, zh, en) = applies(&r, &aged(30, 6));
    assert!(!ok);
    assert_eq!(en, "Not applicable: only for up to 5 years' teaching (yours: 6)");
    assert_eq!(zh, "不适用：仅限教龄 5 年及以内（本人：6）");

    let mut r = rule("r", &["reading"], 1.0, "semester", None);
    r.years_at_least = Some(20);
    assert!(applies(&r, &aged(45, 20)).0);
    assert!(applies(&r, &aged(45, 21)).0);
    let (ok, zh, en) = applies(&r, &aged(45, 19));
    assert!(!ok);
    assert_eq!(
        en,
        "Not applicable: only for 20 or more years' teaching (yours: 19)"
    );
    assert_eq!(zh, "不适用：仅限教龄 20 年及以上（本人：19）");
    let mut unknown = aged(45, 20);
    unknown.facts.work_start = None;
    let (ok, _, en) = applies(&r, &unknown);
    assert!(!ok);
    assert!(en.ends_with("(yours: unknown)"), "{en}");

    // Both bounds: 6–15 years.
    let mut r = rule("r", &["reading"], 1.0, "semester", None);
    r.years_at_least = Some(6);
    r.years_at_most = Some(15);
    let inside: Vec<bool> = [5, 6, 15, 16]
        .iter()
        .map(|y| applies(&r, &aged(40, *y)).0)
        .collect();
    assert_eq!(inside, vec![false, true, true, false]);
}

fn holding(level: Option<Level>) -> DutyPerson {
    let mut p = aged(40, 15);
    if let Some(level) = level {
        p.facts.honours.push(HonourFact {
            kind: HonourKind::Backbone,
            level,
            granted_year: Some(2020),
            valid_until_year: None,
            status: HonourStatus::Active,
        });
    }
    p
}

#[test]
fn rules_for_honour_holders_need_the_level_or_above() {
    let mut r = rule("r", &["lecture"], 1.0, "semester", None);
    r.honours = vec![HonourInput {
        kind: "backbone".into(),
        min_level: "district".into(),
    }];
    let who: Vec<bool> = [
        None,
        Some(Level::School),
        Some(Level::County),
        Some(Level::Municipal),
    ]
    .into_iter()
    .map(|l| applies(&r, &holding(l)).0)
    .collect();
    assert_eq!(who, vec![false, false, true, true]);
    let (_, zh, en) = applies(&r, &holding(Some(Level::School)));
    assert_eq!(
        en,
        "Not applicable: only for holders of backbone (county level or above)"
    );
    assert_eq!(zh, "不适用：仅限县级及以上骨干教师");
    // Any of several honours will do.
    r.honours.push(HonourInput {
        kind: "famous_teacher".into(),
        min_level: String::new(),
    });
    let mut famous = holding(None);
    famous.facts.honours.push(HonourFact {
        kind: HonourKind::FamousTeacher,
        level: Level::School,
        granted_year: Some(2020),
        valid_until_year: None,
        status: HonourStatus::Active,
    });
    assert!(applies(&r, &famous).0);
    let (_, _, en) = applies(&r, &holding(None));
    assert!(en.contains(" or famous teacher (school level or above)"), "{en}");
}

#[test]
fn audiences_by_tier_group_and_name() {
    let mut r = rule("r", &["reading"], 1.0, "semester", None);
    r.tiers = vec!["young".into(), "mature".into()];
    let mut who = aged(30, 8);
    who.tier = Some("backbone".into());
    let (ok, zh, en) = applies(&r, &who);
    assert!(!ok);
    assert_eq!(
        en,
        "Not applicable: only for Young teachers, Mature teachers (yours: Backbone teachers)"
    );
    assert_eq!(zh, "不适用：仅限青年教师、成熟型教师（本人：骨干教师）");
    who.tier = None;
    let (_, zh, en) = applies(&r, &who);
    assert!(en.ends_with("(yours: no tier)"), "{en}");
    assert!(zh.ends_with("（本人：未分层）"), "{zh}");
    who.tier = Some("mature".into());
    assert!(applies(&r, &who).0);

    let mut r = rule("r", &["reading"], 1.0, "semester", None);
    r.groups = vec!["数学组".into(), "英语组".into()];
    let mut who = aged(30, 8);
    who.groups = vec!["语文组".into()];
    let (ok, zh, en) = applies(&r, &who);
    assert!(!ok);
    assert_eq!(en, "Not applicable: only for members of 数学组, 英语组");
    assert_eq!(zh, "不适用：仅限数学组、英语组成员");
    who.groups.push("英语组".into());
    assert!(applies(&r, &who).0);

    let mut r = rule("r", &["reading"], 1.0, "semester", None);
    r.teachers = vec!["T002".into()];
    let mut who = aged(30, 8);
    let (ok, zh, en) = applies(&r, &who);
    assert!(!ok);
    assert_eq!(
        (zh.as_str(), en.as_str()),
        ("不适用：仅限指定教师", "Not applicable: only for named teachers")
    );
    who.staff_no = "T002".into();
    assert!(applies(&r, &who).0);
}

#[test]
fn an_award_winning_article_needs_the_award_at_the_level_or_above() {
    let cal = Calendar::default();
    let mut r = rule("paper", &["article"], 1.0, "semester", None);
    r.award_won = true;
    r.min_level = Some("district".into());
    let article = |id: i64, award: Option<Level>| {
        let mut it = item(id, CountedKind::Article, d(2025, 10, id as u32), 0.0);
        // The article itself was written at school level: only the
        // award's level is asked about.
        it.level = Some(Level::School);
        it.award_level = award;
        it
    };
    let items = [
        article(1, None),
        article(2, Some(Level::School)),
        article(3, Some(Level::County)),
        article(4, Some(Level::Municipal)),
    ];
    let p = &eval(vec![r.clone()], &cal, d(2025, 11, 15), &items)[0];
    assert_eq!(ids(p), vec![3, 4]);
    // Without a level, any award will do, but an award there must be.
    r.min_level = None;
    let p = &eval(vec![r], &cal, d(2025, 11, 15), &items)[0];
    assert_eq!(ids(p), vec![2, 3, 4]);
}

#[test]
fn levels_project_roles_and_publication_filter_what_counts() {
    let cal = Calendar::default();
    let mut r = rule("cls", &["class"], 1.0, "semester", None);
    r.min_level = Some("district".into());
    let class = |id: i64, level: Option<Level>| {
        let mut it = item(id, CountedKind::Class, d(2025, 10, id as u32), 0.0);
        it.level = level;
        it
    };
    let items = [
        class(1, None),
        class(2, Some(Level::School)),
        class(3, Some(Level::County)),
        class(4, Some(Level::Provincial)),
    ];
    assert_eq!(ids(&eval(vec![r], &cal, d(2025, 11, 15), &items)[0]), vec![3, 4]);

    // Projects the teacher hosts, not those they are a member of.
    let mut r = rule("host", &["project"], 1.0, "school_year", None);
    r.role = Some("host".into());
    let project = |id: i64, role: ProjectRole| {
        let mut it = item(id, CountedKind::Project, d(2024, 3, 1), 0.0);
        it.role = Some(role);
        it.level = Some(Level::County);
        it
    };
    let items = [project(1, ProjectRole::Member), project(2, ProjectRole::Host)];
    assert_eq!(
        ids(&eval(vec![r.clone()], &cal, d(2025, 11, 15), &items)[0]),
        vec![2]
    );
    r.role = Some("member".into());
    assert_eq!(ids(&eval(vec![r], &cal, d(2025, 11, 15), &items)[0]), vec![1, 2]);

    // Published articles only.
    let mut r = rule("pub", &["article"], 1.0, "semester", None);
    r.published = true;
    let article = |id: i64, state: &str| {
        let mut it = item(id, CountedKind::Article, d(2025, 10, id as u32), 0.0);
        it.subtype = Some(state.into());
        it
    };
    let items = [
        article(1, "submitted"),
        article(2, "published"),
        article(3, "submitted"),
    ];
    assert_eq!(ids(&eval(vec![r], &cal, d(2025, 11, 15), &items)[0]), vec![2]);

    // A sub-kind filter: open classes, not ordinary ones.
    let mut r = rule("open", &["class"], 1.0, "semester", None);
    r.subtypes = vec!["open".into()];
    let typed = |id: i64, sub: Option<&str>| {
        let mut it = item(id, CountedKind::Class, d(2025, 10, id as u32), 0.0);
        it.subtype = sub.map(str::to_string);
        it
    };
    let items = [typed(1, Some("open")), typed(2, Some("standard")), typed(3, None)];
    assert_eq!(ids(&eval(vec![r], &cal, d(2025, 11, 15), &items)[0]), vec![1]);
}

#[test]
fn spans_count_while_they_overlap_the_period() {
    let cal = Calendar::default();
    let r = rule("mentor", &["apprentice"], 1.0, "semester", None);
    let span = |id: i64, from: NaiveDate, until: Option<NaiveDate>| {
        let mut it = item(id, CountedKind::Apprentice, from, 0.0);
        it.until = until;
        it
    };
    let items = [
        // Ended the day before the semester.
        span(1, d(2024, 9, 1), Some(d(2025, 8, 31))),
        // Ended on its first day.
        span(2, d(2024, 9, 1), Some(d(2025, 9, 1))),
        // Still running.
        span(3, d(2023, 9, 1), None),
        // Starts on the day asked about.
        span(4, d(2025, 11, 15), None),
        // Starts after it.
        span(5, d(2025, 11, 16), None),
    ];
    let p = &eval(vec![r], &cal, d(2025, 11, 15), &items)[0];
    let mut got = ids(p);
    got.sort();
    assert_eq!(got, vec![2, 3, 4]);
}

#[test]
fn the_loader_reads_from_the_earliest_period() {
    let cal = calendar();
    let tiers = TierRules::standard();
    let set = DutySetInput {
        rules: vec![
            rule("sem", &["reading"], 1.0, "semester", None),
            rule("year", &["reading"], 1.0, "school_year", None),
            rule("week", &["reading"], 1.0, "week", None),
        ],
    }
    .parse(None)
    .unwrap();
    let ctx = Context {
        calendar: &cal,
        tiers: &tiers,
        as_of: d(2026, 3, 10),
    };
    assert_eq!(Prepared::new(&set, ctx).earliest(), Some(d(2025, 9, 1)));
    let only_weeks = DutySet {
        rules: set.rules[2..].to_vec(),
    };
    assert_eq!(Prepared::new(&only_weeks, ctx).earliest(), Some(d(2026, 3, 6)));
    assert_eq!(Prepared::new(&DutySet::default(), ctx).earliest(), None);
    // The person is not needed for that, but is for the rest.
    assert_eq!(Prepared::new(&set, ctx).evaluate(&teacher(), &[]).len(), 3);
}

#[test]
fn statuses_have_codes_names_and_severities() {
    let all = DutyStatus::ALL;
    let codes: Vec<&str> = all.iter().map(|s| s.code()).collect();
    assert_eq!(
        codes,
        vec![
            "overdue",
            "behind",
            "on_track",
            "done",
            "not_started",
            "not_applicable"
        ]
    );
    for s in all {
        assert_eq!(DutyStatus::from_code(s.code()), Some(s));
    }
    assert_eq!(DutyStatus::from_code("late"), None);
    let sev: Vec<u32> = all.iter().map(|s| s.severity()).collect();
    assert_eq!(sev, vec![3, 2, 1, 0, 0, 0]);
    let zh: Vec<&str> = all.iter().map(|s| s.zh()).collect();
    assert_eq!(zh, vec!["逾期", "落后", "进度正常", "已完成", "未开始", "不适用"]);
    let en: Vec<&str> = all.iter().map(|s| s.en()).collect();
    assert_eq!(
        en,
        vec![
            "overdue",
            "behind",
            "on track",
            "done",
            "not started",
            "not applicable"
        ]
    );
    let p = &eval(vec![weekly()], &Calendar::default(), d(2025, 9, 8), &[])[0];
    assert_eq!(p.explain(Locale::ZhCn), p.explain_zh);
    assert_eq!(p.explain(Locale::En), p.explain_en);
    assert_ne!(p.explain_zh, p.explain_en);
}

fn progress(rule: &str, status: DutyStatus, due: NaiveDate, due_met: bool, remaining: f64) -> Progress {
    Progress {
        rule: rule.into(),
        status,
        required: 2.0,
        done: 2.0 - remaining,
        remaining,
        expected: 0.0,
        from: d(2025, 9, 1),
        to: due,
        due,
        due_met,
        missed: Vec::new(),
        evidence: Vec::new(),
        explain_zh: String::new(),
        explain_en: String::new(),
    }
}

fn reminder_rules() -> Vec<DutyRule> {
    let mut weekly = rule("weekly", &["observation"], 1.0, "semester", Some("week"));
    weekly.name_zh = "每周听课".into();
    weekly.name_en = "A lesson a week".into();
    let mut notes = rule("notes", &["reading"], 2.0, "semester", None);
    notes.name_zh = "读书笔记".into();
    notes.name_en = "Reading notes".into();
    let mut spring = rule("spring", &["lecture"], 1.0, "range", None);
    spring.from = Some("2025-11-01".into());
    spring.to = Some("2025-11-30".into());
    spring.name_zh = "专题讲座".into();
    spring.name_en = "A lecture".into();
    DutySetInput {
        rules: vec![weekly, notes, spring],
    }
    .parse(None)
    .unwrap()
    .rules
}

#[test]
fn reminders_cover_the_horizon_from_today_to_its_last_day() {
    let rules = reminder_rules();
    let today = d(2025, 11, 15);
    let up = |results: &[Progress], days| reminders::upcoming(&rules, results, today, days);
    let due = |status, due, met, remaining| {
        vec![
            progress("weekly", status, due, met, 1.0),
            progress("notes", DutyStatus::Behind, d(2025, 11, 20), false, remaining),
            progress("spring", DutyStatus::Done, d(2025, 11, 30), true, 0.0),
        ]
    };
    // Due today and due on the horizon's last day both remind; soonest first.
    let r = up(&due(DutyStatus::OnTrack, today, false, 1.5), 5);
    let rules_due: Vec<(&str, NaiveDate)> = r.iter().map(|x| (x.rule.as_str(), x.due)).collect();
    assert_eq!(rules_due, vec![("weekly", today), ("notes", d(2025, 11, 20))]);
    assert_eq!(r[0].remaining, 1.0);
    assert_eq!(r[1].remaining, 1.5);
    assert_eq!(
        r[0].text_en,
        "“A lesson a week”: not yet met this week (ends 15 Nov 2025)"
    );
    assert_eq!(r[0].text_zh, "“每周听课”：本周（2025-11-15 截止）尚未完成");
    assert_eq!(
        r[1].text(Locale::En),
        "“Reading notes”: 1.5 still to do, due 20 Nov 2025"
    );
    assert_eq!(r[1].text(Locale::ZhCn), "“读书笔记”：还差 1.5，2025-11-20 截止");
    assert_eq!(
        (r[1].name_zh.as_str(), r[1].name_en.as_str()),
        ("读书笔记", "Reading notes")
    );
    assert_eq!(r[1].status, DutyStatus::Behind);
    // One day short of the horizon: only today's.
    assert_eq!(up(&due(DutyStatus::OnTrack, today, false, 1.0), 4).len(), 1);
    // Yesterday's, a met one, and those not started or not applicable: none.
    assert_eq!(
        up(&due(DutyStatus::Overdue, d(2025, 11, 14), false, 1.0), 4).len(),
        0
    );
    assert_eq!(up(&due(DutyStatus::OnTrack, today, true, 1.0), 4).len(), 0);
    assert_eq!(up(&due(DutyStatus::NotStarted, today, false, 1.0), 4).len(), 0);
    assert_eq!(up(&due(DutyStatus::NotApplicable, today, false, 1.0), 4).len(), 0);
    // Overdue but with something due today still reminds.
    assert_eq!(up(&due(DutyStatus::Overdue, today, false, 1.0), 4).len(), 1);
    // A horizon past the calendar's end holds.
    assert_eq!(
        up(&due(DutyStatus::OnTrack, today, false, 1.0), u32::MAX).len(),
        2
    );
}

#[test]
fn a_digest_counts_who_is_short_and_who_is_overdue() {
    let rules = reminder_rules();
    let today = d(2025, 11, 15);
    let t1 = vec![
        progress("weekly", DutyStatus::OnTrack, d(2025, 11, 16), false, 1.0),
        progress("notes", DutyStatus::OnTrack, d(2026, 1, 31), false, 1.0),
        progress("spring", DutyStatus::Behind, d(2025, 11, 30), false, 1.0),
    ];
    let t2 = vec![
        progress("weekly", DutyStatus::Overdue, d(2025, 11, 16), true, 0.0),
        progress("notes", DutyStatus::NotApplicable, d(2026, 1, 31), false, 2.0),
        progress("spring", DutyStatus::Behind, d(2025, 11, 30), false, 1.0),
    ];
    let t3 = vec![
        progress("weekly", DutyStatus::Overdue, d(2025, 11, 16), false, 1.0),
        progress("notes", DutyStatus::Done, d(2026, 1, 31), true, 0.0),
    ];
    // A teacher with no results at all (a new colleague) is left out.
    let none: Vec<Progress> = Vec::new();
    let rows = [
        (1, t1.as_slice()),
        (2, t2.as_slice()),
        (3, t3.as_slice()),
        (4, none.as_slice()),
    ];
    let dg = reminders::digest(&rules, rows.iter().map(|(i, r)| (*i, *r)), today, 15);
    assert_eq!((dg.as_of, dg.days), (today, 15));
    let codes: Vec<&str> = dg.lines.iter().map(|l| l.rule.as_str()).collect();
    // Reading notes fall due after the horizon and nobody is overdue: no line.
    assert_eq!(codes, vec!["weekly", "spring"]);
    let w = &dg.lines[0];
    assert_eq!(
        (w.applicable, w.unmet.clone(), w.overdue.clone()),
        (3, vec![1, 3], vec![2, 3])
    );
    assert_eq!(w.due, d(2025, 11, 16));
    assert_eq!(
        w.text_en,
        "2 teachers have not yet met “A lesson a week” this week (ends 16 Nov 2025); 2 overdue"
    );
    assert_eq!(
        w.text_zh,
        "2 位教师本周尚未完成“每周听课”（2025-11-16 截止）；2 位已逾期"
    );
    let s = &dg.lines[1];
    assert_eq!(
        (s.applicable, s.unmet.clone(), s.overdue.clone()),
        (2, vec![1, 2], vec![])
    );
    assert_eq!(
        s.text(Locale::En),
        "2 teachers have not yet met “A lecture” this period (ends 30 Nov 2025)"
    );
    assert_eq!(
        s.text(Locale::ZhCn),
        "2 位教师本期间尚未完成“专题讲座”（2025-11-30 截止）"
    );
    assert_eq!(
        (s.name_zh.as_str(), s.name_en.as_str()),
        ("专题讲座", "A lecture")
    );
    assert_eq!(dg.text(Locale::En), format!("{}\n{}", w.text_en, s.text_en));
    // The earliest due date among teachers is the line's.
    let mut early = t1.clone();
    early[0].due = d(2025, 11, 15);
    let rows = [(1, early.as_slice()), (2, t2.as_slice())];
    let dg = reminders::digest(&rules, rows.iter().map(|(i, r)| (*i, *r)), today, 15);
    assert_eq!(dg.lines[0].due, d(2025, 11, 15));
    // Only the overdue: still a line, and a single teacher in the singular.
    let rows = [(3, t3.as_slice())];
    let dg = reminders::digest(&rules, rows.iter().map(|(i, r)| (*i, *r)), d(2025, 11, 17), 15);
    assert_eq!(dg.lines.len(), 1);
    assert_eq!(dg.lines[0].text_en, "1 teacher is overdue on “A lesson a week”");
    assert_eq!(dg.lines[0].text_zh, "1 位教师“每周听课”已逾期");
    let rows = [(2, t2.as_slice()), (3, t3.as_slice())];
    let dg = reminders::digest(&rules, rows.iter().map(|(i, r)| (*i, *r)), d(2025, 11, 17), 15);
    assert_eq!(dg.lines[0].text_en, "2 teachers are overdue on “A lesson a week”");
    let rows = [(1, t1.as_slice())];
    let dg = reminders::digest(&rules, rows.iter().map(|(i, r)| (*i, *r)), today, 15);
    assert!(
        dg.lines[0].text_en.starts_with("1 teacher has not yet met"),
        "{}",
        dg.lines[0].text_en
    );
}

#[test]
fn presets_name_their_sources_in_both_languages() {
    use presets::source_name;
    let both = |s: &str| (source_name(s, Locale::ZhCn), source_name(s, Locale::En));
    let s = |a: &str, b: &str| (a.to_string(), b.to_string());
    assert_eq!(
        both("seed 000"),
        s(
            "2019 年骨干教师培养工作计划",
            "A 2019 plan for training backbone teachers"
        )
    );
    assert_eq!(
        both("seed 001"),
        s("学校校本培训工作计划", "A school's school-based training plan")
    );
    assert_eq!(
        both("seed 002 篇7"),
        s("师训工作计划（第七篇）", "Teacher-training work plans, no. 7")
    );
    assert_eq!(both("seed 002"), s("师训工作计划", "Teacher-training work plans"));
    assert_eq!(
        both("seed 002 篇x"),
        s("师训工作计划", "Teacher-training work plans")
    );
    assert_eq!(
        both("seed 003"),
        s(
            "小学骨干教师培训工作总结",
            "A primary school's summary of backbone-teacher training"
        )
    );
    assert_eq!(
        both("seed 004"),
        s(
            "教师发展中心工作总结（骨干教师培养）",
            "A teacher development centre's summary (backbone teachers)"
        )
    );
    // Anything else is shown as written.
    assert_eq!(both("seed 009"), s("seed 009", "seed 009"));
    assert_eq!(both("区教研室 2024"), s("区教研室 2024", "区教研室 2024"));
    let p = presets::find("all-eight-ones").unwrap();
    assert_eq!(p.source_name(Locale::ZhCn), "师训工作计划（第七篇）");
    assert_eq!(p.name(Locale::ZhCn), p.name_zh);
    assert_eq!(p.name(Locale::En), p.name_en);
    assert_eq!(p.description(Locale::ZhCn), p.description_zh);
    assert_eq!(p.description(Locale::En), p.description_en);
    assert_ne!(p.description_zh, p.description_en);
    assert!(presets::find("no-such-preset").is_none());
    // Rules read from a preset file remember it; a set file is parsed as
    // TOML or JSON, and its errors name the rule.
    assert!(
        p.set
            .rules
            .iter()
            .all(|r| r.preset.as_deref() == Some("all-eight-ones"))
    );
    let toml = "[[rules]]\ncode = \"a\"\nname_zh = \"甲\"\nname_en = \"A\"\nkinds = [\"reading\"]\ncount = 1\nperiod = \"semester\"\n";
    let set = presets::parse_set_file(toml, false).unwrap();
    assert_eq!((set.rules.len(), set.rules[0].preset.clone()), (1, None));
    let json = serde_json::to_string(&set.to_input()).unwrap();
    assert_eq!(presets::parse_set_file(&json, true).unwrap(), set);
    assert!(matches!(
        presets::parse_set_file(&json, false),
        Err(presets::PresetError::Syntax(_))
    ));
    assert!(matches!(
        presets::parse_set_file(toml, true),
        Err(presets::PresetError::Syntax(_))
    ));
    match presets::parse_set_file(&toml.replace("count = 1", "count = 0"), false) {
        Err(presets::PresetError::Rules(e)) => assert_eq!((e[0].rule, e[0].error.field), (1, "count")),
        other => panic!("{other:?}"),
    }
}

fn reading() -> DutyRuleInput {
    rule("r", &["reading"], 1.0, "semester", None)
}

#[test]
fn every_bound_of_a_rule_is_checked_on_both_sides() {
    let with = |f: &dyn Fn(&mut DutyRuleInput)| {
        let mut r = reading();
        f(&mut r);
        errors(r)
    };
    let none: Vec<(&str, &str)> = Vec::new();
    // Codes: up to 40 letters, digits, _ and -.
    assert_eq!(with(&|r| r.code = "a".repeat(40)), none);
    assert_eq!(with(&|r| r.code = "a_b-C9".into()), none);
    assert_eq!(
        with(&|r| r.code = "a".repeat(41)),
        vec![("code", "bad_rule_code")]
    );
    assert_eq!(with(&|r| r.code = "规则".into()), vec![("code", "bad_rule_code")]);
    // Names: required, up to 100 characters.
    assert_eq!(with(&|r| r.name_zh = "名".repeat(100)), none);
    assert_eq!(
        with(&|r| r.name_zh = "名".repeat(101)),
        vec![("name_zh", "too_long")]
    );
    assert_eq!(with(&|r| r.name_en = " ".into()), vec![("name_en", "required")]);
    // Counts: more than 0, at most 1,000.
    assert_eq!(with(&|r| r.count = Some(1000.0)), none);
    assert_eq!(with(&|r| r.count = Some(1001.0)), vec![("count", "out_of_range")]);
    assert_eq!(
        with(&|r| r.count = Some(f64::NAN)),
        vec![("count", "out_of_range")]
    );
    assert_eq!(with(&|r| r.count = None), vec![("count", "required")]);
    // Hours may be fractional; records may not.
    let hours = |c: f64, min: Option<f64>| {
        let mut r = rule("h", &["training"], c, "semester", None);
        r.measure = Some("hours".into());
        r.min_hours = min;
        errors(r)
    };
    assert_eq!(hours(1.5, Some(0.5)), none);
    assert_eq!(hours(1.5, Some(10_000.0)), none);
    assert_eq!(hours(1.5, Some(0.0)), vec![("min_hours", "out_of_range")]);
    assert_eq!(hours(1.5, Some(10_000.5)), vec![("min_hours", "out_of_range")]);
    assert_eq!(
        hours(1.5, Some(f64::INFINITY)),
        vec![("min_hours", "out_of_range")]
    );
    // Days are for study visits only.
    let mut r = rule("v", &["study_visit"], 2.0, "semester", None);
    r.measure = Some("days".into());
    assert_eq!(errors(r.clone()), none);
    r.kinds.push("reading".into());
    assert_eq!(errors(r), vec![("measure", "measure_not_for_kinds")]);
    let mut r = reading();
    r.measure = Some("weight".into());
    assert_eq!(errors(r), vec![("measure", "unknown_measure")]);
    // Ages and years: 0 to 80.
    for (field, set) in [
        (
            "age_below",
            (|r, v| r.age_below = Some(v)) as fn(&mut DutyRuleInput, i32),
        ),
        ("age_at_least", |r, v| r.age_at_least = Some(v)),
        ("years_at_most", |r, v| r.years_at_most = Some(v)),
        ("years_at_least", |r, v| r.years_at_least = Some(v)),
    ] {
        for (v, ok) in [(-1, false), (0, true), (80, true), (81, false)] {
            let got = with(&|r| set(r, v));
            if ok {
                assert_eq!(got, none, "{field} {v}");
            } else {
                assert_eq!(got, vec![(field, "out_of_range")], "{field} {v}");
            }
        }
    }
    // Under 40 and at least 40 match nobody; 6 to 6 years is exactly 6.
    let ages = |below, least| {
        with(&|r| {
            r.age_below = Some(below);
            r.age_at_least = Some(least);
        })
    };
    assert_eq!(ages(40, 40), vec![("age_below", "no_one_matches")]);
    assert_eq!(ages(41, 40), none);
    let years = |most, least| {
        with(&|r| {
            r.years_at_most = Some(most);
            r.years_at_least = Some(least);
        })
    };
    assert_eq!(years(6, 6), none);
    assert_eq!(years(5, 6), vec![("years_at_most", "no_one_matches")]);
    // "In each" needs a shorter sub-period: a fixed range longer than it.
    let range = |from: &str, to: &str, every: &str| {
        let mut r = rule("x", &["reading"], 1.0, "range", Some(every));
        r.from = Some(from.into());
        r.to = Some(to.into());
        errors(r)
    };
    assert_eq!(range("2025-09-01", "2025-09-08", "week"), none);
    assert_eq!(
        range("2025-09-01", "2025-09-07", "week"),
        vec![("every", "every_not_shorter")]
    );
    assert_eq!(range("2025-09-01", "2025-09-15", "two_weeks"), none);
    // A month is taken as 31 days.
    assert_eq!(range("2025-09-01", "2025-10-02", "month"), none);
    assert_eq!(
        range("2025-09-01", "2025-10-01", "month"),
        vec![("every", "every_not_shorter")]
    );
    let mut r = rule("x", &["reading"], 1.0, "range", Some("week"));
    r.from = Some("2025-09-01".into());
    assert_eq!(errors(r), vec![("to", "required")]);
    for (period, every, ok) in [
        ("semester", "month", true),
        ("school_year", "semester", true),
        ("month", "two_weeks", true),
        ("two_weeks", "week", true),
        ("week", "week", false),
        ("month", "month", false),
        ("semester", "school_year", false),
    ] {
        let got = errors(rule("x", &["reading"], 1.0, period, Some(every)));
        assert_eq!(got.is_empty(), ok, "{period} every {every}: {got:?}");
    }
    // Dates: a bad one is named; one that is only for ranges is refused.
    let mut r = reading();
    r.since = Some("2025-13-01".into());
    assert_eq!(errors(r), vec![("since", "bad_date")]);
    let mut r = reading();
    r.to = Some("2025-10-01".into());
    assert_eq!(errors(r), vec![("from", "dates_only_for_range")]);
    let mut r = rule("x", &["reading"], 1.0, "range", None);
    r.from = Some("2025-10-01".into());
    r.to = Some("2025-10-01".into());
    let set = DutySetInput { rules: vec![r] }.parse(None).unwrap();
    assert_eq!(
        (set.rules[0].from, set.rules[0].to),
        (Some(d(2025, 10, 1)), Some(d(2025, 10, 1)))
    );
    // Honours: an unknown kind or level is named; no level means any.
    let mut r = reading();
    r.honours = vec![HonourInput {
        kind: "hero".into(),
        min_level: "galactic".into(),
    }];
    assert_eq!(
        errors(r),
        vec![("honours", "unknown_honour"), ("honours", "unknown_level")]
    );
    let mut r = reading();
    r.honours = vec![HonourInput {
        kind: "骨干教师".into(),
        min_level: " ".into(),
    }];
    let set = DutySetInput { rules: vec![r] }.parse(None).unwrap();
    assert_eq!(set.rules[0].audience.honours[0].min_level, Level::School);
    assert!(!set.rules[0].audience.is_everyone());
    assert!(
        DutySetInput {
            rules: vec![reading()]
        }
        .parse(None)
        .unwrap()
        .rules[0]
            .audience
            .is_everyone()
    );
}

#[test]
fn filters_fit_the_kinds_they_filter() {
    let none: Vec<(&str, &str)> = Vec::new();
    let mut r = rule("x", &["article", "award"], 1.0, "semester", None);
    r.award_won = true;
    r.min_level = Some("county".into());
    assert_eq!(errors(r.clone()), none);
    r.kinds = vec!["award".into()];
    assert_eq!(errors(r), none);
    let mut r = rule("x", &["article", "reading"], 1.0, "semester", None);
    r.published = true;
    assert_eq!(errors(r), none);
    let mut r = rule("x", &["project", "reading"], 1.0, "semester", None);
    r.role = Some("主持人".into());
    assert_eq!(errors(r.clone()), none);
    r.role = Some("boss".into());
    assert_eq!(errors(r), vec![("role", "unknown_project_role")]);
    let mut r = rule("x", &["training", "reading"], 1.0, "semester", None);
    r.min_hours = Some(2.0);
    assert_eq!(errors(r), none);
    let mut r = rule("x", &["project"], 1.0, "semester", None);
    r.min_level = Some("county".into());
    assert_eq!(errors(r), none);
    let mut r = rule("x", &["class"], 1.0, "semester", None);
    r.min_level = Some("planetary".into());
    assert_eq!(errors(r), vec![("min_level", "unknown_level")]);
    // Sub-kinds: the same one twice is kept once; blank ones are ignored;
    // one of another kind is unknown for these.
    let mut r = rule("x", &["class", "writing"], 1.0, "semester", None);
    r.subtypes = vec!["open".into(), "公开课".into(), " ".into(), "教案".into()];
    let set = DutySetInput {
        rules: vec![r.clone()],
    }
    .parse(None)
    .unwrap();
    assert_eq!(
        set.rules[0].matcher.subtypes,
        vec!["open".to_string(), "lesson_plan".to_string()]
    );
    r.subtypes = vec!["centralized".into()];
    assert_eq!(errors(r), vec![("subtypes", "unknown_subtype")]);
    let mut r = rule("x", &["training"], 1.0, "semester", None);
    r.subtypes = vec!["网络".into()];
    assert_eq!(
        DutySetInput { rules: vec![r] }.parse(None).unwrap().rules[0]
            .matcher
            .subtypes,
        vec!["online".to_string()]
    );
    let mut r = rule("x", &["plan"], 1.0, "semester", None);
    r.subtypes = vec!["五年规划".into()];
    assert_eq!(
        DutySetInput { rules: vec![r] }.parse(None).unwrap().rules[0]
            .matcher
            .subtypes,
        vec!["five_year".to_string()]
    );
    // Kinds: the same twice is kept once; a blank list entry alone is "required".
    let mut r = rule("x", &["reading", "读书笔记"], 1.0, "semester", None);
    assert_eq!(
        DutySetInput {
            rules: vec![r.clone()]
        }
        .parse(None)
        .unwrap()
        .rules[0]
            .matcher
            .kinds
            .len(),
        1
    );
    r.kinds = vec![" ".into()];
    assert_eq!(errors(r), vec![("kinds", "required")]);
    // Lists of groups and teachers are trimmed and kept once each.
    let mut r = reading();
    r.groups = vec![" 语文组 ".into(), "语文组".into(), "".into()];
    r.teachers = vec!["T1".into(), "T1".into()];
    r.tiers = vec![" young ".into(), String::new()];
    r.preset = Some(" ".into());
    let a = &DutySetInput { rules: vec![r] }.parse(None).unwrap().rules[0];
    assert_eq!(a.audience.groups, vec!["语文组".to_string()]);
    assert_eq!(a.audience.teachers, vec!["T1".to_string()]);
    assert_eq!(a.audience.tiers, vec!["young".to_string()]);
    assert_eq!(a.preset, None);
}

#[test]
fn a_set_of_too_many_rules_is_refused_and_errors_name_the_rule() {
    let rules: Vec<DutyRuleInput> = (0..=MAX_RULES)
        .map(|i| rule(&format!("r{i}"), &["reading"], 1.0, "semester", None))
        .collect();
    let e = DutySetInput { rules: rules.clone() }.parse(None).unwrap_err();
    assert_eq!((e.len(), e[0].rule, e[0].error.code), (1, 0, "too_many"));
    assert!(
        DutySetInput {
            rules: rules[..MAX_RULES].to_vec()
        }
        .parse(None)
        .is_ok()
    );
    let mut bad = reading();
    bad.code = "s".into();
    bad.name_zh = String::new();
    bad.name_en = " ".into();
    bad.count = Some(0.0);
    let e = DutySetInput {
        rules: vec![reading(), bad],
    }
    .parse(None)
    .unwrap_err();
    // A rule without names is named by its code.
    assert_eq!(
        (e[0].rule, e[0].name_zh.as_str(), e[0].name_en.as_str()),
        (2, "s", "s")
    );
    assert_eq!(e[0].to_string(), "rule 2 (s): name_zh: required");
    assert_eq!(e.len(), 3);
    // Tiers known to the year are checked only when given.
    let mut r = reading();
    r.tiers = vec!["elder".into()];
    assert!(
        DutySetInput {
            rules: vec![r.clone()]
        }
        .parse(None)
        .is_ok()
    );
    let e = DutySetInput { rules: vec![r] }
        .parse(Some(&["young"]))
        .unwrap_err();
    assert_eq!(e[0].error.code, "unknown_tier");
}

#[test]
fn rules_compare_read_and_name_what_they_count() {
    let set = DutySetInput {
        rules: vec![
            rule("a", &["reading"], 1.0, "semester", None),
            rule(
                "b",
                &["project", "apprentice", "group_lead"],
                1.0,
                "semester",
                None,
            ),
        ],
    }
    .parse(None)
    .unwrap();
    let a = set.find("a").unwrap();
    let mut later = a.clone();
    later.since = Some(d(2025, 10, 1));
    assert!(a.same_as(&later) && later.same_as(a));
    later.count = 2.0;
    assert!(!a.same_as(&later));
    assert_eq!((a.name(Locale::ZhCn), a.name(Locale::En)), ("a", "a"));
    assert!(set.find("c").is_none());
    let n = set.needs();
    assert_eq!(n.record_kinds, vec!["reading"]);
    assert!(n.detail_kinds.is_empty());
    assert!(n.projects && n.apprentices && n.groups_led);
    // Training hours and minimum hours need the training's details.
    let mut hours = rule("h", &["training"], 1.0, "semester", None);
    hours.min_hours = Some(2.0);
    let mut count = rule("c", &["training"], 1.0, "semester", None);
    count.code = "c".into();
    let n = DutySetInput {
        rules: vec![count.clone()],
    }
    .parse(None)
    .unwrap()
    .needs();
    assert_eq!(
        (n.record_kinds.clone(), n.detail_kinds.clone()),
        (vec!["training"], vec![])
    );
    let n = DutySetInput {
        rules: vec![count, hours],
    }
    .parse(None)
    .unwrap()
    .needs();
    assert_eq!(
        (n.record_kinds, n.detail_kinds),
        (vec!["training"], vec!["training"])
    );
    assert_eq!(DutySet::default().needs(), Needs::default());
    // Every counted kind but the standing facts is a record kind.
    for k in CountedKind::ALL {
        match k.evidence_kind() {
            Some(e) => assert_eq!(CountedKind::of_evidence(e), *k),
            None => assert!(matches!(
                k,
                CountedKind::Project | CountedKind::Apprentice | CountedKind::GroupLead
            )),
        }
    }
    let names: Vec<(&str, &str)> = PeriodUnit::ALL
        .iter()
        .map(|p| (p.name(Locale::ZhCn), p.name(Locale::En)))
        .collect();
    assert_eq!(
        names,
        vec![
            ("周", "week"),
            ("两周", "fortnight"),
            ("月", "month"),
            ("学期", "semester"),
            ("学年", "school year"),
            ("期间", "period")
        ]
    );
    // A rule written out and read back is the same rule.
    let mut full = rule("f", &["article"], 2.0, "range", Some("month"));
    full.from = Some("2025-09-01".into());
    full.to = Some("2026-01-31".into());
    full.award_won = true;
    full.published = true;
    full.min_level = Some("county".into());
    full.age_below = Some(40);
    full.years_at_least = Some(3);
    full.since = Some("2025-10-01".into());
    let set = DutySetInput { rules: vec![full] }.parse(None).unwrap();
    assert_eq!(set.to_input().parse(None).unwrap(), set);
    let json = serde_json::to_value(&set).unwrap();
    assert_eq!(serde_json::from_value::<DutySet>(json.clone()).unwrap(), set);
    // Stored as typed: a count is the default measure and left out.
    assert!(json["rules"][0].get("measure").is_none(), "{json}");
    assert_eq!(json["rules"][0]["every"], "month");
}

#[test]
fn sub_kinds_filter_trainings_writings_and_plans() {
    let cal = Calendar::default();
    let typed = |id: i64, kind: CountedKind, sub: &str| {
        let mut it = item(id, kind, d(2025, 10, id as u32), 1.0);
        it.subtype = Some(sub.into());
        it
    };
    let items = [
        typed(1, CountedKind::Training, "online"),
        typed(2, CountedKind::Training, "centralized"),
        typed(3, CountedKind::Writing, "reflection"),
        typed(4, CountedKind::Writing, "case_study"),
        typed(5, CountedKind::Plan, "five_year"),
        typed(6, CountedKind::Plan, "goal"),
    ];
    for (kind, sub, want) in [
        ("training", "网络", 1),
        ("writing", "教学反思", 3),
        ("plan", "五年规划", 5),
        ("writing", "case_study", 4),
    ] {
        let mut r = rule("x", &[kind], 1.0, "semester", None);
        r.subtypes = vec![sub.into()];
        let p = &eval(vec![r], &cal, d(2025, 11, 15), &items)[0];
        assert_eq!(ids(p), vec![want], "{kind} {sub}");
    }
    // A sub-kind filter for one kind leaves another kind of the rule alone.
    let mut r = rule("x", &["training", "reading"], 1.0, "semester", None);
    r.subtypes = vec!["online".into()];
    let mut with_reading = items.to_vec();
    with_reading.push(item(7, CountedKind::Reading, d(2025, 10, 7), 0.0));
    let p = &eval(vec![r], &cal, d(2025, 11, 15), &with_reading)[0];
    assert_eq!(ids(p), vec![1, 7]);
}

#[test]
fn codes_made_from_names_are_short_and_unique() {
    let named = |code: &str, en: &str| {
        let mut r = reading();
        r.code = code.into();
        r.name_en = en.into();
        r
    };
    let codes = |rules: Vec<DutyRuleInput>| -> Vec<String> {
        DutySetInput { rules }
            .with_codes()
            .rules
            .into_iter()
            .map(|r| r.code)
            .collect()
    };
    // Words are added while the code stays within 32 characters.
    assert_eq!(
        codes(vec![named("", "Observe 20 lessons, a semester ab cd")]),
        vec!["observe_20_lessons_a_semester_ab"]
    );
    assert_eq!(
        codes(vec![named("", "Observe 20 lessons, a semester abc")]),
        vec!["observe_20_lessons_a_semester"]
    );
    // A code typed for another rule is not given again; nor one made
    // twice over.
    assert_eq!(
        codes(vec![
            named("observe", "Observe"),
            named("", "Observe"),
            named("", "Observe"),
            named(" ", "observe!"),
        ]),
        vec!["observe", "observe_2", "observe_3", "observe_4"]
    );
    // A stored set is checked as typed input would be.
    let mut set = DutySetInput {
        rules: vec![reading()],
    }
    .parse(None)
    .unwrap();
    assert!(set.validate(None).is_ok());
    set.rules[0].count = 0.0;
    let e = set.validate(None).unwrap_err();
    assert_eq!((e[0].rule, e[0].error.field), (1, "count"));
}

#[test]
fn a_window_of_exactly_half_its_length_is_a_period_of_its_own() {
    // 21 days in fortnights: 14 + 7, and 7 is half a fortnight: kept.
    let ss = d(2025, 9, 1);
    assert_eq!(
        semester_windows(PeriodUnit::TwoWeeks, ss, d(2025, 9, 21)),
        vec![(ss, d(2025, 9, 14)), (d(2025, 9, 15), d(2025, 9, 21))]
    );
    // 20 days: the last 6 join the first fortnight.
    assert_eq!(
        semester_windows(PeriodUnit::TwoWeeks, ss, d(2025, 9, 20)),
        vec![(ss, d(2025, 9, 20))]
    );
    // Weeks: 4 of 7 days is kept, 3 is not.
    assert_eq!(semester_windows(PeriodUnit::Week, ss, d(2025, 9, 11)).len(), 2);
    assert_eq!(semester_windows(PeriodUnit::Week, ss, d(2025, 9, 10)).len(), 1);
    // A semester starting on 16 April: 15 of April's 30 days is half a
    // month, a month of its own; from the 17th, 14 days join May.
    assert_eq!(
        semester_windows(PeriodUnit::Month, d(2026, 4, 16), d(2026, 6, 30))[0],
        (d(2026, 4, 16), d(2026, 4, 30))
    );
    assert_eq!(
        semester_windows(PeriodUnit::Month, d(2026, 4, 17), d(2026, 6, 30))[0],
        (d(2026, 4, 17), d(2026, 5, 31))
    );
    // A semester shorter than a week is one window.
    assert_eq!(
        semester_windows(PeriodUnit::Week, ss, d(2025, 9, 3)),
        vec![(ss, d(2025, 9, 3))]
    );
    assert_eq!(semester_windows(PeriodUnit::Month, ss, ss), vec![(ss, ss)]);
}

#[test]
fn sub_periods_are_cut_at_the_period_and_skip_the_holidays() {
    let cal = calendar();
    // A period from a Wednesday to the next Tuesday: the two weeks it
    // touches, cut at both ends.
    assert_eq!(
        sub_windows(PeriodUnit::Week, &cal, d(2025, 9, 3), d(2025, 9, 9)),
        vec![(d(2025, 9, 3), d(2025, 9, 7)), (d(2025, 9, 8), d(2025, 9, 9))]
    );
    // A one-day period is one one-day sub-period.
    assert_eq!(
        sub_windows(PeriodUnit::Week, &cal, d(2025, 9, 8), d(2025, 9, 8)),
        vec![(d(2025, 9, 8), d(2025, 9, 8))]
    );
    // A period ending on the first day of a semester takes that day.
    assert_eq!(
        sub_windows(PeriodUnit::Week, &cal, d(2026, 2, 20), d(2026, 2, 27)),
        vec![(d(2026, 2, 27), d(2026, 2, 27))]
    );
    // An empty period has none; a period in the holidays has none.
    assert!(sub_windows(PeriodUnit::Week, &cal, d(2025, 9, 9), d(2025, 9, 8)).is_empty());
    assert!(sub_windows(PeriodUnit::Week, &cal, d(2026, 1, 25), d(2026, 2, 20)).is_empty());
    // Across the winter holiday: January's last days, then the spring's first.
    let subs = sub_windows(PeriodUnit::Month, &cal, d(2026, 1, 10), d(2026, 3, 10));
    assert_eq!(
        subs,
        vec![(d(2026, 1, 10), d(2026, 1, 23)), (d(2026, 2, 27), d(2026, 3, 10))]
    );
    // A day of the summer holiday falls in the semester's last week.
    assert_eq!(
        unit_window(PeriodUnit::Week, &cal, d(2026, 8, 1)),
        (d(2026, 7, 3), d(2026, 7, 10))
    );
    assert_eq!(
        unit_window(PeriodUnit::Semester, &cal, d(2026, 8, 1)),
        (d(2026, 2, 27), d(2026, 7, 10))
    );
}

#[test]
fn a_level_filter_leaves_kinds_without_levels_alone() {
    let cal = Calendar::default();
    let mut r = rule("x", &["class", "reading"], 2.0, "semester", None);
    r.min_level = Some("county".into());
    let mut low = item(1, CountedKind::Class, d(2025, 10, 1), 0.0);
    low.level = Some(Level::School);
    let mut high = item(2, CountedKind::Class, d(2025, 10, 2), 0.0);
    high.level = Some(Level::County);
    let note = item(3, CountedKind::Reading, d(2025, 10, 3), 0.0);
    let p = &eval(vec![r], &cal, d(2025, 11, 15), &[low, high, note])[0];
    assert_eq!(ids(p), vec![2, 3]);
    // Hours and days below zero add nothing.
    let mut r = rule("v", &["study_visit"], 3.0, "semester", None);
    r.measure = Some("days".into());
    let items = [
        item(1, CountedKind::StudyVisit, d(2025, 10, 1), 2.0),
        item(2, CountedKind::StudyVisit, d(2025, 10, 2), -5.0),
        item(3, CountedKind::StudyVisit, d(2025, 10, 3), 0.5),
    ];
    let p = &eval(vec![r], &cal, d(2025, 11, 15), &items)[0];
    assert_eq!(p.done, 2.5);
    assert_eq!(p.remaining, 0.5);
    assert!(p.explain_en.contains("2.5 of 3 days done"), "{}", p.explain_en);
    assert!(p.explain_zh.contains("2.5/3 天"), "{}", p.explain_zh);
}

#[test]
fn the_share_of_a_period_gone_is_floored_to_whole_percent() {
    let p = |total, elapsed| Pace::new(2.0, total, elapsed).percent();
    assert_eq!(p(4, 3), 75);
    assert_eq!(p(3, 1), 33);
    assert_eq!(p(3, 2), 66);
    assert_eq!(p(3, 3), 100);
    // Clamped to the period: before it, 0; after it, 100.
    assert_eq!(p(10, -2), 0);
    assert_eq!(p(10, 25), 100);
    assert_eq!(p(0, 0), 0);
    assert_eq!(Pace::new(-3.0, 10, 5).by_now(), 0);
}
