//! The page pattern every rule set follows (tier rules, duty rules, and the
//! kinds later areas add): a heading with the place and school year, year
//! navigation, where the set in force comes from (own, inherited from the
//! district, or the default) and which version it is, the place's history,
//! and each version's changes in words. An area implements [`Worded`] for
//! its kind, includes `rule_set_head.html` and `rule_set_history.html` in
//! its page, and registers [`view_version_get`] for its kind under
//! `<path>/versions/{vid}` with `place::both`.

use super::place::Place;
use super::{PageCtx, render};
use crate::auth::Caller;
use crate::error::PageError;
use crate::i18n::Tr;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use lingyan_domain::rule_sets::{ChangeKind, RuleSetKind};
use lingyan_domain::{TierRules, tiers::Combine};
use lingyan_store::Error;
use lingyan_store::rule_sets::{Diff, Source, VersionInfo};

/// A rule-set kind as the pages word it.
pub trait Worded: RuleSetKind {
    /// Where the kind's page sits under a place: `/tiers`, `/duties/rules`.
    const PATH: &'static str;
    /// The i18n key of the page's title.
    const TITLE: &'static str;

    /// Where the set in force comes from, in words.
    fn source_text(tr: Tr, source: Source) -> String;

    /// A rule's name, in the reader's language.
    fn rule_name(&self, code: &str, tr: Tr) -> Option<String>;

    /// A rule in one line: what it asks, of whom. `tiers` names tiers.
    fn rule_text(&self, code: &str, tiers: &TierRules, tr: Tr) -> Option<String>;
}

impl Worded for TierRules {
    const PATH: &'static str = "/tiers";
    const TITLE: &'static str = "tiers.title";

    fn source_text(tr: Tr, source: Source) -> String {
        match source {
            Source::School { year } => tr.t1("tiers.source_school", "year", &year),
            Source::District { year } => tr.t1("tiers.source_district", "year", &year),
            Source::Default => tr.t("tiers.source_standard"),
        }
    }

    fn rule_name(&self, code: &str, tr: Tr) -> Option<String> {
        self.find(code).map(|t| {
            if tr.is_zh() {
                t.name_zh.clone()
            } else {
                t.name_en.clone()
            }
        })
    }

    fn rule_text(&self, code: &str, _tiers: &TierRules, tr: Tr) -> Option<String> {
        let t = self.find(code)?;
        let mut parts = Vec::new();
        if let Some(v) = t.age_below {
            parts.push(tr.t1("duties.w_age_below", "n", &v));
        }
        if let Some(v) = t.age_at_least {
            parts.push(tr.t1("duties.w_age_at_least", "n", &v));
        }
        if let Some(v) = t.years_at_most {
            parts.push(tr.t1("duties.w_years_at_most", "n", &v));
        }
        if let Some(v) = t.years_at_least {
            parts.push(tr.t1("duties.w_years_at_least", "n", &v));
        }
        if let Some(h) = t.honour {
            parts.push(
                tr.t("duties.w_honour")
                    .replace("%{level}", &tr.label("levels", h.min_level.code()))
                    .replace("%{honour}", &tr.label("honour_kinds", h.kind.code())),
            );
        }
        Some(match parts.len() {
            0 => tr.t("rule_sets.tier_everyone_else"),
            1 => parts.remove(0),
            _ => {
                let how = match t.combine {
                    Combine::All => tr.t("tiers.all"),
                    Combine::Any => tr.t("tiers.any"),
                };
                if tr.is_zh() {
                    format!("{}（{how}）", parts.join("；"))
                } else {
                    format!("{} ({how})", parts.join("; "))
                }
            }
        })
    }
}

impl Worded for lingyan_domain::duties::DutySet {
    const PATH: &'static str = "/duties/rules";
    const TITLE: &'static str = "duties.rules";

    fn source_text(tr: Tr, source: Source) -> String {
        match source {
            Source::School { year } => tr.t1("duties.source_school", "year", &year),
            Source::District { year } => tr.t1("duties.source_district", "year", &year),
            Source::Default => tr.t("duties.source_none"),
        }
    }

    fn rule_name(&self, code: &str, tr: Tr) -> Option<String> {
        self.find(code).map(|r| r.name(tr.0).to_string())
    }

    fn rule_text(&self, code: &str, tiers: &TierRules, tr: Tr) -> Option<String> {
        let r = self.find(code)?;
        let t = super::duties::describe(r, tiers, tr);
        let mut s = format!("{} · {} · {}", t.what, t.how, t.whom);
        if let Some(d) = r.since {
            s.push_str(&tr.t1("rule_sets.since", "date", &tr.date(&d)));
        }
        Some(s)
    }
}

/// One line of a place's history.
pub struct VersionRow {
    pub href: String,
    /// "2026–2027, version 2"
    pub label: String,
    pub saved: String,
    pub by: String,
    pub effective: String,
    pub in_force: bool,
}

/// What the top of every rule-set page shows.
pub struct Head {
    pub title: String,
    pub year: i32,
    pub prev: String,
    pub next: String,
    pub source: String,
    /// Which version is in force and since when, in words (empty for the default).
    pub version: String,
    pub history: Vec<VersionRow>,
}

fn version_label(tr: Tr, v: &VersionInfo) -> String {
    tr.t("rule_sets.version_label")
        .replace("%{from}", &v.year.to_string())
        .replace("%{to}", &(v.year + 1).to_string())
        .replace("%{n}", &v.version.to_string())
}

