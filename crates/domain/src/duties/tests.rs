use super::engine::{Context, period_window, sub_windows, unit_window};
use super::*;
use crate::calendar::Calendar;
use crate::honour::{HonourFact, HonourStatus};
use crate::teacher::TeacherFacts;
use crate::tiers::TierRules;
use proptest::prelude::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// A teacher of the given tier and age on 2025-11-15.
fn person(tier: &str, age: i32) -> DutyPerson {
    let mut honours = Vec::new();
    if tier == "backbone" {
        honours.push(HonourFact {
            kind: HonourKind::Backbone,
            level: Level::County,
            granted_year: Some(2020),
            valid_until_year: None,
            status: HonourStatus::Active,
        });
    }
    DutyPerson {
        facts: TeacherFacts {
            id: 1,
            birth_date: Some(d(2025 - age, 1, 1)),
            work_start: Some(d(2025 - age + 23, 9, 1)),
            honours,
            ..Default::default()
        },
        tier: Some(tier.to_string()),
        staff_no: "T001".into(),
        groups: vec!["语文组".into()],
    }
}

struct Portfolio {
    items: Vec<Item>,
}

impl Portfolio {
    fn new() -> Self {
        Self { items: Vec::new() }
    }

    fn add(&mut self, kind: CountedKind, date: NaiveDate) -> &mut Item {
        let id = self.items.len() as i64 + 1;
        self.items.push(Item {
            id,
            kind,
            subtype: None,
            date,
            until: None,
            level: None,
            role: None,
            award_level: None,
            amount: 0.0,
        });
        self.items.last_mut().unwrap()
    }

    fn rec(
        &mut self,
        kind: CountedKind,
        date: NaiveDate,
        subtype: Option<&str>,
        level: Option<Level>,
    ) -> &mut Item {
        let it = self.add(kind, date);
        it.subtype = subtype.map(str::to_string);
        it.level = level;
        it
    }

    fn many(&mut self, kind: CountedKind, n: usize, from: NaiveDate, step_days: u64) {
        for i in 0..n {
            self.add(kind, from + chrono::Days::new(i as u64 * step_days));
        }
    }
}

const AS_OF: (i32, u32, u32) = (2025, 11, 15);

fn run(preset: &str, p: &DutyPerson, items: &[Item]) -> Vec<Progress> {
    run_at(preset, p, items, d(AS_OF.0, AS_OF.1, AS_OF.2))
}

fn run_at(preset: &str, p: &DutyPerson, items: &[Item], as_of: NaiveDate) -> Vec<Progress> {
    let set = &presets::find(preset)
        .unwrap_or_else(|| panic!("no preset {preset}"))
        .set;
    let cal = Calendar::default();
    let tiers = TierRules::standard();
    let ctx = Context {
        calendar: &cal,
        tiers: &tiers,
        as_of,
    };
    evaluate(set, &ctx, p, items)
}

fn status(r: &[Progress], code: &str) -> DutyStatus {
    get(r, code).status
}

fn get<'a>(r: &'a [Progress], code: &str) -> &'a Progress {
    r.iter()
        .find(|p| p.rule == code)
        .unwrap_or_else(|| panic!("no rule {code}"))
}

#[test]
fn presets_parse_and_cover_the_domain_table() {
    let all = presets::all();
    assert_eq!(all.len(), 10);
    let tiers = TierRules::standard();
    let known: Vec<&str> = tiers.tiers.iter().map(|t| t.code.as_str()).collect();
    let mut codes = std::collections::HashSet::new();
    for p in all {
        assert!(!p.set.rules.is_empty(), "{} has rules", p.code);
        assert!(!p.name_zh.is_empty() && !p.name_en.is_empty());
        p.set.validate(Some(&known)).unwrap();
        for r in &p.set.rules {
            assert!(
                codes.insert(r.code.clone()),
                "rule code {} used twice across presets",
                r.code
            );
            assert_eq!(r.preset.as_deref(), Some(p.code.as_str()));
        }
        // A stored set reads back to the same set.
        let json = serde_json::to_string(&p.set).unwrap();
        assert_eq!(serde_json::from_str::<DutySet>(&json).unwrap(), p.set);
        assert_eq!(p.set.to_input().parse(None).unwrap(), p.set);
    }
}

