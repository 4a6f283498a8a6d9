//! The duties engine: rules, a teacher's facts and verified evidence, the
//! calendar and a date in; for each rule, how much is required and done,
//! the status, the evidence that counted, and why — in both languages.
//!
//! It is a pure function of its inputs: the items are put in a fixed order
//! before anything is added up, so the result never depends on the order
//! they arrive in.

use super::{Audience, CountedKind, DutyRule, DutySet, Matcher, Measure, PeriodUnit};
use crate::calendar::Calendar;
use crate::evidence::{ProjectRole, fmt_num};
use crate::level::Level;
use crate::locale::Locale;
use crate::teacher::TeacherFacts;
use crate::tiers::TierRules;
use chrono::{Datelike, Days, NaiveDate};

/// A date in English text.
fn en(d: NaiveDate) -> String {
    crate::dates::written(d, Locale::En)
}
use serde::{Deserialize, Serialize};

/// One thing that may count towards a duty: a verified record, or a span
/// (project, apprentice, group led).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Item {
    pub id: i64,
    pub kind: CountedKind,
    /// Sub-kind code; for articles, the publication state.
    pub subtype: Option<String>,
    pub date: NaiveDate,
    /// For spans, the last day (`None`: still running). Records have none.
    pub until: Option<NaiveDate>,
    pub level: Option<Level>,
    /// For projects, the teacher's role.
    pub role: Option<ProjectRole>,
    /// For articles, the level of the award it won, if any.
    pub award_level: Option<Level>,
    /// Training hours, or study-visit days.
    pub amount: f64,
}

impl Item {
    fn is_span(&self) -> bool {
        matches!(
            self.kind,
            CountedKind::Project | CountedKind::Apprentice | CountedKind::GroupLead
        )
    }

    /// Whether the item falls in (records) or overlaps (spans) `[a, b]`.
    fn within(&self, a: NaiveDate, b: NaiveDate) -> bool {
        if self.is_span() {
            self.date <= b && self.until.is_none_or(|u| u >= a)
        } else {
            a <= self.date && self.date <= b
        }
    }
}

/// Which item satisfied a duty, for the drill-down.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ItemRef {
    pub kind: CountedKind,
    pub id: i64,
}

/// A teacher as the duty rules see them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DutyPerson {
    pub facts: TeacherFacts,
    /// Tier code in the school year, if any.
    pub tier: Option<String>,
    pub staff_no: String,
    /// Names of the groups the teacher belongs to.
    pub groups: Vec<String>,
}

/// Where a teacher stands on one duty.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DutyStatus {
    Done,
    OnTrack,
    Behind,
    Overdue,
    /// Nothing is due yet: the period starts later (a fixed-date rule
    /// before its first day, a rule adopted for a later day, the holidays
    /// before the next week or month).
    NotStarted,
    /// The teacher is outside the rule's audience.
    NotApplicable,
}

impl DutyStatus {
    pub const ALL: [DutyStatus; 6] = [
        DutyStatus::Overdue,
        DutyStatus::Behind,
        DutyStatus::OnTrack,
        DutyStatus::Done,
        DutyStatus::NotStarted,
        DutyStatus::NotApplicable,
    ];

    pub fn code(self) -> &'static str {
        match self {
            DutyStatus::Done => "done",
            DutyStatus::OnTrack => "on_track",
            DutyStatus::Behind => "behind",
            DutyStatus::Overdue => "overdue",
            DutyStatus::NotStarted => "not_started",
            DutyStatus::NotApplicable => "not_applicable",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.code() == s)
    }

    /// Higher is worse: overdue 3, behind 2, on track 1; done, not started
    /// and not applicable 0. Sorting by "most behind" adds these up.
    pub fn severity(self) -> u32 {
        match self {
            DutyStatus::Overdue => 3,
            DutyStatus::Behind => 2,
            DutyStatus::OnTrack => 1,
            DutyStatus::Done | DutyStatus::NotStarted | DutyStatus::NotApplicable => 0,
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            DutyStatus::Done => "已完成",
            DutyStatus::OnTrack => "进度正常",
            DutyStatus::Behind => "落后",
            DutyStatus::Overdue => "逾期",
            DutyStatus::NotStarted => "未开始",
            DutyStatus::NotApplicable => "不适用",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            DutyStatus::Done => "done",
            DutyStatus::OnTrack => "on track",
            DutyStatus::Behind => "behind",
            DutyStatus::Overdue => "overdue",
            DutyStatus::NotStarted => "not started",
            DutyStatus::NotApplicable => "not applicable",
        }
    }
}

