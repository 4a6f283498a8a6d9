//! Duties (N个一) pages: the leaders' progress matrix with filters, sorting
//! and an .xlsx export; one teacher's duties with the records that counted;
//! the reminder digest; and the rule-set editor with the preset library.

use super::settings::{Place, district_place, school_place};
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
use lingyan_store::duties::{ItemLabel, ProgressFilter, SchoolProgress, SetSource};
use serde::Deserialize;
use std::collections::HashMap;
use tower_sessions::Session;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/duties", get(view_duties_get))
        .route("/duties.xlsx", get(view_duties_xlsx_get))
        .route("/duties/digest", get(view_duties_digest_get))
        .route("/teachers/{id}/duties", get(view_teacher_duties_get))
        .route("/schools/{id}/duties/rules", get(view_school_rules_get))
        .route("/districts/{id}/duties/rules", get(view_district_rules_get))
        .route(
            "/schools/{id}/duties/rules/adopt",
            post(view_school_rules_adopt_post),
        )
        .route(
            "/districts/{id}/duties/rules/adopt",
            post(view_district_rules_adopt_post),
        )
        .route(
            "/schools/{id}/duties/rules/edit",
            get(view_school_rule_edit_get).post(view_school_rule_edit_post),
        )
        .route(
            "/districts/{id}/duties/rules/edit",
            get(view_district_rule_edit_get).post(view_district_rule_edit_post),
        )
        .route(
            "/schools/{id}/duties/rules/delete",
            post(view_school_rule_delete_post),
        )
        .route(
            "/districts/{id}/duties/rules/delete",
            post(view_district_rule_delete_post),
        )
}

// ---- shared wording ----

fn period_label(tr: Tr, p: PeriodUnit) -> String {
    tr.label("duty_periods", p.code())
}

fn subtype_group(code: &str) -> Option<&'static str> {
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

fn tier_name(tiers: &TierRules, code: &str, tr: Tr) -> String {
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
    let unit = tr.label("duty_measures", r.measure.code());
    let count = fmt_num(r.count);
    let period = match (r.period, r.from, r.to) {
        (PeriodUnit::Range, Some(f), Some(t)) => format!("{} – {}", tr.date(&f), tr.date(&t)),
        (p, _, _) => period_label(tr, p),
    };
    let how = match r.every {
        Some(e) => tr
            .t("duties.how_every")
            .replace("%{count}", &count)
            .replace("%{unit}", &unit)
            .replace("%{every}", &period_label(tr, e))
            .replace("%{period}", &period),
        None => tr
            .t("duties.how")
            .replace("%{count}", &count)
            .replace("%{unit}", &unit)
            .replace("%{period}", &period),
    };
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

fn parse_as_of(s: &str) -> Result<NaiveDate, PageError> {
    match s.trim() {
        "" => Ok(today()),
        s => lingyan_domain::dates::parse_date("as_of", s).map_err(|e| PageError::Store(e.into())),
    }
}

// ---- the matrix ----

#[derive(Deserialize, Default, Clone)]
pub struct MatrixQuery {
    #[serde(default)]
    school: String,
    #[serde(default)]
    group: String,
    #[serde(default)]
    tier: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    sort: String,
    #[serde(default)]
    as_of: String,
    #[serde(default)]
    lang: String,
    page: Option<u64>,
    per_page: Option<u64>,
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
    pager: super::Pager,
    can_edit_rules: bool,
    xlsx: String,
    digest: String,
}

/// The matrix the query asks for, as the caller may see it.
async fn load_matrix(
    state: &AppState,
    caller: &Caller,
    q: &MatrixQuery,
) -> Result<(SchoolProgress, Vec<(i64, String)>), PageError> {
    let as_of = parse_as_of(&q.as_of)?;
    let schools: Vec<(i64, String)> =
        lingyan_store::schools::all_with(&state.store, &caller.scope, Capability::ReadEvidence)
            .await?
            .into_iter()
            .map(|s| (s.id, s.name))
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
    if let Some(s) = DutyStatus::from_code(&q.status) {
        p.teachers.retain(|t| t.results.iter().any(|r| r.status == s));
    }
    match q.sort.as_str() {
        "name" => p.teachers.sort_by(|a, b| a.name.cmp(&b.name)),
        "staff" => {}
        // Most behind first: overdue weighs 3, behind 2, on track 1.
        // (Each teacher's weight is added up once, not per comparison.)
        _ => p
            .teachers
            .sort_by_cached_key(|t| (std::cmp::Reverse(t.severity()), t.name.clone())),
    }
    Ok((p, schools))
}

fn source_text(tr: Tr, s: SetSource) -> String {
    match s {
        SetSource::School { year } => tr.t1("duties.source_school", "year", &year),
        SetSource::District { year } => tr.t1("duties.source_district", "year", &year),
        SetSource::None => tr.t("duties.source_none"),
    }
}

fn status_class(s: DutyStatus) -> &'static str {
    s.code()
}