#[test]
fn backbone_five_ones_plan() {
    let bb = person("backbone", 42);
    let mut pf = Portfolio::new();
    let r = run("backbone-five-ones-plan", &bb, &pf.items);
    // Nothing yet, two months into the year: yearly duties are on track,
    // the 20 observations (expected 9 by now) are behind.
    assert_eq!(status(&r, "bb5p_article"), DutyStatus::OnTrack);
    assert_eq!(status(&r, "bb5p_observe"), DutyStatus::Behind);
    assert_eq!(get(&r, "bb5p_observe").expected, 9.93);

    pf.add(CountedKind::Project, d(2024, 3, 1)).role = Some(ProjectRole::Member);
    pf.rec(
        CountedKind::Class,
        d(2025, 10, 10),
        Some("seminar"),
        Some(Level::School),
    );
    pf.rec(
        CountedKind::Article,
        d(2025, 10, 11),
        Some("submitted"),
        Some(Level::County),
    );
    pf.rec(CountedKind::Lecture, d(2025, 9, 20), None, Some(Level::School));
    pf.add(CountedKind::Apprentice, d(2023, 9, 1));
    pf.many(CountedKind::Observation, 10, d(2025, 9, 2), 7);
    let r = run("backbone-five-ones-plan", &bb, &pf.items);
    // A member's project does not count as hosting; a submitted article is
    // not published.
    assert_eq!(status(&r, "bb5p_project"), DutyStatus::OnTrack);
    assert!(get(&r, "bb5p_project").evidence.is_empty());
    assert_eq!(status(&r, "bb5p_article"), DutyStatus::OnTrack);
    assert_eq!(status(&r, "bb5p_open_class"), DutyStatus::Done);
    assert_eq!(status(&r, "bb5p_lecture"), DutyStatus::Done);
    assert_eq!(status(&r, "bb5p_apprentice"), DutyStatus::Done);
    let obs = get(&r, "bb5p_observe");
    assert_eq!(
        (obs.status, obs.done, obs.remaining),
        (DutyStatus::OnTrack, 10.0, 10.0)
    );
    assert_eq!(obs.evidence.len(), 10);
    assert!(obs.explain_zh.contains("10/20"), "{}", obs.explain_zh);
    assert!(obs.explain_en.contains("10 of 20"), "{}", obs.explain_en);

    pf.add(CountedKind::Project, d(2025, 10, 1)).role = Some(ProjectRole::Host);
    pf.rec(
        CountedKind::Article,
        d(2025, 11, 1),
        Some("published"),
        Some(Level::County),
    );
    pf.many(CountedKind::Observation, 10, d(2025, 11, 3), 1);
    let r = run("backbone-five-ones-plan", &bb, &pf.items);
    assert!(r.iter().all(|p| p.status == DutyStatus::Done), "{r:#?}");

    // The semester's observations start again in February; last
    // semester's do not count.
    let r = run_at("backbone-five-ones-plan", &bb, &pf.items, d(2026, 3, 1));
    assert_eq!(get(&r, "bb5p_observe").done, 0.0);
    assert_eq!(status(&r, "bb5p_article"), DutyStatus::Done);

    // A young teacher is outside every rule.
    let r = run("backbone-five-ones-plan", &person("young", 26), &pf.items);
    assert!(r.iter().all(|p| p.status == DutyStatus::NotApplicable));
    assert!(r[0].explain_zh.contains("骨干教师"), "{}", r[0].explain_zh);
    assert!(
        r[0].explain_en.contains("yours: Young teachers"),
        "{}",
        r[0].explain_en
    );
}

#[test]
fn backbone_five_ones_summary() {
    let bb = person("backbone", 45);
    let mut pf = Portfolio::new();
    pf.rec(
        CountedKind::Article,
        d(2025, 9, 10),
        Some("published"),
        Some(Level::County),
    );
    pf.rec(
        CountedKind::Class,
        d(2025, 9, 11),
        Some("debut"),
        Some(Level::School),
    );
    pf.rec(CountedKind::Lecture, d(2025, 9, 12), None, Some(Level::School));
    pf.add(CountedKind::Project, d(2025, 9, 1)).role = Some(ProjectRole::Member);
    let g = pf.add(CountedKind::GroupLead, d(2022, 9, 1));
    g.until = Some(d(2025, 8, 31));
    let r = run("backbone-five-ones-summary", &bb, &pf.items);
    assert!(
        get(&r, "bb5s_paper").evidence.is_empty(),
        "county level is below municipal"
    );
    assert!(
        get(&r, "bb5s_open_class").evidence.is_empty(),
        "a debut class is not high-level"
    );
    assert_eq!(status(&r, "bb5s_lecture"), DutyStatus::Done);
    assert_eq!(
        status(&r, "bb5s_project"),
        DutyStatus::Done,
        "a member takes part"
    );
    assert!(
        get(&r, "bb5s_group").evidence.is_empty(),
        "stopped leading before the year"
    );

    pf.rec(
        CountedKind::Article,
        d(2025, 10, 10),
        Some("published"),
        Some(Level::Provincial),
    );
    pf.rec(
        CountedKind::Class,
        d(2025, 10, 11),
        Some("demonstration"),
        Some(Level::County),
    );
    pf.add(CountedKind::GroupLead, d(2025, 9, 1));
    let r = run("backbone-five-ones-summary", &bb, &pf.items);
    assert!(r.iter().all(|p| p.status == DutyStatus::Done), "{r:#?}");
}

