//! A teacher's transcript page, and the district's national-format import
//! and export.

use super::words;
use crate::auth::Caller;
use crate::error::PageError;
use crate::i18n::Tr;
use crate::pages::{PageCtx, render, render_status};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use lingyan_domain::credits::Unit;
use lingyan_domain::{Capability, Tenant};
use lingyan_store::Error;
use lingyan_store::credits::TranscriptView;
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub(super) struct TranscriptQuery {
    as_of: Option<String>,
    cycle: Option<i32>,
}

/// A part of the requirement with its figures.
pub struct PartLine {
    pub name: String,
    pub counted: String,
    pub limits: String,
    pub short: String,
    /// Share of the minimum met, 0–100, for the bar (none without a minimum).
    pub pct: Option<u32>,
}

/// One entry as listed.
pub struct EntryLine {
    pub id: i64,
    /// District staff may remove it (imported or adjusted).
    pub removable: bool,
    pub dates: String,
    pub title: String,
    pub organiser: String,
    pub what: String,
    pub hours: String,
    pub counted: String,
    pub why: String,
    pub source: String,
}

#[derive(Template)]
#[template(path = "credit_transcript.html")]
struct TranscriptPage {
    ctx: PageCtx,
    teacher_id: i64,
    title: String,
    who: String,
    school: String,
    cycle: String,
    as_of: String,
    as_of_value: String,
    prev: String,
    next: String,
    set: bool,
    headline: String,
    pct: u32,
    eligible: bool,
    eligibility: String,
    still: Vec<String>,
    /// Parts of the total, years, separate counts: each a heading and lines.
    groups: Vec<(String, Vec<PartLine>)>,
    entries: Vec<EntryLine>,
    /// District staff: the adjustment form and removals.
    can_adjust: bool,
    /// The teacher's own transcript: the way to their claims.
    own: bool,
    forms: Vec<(String, String)>,
    levels: Vec<(String, String)>,
    areas: Vec<(String, String)>,
    today: String,
    /// The first year of the cycle shown (for the document links).
    cycle_first: i32,
    rules_href: String,
}

fn pct(counted: lingyan_domain::credits::Amount, min: Option<lingyan_domain::credits::Amount>) -> u32 {
    match min {
        Some(m) if m.in_hundredths() > 0 => {
            ((counted.in_hundredths().max(0) * 100) / m.in_hundredths()).clamp(0, 100) as u32
        }
        _ => 100,
    }
}

