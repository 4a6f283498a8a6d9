//! The mentoring rules of a school or district per school year (how many
//! apprentices a mentor may have at a time), kept as every rule set is
//! (decision 32): the set in force, a form to save a new version, and the
//! history with what each version changed.

use crate::auth::Caller;
use crate::error::PageError;
use crate::i18n::Tr;
use crate::pages::place::Place;
use crate::pages::rule_sets::{self, Head, Worded};
use crate::pages::{FormError, PageCtx, flash, message_for, redirect, render_status};
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::Response;
use lingyan_domain::TierRules;
use lingyan_domain::mentoring::matching::MatchWeights;
use lingyan_domain::mentoring::{LOAD_CODE, MentoringRules, WEIGHTS_CODE};
use lingyan_store::Error;
use lingyan_store::mentoring::pairs;
use lingyan_store::rule_sets::Source;
use serde::Deserialize;
use tower_sessions::Session;

impl Worded for MentoringRules {
    const PATH: &'static str = "/mentoring/rules";
    const TITLE: &'static str = "mentoring.rules_title";

    fn source_text(tr: Tr, source: Source) -> String {
        match source {
            Source::School { year } => tr.t1("mentoring.rules_source_school", "year", &year),
            Source::District { year } => tr.t1("mentoring.rules_source_district", "year", &year),
            Source::Default => tr.t("mentoring.rules_source_default"),
        }
    }

    fn rule_name(&self, code: &str, tr: Tr) -> Option<String> {
        match code {
            LOAD_CODE => Some(tr.t("fields.max_apprentices")),
            WEIGHTS_CODE => Some(tr.t("mentoring.weights")),
            _ => None,
        }
    }

    fn rule_text(&self, code: &str, _tiers: &TierRules, tr: Tr) -> Option<String> {
        match code {
            LOAD_CODE => Some(tr.n("mentoring.load_text", &self.max_apprentices)),
            WEIGHTS_CODE => Some(weights_text(tr, &self.weights)),
            _ => None,
        }
    }
}

#[derive(Deserialize, Default)]
pub(crate) struct YearQuery {
    year: Option<i32>,
}

#[derive(Template)]
#[template(path = "mentoring_rules.html")]
struct RulesPage {
    ctx: PageCtx,
    place: Place,
    head: Head,
    year: i32,
    load: String,
    weights: String,
    max_apprentices: String,
    /// The weights' fields as typed (or in force): name, label, value.
    weight_fields: Vec<(&'static str, String, String)>,
    /// Which form the error belongs to: "load" or "weights".
    error_in: &'static str,
    error: Option<FormError>,
}

/// The weights' fields in the order the form shows them.
const WEIGHT_FIELDS: [&str; 8] = [
    "same_subject",
    "same_section",
    "honour_step",
    "per_year",
    "max_years",
    "per_apprentice",
    "per_past_pair",
    "max_past_pairs",
];

fn weight_slot<'a>(w: &'a mut MatchWeights, field: &str) -> Option<&'a mut u32> {
    Some(match field {
        "same_subject" => &mut w.same_subject,
        "same_section" => &mut w.same_section,
        "honour_step" => &mut w.honour_step,
        "per_year" => &mut w.per_year,
        "max_years" => &mut w.max_years,
        "per_apprentice" => &mut w.per_apprentice,
        "per_past_pair" => &mut w.per_past_pair,
        "max_past_pairs" => &mut w.max_past_pairs,
        _ => return None,
    })
}

/// What was typed into the forms, kept when a form is refused.
#[derive(Default)]
struct Typed {
    max_apprentices: Option<String>,
    weights: Option<std::collections::HashMap<String, String>>,
    error_in: &'static str,
}

async fn page(
    state: &AppState,
    caller: &Caller,
    ctx: PageCtx,
    place: Place,
    year: Option<i32>,
    typed: Typed,
    error: Option<FormError>,
) -> Result<Response, PageError> {
    let tr = ctx.tr;
    let year = match year {
        Some(y) => y,
        None => {
            lingyan_store::calendar::current_year(
                &state.store,
                &caller.scope,
                place.district_id,
                place.school_id,
            )
            .await?
        }
    };
    let v = pairs::rules(&state.store, &caller.scope, place.rules(), year).await?;
    let head =
        rule_sets::head::<MentoringRules>(state, caller, tr, &place, year, v.source, v.version.as_ref())
            .await?;
    let status = crate::pages::form_status(&error);
    let mut in_force = v.set.weights;
    let weight_fields = WEIGHT_FIELDS
        .iter()
        .map(|f| {
            let value = match typed.weights.as_ref().and_then(|w| w.get(*f)) {
                Some(t) => t.clone(),
                None => weight_slot(&mut in_force, f)
                    .map(|v| v.to_string())
                    .unwrap_or_default(),
            };
            (*f, tr.t(&format!("fields.{f}")), value)
        })
        .collect();
    Ok(render_status(
        status,
        &RulesPage {
            load: tr.n("mentoring.load_text", &v.set.max_apprentices),
            weights: weights_text(tr, &v.set.weights),
            max_apprentices: typed
                .max_apprentices
                .unwrap_or_else(|| v.set.max_apprentices.to_string()),
            weight_fields,
            error_in: typed.error_in,
            ctx,
            place,
            head,
            year,
            error,
        },
    ))
}

