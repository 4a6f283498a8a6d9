//! Every preset parses and computes a transcript checked by hand; the
//! rules' own checks name what is wrong.

use super::*;
use crate::activities::ActivityType as A;
use chrono::NaiveDate;

pub(super) fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

pub(super) fn amt(s: &str) -> Amount {
    Amount::parse_str(s).unwrap()
}

/// An entry of `hours` hours, nothing stated, at school level.
pub(super) fn e(date: NaiveDate, what: What, form: Form, hours: &str) -> Entry {
    Entry {
        date,
        what,
        form,
        area: None,
        level: Some(Level::School),
        hours: amt(hours),
        credits: None,
        pool: None,
        marked_training: false,
    }
}

pub(super) fn act(t: A) -> What {
    What::Activity(t)
}

pub(super) fn earn(x: Earning) -> What {
    What::Earning(x)
}

trait With {
    fn at(self, l: Level) -> Self;
    fn about(self, a: Area) -> Self;
    fn stating(self, credits: &str) -> Self;
    fn pool(self, p: &str) -> Self;
}

impl With for Entry {
    fn at(mut self, l: Level) -> Self {
        self.level = Some(l);
        self
    }
    fn about(mut self, a: Area) -> Self {
        self.area = Some(a);
        self
    }
    fn stating(mut self, credits: &str) -> Self {
        self.credits = Some(amt(credits));
        self
    }
    fn pool(mut self, p: &str) -> Self {
        self.pool = Some(p.to_string());
        self
    }
}

fn preset(code: &str) -> &'static CreditRules {
    &presets::find(code)
        .unwrap_or_else(|| panic!("no preset {code}"))
        .rules
}

fn missing(t: &Transcript) -> Vec<(Need, String)> {
    t.missing
        .iter()
        .map(|s| (s.need.clone(), s.missing.to_string()))
        .collect()
}

fn due(t: &Transcript) -> Vec<(Need, String)> {
    t.due
        .iter()
        .map(|s| (s.need.clone(), s.missing.to_string()))
        .collect()
}

fn counted(t: &Transcript) -> Vec<String> {
    t.lines.iter().map(|l| l.counted.to_string()).collect()
}

fn bucket(t: &Transcript, code: &str) -> String {
    t.buckets
        .iter()
        .find(|b| b.code == code)
        .unwrap()
        .counted
        .to_string()
}

#[test]
fn every_preset_parses_names_its_source_and_says_what_it_is_unsure_of() {
    let all = presets::all();
    let codes: Vec<&str> = all.iter().map(|p| p.code.as_str()).collect();
    assert_eq!(
        codes,
        [
            "seed-002-48",
            "national-1999",
            "national-360",
            "shandong",
            "zhejiang",
            "jiangsu",
            "shanghai",
            "beijing"
        ]
    );
    for p in all {
        assert!(p.rules.is_set(), "{}", p.code);
        assert_eq!(p.rules.preset.as_deref(), Some(p.code.as_str()));
        assert!(!p.source.is_empty() && !p.description_zh.is_empty() && !p.description_en.is_empty());
        // Every preset says in its note what it assumed.
        assert!(
            !p.rules.note_zh.is_empty() && !p.rules.note_en.is_empty(),
            "{}",
            p.code
        );
        assert!(p.rules.problems().is_empty(), "{}", p.code);
        let en = p.source_name(Locale::En);
        assert!(
            !en.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "{}: {en}",
            p.code
        );
    }
    assert_eq!(
        presets::find("seed-002-48").unwrap().source_name(Locale::ZhCn),
        "师训工作计划（第三篇）"
    );
    assert!(presets::find("nowhere").is_none());
}