fn page_of(
    ctx: PageCtx,
    v: &TranscriptView,
    as_of_value: String,
    can_adjust: bool,
    own: bool,
) -> TranscriptPage {
    let tr = ctx.tr;
    let r = &v.rules;
    let t = &v.transcript;
    let l = tr.0;
    let sep = if tr.is_zh() { "，" } else { ", " };
    let base = format!("/teachers/{}/credits", v.teacher_id);
    let line = |name: String, tally: &lingyan_domain::credits::Tally| PartLine {
        name,
        counted: words::units(tr, r.unit, tally.counted),
        limits: words::limits_text(tr, r.unit, tally.min, tally.cap),
        short: if tally.missing().is_zero() {
            String::new()
        } else {
            tr.t1(
                "credits.short_by",
                "n",
                &words::units(tr, r.unit, tally.missing()),
            )
        },
        pct: tally.min.map(|m| pct(tally.counted, Some(m))),
    };
    TranscriptPage {
        teacher_id: v.teacher_id,
        title: tr.t("credits.transcript"),
        who: match &v.staff_no {
            Some(n) => format!("{}（{n}）", v.teacher_name),
            None => v.teacher_name.clone(),
        },
        school: tr.name(&v.school_name, &v.school_name_en).to_string(),
        cycle: tr.t1("credits.cycle_n", "cycle", &t.cycle.label()),
        as_of: tr.t1("credits.as_of", "date", &tr.date(&t.as_of)),
        prev: format!(
            "{base}?cycle={}&as_of={as_of_value}",
            r.cycle_of(t.cycle.first - 1).first
        ),
        next: format!("{base}?cycle={}&as_of={as_of_value}", t.cycle.last + 1),
        as_of_value,
        set: r.is_set(),
        headline: tr
            .t("credits.counted_of")
            .replace("%{n}", &words::units(tr, r.unit, t.total))
            .replace("%{total}", &words::units(tr, r.unit, t.required)),
        pct: pct(t.total, Some(t.required)),
        eligible: t.eligible(),
        eligibility: if t.eligible() {
            tr.t("credits.eligible")
        } else {
            let due: Vec<String> = t.due.iter().map(|s| words::shortfall_text(tr, r, s)).collect();
            tr.t1("credits.not_eligible", "what", &due.join(sep))
        },
        still: t
            .missing
            .iter()
            .map(|s| words::shortfall_text(tr, r, s))
            .collect(),
        groups: vec![
            (
                tr.t("credits.buckets"),
                r.buckets
                    .iter()
                    .zip(&t.buckets)
                    .map(|(b, x)| line(b.name(l).to_string(), x))
                    .collect(),
            ),
            (
                tr.t("credits.by_year"),
                t.years
                    .iter()
                    // A one-year cycle without a yearly minimum says nothing more by year.
                    .filter(|_| r.cycle_years > 1 || r.yearly_min.is_some())
                    .map(|y| {
                        let tally = lingyan_domain::credits::Tally {
                            code: y.year.to_string(),
                            counted: y.counted,
                            min: y.min,
                            cap: None,
                        };
                        line(tr.t1("credits.year_n", "year", &y.year), &tally)
                    })
                    .collect(),
            ),
            (
                tr.t("credits.pools"),
                r.pools
                    .iter()
                    .zip(&t.pools)
                    .map(|(p, x)| line(p.name(l).to_string(), x))
                    .collect(),
            ),
            // What counted, by level and by form (only those with something).
            (
                tr.t("credits.by_level"),
                t.by_level
                    .iter()
                    .map(|(lv, a)| PartLine {
                        name: words::capitalised(tr.label("levels", lv.code())),
                        counted: words::units(tr, r.unit, *a),
                        limits: String::new(),
                        short: String::new(),
                        pct: None,
                    })
                    .collect(),
            ),
            (
                tr.t("credits.by_form"),
                t.by_form
                    .iter()
                    .map(|(f, a)| PartLine {
                        name: tr.label("credit_forms", f.code()),
                        counted: words::units(tr, r.unit, *a),
                        limits: String::new(),
                        short: String::new(),
                        pct: None,
                    })
                    .collect(),
            ),
        ],
        entries: v
            .entries
            .iter()
            .zip(&t.lines)
            .rev()
            .map(|(e, line)| EntryLine {
                id: e.id,
                removable: can_adjust && matches!(e.source.as_str(), "import" | "adjustment"),
                dates: if e.start == e.end {
                    tr.date(&e.start)
                } else {
                    format!("{} – {}", tr.date(&e.start), tr.date(&e.end))
                },
                title: e.title.clone(),
                // An adjustment's reason is read where its organiser would be.
                organiser: match (e.source.as_str(), &e.note) {
                    ("adjustment", Some(n)) => format!("{} · {n}", e.organiser),
                    _ => e.organiser.clone(),
                },
                what: {
                    let mut parts = vec![tr.label("credit_forms", e.form.code())];
                    // Mentoring entries are named by their pair; the kind
                    // says what they are.
                    if e.source == lingyan_store::mentoring::hours::SOURCE {
                        parts.insert(0, tr.label("earnings", e.what.code()));
                    }
                    if let Some(level) = e.level {
                        parts.push(tr.label("levels", level.code()));
                    }
                    parts.join(" · ")
                },
                hours: words::units(tr, Unit::Hour, e.hours),
                counted: words::units(tr, r.unit, line.counted),
                why: line
                    .why
                    .as_ref()
                    .map(|w| words::why_text(tr, r, w))
                    .unwrap_or_default(),
                source: tr.label("credit_sources", &e.source),
            })
            .collect(),
        rules_href: format!("/schools/{}/credits/rules", v.school_id),
        can_adjust,
        own,
        forms: lingyan_domain::credits::Form::ALL
            .iter()
            .map(|x| (x.code().to_string(), tr.t(&format!("credit_forms.{}", x.code()))))
            .collect(),
        levels: lingyan_domain::Level::ALL
            .iter()
            .map(|x| (x.code().to_string(), tr.t(&format!("levels.{}", x.code()))))
            .collect(),
        areas: lingyan_domain::credits::Area::ALL
            .iter()
            .map(|x| (x.code().to_string(), tr.t(&format!("credit_areas.{}", x.code()))))
            .collect(),
        today: lingyan_store::calendar::today().to_string(),
        cycle_first: t.cycle.first,
        ctx,
    }
}

