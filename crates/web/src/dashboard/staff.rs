//! The staff on a school's dashboard, in four figures from the status
//! analysis.

use crate::auth::Caller;
use crate::state::AppState;
use chrono::NaiveDate;
use lingyan_domain::{Capability, Tenant};
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct StaffSummary {
    pub staff: u64,
    pub backbone: u64,
    /// Percentages of all staff.
    pub backbone_percent: u64,
    pub under_35_percent: u64,
    pub bachelor_or_above_percent: u64,
}

/// `None` for callers who may not read the school's staff.
pub(super) async fn summary(
    state: &AppState,
    caller: &Caller,
    school_id: i64,
    today: NaiveDate,
) -> lingyan_store::Result<Option<StaffSummary>> {
    let s = match lingyan_store::status::for_school(&state.store, &caller.scope, school_id, today).await {
        Ok(s) => s,
        Err(lingyan_store::Error::Forbidden | lingyan_store::Error::NotFound) => return Ok(None),
        Err(e) => return Err(e),
    };
    if !caller.scope.allows(
        Capability::ReadTeachers,
        Tenant::school(s.school.district_id, s.school.id),
    ) {
        return Ok(None);
    }
    let a = s.analysis;
    Ok(Some(StaffSummary {
        staff: a.staff,
        backbone: a.backbone_total.count,
        backbone_percent: a.backbone_total.percent(),
        under_35_percent: a
            .under_age
            .iter()
            .find(|(age, _)| *age == 35)
            .map_or(0, |(_, s)| s.percent()),
        bachelor_or_above_percent: a.bachelor_or_above.percent(),
    }))
}