#[test]
fn backbone_duties_seed_000() {
    let bb = person("backbone", 50);
    let mut pf = Portfolio::new();
    pf.rec(
        CountedKind::Class,
        d(2025, 9, 10),
        Some("seminar"),
        Some(Level::School),
    );
    pf.rec(
        CountedKind::Article,
        d(2025, 9, 11),
        Some("published"),
        Some(Level::Provincial),
    );
    pf.rec(CountedKind::StudyVisit, d(2025, 10, 1), None, None).amount = 1.0;
    let r = run("backbone-duties", &bb, &pf.items);
    assert!(
        get(&r, "bbd_open_class").evidence.is_empty(),
        "a seminar class is not an open class"
    );
    assert!(
        get(&r, "bbd_paper").evidence.is_empty(),
        "published, but no award"
    );
    let visit = get(&r, "bbd_study_visit");
    assert_eq!((visit.done, visit.required), (1.0, 2.0));
    assert!(visit.explain_zh.contains("天"), "{}", visit.explain_zh);

    pf.rec(
        CountedKind::Class,
        d(2025, 10, 10),
        Some("open"),
        Some(Level::School),
    );
    let a = pf.rec(
        CountedKind::Article,
        d(2025, 10, 11),
        Some("submitted"),
        Some(Level::School),
    );
    a.award_level = Some(Level::County);
    pf.rec(CountedKind::StudyVisit, d(2025, 11, 1), None, None).amount = 1.5;
    pf.add(CountedKind::Reading, d(2025, 11, 2));
    let r = run("backbone-duties", &bb, &pf.items);
    assert!(r.iter().all(|p| p.status == DutyStatus::Done), "{r:#?}");
    assert_eq!(get(&r, "bbd_study_visit").done, 2.5);
}

#[test]
fn young_six_ones() {
    let y = person("young", 27);
    let mut pf = Portfolio::new();
    pf.add(CountedKind::Reading, d(2025, 9, 5));
    pf.rec(CountedKind::Award, d(2025, 9, 6), None, Some(Level::School));
    pf.rec(CountedKind::Plan, d(2025, 9, 7), Some("goal"), None);
    pf.rec(
        CountedKind::Class,
        d(2025, 9, 8),
        Some("debut"),
        Some(Level::School),
    );
    pf.rec(CountedKind::Lecture, d(2025, 9, 9), None, Some(Level::School));
    pf.rec(CountedKind::Writing, d(2025, 9, 10), Some("reflection"), None);
    pf.many(CountedKind::Observation, 9, d(2025, 9, 1), 7);
    let r = run("young-six-ones", &y, &pf.items);
    assert_eq!(status(&r, "y6_book"), DutyStatus::Done);
    assert_eq!(status(&r, "y6_skill"), DutyStatus::Done);
    assert!(
        get(&r, "y6_plan").evidence.is_empty(),
        "a goal is not a development plan"
    );
    assert_eq!(status(&r, "y6_class"), DutyStatus::Done);
    assert_eq!(status(&r, "y6_parents"), DutyStatus::Done);
    assert!(get(&r, "y6_class_teacher").evidence.is_empty());
    // 9 of 17 with 49% of the semester gone: 8 expected.
    assert_eq!(status(&r, "y6_observe"), DutyStatus::OnTrack);
    // At the end of the semester, what is missing is overdue.
    let r = run_at("young-six-ones", &y, &pf.items, d(2026, 1, 31));
    assert_eq!(
        status(&r, "y6_observe"),
        DutyStatus::Behind,
        "the last day still counts"
    );
    let mut cal_years = Calendar::default().year(2025);
    cal_years.first_end = d(2026, 1, 20);
    let cal = Calendar::new(vec![cal_years]);
    let tiers = TierRules::standard();
    let ctx = Context {
        calendar: &cal,
        tiers: &tiers,
        as_of: d(2026, 1, 25),
    };
    let r = evaluate(&presets::find("young-six-ones").unwrap().set, &ctx, &y, &pf.items);
    assert_eq!(
        status(&r, "y6_observe"),
        DutyStatus::Overdue,
        "in the winter holiday"
    );
    assert_eq!(status(&r, "y6_plan"), DutyStatus::Overdue);
    assert!(get(&r, "y6_plan").explain_en.contains("20 Jan 2026"));

    let r = run("young-six-ones", &person("mature", 40), &pf.items);
    assert!(r.iter().all(|p| p.status == DutyStatus::NotApplicable));
}

#[test]
fn mature_four_ones() {
    let m = person("mature", 41);
    let mut pf = Portfolio::new();
    pf.rec(
        CountedKind::Class,
        d(2025, 9, 8),
        Some("open"),
        Some(Level::School),
    );
    pf.rec(CountedKind::Writing, d(2025, 9, 10), Some("experience"), None);
    let ended = pf.add(CountedKind::Apprentice, d(2024, 9, 1));
    ended.until = Some(d(2025, 7, 1));
    let r = run("mature-four-ones", &m, &pf.items);
    assert!(
        get(&r, "m4_highlight").evidence.is_empty(),
        "an open class is not a highlight"
    );
    assert!(
        get(&r, "m4_apprentice").evidence.is_empty(),
        "the pair ended last year"
    );
    assert_eq!(status(&r, "m4_experience"), DutyStatus::Done);
    pf.rec(CountedKind::Award, d(2025, 10, 8), None, Some(Level::County));
    pf.add(CountedKind::Apprentice, d(2025, 10, 1));
    let r = run("mature-four-ones", &m, &pf.items);
    assert_eq!(
        status(&r, "m4_highlight"),
        DutyStatus::Done,
        "an award is a highlight"
    );
    assert_eq!(status(&r, "m4_apprentice"), DutyStatus::Done);
}

