//! A school's or district's calendar (school-year dates) and tier rules.

use super::place::{Place, both};
use super::rule_sets::{self, Head};
use super::users::RepeatedForm;
use super::{PageCtx, flash, redirect, render, render_status};
use crate::auth::Caller;
use crate::error::PageError;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::{Form, Router};
use lingyan_domain::tiers::{Combine, HonourCondition, TierRule};
use lingyan_domain::{FieldError, HonourKind, Level, TierRules};
use lingyan_store::Error;
use lingyan_store::calendar::{Source, YearInput, YearView, today};
use serde::Deserialize;
use tower_sessions::Session;

pub fn router() -> Router<AppState> {
    let r = both(
        Router::new(),
        "/calendar",
        get(view_calendar_get).post(view_calendar_post),
    );
    let r = both(r, "/tiers", get(view_tiers_get).post(view_tiers_post));
    both(
        r,
        "/tiers/versions/{vid}",
        get(rule_sets::view_version_get::<TierRules>),
    )
}

#[derive(Template)]
#[template(path = "calendar.html")]
struct CalendarPage {
    ctx: PageCtx,
    place: Place,
    /// Each year with where its dates come from.
    years: Vec<(YearView, String)>,
    current: String,
    form: CalendarForm,
    error: Option<crate::pages::FormError>,
}

#[derive(Deserialize, Default, Clone)]
struct CalendarForm {
    #[serde(default)]
    start_year: String,
    #[serde(default)]
    first_start: String,
    #[serde(default)]
    first_end: String,
    #[serde(default)]
    second_start: String,
    #[serde(default)]
    second_end: String,
}

fn source_key(s: Source) -> &'static str {
    match s {
        Source::School => "calendar.source_school",
        Source::District => "calendar.source_district",
        Source::Standard => "calendar.source_standard",
    }
}

async fn calendar_page(
    state: &AppState,
    caller: &Caller,
    ctx: PageCtx,
    place: Place,
    form: Option<CalendarForm>,
    error: Option<crate::pages::FormError>,
) -> Result<CalendarPage, PageError> {
    let years =
        lingyan_store::calendar::years(&state.store, &caller.scope, place.district_id, place.school_id)
            .await?;
    let cal = lingyan_domain::Calendar::new(years.iter().map(|y| y.year).collect());
    let sem = cal.semester_of(today());
    let current = if ctx.tr.is_zh() { sem.zh() } else { sem.en() };
    let form = form.unwrap_or_else(|| {
        let y = cal.year(sem.year + 1);
        CalendarForm {
            start_year: y.start_year.to_string(),
            first_start: y.first_start.to_string(),
            first_end: y.first_end.to_string(),
            second_start: y.second_start.to_string(),
            second_end: y.second_end.to_string(),
        }
    });
    let years = years
        .into_iter()
        .map(|y| {
            let label = ctx.tr.t(source_key(y.source));
            (y, label)
        })
        .collect();
    Ok(CalendarPage {
        ctx,
        place,
        years,
        current,
        form,
        error,
    })
}

/// `GET /schools/{id}/calendar`, `GET /districts/{id}/calendar`
async fn view_calendar_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    place: Place,
) -> Result<Response, PageError> {
    Ok(render(
        &calendar_page(&state, &caller, ctx, place, None, None).await?,
    ))
}

/// `POST /schools/{id}/calendar`, `POST /districts/{id}/calendar`
async fn view_calendar_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    place: Place,
    Form(f): Form<CalendarForm>,
) -> Result<Response, PageError> {
    place.require_edit()?;
    let input = YearInput {
        start_year: f.start_year.clone(),
        first_start: f.first_start.clone(),
        first_end: f.first_end.clone(),
        second_start: f.second_start.clone(),
        second_end: f.second_end.clone(),
    };
    match lingyan_store::calendar::set_year(
        &state.store,
        &caller.scope,
        place.district_id,
        place.school_id,
        &input,
    )
    .await
    {
        Ok(_) => {
            flash(&session, "ok", ctx.tr.t("common.saved")).await;
            Ok(redirect(&format!("{}/calendar", place.base)))
        }
        Err(e @ Error::Invalid(_)) => {
            let msg = super::message_for(&e);
            Ok(render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &calendar_page(&state, &caller, ctx, place, Some(f), Some(msg)).await?,
            ))
        }
        Err(e) => Err(e.into()),
    }
}