/// `GET /schools/{id}/mentoring/rules?year=` (and under `/districts/{id}`)
pub(crate) async fn view_mentoring_rules_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    place: Place,
    Query(q): Query<YearQuery>,
) -> Result<Response, PageError> {
    page(&state, &caller, ctx, place, q.year, Typed::default(), None).await
}

/// Either form of the page: the load (`max_apprentices`) or the weights
/// (every field of [`WEIGHT_FIELDS`]); what is not sent stays as in force.
#[derive(Deserialize)]
pub(crate) struct RulesForm {
    #[serde(default)]
    year: String,
    max_apprentices: Option<String>,
    #[serde(flatten)]
    rest: std::collections::HashMap<String, String>,
}

/// The rules in force with what the form changes, or the first field it
/// cannot read.
fn changed(mut set: MentoringRules, f: &RulesForm) -> Result<MentoringRules, Error> {
    if let Some(n) = &f.max_apprentices {
        set.max_apprentices = n.trim().parse::<u8>().map_err(|_| {
            Error::Invalid(
                lingyan_domain::FieldError::new("max_apprentices", "out_of_range")
                    .with("min", 1)
                    .with("max", 10),
            )
        })?;
    }
    let mut problems = Vec::new();
    for field in WEIGHT_FIELDS {
        let Some(typed) = f.rest.get(field) else { continue };
        match typed.trim().parse::<u32>() {
            Ok(v) => {
                if let Some(slot) = weight_slot(&mut set.weights, field) {
                    *slot = v;
                }
            }
            Err(_) => problems.push(
                lingyan_domain::FieldError::new(field, "out_of_range")
                    .with("min", 0)
                    .with("max", 1000),
            ),
        }
    }
    match problems.len() {
        0 => Ok(set),
        1 => Err(Error::Invalid(problems.remove(0))),
        _ => Err(Error::InvalidAll(problems)),
    }
}

/// `POST …/mentoring/rules`: saves the year's rules as a new version.
pub(crate) async fn view_mentoring_rules_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    place: Place,
    Form(f): Form<RulesForm>,
) -> Result<Response, PageError> {
    place.require_edit()?;
    let year = f
        .year
        .trim()
        .parse::<i32>()
        .map_err(|_| Error::Invalid(lingyan_domain::FieldError::new("year", "invalid")))?;
    // What the form does not send stays as it is in force.
    let in_force = pairs::rules(&state.store, &caller.scope, place.rules(), year)
        .await?
        .set;
    let result = match changed(in_force, &f) {
        Ok(set) => pairs::save_rules(&state.store, &caller.scope, place.rules(), year, set).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => {
            flash(&session, "ok", ctx.tr.t("mentoring.rules_saved")).await;
            Ok(redirect(&format!("{}/mentoring/rules?year={year}", place.base)))
        }
        Err(e @ (Error::Invalid(_) | Error::InvalidAll(_))) => {
            let msg = message_for(&e);
            let typed = match f.max_apprentices {
                Some(n) => Typed {
                    max_apprentices: Some(n),
                    weights: None,
                    error_in: "load",
                },
                None => Typed {
                    max_apprentices: None,
                    weights: Some(f.rest),
                    error_in: "weights",
                },
            };
            page(&state, &caller, ctx, place, Some(year), typed, Some(msg)).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The matching weights in one line.
pub(crate) fn weights_text(tr: Tr, w: &MatchWeights) -> String {
    crate::i18n::t_args(
        tr.0,
        "mentoring.weights_text",
        &[
            ("subject", w.same_subject.to_string()),
            ("section", w.same_section.to_string()),
            ("honour", w.honour_step.to_string()),
            ("year", w.per_year.to_string()),
            ("max_years", w.max_years.to_string()),
            ("load", w.per_apprentice.to_string()),
            ("past", w.per_past_pair.to_string()),
            ("max_past", w.max_past_pairs.to_string()),
        ],
    )
}