#[test]
fn all_eight_ones_every_fortnight_and_week() {
    let t = person("mature", 38);
    let mut pf = Portfolio::new();
    // A reading note in each of the first five fortnights (from 1 Sept).
    pf.many(CountedKind::Reading, 5, d(2025, 9, 3), 14);
    // An observation in each of the first ten weeks.
    pf.many(CountedKind::Observation, 10, d(2025, 9, 2), 7);
    let r = run("all-eight-ones", &t, &pf.items);
    let notes = get(&r, "a8_reading_note");
    assert_eq!(notes.status, DutyStatus::OnTrack, "{notes:#?}");
    // 1 Sept – 31 Jan is 153 days: eleven fortnights, the last one short.
    assert_eq!((notes.done, notes.required, notes.expected), (5.0, 11.0, 5.0));
    assert_eq!(notes.due, d(2025, 11, 23));
    assert!(!notes.due_met);
    let obs = get(&r, "a8_observe");
    // Week 11 (10–16 Nov) is open and empty: still on track.
    assert_eq!(
        (obs.status, obs.done, obs.required),
        (DutyStatus::OnTrack, 10.0, 22.0)
    );

    // Ten notes in the last week do not make up for the missed fortnights.
    let mut crammed = Portfolio::new();
    crammed.many(CountedKind::Reading, 10, d(2025, 11, 10), 0);
    let r = run("all-eight-ones", &t, &crammed.items);
    let notes = get(&r, "a8_reading_note");
    assert_eq!(notes.status, DutyStatus::Overdue);
    assert_eq!((notes.done, notes.missed.len()), (1.0, 5));
    assert!(notes.due_met, "this fortnight is covered");
    assert!(notes.explain_zh.contains("错过 5 个"), "{}", notes.explain_zh);
    assert!(notes.explain_en.contains("5 missed"), "{}", notes.explain_en);

    // A whole semester of fortnights and weeks is done.
    let mut full = Portfolio::new();
    full.many(CountedKind::Reading, 11, d(2025, 9, 1), 14);
    full.many(CountedKind::Observation, 22, d(2025, 9, 1), 7);
    full.rec(CountedKind::Writing, d(2025, 9, 30), Some("case_study"), None);
    full.rec(CountedKind::Writing, d(2025, 9, 30), Some("test_paper"), None);
    full.rec(
        CountedKind::Class,
        d(2025, 10, 30),
        Some("research"),
        Some(Level::School),
    );
    full.rec(CountedKind::Plan, d(2025, 9, 2), Some("goal"), None);
    full.add(CountedKind::Project, d(2025, 3, 1));
    let r = run_at("all-eight-ones", &t, &full.items, d(2026, 1, 31));
    assert!(r.iter().all(|p| p.status == DutyStatus::Done), "{r:#?}");
}

#[test]
fn all_three_ones_monthly() {
    let t = person("young", 30);
    let mut pf = Portfolio::new();
    pf.rec(
        CountedKind::Article,
        d(2025, 9, 20),
        Some("submitted"),
        Some(Level::School),
    );
    pf.rec(CountedKind::Writing, d(2025, 9, 21), Some("reflection"), None);
    pf.rec(CountedKind::Writing, d(2025, 10, 21), Some("reflection"), None);
    pf.add(CountedKind::Observation, d(2025, 10, 1));
    let r = run("all-three-ones", &t, &pf.items);
    // September, October, November … January: five months.
    let art = get(&r, "a3_article");
    assert_eq!(
        (art.status, art.done, art.required),
        (DutyStatus::Overdue, 1.0, 5.0)
    );
    assert_eq!(art.missed, vec![(d(2025, 10, 1), d(2025, 10, 31))]);
    let refl = get(&r, "a3_reflection");
    assert_eq!((refl.status, refl.due), (DutyStatus::OnTrack, d(2025, 11, 30)));
    assert_eq!(status(&r, "a3_observation"), DutyStatus::Done);
}

#[test]
fn young_reading_and_under_forty() {
    let y = person("young", 28);
    let mut pf = Portfolio::new();
    pf.add(CountedKind::Reading, d(2025, 9, 2));
    pf.add(CountedKind::Reading, d(2025, 10, 2));
    let r = run("young-reading", &y, &pf.items);
    assert_eq!(status(&r, "yr_monthly"), DutyStatus::OnTrack);
    assert_eq!(status(&r, "yr_monograph"), DutyStatus::Done);

    let mut pf = Portfolio::new();
    pf.add(CountedKind::Project, d(2025, 10, 1)).role = Some(ProjectRole::Member);
    let r = run("under-forty-research", &person("mature", 39), &pf.items);
    assert_eq!(status(&r, "u40_project"), DutyStatus::Done);
    let r = run("under-forty-research", &person("mature", 40), &pf.items);
    assert_eq!(status(&r, "u40_project"), DutyStatus::NotApplicable);
    assert!(
        r[0].explain_en.contains("under 40 (age: 40)"),
        "{}",
        r[0].explain_en
    );
    let mut unknown = person("mature", 30);
    unknown.facts.birth_date = None;
    let r = run("under-forty-research", &unknown, &pf.items);
    assert_eq!(
        status(&r, "u40_project"),
        DutyStatus::NotApplicable,
        "age unknown"
    );
    // A project that concluded before the year does not count.
    let mut old = Portfolio::new();
    let p = old.add(CountedKind::Project, d(2022, 10, 1));
    p.until = Some(d(2024, 6, 30));
    let r = run("under-forty-research", &person("young", 30), &old.items);
    assert_eq!(get(&r, "u40_project").done, 0.0);
}