/// One row of the tier editor.
#[derive(Debug, Clone, Default)]
pub struct TierRow {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub combine: String,
    pub age_below: String,
    pub age_at_least: String,
    pub years_at_most: String,
    pub years_at_least: String,
    pub honour: String,
    pub honour_level: String,
}

impl TierRow {
    fn of(t: &TierRule) -> Self {
        let n = |v: Option<i32>| v.map(|v| v.to_string()).unwrap_or_default();
        Self {
            code: t.code.clone(),
            name_zh: t.name_zh.clone(),
            name_en: t.name_en.clone(),
            combine: match t.combine {
                Combine::All => "all".into(),
                Combine::Any => "any".into(),
            },
            age_below: n(t.age_below),
            age_at_least: n(t.age_at_least),
            years_at_most: n(t.years_at_most),
            years_at_least: n(t.years_at_least),
            honour: t.honour.map(|h| h.kind.code().to_string()).unwrap_or_default(),
            honour_level: t
                .honour
                .map(|h| h.min_level.code().to_string())
                .unwrap_or_default(),
        }
    }
}

/// The editor's repeated fields, one value per row.
#[derive(Deserialize, Default)]
struct TiersForm {
    #[serde(default)]
    year: String,
    #[serde(default)]
    code: Vec<String>,
    #[serde(default)]
    name_zh: Vec<String>,
    #[serde(default)]
    name_en: Vec<String>,
    #[serde(default)]
    combine: Vec<String>,
    #[serde(default)]
    age_below: Vec<String>,
    #[serde(default)]
    age_at_least: Vec<String>,
    #[serde(default)]
    years_at_most: Vec<String>,
    #[serde(default)]
    years_at_least: Vec<String>,
    #[serde(default)]
    honour: Vec<String>,
    #[serde(default)]
    honour_level: Vec<String>,
}

impl TiersForm {
    fn rows(&self) -> Vec<TierRow> {
        let at = |v: &Vec<String>, i: usize| v.get(i).cloned().unwrap_or_default();
        (0..self.code.len())
            .map(|i| TierRow {
                code: at(&self.code, i),
                name_zh: at(&self.name_zh, i),
                name_en: at(&self.name_en, i),
                combine: at(&self.combine, i),
                age_below: at(&self.age_below, i),
                age_at_least: at(&self.age_at_least, i),
                years_at_most: at(&self.years_at_most, i),
                years_at_least: at(&self.years_at_least, i),
                honour: at(&self.honour, i),
                honour_level: at(&self.honour_level, i),
            })
            .filter(|r| !r.code.trim().is_empty() || !r.name_zh.trim().is_empty())
            .collect()
    }

    /// Parses the rows into rules, naming the row and field of a problem.
    fn rules(&self) -> Result<TierRules, FieldError> {
        let mut tiers = Vec::new();
        for (i, r) in self.rows().iter().enumerate() {
            let num = |field: &'static str, s: &str| -> Result<Option<i32>, FieldError> {
                match s.trim() {
                    "" => Ok(None),
                    t => t.parse::<i32>().map(Some).map_err(|_| {
                        FieldError::new(field, "tier_number")
                            .with("n", i + 1)
                            .with("value", t)
                    }),
                }
            };
            let honour = match r.honour.trim() {
                "" => None,
                k => Some(HonourCondition {
                    kind: HonourKind::parse("honour", k)?,
                    min_level: Level::parse(
                        "honour_level",
                        if r.honour_level.trim().is_empty() {
                            "school"
                        } else {
                            &r.honour_level
                        },
                    )?,
                }),
            };
            tiers.push(TierRule {
                code: r.code.trim().to_string(),
                name_zh: r.name_zh.trim().to_string(),
                name_en: r.name_en.trim().to_string(),
                combine: if r.combine == "any" {
                    Combine::Any
                } else {
                    Combine::All
                },
                age_below: num("age_below", &r.age_below)?,
                age_at_least: num("age_at_least", &r.age_at_least)?,
                years_at_most: num("years_at_most", &r.years_at_most)?,
                years_at_least: num("years_at_least", &r.years_at_least)?,
                honour,
            });
        }
        let rules = TierRules { tiers };
        rules.validate()?;
        Ok(rules)
    }
}