/// The QR code of a text as rows of modules ("1" dark), with a quiet zone
/// of two modules.
pub fn qr_rows(text: &str) -> Vec<String> {
    let Ok(code) = qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M) else {
        return Vec::new();
    };
    let w = code.width();
    let colors = code.to_colors();
    let quiet = "0".repeat(w + 4);
    let mut rows = vec![quiet.clone(), quiet.clone()];
    for y in 0..w {
        let mut r = String::from("00");
        for x in 0..w {
            r.push(if colors[y * w + x] == qrcode::Color::Dark {
                '1'
            } else {
                '0'
            });
        }
        r.push_str("00");
        rows.push(r);
    }
    rows.push(quiet.clone());
    rows.push(quiet);
    rows
}

/// The address of an issued transcript's verification page.
pub fn verify_url(base: &str, code: &str) -> String {
    format!("{}/v/{code}", base.trim_end_matches('/'))
}

/// A transcript as a PDF: the page's figures and ledger, the QR code and
/// short address of the verification page of `issued`.
pub fn transcript_pdf(
    v: &TranscriptView,
    l: lingyan_domain::Locale,
    issued: &lingyan_store::credits::Issued,
    base_url: &str,
) -> Result<Vec<u8>, lingyan_reports::Error> {
    use lingyan_reports::transcript::{Entry, Group, Line, TranscriptDoc};
    let tr = Tr(l);
    let p = page_of(PageCtx::bare(tr), v, v.transcript.as_of.to_string(), false, false);
    let url = verify_url(base_url, &issued.code);
    let sep = if tr.is_zh() { "；" } else { "; " };
    let doc = TranscriptDoc {
        lang: if tr.is_zh() { "zh".into() } else { "en".into() },
        title: p.title.clone(),
        who: p.who.clone(),
        school: p.school.clone(),
        cycle: p.cycle.clone(),
        as_of: p.as_of.clone(),
        issued: tr.t1("credits.issued_at", "date", &tr.datetime(&issued.issued_at)),
        headline: p.headline.clone(),
        eligible: p.eligible,
        eligibility: p.eligibility.clone(),
        still: if p.still.is_empty() {
            tr.t("credits.complete")
        } else {
            tr.t1("credits.still_to_earn", "what", &p.still.join(sep))
        },
        part_head: vec![
            tr.t("credits.name"),
            tr.t("credits.counted"),
            tr.t("credits.asked"),
        ],
        groups: p
            .groups
            .iter()
            .filter(|(_, lines)| !lines.is_empty())
            .map(|(heading, lines)| Group {
                heading: heading.clone(),
                lines: lines
                    .iter()
                    .map(|x| Line {
                        name: x.name.clone(),
                        counted: x.counted.clone(),
                        asked: match (x.limits.is_empty(), x.short.is_empty()) {
                            (true, _) => "—".into(),
                            (false, true) => x.limits.clone(),
                            (false, false) => format!("{} · {}", x.limits, x.short),
                        },
                    })
                    .collect(),
            })
            .collect(),
        entries_heading: tr.t("credits.entries"),
        entry_head: vec![
            tr.t("credits.training"),
            tr.t("credits.dates"),
            tr.t("credits.form_level"),
            tr.t("credits.hours"),
            tr.t("credits.counted"),
        ],
        entries: p
            .entries
            .iter()
            .map(|e| Entry {
                title: e.title.clone(),
                organiser: e.organiser.clone(),
                source: e.source.clone(),
                dates: e.dates.clone(),
                what: e.what.clone(),
                hours: e.hours.clone(),
                counted: e.counted.clone(),
                why: e.why.clone(),
            })
            .collect(),
        none: tr.t("credits.no_entries"),
        qr: qr_rows(&url),
        code: issued.code.clone(),
        code_label: tr.t("credits.verify_code"),
        verify_note: tr.t1("credits.verify_note", "url", &url),
        footer: format!("{} · {}", p.title, p.who),
    };
    lingyan_reports::transcript::pdf(&doc, lingyan_store::calendar::today())
}

