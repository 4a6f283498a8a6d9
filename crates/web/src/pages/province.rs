//! The province at a glance (全省一览): every district the caller reads,
//! side by side. A province of a hundred districts takes a while to add
//! up, so the page is streamed: the layout and the table's head go out at
//! once, each district's row as it is computed, then the total and the
//! chart. The workbook (`/province.xlsx`) holds the same table.

use super::PageCtx;
use crate::auth::Caller;
use crate::dashboard::DutyBar;
use crate::error::PageError;
use crate::i18n::Tr;
use crate::province;
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use chrono::NaiveDate;
use lingyan_domain::Locale;
use lingyan_store::province::{DistrictLine, DutyTally, Totals};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/province", get(view_province_get))
        .route("/province.xlsx", get(view_province_xlsx_get))
}

#[derive(Deserialize, Default)]
struct ProvinceQuery {
    #[serde(default)]
    as_of: String,
    #[serde(default)]
    lang: String,
}

/// Where the streamed rows go in the rendered page.
const ROWS: &str = "<!--province-rows-->";

#[derive(Template)]
#[template(path = "province.html")]
struct ProvincePage {
    ctx: PageCtx,
    title: String,
    as_of: String,
    districts: usize,
    xlsx_zh: String,
    xlsx_en: String,
}

/// A piece of the streamed table.
enum Part {
    Head,
    Row(i64, Vec<String>),
    Failed(String, String),
    Foot(Vec<String>, String),
}

#[derive(Template)]
#[template(path = "province_part.html")]
struct PartView {
    tr: Tr,
    part: Part,
    headers: Vec<String>,
}

fn as_of(s: &str) -> Result<NaiveDate, PageError> {
    match s.trim() {
        "" => Ok(lingyan_store::calendar::today()),
        s => lingyan_domain::dates::parse_date("as_of", s).map_err(|e| PageError::Store(e.into())),
    }
}

/// A district's duties as a bar of the home page's kind.
fn bar(name: String, d: &DutyTally) -> DutyBar {
    let n = |v: u64| u32::try_from(v).unwrap_or(u32::MAX);
    let mut b = DutyBar {
        name,
        done: n(d.done),
        on_track: n(d.on_track),
        behind: n(d.behind),
        overdue: n(d.overdue),
        percent: 0,
    };
    b.percent = b.pct(&(b.done + b.on_track));
    b
}

fn texts(cells: Vec<lingyan_reports::Cell>) -> Vec<String> {
    cells.iter().map(province::text).collect()
}

/// `GET /province?as_of=`
async fn view_province_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    Query(q): Query<ProvinceQuery>,
) -> Result<Response, PageError> {
    let as_of = as_of(&q.as_of)?;
    let districts = lingyan_store::province::districts(&state.store, &caller.scope).await?;
    if districts.is_empty() {
        return Err(PageError::Store(lingyan_store::Error::Forbidden));
    }
    let tr = ctx.tr;
    let l = tr.0;
    let link = |lang: &str| format!("/province.xlsx?as_of={as_of}&lang={lang}");
    let page = ProvincePage {
        title: province::title(l, as_of),
        as_of: as_of.to_string(),
        districts: districts.len(),
        xlsx_zh: link("zh-CN"),
        xlsx_en: link("en"),
        ctx,
    }
    .render()
    .map_err(|e| PageError::BadRequest(e.to_string()))?;
    let (head, tail) = match page.split_once(ROWS) {
        Some((h, t)) => (h.to_string(), t.to_string()),
        None => (page, String::new()),
    };
    let headers = province::headers(l);
    let piece = move |part: Part| {
        PartView {
            tr,
            part,
            headers: headers.clone(),
        }
        .render()
        .unwrap_or_default()
    };
    // Rows are computed in a task of their own and handed to the response
    // two at a time: a reader who goes away stops the work.
    let (tx, rx) = tokio::sync::mpsc::channel::<String>(2);
    let store = state.store.clone();
    let scope = caller.scope.clone();
    tokio::spawn(crate::i18n::with_locale(l, async move {
        if tx.send(head).await.is_err() || tx.send(piece(Part::Head)).await.is_err() {
            return;
        }
        let mut totals = Totals::default();
        let mut bars = Vec::new();
        for d in &districts {
            let name = tr.name(&d.name, &d.name_en).to_string();
            let html = match lingyan_store::province::line(&store, &scope, d, as_of).await {
                Ok(line) => {
                    totals.add(&line);
                    bars.push(bar(name, &line.duties));
                    piece(Part::Row(d.id, texts(province::cells(l, &line))))
                }
                Err(e) => {
                    tracing::error!(district = d.id, error = %e, "province row failed");
                    piece(Part::Failed(name, crate::error::describe(&e).message))
                }
            };
            if tx.send(html).await.is_err() {
                return;
            }
        }
        let chart = crate::dashboard::duties::stacked_chart(&tr.t("province.chart"), &bars, tr);
        let foot = piece(Part::Foot(texts(province::total_cells(l, &totals)), chart));
        if tx.send(foot).await.is_ok() {
            let _ = tx.send(tail).await;
        }
    }));
    Ok(crate::province::streamed(rx, "text/html; charset=utf-8"))
}

/// `GET /province.xlsx?as_of=&lang=`
async fn view_province_xlsx_get(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<ProvinceQuery>,
) -> Result<Response, PageError> {
    let as_of = as_of(&q.as_of)?;
    let l = Locale::parse(&q.lang).unwrap_or(caller.locale);
    let districts = lingyan_store::province::districts(&state.store, &caller.scope).await?;
    if districts.is_empty() {
        return Err(PageError::Store(lingyan_store::Error::Forbidden));
    }
    let mut lines: Vec<DistrictLine> = Vec::with_capacity(districts.len());
    let mut totals = Totals::default();
    for d in &districts {
        let line = lingyan_store::province::line(&state.store, &caller.scope, d, as_of).await?;
        totals.add(&line);
        lines.push(line);
    }
    let bytes = lingyan_reports::xlsx(&[province::table(l, &lines, &totals)])
        .map_err(|e| PageError::BadRequest(e.to_string()))?;
    let name = format!("{}-{as_of}.xlsx", crate::i18n::t(l, "province.file"));
    Ok(super::xlsx_download(bytes, &name))
}