fn cell_view(p: &Progress, tr: Tr) -> CellView {
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
async fn view_duties_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    Query(q): Query<MatrixQuery>,
) -> Result<Response, PageError> {
    let tr = ctx.tr;
    let (p, schools) = match load_matrix(&state, &caller, &q).await {
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
    let columns = p
        .rules
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut counts = [0; 4];
            for t in &p.teachers {
                match t.results[i].status {
                    DutyStatus::Overdue => counts[0] += 1,
                    DutyStatus::Behind => counts[1] += 1,
                    DutyStatus::OnTrack => counts[2] += 1,
                    DutyStatus::Done => counts[3] += 1,
                    DutyStatus::NotApplicable => {}
                }
            }
            ColumnView {
                name: r.name(tr.0).to_string(),
                how: describe(r, &p.tiers, tr).how,
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
    let pager = super::Pager::new(
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
            cells: t.results.iter().map(|r| cell_view(r, tr)).collect(),
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
    let page = MatrixPage {
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
async fn view_duties_xlsx_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    Query(q): Query<MatrixQuery>,
) -> Result<Response, PageError> {
    let lang = lingyan_domain::Locale::parse(&q.lang).unwrap_or(ctx.tr.0);
    let (p, _) = load_matrix(&state, &caller, &q).await?;
    let bytes = matrix_xlsx(&p, lang)?;
    let name = format!("duties-{}-{}.xlsx", p.school_id, p.as_of);
    Ok(super::xlsx_download(bytes, &name))
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

// ---- one teacher ----

#[derive(Deserialize, Default)]
struct TeacherQuery {
    #[serde(default)]
    as_of: String,
    #[serde(default)]
    days: Option<u32>,
}

/// One duty on a teacher's page.
pub struct DutyCard {
    pub code: String,
    pub name: String,
    pub status: &'static str,
    pub status_label: String,
    pub done: String,
    pub required: String,
    pub explain: String,
    pub how: String,
    pub due: NaiveDate,
    pub items: Vec<(String, Option<NaiveDate>, String, String)>,
}

#[derive(Template)]
#[template(path = "duties_teacher.html")]
struct TeacherPage {
    ctx: PageCtx,
    teacher_id: i64,
    name: String,
    tier: String,
    school_name: String,
    as_of: NaiveDate,
    days: u32,
    source: String,
    reminders: Vec<Reminder>,
    cards: Vec<DutyCard>,
}

/// Cards for one teacher's results, with what counted.
pub async fn cards(
    state: &AppState,
    p: &SchoolProgress,
    results: &[Progress],
    tr: Tr,
) -> Result<Vec<DutyCard>, Error> {
    let refs: Vec<ItemRef> = results.iter().flat_map(|r| r.evidence.iter().copied()).collect();
    let labels: HashMap<ItemRef, ItemLabel> = lingyan_store::duties::labels(&state.store, refs).await?;
    Ok(p.rules
        .iter()
        .zip(results)
        .map(|(rule, r)| DutyCard {
            code: rule.code.clone(),
            name: rule.name(tr.0).to_string(),
            status: status_class(r.status),
            status_label: tr.label("duty_status", r.status.code()),
            done: fmt_num(r.done),
            required: fmt_num(r.required),
            explain: r.explain(tr.0).to_string(),
            how: describe(rule, &p.tiers, tr).how,
            due: r.due,
            items: r
                .evidence
                .iter()
                .filter_map(|e| {
                    labels.get(e).map(|l| {
                        (
                            l.title.clone(),
                            l.date,
                            l.href.clone(),
                            tr.label("counted_kinds", e.kind.code()),
                        )
                    })
                })
                .collect(),
        })
        .collect())
}

/// `GET /teachers/{id}/duties?as_of=&days=`
async fn view_teacher_duties_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    Path(id): Path<i64>,
    Query(q): Query<TeacherQuery>,
) -> Result<Response, PageError> {
    let tr = ctx.tr;
    let as_of = parse_as_of(&q.as_of)?;
    let days = q.days.unwrap_or(14).min(366);
    let p = lingyan_store::duties::teacher(&state.store, &caller.scope, id, as_of).await?;
    let t = p.teachers.first().ok_or(Error::NotFound)?;
    let cards = cards(&state, &p, &t.results, tr).await?;
    let page = TeacherPage {
        teacher_id: t.teacher_id,
        name: t.name.clone(),
        tier: t
            .tier
            .as_deref()
            .map(|c| tier_name(&p.tiers, c, tr))
            .unwrap_or_default(),
        school_name: p.school_name.clone(),
        as_of,
        days,
        source: source_text(tr, p.source),
        reminders: upcoming(&p.rules, &t.results, as_of, days),
        cards,
        ctx,
    };
    Ok(render(&page))
}

// ---- the digest ----

#[derive(Deserialize, Default)]
struct DigestQuery {
    #[serde(default)]
    school: String,
    #[serde(default)]
    as_of: String,
    #[serde(default)]
    days: Option<u32>,
}

#[derive(Template)]
#[template(path = "duties_digest.html")]
struct DigestPage {
    ctx: PageCtx,
    school_id: i64,
    school_name: String,
    as_of: NaiveDate,
    days: u32,
    digest: Digest,
    names: HashMap<i64, String>,
}

/// `GET /duties/digest?school=&days=&as_of=`
async fn view_duties_digest_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    Query(q): Query<DigestQuery>,
) -> Result<Response, PageError> {
    let days = q.days.unwrap_or(14).min(366);
    let mq = MatrixQuery {
        school: q.school.clone(),
        as_of: q.as_of.clone(),
        ..Default::default()
    };
    let (p, _) = load_matrix(&state, &caller, &mq).await?;
    let digest = lingyan_store::duties::digest_of(&p, days);
    let names = p
        .teachers
        .iter()
        .map(|t| (t.teacher_id, t.name.clone()))
        .collect();
    Ok(render(&DigestPage {
        ctx,
        school_id: p.school_id,
        school_name: p.school_name,
        as_of: p.as_of,
        days,
        digest,
        names,
    }))
}

// ---- rule sets ----

#[derive(Deserialize, Default)]
struct YearQuery {
    year: Option<i32>,
    #[serde(default)]
    code: String,
}

pub struct RuleRow {
    pub code: String,
    pub name: String,
    pub text: RuleText,
    pub preset: String,
}

pub struct PresetView {
    pub code: String,
    pub name: String,
    pub description: String,
    pub source: String,
    pub rules: usize,
}

#[derive(Template)]
#[template(path = "duty_rules.html")]
struct RulesPage {
    ctx: PageCtx,
    place: Place,
    year: i32,
    source: String,
    rules: Vec<RuleRow>,
    presets: Vec<PresetView>,
}

async fn current_year(state: &AppState, caller: &Caller, place: &Place) -> Result<i32, Error> {
    let years =
        lingyan_store::calendar::years(&state.store, &caller.scope, place.district_id, place.school_id)
            .await?;
    Ok(
        lingyan_domain::Calendar::new(years.into_iter().map(|y| y.year).collect())
            .semester_of(today())
            .year,
    )
}

async fn tiers_of(state: &AppState, caller: &Caller, place: &Place, year: i32) -> Result<TierRules, Error> {
    Ok(lingyan_store::tiers::get(
        &state.store,
        &caller.scope,
        place.district_id,
        place.school_id,
        year,
    )
    .await?
    .rules)
}

async fn rules_page(
    state: &AppState,
    caller: &Caller,
    ctx: PageCtx,
    place: Place,
    year: Option<i32>,
) -> Result<Response, PageError> {
    let tr = ctx.tr;
    let year = match year {
        Some(y) => y,
        None => current_year(state, caller, &place).await?,
    };
    let view = lingyan_store::duties::get(
        &state.store,
        &caller.scope,
        place.district_id,
        place.school_id,
        year,
    )
    .await?;
    let tiers = tiers_of(state, caller, &place, year).await?;
    let rules = view
        .set
        .rules
        .iter()
        .map(|r| RuleRow {
            code: r.code.clone(),
            name: r.name(tr.0).to_string(),
            text: describe(r, &tiers, tr),
            preset: r
                .preset
                .as_deref()
                .and_then(presets::find)
                .map(|p| p.name(tr.0).to_string())
                .unwrap_or_default(),
        })
        .collect();
    let presets = presets::all()
        .iter()
        .map(|p| PresetView {
            code: p.code.clone(),
            name: p.name(tr.0).to_string(),
            description: p.description(tr.0).to_string(),
            source: p.source.clone(),
            rules: p.set.rules.len(),
        })
        .collect();
    Ok(render(&RulesPage {
        source: source_text(tr, view.source),
        ctx,
        place,
        year,
        rules,
        presets,
    }))
}

/// `GET /schools/{id}/duties/rules?year=`
async fn view_school_rules_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    Path(id): Path<i64>,
    Query(q): Query<YearQuery>,
) -> Result<Response, PageError> {
    let place = school_place(&state, &caller, id).await?;
    rules_page(&state, &caller, ctx, place, q.year).await
}

/// `GET /districts/{id}/duties/rules?year=`
async fn view_district_rules_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    Path(id): Path<i64>,
    Query(q): Query<YearQuery>,
) -> Result<Response, PageError> {
    let place = district_place(&state, &caller, id).await?;
    rules_page(&state, &caller, ctx, place, q.year).await
}

/// Every field defaults, so that a refusal comes before the form is read.
#[derive(Deserialize, Default)]
#[serde(default)]
struct AdoptForm {
    year: i32,
    preset: String,
}

async fn adopt(
    state: AppState,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    place: Place,
    f: AdoptForm,
) -> Result<Response, PageError> {
    place.require_edit()?;
    let tr = ctx.tr;
    match lingyan_store::duties::adopt(
        &state.store,
        &caller.scope,
        place.district_id,
        place.school_id,
        f.year,
        &f.preset,
    )
    .await
    {
        Ok(_) => {
            let name = presets::find(&f.preset)
                .map(|p| p.name(tr.0).to_string())
                .unwrap_or_default();
            flash(&session, "ok", tr.t1("duties.adopted", "name", &name)).await;
        }
        Err(e @ (Error::Invalid(_) | Error::InvalidAll(_))) => {
            flash(&session, "error", super::message_for(&e)).await;
        }
        Err(e) => return Err(e.into()),
    }
    Ok(redirect(&format!("{}/duties/rules?year={}", place.base, f.year)))
}

/// `POST /schools/{id}/duties/rules/adopt`
async fn view_school_rules_adopt_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    Path(id): Path<i64>,
    axum::Form(f): axum::Form<AdoptForm>,
) -> Result<Response, PageError> {
    let place = school_place(&state, &caller, id).await?;
    adopt(state, caller, ctx, session, place, f).await
}

