//! The two-way cycle (seed 004, 双向互动): the mentor gives a class, the
//! apprentice gives one, the mentor observes and comments on it, the
//! apprentice reflects, revises the lesson plan and gives a report-back
//! class. A cycle follows one apprentice of a pair through these six stages
//! in order; each stage is fulfilled by a portfolio record of the teacher
//! whose turn it is.

use crate::activities::plan::text;
use crate::codes::coded_enum;
use crate::error::FieldError;
use crate::evidence::{ClassType, Details, EvidenceKind, EvidenceStatus, WritingType};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

coded_enum!(
    /// A stage of the two-way cycle, in order.
    CycleStage, "unknown_cycle_stage", {
        /// 骨干教师上公开课
        MentorClass = "mentor_class", "骨干教师上公开课", ["师傅上课", "示范课"];
        /// 青年教师上公开课
        ApprenticeClass = "apprentice_class", "青年教师上公开课", ["徒弟上课"];
        /// 骨干教师点评
        Review = "review", "骨干教师点评", ["点评", "评课"];
        /// 青年教师反思
        Reflection = "reflection", "青年教师反思", ["反思"];
        /// 修改教案
        RevisedPlan = "revised_plan", "修改教案", ["教案"];
        /// 再上汇报课
        ReportClass = "report_class", "再上汇报课", ["汇报课"];
    }
);

/// The longest title of a cycle (the lesson it works on).
pub const MAX_CYCLE_TITLE: usize = 100;

impl CycleStage {
    /// Whether the mentor owes this stage (else the cycle's apprentice).
    pub fn by_mentor(self) -> bool {
        matches!(self, CycleStage::MentorClass | CycleStage::Review)
    }

    /// The stage's place, 1 to 6.
    pub fn number(self) -> usize {
        Self::ALL.iter().position(|s| *s == self).unwrap_or(0) + 1
    }

    /// The stage after this one, if any.
    pub fn next(self) -> Option<Self> {
        Self::ALL.get(self.number()).copied()
    }

    /// The kind of portfolio record that fulfils the stage.
    pub fn kind(self) -> EvidenceKind {
        match self {
            CycleStage::MentorClass | CycleStage::ApprenticeClass | CycleStage::ReportClass => {
                EvidenceKind::Class
            }
            CycleStage::Review => EvidenceKind::Observation,
            CycleStage::Reflection | CycleStage::RevisedPlan => EvidenceKind::Writing,
        }
    }

    /// Whether a record's details fulfil this stage for `apprentice`: a
    /// class (any type) for the three classes, the mentor's observation of
    /// the apprentice, a teaching reflection, a lesson plan. The error
    /// names what the stage needs.
    pub fn fits(self, details: &Details, apprentice: i64) -> Result<(), FieldError> {
        let ok = match (self, details) {
            (
                CycleStage::MentorClass | CycleStage::ApprenticeClass | CycleStage::ReportClass,
                Details::Class { .. },
            ) => true,
            (CycleStage::Review, d @ Details::Observation { .. }) => {
                d.observed_teacher_id() == Some(apprentice)
            }
            (CycleStage::Reflection, Details::Writing { writing_type, .. }) => {
                *writing_type == WritingType::Reflection
            }
            (CycleStage::RevisedPlan, Details::Writing { writing_type, .. }) => {
                *writing_type == WritingType::LessonPlan
            }
            _ => false,
        };
        if ok {
            return Ok(());
        }
        let code = match self {
            CycleStage::MentorClass | CycleStage::ApprenticeClass | CycleStage::ReportClass => {
                "stage_needs_class"
            }
            CycleStage::Review => "stage_needs_observation",
            CycleStage::Reflection => "stage_needs_reflection",
            CycleStage::RevisedPlan => "stage_needs_lesson_plan",
        };
        Err(FieldError::new("evidence_id", code))
    }

    /// The kind-specific fields of a record made on the spot for this
    /// stage (the form asks only for the date, title, level and text).
    pub fn record_details(self, apprentice: i64) -> BTreeMap<String, String> {
        let mut d = BTreeMap::new();
        match self {
            CycleStage::MentorClass => {
                d.insert("class_type".into(), ClassType::Demonstration.code().into());
            }
            CycleStage::ApprenticeClass => {
                d.insert("class_type".into(), ClassType::Open.code().into());
            }
            CycleStage::ReportClass => {
                d.insert("class_type".into(), ClassType::ReportBack.code().into());
            }
            CycleStage::Review => {
                d.insert("observed_teacher".into(), format!("#{apprentice}"));
            }
            CycleStage::Reflection => {
                d.insert("writing_type".into(), WritingType::Reflection.code().into());
            }
            CycleStage::RevisedPlan => {
                d.insert("writing_type".into(), WritingType::LessonPlan.code().into());
            }
        }
        d
    }
}

