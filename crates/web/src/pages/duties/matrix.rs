//! A school's duties matrix: teachers × duties, filtered, as a page, an
//! .xlsx file and plain text.

use super::*;

#[derive(Deserialize, Default, Clone)]
pub struct MatrixQuery {
    #[serde(default)]
    pub(super) school: String,
    #[serde(default)]
    pub(super) group: String,
    #[serde(default)]
    pub(super) tier: String,
    #[serde(default)]
    pub(super) status: String,
    #[serde(default)]
    pub(super) sort: String,
    #[serde(default)]
    pub(super) as_of: String,
    #[serde(default)]
    pub(super) lang: String,
    pub(super) page: Option<u64>,
    pub(super) per_page: Option<u64>,
}

/// One cell of the matrix.
pub struct CellView {
    pub status: &'static str,
    pub text: String,
    pub title: String,
    pub rule: String,
}

pub struct RowView {
    pub teacher_id: i64,
    pub name: String,
    pub staff_no: String,
    pub tier: String,
    pub cells: Vec<CellView>,
    pub behind: usize,
}

pub struct ColumnView {
    pub name: String,
    pub how: String,
    /// Teachers by status: overdue, behind, on track, done.
    pub counts: [usize; 4],
    /// Done or on track, as a share (0–100) of those it applies to.
    pub completion: usize,
}

#[derive(Template)]
#[template(path = "duties.html")]
struct MatrixPage {
    ctx: PageCtx,
    q: MatrixQuery,
    school_id: i64,
    school_name: String,
    schools: Vec<(i64, String)>,
    groups: Vec<(i64, String)>,
    tiers: Vec<(String, String)>,
    statuses: Vec<(&'static str, String)>,
    as_of: NaiveDate,
    source: String,
    columns: Vec<ColumnView>,
    rows: Vec<RowView>,
    /// The rows are a page of the sorted, filtered teachers; the counts per
    /// duty and the export cover them all.
    pager: crate::pages::Pager,
    can_edit_rules: bool,
    xlsx: String,
    digest: String,
    /// This page's address, for the drill-down's way back.
    back: String,
    /// Duties left out because they apply to nobody shown.
    hidden: usize,
}

/// The matrix the query asks for, as the caller may see it.
pub(super) async fn load_matrix(
    state: &AppState,
    caller: &Caller,
    tr: crate::i18n::Tr,
    q: &MatrixQuery,
) -> Result<(SchoolProgress, Vec<(i64, String)>), PageError> {
    let as_of = parse_as_of(&q.as_of)?;
    // Schools by the reader's language (English names where stored).
    let schools: Vec<(i64, String)> =
        lingyan_store::schools::all_with(&state.store, &caller.scope, Capability::ReadEvidence)
            .await?
            .into_iter()
            .map(|s| (s.id, tr.name(&s.name, &s.name_en).to_string()))
            .collect();
    let school = match q.school.parse::<i64>() {
        Ok(id) => id,
        Err(_) => match schools.first() {
            Some((id, _)) => *id,
            // A group leader or mentor: their own school.
            None => lingyan_store::teachers::own_record(&state.store, &caller.scope, as_of)
                .await?
                .map(|t| t.school_id)
                .ok_or(Error::NotFound)?,
        },
    };
    let filter = ProgressFilter {
        group_id: q.group.parse().ok(),
        tier: Some(q.tier.clone()).filter(|t| !t.is_empty()),
        teacher_id: None,
    };
    let mut p = lingyan_store::duties::school(&state.store, &caller.scope, school, as_of, &filter).await?;
    p.school_name = tr.name(&p.school_name, &p.school_name_en).to_string();
    if let Some(s) = DutyStatus::from_code(&q.status) {
        p.teachers.retain(|t| t.results.iter().any(|r| r.status == s));
    }
    match q.sort.as_str() {
        "name" => p
            .teachers
            .sort_by_cached_key(|t| lingyan_domain::collate::name_key(&t.name)),
        "staff" => {}
        // Most behind first: overdue weighs 3, behind 2, on track 1.
        // (Each teacher's weight is added up once, not per comparison.)
        _ => p.teachers.sort_by_cached_key(|t| {
            (
                std::cmp::Reverse(t.severity()),
                lingyan_domain::collate::name_key(&t.name),
            )
        }),
    }
    Ok((p, schools))
}

pub(super) fn source_text(tr: Tr, s: Source) -> String {
    <lingyan_domain::duties::DutySet as rule_sets::Worded>::source_text(tr, s)
}

pub(super) fn status_class(s: DutyStatus) -> &'static str {
    s.code()
}