/// `POST /districts/{id}/duties/rules/adopt`
async fn view_district_rules_adopt_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    Path(id): Path<i64>,
    axum::Form(f): axum::Form<AdoptForm>,
) -> Result<Response, PageError> {
    let place = district_place(&state, &caller, id).await?;
    adopt(state, caller, ctx, session, place, f).await
}

/// The rule form as posted.
#[derive(Deserialize, Default, Clone)]
struct RuleForm {
    #[serde(default)]
    year: String,
    #[serde(default)]
    original: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    name_zh: String,
    #[serde(default)]
    name_en: String,
    #[serde(default)]
    kinds: Vec<String>,
    #[serde(default)]
    subtypes: Vec<String>,
    #[serde(default)]
    min_level: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    award_won: Option<String>,
    #[serde(default)]
    published: Option<String>,
    #[serde(default)]
    min_hours: String,
    #[serde(default)]
    measure: String,
    #[serde(default)]
    count: String,
    #[serde(default)]
    period: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    every: String,
    #[serde(default)]
    tiers: Vec<String>,
    #[serde(default)]
    honour_kind: String,
    #[serde(default)]
    honour_level: String,
    #[serde(default)]
    age_below: String,
    #[serde(default)]
    age_at_least: String,
    #[serde(default)]
    years_at_most: String,
    #[serde(default)]
    years_at_least: String,
    #[serde(default)]
    groups: String,
    #[serde(default)]
    teachers: String,
    #[serde(default)]
    preset: String,
}

