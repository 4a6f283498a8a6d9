//! Completion of the credit requirement for a school or a district: the
//! rates, a chart per school and per part of the requirement, and every
//! teacher who has not met it with what is missing — flagged when they may
//! not apply for a higher title. The same figures as text and as a
//! workbook for the CLI and the download.

use super::words;
use crate::auth::Caller;
use crate::error::PageError;
use crate::i18n::Tr;
use crate::pages::place::Place;
use crate::pages::{PageCtx, render};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use lingyan_domain::Locale;
use lingyan_reports::{Cell, Table, Tone, xlsx};
use lingyan_store::Error;
use lingyan_store::credits::{Completion, SchoolCompletion, Standing, percent};
use serde::Deserialize;
use serde_json::json;

/// How many teachers the page lists; the workbook has them all.
const LISTED: usize = 200;

#[derive(Deserialize, Default)]
pub(super) struct CompletionQuery {
    as_of: Option<String>,
    cycle: Option<i32>,
}

pub struct SchoolRow {
    pub name: String,
    pub href: String,
    pub teachers: usize,
    pub complete: String,
    pub eligible: String,
    pub not_eligible: usize,
}

pub struct PartRow {
    pub name: String,
    pub min: String,
    pub met: String,
}

pub struct ShortRow {
    pub href: String,
    pub name: String,
    pub school: String,
    pub counted: String,
    pub eligible: bool,
    pub due: String,
    pub missing: String,
}

#[derive(Template)]
#[template(path = "credit_completion.html")]
struct CompletionPage {
    ctx: PageCtx,
    title: String,
    place: String,
    base: String,
    as_of_value: String,
    as_of: String,
    /// The cycle shown, and the way to the one before and after.
    cycle: String,
    prev: String,
    next: String,
    any_rules: bool,
    rules_href: String,
    headline: Vec<String>,
    /// Whether the district's schools are shown side by side.
    district: bool,
    schools: Vec<SchoolRow>,
    school_chart: String,
    parts: Vec<PartRow>,
    part_chart: String,
    short: Vec<ShortRow>,
    /// Whether "still to earn" says more than "due" (not once the cycle
    /// is over, when everything missing is due).
    show_missing: bool,
    more: String,
    xlsx_href: String,
}

fn who(s: &Standing) -> String {
    match &s.staff_no {
        Some(n) => format!("{}（{n}）", s.name),
        None => s.name.clone(),
    }
}

fn school_name(tr: Tr, s: &SchoolCompletion) -> String {
    tr.name(&s.name, &s.name_en).to_string()
}

fn listed(tr: Tr, s: &SchoolCompletion, list: &[lingyan_domain::credits::Shortfall]) -> String {
    let sep = if tr.is_zh() { "；" } else { "; " };
    list.iter()
        .map(|x| words::shortfall_text(tr, &s.rules, x))
        .collect::<Vec<_>>()
        .join(sep)
}

fn counted(tr: Tr, s: &SchoolCompletion, t: &Standing) -> String {
    tr.t("credits.counted_of")
        .replace("%{n}", &words::units(tr, s.rules.unit, t.total))
        .replace("%{total}", &words::units(tr, s.rules.unit, t.required))
}

/// "Met the requirement: 12 of 40 teachers (30%)".
fn share_line(tr: Tr, label: &str, k: usize, n: usize) -> String {
    tr.t("credits.completion_line")
        .replace("%{what}", label)
        .replace("%{k}", &k.to_string())
        .replace("%{n}", &n.to_string())
        .replace("%{pct}", &percent(k, n).to_string())
}

/// The headline sentences: met, on track, not eligible.
pub fn headline(tr: Tr, c: &Completion) -> Vec<String> {
    let n = c.teachers();
    vec![
        share_line(tr, &tr.t("credits.completion_met"), c.complete(), n),
        share_line(tr, &tr.t("credits.completion_on_track"), c.eligible(), n),
        if c.not_eligible() == 0 {
            tr.t("credits.completion_all_eligible")
        } else {
            tr.n("credits.completion_not_eligible", &c.not_eligible())
        },
    ]
}

