//! The matching page: for a school's young and new teachers without a
//! mentor (or one teacher), the best candidates with every part of their
//! score in words, and a link that fills the pair form. Nothing pairs
//! until a leader proposes it.

use crate::auth::Caller;
use crate::error::PageError;
use crate::i18n::{self, Tr};
use crate::pages::{PageCtx, render};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use lingyan_domain::mentoring::matching::Part;
use lingyan_store::calendar::today;
use lingyan_store::mentoring::matching::{self, Suggestion};
use serde::Deserialize;

/// A part of a score in words: "Same subject (语文) +40".
pub fn reason(tr: Tr, p: &Part) -> String {
    let value = match p.code {
        "honour" => tr.label("levels", &p.value),
        "same_section" if i18n::has(tr.0, &format!("sections.{}", p.value)) => tr.label("sections", &p.value),
        _ => p.value.clone(),
    };
    let points = if p.points >= 0 {
        format!("+{}", p.points)
    } else {
        format!("−{}", -p.points)
    };
    let key = format!("mentoring.reason.{}", p.code);
    let n: i64 = p.value.parse().unwrap_or(0);
    let key = if tr.0 == lingyan_domain::Locale::En && n == 1 && i18n::has(tr.0, &format!("{key}_one")) {
        format!("{key}_one")
    } else {
        key
    };
    i18n::t_args(tr.0, &key, &[("value", value), ("points", points)])
}

/// A suggestion as the page shows it.
pub struct Row {
    pub apprentice_id: i64,
    pub apprentice: String,
    pub about: String,
    /// (mentor id, name with school where another, score, reasons).
    pub candidates: Vec<(i64, String, i32, Vec<String>)>,
}

pub fn rows(tr: Tr, school_id: i64, s: &[Suggestion]) -> Vec<Row> {
    s.iter()
        .map(|s| Row {
            apprentice_id: s.apprentice.teacher_id,
            apprentice: s.apprentice.name.clone(),
            about: super::joined(tr, s.apprentice.subjects.iter().cloned()),
            candidates: s
                .candidates
                .iter()
                .map(|c| {
                    let name = if c.mentor.school_id == school_id {
                        c.mentor.name.clone()
                    } else {
                        super::with_school(tr, &c.mentor)
                    };
                    (
                        c.mentor.teacher_id,
                        name,
                        c.score,
                        c.parts.iter().map(|p| reason(tr, p)).collect(),
                    )
                })
                .collect(),
        })
        .collect()
}

#[derive(Deserialize, Default)]
pub(crate) struct SuggestQuery {
    teacher: Option<i64>,
}

#[derive(Template)]
#[template(path = "mentoring_suggest.html")]
struct SuggestPage {
    ctx: PageCtx,
    school: String,
    one: bool,
    rows: Vec<Row>,
}

/// `GET /schools/{id}/mentoring/suggestions?teacher=`
pub(crate) async fn view_suggestions_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    Path(id): Path<i64>,
    Query(q): Query<SuggestQuery>,
) -> Result<Response, PageError> {
    let tr = ctx.tr;
    let s = matching::suggest(&state.store, &caller.scope, id, q.teacher, today()).await?;
    let sc = lingyan_store::schools::get(&state.store, &caller.scope, id).await?;
    Ok(render(&SuggestPage {
        school: tr.name(&sc.name, &sc.name_en).to_string(),
        one: q.teacher.is_some(),
        rows: rows(tr, id, &s),
        ctx,
    }))
}
