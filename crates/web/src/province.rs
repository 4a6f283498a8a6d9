//! The province at a glance (全省一览): one row per district — staff,
//! backbone teachers, age and education in brief, duty completion, who is
//! behind, the verification backlog — and a total row, worded once for the
//! streamed page, the workbook and the command line. The figures come from
//! `lingyan_store::province`, one district at a time.

use crate::i18n::{t, t_args, t_count};
use lingyan_domain::status::Share;
use lingyan_domain::{Level, Locale};
use lingyan_reports::{Cell, Table};
use lingyan_store::province::{DistrictLine, DutyTally, LevelCount, Totals};

/// Column headings, in the order of [`cells`].
pub fn headers(l: Locale) -> Vec<String> {
    [
        "province.col_district",
        "province.col_schools",
        "province.col_staff",
        "province.col_backbone",
        "province.col_by_level",
        "province.col_under_35",
        "province.col_average_age",
        "province.col_bachelor",
        "province.col_duties",
        "province.col_behind",
        "province.col_pending",
    ]
    .iter()
    .map(|k| t(l, k))
    .collect()
}

/// Which columns hold a figure (right-aligned); the district's name and
/// the levels are words.
pub const NUMERIC: [bool; 11] = [false, true, true, true, false, true, true, true, true, true, true];

/// A level as the province's columns say it: the county level is 县（区）级
/// (a province's districts are 县, 区 and county-level cities alike).
pub fn level_word(l: Locale, v: Level) -> String {
    match v {
        Level::County => t(l, "province.level_county"),
        _ => t(l, &format!("levels.{}", v.code())),
    }
}

/// "省级 2、市级 8" / "provincial 2, municipal 8"; "—" for none.
pub fn by_level(l: Locale, levels: &[LevelCount]) -> String {
    if levels.is_empty() {
        return "—".into();
    }
    levels
        .iter()
        .map(|c| format!("{} {}", level_word(l, c.level), c.teachers))
        .collect::<Vec<_>>()
        .join(if l == Locale::ZhCn { "、" } else { ", " })
}

/// "24（20%）" / "24 (20%)".
pub fn with_percent(l: Locale, s: Share) -> String {
    match l {
        Locale::ZhCn => format!("{}（{}%）", s.count, s.percent()),
        Locale::En => format!("{} ({}%)", s.count, s.percent()),
    }
}

fn percent(s: Share) -> String {
    format!("{}%", s.percent())
}

fn age(a: Option<f64>) -> String {
    a.map_or_else(|| "—".into(), |a| format!("{a:.1}"))
}

/// Done or on track as a share of what applies; "—" where no duty applies.
pub fn completion(d: &DutyTally) -> String {
    match d.applicable() {
        0 => "—".into(),
        _ => format!("{}%", d.percent()),
    }
}

fn num(n: u64) -> Cell {
    Cell::Number(n as f64)
}

/// One district's row.
pub fn cells(l: Locale, d: &DistrictLine) -> Vec<Cell> {
    vec![
        Cell::Text(
            lingyan_reports::local_name(l, &d.district.name, d.district.name_en.as_deref()).to_string(),
        ),
        num(d.schools),
        num(d.staff),
        Cell::Text(with_percent(l, d.backbone)),
        Cell::Text(by_level(l, &d.backbone_by_level)),
        Cell::Text(percent(d.under_35)),
        Cell::Text(age(d.average_age)),
        Cell::Text(percent(d.bachelor_or_above)),
        Cell::Text(completion(&d.duties)),
        num(d.teachers_behind),
        num(d.pending_verification),
    ]
}

/// The total row.
pub fn total_cells(l: Locale, s: &Totals) -> Vec<Cell> {
    let share = |n| Share::new(n, s.staff);
    vec![
        Cell::Text(t_count(l, "province.total", s.districts as usize, &[])),
        num(s.schools),
        num(s.staff),
        Cell::Text(with_percent(l, share(s.backbone))),
        Cell::Text(by_level(l, &s.backbone_by_level)),
        Cell::Text(percent(share(s.under_35))),
        Cell::Text(age(s.average_age)),
        Cell::Text(percent(share(s.bachelor_or_above))),
        Cell::Text(completion(&s.duties)),
        num(s.teachers_behind),
        num(s.pending_verification),
    ]
}

/// A cell as text (for the page and the terminal).
pub fn text(c: &Cell) -> String {
    match c {
        Cell::Text(s) | Cell::Marked(s, _) => s.clone(),
        Cell::Number(n) => lingyan_domain::evidence::fmt_num(*n),
        Cell::Date(d) => d.to_string(),
        Cell::Empty => String::new(),
    }
}

/// The title: "全省各区县一览（2026年12月6日）".
pub fn title(l: Locale, as_of: chrono::NaiveDate) -> String {
    t_args(
        l,
        "province.title_on",
        &[("date", lingyan_domain::dates::written(as_of, l))],
    )
}

/// The whole table as one sheet.
pub fn table(l: Locale, lines: &[DistrictLine], totals: &Totals) -> Table {
    let mut rows: Vec<Vec<Cell>> = lines.iter().map(|d| cells(l, d)).collect();
    rows.push(total_cells(l, totals));
    Table {
        title: t(l, "province.sheet"),
        headers: headers(l),
        rows,
    }
}

/// A response whose body is what arrives on `rx`, piece by piece, as it
/// arrives (the sender stops when the reader goes away).
pub(crate) fn streamed(
    rx: tokio::sync::mpsc::Receiver<String>,
    content_type: &'static str,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv()
            .await
            .map(|s| (Ok::<_, std::convert::Infallible>(axum::body::Bytes::from(s)), rx))
    });
    let mut resp = axum::body::Body::from_stream(stream).into_response();
    resp.headers_mut().insert(
        axum::http::header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static(content_type),
    );
    resp
}