/// Parts of the requirement gathered across schools by name.
fn parts(tr: Tr, c: &Completion) -> Vec<(String, String, usize, usize)> {
    let mut out: Vec<(String, String, usize, usize)> = Vec::new();
    for s in &c.schools {
        for p in &s.parts {
            let name = if tr.is_zh() { &p.name_zh } else { &p.name_en }.clone();
            let min = words::units(tr, s.rules.unit, p.min);
            match out.iter_mut().find(|(n, m, ..)| *n == name && *m == min) {
                Some(row) => {
                    row.2 += p.met;
                    row.3 += s.teachers;
                }
                None => out.push((name, min, p.met, s.teachers)),
            }
        }
    }
    out
}

/// The report as plain text (the CLI's): the rates, each school's, then
/// every teacher who has not met the requirement.
pub fn completion_text(c: &Completion, l: Locale) -> String {
    use std::fmt::Write;
    let tr = Tr(l);
    let mut out = String::new();
    let place = match c.school_id.and_then(|_| c.schools.first()) {
        Some(s) => school_name(tr, s),
        None => tr.name(&c.district_name, &c.district_name_en).to_string(),
    };
    let _ = writeln!(
        out,
        "{} · {} · {}{}",
        tr.t("credits.completion"),
        place,
        c.schools
            .first()
            .map(|s| format!("{} · ", tr.t1("credits.cycle_n", "cycle", &s.cycle.label())))
            .unwrap_or_default(),
        tr.t1("credits.as_of", "date", &tr.date(&c.as_of))
    );
    if !c.any_rules() {
        let _ = writeln!(out, "{}", tr.t("credits.source_none"));
        return out;
    }
    for h in headline(tr, c) {
        let _ = writeln!(out, "  {h}");
    }
    if c.school_id.is_none() {
        let _ = writeln!(out, "\n{}", tr.t("credits.by_school"));
        for s in &c.schools {
            let _ = writeln!(
                out,
                "  {} · {} · {} {}% · {} {}%",
                school_name(tr, s),
                tr.n("credits.n_teachers", &s.teachers),
                tr.t("credits.completion_met"),
                percent(s.complete, s.teachers),
                tr.t("credits.completion_on_track"),
                percent(s.eligible, s.teachers),
            );
        }
    }
    let ps = parts(tr, c);
    if !ps.is_empty() {
        let _ = writeln!(out, "\n{}", tr.t("credits.by_part"));
        for (name, min, met, n) in &ps {
            let _ = writeln!(
                out,
                "  {}",
                share_line(
                    tr,
                    &format!("{name} ({})", tr.t1("credits.at_least", "n", min)),
                    *met,
                    *n
                )
            );
        }
    }
    let short: usize = c.schools.iter().map(|s| s.short.len()).sum();
    if short > 0 {
        let _ = writeln!(out, "\n{}", tr.t("credits.short_teachers"));
    }
    for s in &c.schools {
        for t in &s.short {
            let _ = write!(
                out,
                "  {} · {} · {}",
                who(t),
                school_name(tr, s),
                counted(tr, s, t)
            );
            if !t.eligible {
                let _ = write!(
                    out,
                    " · {}",
                    tr.t1("credits.not_eligible", "what", &listed(tr, s, &t.due))
                );
            }
            if t.due == t.missing {
                let _ = writeln!(out);
            } else {
                let _ = writeln!(
                    out,
                    "\n    {}",
                    tr.t1("credits.still_to_earn", "what", &listed(tr, s, &t.missing))
                );
            }
        }
    }
    out
}