#[test]
fn observation_quotas() {
    let mut pf = Portfolio::new();
    pf.many(CountedKind::Observation, 17, d(2025, 9, 1), 3);
    let r = run("observation-quotas", &person("young", 25), &pf.items);
    assert_eq!(status(&r, "obs_young"), DutyStatus::Done);
    assert_eq!(status(&r, "obs_backbone"), DutyStatus::NotApplicable);
    assert_eq!(status(&r, "obs_mature"), DutyStatus::NotApplicable);
    let r = run("observation-quotas", &person("backbone", 45), &pf.items);
    let bb = get(&r, "obs_backbone");
    assert_eq!((bb.status, bb.remaining), (DutyStatus::OnTrack, 3.0));
}

#[test]
fn windows_follow_the_calendar() {
    let cal = Calendar::default();
    // Weeks run from the first day of the semester.
    assert_eq!(
        unit_window(PeriodUnit::Week, &cal, d(2025, 9, 9)),
        (d(2025, 9, 8), d(2025, 9, 14))
    );
    assert_eq!(
        unit_window(PeriodUnit::TwoWeeks, &cal, d(2025, 9, 9)),
        (d(2025, 9, 1), d(2025, 9, 14))
    );
    // The last week is cut at the semester's end.
    assert_eq!(
        unit_window(PeriodUnit::Week, &cal, d(2026, 1, 31)),
        (d(2026, 1, 26), d(2026, 1, 31))
    );
    assert_eq!(
        unit_window(PeriodUnit::Month, &cal, d(2026, 2, 10)),
        (d(2026, 2, 1), d(2026, 2, 28))
    );
    assert_eq!(
        unit_window(PeriodUnit::SchoolYear, &cal, d(2026, 2, 10)),
        (d(2025, 9, 1), d(2026, 8, 31))
    );
    // With a winter holiday, sub-periods skip it.
    let mut y = Calendar::default().year(2025);
    y.first_end = d(2026, 1, 20);
    y.second_start = d(2026, 2, 23);
    let cal = Calendar::new(vec![y]);
    let subs = sub_windows(PeriodUnit::Month, &cal, d(2025, 9, 1), d(2026, 8, 31));
    assert_eq!(subs.len(), 11);
    assert_eq!(subs[4], (d(2026, 1, 1), d(2026, 1, 20)));
    // February's six days after the holiday join March.
    assert_eq!(subs[5], (d(2026, 2, 23), d(2026, 3, 31)));
    let rule = DutyRuleInput {
        code: "r".into(),
        name_zh: "r".into(),
        name_en: "r".into(),
        kinds: vec!["reading".into()],
        count: Some(1.0),
        period: "range".into(),
        from: Some("2025-10-01".into()),
        to: Some("2025-12-31".into()),
        ..Default::default()
    };
    let set = DutySetInput { rules: vec![rule] }.parse(None).unwrap();
    assert_eq!(
        period_window(&set.rules[0], &cal, d(2025, 9, 1)),
        (d(2025, 10, 1), d(2025, 12, 31))
    );
    let tiers = TierRules::standard();
    let at = |as_of| {
        let ctx = Context {
            calendar: &cal,
            tiers: &tiers,
            as_of,
        };
        evaluate(&set, &ctx, &person("young", 30), &[])[0].clone()
    };
    assert_eq!(at(d(2025, 9, 1)).status, DutyStatus::NotStarted);
    assert_eq!(at(d(2025, 11, 1)).status, DutyStatus::OnTrack);
    assert_eq!(at(d(2026, 1, 2)).status, DutyStatus::Overdue);
}

fn rule(f: impl FnOnce(&mut DutyRuleInput)) -> DutyRuleInput {
    let mut r = DutyRuleInput {
        code: "r1".into(),
        name_zh: "规则".into(),
        name_en: "Rule".into(),
        kinds: vec!["observation".into()],
        count: Some(1.0),
        period: "semester".into(),
        ..Default::default()
    };
    f(&mut r);
    r
}

pub(super) fn errors(r: DutyRuleInput) -> Vec<(&'static str, &'static str)> {
    match (DutySetInput { rules: vec![r] }).parse(Some(&["young", "backbone"])) {
        Ok(_) => Vec::new(),
        Err(es) => es.into_iter().map(|e| (e.error.field, e.error.code)).collect(),
    }
}

