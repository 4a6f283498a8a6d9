//! The agreements (师徒结对协议书): one pair's as .docx or PDF, and the
//! ceremony page (拜师仪式) with every pair of a day and their agreements
//! in one file.

use super::{Row, joined, row};
use crate::auth::Caller;
use crate::error::PageError;
use crate::i18n::{self, Tr};
use crate::pages::status::file_response;
use crate::pages::{PageCtx, render};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use chrono::NaiveDate;
use lingyan_domain::mentoring::PairStatus;
use lingyan_domain::{FieldError, Locale};
use lingyan_reports::mentoring::{self as doc, Agreement};
use lingyan_store::Error;
use lingyan_store::calendar::today;
use lingyan_store::mentoring::pairs::{self, Filter, Pair};
use serde::Deserialize;
use std::collections::BTreeMap;

/// The term's length in words: "3 years", "1 year 6 months", "5 months".
fn length(tr: Tr, p: &Pair) -> String {
    let Some(end) = p.ends_on else {
        return String::new();
    };
    let next = end.succ_opt().unwrap_or(end);
    let mut months = 0u32;
    while p
        .starts_on
        .checked_add_months(chrono::Months::new(months + 1))
        .is_some_and(|d| d <= next)
    {
        months += 1;
    }
    let (y, m) = (months / 12, months % 12);
    let part = |key: &str, n: u32| tr.n(key, &n);
    match (y, m) {
        (0, 0) => tr.n("mentoring.days", &(next - p.starts_on).num_days()),
        (0, m) => part("mentoring.months", m),
        (y, 0) => part("mentoring.years", y),
        (y, m) => format!(
            "{}{}{}",
            part("mentoring.years", y),
            if tr.is_zh() { "" } else { " " },
            part("mentoring.months", m)
        ),
    }
}

/// Goals as paragraphs, one per line typed; "to be agreed" when empty.
fn paragraphs(tr: Tr, text: &str) -> Vec<String> {
    let v: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect();
    if v.is_empty() {
        vec![tr.t("mentoring.agreement.goals_blank")]
    } else {
        v
    }
}

/// One pair's agreement, worded in `tr`'s language.
pub(crate) fn agreement(tr: Tr, p: &Pair) -> Agreement {
    let apprentices = joined(tr, p.apprentices.iter().map(|a| a.name.clone()));
    let subjects = |v: &[String]| joined(tr, v.iter().cloned());
    let school_of =
        |x: &lingyan_store::mentoring::pairs::Person| tr.name(&x.school_name, &x.school_name_en).to_string();
    let mut parties = vec![vec![
        tr.t("fields.mentor"),
        p.mentor.name.clone(),
        school_of(&p.mentor),
        subjects(&p.mentor.subjects),
    ]];
    for a in &p.apprentices {
        parties.push(vec![
            tr.t("fields.apprentice"),
            a.name.clone(),
            school_of(a),
            subjects(&a.subjects),
        ]);
    }
    let mut term_lines = vec![
        i18n::t_args(
            tr.0,
            "mentoring.agreement.term_line",
            &[("term", super::term(tr, p)), ("length", length(tr, p))],
        ),
        tr.t1(
            "mentoring.agreement.kind_line",
            "kind",
            &tr.label("mentoring.kind", p.kind.code()),
        ),
    ];
    if !p.subject.is_empty() {
        term_lines.push(tr.t1("mentoring.agreement.subject_line", "subject", &p.subject));
    }
    if let Some(c) = p.ceremony_on {
        term_lines.push(tr.t1("mentoring.agreement.ceremony_line", "date", &tr.date(&c)));
    }
    let duties = |prefix: &str| {
        (1..=5)
            .map(|n| tr.t(&format!("mentoring.agreement.{prefix}_{n}")))
            .collect()
    };
    let school = p.apprentices.first().map(school_of).unwrap_or_default();
    let mut signatures = vec![tr.t1("mentoring.agreement.sign_mentor", "name", &p.mentor.name)];
    for a in &p.apprentices {
        signatures.push(tr.t1("mentoring.agreement.sign_apprentice", "name", &a.name));
    }
    signatures.push(tr.t1("mentoring.agreement.sign_school", "school", &school));
    Agreement {
        title: tr.t("mentoring.agreement.title"),
        intro: i18n::t_args(
            tr.0,
            if p.apprentices.len() > 1 {
                "mentoring.agreement.intro_two"
            } else {
                "mentoring.agreement.intro"
            },
            &[("mentor", p.mentor.name.clone()), ("apprentices", apprentices)],
        ),
        school,
        parties_heading: tr.t("mentoring.agreement.parties"),
        party_head: vec![
            tr.t("mentoring.agreement.role"),
            tr.t("mentoring.agreement.name"),
            tr.t("fields.school"),
            tr.t("fields.subjects"),
        ],
        parties,
        term_heading: tr.t("mentoring.agreement.term"),
        term_lines,
        goals_heading: tr.t("mentoring.agreement.goals"),
        goals: vec![
            (tr.t("fields.mentor_goals"), paragraphs(tr, &p.mentor_goals)),
            (
                tr.t("fields.apprentice_goals"),
                paragraphs(tr, &p.apprentice_goals),
            ),
        ],
        duties_heading: tr.t("mentoring.agreement.duties"),
        duties: vec![
            (tr.t("mentoring.agreement.mentor_duties"), duties("mentor_duty")),
            (
                tr.t("mentoring.agreement.apprentice_duties"),
                duties("apprentice_duty"),
            ),
        ],
        signatures_heading: tr.t("mentoring.agreement.signatures"),
        signatures,
        date: p.ceremony_on.unwrap_or(p.starts_on).to_string(),
    }
}