pub(super) fn cell_view(p: &Progress, tr: Tr) -> CellView {
    CellView {
        status: status_class(p.status),
        text: if p.status == DutyStatus::NotApplicable {
            "—".to_string()
        } else {
            format!("{}/{}", fmt_num(p.done), fmt_num(p.required))
        },
        title: format!(
            "{}: {}",
            tr.label("duty_status", p.status.code()),
            p.explain(tr.0)
        ),
        rule: p.rule.clone(),
    }
}

/// `GET /duties?school=&group=&tier=&status=&sort=&as_of=`
pub(super) async fn view_duties_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    Query(q): Query<MatrixQuery>,
) -> Result<Response, PageError> {
    let tr = ctx.tr;
    let (p, schools) = match load_matrix(&state, &caller, ctx.tr, &q).await {
        Ok(x) => x,
        // A teacher with nobody else to see goes to their own duties.
        Err(PageError::Store(Error::NotFound)) if q.school.is_empty() => {
            let own = lingyan_store::teachers::own_record(&state.store, &caller.scope, today()).await?;
            return match own {
                Some(t) => Ok(redirect(&format!("/teachers/{}/duties", t.id))),
                None => Err(Error::NotFound.into()),
            };
        }
        Err(e) => return Err(e),
    };
    let groups = p.groups.clone();
    // Only duties that apply to someone in the (filtered) matrix.
    let shown: Vec<usize> = (0..p.rules.len())
        .filter(|i| {
            p.teachers
                .iter()
                .any(|t| t.results[*i].status != DutyStatus::NotApplicable)
        })
        .collect();
    let columns = shown
        .iter()
        .map(|&i| (i, &p.rules[i]))
        .map(|(i, r)| {
            let mut counts = [0; 4];
            for t in &p.teachers {
                match t.results[i].status {
                    DutyStatus::Overdue => counts[0] += 1,
                    DutyStatus::Behind => counts[1] += 1,
                    DutyStatus::OnTrack => counts[2] += 1,
                    DutyStatus::Done => counts[3] += 1,
                    DutyStatus::NotStarted | DutyStatus::NotApplicable => {}
                }
            }
            let applicable: usize = counts.iter().sum();
            ColumnView {
                name: r.name(tr.0).to_string(),
                how: describe(r, &p.tiers, tr).how,
                completion: ((counts[2] + counts[3]) * 100 + applicable / 2)
                    .checked_div(applicable)
                    .unwrap_or(0),
                counts,
            }
        })
        .collect();
    let req = lingyan_domain::PageRequest::new(q.page, q.per_page);
    let paged = lingyan_domain::Paged::<()> {
        items: Vec::new(),
        total: p.teachers.len() as u64,
        page: req.page,
        per_page: req.per_page,
    };
    let pager = crate::pages::Pager::new(
        &paged,
        &url_with(
            "/duties",
            &[
                ("school", p.school_id.to_string()),
                ("group", q.group.clone()),
                ("tier", q.tier.clone()),
                ("status", q.status.clone()),
                ("sort", q.sort.clone()),
                ("as_of", q.as_of.clone()),
            ],
        ),
    );
    let rows = p
        .teachers
        .iter()
        .skip(req.offset() as usize)
        .take(req.per_page as usize)
        .map(|t| RowView {
            teacher_id: t.teacher_id,
            name: t.name.clone(),
            staff_no: t.staff_no.clone().unwrap_or_default(),
            tier: t
                .tier
                .as_deref()
                .map(|c| tier_name(&p.tiers, c, tr))
                .unwrap_or_default(),
            behind: t
                .results
                .iter()
                .filter(|r| matches!(r.status, DutyStatus::Behind | DutyStatus::Overdue))
                .count(),
            cells: shown.iter().map(|&i| cell_view(&t.results[i], tr)).collect(),
        })
        .collect();
    let xlsx = url_with(
        "/duties.xlsx",
        &[
            ("school", p.school_id.to_string()),
            ("group", q.group.clone()),
            ("tier", q.tier.clone()),
            ("status", q.status.clone()),
            ("sort", q.sort.clone()),
            ("as_of", q.as_of.clone()),
            ("lang", tr.code().to_string()),
        ],
    );
    let back = ctx.here.clone();
    let page = MatrixPage {
        back,
        hidden: p.rules.len() - shown.len(),
        xlsx,
        digest: url_with(
            "/duties/digest",
            &[("school", p.school_id.to_string()), ("as_of", q.as_of.clone())],
        ),
        can_edit_rules: caller.scope.allows(
            Capability::ManageTeachers,
            lingyan_domain::Tenant::school(p.district_id, p.school_id),
        ),
        source: source_text(tr, p.source),
        tiers: p
            .tiers
            .tiers
            .iter()
            .map(|t| (t.code.clone(), t.name(tr.0).to_string()))
            .collect(),
        statuses: DutyStatus::ALL
            .iter()
            .map(|s| (s.code(), tr.label("duty_status", s.code())))
            .collect(),
        school_id: p.school_id,
        school_name: p.school_name.clone(),
        as_of: p.as_of,
        schools,
        groups,
        columns,
        rows,
        pager,
        q,
        ctx,
    };
    Ok(render(&page))
}