#[test]
fn validation_names_the_field() {
    assert!(errors(rule(|_| {})).is_empty());
    assert_eq!(
        errors(rule(|r| r.kinds = vec!["obsrvation".into()])),
        vec![("kinds", "unknown_counted_kind")]
    );
    assert_eq!(errors(rule(|r| r.kinds.clear())), vec![("kinds", "required")]);
    assert_eq!(
        errors(rule(|r| r.period = String::new())),
        vec![("period", "required")]
    );
    assert_eq!(
        errors(rule(|r| r.period = "decade".into())),
        vec![("period", "unknown_period")]
    );
    assert_eq!(
        errors(rule(|r| r.period = "range".into())),
        vec![("from", "required"), ("to", "required")]
    );
    assert_eq!(
        errors(rule(|r| {
            r.period = "range".into();
            r.from = Some("2025-12-01".into());
            r.to = Some("2025-11-01".into());
        })),
        vec![("to", "end_before_start")]
    );
    assert_eq!(
        errors(rule(|r| r.from = Some("2025-12-01".into()))),
        vec![("from", "dates_only_for_range")]
    );
    assert_eq!(
        errors(rule(|r| r.role = Some("host".into()))),
        vec![("role", "filter_not_for_kinds")]
    );
    assert_eq!(
        errors(rule(|r| r.published = true)),
        vec![("published", "filter_not_for_kinds")]
    );
    assert_eq!(
        errors(rule(|r| r.award_won = true)),
        vec![("award_won", "filter_not_for_kinds")]
    );
    assert_eq!(
        errors(rule(|r| r.min_hours = Some(3.0))),
        vec![("min_hours", "filter_not_for_kinds")]
    );
    assert_eq!(
        errors(rule(|r| r.subtypes = vec!["open".into()])),
        vec![("subtypes", "filter_not_for_kinds")]
    );
    assert_eq!(
        errors(rule(|r| {
            r.kinds = vec!["class".into()];
            r.subtypes = vec!["opne".into()];
        })),
        vec![("subtypes", "unknown_subtype")]
    );
    assert_eq!(
        errors(rule(|r| {
            r.kinds = vec!["reading".into()];
            r.min_level = Some("county".into());
        })),
        vec![("min_level", "filter_not_for_kinds")]
    );
    assert_eq!(
        errors(rule(|r| r.measure = Some("hours".into()))),
        vec![("measure", "measure_not_for_kinds")]
    );
    assert_eq!(
        errors(rule(|r| r.count = Some(0.0))),
        vec![("count", "out_of_range")]
    );
    assert_eq!(
        errors(rule(|r| r.count = Some(1.5))),
        vec![("count", "not_whole")]
    );
    assert_eq!(
        errors(rule(|r| r.every = Some("school_year".into()))),
        vec![("every", "every_not_shorter")]
    );
    assert_eq!(
        errors(rule(|r| r.every = Some("range".into()))),
        vec![("every", "every_not_range")]
    );
    assert_eq!(
        errors(rule(|r| {
            r.age_below = Some(30);
            r.age_at_least = Some(40);
        })),
        vec![("age_below", "no_one_matches")]
    );
    assert_eq!(
        errors(rule(|r| {
            r.years_at_most = Some(3);
            r.years_at_least = Some(5);
        })),
        vec![("years_at_most", "no_one_matches")]
    );
    assert_eq!(
        errors(rule(|r| r.tiers = vec!["veteran".into()])),
        vec![("tiers", "unknown_tier")]
    );
    assert_eq!(
        errors(rule(|r| r.code = "a b".into())),
        vec![("code", "bad_rule_code")]
    );
    // Two rules with one code; the error names the second.
    let e = (DutySetInput {
        rules: vec![rule(|_| {}), rule(|_| {})],
    })
    .parse(None)
    .unwrap_err();
    assert_eq!((e[0].rule, e[0].error.code), (2, "duplicate_rule_code"));
    assert_eq!((e[0].name_zh.as_str(), e[0].name_en.as_str()), ("规则", "Rule"));
    // Rules without a code get one from their English name, unique in the
    // set; the error names a rule by its names.
    let filled = DutySetInput {
        rules: vec![
            rule(|r| {
                r.code = String::new();
                r.name_en = "Observe 20 lessons, a semester!".into();
            }),
            rule(|r| {
                r.code = String::new();
                r.name_en = "Observe 20 lessons, a semester!".into();
            }),
            rule(|r| {
                r.code = String::new();
                r.name_en = "听课".into();
            }),
        ],
    }
    .with_codes();
    let codes: Vec<&str> = filled.rules.iter().map(|r| r.code.as_str()).collect();
    assert_eq!(
        codes,
        [
            "observe_20_lessons_a_semester",
            "observe_20_lessons_a_semester_2",
            "duty_3"
        ]
    );
    assert!(filled.parse(None).is_ok());
    // Chinese spellings are accepted.
    let ok = (DutySetInput {
        rules: vec![rule(|r| {
            r.kinds = vec!["公开课".into()];
            r.subtypes = vec!["示范课".into()];
            r.period = "学期".into();
            r.every = Some("月".into());
        })],
    })
    .parse(None)
    .unwrap();
    assert_eq!(ok.rules[0].matcher.subtypes, vec!["demonstration".to_string()]);
    assert_eq!(ok.rules[0].every, Some(PeriodUnit::Month));
}