#[derive(Deserialize, Default)]
pub(crate) struct LangQuery {
    #[serde(default)]
    lang: String,
}

/// The language asked for (`?lang=zh-CN|en`), else the reader's.
fn language(ctx: &PageCtx, lang: &str) -> Result<Tr, Error> {
    match lang.trim() {
        "" => Ok(ctx.tr),
        l => Locale::parse(l).map(Tr).map_err(|e| Error::Invalid(e.on("lang"))),
    }
}

fn file_name(tr: Tr, p: &Pair) -> String {
    format!(
        "{}-{}-{}",
        tr.t("mentoring.agreement.title"),
        p.mentor.name,
        joined(tr, p.apprentices.iter().map(|a| a.name.clone()))
    )
}

/// `GET /mentoring/{id}/agreement.docx`
pub(crate) async fn view_agreement_docx_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    Path(id): Path<i64>,
    Query(q): Query<LangQuery>,
) -> Result<Response, PageError> {
    let tr = language(&ctx, &q.lang)?;
    let p = pairs::get(&state.store, &caller.scope, id).await?;
    let bytes = doc::docx(tr.0, &[agreement(tr, &p)]).map_err(|e| Error::Internal(e.to_string()))?;
    Ok(file_response(
        bytes,
        &format!("{}.docx", file_name(tr, &p)),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "agreement.docx",
    ))
}

/// `GET /mentoring/{id}/agreement.pdf`
pub(crate) async fn view_agreement_pdf_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    Path(id): Path<i64>,
    Query(q): Query<LangQuery>,
) -> Result<Response, PageError> {
    let tr = language(&ctx, &q.lang)?;
    let p = pairs::get(&state.store, &caller.scope, id).await?;
    let a = agreement(tr, &p);
    let bytes = tokio::task::spawn_blocking(move || doc::pdf(tr.0, &[a], today()))
        .await
        .map_err(|e| Error::Internal(e.to_string()))?
        .map_err(|e| Error::Internal(e.to_string()))?;
    Ok(file_response(
        bytes,
        &format!("{}.pdf", file_name(tr, &p)),
        "application/pdf",
        "agreement.pdf",
    ))
}

#[derive(Deserialize, Default)]
pub(crate) struct CeremonyQuery {
    #[serde(default)]
    school: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    lang: String,
}

/// A ceremony: a school's pairs of one day.
pub struct Ceremony {
    pub school_id: i64,
    pub school: String,
    pub date: NaiveDate,
    pub label: String,
    pub pairs: usize,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "mentoring_ceremonies.html")]
struct CeremoniesPage {
    ctx: PageCtx,
    ceremonies: Vec<Ceremony>,
    /// The ceremony shown, with its pairs.
    shown: Option<(i64, NaiveDate, String)>,
    rows: Vec<Row>,
}

/// The pairs of a ceremony (dissolved pairs are left out: nobody signs
/// those).
async fn ceremony_pairs(
    state: &AppState,
    caller: &Caller,
    school: i64,
    date: NaiveDate,
) -> Result<Vec<Pair>, Error> {
    ceremony(&state.store, &caller.scope, school, date).await
}

/// Every ceremony of the pairs the caller sees: (day, school) → (the
/// school's name, how many pairs).
async fn ceremonies(
    state: &AppState,
    caller: &Caller,
    tr: Tr,
) -> Result<BTreeMap<(NaiveDate, i64), (String, usize)>, Error> {
    let all = pairs::list(&state.store, &caller.scope, &Filter::default()).await?;
    let mut by: BTreeMap<(NaiveDate, i64), (String, usize)> = BTreeMap::new();
    for p in all.iter().filter(|p| p.status != PairStatus::Dissolved) {
        if let Some(d) = p.ceremony_on {
            let school = p
                .apprentices
                .first()
                .map(|a| tr.name(&a.school_name, &a.school_name_en).to_string())
                .unwrap_or_default();
            by.entry((d, p.school_id)).or_insert((school, 0)).1 += 1;
        }
    }
    Ok(by)
}

/// The ceremony shown when none is chosen: the coming one, else the
/// latest.
fn default_ceremony(by: &BTreeMap<(NaiveDate, i64), (String, usize)>) -> Option<(i64, NaiveDate)> {
    let t = today();
    by.keys()
        .filter(|(d, _)| *d >= t)
        .min()
        .or_else(|| by.keys().max())
        .map(|(d, s)| (*s, *d))
}

