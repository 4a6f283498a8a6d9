//! The home page: a work dashboard for the caller's role. A teacher sees
//! their duties and what falls due, records waiting or returned, their
//! mentor or apprentices; a director or principal the school at a glance
//! (a group leader their group); the district and the inspector the
//! schools side by side. Each area adds its cards here (decision 33).
//! Account and login figures live on the administration pages.

use super::duties::{DutyBar, SchoolDuties};
use super::{PageCtx, render, url_with};
use crate::auth::Caller;
use crate::error::PageError;
use crate::i18n::Tr;
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use chrono::NaiveDate;
use lingyan_domain::{Capability, Role};
use lingyan_store::calendar::today;
use lingyan_store::duties::ProgressFilter;
use lingyan_store::evidence::{Evidence, EvidenceFilter};
use lingyan_store::mentoring::Pair;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new().route("/", get(view_home_get))
}

/// How many teachers the "behind" card lists.
const TOP: usize = 8;

#[derive(Deserialize, Default)]
struct HomeQuery {
    /// A district to compare (for those who read several).
    #[serde(default)]
    district: String,
}

/// The caller's own work: duties, records that need them, mentoring.
struct OwnCards {
    teacher_id: i64,
    tier: String,
    duties: Vec<super::duties::DutyCard>,
    reminders: Vec<lingyan_domain::duties::reminders::Reminder>,
    /// Records waiting for verification or returned, returned first.
    open: Vec<Evidence>,
    portfolio: [u64; 3],
    mentors: Vec<Pair>,
    apprentices: Vec<Pair>,
}

/// A school's staff in four figures, from the status analysis.
struct StaffSummary {
    staff: u64,
    backbone: u64,
    backbone_pct: u64,
    under35_pct: u64,
    bachelor_pct: u64,
}

/// The school (or the caller's group) at a glance.
struct SchoolCards {
    duties: SchoolDuties,
    /// True when the caller sees only their group, not the whole school.
    group_only: bool,
    matrix: String,
    recent: Vec<Evidence>,
    staff: Option<StaffSummary>,
}

/// One school in a district's comparison.
struct SchoolLine {
    id: i64,
    name: String,
    teachers: usize,
    duties: DutyBar,
    pending: u64,
    /// Backbone teachers by level, in `DistrictCards::levels` order.
    backbone: Vec<u64>,
    backbone_total: u64,
}

struct DistrictCards {
    id: i64,
    name: String,
    districts: Vec<(i64, String)>,
    levels: Vec<String>,
    schools: Vec<SchoolLine>,
    chart: String,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    ctx: PageCtx,
    /// The caller's most senior role decides the greeting and cards.
    headline: Role,
    home_name: String,
    today: NaiveDate,
    pending: u64,
    can_verify: bool,
    own: Option<OwnCards>,
    school: Option<SchoolCards>,
    district: Option<DistrictCards>,
}

/// The role whose home page the caller sees.
fn headline(roles: &[Role]) -> Role {
    const ORDER: [Role; 8] = [
        Role::SystemAdmin,
        Role::DistrictAdmin,
        Role::Inspector,
        Role::Principal,
        Role::TrainingDirector,
        Role::GroupLeader,
        Role::Mentor,
        Role::Teacher,
    ];
    ORDER
        .into_iter()
        .find(|r| roles.contains(r))
        .unwrap_or(Role::Teacher)
}

/// A school's or district's name in the page's language.
pub fn local_name(tr: Tr, zh: &str, en: &Option<String>) -> String {
    match en.as_deref().map(str::trim) {
        Some(en) if !tr.is_zh() && !en.is_empty() => en.to_string(),
        _ => zh.to_string(),
    }
}