/// A new cycle: the lesson or theme it works on, the apprentice it follows
/// (on a one-two-two pair) and the day it starts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CycleInput {
    /// The lesson or theme (e.g. "《秋天的雨》").
    pub title: String,
    /// The apprentice it follows; the pair's first apprentice when left out.
    #[serde(default)]
    pub apprentice_teacher_id: Option<i64>,
    pub started_on: NaiveDate,
}

impl CycleInput {
    /// Problems found without the database, each naming its field.
    pub fn problems(&self, today: NaiveDate) -> Vec<FieldError> {
        let mut e = Vec::new();
        text(&mut e, "cycle_title", &self.title, MAX_CYCLE_TITLE, true);
        if self.started_on > today {
            e.push(FieldError::new("started_on", "in_future").with("value", self.started_on));
        }
        e
    }
}

/// A stage already fulfilled: by which record, of which day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Done {
    pub stage: CycleStage,
    pub evidence_id: i64,
    pub occurred_on: NaiveDate,
}

/// A record offered for a stage, as far as the rules look at it.
#[derive(Debug, Clone, Copy)]
pub struct Offered<'a> {
    pub id: i64,
    pub owner_teacher_id: i64,
    pub occurred_on: NaiveDate,
    pub status: EvidenceStatus,
    pub details: &'a Details,
}

/// The first stage not yet fulfilled, if any.
pub fn next_stage(done: &[Done]) -> Option<CycleStage> {
    CycleStage::ALL
        .iter()
        .copied()
        .find(|s| !done.iter().any(|d| d.stage == *s))
}