/// `GET /duties.xlsx?…` — the matrix as a workbook.
pub(super) async fn view_duties_xlsx_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    Query(q): Query<MatrixQuery>,
) -> Result<Response, PageError> {
    let lang = lingyan_domain::Locale::parse(&q.lang).unwrap_or(ctx.tr.0);
    let (p, _) = load_matrix(&state, &caller, ctx.tr, &q).await?;
    let bytes = matrix_xlsx(&p, lang)?;
    let name = format!("duties-{}-{}.xlsx", p.school_id, p.as_of);
    Ok(crate::pages::xlsx_download(bytes, &name))
}

/// Hands the reports crate's view of a school's matrix to `f`.
fn with_matrix<R>(
    p: &SchoolProgress,
    l: lingyan_domain::Locale,
    f: impl FnOnce(&lingyan_reports::duties::Matrix<'_>) -> R,
) -> R {
    let tr = Tr(l);
    let tiers: Vec<String> = p
        .teachers
        .iter()
        .map(|t| {
            t.tier
                .as_deref()
                .map(|c| tier_name(&p.tiers, c, tr))
                .unwrap_or_default()
        })
        .collect();
    let rows: Vec<lingyan_reports::duties::Row<'_>> = p
        .teachers
        .iter()
        .zip(&tiers)
        .map(|(t, tier)| lingyan_reports::duties::Row {
            name: &t.name,
            staff_no: t.staff_no.as_deref().unwrap_or(""),
            tier,
            results: &t.results,
        })
        .collect();
    f(&lingyan_reports::duties::Matrix {
        school: &p.school_name,
        as_of: p.as_of,
        rules: &p.rules,
        rows: &rows,
    })
}

/// The workbook of a school's matrix (page, API and CLI).
pub fn matrix_xlsx(p: &SchoolProgress, l: lingyan_domain::Locale) -> Result<Vec<u8>, Error> {
    with_matrix(p, l, |m| lingyan_reports::duties::xlsx(m, l)).map_err(|e| Error::Internal(e.to_string()))
}

/// The matrix as text for a terminal (the CLI).
pub fn matrix_text(p: &SchoolProgress, l: lingyan_domain::Locale) -> String {
    with_matrix(p, l, |m| lingyan_reports::duties::text(m, l))
}
