//! Records across a school: the filtered list, the verification queue, and
//! counts by kind and level.

use super::*;

#[derive(Template)]
#[template(path = "evidence_list.html")]
pub(crate) struct ListPage {
    ctx: PageCtx,
    /// `verification` or `records`
    mode: &'static str,
    q: TimelineQuery,
    f: Filters,
    schools: Vec<lingyan_store::schools::School>,
    rows: Vec<Row>,
    pager: Pager,
    error: Option<crate::pages::FormError>,
    /// Whether the caller may import records (those who manage a school).
    can_import: bool,
}

pub(crate) async fn list_page(
    state: &AppState,
    caller: &Caller,
    ctx: PageCtx,
    mode: &'static str,
    q: TimelineQuery,
    error: Option<crate::pages::FormError>,
) -> Result<Response, PageError> {
    let filter = EvidenceFilter {
        to_verify: mode == "verification",
        ..q.filter()
    };
    let page = lingyan_store::evidence::list(
        &state.store,
        &caller.scope,
        &filter,
        PageRequest::new(q.page, Some(50)),
        today(),
    )
    .await?;
    let path = if mode == "verification" {
        "/verification"
    } else {
        "/evidence"
    };
    let pager = Pager::new(&page, &url_with(path, &q.pairs()));
    let schools = lingyan_store::schools::all_with(
        &state.store,
        &caller.scope,
        lingyan_domain::Capability::ReadEvidence,
    )
    .await?;
    let status = crate::pages::form_status(&error);
    Ok(render_status(
        status,
        &ListPage {
            f: filters(&ctx.tr),
            rows: rows(&ctx.tr, page.items),
            ctx,
            mode,
            q,
            schools,
            pager,
            error,
            can_import: !caller
                .scope
                .access()
                .tenants(lingyan_domain::Capability::ManageTeachers)
                .is_empty(),
        },
    ))
}

/// `GET /evidence`: records the caller may see, filtered (the drill-down
/// of the school counts).
pub(crate) async fn view_evidence_list_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    Query(q): Query<TimelineQuery>,
) -> Result<Response, PageError> {
    list_page(&state, &caller, ctx, "records", q, None).await
}

/// `GET /verification`: records waiting for the caller's verification.
pub(crate) async fn view_verification_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    Query(q): Query<TimelineQuery>,
) -> Result<Response, PageError> {
    list_page(&state, &caller, ctx, "verification", q, None).await
}

/// `POST /verification`: verifies the ticked records at once.
pub(crate) async fn view_verification_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let ids: Vec<i64> = pairs
        .iter()
        .filter(|(k, _)| k == "ids")
        .filter_map(|(_, v)| v.parse().ok())
        .collect();
    let next = pairs
        .iter()
        .find(|(k, _)| k == "next")
        .map(|(_, v)| v.clone())
        .unwrap_or_else(|| "/verification".into());
    match lingyan_store::evidence::verify(&state.store, &caller.scope, &ids, today()).await {
        Ok(n) => {
            let mut msg = ctx.tr.t1("evidence.bulk_verified", "n", &n.verified);
            if n.already > 0 {
                msg.push(' ');
                msg.push_str(&ctx.tr.t1("evidence.bulk_already_verified", "n", &n.already));
            }
            flash(&session, "ok", msg).await;
            Ok(redirect(&crate::pages::safe_next(Some(&next))))
        }
        Err(e @ Error::Invalid(_)) => {
            let msg = crate::pages::message_for(&e);
            list_page(
                &state,
                &caller,
                ctx,
                "verification",
                TimelineQuery::default(),
                Some(msg),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// One line of the counts table: a kind and level, with a cell per semester.
pub struct CountLine {
    pub kind: EvidenceKind,
    pub level: Option<Level>,
    pub cells: Vec<(u64, u64)>,
    pub total: u64,
}

/// Counts as a table: kind × level rows, semester columns.
pub fn count_table(cells: &[CountCell]) -> (Vec<Semester>, Vec<CountLine>) {
    let semesters: Vec<Semester> = cells
        .iter()
        .map(|c| c.semester)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .rev()
        .collect();
    let mut lines: BTreeMap<(EvidenceKind, std::cmp::Reverse<Option<Level>>), CountLine> = BTreeMap::new();
    for c in cells {
        let line = lines
            .entry((c.kind, std::cmp::Reverse(c.level)))
            .or_insert_with(|| CountLine {
                kind: c.kind,
                level: c.level,
                cells: vec![(0, 0); semesters.len()],
                total: 0,
            });
        if let Some(i) = semesters.iter().position(|s| *s == c.semester) {
            line.cells[i].0 += c.total;
            line.cells[i].1 += c.verified;
        }
        line.total += c.total;
    }
    (semesters, lines.into_values().collect())
}

#[derive(Template)]
#[template(path = "evidence_counts.html")]
pub(crate) struct CountsPage {
    ctx: PageCtx,
    schools: Vec<lingyan_store::schools::School>,
    school: String,
    year: String,
    years: Vec<i32>,
    semesters: Vec<(String, String)>,
    lines: Vec<CountLine>,
    pending: u64,
}

#[derive(Deserialize)]
pub(crate) struct CountsQuery {
    #[serde(default)]
    school: String,
    #[serde(default)]
    year: String,
}

/// `GET /evidence/counts`: records by kind × level × semester, each cell a
/// link to the records behind it.
pub(crate) async fn view_counts_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    Query(q): Query<CountsQuery>,
) -> Result<Response, PageError> {
    let schools = lingyan_store::schools::all_with(
        &state.store,
        &caller.scope,
        lingyan_domain::Capability::ReadEvidence,
    )
    .await?;
    if schools.is_empty() {
        return Err(Error::Forbidden.into());
    }
    let school_id: Option<i64> = q.school.parse().ok();
    // This school year unless another (or "all") is chosen.
    let this_year = recent_semesters(today())[0].year;
    let year: Option<i32> = match q.year.as_str() {
        "all" => None,
        y => Some(y.parse().unwrap_or(this_year)),
    };
    let shown_year = year.map(|y| y.to_string()).unwrap_or_else(|| "all".into());
    let cells =
        lingyan_store::evidence::counts(&state.store, &caller.scope, school_id, year, today()).await?;
    let (sems, lines) = count_table(&cells);
    let pending = lingyan_store::evidence::pending_count(&state.store, &caller.scope, today()).await?;
    Ok(render(&CountsPage {
        semesters: sems
            .iter()
            .map(|s| (s.code(), semester_label(&ctx.tr, s)))
            .collect(),
        ctx,
        schools,
        school: q.school,
        year: shown_year,
        years: (this_year - 4..=this_year).rev().collect(),
        lines,
        pending,
    }))
}