/// Whether `record` may fulfil `stage` of a cycle that started on
/// `started_on` and has `done` so far: stages go in order; the record is
/// the owing teacher's (`owner`), of the stage's kind, not rejected, not
/// used elsewhere in the pair (`used`), dated on or after the cycle's start
/// and the stage before.
pub fn check_link(
    stage: CycleStage,
    done: &[Done],
    started_on: NaiveDate,
    owner: i64,
    apprentice: i64,
    record: &Offered<'_>,
    used: bool,
) -> Result<(), FieldError> {
    if done.iter().any(|d| d.stage == stage) {
        return Err(FieldError::new("stage", "stage_done").with("n", stage.number()));
    }
    if let Some(next) = next_stage(done)
        && next != stage
    {
        return Err(FieldError::new("stage", "stage_out_of_order").with("n", next.number()));
    }
    if record.owner_teacher_id != owner {
        return Err(FieldError::new("evidence_id", "record_of_other_teacher"));
    }
    stage.fits(record.details, apprentice)?;
    if record.status == EvidenceStatus::Rejected {
        return Err(FieldError::new("evidence_id", "record_rejected"));
    }
    if used {
        return Err(FieldError::new("evidence_id", "record_in_cycle"));
    }
    let after = done
        .iter()
        .map(|d| d.occurred_on)
        .chain(std::iter::once(started_on))
        .max()
        .unwrap_or(started_on);
    if record.occurred_on < after {
        return Err(FieldError::new("evidence_id", "record_before_stage").with("value", after));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn class() -> Details {
        Details::Class {
            class_type: ClassType::Open,
            subject: None,
            class_name: None,
            audience: None,
            receiving_school: None,
        }
    }

    fn observation(of: i64) -> Details {
        Details::Observation {
            observed_teacher: Some(crate::evidence::TeacherRef::Id { teacher_id: of }),
            class_name: None,
            subject: None,
            scores: vec![],
            inspection: false,
            feedback: None,
        }
    }

    fn writing(t: WritingType) -> Details {
        Details::Writing {
            writing_type: t,
            subject: None,
        }
    }

    #[test]
    fn six_stages_alternate_between_the_two_teachers() {
        let who: Vec<bool> = CycleStage::ALL.iter().map(|s| s.by_mentor()).collect();
        assert_eq!(who, [true, false, true, false, false, false]);
        assert_eq!(CycleStage::MentorClass.next(), Some(CycleStage::ApprenticeClass));
        assert_eq!(CycleStage::ReportClass.next(), None);
        assert_eq!(CycleStage::Review.number(), 3);
        assert_eq!(CycleStage::parse("stage", "汇报课"), Ok(CycleStage::ReportClass));
    }

    #[test]
    fn a_stage_takes_only_its_kind_of_record() {
        let a = 7;
        assert!(CycleStage::MentorClass.fits(&class(), a).is_ok());
        assert!(CycleStage::Review.fits(&observation(a), a).is_ok());
        assert_eq!(
            CycleStage::Review.fits(&observation(8), a).unwrap_err().code,
            "stage_needs_observation"
        );
        assert_eq!(
            CycleStage::Reflection
                .fits(&writing(WritingType::LessonPlan), a)
                .unwrap_err()
                .code,
            "stage_needs_reflection"
        );
        assert!(
            CycleStage::RevisedPlan
                .fits(&writing(WritingType::LessonPlan), a)
                .is_ok()
        );
        assert_eq!(
            CycleStage::ReportClass
                .fits(&writing(WritingType::Reflection), a)
                .unwrap_err()
                .code,
            "stage_needs_class"
        );
        // What a record made on the spot carries fits its stage.
        for s in CycleStage::ALL {
            let input = crate::evidence::EvidenceInput {
                kind: s.kind(),
                date: "2026-11-02".into(),
                title: "《秋天的雨》".into(),
                level: "school".into(),
                text: String::new(),
                details: s.record_details(a),
            };
            let draft = input.parse().unwrap_or_else(|e| panic!("{s:?}: {e:?}"));
            assert!(s.fits(&draft.details, a).is_ok(), "{s:?}");
        }
    }

    #[test]
    fn links_go_in_order_with_the_owing_teachers_records_in_date_order() {
        let (mentor, apprentice) = (1, 2);
        let start = day("2026-10-01");
        let c = class();
        let offered = |owner, on: &str| Offered {
            id: 50,
            owner_teacher_id: owner,
            occurred_on: day(on),
            status: EvidenceStatus::Recorded,
            details: &c,
        };
        let first = offered(mentor, "2026-10-08");
        assert!(
            check_link(
                CycleStage::MentorClass,
                &[],
                start,
                mentor,
                apprentice,
                &first,
                false
            )
            .is_ok()
        );
        // Out of order: the apprentice's class before the mentor's.
        let e = check_link(
            CycleStage::ApprenticeClass,
            &[],
            start,
            apprentice,
            apprentice,
            &offered(apprentice, "2026-10-09"),
            false,
        )
        .unwrap_err();
        assert_eq!((e.field, e.code), ("stage", "stage_out_of_order"));
        assert_eq!(e.args[0].1, "1");
        let done = [Done {
            stage: CycleStage::MentorClass,
            evidence_id: 50,
            occurred_on: day("2026-10-08"),
        }];
        // Another teacher's record.
        let e = check_link(
            CycleStage::ApprenticeClass,
            &done,
            start,
            apprentice,
            apprentice,
            &offered(mentor, "2026-10-09"),
            false,
        )
        .unwrap_err();
        assert_eq!((e.field, e.code), ("evidence_id", "record_of_other_teacher"));
        // Dated before the stage it follows.
        let e = check_link(
            CycleStage::ApprenticeClass,
            &done,
            start,
            apprentice,
            apprentice,
            &offered(apprentice, "2026-10-07"),
            false,
        )
        .unwrap_err();
        assert_eq!(e.code, "record_before_stage");
        // Already in a cycle of the pair; a stage done twice; rejected.
        let ok = offered(apprentice, "2026-10-09");
        assert_eq!(
            check_link(
                CycleStage::ApprenticeClass,
                &done,
                start,
                apprentice,
                apprentice,
                &ok,
                true
            )
            .unwrap_err()
            .code,
            "record_in_cycle"
        );
        assert_eq!(
            check_link(
                CycleStage::MentorClass,
                &done,
                start,
                mentor,
                apprentice,
                &first,
                false
            )
            .unwrap_err()
            .code,
            "stage_done"
        );
        let rejected = Offered {
            status: EvidenceStatus::Rejected,
            ..ok
        };
        assert_eq!(
            check_link(
                CycleStage::ApprenticeClass,
                &done,
                start,
                apprentice,
                apprentice,
                &rejected,
                false
            )
            .unwrap_err()
            .code,
            "record_rejected"
        );
        assert!(
            check_link(
                CycleStage::ApprenticeClass,
                &done,
                start,
                apprentice,
                apprentice,
                &ok,
                false
            )
            .is_ok()
        );
        assert_eq!(next_stage(&done), Some(CycleStage::ApprenticeClass));
    }

    #[test]
    fn a_cycle_has_a_title_and_has_started() {
        let today = day("2026-12-07");
        let ok = CycleInput {
            title: "《秋天的雨》".into(),
            apprentice_teacher_id: None,
            started_on: today,
        };
        assert!(ok.problems(today).is_empty());
        let bad = CycleInput {
            title: String::new(),
            started_on: today.succ_opt().unwrap(),
            ..ok
        };
        let fields: Vec<&str> = bad.problems(today).iter().map(|e| e.field).collect();
        assert_eq!(fields, ["cycle_title", "started_on"]);
    }
}