/// A transcript as a workbook: the parts of the requirement and the ledger.
pub fn transcript_xlsx(
    v: &TranscriptView,
    l: lingyan_domain::Locale,
) -> Result<Vec<u8>, lingyan_reports::Error> {
    use lingyan_reports::{Cell, Table, Tone, xlsx};
    let tr = Tr(l);
    let p = page_of(PageCtx::bare(tr), v, v.transcript.as_of.to_string(), false, false);
    let mut summary = vec![
        vec![Cell::Text(tr.t("claims.teacher")), Cell::Text(p.who.clone())],
        vec![Cell::Text(tr.t("fields.school")), Cell::Text(p.school.clone())],
        vec![Cell::Text(tr.t("fields.cycle")), Cell::Text(p.cycle.clone())],
        vec![Cell::Text(tr.t("fields.as_of")), Cell::Date(v.transcript.as_of)],
        vec![
            Cell::Text(tr.t("credits.counted")),
            Cell::Text(p.headline.clone()),
        ],
        vec![
            Cell::Text(tr.t("credits.col_may_apply")),
            Cell::Marked(
                p.eligibility.clone(),
                if p.eligible { Tone::Good } else { Tone::Bad },
            ),
        ],
    ];
    for (heading, lines) in &p.groups {
        for x in lines {
            summary.push(vec![
                Cell::Text(format!("{heading} · {}", x.name)),
                Cell::Text(x.counted.clone()),
                Cell::Text(x.limits.clone()),
                if x.short.is_empty() {
                    Cell::Empty
                } else {
                    Cell::Marked(x.short.clone(), Tone::Bad)
                },
            ]);
        }
    }
    let entries = v
        .entries
        .iter()
        .zip(&v.transcript.lines)
        // The page lists the newest first.
        .zip(p.entries.iter().rev())
        .map(|((e, line), shown)| {
            vec![
                Cell::Text(e.title.clone()),
                Cell::Text(shown.organiser.clone()),
                Cell::Date(e.start),
                Cell::Date(e.end),
                Cell::Text(shown.what.clone()),
                Cell::Number(e.hours.to_f64()),
                Cell::Number(line.counted.to_f64()),
                Cell::Text(shown.why.clone()),
                Cell::Text(shown.source.clone()),
            ]
        })
        .collect();
    xlsx(&[
        Table {
            title: tr.t("credits.transcript"),
            headers: vec![
                tr.t("credits.name"),
                tr.t("credits.counted"),
                tr.t("credits.asked"),
                String::new(),
            ],
            rows: summary,
        },
        Table {
            title: tr.t("credits.entries"),
            headers: vec![
                tr.t("credits.training"),
                tr.t("fields.organiser"),
                tr.t("fields.start"),
                tr.t("fields.end"),
                tr.t("credits.form_level"),
                tr.t("credits.hours"),
                tr.t("credits.counted"),
                tr.t("credits.why"),
                tr.t("credits.source"),
            ],
            rows: entries,
        },
    ])
}

