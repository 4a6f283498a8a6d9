//! Claims for training taken outside (学分登记 → 学分认定): what a teacher
//! states with a certificate, and the district's approval chain it goes
//! through before it counts — none, the school's, or the school's then the
//! district's. A rejection always says why; a pending claim can be
//! withdrawn by the teacher. Manual adjustments by district staff are
//! entries of their own with a reason.

use super::{Amount, Approval, Area, Form, What};
use crate::activities::plan::text;
use crate::codes::coded_enum;
use crate::error::FieldError;
use crate::level::Level;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

coded_enum!(
    /// Where a claim stands.
    ClaimStatus, "unknown_claim_status", {
        /// 待学校审核
        PendingSchool = "pending_school", "待学校审核", [];
        /// 待区县认定
        PendingDistrict = "pending_district", "待区县认定", [];
        /// 已认定 (counted)
        Approved = "approved", "已认定", [];
        /// 已退回 (with a reason)
        Rejected = "rejected", "已退回", [];
        /// 已撤回 (by the teacher)
        Withdrawn = "withdrawn", "已撤回", [];
    }
);

/// Who decides the next step of a claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    School,
    District,
}

impl ClaimStatus {
    /// Where a claim starts under a chain.
    pub fn submitted(chain: Approval) -> ClaimStatus {
        match chain {
            Approval::None => ClaimStatus::Approved,
            Approval::School | Approval::SchoolThenDistrict => ClaimStatus::PendingSchool,
        }
    }

    /// Who decides now, if anyone.
    pub fn step(self) -> Option<Step> {
        match self {
            ClaimStatus::PendingSchool => Some(Step::School),
            ClaimStatus::PendingDistrict => Some(Step::District),
            _ => None,
        }
    }

    /// Where an approval at this step leads under the chain the claim was
    /// submitted under.
    pub fn approved(self, chain: Approval) -> Result<ClaimStatus, FieldError> {
        match (self, chain) {
            (ClaimStatus::PendingSchool, Approval::SchoolThenDistrict) => Ok(ClaimStatus::PendingDistrict),
            (ClaimStatus::PendingSchool | ClaimStatus::PendingDistrict, _) => Ok(ClaimStatus::Approved),
            _ => Err(FieldError::new("status", "claim_already_decided").with("value", self.code())),
        }
    }

    /// A rejection: only while pending, and only with a reason.
    pub fn rejected(self, reason: &str) -> Result<ClaimStatus, FieldError> {
        if self.step().is_none() {
            return Err(FieldError::new("status", "claim_already_decided").with("value", self.code()));
        }
        let n = reason.trim().chars().count();
        if n == 0 {
            return Err(FieldError::new("reason", "reason_required"));
        }
        if n > 500 {
            return Err(FieldError::new("reason", "too_long").with("max", 500));
        }
        Ok(ClaimStatus::Rejected)
    }

    /// The teacher takes it back: only while pending.
    pub fn withdrawn(self) -> Result<ClaimStatus, FieldError> {
        match self.step() {
            Some(_) => Ok(ClaimStatus::Withdrawn),
            None => Err(FieldError::new("status", "claim_already_decided").with("value", self.code())),
        }
    }

    /// Whether the claim still stands (pending or counted): another claim
    /// of the same training is refused while it does.
    pub fn stands(self) -> bool {
        !matches!(self, ClaimStatus::Rejected | ClaimStatus::Withdrawn)
    }
}

/// The most hours one claim (or adjustment) may state: a year of full-time
/// study.
pub const MAX_HOURS: i64 = 2000;

/// What a teacher claims.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClaimInput {
    pub title: String,
    pub organiser: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "centralized"))]
    pub form: Form,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "county"))]
    pub level: Option<Level>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "method"))]
    pub area: Option<Area>,
    /// `outside_training` (default), or something done that a conversion
    /// may award: `open_class`, `competition_prize`, `degree_year`,
    /// `new_teacher_training`.
    #[serde(default = "outside")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "outside_training"))]
    pub what: What,
    #[cfg_attr(feature = "openapi", schema(value_type = f64, example = 16))]
    pub hours: Amount,
    /// Credits the certificate states (else counted from the hours).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<f64>))]
    pub credits: Option<Amount>,
    /// The certificate's number, or anything the reviewer should know.
    #[serde(default)]
    pub note: String,
    /// The approval given before the training (its reference or who
    /// approved it), where the district's requirement asks for one.
    #[serde(default)]
    pub prior_approval: String,
}