/// The report as a workbook: the schools, the parts, the teachers short.
pub fn completion_xlsx(c: &Completion, l: Locale) -> Result<Vec<u8>, lingyan_reports::Error> {
    let tr = Tr(l);
    let num = |n: usize| Cell::Number(n as f64);
    let schools = Table {
        title: tr.t("credits.by_school"),
        headers: vec![
            tr.t("fields.school"),
            tr.t("credits.col_teachers"),
            tr.t("credits.completion_met"),
            "%".into(),
            tr.t("credits.completion_on_track"),
            "%".into(),
            tr.t("credits.col_not_eligible"),
        ],
        rows: c
            .schools
            .iter()
            .map(|s| {
                vec![
                    Cell::Text(school_name(tr, s)),
                    num(s.teachers),
                    num(s.complete),
                    num(percent(s.complete, s.teachers) as usize),
                    num(s.eligible),
                    num(percent(s.eligible, s.teachers) as usize),
                    num(s.teachers - s.eligible),
                ]
            })
            .collect(),
    };
    let parts = Table {
        title: tr.t("credits.by_part"),
        headers: vec![
            tr.t("credits.name"),
            tr.t("credits.asked"),
            tr.t("credits.col_met"),
            tr.t("credits.col_teachers"),
            "%".into(),
        ],
        rows: parts(tr, c)
            .into_iter()
            .map(|(name, min, met, n)| {
                vec![
                    Cell::Text(name),
                    Cell::Text(tr.t1("credits.at_least", "n", &min)),
                    num(met),
                    num(n),
                    num(percent(met, n) as usize),
                ]
            })
            .collect(),
    };
    let short = Table {
        title: tr.t("credits.short_teachers"),
        headers: vec![
            tr.t("fields.school"),
            tr.t("fields.name"),
            tr.t("fields.staff_no"),
            tr.t("credits.counted"),
            tr.t("credits.col_may_apply"),
            tr.t("credits.col_due"),
            tr.t("credits.col_missing"),
        ],
        rows: c
            .schools
            .iter()
            .flat_map(|s| {
                s.short.iter().map(move |t| {
                    vec![
                        Cell::Text(school_name(tr, s)),
                        Cell::Text(t.name.clone()),
                        Cell::Text(t.staff_no.clone().unwrap_or_default()),
                        Cell::Text(counted(tr, s, t)),
                        if t.eligible {
                            Cell::Marked(tr.t("common.yes"), Tone::Good)
                        } else {
                            Cell::Marked(tr.t("common.no"), Tone::Bad)
                        },
                        Cell::Text(listed(tr, s, &t.due)),
                        Cell::Text(listed(tr, s, &t.missing)),
                    ]
                })
            })
            .collect(),
    };
    xlsx(&[schools, parts, short])
}

/// The place's completion on the day and for the cycle asked.
async fn load(
    state: &AppState,
    caller: &Caller,
    place: &Place,
    q: &CompletionQuery,
) -> Result<(Completion, chrono::NaiveDate), Error> {
    let as_of = match q.as_of.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => lingyan_domain::dates::parse_date("as_of", s).map_err(Error::Invalid)?,
        None => lingyan_store::calendar::today(),
    };
    let c = lingyan_store::credits::completion(
        &state.store,
        &caller.scope,
        place.district_id,
        place.school_id,
        as_of,
        q.cycle,
    )
    .await?;
    Ok((c, as_of))
}

