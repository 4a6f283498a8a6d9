//! The status analysis page (情况分析): prose as the seeds write it, tables,
//! a chart, and the Word document to hand in.

use super::{PageCtx, render};
use crate::auth::Caller;
use crate::error::PageError;
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::NaiveDate;
use lingyan_domain::status::StatusAnalysis;
use lingyan_domain::{Capability, Locale, SchoolType};
use lingyan_reports::status::Subject;
use lingyan_store::Error;
use lingyan_store::districts::District;
use lingyan_store::schools::School;
use serde::Deserialize;
use serde_json::json;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/status", get(view_status_get))
        .route("/status.docx", get(view_status_docx_get))
        .route("/status.pdf", get(view_status_pdf_get))
}

#[derive(Deserialize, Default)]
pub struct StatusQuery {
    #[serde(default)]
    school: String,
    #[serde(default)]
    district: String,
    #[serde(default)]
    as_of: String,
    #[serde(default)]
    lang: String,
}

/// What was analysed, loaded for the caller.
pub enum Analysed {
    School(School, StatusAnalysis),
    District(District, StatusAnalysis, Vec<(String, StatusAnalysis)>),
}

impl Analysed {
    fn subject(&self, l: lingyan_domain::Locale) -> Subject<'_> {
        match self {
            Analysed::School(s, _) => Subject::School {
                name: lingyan_reports::local_name(l, &s.name, s.name_en.as_deref()),
                kindergarten: s.school_type == SchoolType::Kindergarten,
                district: &s.district_name,
            },
            Analysed::District(d, ..) => Subject::District {
                name: lingyan_reports::local_name(l, &d.name, d.name_en.as_deref()),
                district: &d.name,
            },
        }
    }

    /// The district's own (Chinese) name.
    fn district_name(&self) -> &str {
        match self {
            Analysed::School(s, _) => &s.district_name,
            Analysed::District(d, ..) => &d.name,
        }
    }

    fn analysis(&self) -> &StatusAnalysis {
        match self {
            Analysed::School(_, a) | Analysed::District(_, a, _) => a,
        }
    }

    fn schools(&self) -> Vec<(String, &StatusAnalysis)> {
        match self {
            Analysed::School(..) => Vec::new(),
            Analysed::District(_, _, s) => s.iter().map(|(n, a)| (n.clone(), a)).collect(),
        }
    }
}

/// Loads the analysis the query asks for, or the caller's own school or
/// district when it names none.
pub async fn analyse(
    state: &AppState,
    caller: &Caller,
    q: &StatusQuery,
) -> Result<(Analysed, NaiveDate), PageError> {
    let as_of = match q.as_of.trim() {
        "" => lingyan_store::calendar::today(),
        s => lingyan_domain::dates::parse_date("as_of", s).map_err(|e| PageError::Store(e.into()))?,
    };
    let set = caller.scope.access().tenants(Capability::ReadTeachers);
    let district = q.district.parse::<i64>().ok().or_else(|| {
        (q.school.is_empty() && !set.districts.is_empty()).then(|| *set.districts.iter().next().unwrap_or(&0))
    });
    if let Some(d) = district.filter(|d| *d > 0) {
        let s = lingyan_store::status::for_district(&state.store, &caller.scope, d, as_of).await?;
        let schools = s
            .schools
            .into_iter()
            .map(|x| (x.school.name, x.analysis))
            .collect();
        return Ok((Analysed::District(s.district, s.analysis, schools), as_of));
    }
    let school = match q.school.parse::<i64>() {
        Ok(id) => id,
        Err(_) => lingyan_store::schools::all_with(&state.store, &caller.scope, Capability::ReadTeachers)
            .await?
            .first()
            .map(|s| s.id)
            .ok_or(Error::Forbidden)?,
    };
    let s = lingyan_store::status::for_school(&state.store, &caller.scope, school, as_of).await?;
    Ok((Analysed::School(s.school, s.analysis), as_of))
}

#[derive(Template)]
#[template(path = "status.html")]
struct StatusPage {
    ctx: PageCtx,
    title: String,
    paragraphs: Vec<String>,
    tables: Vec<TableWithChart>,

    as_of: String,
    school: String,
    district: String,
    /// (id, name in the page's language).
    schools: Vec<(i64, String)>,
    docx_zh: String,
    docx_en: String,
    pdf_zh: String,
    pdf_en: String,
}

/// (heading, column headers, rows, the chart beside it or "").
type TableWithChart = (String, Vec<String>, Vec<Vec<String>>, String);