fn ceremony_of(q: &CeremonyQuery) -> Result<Option<(i64, NaiveDate)>, Error> {
    if q.school.trim().is_empty() && q.date.trim().is_empty() {
        return Ok(None);
    }
    let school = q
        .school
        .trim()
        .parse::<i64>()
        .map_err(|_| Error::Invalid(FieldError::new("school", "invalid")))?;
    let date = lingyan_domain::dates::parse_date("date", q.date.trim())?;
    Ok(Some((school, date)))
}

/// `GET /mentoring/ceremonies`: the ceremonies of the pairs the caller
/// sees (newest first) and, when one is chosen, its pairs and agreements.
pub(crate) async fn view_ceremonies_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    Query(q): Query<CeremonyQuery>,
) -> Result<Response, PageError> {
    let tr = ctx.tr;
    let chosen = ceremony_of(&q)?;
    let by = ceremonies(&state, &caller, tr).await?;
    let shown_key = chosen.or_else(|| default_ceremony(&by));
    let ceremonies: Vec<Ceremony> = by
        .iter()
        .rev()
        .map(|((d, s), (name, n))| Ceremony {
            school_id: *s,
            school: name.clone(),
            date: *d,
            label: tr.date(d),
            pairs: *n,
            current: shown_key == Some((*s, *d)),
        })
        .collect();
    let (shown, rows) = match shown_key {
        Some((s, d)) => {
            let ps = ceremony_pairs(&state, &caller, s, d).await?;
            if chosen.is_some() && ps.is_empty() {
                return Err(Error::NotFound.into());
            }
            let name = ceremonies
                .iter()
                .find(|c| c.school_id == s && c.date == d)
                .map(|c| format!("{} · {}", c.school, c.label))
                .unwrap_or_default();
            (Some((s, d, name)), ps.iter().map(|p| row(tr, p)).collect())
        }
        None => (None, Vec::new()),
    };
    Ok(render(&CeremoniesPage {
        ctx,
        ceremonies,
        shown,
        rows,
    }))
}

/// `GET /mentoring/ceremonies/agreements.docx?school=&date=&lang=`: every
/// agreement of a ceremony (the one the page shows when none is named) in
/// one file, each on its own pages.
pub(crate) async fn view_ceremony_agreements_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    Query(q): Query<CeremonyQuery>,
) -> Result<Response, PageError> {
    batch(&state, &caller, &ctx, &q, false).await
}

/// `GET /mentoring/ceremonies/agreements.pdf?school=&date=&lang=`: the
/// same as one PDF.
pub(crate) async fn view_ceremony_agreements_pdf_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    Query(q): Query<CeremonyQuery>,
) -> Result<Response, PageError> {
    batch(&state, &caller, &ctx, &q, true).await
}

async fn batch(
    state: &AppState,
    caller: &Caller,
    ctx: &PageCtx,
    q: &CeremonyQuery,
    pdf: bool,
) -> Result<Response, PageError> {
    let tr = language(ctx, &q.lang)?;
    let (school, date) = match ceremony_of(q)? {
        Some(c) => c,
        None => default_ceremony(&ceremonies(state, caller, tr).await?).ok_or(Error::NotFound)?,
    };
    let ps = ceremony_pairs(state, caller, school, date).await?;
    if ps.is_empty() {
        return Err(Error::NotFound.into());
    }
    let school_name = ps[0]
        .apprentices
        .first()
        .map(|a| tr.name(&a.school_name, &a.school_name_en).to_string())
        .unwrap_or_default();
    let bytes = tokio::task::spawn_blocking(move || agreements_file(&ps, tr.0, pdf))
        .await
        .map_err(|e| Error::Internal(e.to_string()))?
        .map_err(|e| Error::Internal(e.to_string()))?;
    let name = format!("{}-{school_name}-{date}", tr.t("mentoring.agreement.title"));
    Ok(if pdf {
        file_response(bytes, &format!("{name}.pdf"), "application/pdf", "agreements.pdf")
    } else {
        file_response(
            bytes,
            &format!("{name}.docx"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "agreements.docx",
        )
    })
}

/// Pairs' agreements in one file in `l`: a Word document, or a PDF.
pub fn agreements_file(pairs: &[Pair], l: Locale, pdf: bool) -> Result<Vec<u8>, lingyan_reports::Error> {
    let tr = Tr(l);
    let agreements: Vec<Agreement> = pairs.iter().map(|p| agreement(tr, p)).collect();
    if pdf {
        doc::pdf(l, &agreements, today())
    } else {
        doc::docx(l, &agreements)
    }
}

/// A ceremony's pairs: the school's (its apprentices') with that ceremony
/// day, dissolved ones left out.
pub async fn ceremony(
    store: &lingyan_store::Store,
    scope: &lingyan_store::Scope,
    school: i64,
    date: NaiveDate,
) -> Result<Vec<Pair>, Error> {
    let f = Filter {
        school_id: Some(school),
        ceremony_on: Some(date),
        ..Default::default()
    };
    Ok(pairs::list(store, scope, &f)
        .await?
        .into_iter()
        .filter(|p| p.school_id == school && p.status != PairStatus::Dissolved)
        .collect())
}