/// `GET /?district=`
async fn view_home_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    Query(q): Query<HomeQuery>,
) -> Result<Response, PageError> {
    let tr = ctx.tr;
    let today = today();
    let me = lingyan_store::users::get(&state.store, &caller.scope, caller.account.id).await?;
    let roles = me.roles();
    let headline = headline(&roles);
    let pending = lingyan_store::evidence::pending_count(&state.store, &caller.scope, today).await?;
    let can_verify = pending > 0
        || !caller
            .scope
            .access()
            .tenants(Capability::VerifyEvidence)
            .is_empty()
        || roles.contains(&Role::GroupLeader);
    let own = own_cards(&state, &caller, tr, today).await?;
    let (school, district) = match headline {
        Role::SystemAdmin | Role::DistrictAdmin | Role::Inspector => (
            None,
            district_cards(&state, &caller, tr, today, &q.district).await?,
        ),
        Role::Principal | Role::TrainingDirector | Role::GroupLeader => (
            school_cards(&state, &caller, tr, today, me.school_id).await?,
            None,
        ),
        _ => (None, None),
    };
    // Where the caller works, in the page's language.
    let home_name = match (me.school_id, me.district_id) {
        (Some(s), _) => match lingyan_store::schools::get(&state.store, &caller.scope, s).await {
            Ok(s) => local_name(tr, &s.name, &s.name_en),
            Err(_) => me.home_name.unwrap_or_default(),
        },
        (None, Some(d)) => match lingyan_store::districts::get(&state.store, &caller.scope, d).await {
            Ok(d) => local_name(tr, &d.name, &d.name_en),
            Err(_) => me.home_name.unwrap_or_default(),
        },
        _ => me.home_name.unwrap_or_default(),
    };
    Ok(render(&HomePage {
        ctx,
        headline,
        home_name,
        today,
        pending,
        can_verify,
        own,
        school,
        district,
    }))
}

async fn own_cards(
    state: &AppState,
    caller: &Caller,
    tr: Tr,
    today: NaiveDate,
) -> Result<Option<OwnCards>, PageError> {
    let Some(t) = lingyan_store::teachers::own_record(&state.store, &caller.scope, today).await? else {
        return Ok(None);
    };
    let store = &state.store;
    let p = lingyan_store::duties::teacher(store, &caller.scope, t.id, today).await?;
    let (mut duties, mut reminders) = (Vec::new(), Vec::new());
    if let Some(row) = p.teachers.first() {
        reminders = lingyan_domain::duties::reminders::upcoming(&p.rules, &row.results, today, 14);
        duties = super::duties::cards(state, &p, &row.results, tr)
            .await?
            .into_iter()
            .filter(|c| c.status != "not_applicable")
            .collect();
    }
    let open = lingyan_store::evidence::own_open(store, &caller.scope, t.id, 6).await?;
    let portfolio = lingyan_store::evidence::status_counts(store, &caller.scope, t.id, today).await?;
    let (mentors, apprentices) = lingyan_store::mentoring::mine(store, &caller.scope, today)
        .await?
        .into_iter()
        .partition(|p| p.apprentice_teacher_id == t.id);
    Ok(Some(OwnCards {
        teacher_id: t.id,
        tier: tr.tier_name(&t.tier),
        duties,
        reminders,
        open,
        portfolio,
        mentors,
        apprentices,
    }))
}