/// One teacher × one duty.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    /// The rule's code.
    pub rule: String,
    pub status: DutyStatus,
    /// Records (hours, days) required; with `every`, sub-periods to meet.
    pub required: f64,
    pub done: f64,
    pub remaining: f64,
    /// What the elapsed share of the period asks for by now.
    pub expected: f64,
    /// The period being counted.
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// When the next thing falls due (end of the current sub-period, or of
    /// the period), and whether it is already met.
    pub due: NaiveDate,
    pub due_met: bool,
    /// Sub-periods that ended unmet.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missed: Vec<(NaiveDate, NaiveDate)>,
    /// What counted, oldest first.
    pub evidence: Vec<ItemRef>,
    pub explain_zh: String,
    pub explain_en: String,
}

impl Progress {
    pub fn explain(&self, l: Locale) -> &str {
        match l {
            Locale::ZhCn => &self.explain_zh,
            Locale::En => &self.explain_en,
        }
    }
}

/// What every evaluation needs besides the teacher.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    pub calendar: &'a Calendar,
    /// The tier rules of the school year, for tier names.
    pub tiers: &'a TierRules,
    pub as_of: NaiveDate,
}

fn day(d: NaiveDate, n: i64) -> NaiveDate {
    if n >= 0 {
        d.checked_add_days(Days::new(n as u64)).unwrap_or(NaiveDate::MAX)
    } else {
        d.checked_sub_days(Days::new(n.unsigned_abs()))
            .unwrap_or(NaiveDate::MIN)
    }
}

/// The teaching windows of a week, fortnight or month in one semester
/// `[ss, se]`, in order and covering it: weeks and fortnights run from the
/// semester's first day, months are calendar months cut at its ends. A
/// window at either end shorter than half a whole one (a week's last 1–3
/// days, a month's first few days) is no period of its own: it joins its
/// neighbour, so "a lesson every week" never asks for a lesson in a
/// one-day stub.
pub fn semester_windows(unit: PeriodUnit, ss: NaiveDate, se: NaiveDate) -> Vec<(NaiveDate, NaiveDate)> {
    let mut out: Vec<(NaiveDate, NaiveDate, i64)> = Vec::new();
    let mut a = ss;
    while a <= se {
        let (b, whole) = match unit {
            PeriodUnit::Week | PeriodUnit::TwoWeeks => {
                let len = if unit == PeriodUnit::Week { 7 } else { 14 };
                (day(a, len - 1), len)
            }
            _ => {
                let first = a.with_day(1).unwrap_or(a);
                let next = first
                    .checked_add_months(chrono::Months::new(1))
                    .unwrap_or(NaiveDate::MAX);
                (day(next, -1), (next - first).num_days())
            }
        };
        out.push((a, b.min(se), whole));
        if b >= se {
            break;
        }
        a = day(b, 1);
    }
    let stub = |w: &(NaiveDate, NaiveDate, i64)| ((w.1 - w.0).num_days() + 1) * 2 < w.2;
    if out.len() > 1 && stub(&out[out.len() - 1]) {
        let last = out.pop().map_or(se, |w| w.1);
        if let Some(w) = out.last_mut() {
            w.1 = last;
        }
    }
    if out.len() > 1 && stub(&out[0]) {
        let first = out.remove(0).0;
        out[0].0 = first;
    }
    out.into_iter().map(|(a, b, _)| (a, b)).collect()
}

/// The window of `unit` that `d` falls in. A date in the holiday after a
/// semester gets that semester's last window (which ends before `d`).
pub fn unit_window(unit: PeriodUnit, cal: &Calendar, d: NaiveDate) -> (NaiveDate, NaiveDate) {
    let sem = cal.semester_of(d);
    let (ss, se) = cal.dates(sem);
    let d2 = d.min(se).max(ss);
    match unit {
        PeriodUnit::Semester | PeriodUnit::Range => (ss, se),
        PeriodUnit::SchoolYear => {
            let y = cal.year(sem.year);
            (y.first_start, y.second_end)
        }
        PeriodUnit::Week | PeriodUnit::TwoWeeks | PeriodUnit::Month => semester_windows(unit, ss, se)
            .into_iter()
            .find(|w| w.0 <= d2 && d2 <= w.1)
            .unwrap_or((ss, se)),
    }
}