/// `GET /me/credits`: the caller's own transcript (where the menu leads
/// a teacher).
pub(super) async fn view_my_transcript_get(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Response, PageError> {
    let id = lingyan_store::evidence::own_teacher_id(
        &state.store,
        &caller.scope,
        lingyan_store::calendar::today(),
    )
    .await?
    .ok_or(Error::NotFound)?;
    Ok(axum::response::IntoResponse::into_response(
        axum::response::Redirect::to(&format!("/teachers/{id}/credits")),
    ))
}

/// `GET /teachers/{id}/credits?as_of=&cycle=`: a teacher's transcript.
pub(super) async fn view_transcript_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    Path(id): Path<i64>,
    Query(q): Query<TranscriptQuery>,
) -> Result<Response, PageError> {
    let as_of = match q.as_of.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => lingyan_domain::dates::parse_date("as_of", s).map_err(Error::Invalid)?,
        None => lingyan_store::calendar::today(),
    };
    let v = lingyan_store::credits::transcript_of(&state.store, &caller.scope, id, as_of, q.cycle).await?;
    let can_adjust = caller.scope.allows(
        lingyan_domain::Capability::ManageSchools,
        lingyan_domain::Tenant::district(v.district_id),
    );
    let own = lingyan_store::evidence::own_teacher_id(
        &state.store,
        &caller.scope,
        lingyan_store::calendar::today(),
    )
    .await?
        == Some(v.teacher_id);
    Ok(render(&page_of(ctx, &v, as_of.to_string(), can_adjust, own)))
}

/// The site's address as documents print it: the configured one, else
/// the one the request came to.
pub(crate) fn base_url(state: &AppState, headers: &axum::http::HeaderMap) -> String {
    match &state.config.public_url {
        Some(u) if !u.trim().is_empty() => u.trim().trim_end_matches('/').to_string(),
        _ => crate::pages::activities::attendance::origin(headers, state.config.secure_cookies),
    }
}

async fn transcript_for(
    state: &AppState,
    caller: &Caller,
    id: i64,
    q: &TranscriptQuery,
) -> Result<TranscriptView, Error> {
    let as_of = match q.as_of.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => lingyan_domain::dates::parse_date("as_of", s).map_err(Error::Invalid)?,
        None => lingyan_store::calendar::today(),
    };
    lingyan_store::credits::transcript_of(&state.store, &caller.scope, id, as_of, q.cycle).await
}

/// `GET /teachers/{id}/credits/transcript.pdf?as_of=&cycle=`: the
/// transcript issued as a PDF with its verification code.
pub(super) async fn view_transcript_pdf_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    headers: axum::http::HeaderMap,
    Path(id): Path<i64>,
    Query(q): Query<TranscriptQuery>,
) -> Result<Response, PageError> {
    let v = transcript_for(&state, &caller, id, &q).await?;
    let issued = lingyan_store::credits::issue(&state.store, &caller.scope, &v).await?;
    let bytes = transcript_pdf(&v, ctx.tr.0, &issued, &base_url(&state, &headers))
        .map_err(|e| Error::Internal(e.to_string()))?;
    let name = format!(
        "{}-{}-{}.pdf",
        ctx.tr.t("credits.transcript"),
        v.teacher_name,
        issued.code
    );
    Ok(crate::pages::file_response(
        bytes,
        "application/pdf",
        &name,
        "attachment",
    ))
}

/// `GET /teachers/{id}/credits/transcript.xlsx?as_of=&cycle=`
pub(super) async fn view_transcript_xlsx_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    Path(id): Path<i64>,
    Query(q): Query<TranscriptQuery>,
) -> Result<Response, PageError> {
    let v = transcript_for(&state, &caller, id, &q).await?;
    let bytes = transcript_xlsx(&v, ctx.tr.0).map_err(|e| Error::Internal(e.to_string()))?;
    let name = format!(
        "{}-{}-{}.xlsx",
        ctx.tr.t("credits.transcript"),
        v.teacher_name,
        v.transcript.as_of
    );
    Ok(crate::pages::xlsx_download(bytes, &name))
}

#[derive(Template)]
#[template(path = "verify.html")]
struct VerifyPage {
    ctx: PageCtx,
    code: String,
    found: Option<lingyan_store::credits::Issued>,
    who: String,
    school: String,
    period: String,
    totals: String,
    standing: String,
    eligible: bool,
    /// (part, counted, asked)
    parts: Vec<(String, String, String)>,
    issued: String,
}

impl VerifyPage {
    fn empty(ctx: PageCtx, code: String) -> Self {
        VerifyPage {
            ctx,
            code,
            found: None,
            who: String::new(),
            school: String::new(),
            period: String::new(),
            totals: String::new(),
            standing: String::new(),
            eligible: false,
            parts: Vec::new(),
            issued: String::new(),
        }
    }
}

