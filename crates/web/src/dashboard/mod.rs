//! What each role's home page shows, computed once for the HTML page
//! (`pages/home.rs`) and the JSON API (`GET /api/v1/dashboard`): a
//! teacher's own work, the school (or the caller's group) at a glance for
//! directors, principals and group leaders, and the district's schools
//! side by side for the district and the inspector.
//!
//! Each area keeps its figures in its own module here (`duties`,
//! `records`, `mentoring`, `staff`); a new area adds a module and a field
//! to the part of [`Dashboard`] its users see (decision 33).

pub mod activities;
pub mod credits;
pub mod duties;
pub mod kept;
pub mod mentoring;
pub mod records;
pub mod staff;

use crate::auth::Caller;
use crate::i18n::Tr;
use crate::state::AppState;
use chrono::NaiveDate;
use lingyan_domain::{Capability, Role};
use serde::Serialize;
use utoipa::ToSchema;

pub use duties::{BehindRow, DutyBar, OwnDuty, SchoolDuties};
pub use mentoring::PairLine;
pub use records::RecordLine;
pub use staff::StaffSummary;

/// How many teachers the "furthest behind" card lists.
pub const TOP: usize = 8;

/// A role's home page, in figures.
#[derive(Debug, Serialize, ToSchema)]
pub struct Dashboard {
    /// The caller's most senior role: it decides which parts are shown.
    #[schema(example = "training_director")]
    pub role: String,
    /// Where the caller works (school or district), in their language.
    pub place: String,
    pub as_of: NaiveDate,
    /// Records waiting for the caller's verification.
    pub pending_verification: u64,
    pub can_verify: bool,
    /// The caller's own work, when their account is a teacher's.
    pub own: Option<Own>,
    /// The school (or the caller's group) at a glance.
    pub school: Option<SchoolGlance>,
    /// The district's schools side by side.
    pub district: Option<DistrictSchools>,
    /// The caller's activities (a teacher's next sessions and notices), or
    /// their school's or district's coming week.
    pub activities: Option<activities::ActivitiesCard>,
    /// The caller's credits this cycle, or their school's or district's
    /// completion.
    pub credits: Option<credits::CreditsCard>,
}

/// A teacher's own work.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Own {
    pub teacher_id: i64,
    /// The teacher's tier this year, by name.
    pub tier: String,
    /// Duties that apply to the teacher, in the set's order.
    pub duties: Vec<OwnDuty>,
    /// What falls due in the next 14 days and is not yet met.
    pub due_soon: Vec<String>,
    /// Records waiting for verification or returned (returned first).
    pub open_records: Vec<RecordLine>,
    /// The teacher's records: waiting, verified, returned.
    pub records_waiting: u64,
    pub records_verified: u64,
    pub records_returned: u64,
    pub mentors: Vec<PairLine>,
    pub apprentices: Vec<PairLine>,
}

/// A school at a glance.
#[derive(Debug, Serialize, ToSchema)]
pub struct SchoolGlance {
    /// True when the caller sees only their group, not the whole school.
    pub group_only: bool,
    pub duties: SchoolDuties,
    pub recent_records: Vec<RecordLine>,
    /// Present for those who read the whole school's staff.
    pub staff: Option<StaffSummary>,
    /// The school's mentoring, for those who read its teachers.
    pub mentoring: Option<mentoring::MentoringGlance>,
}

/// A district's schools.
#[derive(Debug, Serialize, ToSchema)]
pub struct DistrictSchools {
    pub district_id: i64,
    pub name: String,
    /// Districts the caller may compare instead.
    pub districts: Vec<DistrictChoice>,
    /// Backbone levels shown, highest first (labels in the caller's language).
    pub levels: Vec<String>,
    pub schools: Vec<duties::SchoolLine>,
}

/// A district the caller may pick.
#[derive(Debug, Serialize, ToSchema)]
pub struct DistrictChoice {
    pub district_id: i64,
    pub name: String,
}

