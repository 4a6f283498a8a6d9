//! Where each rule draws its lines, tested on both sides: the last day of
//! a week and the first day of the next, the first day of a period, the
//! day a rule takes effect, an "in each" duty after its period has ended,
//! the minimum hours of a training, the ages and teaching years of an
//! audience, honour holders, and award levels above and below the one
//! asked for. A rule that moved any of these lines by one would fail here.

use super::engine::{Context, Prepared, sub_windows};
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
    assert_eq!(p.explain(crate::locale::Locale::ZhCn), p.explain_zh);
    assert_eq!(p.explain(crate::locale::Locale::En), p.explain_en);
    assert_ne!(p.explain_zh, p.explain_en);
}