#[test]
fn seed_002_asks_48_by_three_forms_in_a_year() {
    let r = preset("seed-002-48");
    assert_eq!((r.total, r.cycle_years), (Amount::whole(48), 1));
    let entries = [
        e(d(2026, 3, 10), act(A::Course), Form::Centralized, "16"),
        e(d(2026, 4, 2), act(A::OnlineCourse), Form::Online, "8"),
        e(d(2026, 5, 6), act(A::SchoolTraining), Form::SchoolBased, "23"),
    ];
    let cycle = r.cycle_of(2026);
    assert_eq!(
        cycle,
        Cycle {
            first: 2026,
            last: 2026
        }
    );
    let t = transcript(r, &entries, cycle, d(2026, 12, 2), false);
    assert_eq!(t.total.to_string(), "47");
    assert_eq!(
        missing(&t),
        [
            (Need::Total, "1".into()),
            (Need::Bucket("school_based".into()), "1".into())
        ]
    );
    // Nothing is due before the year ends.
    assert!(t.eligible() && !t.complete());
    let later = transcript(r, &entries, cycle, d(2027, 1, 5), false);
    assert!(!later.eligible());
    assert_eq!(due(&later), missing(&t));
    let mut more = entries.to_vec();
    more.push(e(
        d(2026, 12, 20),
        act(A::TeachingResearch),
        Form::SchoolBased,
        "1",
    ));
    let done = transcript(r, &more, cycle, d(2027, 1, 5), false);
    assert!(done.complete() && done.eligible());
}

#[test]
fn national_1999_keeps_new_teacher_training_apart() {
    let r = preset("national-1999");
    let entries = [
        // In the probation year, before the cycle: counts in the pool.
        e(
            d(2020, 9, 1),
            earn(Earning::NewTeacherTraining),
            Form::Centralized,
            "120",
        )
        .pool("new_teacher"),
        e(d(2021, 7, 1), act(A::Course), Form::Centralized, "100"),
        e(d(2023, 7, 1), act(A::OnlineCourse), Form::Online, "100"),
    ];
    let cycle = r.cycle_of(2024);
    assert_eq!(cycle.label(), "2021–2025");
    let t = transcript(r, &entries, cycle, d(2024, 5, 1), true);
    assert_eq!(t.total.to_string(), "200");
    assert_eq!(t.pools[0].counted.to_string(), "120");
    assert_eq!(counted(&t), ["120", "100", "100"]);
    assert_eq!(t.lines[0].why, Some(Why::Pool("new_teacher".into())));
    assert_eq!(missing(&t), [(Need::Total, "40".into())]);
    assert!(t.eligible());
    // After the cycle the 40 hours are due.
    let after = transcript(r, &entries, cycle, d(2026, 3, 1), true);
    assert_eq!(due(&after), [(Need::Total, "40".into())]);
    // A new teacher with only 100 hours of the pool owes 20 more, which is
    // missing but does not bar a title application.
    let short_pool = [e(
        d(2020, 9, 1),
        earn(Earning::NewTeacherTraining),
        Form::Centralized,
        "100",
    )
    .pool("new_teacher")];
    let t = transcript(r, &short_pool, cycle, d(2024, 5, 1), true);
    assert!(missing(&t).contains(&(Need::Pool("new_teacher".into()), "20".into())));
    assert!(t.eligible());
    // The pool is not asked of others.
    let t = transcript(r, &short_pool, cycle, d(2024, 5, 1), false);
    assert!(!missing(&t).iter().any(|(n, _)| matches!(n, Need::Pool(_))));
}

#[test]
fn national_360_is_a_plain_total() {
    let r = preset("national-360");
    let entries: Vec<Entry> = (2021..=2025)
        .map(|y| e(d(y, 6, 1), act(A::Course), Form::Centralized, "72"))
        .collect();
    let t = transcript(r, &entries, r.cycle_of(2025), d(2026, 1, 1), false);
    assert_eq!(t.total.to_string(), "360");
    assert!(t.complete() && t.eligible());
    assert_eq!(
        t.years.iter().map(|y| y.counted.to_string()).collect::<Vec<_>>(),
        ["72"; 5]
    );
}