/// The period a rule counts over on `as_of`.
pub fn period_window(rule: &DutyRule, cal: &Calendar, as_of: NaiveDate) -> (NaiveDate, NaiveDate) {
    match (rule.period, rule.from, rule.to) {
        (PeriodUnit::Range, Some(f), Some(t)) => (f, t),
        (p, _, _) => unit_window(p, cal, as_of),
    }
}

/// The sub-periods of `every` inside `[s, e]`: the teaching windows of
/// each semester it overlaps (holidays belong to none), cut at `s` and `e`.
pub fn sub_windows(
    every: PeriodUnit,
    cal: &Calendar,
    s: NaiveDate,
    e: NaiveDate,
) -> Vec<(NaiveDate, NaiveDate)> {
    let mut out = Vec::new();
    if e < s {
        return out;
    }
    let mut sem = cal.semester_of(s);
    loop {
        let (ss, se) = cal.dates(sem);
        if ss > e {
            break;
        }
        for (a, b) in semester_windows(every, ss, se) {
            if b >= s && a <= e {
                out.push((a.max(s), b.min(e)));
            }
        }
        sem = cal.next(sem);
    }
    out
}

fn matches(m: &Matcher, it: &Item) -> bool {
    if !m.kinds.contains(&it.kind) {
        return false;
    }
    let codes = it.kind.subtype_codes();
    if !m.subtypes.is_empty()
        && m.subtypes.iter().any(|s| codes.contains(&s.as_str()))
        && !it.subtype.as_ref().is_some_and(|s| m.subtypes.contains(s))
    {
        return false;
    }
    // For "an article that won a district award", the award's level is
    // what the level filter asks about.
    let award_rule = m.award_won && it.kind == CountedKind::Article;
    if award_rule
        && it
            .award_level
            .is_none_or(|l| m.min_level.is_some_and(|min| l < min))
    {
        return false;
    }
    if let Some(min) = m.min_level
        && !award_rule
        && it.kind.has_level()
        && it.level.is_none_or(|l| l < min)
    {
        return false;
    }
    if m.role == Some(ProjectRole::Host)
        && it.kind == CountedKind::Project
        && it.role != Some(ProjectRole::Host)
    {
        return false;
    }
    if m.published && it.kind == CountedKind::Article && it.subtype.as_deref() != Some("published") {
        return false;
    }
    if let Some(h) = m.min_hours
        && it.kind == CountedKind::Training
        && it.amount < h
    {
        return false;
    }
    true
}

fn value(measure: Measure, it: &Item) -> f64 {
    match measure {
        Measure::Count => 1.0,
        Measure::Hours | Measure::Days => it.amount.max(0.0),
    }
}

