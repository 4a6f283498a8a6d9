//! The arithmetic at its edges: exactly at each minimum and one hundredth
//! below, one part short while the total is met, caps reached in date
//! order, the yearly minimum on the last and first day of a year, the
//! cycle's first and last day.

use super::tests::{act, amt, d, e, earn};
use super::*;
use crate::activities::ActivityType as A;

/// 48 a year over two years: 16 centralized (counting at most 20),
/// 8 online, 24 school-based; at least 20 each year.
fn rules() -> CreditRules {
    let b = |code: &str, form: Form, min: &str, cap: Option<&str>| Bucket {
        code: code.into(),
        name_zh: code.into(),
        name_en: code.into(),
        forms: vec![form],
        areas: vec![],
        levels: vec![],
        min: Some(amt(min)),
        cap: cap.map(amt),
    };
    CreditRules {
        cycle_years: 2,
        cycle_start: 2025,
        total: Amount::whole(48),
        yearly_min: Some(Amount::whole(20)),
        buckets: vec![
            b("c", Form::Centralized, "16", Some("20")),
            b("o", Form::Online, "8", None),
            b("s", Form::SchoolBased, "24", None),
        ],
        ..CreditRules::default()
    }
    .checked()
    .unwrap()
}

fn cycle() -> Cycle {
    Cycle {
        first: 2025,
        last: 2026,
    }
}

fn needs(t: &Transcript) -> Vec<String> {
    t.missing
        .iter()
        .map(|s| {
            let what = match &s.need {
                Need::Total => "total".to_string(),
                Need::Bucket(c) => c.clone(),
                Need::Year(y) => y.to_string(),
                Need::Pool(p) => format!("pool {p}"),
            };
            format!("{what} {}", s.missing)
        })
        .collect()
}

/// 16 centralized, 8 online, 24 school-based, split over the two years so
/// that each has exactly 24.
fn exactly() -> Vec<Entry> {
    vec![
        e(d(2025, 3, 1), act(A::Course), Form::Centralized, "16"),
        e(d(2025, 4, 1), act(A::OnlineCourse), Form::Online, "8"),
        e(d(2026, 5, 1), act(A::SchoolTraining), Form::SchoolBased, "24"),
    ]
}

#[test]
fn exactly_at_every_minimum_nothing_is_missing() {
    let t = transcript(&rules(), &exactly(), cycle(), d(2027, 1, 1), false);
    assert_eq!(t.total, Amount::whole(48));
    assert!(
        t.missing.is_empty() && t.complete() && t.eligible(),
        "{:?}",
        needs(&t)
    );
}

#[test]
fn one_hundredth_below_each_minimum_is_missing_exactly_that() {
    for i in 0..3 {
        let mut entries = exactly();
        entries[i].hours = entries[i].hours - Amount::hundredths(1);
        let t = transcript(&rules(), &entries, cycle(), d(2027, 1, 1), false);
        let code = ["c", "o", "s"][i];
        let year = if i < 2 { "2025" } else { "2026" };
        // The year still has ≥ 20 (24 − 0.01).
        assert_eq!(
            needs(&t),
            ["total 0.01".to_string(), format!("{code} 0.01")],
            "{year}"
        );
        assert!(!t.eligible());
    }
}

#[test]
fn one_part_short_while_the_total_is_met() {
    let mut entries = exactly();
    entries[1].hours = amt("7");
    entries.push(e(d(2026, 6, 1), act(A::SchoolTraining), Form::SchoolBased, "1"));
    let t = transcript(&rules(), &entries, cycle(), d(2027, 1, 1), false);
    assert_eq!(t.total, Amount::whole(48));
    assert_eq!(needs(&t), ["o 1"]);
    assert!(!t.complete() && !t.eligible());
    assert_eq!(due(&t), ["o"]);
}

fn due(t: &Transcript) -> Vec<String> {
    t.due
        .iter()
        .map(|s| match &s.need {
            Need::Bucket(c) => c.clone(),
            other => format!("{other:?}"),
        })
        .collect()
}