#[test]
fn shandong_asks_48_every_year_and_awards_72_for_a_degree_year() {
    let r = preset("shandong");
    let entries = [
        e(d(2021, 3, 1), act(A::Course), Form::Centralized, "50"),
        e(d(2022, 3, 1), act(A::Course), Form::Centralized, "47"),
        // A passed degree-study year: 72, whatever its hours.
        e(d(2023, 6, 30), earn(Earning::DegreeYear), Form::Degree, "0"),
        e(
            d(2024, 2, 1),
            earn(Earning::NewTeacherTraining),
            Form::Centralized,
            "20",
        ),
    ];
    let t = transcript(r, &entries, r.cycle_of(2024), d(2024, 6, 1), false);
    assert_eq!(counted(&t), ["50", "47", "72", "72"]);
    assert_eq!(t.lines[2].conversion.as_deref(), Some("degree_year"));
    assert_eq!(t.lines[3].conversion.as_deref(), Some("new_teacher"));
    assert_eq!(t.total.to_string(), "241");
    // 2022 ended one credit short: the teacher may not apply this year.
    assert_eq!(due(&t), [(Need::Year(2022), "1".into())]);
    assert!(!t.eligible());
    // 2024 is under way and 2025 not begun: missing, not yet due.
    assert!(missing(&t).contains(&(Need::Year(2025), "48".into())));
    assert!(missing(&t).contains(&(Need::Total, "119".into())));
}

#[test]
fn zhejiang_counts_a_course_s_own_credits_and_new_teachers_apart() {
    let r = preset("zhejiang");
    let entries = [
        e(d(2026, 3, 1), act(A::Course), Form::Centralized, "12").stating("30"),
        e(d(2026, 4, 1), act(A::SchoolTraining), Form::SchoolBased, "6"),
        e(
            d(2026, 8, 1),
            earn(Earning::NewTeacherTraining),
            Form::Centralized,
            "90",
        )
        .pool("new_teacher"),
    ];
    let t = transcript(r, &entries, r.cycle_of(2026), d(2026, 12, 2), true);
    assert_eq!(r.cycle_of(2026).label(), "2026–2030");
    assert_eq!(counted(&t), ["30", "6", "90"]);
    assert_eq!(t.total.to_string(), "36");
    assert!(missing(&t).contains(&(Need::Pool("new_teacher".into()), "90".into())));
    assert!(missing(&t).contains(&(Need::Total, "324".into())));
    assert!(t.eligible());
}

#[test]
fn jiangsu_caps_open_classes_at_18_and_asks_180_at_county_level_or_above() {
    let r = preset("jiangsu");
    let open = |m: u32, l: Level| e(d(2022, m, 1), earn(Earning::OpenClass), Form::Practice, "1").at(l);
    let entries = [
        open(3, Level::County),
        open(4, Level::Municipal),
        open(5, Level::County),
        open(6, Level::County),
        // A school-level open class is not an award: its hour counts.
        open(7, Level::School),
        e(d(2022, 9, 1), earn(Earning::CompetitionPrize), Form::Other, "0").at(Level::Municipal),
        e(d(2023, 9, 1), act(A::Course), Form::Centralized, "150").at(Level::County),
    ];
    let t = transcript(r, &entries, r.cycle_of(2022), d(2024, 1, 1), false);
    assert_eq!(counted(&t), ["6", "6", "6", "0", "1", "18", "150"]);
    assert_eq!(t.lines[3].why, Some(Why::Capped("open_class".into())));
    assert_eq!(t.lines[3].credited.to_string(), "6");
    assert_eq!(t.lines[4].conversion, None);
    assert_eq!(bucket(&t, "county_or_above"), "186");
    assert_eq!(t.total.to_string(), "187");
    assert_eq!(missing(&t), [(Need::Total, "173".into())]);
}

