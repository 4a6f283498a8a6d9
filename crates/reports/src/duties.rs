//! The duties progress matrix as a workbook and as text: one row per
//! teacher, one column per duty ("done/required · status"), and a detail
//! sheet with every result's explanation and the records that counted.

use crate::{Cell, Table, Tone, t};
use lingyan_domain::Locale;
use lingyan_domain::duties::{CountedKind, DutyRule, DutyStatus, Progress};
use lingyan_domain::evidence::fmt_num;

/// One teacher's row.
#[derive(Debug, Clone, Copy)]
pub struct Row<'a> {
    pub name: &'a str,
    pub staff_no: &'a str,
    pub tier: &'a str,
    pub results: &'a [Progress],
}

/// The matrix of one school on one day.
#[derive(Debug, Clone, Copy)]
pub struct Matrix<'a> {
    pub school: &'a str,
    pub as_of: chrono::NaiveDate,
    pub rules: &'a [DutyRule],
    pub rows: &'a [Row<'a>],
}

pub fn status_label(s: DutyStatus, l: Locale) -> &'static str {
    match l {
        Locale::ZhCn => s.zh(),
        Locale::En => s.en(),
    }
}

/// The colour a status is marked with, as on the pages.
fn tone(s: DutyStatus) -> Tone {
    match s {
        DutyStatus::Done => Tone::Good,
        DutyStatus::OnTrack => Tone::Muted,
        DutyStatus::Behind => Tone::Warn,
        DutyStatus::Overdue => Tone::Bad,
        DutyStatus::NotStarted | DutyStatus::NotApplicable => Tone::Muted,
    }
}

/// "12/20 · behind", "not started" before anything is due, or "—" where
/// the duty does not apply.
pub fn cell(p: &Progress, l: Locale) -> String {
    if p.status == DutyStatus::NotApplicable {
        return "—".to_string();
    }
    if p.status == DutyStatus::NotStarted {
        return status_label(p.status, l).to_string();
    }
    format!(
        "{}/{} · {}",
        fmt_num(p.done),
        fmt_num(p.required),
        status_label(p.status, l)
    )
}

/// The summary and detail sheets.
pub fn tables(m: &Matrix<'_>, l: Locale) -> Vec<Table> {
    let h = |k: &str| t(l, k, &[]);
    let mut headers = vec![h("fields.staff_no"), h("fields.person_name"), h("duties.tier")];
    headers.extend(m.rules.iter().map(|r| r.name(l).to_string()));
    headers.push(h("duties.col_behind"));
    let summary = m
        .rows
        .iter()
        .map(|r| {
            let mut row = vec![
                Cell::Text(r.staff_no.to_string()),
                Cell::Text(r.name.to_string()),
                Cell::Text(r.tier.to_string()),
            ];
            row.extend(r.results.iter().map(|p| Cell::Marked(cell(p, l), tone(p.status))));
            let behind = r
                .results
                .iter()
                .filter(|p| matches!(p.status, DutyStatus::Behind | DutyStatus::Overdue))
                .count();
            row.push(Cell::Number(behind as f64));
            row
        })
        .collect();
    let detail_headers = [
        "fields.staff_no",
        "fields.person_name",
        "duties.duty",
        "duties.status",
        "duties.required",
        "duties.done",
        "duties.remaining",
        "duties.from",
        "duties.to",
        "duties.explanation",
        "duties.evidence",
    ]
    .iter()
    .map(|k| h(k))
    .collect();
    let mut detail = Vec::new();
    for r in m.rows {
        for (rule, p) in m.rules.iter().zip(r.results) {
            detail.push(vec![
                Cell::Text(r.staff_no.to_string()),
                Cell::Text(r.name.to_string()),
                Cell::Text(rule.name(l).to_string()),
                Cell::Marked(status_label(p.status, l).to_string(), tone(p.status)),
                Cell::Number(p.required),
                Cell::Number(p.done),
                Cell::Number(p.remaining),
                Cell::Date(p.from),
                Cell::Date(p.to),
                Cell::Text(p.explain(l).to_string()),
                Cell::Text(counted(p, l)),
            ]);
        }
    }
    let as_of = crate::date(l, m.as_of);
    vec![
        Table {
            title: t(l, "duties.sheet_matrix", &[]),
            headers,
            rows: summary,
        },
        Table {
            title: t(l, "duties.sheet_detail", &[("date", as_of)]),
            headers: detail_headers,
            rows: detail,
        },
    ]
}

/// What counted towards a duty, by kind in the order first counted:
/// "听课评课 13 条；读书笔记 2 条" / "Lesson observation: 13; Reading note: 2".
fn counted(p: &Progress, l: Locale) -> String {
    let mut kinds: Vec<(CountedKind, usize)> = Vec::new();
    for e in &p.evidence {
        match kinds.iter_mut().find(|(k, _)| *k == e.kind) {
            Some((_, n)) => *n += 1,
            None => kinds.push((e.kind, 1)),
        }
    }
    kinds
        .iter()
        .map(|(k, n)| {
            let name = t(l, &format!("counted_kinds.{}", k.code()), &[]);
            match l {
                Locale::ZhCn => format!("{name} {n} 条"),
                Locale::En => format!("{name}: {n}"),
            }
        })
        .collect::<Vec<_>>()
        .join(if l == Locale::ZhCn { "；" } else { "; " })
}

/// The matrix as a workbook.
pub fn xlsx(m: &Matrix<'_>, l: Locale) -> Result<Vec<u8>, crate::Error> {
    crate::xlsx(&tables(m, l))
}

/// The matrix as text for a terminal: a title line, then one line per
/// teacher with each duty's cell.
pub fn text(m: &Matrix<'_>, l: Locale) -> String {
    let mut s = t(
        l,
        "duties.text_title",
        &[
            ("school", m.school.to_string()),
            ("date", crate::date(l, m.as_of)),
        ],
    );
    s.push('\n');
    for (i, r) in m.rules.iter().enumerate() {
        s.push_str(&format!("  D{} = {}\n", i + 1, r.name(l)));
    }
    for r in m.rows {
        let cells: Vec<String> = r
            .results
            .iter()
            .enumerate()
            .map(|(i, p)| format!("D{} {}", i + 1, cell(p, l)))
            .collect();
        s.push_str(&format!(
            "{} {} [{}]: {}\n",
            r.staff_no,
            r.name,
            r.tier,
            cells.join(" | ")
        ));
    }
    s
}