fn opt_text(s: &str) -> Option<String> {
    Some(s.trim().to_string()).filter(|s| !s.is_empty())
}

fn list(s: &str) -> Vec<String> {
    s.split([',', '，', '、', ';', '；', '\n'])
        .map(|x| x.trim().to_string())
        .filter(|x| !x.is_empty())
        .collect()
}

impl RuleForm {
    fn has_kind(&self, code: &str) -> bool {
        self.kinds.iter().any(|k| k == code)
    }

    fn has_subtype(&self, code: &str) -> bool {
        self.subtypes.iter().any(|k| k == code)
    }

    fn has_tier(&self, code: &str) -> bool {
        self.tiers.iter().any(|k| k == code)
    }

    fn of(r: &DutyRule) -> Self {
        let i = DutyRuleInput::of(r);
        let num = |v: Option<i32>| v.map(|v| v.to_string()).unwrap_or_default();
        Self {
            year: String::new(),
            original: r.code.clone(),
            code: i.code,
            name_zh: i.name_zh,
            name_en: i.name_en,
            kinds: i.kinds,
            subtypes: i.subtypes,
            min_level: i.min_level.unwrap_or_default(),
            role: i.role.unwrap_or_default(),
            award_won: i.award_won.then(|| "on".to_string()),
            published: i.published.then(|| "on".to_string()),
            min_hours: i.min_hours.map(fmt_num).unwrap_or_default(),
            measure: i.measure.unwrap_or_default(),
            count: i.count.map(fmt_num).unwrap_or_default(),
            period: i.period,
            from: i.from.unwrap_or_default(),
            to: i.to.unwrap_or_default(),
            every: i.every.unwrap_or_default(),
            tiers: i.tiers,
            honour_kind: i.honours.first().map(|h| h.kind.clone()).unwrap_or_default(),
            honour_level: i.honours.first().map(|h| h.min_level.clone()).unwrap_or_default(),
            age_below: num(i.age_below),
            age_at_least: num(i.age_at_least),
            years_at_most: num(i.years_at_most),
            years_at_least: num(i.years_at_least),
            groups: i.groups.join("，"),
            teachers: i.teachers.join(", "),
            preset: i.preset.unwrap_or_default(),
        }
    }