#[test]
fn shanghai_counts_by_content_and_by_level() {
    let r = preset("shanghai");
    assert!(r.feedback_required);
    let entries = [
        e(d(2022, 3, 1), act(A::Course), Form::Centralized, "30")
            .about(Area::Ethics)
            .at(Level::Municipal)
            .stating("8"),
        // 100 hours at 10 hours a credit.
        e(d(2022, 4, 1), act(A::Course), Form::Centralized, "100")
            .about(Area::Method)
            .at(Level::County),
        e(d(2023, 4, 1), act(A::SchoolTraining), Form::SchoolBased, "40")
            .about(Area::Subject)
            .stating("14"),
        // Self-study counts 4 at most.
        e(d(2024, 4, 1), act(A::ReadingSalon), Form::SelfStudy, "60").stating("6"),
    ];
    let t = transcript(r, &entries, r.cycle_of(2022), d(2026, 1, 1), false);
    assert_eq!(counted(&t), ["8", "10", "14", "4"]);
    assert_eq!(t.lines[3].why, Some(Why::Capped("self_study".into())));
    assert_eq!(
        [
            "ethics",
            "knowledge",
            "practice",
            "self_study",
            "municipal",
            "district",
            "school"
        ]
        .map(|c| bucket(&t, c)),
        ["8", "24", "14", "4", "8", "10", "18"]
    );
    assert_eq!(t.total.to_string(), "36");
    assert!(t.complete() && t.eligible());
    // Without the ethics course: 8 short in ethics and in all, 1 at municipal level.
    let t = transcript(r, &entries[1..], r.cycle_of(2022), d(2026, 1, 1), false);
    assert_eq!(
        due(&t),
        [
            (Need::Total, "8".into()),
            (Need::Bucket("ethics".into()), "8".into()),
            (Need::Bucket("municipal".into()), "7".into()),
        ]
    );
}

#[test]
fn beijing_converts_courses_at_10_hours_and_the_rest_at_20() {
    let r = preset("beijing");
    let entries = [
        e(d(2022, 3, 1), act(A::Course), Form::Centralized, "25"),
        e(d(2022, 4, 1), act(A::OnlineCourse), Form::Online, "30"),
        e(d(2022, 5, 1), act(A::SchoolTraining), Form::SchoolBased, "20"),
        e(d(2022, 6, 1), act(A::Course), Form::Blended, "5"),
    ];
    let t = transcript(r, &entries, r.cycle_of(2022), d(2022, 12, 1), false);
    assert_eq!(counted(&t), ["2.5", "1.5", "1", "0.5"]);
    assert_eq!(t.total.to_string(), "5.5");
    assert_eq!(
        t.by_form,
        [
            (Form::Centralized, amt("2.5")),
            (Form::Online, amt("1.5")),
            (Form::Blended, amt("0.5")),
            (Form::SchoolBased, amt("1")),
        ]
    );
}