/// The charts beside the tables, by the tables' order (人员构成, 骨干教师与
/// 荣誉称号, 年龄与教龄, …): backbone teachers by level beside the honours
/// table, staff by age band beside the age table; none elsewhere.
fn charts(a: &StatusAnalysis, tr: crate::i18n::Tr, district: &str) -> Vec<String> {
    // The county level as the district names itself (区级, 松滋市级), as
    // the tables beside the chart say it.
    let levels: Vec<String> = a
        .backbone_by_level
        .iter()
        .map(|(l, _)| lingyan_reports::status::level_word(tr.0, *l, district))
        .collect();
    let counts: Vec<u64> = a.backbone_by_level.iter().map(|(_, c)| *c).collect();
    let backbone = json!({
        "series": [{"name": tr.t("status.col_backbone"), "labels": levels, "values": counts}]
    });
    // The analysis counts nested bands (under 30 ⊂ under 35 ⊂ under 40);
    // the chart shows them apart: under 30, 30–34, 35–39, 40 and over.
    let under = |age: i32| {
        a.under_age
            .iter()
            .find(|(x, _)| *x == age)
            .map_or(0, |(_, s)| s.count)
    };
    let (u30, u35, u40) = (under(30), under(35), under(40));
    let known = a.staff.saturating_sub(a.age_unknown);
    let ages = json!({
        "series": [{
            "name": tr.t("status.t_age"),
            "labels": [
                tr.t1("status.row_under", "age", &30),
                tr.t("status.band_30_34"),
                tr.t("status.band_35_39"),
                tr.t("status.band_40_up"),
            ],
            "values": [u30, u35.saturating_sub(u30), u40.saturating_sub(u35), known.saturating_sub(u40)],
        }]
    });
    vec![String::new(), backbone.to_string(), ages.to_string()]
}

/// `GET /status?school=&district=&as_of=`
async fn view_status_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    Query(q): Query<StatusQuery>,
) -> Result<Response, PageError> {
    let (a, as_of) = analyse(&state, &caller, &q).await?;
    let l = ctx.tr.0;
    let (school, district) = match &a {
        Analysed::School(s, _) => (s.id.to_string(), String::new()),
        Analysed::District(d, ..) => (String::new(), d.id.to_string()),
    };
    let link = |path: &str, lang: &str| {
        super::url_with(
            path,
            &[
                ("school", school.clone()),
                ("district", district.clone()),
                ("as_of", as_of.to_string()),
                ("lang", lang.into()),
            ],
        )
    };
    let mut tables = lingyan_reports::status::tables(a.subject(l), a.analysis(), l);
    let schools_list = a.schools();
    if !schools_list.is_empty() {
        tables.push(lingyan_reports::status::school_table(&schools_list, l));
    }
    Ok(render(&StatusPage {
        title: lingyan_reports::status::title(a.subject(l), l),
        paragraphs: lingyan_reports::status::prose(a.subject(l), a.analysis(), l),
        tables: tables
            .into_iter()
            .zip(
                charts(a.analysis(), ctx.tr, a.district_name())
                    .into_iter()
                    .chain(std::iter::repeat(String::new())),
            )
            .map(|((h, c, r), chart)| (h, c, r, chart))
            .collect(),
        as_of: as_of.to_string(),
        schools: lingyan_store::schools::all_with(&state.store, &caller.scope, Capability::ReadTeachers)
            .await?
            .into_iter()
            .map(|s| {
                (
                    s.id,
                    lingyan_reports::local_name(l, &s.name, s.name_en.as_deref()).to_string(),
                )
            })
            .collect(),
        docx_zh: link("/status.docx", "zh-CN"),
        docx_en: link("/status.docx", "en"),
        pdf_zh: link("/status.pdf", "zh-CN"),
        pdf_en: link("/status.pdf", "en"),
        school,
        district,
        ctx,
    }))
}

/// The two documents of the analysis.
#[derive(Clone, Copy)]
enum Doc {
    Docx,
    Pdf,
}

/// `GET /status.docx?…&lang=`: the Word document.
async fn view_status_docx_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    Query(q): Query<StatusQuery>,
) -> Result<Response, PageError> {
    document(&state, &caller, ctx, &q, Doc::Docx).await
}

/// `GET /status.pdf?…&lang=`: the PDF, in the house style of official
/// documents.
async fn view_status_pdf_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    Query(q): Query<StatusQuery>,
) -> Result<Response, PageError> {
    document(&state, &caller, ctx, &q, Doc::Pdf).await
}

/// The analysis as a document in the asked language (else the page's),
/// named after its title and date.
async fn document(
    state: &AppState,
    caller: &Caller,
    ctx: PageCtx,
    q: &StatusQuery,
    doc: Doc,
) -> Result<Response, PageError> {
    let (a, as_of) = analyse(state, caller, q).await?;
    let l = Locale::parse(&q.lang).unwrap_or(ctx.tr.0);
    let (subject, schools) = (a.subject(l), a.schools());
    let made = match doc {
        Doc::Docx => lingyan_reports::status::docx(subject, a.analysis(), &schools, l),
        Doc::Pdf => lingyan_reports::status::pdf(subject, a.analysis(), &schools, l),
    };
    let bytes = made.map_err(|e| PageError::Store(Error::Internal(e.to_string())))?;
    let title = lingyan_reports::status::title(subject, l);
    Ok(match doc {
        Doc::Docx => file_response(
            bytes,
            &format!("{title}-{as_of}.docx"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "status.docx",
        ),
        Doc::Pdf => file_response(
            bytes,
            &format!("{title}-{as_of}.pdf"),
            "application/pdf",
            "status.pdf",
        ),
    })
}

/// A download named `filename` (any script, RFC 5987), with an ASCII
/// fallback name for old clients.
pub(crate) fn file_response(
    bytes: Vec<u8>,
    filename: &str,
    content_type: &'static str,
    ascii: &str,
) -> Response {
    let mut resp = bytes.into_response();
    resp.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    let encoded: String = form_urlencoded::byte_serialize(filename.as_bytes()).collect();
    if let Ok(v) = HeaderValue::from_str(&format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}"
    )) {
        resp.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    resp
}