#[derive(Deserialize, Default)]
pub(super) struct VerifyQuery {
    code: Option<String>,
}

/// `GET /v?code=`: the form to type a code, or on to its page.
pub(super) async fn view_verify_form_get(ctx: PageCtx, Query(q): Query<VerifyQuery>) -> Response {
    match q.code.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        Some(c) => {
            let clean: String = c
                .chars()
                .filter(|ch| ch.is_ascii_alphanumeric())
                .take(20)
                .collect();
            crate::pages::redirect(&format!("/v/{clean}"))
        }
        None => render(&VerifyPage::empty(ctx, String::new())),
    }
}

/// `GET /v/{code}`: what an issued transcript said — public, for anyone
/// holding the paper (404 with the same page when no such code).
pub(super) async fn view_verify_get(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    let tr = ctx.tr;
    let code: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .take(20)
        .collect();
    let found = match lingyan_store::credits::verify(&state.store, &code).await {
        Ok(i) => Some(i),
        Err(Error::NotFound) => None,
        Err(e) => return Err(e.into()),
    };
    let mut page = VerifyPage::empty(ctx, code);
    let Some(i) = found else {
        return Ok(render_status(StatusCode::NOT_FOUND, &page));
    };
    let s = &i.summary;
    let unit = Unit::from_code(&s.unit).unwrap_or(Unit::Credit);
    page.who = match &s.staff_no {
        Some(n) => format!("{}（{n}）", s.teacher_name),
        None => s.teacher_name.clone(),
    };
    page.school = tr.name(&s.school_name, &s.school_name_en).to_string();
    let cycle = lingyan_domain::credits::Cycle {
        first: s.cycle_first,
        last: s.cycle_last,
    };
    page.period = format!(
        "{} · {}",
        tr.t1("credits.cycle_n", "cycle", &cycle.label()),
        tr.t1("credits.as_of", "date", &tr.date(&s.as_of))
    );
    page.totals = tr
        .t("credits.counted_of")
        .replace("%{n}", &words::units(tr, unit, s.total))
        .replace("%{total}", &words::units(tr, unit, s.required));
    page.eligible = s.eligible;
    page.standing = if s.complete {
        tr.t("credits.complete")
    } else if s.eligible {
        tr.t("credits.eligible")
    } else {
        tr.t("credits.may_not_apply")
    };
    page.parts = s
        .parts
        .iter()
        .map(|p| {
            (
                if tr.is_zh() {
                    p.name_zh.clone()
                } else {
                    p.name_en.clone()
                },
                words::units(tr, unit, p.counted),
                p.min
                    .map(|m| tr.t1("credits.at_least", "n", &words::units(tr, unit, m)))
                    .unwrap_or_default(),
            )
        })
        .collect();
    page.issued = tr.datetime(&i.issued_at);
    page.found = Some(i);
    Ok(render(&page))
}

/// One problem of an import as the page lists it.
pub struct Problem {
    pub row: usize,
    pub column: String,
    pub message: String,
}

#[derive(Template)]
#[template(path = "credit_import.html")]
struct ImportPage {
    ctx: PageCtx,
    district_id: i64,
    district: String,
    max_mb: usize,
    year: i32,
    report: Option<lingyan_store::credits::NationalReport>,
    outcome: String,
    problems: Vec<Problem>,
    error: Option<crate::pages::FormError>,
}

async fn district_name(state: &AppState, caller: &Caller, tr: Tr, id: i64) -> Result<String, Error> {
    if !caller
        .scope
        .allows(Capability::ManageSchools, Tenant::district(id))
    {
        return Err(Error::NotFound);
    }
    let d = lingyan_store::districts::get(&state.store, &caller.scope, id).await?;
    Ok(tr.name(&d.name, &d.name_en).to_string())
}

/// `GET /districts/{id}/credits/import`
pub(super) async fn view_import_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let district = district_name(&state, &caller, ctx.tr, id).await?;
    Ok(render(&ImportPage {
        district_id: id,
        district,
        max_mb: state.config.limits.import_bytes / (1024 * 1024),
        year: chrono::Datelike::year(&lingyan_store::calendar::today()),
        report: None,
        outcome: String::new(),
        problems: Vec::new(),
        error: None,
        ctx,
    }))
}

