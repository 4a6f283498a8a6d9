//! Reminders: what falls due in the next days for one teacher, and a
//! digest for leaders ("12 teachers have no reading note this fortnight").
//! Both are plain values with their text in both languages, so any sender
//! (a page, the CLI, mail or WeChat later) can deliver them.

use super::engine::{DutyStatus, Progress};
use super::{DutyRule, PeriodUnit};
use crate::dates::written;
use crate::evidence::fmt_num;
use crate::locale::Locale;
use chrono::{Days, NaiveDate};
use serde::Serialize;

/// One thing a teacher should do soon.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reminder {
    pub rule: String,
    pub name_zh: String,
    pub name_en: String,
    pub due: NaiveDate,
    pub status: DutyStatus,
    /// For rules counted per period, how much is still missing.
    pub remaining: f64,
    pub text_zh: String,
    pub text_en: String,
}

impl Reminder {
    pub fn text(&self, l: Locale) -> &str {
        match l {
            Locale::ZhCn => &self.text_zh,
            Locale::En => &self.text_en,
        }
    }
}

fn horizon(as_of: NaiveDate, days: u32) -> NaiveDate {
    as_of
        .checked_add_days(Days::new(u64::from(days)))
        .unwrap_or(NaiveDate::MAX)
}

fn open(p: &Progress) -> bool {
    !matches!(
        p.status,
        DutyStatus::Done | DutyStatus::NotStarted | DutyStatus::NotApplicable
    ) && !p.due_met
}

/// What falls due for one teacher between `as_of` and `days` later and is
/// not yet met, soonest first. `results` are in `rules` order.
pub fn upcoming(rules: &[DutyRule], results: &[Progress], as_of: NaiveDate, days: u32) -> Vec<Reminder> {
    let until = horizon(as_of, days);
    let mut out: Vec<Reminder> = rules
        .iter()
        .zip(results)
        .filter(|(_, p)| open(p) && p.due >= as_of && p.due <= until)
        .map(|(r, p)| {
            let (text_zh, text_en) = match r.every {
                Some(e) => (
                    format!(
                        "“{}”：本{}（{} 截止）尚未完成",
                        r.name_zh,
                        e.name(Locale::ZhCn),
                        p.due
                    ),
                    format!(
                        "“{}”: not yet met this {} (ends {})",
                        r.name_en,
                        e.name(Locale::En),
                        written(p.due, Locale::En)
                    ),
                ),
                None => (
                    format!("“{}”：还差 {}，{} 截止", r.name_zh, fmt_num(p.remaining), p.due),
                    format!(
                        "“{}”: {} still to do, due {}",
                        r.name_en,
                        fmt_num(p.remaining),
                        written(p.due, Locale::En)
                    ),
                ),
            };
            Reminder {
                rule: r.code.clone(),
                name_zh: r.name_zh.clone(),
                name_en: r.name_en.clone(),
                due: p.due,
                status: p.status,
                remaining: if r.every.is_some() { 1.0 } else { p.remaining },
                text_zh,
                text_en,
            }
        })
        .collect();
    out.sort_by_key(|r| r.due);
    out
}

/// One rule in a leader's digest.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DigestLine {
    pub rule: String,
    pub name_zh: String,
    pub name_en: String,
    /// When the current window ends.
    pub due: NaiveDate,
    /// Teachers the rule applies to.
    pub applicable: usize,
    /// Teachers who have not met what falls due by `due`.
    pub unmet: Vec<i64>,
    /// Teachers already overdue on the rule.
    pub overdue: Vec<i64>,
    pub text_zh: String,
    pub text_en: String,
}

impl DigestLine {
    pub fn text(&self, l: Locale) -> &str {
        match l {
            Locale::ZhCn => &self.text_zh,
            Locale::En => &self.text_en,
        }
    }
}

/// A leader's digest for one school on one day.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Digest {
    pub as_of: NaiveDate,
    pub days: u32,
    pub lines: Vec<DigestLine>,
}

impl Digest {
    /// The whole digest as plain text, one line per rule (what a mail or
    /// chat sender would put in its body).
    pub fn text(&self, l: Locale) -> String {
        self.lines
            .iter()
            .map(|d| d.text(l))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// Builds the digest from every teacher's results (each in `rules` order):
/// for each rule falling due within `days`, who has not met it; and who is
/// overdue on it already.
pub fn digest<'a>(
    rules: &[DutyRule],
    teachers: impl IntoIterator<Item = (i64, &'a [Progress])> + Clone,
    as_of: NaiveDate,
    days: u32,
) -> Digest {
    let until = horizon(as_of, days);
    let mut lines = Vec::new();
    for (i, r) in rules.iter().enumerate() {
        let mut applicable = 0;
        let mut unmet = Vec::new();
        let mut overdue = Vec::new();
        let mut due = None;
        for (id, results) in teachers.clone() {
            let Some(p) = results.get(i) else { continue };
            // Nothing is asked of those outside the rule, or before it starts.
            if matches!(p.status, DutyStatus::NotApplicable | DutyStatus::NotStarted) {
                continue;
            }
            applicable += 1;
            due = Some(due.map_or(p.due, |d: NaiveDate| d.min(p.due)));
            if open(p) && p.due >= as_of && p.due <= until {
                unmet.push(id);
            }
            if p.status == DutyStatus::Overdue {
                overdue.push(id);
            }
        }
        let Some(due) = due else { continue };
        if unmet.is_empty() && overdue.is_empty() {
            continue;
        }
        let (n, m) = (unmet.len(), overdue.len());
        let (text_zh, text_en) = if n == 0 {
            // Nobody short of what falls due now; some behind from before.
            (
                format!("{m} 位教师“{}”已逾期", r.name_zh),
                format!(
                    "{m} teacher{} overdue on “{}”",
                    if m == 1 { " is" } else { "s are" },
                    r.name_en
                ),
            )
        } else {
            let unit = r.every.unwrap_or(r.period);
            let this_zh = match unit {
                PeriodUnit::Range => "本期间".to_string(),
                u => format!("本{}", u.name(Locale::ZhCn)),
            };
            let this_en = match unit {
                PeriodUnit::Range => "this period".to_string(),
                u => format!("this {}", u.name(Locale::En)),
            };
            let mut zh = format!("{n} 位教师{this_zh}尚未完成“{}”（{due} 截止）", r.name_zh);
            let mut en = format!(
                "{n} teacher{} {} not yet met “{}” {this_en} (ends {})",
                if n == 1 { "" } else { "s" },
                if n == 1 { "has" } else { "have" },
                r.name_en,
                written(due, Locale::En)
            );
            if m > 0 {
                zh.push_str(&format!("；{m} 位已逾期"));
                en.push_str(&format!("; {m} overdue"));
            }
            (zh, en)
        };
        lines.push(DigestLine {
            rule: r.code.clone(),
            name_zh: r.name_zh.clone(),
            name_en: r.name_en.clone(),
            due,
            applicable,
            unmet,
            overdue,
            text_zh,
            text_en,
        });
    }
    Digest { as_of, days, lines }
}