#[test]
fn rules_name_every_problem() {
    let codes = |r: &CreditRules| {
        r.problems()
            .into_iter()
            .map(|e| format!("{}:{}", e.field, e.code))
            .collect::<Vec<_>>()
    };
    let mut r = preset("seed-002-48").clone();
    r.cycle_years = 0;
    r.cycle_start = 1989;
    r.total = Amount::ZERO;
    r.hours_per_unit = Amount::whole(-1);
    assert_eq!(
        codes(&r),
        [
            "cycle_years:out_of_range",
            "cycle_start:out_of_range",
            "total:must_be_positive",
            "hours_per_unit:must_be_positive",
        ]
    );
    let mut r = preset("seed-002-48").clone();
    r.cycle_years = 11;
    r.cycle_start = 2101;
    r.total = Amount::whole(100_001);
    r.yearly_min = Some(Amount::whole(100_002));
    assert_eq!(
        codes(&r),
        [
            "cycle_years:out_of_range",
            "cycle_start:out_of_range",
            "total:amount_too_large",
            "yearly_min:amount_too_large",
            "yearly_min:above_total",
        ]
    );
    let mut r = preset("seed-002-48").clone();
    r.yearly_min = Some(Amount::whole(49));
    r.note_en = "x".repeat(2001);
    r.buckets[0].code = "Bad code".into();
    r.buckets[1].code = "school_based".into();
    r.buckets[1].name_en = " ".into();
    r.buckets[2].min = Some(Amount::whole(50));
    r.buckets[2].cap = Some(Amount::whole(40));
    assert_eq!(
        codes(&r),
        [
            "yearly_min:above_total",
            "note:too_long",
            "code:invalid_rule_code",
            "name_en:required",
            "code:duplicate_rule_code",
            "min:above_total",
            "cap:cap_below_min",
        ]
    );
    // A problem inside a part names the part by position and name.
    let p = r.problems();
    let dup = p.iter().find(|e| e.code == "duplicate_rule_code").unwrap();
    assert!(dup.args.contains(&("rule", "3".to_string())));
    assert!(dup.args.contains(&("rule_name_zh", "校本研训".to_string())));
    let unnamed = p.iter().find(|e| e.code == "required").unwrap();
    assert!(
        unnamed
            .args
            .contains(&("rule_name_en", "school_based".to_string()))
    );

    let mut r = preset("jiangsu").clone();
    r.buckets[0].min = None;
    r.conversions[0].hours_per_unit = Some(Amount::whole(2));
    r.conversions[1].fixed = None;
    r.conversions[1].cap = Some(Amount::ZERO);
    r.pools.push(Pool {
        code: "p".into(),
        name_zh: "新".into(),
        name_en: "New".into(),
        min: Some(Amount::whole(-5)),
        new_teachers: true,
    });
    assert_eq!(
        codes(&r),
        [
            "min:min_or_cap",
            "hours_per_unit:rate_or_fixed",
            "hours_per_unit:rate_or_fixed",
            "cap:must_be_positive",
            "min:must_be_positive",
        ]
    );
    let mut r = preset("beijing").clone();
    r.conversions[0].hours_per_unit = Some(Amount::ZERO);
    r.conversions.push(Conversion {
        fixed: Some(Amount::whole(200_000)),
        hours_per_unit: None,
        code: "big".into(),
        ..r.conversions[0].clone()
    });
    r.buckets.push(Bucket {
        code: "c".into(),
        name_zh: "甲".into(),
        name_en: "A".into(),
        forms: vec![],
        areas: vec![],
        levels: vec![],
        min: None,
        cap: Some(Amount::whole(-1)),
    });
    assert_eq!(
        codes(&r),
        [
            "cap:must_be_positive",
            "hours_per_unit:must_be_positive",
            "fixed:amount_too_large"
        ]
    );
    assert!(r.clone().checked().is_err());
    assert!(preset("beijing").clone().checked().is_ok());
}

#[test]
fn rules_read_from_toml_or_json_refuse_unknown_fields() {
    let toml = "unit = \"credit\"\ntotal = 36\napproval = \"school\"\n";
    let r = CreditRules::from_text(toml, false).unwrap();
    assert_eq!(
        (r.total, r.cycle_years, r.cycle_start),
        (Amount::whole(36), 5, 2021)
    );
    assert_eq!(r.hours_per_unit, Amount::whole(1));
    let json = serde_json::to_string(preset("shanghai")).unwrap();
    assert_eq!(&CreditRules::from_text(&json, true).unwrap(), preset("shanghai"));
    let e = CreditRules::from_text(
        "unit = \"credit\"\ntotal = 36\napproval = \"school\"\ntotl = 1\n",
        false,
    )
    .unwrap_err();
    assert!(
        matches!(e, presets::PresetError::Syntax(ref s) if s.contains("totl")),
        "{e:?}"
    );
    let e =
        CreditRules::from_text("unit = \"credit\"\ntotal = 0\napproval = \"school\"\n", false).unwrap_err();
    assert_eq!(e.to_string(), "total: must_be_positive value=0");
    assert!(CreditRules::from_text("{", true).is_err());
}

#[test]
fn the_fallback_asks_nothing() {
    let r = CreditRules::fallback();
    assert!(!r.is_set());
    let t = transcript(&r, &[], r.cycle_of(2026), d(2031, 1, 1), false);
    assert!(t.complete() && t.eligible());
}

