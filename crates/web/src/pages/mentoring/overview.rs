//! A school's mentoring at a glance (师徒结对情况): the share of young and
//! new teachers with a mentor, each running pair's meetings, cycles and
//! last activity, the pairs gone quiet — as a page, a workbook, and the
//! text `lingyan mentoring report` prints.

use crate::auth::Caller;
use crate::error::PageError;
use crate::i18n::{self, Tr};
use crate::pages::{PageCtx, render};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use lingyan_reports::{Cell, Table, Tone};
use lingyan_store::calendar::today;
use lingyan_store::mentoring::overview::{self, Overview, PairActivity};

/// A running pair's line as shown.
pub struct Line {
    pub pair_id: i64,
    pub mentor: String,
    pub apprentices: String,
    pub subject: String,
    pub meetings: String,
    pub cycles_done: usize,
    /// "《…》: next stage (who)", or empty.
    pub under_way: String,
    pub last: String,
    pub quiet: bool,
    pub quiet_days: String,
}

fn line(tr: Tr, a: &PairActivity) -> Line {
    let p = &a.pair;
    Line {
        pair_id: p.id,
        mentor: super::mentor_named(tr, p),
        apprentices: super::joined(tr, p.apprentices.iter().map(|x| x.name.clone())),
        subject: p.subject.clone(),
        meetings: i18n::t_count(
            tr.0,
            "mentoring.meetings_time",
            a.meetings,
            &[("time", super::duration(tr, a.minutes))],
        ),
        cycles_done: a.cycles_done,
        under_way: a
            .open_cycle
            .as_ref()
            .map(|(title, stage, who)| {
                format!(
                    "{title}{}{}{}",
                    tr.t("punct.colon"),
                    super::cycles::stage_label(tr, *stage),
                    super::bracket(tr, who)
                )
            })
            .unwrap_or_default(),
        last: a.last_activity.map(|d| tr.date(&d)).unwrap_or_else(|| "—".into()),
        quiet: a.quiet,
        quiet_days: i18n::t_count(tr.0, "mentoring.waiting_days", a.quiet_days as usize, &[]),
    }
}

/// The headline figures in words, one per line.
pub fn summary(tr: Tr, o: &Overview) -> Vec<String> {
    vec![
        i18n::t_args(
            tr.0,
            "mentoring.overview_share",
            &[
                ("with", o.with_mentor.to_string()),
                ("all", o.young_or_new.to_string()),
                ("share", o.share().to_string()),
            ],
        ),
        i18n::t_count(
            tr.0,
            "mentoring.overview_pairs",
            o.pairs.len(),
            &[
                ("cycles", o.cycles_done.to_string()),
                ("meetings", o.meetings.to_string()),
                ("time", super::duration(tr, o.minutes)),
            ],
        ),
        i18n::t_count(
            tr.0,
            "mentoring.overview_quiet",
            o.quiet(),
            &[("days", overview::QUIET_AFTER_DAYS.to_string())],
        ),
    ]
}

/// The overview as a workbook: the summary, the running pairs, and the
/// teachers without a mentor.
pub fn tables(tr: Tr, o: &Overview) -> Vec<Table> {
    let school = tr.name(&o.school_name, &o.school_name_en).to_string();
    let mut head = vec![
        vec![Cell::Text(tr.t("fields.school")), Cell::Text(school)],
        vec![Cell::Text(tr.t("mentoring.overview_on")), Cell::Date(o.on)],
    ];
    head.extend(
        summary(tr, o)
            .into_iter()
            .map(|s| vec![Cell::Text(s), Cell::Empty]),
    );
    let pairs = o
        .pairs
        .iter()
        .map(|a| {
            let l = line(tr, a);
            vec![
                Cell::Text(l.mentor),
                Cell::Text(l.apprentices),
                Cell::Text(l.subject),
                Cell::Date(a.pair.starts_on),
                Cell::Number(a.meetings as f64),
                Cell::Number(a.minutes as f64),
                Cell::Number(a.cycles_done as f64),
                Cell::Text(l.under_way),
                a.last_activity.map(Cell::Date).unwrap_or(Cell::Empty),
                if a.quiet {
                    Cell::Marked(l.quiet_days, Tone::Bad)
                } else {
                    Cell::Text(l.quiet_days)
                },
            ]
        })
        .collect();
    let unpaired = o
        .unpaired
        .iter()
        .map(|u| {
            vec![
                Cell::Text(u.staff_no.clone().unwrap_or_default()),
                Cell::Text(u.name.clone()),
            ]
        })
        .collect();
    vec![
        Table {
            title: tr.t("mentoring.overview_title"),
            headers: vec![tr.t("mentoring.overview_item"), String::new()],
            rows: head,
        },
        Table {
            title: tr.t("mentoring.overview_running"),
            headers: vec![
                tr.t("fields.mentor"),
                tr.t("mentoring.apprentices"),
                tr.t("fields.subject"),
                tr.t("mentoring.since"),
                tr.t("mentoring.meetings"),
                tr.t("mentoring.minutes_total"),
                tr.t("mentoring.cycles_done"),
                tr.t("mentoring.cycle_under_way"),
                tr.t("mentoring.last_activity"),
                tr.t("mentoring.quiet_for"),
            ],
            rows: pairs,
        },
        Table {
            title: tr.t("mentoring.overview_unpaired"),
            headers: vec![tr.t("fields.staff_no"), tr.t("mentoring.agreement.name")],
            rows: unpaired,
        },
    ]
}