fn row<K: Worded>(tr: Tr, place: &Place, v: &VersionInfo, in_force: Option<i64>) -> VersionRow {
    VersionRow {
        href: format!("{}{}/versions/{}", place.base, K::PATH, v.id),
        label: version_label(tr, v),
        saved: tr.datetime(&v.saved_at),
        by: v.saved_by.clone().unwrap_or_else(|| tr.t("rule_sets.by_system")),
        effective: v
            .effective_from
            .map(|d| tr.date(&d))
            .unwrap_or_else(|| tr.t("rule_sets.from_year_start")),
        in_force: in_force == Some(v.id),
    }
}

/// The school year the calendar puts today in, for the place.
pub async fn current_year(state: &AppState, caller: &Caller, place: &Place) -> Result<i32, Error> {
    lingyan_store::calendar::current_year(&state.store, &caller.scope, place.district_id, place.school_id)
        .await
}

/// The heading, year navigation, source and history of a kind's page.
pub async fn head<K: Worded>(
    state: &AppState,
    caller: &Caller,
    tr: Tr,
    place: &Place,
    year: i32,
    source: Source,
    version: Option<&VersionInfo>,
) -> Result<Head, Error> {
    let history = lingyan_store::rule_sets::history::<K>(&state.store, &caller.scope, place.rules()).await?;
    let own = version.filter(|v| v.school_id == place.school_id).map(|v| v.id);
    let version = match version {
        Some(v) => {
            let mut s = tr
                .t("rule_sets.in_force_version")
                .replace("%{version}", &version_label(tr, v))
                .replace(
                    "%{by}",
                    &v.saved_by.clone().unwrap_or_else(|| tr.t("rule_sets.by_system")),
                )
                .replace("%{at}", &tr.datetime(&v.saved_at));
            if let Some(d) = v.effective_from {
                s.push_str(&tr.t1("rule_sets.effective_note", "date", &tr.date(&d)));
            }
            s
        }
        None => String::new(),
    };
    let path = format!("{}{}", place.base, K::PATH);
    Ok(Head {
        title: tr.t(K::TITLE),
        year,
        prev: format!("{path}?year={}", year - 1),
        next: format!("{path}?year={}", year + 1),
        source: K::source_text(tr, source),
        version,
        history: history.iter().map(|v| row::<K>(tr, place, v, own)).collect(),
    })
}

/// One change, in words.
pub struct ChangeRow {
    /// "Added", "Removed" …
    pub what: String,
    /// `added`, `removed`, `changed`, `reordered`.
    pub class: &'static str,
    /// The rule's code (empty for a new order).
    pub code: String,
    pub name: String,
    pub before: String,
    pub after: String,
}

/// A version's changes in words, for the page and the API alike.
pub fn changes<K: Worded>(d: &Diff<K>, tiers: &TierRules, tr: Tr) -> Vec<ChangeRow> {
    let name = |set: &K, code: &str| set.rule_name(code, tr).unwrap_or_else(|| code.to_string());
    let text = |set: &K, code: &str| set.rule_text(code, tiers, tr).unwrap_or_default();
    let order = |set: &K| {
        set.codes()
            .iter()
            .map(|c| name(set, c))
            .collect::<Vec<_>>()
            .join(" → ")
    };
    d.changes
        .iter()
        .map(|c| {
            let (name, before, after) = match c.change {
                ChangeKind::Added => (name(&d.after, &c.code), String::new(), text(&d.after, &c.code)),
                ChangeKind::Removed => (name(&d.before, &c.code), text(&d.before, &c.code), String::new()),
                ChangeKind::Changed => (
                    name(&d.after, &c.code),
                    text(&d.before, &c.code),
                    text(&d.after, &c.code),
                ),
                ChangeKind::Reordered => (tr.t("rule_sets.order"), order(&d.before), order(&d.after)),
            };
            ChangeRow {
                what: tr.label("rule_sets.change", c.change.code()),
                class: c.change.code(),
                code: c.code.clone(),
                name,
                before,
                after,
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "rule_set_version.html")]
struct VersionPage {
    ctx: PageCtx,
    place: Place,
    title: String,
    back: String,
    label: String,
    saved: String,
    effective: String,
    before_source: String,
    changes: Vec<ChangeRow>,
}

/// `GET /{schools|districts}/{id}/{kind path}/versions/{vid}`: one version
/// beside what was in force before it.
pub async fn view_version_get<K: Worded>(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    place: Place,
    Path((_, vid)): Path<(i64, i64)>,
) -> Result<Response, PageError> {
    let tr = ctx.tr;
    let d = lingyan_store::rule_sets::diff::<K>(&state.store, &caller.scope, place.rules(), vid).await?;
    let tiers = lingyan_store::tiers::get(
        &state.store,
        &caller.scope,
        place.district_id,
        place.school_id,
        d.version.year,
    )
    .await?
    .set;
    let changes = changes(&d, &tiers, tr);
    let v = &d.version;
    Ok(render(&VersionPage {
        title: tr.t(K::TITLE),
        back: format!("{}{}?year={}", place.base, K::PATH, v.year),
        label: version_label(tr, v),
        saved: tr
            .t("rule_sets.saved_by")
            .replace(
                "%{by}",
                &v.saved_by.clone().unwrap_or_else(|| tr.t("rule_sets.by_system")),
            )
            .replace("%{at}", &tr.datetime(&v.saved_at)),
        effective: v
            .effective_from
            .map(|d| tr.t1("rule_sets.effective_from", "date", &tr.date(&d)))
            .unwrap_or_default(),
        before_source: K::source_text(tr, d.before_source),
        changes,
        ctx,
        place,
    }))
}