    /// The input, or the numbers that did not parse.
    fn input(&self) -> Result<DutyRuleInput, Vec<FieldError>> {
        let mut errs = Vec::new();
        let mut int = |field: &'static str, s: &str| -> Option<i32> {
            let s = s.trim();
            if s.is_empty() {
                return None;
            }
            s.parse()
                .map_err(|_| errs.push(FieldError::new(field, "not_a_number").with("value", s)))
                .ok()
        };
        let age_below = int("age_below", &self.age_below);
        let age_at_least = int("age_at_least", &self.age_at_least);
        let years_at_most = int("years_at_most", &self.years_at_most);
        let years_at_least = int("years_at_least", &self.years_at_least);
        let mut float = |field: &'static str, s: &str| -> Option<f64> {
            let s = s.trim();
            if s.is_empty() {
                return None;
            }
            s.parse::<f64>().ok().filter(|v| v.is_finite()).or_else(|| {
                errs.push(FieldError::new(field, "not_a_decimal").with("value", s));
                None
            })
        };
        let count = float("count", &self.count);
        let min_hours = float("min_hours", &self.min_hours);
        if !errs.is_empty() {
            return Err(errs);
        }
        Ok(DutyRuleInput {
            code: self.code.clone(),
            name_zh: self.name_zh.clone(),
            name_en: self.name_en.clone(),
            kinds: self.kinds.clone(),
            subtypes: self.subtypes.clone(),
            min_level: opt_text(&self.min_level),
            role: opt_text(&self.role),
            award_won: checkbox(&self.award_won),
            published: checkbox(&self.published),
            min_hours,
            measure: opt_text(&self.measure),
            count,
            period: self.period.clone(),
            from: opt_text(&self.from),
            to: opt_text(&self.to),
            every: opt_text(&self.every),
            tiers: self.tiers.clone(),
            honours: opt_text(&self.honour_kind)
                .map(|kind| {
                    vec![HonourInput {
                        kind,
                        min_level: self.honour_level.clone(),
                    }]
                })
                .unwrap_or_default(),
            age_below,
            age_at_least,
            years_at_most,
            years_at_least,
            groups: list(&self.groups),
            teachers: list(&self.teachers),
            preset: opt_text(&self.preset),
        })
    }
}

