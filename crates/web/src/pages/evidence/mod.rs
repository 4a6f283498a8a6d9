//! The growth portfolio: a teacher's timeline with phone-first quick add,
//! the full form per kind, a record's page (attachments, history,
//! verification), the verification queue, school counts with drill-down,
//! and attachment downloads.

use super::{PageCtx, Pager, flash, redirect, render, render_status, url_with};
use crate::auth::Caller;
use crate::error::PageError;
use crate::i18n::Tr;
use crate::state::AppState;
use askama::Template;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::{Datelike, NaiveDate};
use lingyan_domain::calendar::{Semester, Term};
use lingyan_domain::evidence::{FieldType, LevelUse};
use lingyan_domain::{EvidenceInput, EvidenceKind, EvidenceStatus, Level, PageRequest};
use lingyan_store::Error;
use lingyan_store::calendar::today;
use lingyan_store::evidence::{CountCell, Evidence, EvidenceDetail, EvidenceFilter, PortfolioOwner};
use lingyan_store::files::Target;
use lingyan_store::projects::Project;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use tower_sessions::Session;

mod files;
mod form;
mod lists;
mod record;
mod timeline;
pub use files::*;
pub(crate) use form::*;
pub use lists::*;
pub(crate) use record::*;
pub use timeline::*;

pub fn router(upload_limit: usize) -> Router<AppState> {
    Router::new()
        .route("/portfolio", get(view_portfolio_home_get))
        .route(
            "/teachers/{id}/portfolio",
            get(view_portfolio_get).post(view_portfolio_post),
        )
        .route("/teachers/{id}/portfolio/new", get(view_evidence_new_get))
        .route("/teachers/{id}/portfolio/colleagues", get(view_colleagues_get))
        .route("/teachers/{id}/portfolio/quick", post(view_quick_add_post))
        .route("/evidence", get(view_evidence_list_get))
        .route("/evidence/counts", get(view_counts_get))
        .route("/evidence/{id}", get(view_evidence_get).post(view_evidence_post))
        .route("/evidence/{id}/edit", get(view_evidence_edit_get))
        .route("/evidence/{id}/delete", post(view_evidence_delete_post))
        .route("/evidence/{id}/reject", post(view_evidence_reject_post))
        .route("/evidence/{id}/verify", post(view_evidence_verify_post))
        .route(
            "/evidence/{id}/attachments",
            post(view_attach_post).layer(DefaultBodyLimit::max(upload_limit)),
        )
        .route("/attachments/{id}", get(view_attachment_get))
        .route("/attachments/{id}/delete", post(view_attachment_delete_post))
        .route(
            "/verification",
            get(view_verification_get).post(view_verification_post),
        )
        .route("/teachers/{id}/report", get(view_growth_report_get))
}

/// One input of a kind's form, ready for the template.
pub struct FormField {
    pub name: &'static str,
    pub label: String,
    /// text, textarea, select, number, checkbox, teacher
    pub input: &'static str,
    pub options: Vec<(String, String)>,
    pub required: bool,
    pub value: String,
    pub placeholder: String,
}

/// The inputs of a kind's details, filled with `values`.
pub fn detail_fields(tr: &Tr, kind: EvidenceKind, values: &BTreeMap<String, String>) -> Vec<FormField> {
    kind.fields()
        .iter()
        .map(|f| {
            let (input, options) = match f.ty {
                FieldType::Text(max) if max > 200 => ("textarea", Vec::new()),
                FieldType::Text(_) | FieldType::Scores => ("text", Vec::new()),
                FieldType::Teacher => ("teacher", Vec::new()),
                FieldType::Count(..) | FieldType::Amount(_) => ("number", Vec::new()),
                FieldType::Flag => ("checkbox", Vec::new()),
                ty => {
                    let (group, codes) = ty.options().unwrap_or(("", Vec::new()));
                    let mut codes = codes;
                    if ty == FieldType::Level {
                        codes.reverse();
                    }
                    (
                        "select",
                        codes
                            .into_iter()
                            .map(|c| (c.to_string(), tr.label(group, c)))
                            .collect(),
                    )
                }
            };
            FormField {
                name: f.name,
                label: tr.t(&format!("fields.{}", f.name)),
                input,
                options,
                required: f.required,
                value: values.get(f.name).cloned().unwrap_or_default(),
                placeholder: {
                    let key = format!("evidence.hint.{}", f.name);
                    if crate::i18n::has(tr.0, &key) {
                        tr.t(&key)
                    } else {
                        String::new()
                    }
                },
            }
        })
        .collect()
}

/// A record's details as label/value pairs for reading.
pub fn detail_texts(tr: &Tr, e: &Evidence, observed_name: Option<&str>) -> Vec<(String, String)> {
    let values = e.details.to_texts();
    e.kind
        .fields()
        .iter()
        .filter_map(|f| {
            let raw = values.get(f.name)?;
            let shown = match f.ty {
                FieldType::Flag => tr.t("common.yes"),
                FieldType::Teacher => observed_name.map(str::to_string).unwrap_or_else(|| raw.clone()),
                ty => match ty.options() {
                    Some((group, _)) => tr.label(group, raw),
                    None => raw.clone(),
                },
            };
            Some((tr.t(&format!("fields.{}", f.name)), shown))
        })
        .collect()
}