/// Why a teacher is outside a rule's audience, if they are.
fn outside(a: &Audience, p: &DutyPerson, ctx: &Context<'_>) -> Option<(String, String)> {
    let as_of = ctx.as_of;
    if !a.tiers.is_empty() && !p.tier.as_ref().is_some_and(|t| a.tiers.contains(t)) {
        let name = |code: &str, l: Locale| {
            ctx.tiers
                .find(code)
                .map(|t| t.name(l).to_string())
                .unwrap_or_else(|| code.to_string())
        };
        let list = |l: Locale, sep: &str| a.tiers.iter().map(|t| name(t, l)).collect::<Vec<_>>().join(sep);
        let own = |l: Locale| match &p.tier {
            Some(t) => name(t, l),
            None => if l == Locale::ZhCn { "未分层" } else { "no tier" }.to_string(),
        };
        return Some((
            format!("仅限{}（本人：{}）", list(Locale::ZhCn, "、"), own(Locale::ZhCn)),
            format!("only for {} (yours: {})", list(Locale::En, ", "), own(Locale::En)),
        ));
    }
    let year = ctx.calendar.semester_of(as_of).year;
    if !a.honours.is_empty()
        && !a.honours.iter().any(|h| {
            p.facts
                .honour_level(h.kind, year)
                .is_some_and(|l| l >= h.min_level)
        })
    {
        let zh: Vec<String> = a
            .honours
            .iter()
            .map(|h| format!("{}及以上{}", h.min_level.zh(), h.kind.zh()))
            .collect();
        let en: Vec<String> = a
            .honours
            .iter()
            .map(|h| {
                format!(
                    "{} ({} level or above)",
                    h.kind.code().replace('_', " "),
                    h.min_level.code()
                )
            })
            .collect();
        return Some((
            format!("仅限{}", zh.join("、")),
            format!("only for holders of {}", en.join(" or ")),
        ));
    }
    let age = p.facts.age(as_of);
    let unknown = |v: Option<i32>, l: Locale| {
        v.map(|v| v.to_string())
            .unwrap_or_else(|| if l == Locale::ZhCn { "未知" } else { "unknown" }.to_string())
    };
    if let Some(limit) = a.age_below
        && age.is_none_or(|x| x >= limit)
    {
        return Some((
            format!("仅限 {limit} 岁以下（本人：{}）", unknown(age, Locale::ZhCn)),
            format!("only for under {limit} (age: {})", unknown(age, Locale::En)),
        ));
    }
    if let Some(limit) = a.age_at_least
        && age.is_none_or(|x| x < limit)
    {
        return Some((
            format!("仅限 {limit} 岁及以上（本人：{}）", unknown(age, Locale::ZhCn)),
            format!("only for {limit} or older (age: {})", unknown(age, Locale::En)),
        ));
    }
    let years = p.facts.teaching_years(as_of);
    if let Some(limit) = a.years_at_most
        && years.is_none_or(|x| x > limit)
    {
        return Some((
            format!(
                "仅限教龄 {limit} 年及以内（本人：{}）",
                unknown(years, Locale::ZhCn)
            ),
            format!(
                "only for up to {limit} years' teaching (yours: {})",
                unknown(years, Locale::En)
            ),
        ));
    }
    if let Some(limit) = a.years_at_least
        && years.is_none_or(|x| x < limit)
    {
        return Some((
            format!(
                "仅限教龄 {limit} 年及以上（本人：{}）",
                unknown(years, Locale::ZhCn)
            ),
            format!(
                "only for {limit} or more years' teaching (yours: {})",
                unknown(years, Locale::En)
            ),
        ));
    }
    if !a.groups.is_empty() && !p.groups.iter().any(|g| a.groups.contains(g)) {
        return Some((
            format!("仅限{}成员", a.groups.join("、")),
            format!("only for members of {}", a.groups.join(", ")),
        ));
    }
    if !a.teachers.is_empty() && !a.teachers.contains(&p.staff_no) {
        return Some(("仅限指定教师".to_string(), "only for named teachers".to_string()));
    }
    None
}

fn unit_suffix(m: Measure, l: Locale) -> &'static str {
    match (m, l) {
        (Measure::Count, _) => "",
        (Measure::Hours, Locale::ZhCn) => " 学时",
        (Measure::Hours, Locale::En) => " hours",
        (Measure::Days, Locale::ZhCn) => " 天",
        (Measure::Days, Locale::En) => " days",
    }
}

/// An item with the day it counts on for semesters and school years: its
/// own date, or for a record dated in the holidays the last day of the
/// semester the calendar gives it to (the semester just ended).
#[derive(Debug, Clone, Copy)]
struct Dated<'a> {
    it: &'a Item,
    placed: NaiveDate,
}