fn outside() -> What {
    What::Earning(super::Earning::OutsideTraining)
}

impl ClaimInput {
    /// Every problem, each naming its field. A training must have ended by
    /// `today`; activity types are claimed by attending, not here.
    pub fn problems(&self, today: NaiveDate) -> Vec<FieldError> {
        let mut e = Vec::new();
        text(&mut e, "training_title", &self.title, 200, true);
        text(&mut e, "organiser", &self.organiser, 100, true);
        text(&mut e, "claim_note", &self.note, 500, false);
        text(&mut e, "prior_approval_ref", &self.prior_approval, 200, false);
        if self.end < self.start {
            e.push(FieldError::new("end", "before_start"));
        }
        if self.end > today {
            e.push(FieldError::new("end", "in_future").with("value", self.end));
        }
        amount(&mut e, "hours", Some(self.hours), true);
        amount(&mut e, "credits", self.credits, false);
        if let What::Activity(_) = self.what {
            e.push(FieldError::new("what", "claim_not_for_activities").with("value", self.what.code()));
        }
        e
    }
}

fn amount(e: &mut Vec<FieldError>, field: &'static str, a: Option<Amount>, positive: bool) {
    let Some(a) = a else { return };
    let max = Amount::whole(MAX_HOURS);
    if a.is_negative() || (positive && a.is_zero()) || a > max {
        e.push(
            FieldError::new(field, "out_of_range")
                .with("min", if positive { "0.01" } else { "0" })
                .with("max", MAX_HOURS),
        );
    }
}

/// A manual adjustment by district staff: credits (or hours) added to a
/// teacher's ledger in a form, level and area, with the reason the teacher
/// and every reader sees.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdjustmentInput {
    /// The day it counts on (its cycle and year).
    pub date: NaiveDate,
    /// What it is for, as the transcript lists it.
    pub title: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "centralized"))]
    pub form: Form,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub level: Option<Level>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub area: Option<Area>,
    /// Credits (or hours, for a requirement counted in hours) added.
    #[cfg_attr(feature = "openapi", schema(value_type = f64, example = 4))]
    pub credits: Amount,
    pub reason: String,
}