#[test]
fn a_set_says_what_it_reads() {
    let n = presets::find("backbone-duties").unwrap().set.needs();
    assert_eq!(n.record_kinds, vec!["class", "article", "study_visit", "reading"]);
    assert_eq!(n.detail_kinds, vec!["article", "study_visit"]);
    assert!(!n.projects && !n.apprentices && !n.groups_led);
    let n = presets::find("backbone-five-ones-summary").unwrap().set.needs();
    assert!(n.projects && n.groups_led && !n.apprentices);
    assert!(n.detail_kinds.is_empty(), "published is a sub-kind, not a detail");
}

#[test]
fn adopting_a_preset_replaces_rules_with_its_codes() {
    let mut set = DutySet::default();
    set.adopt(presets::find("observation-quotas").unwrap());
    set.rules[0].count = 25.0;
    set.adopt(presets::find("young-six-ones").unwrap());
    assert_eq!(set.rules.len(), 3 + 7);
    assert_eq!(set.rules[0].count, 25.0, "other presets leave edits alone");
    set.adopt(presets::find("observation-quotas").unwrap());
    assert_eq!(set.rules[0].count, 20.0);
    assert_eq!(set.rules.len(), 10);
}

#[test]
fn preset_files_report_errors() {
    let e = presets::parse_file("code = 1").unwrap_err();
    assert!(matches!(e, presets::PresetError::Syntax(_)));
    let text = r#"
code = "x"
name_zh = "x"
name_en = "x"
source = "x"
description_zh = "x"
description_en = "x"
[[rules]]
code = "a"
name_zh = "a"
name_en = "a"
kind = ["reading"]
count = 1
period = "semester"
"#;
    match presets::parse_file(text).unwrap_err() {
        presets::PresetError::Syntax(m) => assert!(m.contains("kind"), "{m}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn reminders_and_digest() {
    let set = &presets::find("all-eight-ones").unwrap().set;
    let cal = Calendar::default();
    let tiers = TierRules::standard();
    let as_of = d(2025, 11, 15);
    let ctx = Context {
        calendar: &cal,
        tiers: &tiers,
        as_of,
    };
    let t = person("young", 30);
    // Teacher 1 keeps up with reading notes; teacher 2 has none this fortnight.
    let mut keeps = Portfolio::new();
    keeps.many(CountedKind::Reading, 6, d(2025, 9, 3), 14);
    let mut lags = Portfolio::new();
    lags.many(CountedKind::Reading, 5, d(2025, 9, 3), 14);
    let a = evaluate(set, &ctx, &t, &keeps.items);
    let b = evaluate(set, &ctx, &t, &lags.items);
    let ra = reminders::upcoming(&set.rules, &a, as_of, 10);
    let rb = reminders::upcoming(&set.rules, &b, as_of, 10);
    assert!(!ra.iter().any(|r| r.rule == "a8_reading_note"));
    let note = rb
        .iter()
        .find(|r| r.rule == "a8_reading_note")
        .expect("a reminder");
    assert_eq!(note.due, d(2025, 11, 23));
    assert!(
        note.text_en.contains("not yet met this fortnight"),
        "{}",
        note.text_en
    );
    // Weekly observations fall due on Sunday, sooner than the fortnight.
    assert_eq!(rb[0].rule, "a8_observe");
    assert_eq!(rb[0].due, d(2025, 11, 16));
    // Semester rules due on 31 January are outside a ten-day horizon.
    assert!(!rb.iter().any(|r| r.rule == "a8_case_study"));
    assert!(
        reminders::upcoming(&set.rules, &b, as_of, 90)
            .iter()
            .any(|r| r.rule == "a8_case_study")
    );

    let rows = [(1, a.as_slice()), (2, b.as_slice())];
    let dg = reminders::digest(&set.rules, rows.iter().map(|(i, r)| (*i, *r)), as_of, 10);
    let line = dg.lines.iter().find(|l| l.rule == "a8_reading_note").unwrap();
    assert_eq!((line.applicable, line.unmet.clone()), (2, vec![2]));
    assert_eq!(
        line.text_zh,
        "1 位教师本两周尚未完成“每两周一篇读书笔记”（2025-11-23 截止）"
    );
    assert_eq!(
        line.text_en,
        "1 teacher has not yet met “A reading note every two weeks” this fortnight (ends 23 Nov 2025)"
    );
    assert!(dg.text(Locale::En).lines().count() == dg.lines.len());
}

// ---- properties ----

fn all_rules() -> DutySet {
    let mut set = DutySet::default();
    for p in presets::all() {
        set.adopt(p);
    }
    set
}

/// kind, day, level, sub-kind, flag, amount, span length.
type RawItem = (usize, i64, Option<usize>, Option<usize>, bool, u8, Option<i64>);

fn item_strategy() -> impl Strategy<Value = RawItem> {
    (
        0..CountedKind::ALL.len(),
        0i64..400,
        proptest::option::of(0..6usize),
        proptest::option::of(0..11usize),
        any::<bool>(),
        0u8..20,
        proptest::option::of(0i64..400),
    )
}

fn build(raw: &[RawItem]) -> Vec<Item> {
    let start = d(2025, 8, 1);
    raw.iter()
        .enumerate()
        .map(|(i, &(k, day, level, sub, flag, amount, until))| {
            let kind = CountedKind::ALL[k];
            let codes = kind.subtype_codes();
            let subtype = match kind {
                CountedKind::Article => Some(if flag { "published" } else { "submitted" }.to_string()),
                _ if codes.is_empty() => None,
                _ => sub.map(|s| codes[s % codes.len()].to_string()),
            };
            let date = start + chrono::Days::new(day as u64);
            Item {
                id: i as i64 + 1,
                kind,
                subtype,
                date,
                until: until.map(|u| date + chrono::Days::new(u as u64)),
                level: level.map(|l| Level::ALL[l]),
                role: Some(if flag {
                    ProjectRole::Host
                } else {
                    ProjectRole::Member
                }),
                award_level: if flag { level.map(|l| Level::ALL[l]) } else { None },
                amount: amount as f64 / 2.0,
            }
        })
        .collect()
}

fn person_strategy() -> impl Strategy<Value = DutyPerson> {
    (0..4usize, 22..62i32, any::<bool>()).prop_map(|(t, age, honour)| {
        let tier = ["backbone", "young", "mature", "veteran"][t];
        let mut p = person(tier, age);
        if !honour {
            p.facts.honours.clear();
        }
        p
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn adding_evidence_never_lowers_done(
        raw in proptest::collection::vec(item_strategy(), 0..60),
        extra in item_strategy(),
        who in person_strategy(),
        day in 0u64..365,
    ) {
        let set = all_rules();
        let cal = Calendar::default();
        let tiers = TierRules::standard();
        let ctx = Context { calendar: &cal, tiers: &tiers, as_of: d(2025, 9, 1) + chrono::Days::new(day) };
        let items = build(&raw);
        let before = evaluate(&set, &ctx, &who, &items);
        let mut more = raw.clone();
        more.push(extra);
        let after = evaluate(&set, &ctx, &who, &build(&more));
        for (b, a) in before.iter().zip(&after) {
            prop_assert!(a.done >= b.done, "{}: {} -> {}", b.rule, b.done, a.done);
            prop_assert!(a.status.severity() <= b.status.severity() || b.status == DutyStatus::NotApplicable,
                "{}: {:?} -> {:?}", b.rule, b.status, a.status);
            if b.status == DutyStatus::Done {
                prop_assert_eq!(a.status, DutyStatus::Done);
            }
        }
    }

    #[test]
    fn results_do_not_depend_on_input_order(
        raw in proptest::collection::vec(item_strategy(), 0..60),
        who in person_strategy(),
        day in 0u64..365,
        seed in any::<u64>(),
    ) {
        let set = all_rules();
        let cal = Calendar::default();
        let tiers = TierRules::standard();
        let ctx = Context { calendar: &cal, tiers: &tiers, as_of: d(2025, 9, 1) + chrono::Days::new(day) };
        let items = build(&raw);
        let mut shuffled = items.clone();
        // A deterministic shuffle from the seed.
        let mut s = seed | 1;
        for i in (1..shuffled.len()).rev() {
            s ^= s << 13; s ^= s >> 7; s ^= s << 17;
            shuffled.swap(i, (s % (i as u64 + 1)) as usize);
        }
        prop_assert_eq!(evaluate(&set, &ctx, &who, &items), evaluate(&set, &ctx, &who, &shuffled));
    }

    #[test]
    fn outside_the_audience_is_not_applicable(
        raw in proptest::collection::vec(item_strategy(), 0..40),
        who in person_strategy(),
        day in 0u64..365,
    ) {
        let cal = Calendar::default();
        let tiers = TierRules::standard();
        let ctx = Context { calendar: &cal, tiers: &tiers, as_of: d(2025, 9, 1) + chrono::Days::new(day) };
        let items = build(&raw);
        let mut set = all_rules();
        for r in &mut set.rules {
            // Aim every rule at a tier, group or teacher this person is not.
            let mut other = r.audience.clone();
            match r.code.len() % 3 {
                0 => other.tiers = vec![if who.tier.as_deref() == Some("young") { "mature" } else { "young" }.to_string()],
                1 => other.groups = vec!["数学组".to_string()],
                _ => other.teachers = vec!["T999".to_string()],
            }
            r.audience = other;
        }
        for p in evaluate(&set, &ctx, &who, &items) {
            prop_assert_eq!(p.status, DutyStatus::NotApplicable, "{}", p.rule);
            prop_assert!(p.evidence.is_empty());
        }
    }
}