#[test]
fn a_diff_names_the_cycle_the_policy_and_each_part() {
    use crate::rule_sets::ChangeKind::*;
    let before = preset("jiangsu").clone();
    let mut after = before.clone();
    after.total = Amount::whole(300);
    after.approval = Approval::School;
    after.conversions[1].fixed = Some(Amount::whole(12));
    after.buckets.clear();
    after.pools.push(Pool {
        code: "new_teacher".into(),
        name_zh: "新教师".into(),
        name_en: "New teachers".into(),
        min: Some(Amount::whole(120)),
        new_teachers: true,
    });
    let changes: Vec<(crate::rule_sets::ChangeKind, String)> = before
        .changes(&after)
        .into_iter()
        .map(|c| (c.change, c.code))
        .collect();
    assert_eq!(
        changes,
        [
            (Changed, CYCLE_CODE.to_string()),
            (Changed, POLICY_CODE.to_string()),
            (Changed, "competition_prize".to_string()),
            (Added, "new_teacher".to_string()),
            (Removed, "county_or_above".to_string()),
        ]
    );
    assert!(before.changes(&before).is_empty());
    for code in before.codes() {
        assert!(before.same_rule(&before, code));
    }
    let mut other = before.clone();
    other.school_override = true;
    assert!(!before.same_rule(&other, POLICY_CODE) && before.same_rule(&other, CYCLE_CODE));
    other = before.clone();
    other.hours_per_unit = Amount::whole(2);
    assert!(!before.same_rule(&other, CYCLE_CODE) && before.same_rule(&other, POLICY_CODE));
}

#[test]
fn national_codes_map_onto_forms_and_back() {
    for (code, form) in [
        ("1", Form::Degree),
        ("2", Form::Centralized),
        ("3", Form::Online),
        ("4", Form::Blended),
        ("9", Form::Other),
    ] {
        assert_eq!(Form::from_national(code), Some(form));
        assert_eq!(form.national(), code);
    }
    assert_eq!(Form::from_national(" 3 "), Some(Form::Online));
    assert_eq!(Form::from_national("5"), None);
    assert_eq!(Form::SchoolBased.national(), "2");
    assert_eq!(Form::Practice.national(), "2");
    assert_eq!(Form::SelfStudy.national(), "9");
}

#[test]
fn what_reads_both_vocabularies() {
    assert_eq!(What::parse("kind", "公开课").unwrap(), earn(Earning::OpenClass));
    assert_eq!(What::parse("kind", "集体备课").unwrap(), act(A::LessonPrep));
    assert_eq!(What::from_code("degree_year"), Some(earn(Earning::DegreeYear)));
    assert_eq!(What::from_code("course"), Some(act(A::Course)));
    assert_eq!(What::from_code("nope"), None);
    let e = What::parse("kind", " 野餐 ").unwrap_err();
    assert_eq!((e.field, e.code), ("kind", "unknown_earning"));
    assert_eq!(e.args, [("value", "野餐".to_string())]);
    assert_eq!(What::all().count(), A::ALL.len() + Earning::ALL.len());
    assert_eq!(act(A::Course).zh(), "集中培训");
    assert_eq!(earn(Earning::CompetitionPrize).zh(), "比赛获奖");
    assert_eq!(
        serde_json::to_string(&earn(Earning::OpenClass)).unwrap(),
        "\"open_class\""
    );
    assert!(serde_json::from_str::<What>("\"x\"").is_err());
}