#[derive(Template)]
#[template(path = "duty_rule_form.html")]
struct RuleFormPage {
    ctx: PageCtx,
    place: Place,
    year: i32,
    f: RuleForm,
    is_new: bool,
    error: Option<String>,
    kinds: Vec<(&'static str, String)>,
    subtypes: Vec<(String, Vec<(&'static str, String)>)>,
    levels: Vec<(&'static str, String)>,
    roles: Vec<(&'static str, String)>,
    measures: Vec<(&'static str, String)>,
    periods: Vec<(&'static str, String)>,
    tiers: Vec<(String, String)>,
    honours: Vec<(&'static str, String)>,
}

async fn rule_form_page(
    state: &AppState,
    caller: &Caller,
    ctx: PageCtx,
    place: Place,
    year: i32,
    f: RuleForm,
    error: Option<String>,
) -> Result<Response, PageError> {
    let tr = ctx.tr;
    let tiers = tiers_of(state, caller, &place, year).await?;
    let label = |g: &str, c: &'static str| (c, tr.label(g, c));
    let page = RuleFormPage {
        is_new: f.original.is_empty(),
        kinds: CountedKind::ALL
            .iter()
            .map(|k| label("counted_kinds", k.code()))
            .collect(),
        subtypes: [
            (CountedKind::Class, "class_type"),
            (CountedKind::Writing, "writing_type"),
            (CountedKind::Training, "training_mode"),
            (CountedKind::Plan, "plan_type"),
        ]
        .into_iter()
        .map(|(k, g)| {
            (
                tr.label("counted_kinds", k.code()),
                k.subtype_codes().iter().map(|c| label(g, c)).collect(),
            )
        })
        .collect(),
        levels: Level::ALL.iter().map(|l| label("levels", l.code())).collect(),
        roles: ProjectRole::ALL
            .iter()
            .map(|r| label("project_role", r.code()))
            .collect(),
        measures: Measure::ALL
            .iter()
            .map(|m| label("duty_measures", m.code()))
            .collect(),
        periods: PeriodUnit::ALL
            .iter()
            .map(|p| label("duty_periods", p.code()))
            .collect(),
        tiers: tiers
            .tiers
            .iter()
            .map(|t| (t.code.clone(), t.name(tr.0).to_string()))
            .collect(),
        honours: HonourKind::ALL
            .iter()
            .map(|h| label("honour_kinds", h.code()))
            .collect(),
        ctx,
        place,
        year,
        f,
        error,
    };
    let status = form_status(&page.error);
    Ok(render_status(status, &page))
}

async fn rule_edit_get(
    state: AppState,
    caller: Caller,
    ctx: PageCtx,
    place: Place,
    q: YearQuery,
) -> Result<Response, PageError> {
    let year = match q.year {
        Some(y) => y,
        None => current_year(&state, &caller, &place).await?,
    };
    let view = lingyan_store::duties::get(
        &state.store,
        &caller.scope,
        place.district_id,
        place.school_id,
        year,
    )
    .await?;
    // Someone who may read the rules but not change them gets the rules,
    // not a form that would refuse to save.
    if !place.can_edit {
        return Ok(redirect(&format!("{}/duties/rules?year={year}", place.base)));
    }
    let f = if q.code.is_empty() {
        RuleForm {
            period: "semester".into(),
            count: "1".into(),
            ..Default::default()
        }
    } else {
        RuleForm::of(view.set.find(&q.code).ok_or(Error::NotFound)?)
    };
    rule_form_page(&state, &caller, ctx, place, year, f, None).await
}

async fn rule_edit_post(
    state: AppState,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    place: Place,
    f: RuleForm,
) -> Result<Response, PageError> {
    place.require_edit()?;
    let Ok(year) = f.year.trim().parse::<i32>() else {
        return Err(
            Error::Invalid(FieldError::new("year", "not_a_year").with("value", f.year.trim())).into(),
        );
    };
    let result = match f.input() {
        Err(errs) => Err(Error::InvalidAll(errs)),
        Ok(input) => {
            let view = lingyan_store::duties::get(
                &state.store,
                &caller.scope,
                place.district_id,
                place.school_id,
                year,
            )
            .await?;
            let mut all = view.set.to_input();
            match all
                .rules
                .iter_mut()
                .find(|r| !f.original.is_empty() && r.code == f.original)
            {
                Some(r) => *r = input,
                None => all.rules.push(input),
            }
            lingyan_store::duties::save(
                &state.store,
                &caller.scope,
                place.district_id,
                place.school_id,
                year,
                &all,
            )
            .await
            .map(|_| ())
        }
    };
    match result {
        Ok(()) => {
            flash(&session, "ok", ctx.tr.t("common.saved")).await;
            Ok(redirect(&format!("{}/duties/rules?year={year}", place.base)))
        }
        Err(e @ (Error::Invalid(_) | Error::InvalidAll(_))) => {
            let msg = super::message_for(&e);
            rule_form_page(&state, &caller, ctx, place, year, f, Some(msg)).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `GET /schools/{id}/duties/rules/edit?year=&code=` (no code: a new rule)
async fn view_school_rule_edit_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    Path(id): Path<i64>,
    Query(q): Query<YearQuery>,
) -> Result<Response, PageError> {
    let place = school_place(&state, &caller, id).await?;
    rule_edit_get(state, caller, ctx, place, q).await
}

/// `GET /districts/{id}/duties/rules/edit?year=&code=`
async fn view_district_rule_edit_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    Path(id): Path<i64>,
    Query(q): Query<YearQuery>,
) -> Result<Response, PageError> {
    let place = district_place(&state, &caller, id).await?;
    rule_edit_get(state, caller, ctx, place, q).await
}

/// `POST /schools/{id}/duties/rules/edit`
async fn view_school_rule_edit_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    Path(id): Path<i64>,
    RepeatedForm(f): RepeatedForm<RuleForm>,
) -> Result<Response, PageError> {
    let place = school_place(&state, &caller, id).await?;
    rule_edit_post(state, caller, ctx, session, place, f).await
}

/// `POST /districts/{id}/duties/rules/edit`
async fn view_district_rule_edit_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    Path(id): Path<i64>,
    RepeatedForm(f): RepeatedForm<RuleForm>,
) -> Result<Response, PageError> {
    let place = district_place(&state, &caller, id).await?;
    rule_edit_post(state, caller, ctx, session, place, f).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct DeleteForm {
    year: i32,
    code: String,
}

async fn rule_delete(
    state: AppState,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    place: Place,
    f: DeleteForm,
) -> Result<Response, PageError> {
    place.require_edit()?;
    let view = lingyan_store::duties::get(
        &state.store,
        &caller.scope,
        place.district_id,
        place.school_id,
        f.year,
    )
    .await?;
    let mut all = view.set.to_input();
    let before = all.rules.len();
    all.rules.retain(|r| r.code != f.code);
    if all.rules.len() == before {
        return Err(Error::NotFound.into());
    }
    lingyan_store::duties::save(
        &state.store,
        &caller.scope,
        place.district_id,
        place.school_id,
        f.year,
        &all,
    )
    .await?;
    flash(&session, "ok", ctx.tr.t("duties.rule_deleted")).await;
    Ok(redirect(&format!("{}/duties/rules?year={}", place.base, f.year)))
}

/// `POST /schools/{id}/duties/rules/delete`
async fn view_school_rule_delete_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    Path(id): Path<i64>,
    axum::Form(f): axum::Form<DeleteForm>,
) -> Result<Response, PageError> {
    let place = school_place(&state, &caller, id).await?;
    rule_delete(state, caller, ctx, session, place, f).await
}

/// `POST /districts/{id}/duties/rules/delete`
async fn view_district_rule_delete_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    Path(id): Path<i64>,
    axum::Form(f): axum::Form<DeleteForm>,
) -> Result<Response, PageError> {
    let place = district_place(&state, &caller, id).await?;
    rule_delete(state, caller, ctx, session, place, f).await
}
