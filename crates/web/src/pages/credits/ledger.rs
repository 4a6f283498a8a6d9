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
        ctx,
    }
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