async fn school_cards(
    state: &AppState,
    caller: &Caller,
    tr: Tr,
    today: NaiveDate,
    home_school: Option<i64>,
) -> Result<Option<SchoolCards>, PageError> {
    let store = &state.store;
    let school_id = match home_school {
        Some(s) => s,
        None => match lingyan_store::schools::all_with(store, &caller.scope, Capability::Read)
            .await?
            .first()
        {
            Some(s) => s.id,
            None => return Ok(None),
        },
    };
    let p = match lingyan_store::duties::school(
        store,
        &caller.scope,
        school_id,
        today,
        &ProgressFilter::default(),
    )
    .await
    {
        Ok(p) => p,
        // A group leader whose groups are empty has nobody to show.
        Err(lingyan_store::Error::NotFound) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    let whole = caller.scope.allows(
        Capability::ReadEvidence,
        lingyan_domain::Tenant::school(p.district_id, p.school_id),
    );
    let recent = lingyan_store::evidence::list(
        store,
        &caller.scope,
        &EvidenceFilter {
            school_id: Some(school_id),
            ..Default::default()
        },
        lingyan_domain::PageRequest::new(Some(1), Some(6)),
        today,
    )
    .await?
    .items;
    let staff = if caller.scope.allows(
        Capability::ReadTeachers,
        lingyan_domain::Tenant::school(p.district_id, p.school_id),
    ) && whole
    {
        let a = lingyan_store::status::for_school(store, &caller.scope, school_id, today)
            .await?
            .analysis;
        let under35 = a
            .under_age
            .iter()
            .find(|(age, _)| *age == 35)
            .map_or(0, |(_, s)| s.percent());
        Some(StaffSummary {
            staff: a.staff,
            backbone: a.backbone_total.count,
            backbone_pct: a.backbone_total.percent(),
            under35_pct: under35,
            bachelor_pct: a.bachelor_or_above.percent(),
        })
    } else {
        None
    };
    let matrix = url_with("/duties", &[("school", school_id.to_string())]);
    let mut duties = super::duties::school_duties(&p, tr, TOP);
    if let Ok(s) = lingyan_store::schools::get(store, &caller.scope, school_id).await {
        duties.school_name = local_name(tr, &s.name, &s.name_en);
    }
    Ok(Some(SchoolCards {
        duties,
        group_only: !whole,
        matrix,
        recent,
        staff,
    }))
}

async fn district_cards(
    state: &AppState,
    caller: &Caller,
    tr: Tr,
    today: NaiveDate,
    wanted: &str,
) -> Result<Option<DistrictCards>, PageError> {
    let store = &state.store;
    let districts = lingyan_store::districts::list(store, &caller.scope).await?;
    let Some(district) = districts
        .iter()
        .find(|d| d.id.to_string() == wanted)
        .or_else(|| districts.first())
    else {
        return Ok(None);
    };
    let mut duties = std::collections::HashMap::new();
    lingyan_store::duties::district(
        store,
        &caller.scope,
        district.id,
        today,
        &ProgressFilter::default(),
        |p| {
            duties.insert(p.school_id, (p.teachers.len(), super::duties::total(&p)));
            Ok(())
        },
    )
    .await?;
    let pending = lingyan_store::evidence::pending_by_school(store, &caller.scope, district.id).await?;
    let status = lingyan_store::status::for_district(store, &caller.scope, district.id, today).await?;
    // Highest level first, as the status analysis counts them.
    let levels: Vec<lingyan_domain::Level> = lingyan_domain::Level::ALL
        .iter()
        .rev()
        .copied()
        .filter(|l| {
            status
                .schools
                .iter()
                .any(|s| s.analysis.backbone_by_level.iter().any(|(x, n)| x == l && *n > 0))
        })
        .collect();
    let schools: Vec<SchoolLine> = status
        .schools
        .iter()
        .map(|s| {
            let (teachers, bar) = duties.remove(&s.school.id).unwrap_or_default();
            SchoolLine {
                id: s.school.id,
                name: local_name(tr, &s.school.name, &s.school.name_en),
                teachers,
                duties: DutyBar {
                    name: local_name(tr, &s.school.name, &s.school.name_en),
                    ..bar
                },
                pending: pending.get(&s.school.id).copied().unwrap_or(0),
                backbone: levels
                    .iter()
                    .map(|l| {
                        s.analysis
                            .backbone_by_level
                            .iter()
                            .find(|(x, _)| x == l)
                            .map_or(0, |(_, n)| *n)
                    })
                    .collect(),
                backbone_total: s.analysis.backbone_total.count,
            }
        })
        .collect();
    let bars: Vec<DutyBar> = schools.iter().map(|s| s.duties.clone()).collect();
    let chart = super::duties::stacked_chart(&tr.t("home.chart_schools"), &bars, tr);
    Ok(Some(DistrictCards {
        id: district.id,
        name: local_name(tr, &district.name, &district.name_en),
        districts: districts
            .iter()
            .map(|d| (d.id, local_name(tr, &d.name, &d.name_en)))
            .collect(),
        levels: levels.iter().map(|l| tr.label("levels", l.code())).collect(),
        schools,
        chart,
    }))
}