impl AdjustmentInput {
    pub fn problems(&self, today: NaiveDate) -> Vec<FieldError> {
        let mut e = Vec::new();
        text(&mut e, "adjustment_title", &self.title, 200, true);
        text(&mut e, "reason", &self.reason, 500, true);
        if self.date > today {
            e.push(FieldError::new("date", "in_future").with("value", self.date));
        }
        amount(&mut e, "credits", Some(self.credits), true);
        e
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn claim() -> ClaimInput {
        ClaimInput {
            title: "小学数学新课标专题培训".into(),
            organiser: "广府区教师进修学校".into(),
            start: day("2026-07-10"),
            end: day("2026-07-13"),
            form: Form::Centralized,
            level: Some(Level::County),
            area: None,
            what: outside(),
            hours: Amount::whole(16),
            credits: None,
            note: String::new(),
            prior_approval: String::new(),
        }
    }

    #[test]
    fn chains() {
        use ClaimStatus::*;
        assert_eq!(ClaimStatus::submitted(Approval::None), Approved);
        assert_eq!(ClaimStatus::submitted(Approval::School), PendingSchool);
        assert_eq!(
            ClaimStatus::submitted(Approval::SchoolThenDistrict),
            PendingSchool
        );
        assert_eq!(PendingSchool.approved(Approval::School), Ok(Approved));
        assert_eq!(
            PendingSchool.approved(Approval::SchoolThenDistrict),
            Ok(PendingDistrict)
        );
        assert_eq!(
            PendingDistrict.approved(Approval::SchoolThenDistrict),
            Ok(Approved)
        );
        for s in [Approved, Rejected, Withdrawn] {
            assert_eq!(
                s.approved(Approval::School).unwrap_err().code,
                "claim_already_decided"
            );
            assert_eq!(s.rejected("x").unwrap_err().code, "claim_already_decided");
            assert_eq!(s.withdrawn().unwrap_err().code, "claim_already_decided");
            assert_eq!(s.step(), None);
        }
        assert_eq!(PendingSchool.step(), Some(Step::School));
        assert_eq!(PendingDistrict.step(), Some(Step::District));
        assert_eq!(
            PendingDistrict.rejected("  ").unwrap_err().code,
            "reason_required"
        );
        assert_eq!(
            PendingSchool.rejected(&"字".repeat(501)).unwrap_err().code,
            "too_long"
        );
        assert_eq!(PendingSchool.rejected(&"字".repeat(500)), Ok(Rejected));
        assert_eq!(PendingDistrict.withdrawn(), Ok(Withdrawn));
        assert!(Approved.stands() && PendingSchool.stands() && PendingDistrict.stands());
        assert!(!Rejected.stands() && !Withdrawn.stands());
    }

    #[test]
    fn claim_problems() {
        let today = day("2026-12-01");
        assert!(claim().problems(today).is_empty());
        let mut c = claim();
        c.title = " ".into();
        c.organiser = "乙".repeat(101);
        c.end = day("2026-07-09");
        c.hours = Amount::ZERO;
        c.credits = Some(Amount::whole(-1));
        c.what = What::Activity(crate::activities::ActivityType::ExpertLecture);
        let got: Vec<String> = c
            .problems(today)
            .iter()
            .map(|e| format!("{}:{}", e.field, e.code))
            .collect();
        assert_eq!(
            got,
            [
                "training_title:required",
                "organiser:too_long",
                "end:before_start",
                "hours:out_of_range",
                "credits:out_of_range",
                "what:claim_not_for_activities"
            ]
        );
        let mut c = claim();
        c.end = day("2026-12-02");
        c.hours = Amount::whole(MAX_HOURS);
        c.credits = Some(Amount::ZERO);
        assert_eq!(c.problems(today).len(), 1, "only the future end");
        c.hours = Amount::whole(MAX_HOURS) + Amount::hundredths(1);
        assert_eq!(c.problems(today).len(), 2);
        c.end = today;
        c.hours = Amount::hundredths(1);
        assert!(c.problems(today).is_empty());
        // A one-day training: the end on the first day is fine.
        c.start = today;
        assert!(c.problems(today).is_empty());
    }

    #[test]
    fn adjustment_problems() {
        let today = day("2026-12-01");
        let a = AdjustmentInput {
            date: today,
            title: "补记：2026年暑期师德专题培训".into(),
            form: Form::Centralized,
            level: None,
            area: Some(Area::Ethics),
            credits: Amount::whole(4),
            reason: "证书遗漏，经区教师进修学校核实".into(),
        };
        assert!(a.problems(today).is_empty());
        let mut b = a.clone();
        b.reason = String::new();
        b.credits = Amount::ZERO;
        b.date = day("2026-12-02");
        let got: Vec<String> = b
            .problems(today)
            .iter()
            .map(|e| format!("{}:{}", e.field, e.code))
            .collect();
        assert_eq!(got, ["reason:required", "date:in_future", "credits:out_of_range"]);
    }

    #[test]
    fn claim_json_defaults_to_outside_training() {
        let c: ClaimInput = serde_json::from_str(
            r#"{"title":"甲","organiser":"乙","start":"2026-07-10","end":"2026-07-10","form":"online","hours":8}"#,
        )
        .unwrap();
        assert_eq!(c.what, outside());
        assert!(serde_json::from_str::<ClaimInput>(
            r#"{"title":"甲","organiser":"乙","start":"2026-07-10","end":"2026-07-10","form":"online","hours":8,"x":1}"#
        )
        .is_err());
    }
}