#[test]
fn limits_are_allowed_exactly_at_their_bounds() {
    let mut r = preset("seed-002-48").clone();
    // A yearly minimum equal to the total, a part's minimum equal to the
    // total and to its cap, a note of exactly 2,000 characters, the largest
    // amount: all allowed.
    r.yearly_min = Some(r.total);
    r.buckets[0].min = Some(r.total);
    r.buckets[0].cap = Some(r.total);
    r.note_zh = "注".repeat(2000);
    r.hours_per_unit = Amount::MAX;
    assert!(r.problems().is_empty(), "{:?}", r.problems());
    r.hours_per_unit = Amount::MAX + Amount::hundredths(1);
    assert_eq!(r.problems()[0].code, "amount_too_large");
    assert_eq!(Amount::MAX, Amount::whole(100_000));
    // Twelve digits before the point are read; thirteen are not.
    assert_eq!(
        Amount::parse_str("123456789012"),
        Some(Amount::whole(123_456_789_012))
    );
    assert_eq!(
        Amount::from_f64(1e15),
        Some(Amount::hundredths(100_000_000_000_000_000))
    );
}

#[test]
fn a_problem_names_the_position_of_its_part_across_the_lists() {
    let mut r = preset("jiangsu").clone();
    r.pools.push(Pool {
        code: "new".into(),
        name_zh: "新教师".into(),
        name_en: "New".into(),
        min: Some(Amount::ZERO),
        new_teachers: true,
    });
    r.conversions[1].fixed = Some(Amount::ZERO);
    let p = r.problems();
    let rule = |i: usize| p[i].args.iter().find(|(k, _)| *k == "rule").unwrap().1.clone();
    // One bucket, then two conversions, then the pool.
    assert_eq!((p[0].field, rule(0)), ("fixed", "3".to_string()));
    assert_eq!((p[1].field, rule(1)), ("min", "4".to_string()));
    // A second pool is the fifth part, a second conversion's problem the third.
    r.pools[0].min = Some(Amount::whole(1));
    r.pools.push(Pool {
        code: "other".into(),
        name_zh: "其他".into(),
        name_en: "Other".into(),
        min: Some(Amount::ZERO),
        new_teachers: false,
    });
    let p = r.problems();
    let rule = |i: usize| p[i].args.iter().find(|(k, _)| *k == "rule").unwrap().1.clone();
    assert_eq!((p[1].field, rule(1)), ("min", "5".to_string()));
}

#[test]
fn names_and_notes_in_each_language() {
    let r = preset("shandong");
    assert_eq!(
        r.conversion("degree_year").unwrap().name(Locale::ZhCn),
        "学历进修（每合格学年）"
    );
    assert_eq!(
        r.conversion("degree_year").unwrap().name(Locale::En),
        "Degree study (each passed year)"
    );
    assert!(r.note(Locale::ZhCn).starts_with("班主任"));
    assert!(r.note(Locale::En).starts_with("Class teachers"));
    let z = preset("zhejiang");
    assert_eq!(z.pool("new_teacher").unwrap().name(Locale::ZhCn), "新教师培训");
    assert_eq!(
        z.pool("new_teacher").unwrap().name(Locale::En),
        "New-teacher training"
    );
    assert!(z.pool("nope").is_none() && z.bucket("nope").is_none() && z.conversion("nope").is_none());
    let j = preset("jiangsu");
    let b = j.bucket("county_or_above").unwrap();
    assert_eq!(
        (b.name(Locale::ZhCn), b.name(Locale::En)),
        ("县级及以上培训", "County level or above")
    );
    let p = presets::find("beijing").unwrap();
    assert_eq!(p.name(Locale::ZhCn), "北京：五年 36 学分");
    assert_eq!(p.name(Locale::En), "Beijing: 36 credits in five years");
    assert!(p.description(Locale::ZhCn).starts_with("五年不少于 36 学分"));
    assert!(p.description(Locale::En).starts_with("At least 36 credits"));
    assert_eq!(p.source_name(Locale::ZhCn), p.source);
}

#[test]
fn a_diff_sees_a_changed_pool() {
    let before = preset("zhejiang").clone();
    let mut after = before.clone();
    after.pools[0].min = Some(Amount::whole(120));
    assert!(!before.same_rule(&after, "new_teacher"));
    assert_eq!(before.changes(&after).len(), 1);
}