#[derive(Template)]
#[template(path = "tiers.html")]
struct TiersPage {
    ctx: PageCtx,
    place: Place,
    head: Head,
    year: i32,
    rows: Vec<TierRow>,
    kinds: Vec<HonourKind>,
    levels: Vec<Level>,
    error: Option<crate::pages::FormError>,
}

#[derive(Deserialize)]
struct YearQuery {
    year: Option<i32>,
}

async fn tiers_page(
    state: &AppState,
    caller: &Caller,
    ctx: PageCtx,
    place: Place,
    year: Option<i32>,
    rows: Option<Vec<TierRow>>,
    error: Option<crate::pages::FormError>,
) -> Result<TiersPage, PageError> {
    let year = match year {
        Some(y) => y,
        None => rule_sets::current_year(state, caller, &place).await?,
    };
    let view = lingyan_store::tiers::get(
        &state.store,
        &caller.scope,
        place.district_id,
        place.school_id,
        year,
    )
    .await?;
    let head = rule_sets::head::<TierRules>(
        state,
        caller,
        ctx.tr,
        &place,
        year,
        view.source,
        view.version.as_ref(),
    )
    .await?;
    let mut rows = rows.unwrap_or_else(|| view.set.tiers.iter().map(TierRow::of).collect());
    rows.push(TierRow::default());
    Ok(TiersPage {
        ctx,
        place,
        head,
        year,
        rows,
        kinds: HonourKind::ALL.to_vec(),
        levels: Level::ALL.to_vec(),
        error,
    })
}

/// `GET /schools/{id}/tiers?year=`, `GET /districts/{id}/tiers?year=`
async fn view_tiers_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    place: Place,
    Query(q): Query<YearQuery>,
) -> Result<Response, PageError> {
    Ok(render(
        &tiers_page(&state, &caller, ctx, place, q.year, None, None).await?,
    ))
}

/// `POST /schools/{id}/tiers`, `POST /districts/{id}/tiers`
async fn view_tiers_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    place: Place,
    RepeatedForm(f): RepeatedForm<TiersForm>,
) -> Result<Response, PageError> {
    place.require_edit()?;
    let year: Option<i32> = f.year.trim().parse().ok();
    let result = match (year, f.rules()) {
        (None, _) => Err(Error::Invalid(
            FieldError::new("year", "not_a_year").with("value", f.year.trim()),
        )),
        (Some(_), Err(e)) => Err(Error::Invalid(e)),
        (Some(y), Ok(rules)) => lingyan_store::tiers::set(
            &state.store,
            &caller.scope,
            place.district_id,
            place.school_id,
            y,
            rules,
        )
        .await
        .map(|_| ()),
    };
    match result {
        Ok(()) => {
            flash(&session, "ok", ctx.tr.t("common.saved")).await;
            Ok(redirect(&format!(
                "{}/tiers?year={}",
                place.base,
                year.unwrap_or_default()
            )))
        }
        Err(e @ Error::Invalid(_)) => {
            let msg = super::message_for(&e);
            let rows = f.rows();
            Ok(render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &tiers_page(&state, &caller, ctx, place, year, Some(rows), Some(msg)).await?,
            ))
        }
        Err(e) => Err(e.into()),
    }
}