/// Evaluates one rule for one teacher. `items` must be sorted by
/// `(date, kind, id)`.
fn evaluate_rule(
    rule: &DutyRule,
    window: &Window,
    ctx: &Context<'_>,
    person: &DutyPerson,
    items: &[Dated<'_>],
) -> Progress {
    let as_of = ctx.as_of;
    let (s, e) = window.period;
    let mut p = Progress {
        rule: rule.code.clone(),
        status: DutyStatus::NotApplicable,
        required: rule.count,
        done: 0.0,
        remaining: 0.0,
        expected: 0.0,
        from: s,
        to: e,
        due: e,
        due_met: false,
        missed: Vec::new(),
        evidence: Vec::new(),
        explain_zh: String::new(),
        explain_en: String::new(),
    };
    if let Some((zh, en)) = outside(&rule.audience, person, ctx) {
        p.explain_zh = format!("不适用：{zh}");
        p.explain_en = format!("Not applicable: {en}");
        return p;
    }
    // Nothing is due before the period starts: a fixed-date rule asked
    // about before its first day, the holidays before the next week or
    // month, a rule adopted for a later day.
    if let Some((a, b)) = window.holiday {
        p.status = DutyStatus::NotStarted;
        (p.from, p.to, p.due) = (a, b, b);
        let (uz, ue) = (rule.period.name(Locale::ZhCn), rule.period.name(Locale::En));
        p.explain_zh = format!("未开始：假期中，下一{uz}自 {a} 开始");
        p.explain_en = format!("Not started: school holidays; the next {ue} starts on {}", en(a));
        return p;
    }
    // Adopted or changed within the period: what ended before it took
    // effect is not asked for.
    let since = rule.since.filter(|f| *f > s);
    if let Some(f) = since
        && (as_of < f || e < f)
    {
        p.status = DutyStatus::NotStarted;
        p.explain_zh = format!("未开始：本规则 {f} 起生效");
        p.explain_en = format!("Not started: this rule applies from {}", en(f));
        return p;
    }
    if as_of < s {
        p.status = DutyStatus::NotStarted;
        p.explain_zh = format!("未开始：{s} 起计算，此前无须完成");
        p.explain_en = format!("Not started: counting starts on {}; nothing is due before", en(s));
        return p;
    }
    let (note_zh, note_en) = match since {
        Some(f) => (
            format!("（本规则 {f} 起生效）"),
            format!(" (rule in force from {})", en(f)),
        ),
        None => (String::new(), String::new()),
    };
    let upto = as_of.min(e);
    // Semesters and school years count a holiday record where the calendar
    // puts it; fixed dates, weeks, fortnights and months by its own date.
    let mut counted: Vec<&Item> = items
        .iter()
        .filter(|d| {
            let it = d.it;
            let inside = if window.placed && !it.is_span() {
                it.date <= as_of && s <= d.placed && d.placed <= e
            } else {
                it.within(s, upto)
            };
            inside && matches(&rule.matcher, it)
        })
        .map(|d| d.it)
        .collect();
    if rule.every.is_some() {
        // Only what fell in a sub-period counted (not a holiday's records).
        counted.retain(|it| {
            window
                .subs
                .iter()
                .any(|&(a, b)| a <= as_of && it.within(a, b.min(as_of)))
        });
    }
    p.evidence = counted
        .iter()
        .map(|it| ItemRef {
            kind: it.kind,
            id: it.id,
        })
        .collect();
    let suffix_zh = unit_suffix(rule.measure, Locale::ZhCn);
    let suffix_en = unit_suffix(rule.measure, Locale::En);
    let period_zh = rule.period.name(Locale::ZhCn);
    let period_en = rule.period.name(Locale::En);

    match rule.every {
        Some(every) => {
            let subs = &window.subs;
            if subs.is_empty() {
                p.status = DutyStatus::NotStarted;
                p.explain_zh = format!(
                    "未开始：本规则生效后本{period_zh}已无完整的{}，下一{period_zh}起计算",
                    every.name(Locale::ZhCn)
                );
                p.explain_en = format!(
                    "Not started: no whole {} of this {period_en} is left after the rule took effect; counting starts next {period_en}",
                    every.name(Locale::En)
                );
                return p;
            }
            let mut met = 0usize;
            let mut closed = 0usize;
            for &(a, b) in subs {
                if a > as_of {
                    continue;
                }
                let sum: f64 = counted
                    .iter()
                    .filter(|it| it.within(a, b.min(as_of)))
                    .map(|it| value(rule.measure, it))
                    // Not `sum()`: an empty f64 sum is -0.0.
                    .fold(0.0, |a, b| a + b);
                let ok = sum >= rule.count;
                if ok {
                    met += 1;
                }
                if b < as_of {
                    closed += 1;
                    if !ok {
                        p.missed.push((a, b));
                    }
                } else {
                    p.due = b;
                    p.due_met = ok;
                }
            }
            if closed == subs.len() {
                p.due = e;
                p.due_met = met == subs.len();
            }
            p.required = subs.len() as f64;
            p.done = met as f64;
            p.expected = closed as f64;
            p.remaining = (p.required - p.done).max(0.0);
            let n = subs.len();
            let (ez, ee) = (every.name(Locale::ZhCn), every.name(Locale::En));
            let count = fmt_num(rule.count);
            if met == n {
                p.status = DutyStatus::Done;
                p.explain_zh = format!("已完成：{n} 个{ez}均达到每{ez} {count}{suffix_zh}");
                p.explain_en = format!("Done: all {n} {ee}s have {count}{suffix_en} or more");
            } else if let Some(&(a, b)) = p.missed.last() {
                p.status = DutyStatus::Overdue;
                let m = p.missed.len();
                p.explain_zh = format!(
                    "已满足 {met}/{n} 个{ez}，错过 {m} 个（最近：{a} 至 {b}），每{ez}需 {count}{suffix_zh}"
                );
                p.explain_en = format!(
                    "{met} of {n} {ee}s met, {m} missed (latest {} to {}); {count}{suffix_en} needed each {ee}",
                    en(a),
                    en(b)
                );
            } else {
                p.status = DutyStatus::OnTrack;
                let due = p.due;
                p.explain_zh =
                    format!("已满足 {met}/{n} 个{ez}，未错过；本{ez} {due} 截止，需 {count}{suffix_zh}");
                p.explain_en = format!(
                    "{met} of {n} {ee}s met, none missed; this {ee} ends {}, {count}{suffix_en} needed",
                    en(due)
                );
            }
        }
        None => {
            p.done = counted
                .iter()
                .map(|it| value(rule.measure, it))
                .fold(0.0, |a, b| a + b);
            p.remaining = (rule.count - p.done).max(0.0);
            // The pace runs from the day the rule took effect, in whole
            // days and hundredths of the count, so 49 over 49 days asks
            // for exactly 1 on the first day (never 0.999… floored to 0).
            let start = since.unwrap_or(s);
            let pace = Pace::new(
                rule.count,
                (e - start).num_days() + 1,
                (upto - start).num_days() + 1,
            );
            p.expected = pace.expected();
            p.due_met = p.done >= rule.count;
            let (done, req) = (fmt_num(p.done), fmt_num(rule.count));
            let pct = pace.percent();
            let by_now = pace.by_now();
            let exp = by_now.to_string();
            if p.done >= rule.count {
                p.status = DutyStatus::Done;
                p.explain_zh = format!("已完成：{done}/{req}{suffix_zh}（本{period_zh}）");
                p.explain_en = format!("Done: {done} of {req}{suffix_en} this {period_en}");
            } else if as_of > e {
                p.status = DutyStatus::Overdue;
                p.explain_zh = format!("{e} 截止时仅完成 {done}/{req}{suffix_zh}");
                p.explain_en = format!("Only {done} of {req}{suffix_en} by {}", en(e));
            } else {
                p.status = if p.done + 1e-9 >= by_now as f64 {
                    DutyStatus::OnTrack
                } else {
                    DutyStatus::Behind
                };
                p.explain_zh = format!(
                    "已完成 {done}/{req}{suffix_zh}；本{period_zh}已过 {pct}%，按进度应完成 {exp}；{e} 截止"
                );
                p.explain_en = format!(
                    "{done} of {req}{suffix_en} done; {pct}% of the {period_en} gone, {exp} expected by now; due {}",
                    en(e)
                );
            }
        }
    }
    if p.status != DutyStatus::Done {
        p.explain_zh.push_str(&note_zh);
        p.explain_en.push_str(&note_en);
    }
    p
}

/// How much of a count the elapsed share of a period asks for, in exact
/// integers: the count in hundredths, days elapsed of the period's days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pace {
    hundredths: i128,
    elapsed: i128,
    total: i128,
}