#[test]
fn a_cap_counts_up_to_it_in_date_order_and_names_itself() {
    // Given out of order: the March course fills the cap first.
    let entries = vec![
        e(d(2025, 9, 1), act(A::Course), Form::Centralized, "12"),
        e(d(2025, 3, 1), act(A::Course), Form::Centralized, "12"),
        e(d(2025, 10, 1), act(A::Course), Form::Centralized, "5"),
    ];
    let t = transcript(&rules(), &entries, cycle(), d(2025, 12, 1), false);
    let counted: Vec<String> = t.lines.iter().map(|l| l.counted.to_string()).collect();
    assert_eq!(counted, ["8", "12", "0"]);
    assert_eq!(t.lines[0].why, Some(Why::Capped("c".into())));
    assert_eq!(t.lines[1].why, None);
    assert_eq!(t.lines[2].why, Some(Why::Capped("c".into())));
    assert_eq!(t.lines[0].credited, Amount::whole(12));
    assert_eq!(t.buckets[0].counted, Amount::whole(20));
    assert_eq!(t.total, Amount::whole(20));
    // Exactly at the cap is not capped.
    let at = vec![e(d(2025, 3, 1), act(A::Course), Form::Centralized, "20")];
    let t = transcript(&rules(), &at, cycle(), d(2025, 12, 1), false);
    assert_eq!((t.total, t.lines[0].why.clone()), (Amount::whole(20), None));
}

#[test]
fn the_tighter_of_a_conversion_cap_and_a_bucket_cap_binds() {
    let mut r = rules();
    r.conversions.push(Conversion {
        code: "open".into(),
        name_zh: "公开课".into(),
        name_en: "Open class".into(),
        kinds: vec![earn(Earning::OpenClass)],
        forms: vec![],
        min_level: Some(Level::County),
        hours_per_unit: None,
        fixed: Some(Amount::whole(6)),
        cap: Some(Amount::whole(10)),
    });
    let open = |m: u32| {
        let mut x = e(d(2025, m, 1), earn(Earning::OpenClass), Form::Centralized, "1");
        x.level = Some(Level::County);
        x
    };
    let entries = vec![
        e(d(2025, 1, 1), act(A::Course), Form::Centralized, "7"),
        open(2),
        open(3),
        open(4),
    ];
    let t = transcript(&r, &entries, cycle(), d(2025, 12, 1), false);
    let counted: Vec<String> = t.lines.iter().map(|l| l.counted.to_string()).collect();
    // Bucket c has 13 left after the course; the conversion 10: 6, then 4
    // (conversion binds), then 0.
    assert_eq!(counted, ["7", "6", "4", "0"]);
    assert_eq!(t.lines[2].why, Some(Why::Capped("open".into())));
    assert_eq!(t.lines[3].why, Some(Why::Capped("open".into())));
    // With a course of 12 first the bucket (8 left) binds before the conversion.
    let mut entries = entries;
    entries[0].hours = amt("12");
    let t = transcript(&r, &entries, cycle(), d(2025, 12, 1), false);
    let counted: Vec<String> = t.lines.iter().map(|l| l.counted.to_string()).collect();
    assert_eq!(counted, ["12", "6", "2", "0"]);
    assert_eq!(t.lines[2].why, Some(Why::Capped("c".into())));
    // A county open class below the conversion's level is hours at the rate.
    let mut low = open(5);
    low.level = Some(Level::School);
    let t = transcript(&r, &[low], cycle(), d(2025, 12, 1), false);
    assert_eq!((t.total, t.lines[0].conversion.clone()), (Amount::whole(1), None));
}

#[test]
fn the_yearly_minimum_is_due_once_the_year_has_ended() {
    let entries = vec![
        e(d(2025, 12, 31), act(A::Course), Form::Centralized, "19.99"),
        e(d(2026, 1, 1), act(A::Course), Form::Centralized, "0.01"),
    ];
    // On the last day of 2025 the year is not over.
    let t = transcript(&rules(), &entries, cycle(), d(2025, 12, 31), false);
    assert!(t.eligible(), "{:?}", due(&t));
    assert!(needs(&t).contains(&"2025 0.01".to_string()));
    assert!(!t.years[0].ended);
    // On the first day of 2026 it is.
    let t = transcript(&rules(), &entries, cycle(), d(2026, 1, 1), false);
    assert_eq!(due(&t), ["Year(2025)"]);
    assert!(t.years[0].ended && !t.years[1].ended);
    assert_eq!(t.years[0].counted, amt("19.99"));
    assert_eq!(t.years[1].counted, amt("0.01"));
    // Exactly 20 in the year: nothing due.
    let mut at = entries.clone();
    at[0].hours = amt("20");
    let t = transcript(&rules(), &at, cycle(), d(2026, 1, 1), false);
    assert!(t.eligible());
}

