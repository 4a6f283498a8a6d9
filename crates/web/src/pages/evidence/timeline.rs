//! A teacher's portfolio: the timeline of records by semester, with filters.

use super::*;

/// Semesters offered in filters: this school year's and the three before.
pub(crate) fn recent_semesters(d: NaiveDate) -> Vec<Semester> {
    let y = if d.month() >= 8 { d.year() } else { d.year() - 1 };
    (y - 3..=y)
        .rev()
        .flat_map(|year| {
            [
                Semester {
                    year,
                    term: Term::Second,
                },
                Semester {
                    year,
                    term: Term::First,
                },
            ]
        })
        .collect()
}

pub(crate) fn semester_label(tr: &Tr, s: &Semester) -> String {
    if tr.is_zh() { s.zh() } else { s.en() }
}

#[derive(Deserialize, Default, Clone)]
pub struct TimelineQuery {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub semester: String,
    #[serde(default)]
    pub level: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub school: String,
    #[serde(default)]
    pub year: String,
    #[serde(default)]
    pub subtype: String,
    pub page: Option<u64>,
}

impl TimelineQuery {
    pub(crate) fn filter(&self) -> EvidenceFilter {
        EvidenceFilter {
            kind: EvidenceKind::parse("kind", &self.kind).ok(),
            semester: Semester::parse("semester", &self.semester).ok(),
            level: Level::parse("level", &self.level).ok(),
            status: EvidenceStatus::parse("status", &self.status).ok(),
            school_id: self.school.parse().ok(),
            school_year: self.year.parse().ok(),
            subtype: Some(self.subtype.clone()).filter(|s| !s.is_empty()),
            ..Default::default()
        }
    }

    pub(crate) fn pairs(&self) -> Vec<(&'static str, String)> {
        vec![
            ("kind", self.kind.clone()),
            ("semester", self.semester.clone()),
            ("level", self.level.clone()),
            ("status", self.status.clone()),
            ("school", self.school.clone()),
            ("year", self.year.clone()),
            ("subtype", self.subtype.clone()),
        ]
    }
}

/// Filter choices shared by the lists.
pub struct Filters {
    pub kinds: Vec<EvidenceKind>,
    pub levels: Vec<Level>,
    pub statuses: Vec<EvidenceStatus>,
    pub semesters: Vec<(String, String)>,
}

pub(crate) fn filters(tr: &Tr) -> Filters {
    Filters {
        kinds: EvidenceKind::ALL.to_vec(),
        levels: Level::ALL.iter().rev().copied().collect(),
        statuses: EvidenceStatus::ALL.to_vec(),
        semesters: recent_semesters(today())
            .iter()
            .map(|s| (s.code(), semester_label(tr, s)))
            .collect(),
    }
}

/// A row of a record list.
pub struct Row {
    pub e: Evidence,
    pub semester: String,
    pub subtype: String,
}

pub(crate) fn rows(tr: &Tr, items: Vec<Evidence>) -> Vec<Row> {
    items
        .into_iter()
        .map(|e| {
            let subtype = match (e.kind.subtype_field(), &e.subtype) {
                (Some(field), Some(code)) => e
                    .kind
                    .fields()
                    .iter()
                    .find(|f| f.name == field)
                    .and_then(|f| f.ty.options())
                    .map(|(group, _)| tr.label(group, code))
                    .unwrap_or_default(),
                _ => String::new(),
            };
            Row {
                semester: semester_label(tr, &e.semester),
                subtype,
                e,
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "portfolio.html")]
pub(crate) struct PortfolioPage {
    ctx: PageCtx,
    owner: PortfolioOwner,
    q: TimelineQuery,
    f: Filters,
    rows: Vec<Row>,
    pager: Pager,
    projects: Vec<Project>,
    colleagues: Vec<crate::pages::people::PersonChoice>,
    quick: &'static str,
    error: Option<crate::pages::FormError>,
    /// Trainings attended through activities or counted from claims:
    /// (title, date, hours, where from).
    attended: Vec<(String, String, String, String)>,
}

#[derive(Template)]
#[template(path = "colleagues_list.html")]
pub(crate) struct ColleaguesList {
    colleagues: Vec<crate::pages::people::PersonChoice>,
}

/// `GET /teachers/{id}/portfolio/colleagues`: the colleagues a quick
/// observation may name, as the page's `<datalist>`, fetched when the
/// field is first focused.
pub(crate) async fn view_colleagues_get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let d = today();
    let owner = lingyan_store::evidence::portfolio_owner(&state.store, &caller.scope, id, d).await?;
    if !owner.can_record {
        return Err(Error::Forbidden.into());
    }
    let colleagues = crate::pages::people::choices(
        lingyan_store::evidence::colleagues(&state.store, &caller.scope, id, d).await?,
    );
    Ok(render(&ColleaguesList { colleagues }))
}

/// `GET /portfolio`: the caller's own portfolio, or the school's records
/// for leaders without one.
pub(crate) async fn view_portfolio_home_get(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Response, PageError> {
    match lingyan_store::evidence::own_teacher_id(&state.store, &caller.scope, today()).await? {
        Some(id) => Ok(redirect(&format!("/teachers/{id}/portfolio"))),
        None => Ok(redirect("/evidence")),
    }
}

pub(crate) async fn portfolio_page(
    state: &AppState,
    caller: &Caller,
    ctx: PageCtx,
    id: i64,
    q: TimelineQuery,
    quick: &'static str,
    error: Option<crate::pages::FormError>,
) -> Result<Response, PageError> {
    let d = today();
    let owner = lingyan_store::evidence::portfolio_owner(&state.store, &caller.scope, id, d).await?;
    let filter = EvidenceFilter {
        teacher_id: Some(id),
        ..q.filter()
    };
    let page = lingyan_store::evidence::list(
        &state.store,
        &caller.scope,
        &filter,
        PageRequest::new(q.page, Some(20)),
        d,
    )
    .await?;
    let pager = Pager::new(&page, &url_with(&format!("/teachers/{id}/portfolio"), &q.pairs()));
    let projects = lingyan_store::projects::list(&state.store, &caller.scope, Some(id), None, d).await?;
    // The observation form's list of colleagues (a school's staff) is
    // fetched when its field is first focused; it comes with the page only
    // when the page answers a refused quick observation.
    let colleagues = if owner.can_record && quick == "observation" && error.is_some() {
        crate::pages::people::choices(
            lingyan_store::evidence::colleagues(&state.store, &caller.scope, id, d).await?,
        )
    } else {
        Vec::new()
    };
    let tr = ctx.tr;
    let attended = lingyan_store::credits::attended(&state.store, &caller.scope, id, 8)
        .await?
        .into_iter()
        .map(|e| {
            (
                e.title,
                tr.date(&e.start),
                crate::pages::credits_words::units(tr, lingyan_domain::credits::Unit::Hour, e.hours),
                tr.label("credit_sources", &e.source),
            )
        })
        .collect();
    let status = crate::pages::form_status(&error);
    Ok(render_status(
        status,
        &PortfolioPage {
            attended,
            f: filters(&ctx.tr),
            rows: rows(&ctx.tr, page.items),
            ctx,
            owner,
            q,
            pager,
            projects,
            colleagues,

            quick,
            error,
        },
    ))
}

/// `GET /teachers/{id}/portfolio`: the timeline, newest first.
pub(crate) async fn view_portfolio_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    Path(id): Path<i64>,
    Query(q): Query<TimelineQuery>,
) -> Result<Response, PageError> {
    portfolio_page(&state, &caller, ctx, id, q, "observation", None).await
}