impl Pace {
    /// `count` over a period of `total` days of which `elapsed` (today
    /// included) have gone; both are clamped to sense.
    pub fn new(count: f64, total: i64, elapsed: i64) -> Self {
        let total = total.max(1);
        Self {
            hundredths: (count.max(0.0) * 100.0).round() as i128,
            elapsed: i128::from(elapsed.clamp(0, total)),
            total: i128::from(total),
        }
    }

    /// The whole number asked for by now: ⌊count × elapsed ÷ total⌋.
    pub fn by_now(&self) -> i64 {
        (self.hundredths * self.elapsed / (self.total * 100)) as i64
    }

    /// count × elapsed ÷ total to two decimals (halves away from zero).
    pub fn expected(&self) -> f64 {
        let n = self.hundredths * self.elapsed;
        ((2 * n + self.total) / (2 * self.total)) as f64 / 100.0
    }

    /// The share of the period gone, in whole percent (floored).
    pub fn percent(&self) -> i64 {
        (self.elapsed * 100 / self.total) as i64
    }
}

/// A rule's period on the day, and its sub-periods: the same for every
/// teacher, so worked out once.
#[derive(Debug, Clone)]
struct Window {
    period: (NaiveDate, NaiveDate),
    subs: Vec<(NaiveDate, NaiveDate)>,
    /// Whether holiday records count for the semester the calendar gives
    /// them to (semesters and school years).
    placed: bool,
    /// For a week, fortnight or month asked about in the holidays: the
    /// next one, before which nothing is due.
    holiday: Option<(NaiveDate, NaiveDate)>,
}