#[test]
fn the_cycle_runs_from_its_first_day_to_its_last() {
    let entries = vec![
        e(d(2024, 12, 31), act(A::Course), Form::Centralized, "1"),
        e(d(2025, 1, 1), act(A::Course), Form::Centralized, "2"),
        e(d(2026, 12, 31), act(A::Course), Form::Centralized, "4"),
        e(d(2027, 1, 1), act(A::Course), Form::Centralized, "8"),
    ];
    let t = transcript(&rules(), &entries, cycle(), d(2026, 12, 31), false);
    assert_eq!(t.total, Amount::whole(6));
    assert_eq!(t.lines[0].why, Some(Why::OutsideCycle));
    assert_eq!(t.lines[3].why, Some(Why::OutsideCycle));
    assert_eq!(t.lines[3].credited, Amount::whole(8));
    // On its last day the cycle's own requirement is not yet due …
    assert!(!due(&t).contains(&"Total".to_string()));
    assert!(due(&t).contains(&"Year(2025)".to_string()));
    // … the next day it is.
    let t = transcript(&rules(), &entries, cycle(), d(2027, 1, 1), false);
    assert_eq!(due(&t), ["Total", "c", "o", "s", "Year(2025)", "Year(2026)"]);
}

#[test]
fn cycles_follow_each_other_from_the_start_year() {
    let mut r = rules();
    r.cycle_years = 5;
    r.cycle_start = 2021;
    let c = |y| r.cycle_of(y);
    assert_eq!(
        c(2021),
        Cycle {
            first: 2021,
            last: 2025
        }
    );
    assert_eq!(
        c(2025),
        Cycle {
            first: 2021,
            last: 2025
        }
    );
    assert_eq!(
        c(2026),
        Cycle {
            first: 2026,
            last: 2030
        }
    );
    assert_eq!(
        c(2020),
        Cycle {
            first: 2016,
            last: 2020
        }
    );
    assert_eq!(
        c(2016),
        Cycle {
            first: 2016,
            last: 2020
        }
    );
    assert_eq!(
        c(2015),
        Cycle {
            first: 2011,
            last: 2015
        }
    );
    assert_eq!(c(2021).start(), d(2021, 1, 1));
    assert_eq!(c(2021).end(), d(2025, 12, 31));
    assert!(c(2021).contains(d(2025, 12, 31)) && !c(2021).contains(d(2026, 1, 1)));
    assert_eq!(
        Cycle {
            first: 2026,
            last: 2026
        }
        .label(),
        "2026"
    );
    // Years no date can have are taken at the nearest that can.
    assert_eq!(c(i32::MIN), c(1));
    assert_eq!(c(i32::MAX), c(9999));
    assert_eq!(
        c(9999),
        Cycle {
            first: 9996,
            last: 10000
        }
    );
    assert_eq!(c(1), Cycle { first: 1, last: 5 });
}

#[test]
fn types_that_are_never_training_count_nothing_whatever_they_state() {
    let mut staff = e(d(2025, 3, 1), act(A::StaffMeeting), Form::SchoolBased, "2");
    staff.credits = Some(Amount::whole(2));
    let politics = e(d(2025, 3, 2), act(A::PoliticalStudy), Form::SchoolBased, "2");
    let outing = e(d(2025, 3, 3), act(A::Outing), Form::Other, "16");
    let unmarked = e(d(2025, 3, 4), act(A::MeetingTraining), Form::SchoolBased, "2");
    let mut marked = unmarked.clone();
    marked.marked_training = true;
    let t = transcript(
        &rules(),
        &[staff, politics, outing, unmarked, marked],
        cycle(),
        d(2025, 12, 1),
        false,
    );
    let counted: Vec<String> = t.lines.iter().map(|l| l.counted.to_string()).collect();
    assert_eq!(counted, ["0", "0", "0", "0", "2"]);
    assert!(
        t.lines[..4]
            .iter()
            .all(|l| l.why == Some(Why::NotTraining) && l.credited.is_zero())
    );
    assert_eq!(t.total, Amount::whole(2));
    assert_eq!(worth(&rules(), &t_entry_staff()).0, Amount::ZERO);
}

fn t_entry_staff() -> Entry {
    let mut x = e(d(2025, 3, 1), act(A::StaffMeeting), Form::SchoolBased, "2");
    x.credits = Some(Amount::whole(2));
    x
}

#[test]
fn what_a_source_states_wins_over_the_rate_and_never_counts_below_zero() {
    let mut r = rules();
    r.hours_per_unit = Amount::whole(10);
    let mut stated = e(d(2025, 3, 1), act(A::Course), Form::Centralized, "40");
    stated.credits = Some(amt("1.5"));
    let plain = e(d(2025, 3, 2), act(A::Course), Form::Centralized, "40");
    let mut negative = plain.clone();
    negative.credits = Some(Amount::whole(-3));
    let t = transcript(&r, &[stated, plain, negative], cycle(), d(2025, 12, 1), false);
    let counted: Vec<String> = t.lines.iter().map(|l| l.counted.to_string()).collect();
    assert_eq!(counted, ["1.5", "4", "0"]);
}