/// The overview as plain text (the CLI's report).
pub fn text(tr: Tr, o: &Overview) -> String {
    let mut out = format!(
        "{} · {} {}\n",
        tr.name(&o.school_name, &o.school_name_en),
        tr.t("mentoring.overview_title"),
        tr.date(&o.on)
    );
    for s in summary(tr, o) {
        out.push_str(&format!("  {s}\n"));
    }
    if !o.pairs.is_empty() {
        out.push_str(&format!("\n{}\n", tr.t("mentoring.overview_running")));
    }
    for a in &o.pairs {
        let l = line(tr, a);
        out.push_str(&format!(
            "  {}{} → {} · {} · {} · {}{}\n",
            if l.quiet { "! " } else { "" },
            l.mentor,
            l.apprentices,
            l.meetings,
            i18n::t_count(tr.0, "mentoring.n_cycles_done", l.cycles_done, &[]),
            tr.t1("mentoring.last_on", "date", &l.last),
            if l.under_way.is_empty() {
                String::new()
            } else {
                format!(" · {}", l.under_way)
            },
        ));
    }
    if !o.unpaired.is_empty() {
        out.push_str(&format!("\n{}\n", tr.t("mentoring.overview_unpaired")));
        let names: Vec<String> = o
            .unpaired
            .iter()
            .map(|u| match &u.staff_no {
                Some(no) => format!("{}{}", u.name, super::bracket(tr, no)),
                None => u.name.clone(),
            })
            .collect();
        out.push_str(&format!("  {}\n", super::joined(tr, names)));
    }
    out
}

#[derive(Template)]
#[template(path = "mentoring_overview.html")]
struct OverviewPage {
    ctx: PageCtx,
    o: Overview,
    school: String,
    summary: Vec<String>,
    lines: Vec<Line>,
    /// Whether the caller may open the suggestions (the school's managers).
    can_suggest: bool,
    /// The school's mentoring weeks: (id, title, days).
    weeks: Vec<(i64, String, String)>,
}

/// `GET /schools/{id}/mentoring/overview`
pub(crate) async fn view_overview_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let tr = ctx.tr;
    let o = overview::overview(&state.store, &caller.scope, id, today()).await?;
    let weeks = lingyan_store::mentoring::weeks::list(&state.store, &caller.scope, id)
        .await?
        .iter()
        .map(|w| (w.id, w.title.clone(), super::weeks::days(tr, w)))
        .collect();
    Ok(render(&OverviewPage {
        weeks,
        school: tr.name(&o.school_name, &o.school_name_en).to_string(),
        summary: summary(tr, &o),
        lines: o.pairs.iter().map(|a| line(tr, a)).collect(),
        can_suggest: caller.scope.allows(
            lingyan_domain::Capability::ManageTeachers,
            lingyan_domain::Tenant::school(caller_district(&state, id).await?, id),
        ),
        o,
        ctx,
    }))
}

/// `GET /schools/{id}/mentoring/overview.xlsx`
pub(crate) async fn view_overview_xlsx_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let tr = ctx.tr;
    let o = overview::overview(&state.store, &caller.scope, id, today()).await?;
    let bytes =
        lingyan_reports::xlsx(&tables(tr, &o)).map_err(|e| lingyan_store::Error::Internal(e.to_string()))?;
    let name = format!(
        "{}-{}.xlsx",
        tr.name(&o.school_name, &o.school_name_en),
        tr.t("mentoring.overview_title")
    );
    Ok(crate::pages::roster::xlsx_response(bytes, &name))
}

/// The district of a school, for the capability check.
async fn caller_district(state: &AppState, school: i64) -> Result<i64, PageError> {
    let sc =
        lingyan_store::schools::get(&state.store, &lingyan_store::Scope::system("overview"), school).await?;
    Ok(sc.district_id)
}