/// The role whose home page the caller sees.
pub fn headline(roles: &[Role]) -> Role {
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

/// A school's or district's name in the reader's language.
pub fn local_name(tr: Tr, zh: &str, en: &Option<String>) -> String {
    tr.name(zh, en).to_string()
}

/// The caller's dashboard on `today`; `district` picks one district to
/// compare when the caller reads several.
pub async fn load(
    state: &AppState,
    caller: &Caller,
    tr: Tr,
    today: NaiveDate,
    district: &str,
) -> lingyan_store::Result<Dashboard> {
    let store = &state.store;
    // The caller's roles and home come with the request (no second read of
    // the account).
    let roles: Vec<Role> = caller.scope.access().roles().into_iter().collect();
    let home = caller.account.home;
    let role = headline(&roles);
    let pending = lingyan_store::evidence::pending_count(store, &caller.scope, today).await?;
    let can_verify = pending > 0
        || !caller
            .scope
            .access()
            .tenants(Capability::VerifyEvidence)
            .is_empty()
        || roles.contains(&Role::GroupLeader);
    let (own, own_place) = match own(state, caller, tr, today).await? {
        Some((o, school, place)) => (Some(o), Some((school, place))),
        None => (None, None),
    };
    let (school, district) = match role {
        Role::SystemAdmin | Role::DistrictAdmin | Role::Inspector => {
            (None, duties::district(state, caller, tr, today, district).await?)
        }
        Role::Principal | Role::TrainingDirector | Role::GroupLeader => {
            (school(state, caller, tr, today, home.school_id).await?, None)
        }
        _ => (None, None),
    };
    let place = match (home.school_id, home.district_id) {
        // The teacher's own school, named with their part.
        (Some(s), _) if own_place.as_ref().is_some_and(|(o, _)| *o == s) => own_place.map(|(_, p)| p),
        (Some(s), _) => school_name(state, caller, tr, s).await,
        (None, Some(d)) => lingyan_store::districts::get(store, &caller.scope, d)
            .await
            .map(|d| local_name(tr, &d.name, &d.name_en))
            .ok(),
        _ => None,
    };
    let place = match place {
        Some(p) => p,
        None => lingyan_store::users::get(store, &caller.scope, caller.account.id)
            .await?
            .home_name
            .unwrap_or_default(),
    };
    // Not kept with the rest of the teacher's part: a sign-in or a notice
    // shows at once.
    let activities = match (&own, role, home.school_id, home.district_id) {
        (Some(_), Role::Teacher | Role::Mentor, _, _) => activities::own(state, caller, tr, today).await?,
        (_, Role::Principal | Role::TrainingDirector | Role::GroupLeader, Some(s), _) => {
            match lingyan_store::schools::get(store, &caller.scope, s).await {
                Ok(sc) => Some(activities::place(state, caller, tr, today, sc.district_id, Some(s)).await?),
                Err(_) => None,
            }
        }
        (_, Role::DistrictAdmin | Role::Inspector, _, Some(d)) => {
            Some(activities::place(state, caller, tr, today, d, None).await?)
        }
        (Some(_), _, _, _) => activities::own(state, caller, tr, today).await?,
        _ => None,
    };
    let credits = match (&own, role, home.school_id, home.district_id) {
        (_, Role::Principal | Role::TrainingDirector, Some(s), _) => {
            match lingyan_store::schools::get(store, &caller.scope, s).await {
                Ok(sc) => credits::place(state, caller, tr, sc.district_id, Some(s), today).await?,
                Err(_) => None,
            }
        }
        (_, Role::DistrictAdmin | Role::Inspector, _, Some(d)) => {
            credits::place(state, caller, tr, d, None, today).await?
        }
        (Some(o), _, _, _) => credits::own(state, caller, tr, o.teacher_id, today).await?,
        _ => None,
    };
    Ok(Dashboard {
        credits,
        activities,
        role: role.code().to_string(),
        place,
        as_of: today,
        pending_verification: pending,
        can_verify,
        own,
        school,
        district,
    })
}

async fn school_name(state: &AppState, caller: &Caller, tr: Tr, school_id: i64) -> Option<String> {
    lingyan_store::schools::get(&state.store, &caller.scope, school_id)
        .await
        .map(|s| local_name(tr, &s.name, &s.name_en))
        .ok()
}

/// The caller's own part (when their account is a teacher's), with their
/// school's id and name: kept until the school changes or the day turns
/// (`kept`), else computed.
async fn own(
    state: &AppState,
    caller: &Caller,
    tr: Tr,
    today: NaiveDate,
) -> lingyan_store::Result<Option<(Own, i64, String)>> {
    let store = &state.store;
    let viewer = lingyan_store::viewer::Viewer::load_for(store, &caller.scope, today).await?;
    let (Some(tid), Some((district_id, school_id))) = (viewer.own, viewer.own_school) else {
        return Ok(None);
    };
    let revision = lingyan_store::duties::school_revision(store, district_id, school_id).await?;
    if let Some((o, place)) = state.kept_own.get(tid, tr.0, today, revision) {
        return Ok(Some((o, school_id, place)));
    }
    let Some(t) = lingyan_store::teachers::own_record(store, &caller.scope, today).await? else {
        return Ok(None);
    };
    let (duties, due_soon) = duties::own(state, caller, t.id, tr, today).await?;
    let [waiting, verified, returned] =
        lingyan_store::evidence::status_counts(store, &caller.scope, t.id, today).await?;
    let (mentors, apprentices) = mentoring::own(state, caller, t.id, today).await?;
    let o = Own {
        teacher_id: t.id,
        tier: tr.tier_name(&t.tier),
        duties,
        due_soon,
        open_records: records::own_open(state, caller, t.id, tr).await?,
        records_waiting: waiting,
        records_verified: verified,
        records_returned: returned,
        mentors,
        apprentices,
    };
    let place = school_name(state, caller, tr, school_id)
        .await
        .unwrap_or_default();
    state.kept_own.put(tid, tr.0, today, revision, &o, &place);
    Ok(Some((o, school_id, place)))
}

async fn school(
    state: &AppState,
    caller: &Caller,
    tr: Tr,
    today: NaiveDate,
    home_school: Option<i64>,
) -> lingyan_store::Result<Option<SchoolGlance>> {
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
    let Some((duties, whole)) = duties::school(state, caller, tr, today, school_id).await? else {
        return Ok(None);
    };
    Ok(Some(SchoolGlance {
        group_only: !whole,
        recent_records: records::recent(state, caller, school_id, tr, today).await?,
        staff: if whole {
            staff::summary(state, caller, school_id, today).await?
        } else {
            None
        },
        mentoring: if whole {
            mentoring::glance(state, caller, school_id, today).await?
        } else {
            None
        },
        duties,
    }))
}