#[test]
fn pools_count_whenever_earned_and_only_a_known_pool_is_apart() {
    let mut r = rules();
    r.pools.push(Pool {
        code: "new".into(),
        name_zh: "新教师".into(),
        name_en: "New teachers".into(),
        min: Some(Amount::whole(10)),
        new_teachers: false,
    });
    let mut p = e(
        d(2019, 3, 1),
        earn(Earning::NewTeacherTraining),
        Form::Centralized,
        "10",
    );
    p.pool = Some("new".into());
    let mut unknown = e(d(2025, 3, 1), act(A::Course), Form::Centralized, "3");
    unknown.pool = Some("gone".into());
    let t = transcript(&r, &[p, unknown], cycle(), d(2025, 12, 1), false);
    assert_eq!(t.pools[0].counted, Amount::whole(10));
    assert_eq!(t.pools[0].missing(), Amount::ZERO);
    assert_eq!(t.total, Amount::whole(3));
    assert_eq!(t.lines[1].why, None);
    // Asked of everyone (new_teachers = false): a teacher who is not new owes it too.
    let t = transcript(&r, &[], cycle(), d(2025, 12, 1), false);
    assert!(needs(&t).contains(&"pool new 10".to_string()));
    assert_eq!(t.pools[0].missing(), Amount::whole(10));
    assert!(t.eligible());
}

#[test]
fn a_bucket_gathers_by_form_area_and_level_together() {
    let b = Bucket {
        code: "x".into(),
        name_zh: "x".into(),
        name_en: "x".into(),
        forms: vec![Form::Centralized],
        areas: vec![Area::Ethics],
        levels: vec![Level::County, Level::Municipal],
        min: Some(Amount::whole(1)),
        cap: None,
    };
    let mut x = e(d(2025, 1, 1), act(A::Course), Form::Centralized, "1");
    x.area = Some(Area::Ethics);
    x.level = Some(Level::County);
    assert!(b.gathers(&x));
    let mut y = x.clone();
    y.form = Form::Online;
    assert!(!b.gathers(&y));
    y = x.clone();
    y.area = Some(Area::Theory);
    assert!(!b.gathers(&y));
    y.area = None;
    assert!(!b.gathers(&y));
    y = x.clone();
    y.level = Some(Level::Provincial);
    assert!(!b.gathers(&y));
    let any = Bucket {
        forms: vec![],
        areas: vec![],
        levels: vec![],
        ..b
    };
    assert!(any.gathers(&y));
    y.area = None;
    assert!(any.gathers(&y));
}

#[test]
fn by_level_and_by_form_sum_what_counted() {
    let mut a = e(d(2025, 1, 1), act(A::Course), Form::Centralized, "3");
    a.level = Some(Level::Municipal);
    let b = e(d(2025, 1, 2), act(A::OnlineCourse), Form::Online, "2");
    let c = e(d(2024, 1, 2), act(A::OnlineCourse), Form::Online, "50");
    let t = transcript(&rules(), &[a, b, c], cycle(), d(2025, 12, 1), false);
    assert_eq!(
        t.by_level,
        [
            (Level::School, Amount::whole(2)),
            (Level::Municipal, Amount::whole(3))
        ]
    );
    assert_eq!(
        t.by_form,
        [
            (Form::Centralized, Amount::whole(3)),
            (Form::Online, Amount::whole(2))
        ]
    );
    assert_eq!(t.required, Amount::whole(48));
}

#[test]
fn an_unknown_level_is_gathered_only_where_no_level_is_asked() {
    let mut x = e(d(2025, 1, 1), earn(Earning::OpenClass), Form::Centralized, "2");
    x.level = None;
    let by_level = Bucket {
        code: "l".into(),
        name_zh: "l".into(),
        name_en: "l".into(),
        forms: vec![],
        areas: vec![],
        levels: vec![Level::School],
        min: Some(Amount::whole(1)),
        cap: None,
    };
    assert!(!by_level.gathers(&x));
    let any = Bucket {
        levels: vec![],
        ..by_level
    };
    assert!(any.gathers(&x));
    let conv = Conversion {
        code: "o".into(),
        name_zh: "o".into(),
        name_en: "o".into(),
        kinds: vec![],
        forms: vec![],
        min_level: Some(Level::School),
        hours_per_unit: None,
        fixed: Some(Amount::whole(6)),
        cap: None,
    };
    assert!(!conv.matches(&x));
    assert!(
        Conversion {
            min_level: None,
            ..conv
        }
        .matches(&x)
    );
    let t = transcript(&rules(), &[x], cycle(), d(2025, 12, 1), false);
    assert_eq!(t.total, Amount::whole(2));
    assert!(t.by_level.is_empty());
}