/// `GET /schools/{id}/credits` and `/districts/{id}/credits?as_of=`.
pub(super) async fn view_completion_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    place: Place,
    Query(q): Query<CompletionQuery>,
) -> Result<Response, PageError> {
    let (c, as_of) = load(&state, &caller, &place, &q).await?;
    let tr = ctx.tr;
    let district = c.school_id.is_none();
    let pct = |k: usize, n: usize| format!("{k} ({}%)", percent(k, n));
    let schools: Vec<SchoolRow> = c
        .schools
        .iter()
        .map(|s| SchoolRow {
            name: school_name(tr, s),
            href: format!("/schools/{}/credits?as_of={as_of}", s.school_id),
            teachers: s.teachers,
            complete: pct(s.complete, s.teachers),
            eligible: pct(s.eligible, s.teachers),
            not_eligible: s.teachers - s.eligible,
        })
        .collect();
    let school_chart = if district && !c.schools.is_empty() {
        let share = |f: &dyn Fn(&SchoolCompletion) -> usize| -> Vec<u32> {
            c.schools.iter().map(|s| percent(f(s), s.teachers)).collect()
        };
        json!({
            "stacked": true,
            "percent": true,
            "title": tr.t("credits.by_school"),
            "labels": schools.iter().map(|s| s.name.clone()).collect::<Vec<_>>(),
            "series": [
                {"name": tr.t("credits.completion_met"), "values": share(&|s| s.complete), "color": "#2e7d4f"},
                {"name": tr.t("credits.completion_behind_ok"), "values": share(&|s| s.eligible - s.complete.min(s.eligible)), "color": "#7aa6d8"},
                {"name": tr.t("credits.col_not_eligible"), "values": share(&|s| s.teachers - s.eligible), "color": "#c0392b"},
            ]
        })
        .to_string()
    } else {
        String::new()
    };
    let ps = parts(tr, &c);
    let part_chart = if ps.is_empty() {
        String::new()
    } else {
        json!({
            "stacked": true,
            "percent": true,
            "title": tr.t("credits.by_part"),
            "labels": ps.iter().map(|p| p.0.clone()).collect::<Vec<_>>(),
            "series": [
                {"name": tr.t("credits.col_met"), "values": ps.iter().map(|p| percent(p.2, p.3)).collect::<Vec<_>>(), "color": "#2e7d4f"},
                {"name": tr.t("credits.col_not_met"), "values": ps.iter().map(|p| 100 - percent(p.2, p.3)).collect::<Vec<_>>(), "color": "#e0b4ae"},
            ]
        })
        .to_string()
    };
    let all: Vec<(&SchoolCompletion, &Standing)> = c
        .schools
        .iter()
        .flat_map(|s| s.short.iter().map(move |t| (s, t)))
        .collect();
    let more = if all.len() > LISTED {
        tr.t1("credits.more_in_workbook", "n", &(all.len() - LISTED))
    } else {
        String::new()
    };
    let show_missing = all.iter().any(|(_, t)| t.due != t.missing);
    let short = all
        .iter()
        .take(LISTED)
        .map(|(s, t)| ShortRow {
            href: format!("/teachers/{}/credits?as_of={as_of}", t.teacher_id),
            name: who(t),
            school: school_name(tr, s),
            counted: counted(tr, s, t),
            eligible: t.eligible,
            due: listed(tr, s, &t.due),
            missing: listed(tr, s, &t.missing),
        })
        .collect();
    let here = c.schools.first().map(|s| s.cycle);
    let link = |y: i32| format!("{}/credits?as_of={as_of}&cycle={y}", place.base);
    Ok(render(&CompletionPage {
        cycle: here
            .map(|cy| tr.t1("credits.cycle_n", "cycle", &cy.label()))
            .unwrap_or_default(),
        prev: here.map(|cy| link(cy.first - 1)).unwrap_or_default(),
        next: here.map(|cy| link(cy.last + 1)).unwrap_or_default(),
        title: tr.t("credits.completion"),
        place: place.name.clone(),
        base: place.base.clone(),
        as_of_value: as_of.to_string(),
        as_of: tr.t1("credits.as_of", "date", &tr.date(&as_of)),
        any_rules: c.any_rules(),
        rules_href: format!("{}/credits/rules", place.base),
        headline: headline(tr, &c),
        district,
        schools,
        school_chart,
        parts: ps
            .iter()
            .map(|(name, min, met, n)| PartRow {
                name: name.clone(),
                min: tr.t1("credits.at_least", "n", min),
                met: format!("{met} / {n} ({}%)", percent(*met, *n)),
            })
            .collect(),
        part_chart,
        short,
        show_missing,
        more,
        xlsx_href: format!(
            "{}/credits/report.xlsx?as_of={as_of}{}",
            place.base,
            q.cycle.map(|y| format!("&cycle={y}")).unwrap_or_default()
        ),
        ctx,
    }))
}

/// `GET /schools/{id}/credits/report.xlsx` (and the district's): the
/// whole report as a workbook in the reader's language.
pub(super) async fn view_completion_xlsx_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    place: Place,
    Query(q): Query<CompletionQuery>,
) -> Result<Response, PageError> {
    let (c, as_of) = load(&state, &caller, &place, &q).await?;
    let bytes = completion_xlsx(&c, ctx.tr.0).map_err(|e| Error::Internal(e.to_string()))?;
    let name = format!("{}-{as_of}.xlsx", ctx.tr.t("credits.completion_file"));
    Ok(crate::pages::xlsx_download(bytes, &name))
}