/// `POST /districts/{id}/credits/import`: checks the file and writes it
/// unless "check only" is ticked. All rows or none.
pub(super) async fn view_import_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    Path(id): Path<i64>,
    multipart: Multipart,
) -> Result<Response, PageError> {
    let district = district_name(&state, &caller, ctx.tr, id).await?;
    let tr = ctx.tr;
    let (file, dry_run) = crate::pages::read_upload(multipart, "national").await?;
    let max_mb = state.config.limits.import_bytes / (1024 * 1024);
    let year = chrono::Datelike::year(&lingyan_store::calendar::today());
    let Some((filename, bytes)) = file else {
        let e = lingyan_domain::FieldError::new("file", "required");
        return Ok(render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &ImportPage {
                error: Some(crate::pages::field_message(tr, &e)),
                district_id: id,
                district,
                max_mb,
                year,
                report: None,
                outcome: String::new(),
                problems: Vec::new(),
                ctx,
            },
        ));
    };
    let report = lingyan_store::credits::import_national(
        &state.store,
        &caller.scope,
        id,
        &filename,
        &bytes,
        dry_run,
        state.config.limits.import_bytes,
        lingyan_store::calendar::today(),
    )
    .await?;
    let problems: Vec<Problem> = report
        .errors
        .iter()
        .map(|i| Problem {
            row: i.row,
            column: i.column.clone(),
            message: crate::i18n::t_args(tr.0, &format!("errors.{}", i.error.code), &i.error.args),
        })
        .collect();
    let error = report
        .file_error
        .as_ref()
        .map(|e| crate::pages::field_message(tr, e));
    let ok = problems.is_empty() && error.is_none();
    let outcome = if !ok {
        tr.n("credits.import_failed", &problems.len())
    } else {
        tr.t(if dry_run {
            "credits.import_checked"
        } else {
            "credits.import_done"
        })
        .replace("%{rows}", &report.rows.to_string())
        .replace("%{added}", &report.added.to_string())
        .replace("%{already}", &report.already.to_string())
    };
    Ok(render_status(
        if ok {
            StatusCode::OK
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        },
        &ImportPage {
            district_id: id,
            district,
            max_mb,
            year,
            report: Some(report),
            outcome,
            problems,
            error,
            ctx,
        },
    ))
}

#[derive(Deserialize)]
pub(super) struct ExportQuery {
    year: i32,
    format: Option<String>,
}

/// A district's records of a year as a national-format .xlsx (or .csv).
pub(crate) async fn export_response(
    state: &AppState,
    caller: &Caller,
    district_id: i64,
    year: i32,
    format: Option<&str>,
) -> Result<Response, Error> {
    let rows =
        lingyan_store::credits::export_national(&state.store, &caller.scope, district_id, year).await?;
    let name = format!("national-training-{year}");
    match format {
        Some("csv") => {
            let bytes = lingyan_store::credits::national_csv(&rows)?;
            let mut resp = axum::response::IntoResponse::into_response(bytes);
            resp.headers_mut().insert(
                axum::http::header::CONTENT_TYPE,
                axum::http::HeaderValue::from_static("text/csv; charset=utf-8"),
            );
            if let Ok(v) = axum::http::HeaderValue::from_str(&format!("attachment; filename=\"{name}.csv\""))
            {
                resp.headers_mut()
                    .insert(axum::http::header::CONTENT_DISPOSITION, v);
            }
            Ok(resp)
        }
        None | Some("xlsx") => {
            let bytes = super::national_xlsx(&rows).map_err(|e| Error::Internal(e.to_string()))?;
            Ok(crate::pages::xlsx_download(bytes, &format!("{name}.xlsx")))
        }
        Some(other) => Err(Error::Invalid(
            lingyan_domain::FieldError::new("format", "unknown_value").with("value", other),
        )),
    }
}

/// `GET /districts/{id}/credits/export?year=&format=xlsx|csv`
pub(super) async fn view_export_get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Query(q): Query<ExportQuery>,
) -> Result<Response, PageError> {
    Ok(export_response(&state, &caller, id, q.year, q.format.as_deref()).await?)
}
