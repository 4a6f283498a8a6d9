//! Duties (N个一) pages: the leaders' progress matrix with filters, sorting
//! and an .xlsx export; one teacher's duties with the records that counted;
//! the reminder digest; and the rule-set editor with the preset library.

use super::place::{Place, both};
use super::rule_sets::{self, Head};
use super::users::RepeatedForm;
use super::{PageCtx, checkbox, flash, form_status, redirect, render, render_status, url_with};
use crate::auth::Caller;
use crate::error::PageError;
use crate::i18n::Tr;
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use chrono::NaiveDate;
use lingyan_domain::duties::reminders::{Digest, Reminder, upcoming};
use lingyan_domain::duties::{
    CountedKind, DutyRule, DutyRuleInput, DutyStatus, HonourInput, ItemRef, Measure, PeriodUnit, Progress,
    presets,
};
use lingyan_domain::evidence::fmt_num;
use lingyan_domain::{Capability, FieldError, HonourKind, Level, ProjectRole, TierRules};
use lingyan_store::Error;
use lingyan_store::calendar::today;
use lingyan_store::duties::{ItemLabel, ProgressFilter, SchoolProgress};
use lingyan_store::rule_sets::Source;
use serde::Deserialize;
use std::collections::HashMap;
use tower_sessions::Session;

mod digest;
mod matrix;
mod rules;
mod teacher;

pub use matrix::{matrix_text, matrix_xlsx};

pub fn router() -> Router<AppState> {
    let r = Router::new()
        .route("/duties", get(matrix::view_duties_get))
        .route("/duties.xlsx", get(matrix::view_duties_xlsx_get))
        .route("/duties/digest", get(digest::view_duties_digest_get))
        .route("/teachers/{id}/duties", get(teacher::view_teacher_duties_get));
    let r = both(r, "/duties/rules", get(rules::view_rules_get));
    let r = both(r, "/duties/rules/adopt", post(rules::view_rules_adopt_post));
    let r = both(
        r,
        "/duties/rules/edit",
        get(rules::view_rule_edit_get).post(rules::view_rule_edit_post),
    );
    let r = both(r, "/duties/rules/delete", post(rules::view_rule_delete_post));
    both(
        r,
        "/duties/rules/versions/{vid}",
        get(rule_sets::view_version_get::<lingyan_domain::duties::DutySet>),
    )
}

// ---- shared wording ----

pub(super) fn period_label(tr: Tr, p: PeriodUnit) -> String {
    tr.label("duty_periods", p.code())
}

pub(super) fn subtype_group(code: &str) -> Option<&'static str> {
    [
        (CountedKind::Class, "class_type"),
        (CountedKind::Writing, "writing_type"),
        (CountedKind::Training, "training_mode"),
        (CountedKind::Plan, "plan_type"),
    ]
    .into_iter()
    .find(|(k, _)| k.subtype_codes().contains(&code))
    .map(|(_, g)| g)
}

pub(super) fn tier_name(tiers: &TierRules, code: &str, tr: Tr) -> String {
    tiers
        .find(code)
        .map(|t| t.name(tr.0).to_string())
        .unwrap_or_else(|| code.to_string())
}

/// "What counts · how much · for whom", in the reader's language.
pub struct RuleText {
    pub what: String,
    pub how: String,
    pub whom: String,
}

pub fn describe(r: &DutyRule, tiers: &TierRules, tr: Tr) -> RuleText {
    let sep = if tr.is_zh() { "、" } else { ", " };
    let m = &r.matcher;
    let mut what: Vec<String> = vec![
        m.kinds
            .iter()
            .map(|k| tr.label("counted_kinds", k.code()))
            .collect::<Vec<_>>()
            .join(sep),
    ];
    if !m.subtypes.is_empty() {
        what.push(
            m.subtypes
                .iter()
                .map(|s| {
                    subtype_group(s)
                        .map(|g| tr.label(g, s))
                        .unwrap_or_else(|| s.clone())
                })
                .collect::<Vec<_>>()
                .join(sep),
        );
    }
    if let Some(l) = m.min_level {
        what.push(tr.t1("duties.f_min_level", "level", &tr.label("levels", l.code())));
    }
    if let Some(role) = m.role {
        what.push(tr.label("project_role", role.code()));
    }
    if m.award_won {
        what.push(tr.t("duties.f_award_won"));
    }
    if m.published {
        what.push(tr.t("duties.f_published"));
    }
    if let Some(h) = m.min_hours {
        what.push(tr.t1("duties.f_min_hours", "hours", &fmt_num(h)));
    }
    // "1 record", "2 records": English counts agree with their unit.
    let unit = if r.count == 1.0 {
        tr.label("duty_measures_one", r.measure.code())
    } else {
        tr.label("duty_measures", r.measure.code())
    };
    let count = fmt_num(r.count);
    let (period, range) = match (r.period, r.from, r.to) {
        (PeriodUnit::Range, Some(f), Some(t)) => (
            tr.t("duties.range")
                .replace("%{from}", &tr.date(&f))
                .replace("%{to}", &tr.date(&t)),
            true,
        ),
        (p, _, _) => (period_label(tr, p), false),
    };
    let key = match (r.every.is_some(), range) {
        (true, true) => "duties.how_every_range",
        (true, false) => "duties.how_every",
        (false, true) => "duties.how_range",
        (false, false) => "duties.how",
    };
    let how = tr
        .t(key)
        .replace("%{count}", &count)
        .replace("%{unit}", &unit)
        .replace(
            "%{every}",
            &r.every.map(|e| period_label(tr, e)).unwrap_or_default(),
        )
        .replace("%{period}", &period);
    let a = &r.audience;
    let mut whom = Vec::new();
    if !a.tiers.is_empty() {
        whom.push(
            a.tiers
                .iter()
                .map(|t| tier_name(tiers, t, tr))
                .collect::<Vec<_>>()
                .join(sep),
        );
    }
    for h in &a.honours {
        whom.push(
            tr.t("duties.w_honour")
                .replace("%{level}", &tr.label("levels", h.min_level.code()))
                .replace("%{honour}", &tr.label("honour_kinds", h.kind.code())),
        );
    }
    if let Some(v) = a.age_below {
        whom.push(tr.t1("duties.w_age_below", "n", &v));
    }
    if let Some(v) = a.age_at_least {
        whom.push(tr.t1("duties.w_age_at_least", "n", &v));
    }
    if let Some(v) = a.years_at_most {
        whom.push(tr.t1("duties.w_years_at_most", "n", &v));
    }
    if let Some(v) = a.years_at_least {
        whom.push(tr.t1("duties.w_years_at_least", "n", &v));
    }
    if !a.groups.is_empty() {
        whom.push(a.groups.join(sep));
    }
    if !a.teachers.is_empty() {
        whom.push(tr.t1("duties.w_teachers", "list", &a.teachers.join(sep)));
    }
    RuleText {
        what: what.join(" · "),
        how,
        whom: if whom.is_empty() {
            tr.t("duties.w_everyone")
        } else {
            whom.join(" · ")
        },
    }
}

pub(super) fn parse_as_of(s: &str) -> Result<NaiveDate, PageError> {
    match s.trim() {
        "" => Ok(today()),
        s => lingyan_domain::dates::parse_date("as_of", s).map_err(|e| PageError::Store(e.into())),
    }
}