/// A duty set ready to evaluate many teachers on one day: the calendar
/// work (periods, sub-periods) is done once, not per teacher.
#[derive(Debug, Clone)]
pub struct Prepared<'a> {
    set: &'a DutySet,
    ctx: Context<'a>,
    windows: Vec<Window>,
    /// The holidays (first, last day) a counted record may fall in.
    holidays: Vec<(NaiveDate, NaiveDate)>,
}

impl<'a> Prepared<'a> {
    pub fn new(set: &'a DutySet, ctx: Context<'a>) -> Self {
        let windows: Vec<Window> = set
            .rules
            .iter()
            .map(|r| {
                let period = period_window(r, ctx.calendar, ctx.as_of);
                // A sub-period that began before the rule took effect is
                // not asked for (the same for every teacher, so left out here).
                let subs = match r.every {
                    Some(every) => sub_windows(every, ctx.calendar, period.0, period.1)
                        .into_iter()
                        .filter(|(a, _)| r.since.is_none_or(|f| *a >= f))
                        .collect(),
                    None => Vec::new(),
                };
                let fixed = r.period == PeriodUnit::Range && r.from.is_some() && r.to.is_some();
                let short = matches!(
                    r.period,
                    PeriodUnit::Week | PeriodUnit::TwoWeeks | PeriodUnit::Month
                );
                let holiday = ctx
                    .calendar
                    .holiday(ctx.as_of)
                    .filter(|_| short)
                    .map(|next| unit_window(r.period, ctx.calendar, next));
                Window {
                    period: holiday.unwrap_or(period),
                    subs,
                    placed: !fixed && !short,
                    holiday,
                }
            })
            .collect();
        let first = windows
            .iter()
            .map(|w| w.period.0)
            .min()
            .unwrap_or(ctx.as_of)
            .min(ctx.as_of);
        let year = |d: NaiveDate| ctx.calendar.semester_of(d).year;
        let holidays = ctx.calendar.holidays(year(first) - 1, year(ctx.as_of));
        Self {
            set,
            ctx,
            windows,
            holidays,
        }
    }

    /// The day a record counts on for semesters and school years.
    fn placed(&self, it: &Item) -> NaiveDate {
        if it.is_span() {
            return it.date;
        }
        match self.holidays.iter().find(|(a, b)| *a <= it.date && it.date <= *b) {
            Some((a, _)) => day(*a, -1),
            None => it.date,
        }
    }

    /// The earliest day any rule counts from (what a loader must read).
    pub fn earliest(&self) -> Option<NaiveDate> {
        self.windows.iter().map(|w| w.period.0).min()
    }

    /// Every rule for one teacher; `items` in any order.
    pub fn evaluate(&self, person: &DutyPerson, items: &[Item]) -> Vec<Progress> {
        let mut sorted: Vec<Dated<'_>> = items
            .iter()
            .map(|it| Dated {
                it,
                placed: self.placed(it),
            })
            .collect();
        sorted.sort_by(|a, b| {
            let (a, b) = (a.it, b.it);
            (a.date, a.kind, a.id, a.until)
                .cmp(&(b.date, b.kind, b.id, b.until))
                .then(a.amount.total_cmp(&b.amount))
        });
        self.set
            .rules
            .iter()
            .zip(&self.windows)
            .map(|(r, w)| evaluate_rule(r, w, &self.ctx, person, &sorted))
            .collect()
    }
}

/// Evaluates every rule of `set` for one teacher. `items` are the
/// teacher's verified records and spans, in any order; the result has one
/// entry per rule, in the set's order. (For many teachers on one day,
/// [`Prepared`] does the calendar work once.)
pub fn evaluate(set: &DutySet, ctx: &Context<'_>, person: &DutyPerson, items: &[Item]) -> Vec<Progress> {
    Prepared::new(set, *ctx).evaluate(person, items)
}
