//! Mentoring (师徒结对 / 青蓝工程 / 传帮带) as a managed programme: a pair
//! joins one mentor with one apprentice ("one-on-one", 一对一) or two
//! ("one-two-two", 一带二) for a term, with goals for each side and a
//! ceremony (拜师仪式); it is proposed, agreed, active and concluded — or
//! dissolved with a reason. How many apprentices a mentor may take at a
//! time is a rule a school or district sets ([`MentoringRules`]).

pub mod cycle;
pub mod matching;
pub mod review;
pub mod week;

use crate::activities::plan::text;
use crate::codes::coded_enum;
use crate::error::FieldError;
use crate::rule_sets::RuleSetKind;
use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

coded_enum!(
    /// How many apprentices a pair joins with its mentor.
    PairKind, "unknown_pair_kind", {
        /// 一对一
        OneOnOne = "one_on_one", "一对一", ["1v1"];
        /// 一带二
        OneTwoTwo = "one_two_two", "一带二", ["1v2"];
    }
);

impl PairKind {
    /// The most apprentices a pair of this kind has.
    pub fn apprentices(self) -> usize {
        match self {
            PairKind::OneOnOne => 1,
            PairKind::OneTwoTwo => 2,
        }
    }
}

coded_enum!(
    /// Where a pair stands.
    PairStatus, "unknown_pair_status", {
        /// 拟结对: proposed by a leader, not yet agreed by both teachers
        Proposed = "proposed", "拟结对", [];
        /// 已签约: the agreement is signed (usually at the ceremony)
        Agreed = "agreed", "已签约", [];
        /// 结对中
        Active = "active", "结对中", [];
        /// 已结业: the term ran its course
        Concluded = "concluded", "已结业", [];
        /// 已解除 (with a reason)
        Dissolved = "dissolved", "已解除", [];
    }
);

/// What a leader does to a pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PairAction {
    Agree,
    Activate,
    Conclude,
    Dissolve,
}

impl PairAction {
    pub const ALL: [PairAction; 4] = [
        PairAction::Agree,
        PairAction::Activate,
        PairAction::Conclude,
        PairAction::Dissolve,
    ];

    /// The action for its code, or an error naming `field`.
    pub fn parse(field: &'static str, s: &str) -> Result<Self, FieldError> {
        let s = s.trim();
        Self::ALL
            .into_iter()
            .find(|a| a.code() == s)
            .ok_or_else(|| FieldError::new(field, "unknown_pair_action").with("value", s))
    }

    pub fn code(self) -> &'static str {
        match self {
            PairAction::Agree => "agree",
            PairAction::Activate => "activate",
            PairAction::Conclude => "conclude",
            PairAction::Dissolve => "dissolve",
        }
    }
}

impl PairStatus {
    /// Whether the pair still stands (counts toward a mentor's load and
    /// keeps its apprentices from another pair in the subject).
    pub fn stands(self) -> bool {
        matches!(
            self,
            PairStatus::Proposed | PairStatus::Agreed | PairStatus::Active
        )
    }

    /// Whether the pair is or was under way: its teachers are mentor and
    /// apprentice for the days it ran.
    pub fn ran(self) -> bool {
        matches!(self, PairStatus::Active | PairStatus::Concluded)
    }

    /// Where an action leads: proposed → agreed → active → concluded, and
    /// dissolved from any standing state. Anything else names the status
    /// the pair is in.
    pub fn after(self, action: PairAction) -> Result<PairStatus, FieldError> {
        use PairAction as A;
        use PairStatus as S;
        match (self, action) {
            (S::Proposed, A::Agree) => Ok(S::Agreed),
            (S::Agreed, A::Activate) => Ok(S::Active),
            (S::Active, A::Conclude) => Ok(S::Concluded),
            (S::Proposed | S::Agreed | S::Active, A::Dissolve) => Ok(S::Dissolved),
            _ => Err(FieldError::new("status", "pair_not_allowed")
                .with("value", self.code())
                .with("action", action.code())),
        }
    }

    /// The actions open from here, in the order a page offers them.
    pub fn actions(self) -> Vec<PairAction> {
        PairAction::ALL
            .into_iter()
            .filter(|a| self.after(*a).is_ok())
            .collect()
    }
}

/// The longest term: three years, for new teachers (新教师三年培养).
pub const MAX_TERM_MONTHS: u32 = 36;
/// The longest goal or reason text.
pub const MAX_GOALS: usize = 2000;

/// What a leader states to propose a pair (or to record one already
/// under way). Teachers are given by id; the store checks they exist, are
/// of the district and are free.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PairInput {
    pub mentor_teacher_id: i64,
    /// One apprentice, or two for a "one-two-two" pair.
    pub apprentice_teacher_ids: Vec<i64>,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "one_on_one"))]
    pub kind: PairKind,
    /// The subject the mentoring is in (empty: the apprentice's own).
    #[serde(default)]
    pub subject: String,
    /// The term: from …
    pub starts_on: NaiveDate,
    /// … to (at most three years).
    pub ends_on: NaiveDate,
    /// The ceremony (拜师仪式), where the agreement is signed.
    #[serde(default)]
    pub ceremony_on: Option<NaiveDate>,
    /// What the mentor undertakes to achieve.
    #[serde(default)]
    pub mentor_goals: String,
    /// What the apprentice undertakes to achieve.
    #[serde(default)]
    pub apprentice_goals: String,
    /// Recording a pair already under way (its agreement signed before
    /// Lingyan knew of it): it starts active. Ignored by an edit.
    #[serde(default)]
    pub under_way: bool,
}

impl PairInput {
    /// Every problem found without the database, each naming its field.
    pub fn problems(&self) -> Vec<FieldError> {
        let mut e = Vec::new();
        let ids = &self.apprentice_teacher_ids;
        if ids.is_empty() {
            e.push(FieldError::new("apprentices", "required"));
        } else if ids.len() > self.kind.apprentices() {
            e.push(
                FieldError::new("apprentices", "too_many_apprentices")
                    .with("max", self.kind.apprentices())
                    .with("value", self.kind.zh()),
            );
        }
        if ids.contains(&self.mentor_teacher_id) {
            e.push(FieldError::new("apprentices", "own_mentor"));
        }
        if ids.len() == 2 && ids[0] == ids[1] {
            e.push(FieldError::new("apprentices", "same_apprentice_twice"));
        }
        text(&mut e, "subject", &self.subject, 50, false);
        text(&mut e, "mentor_goals", &self.mentor_goals, MAX_GOALS, false);
        text(
            &mut e,
            "apprentice_goals",
            &self.apprentice_goals,
            MAX_GOALS,
            false,
        );
        e.extend(term_problems(self.starts_on, self.ends_on, self.ceremony_on));
        e
    }
}

/// A term's problems: it ends after it starts, within three years; the
/// ceremony falls within it (or up to a month before).
pub fn term_problems(starts: NaiveDate, ends: NaiveDate, ceremony: Option<NaiveDate>) -> Vec<FieldError> {
    let mut e = Vec::new();
    if ends <= starts {
        e.push(FieldError::new("ends_on", "before_start"));
    } else if starts
        .checked_add_months(Months::new(MAX_TERM_MONTHS))
        .is_some_and(|max| ends > max)
    {
        e.push(FieldError::new("ends_on", "term_too_long").with("max", MAX_TERM_MONTHS / 12));
    }
    if let Some(c) = ceremony.filter(|_| ends > starts) {
        let earliest = starts.checked_sub_months(Months::new(1)).unwrap_or(starts);
        if c < earliest || c > ends {
            e.push(
                FieldError::new("ceremony_on", "outside_term")
                    .with("from", starts)
                    .with("to", ends),
            );
        }
    }
    e
}

/// Whether two terms share a day.
pub fn overlaps(a: (NaiveDate, NaiveDate), b: (NaiveDate, NaiveDate)) -> bool {
    a.0 <= b.1 && b.0 <= a.1
}

/// The subjects two pairs are in are the same for the rule "one mentor per
/// subject at a time": compared without case and surrounding spaces.
pub fn same_subject(a: &str, b: &str) -> bool {
    a.trim().to_lowercase() == b.trim().to_lowercase()
}

/// A dissolution needs a reason (1–500 characters).
pub fn dissolve_reason(reason: &str) -> Result<String, FieldError> {
    let n = reason.trim().chars().count();
    if n == 0 {
        return Err(FieldError::new("reason", "reason_required"));
    }
    if n > 500 {
        return Err(FieldError::new("reason", "too_long").with("max", 500));
    }
    Ok(reason.trim().to_string())
}

/// The mentoring rules a school or district sets per school year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MentoringRules {
    /// How many apprentices a mentor may have at a time, over all their
    /// standing pairs (1–10).
    pub max_apprentices: u8,
    /// How matching weighs each part of a candidate's score.
    #[serde(default)]
    pub weights: matching::MatchWeights,
}

impl Default for MentoringRules {
    /// Two: "one-two-two" is the most the seeds describe.
    fn default() -> Self {
        Self {
            max_apprentices: 2,
            weights: matching::MatchWeights::default(),
        }
    }
}

/// The code of the load rule in diffs.
pub const LOAD_CODE: &str = "@load";
/// The code of the matching weights in diffs.
pub const WEIGHTS_CODE: &str = "@weights";

impl MentoringRules {
    /// Every problem, each naming its field.
    pub fn problems(&self) -> Vec<FieldError> {
        let mut e = Vec::new();
        if !(1..=10).contains(&self.max_apprentices) {
            e.push(
                FieldError::new("max_apprentices", "out_of_range")
                    .with("min", 1)
                    .with("max", 10),
            );
        }
        let w = &self.weights;
        for (field, v) in [
            ("same_subject", w.same_subject),
            ("same_section", w.same_section),
            ("honour_step", w.honour_step),
            ("per_year", w.per_year),
            ("max_years", w.max_years),
            ("per_apprentice", w.per_apprentice),
            ("per_past_pair", w.per_past_pair),
            ("max_past_pairs", w.max_past_pairs),
        ] {
            if v > 1000 {
                e.push(
                    FieldError::new(field, "out_of_range")
                        .with("min", 0)
                        .with("max", 1000),
                );
            }
        }
        e
    }

    /// The load check: a mentor with `current` apprentices in standing
    /// pairs that overlap the new term may take `adding` more.
    pub fn load_allows(&self, current: usize, adding: usize) -> Result<(), FieldError> {
        let max = usize::from(self.max_apprentices);
        if current + adding > max {
            return Err(FieldError::new("mentor", "mentor_load")
                .with("max", max)
                .with("value", current));
        }
        Ok(())
    }
}

impl RuleSetKind for MentoringRules {
    const KIND: &'static str = "mentoring";
    const DATED: bool = false;

    fn fallback() -> Self {
        Self::default()
    }

    fn codes(&self) -> Vec<&str> {
        vec![LOAD_CODE, WEIGHTS_CODE]
    }

    fn same_rule(&self, other: &Self, code: &str) -> bool {
        match code {
            LOAD_CODE => self.max_apprentices == other.max_apprentices,
            WEIGHTS_CODE => self.weights == other.weights,
            _ => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn input() -> PairInput {
        PairInput {
            mentor_teacher_id: 1,
            apprentice_teacher_ids: vec![2],
            kind: PairKind::OneOnOne,
            subject: "语文".into(),
            starts_on: d("2026-09-01"),
            ends_on: d("2027-07-15"),
            ceremony_on: Some(d("2026-09-10")),
            mentor_goals: String::new(),
            apprentice_goals: String::new(),
            under_way: false,
        }
    }

    fn codes(e: &[FieldError]) -> Vec<(&str, &str)> {
        e.iter().map(|e| (e.field, e.code)).collect()
    }

    #[test]
    fn a_good_pair_has_no_problems() {
        assert!(input().problems().is_empty());
        let mut two = input();
        two.kind = PairKind::OneTwoTwo;
        two.apprentice_teacher_ids = vec![2, 3];
        assert!(two.problems().is_empty());
        // A "one-two-two" pair may start with one apprentice.
        two.apprentice_teacher_ids = vec![2];
        assert!(two.problems().is_empty());
    }

    #[test]
    fn bad_pairs_name_their_fields() {
        let mut p = input();
        p.apprentice_teacher_ids = vec![1];
        assert_eq!(codes(&p.problems()), [("apprentices", "own_mentor")]);
        p.apprentice_teacher_ids = vec![2, 3];
        assert_eq!(codes(&p.problems()), [("apprentices", "too_many_apprentices")]);
        p.kind = PairKind::OneTwoTwo;
        p.apprentice_teacher_ids = vec![2, 3, 4];
        assert_eq!(codes(&p.problems()), [("apprentices", "too_many_apprentices")]);
        p.apprentice_teacher_ids = vec![3, 3];
        assert_eq!(codes(&p.problems()), [("apprentices", "same_apprentice_twice")]);
        p.apprentice_teacher_ids = vec![];
        assert_eq!(codes(&p.problems()), [("apprentices", "required")]);
    }

    #[test]
    fn terms_are_at_most_three_years_and_hold_the_ceremony() {
        let mut p = input();
        p.ends_on = d("2029-09-01");
        assert!(p.problems().is_empty(), "exactly three years is allowed");
        p.ends_on = d("2029-09-02");
        assert_eq!(codes(&p.problems()), [("ends_on", "term_too_long")]);
        p.ends_on = d("2026-09-01");
        assert_eq!(codes(&p.problems()), [("ends_on", "before_start")]);
        let mut p = input();
        p.ceremony_on = Some(d("2026-08-01"));
        assert!(p.problems().is_empty(), "a month before the term is allowed");
        p.ceremony_on = Some(d("2026-07-31"));
        assert_eq!(codes(&p.problems()), [("ceremony_on", "outside_term")]);
        p.ceremony_on = Some(d("2027-07-16"));
        assert_eq!(codes(&p.problems()), [("ceremony_on", "outside_term")]);
    }

    #[test]
    fn the_lifecycle_goes_one_way() {
        use PairAction as A;
        use PairStatus as S;
        assert_eq!(S::Proposed.after(A::Agree).unwrap(), S::Agreed);
        assert_eq!(S::Agreed.after(A::Activate).unwrap(), S::Active);
        assert_eq!(S::Active.after(A::Conclude).unwrap(), S::Concluded);
        for s in [S::Proposed, S::Agreed, S::Active] {
            assert_eq!(s.after(A::Dissolve).unwrap(), S::Dissolved);
        }
        assert_eq!(
            S::Proposed.after(A::Activate).unwrap_err().code,
            "pair_not_allowed"
        );
        assert_eq!(
            S::Proposed.after(A::Conclude).unwrap_err().code,
            "pair_not_allowed"
        );
        for s in [S::Concluded, S::Dissolved] {
            assert!(s.actions().is_empty(), "{s:?}");
            assert!(!s.stands());
        }
        assert_eq!(S::Proposed.actions(), [A::Agree, A::Dissolve]);
        assert_eq!(S::Active.actions(), [A::Conclude, A::Dissolve]);
        assert!(S::Concluded.ran() && S::Active.ran() && !S::Agreed.ran());
    }

    #[test]
    fn the_load_limit_counts_what_the_mentor_has() {
        let r = MentoringRules::default();
        assert!(r.load_allows(0, 2).is_ok());
        assert!(r.load_allows(1, 1).is_ok());
        let e = r.load_allows(1, 2).unwrap_err();
        assert_eq!((e.field, e.code), ("mentor", "mentor_load"));
        assert!(
            MentoringRules {
                max_apprentices: 0,
                ..Default::default()
            }
            .problems()
            .len()
                == 1
        );
        assert!(
            MentoringRules {
                max_apprentices: 11,
                ..Default::default()
            }
            .problems()
            .len()
                == 1
        );
    }

    #[test]
    fn dissolving_needs_a_reason() {
        assert_eq!(dissolve_reason("  ").unwrap_err().code, "reason_required");
        assert_eq!(dissolve_reason(&"x".repeat(501)).unwrap_err().code, "too_long");
        assert_eq!(dissolve_reason(" 调动 ").unwrap(), "调动");
    }

    #[test]
    fn subjects_compare_loosely_and_terms_overlap_inclusively() {
        assert!(same_subject(" Math", "math"));
        assert!(!same_subject("语文", "数学"));
        let a = (d("2026-09-01"), d("2027-01-31"));
        assert!(overlaps(a, (d("2027-01-31"), d("2027-07-01"))));
        assert!(!overlaps(a, (d("2027-02-01"), d("2027-07-01"))));
    }
}

/// The most minutes one meeting may last (a whole school day).
pub const MAX_MEETING_MINUTES: u32 = 600;

/// A meeting of the mentoring log (师徒活动记录): when, how long, what about,
/// and notes — private to the mentor, or shared with the apprentice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MeetingInput {
    pub met_on: NaiveDate,
    /// How long it lasted, in minutes (1–600).
    pub minutes: u32,
    pub topic: String,
    #[serde(default)]
    pub notes: String,
    /// Notes only the mentor (and leaders who verify) read; the apprentice
    /// sees that the meeting took place.
    #[serde(default)]
    pub private: bool,
}

impl MeetingInput {
    /// Every problem found without the database, each naming its field: a
    /// meeting has taken place by `today`, lasted 1–600 minutes, and has a
    /// topic.
    pub fn problems(&self, today: NaiveDate) -> Vec<FieldError> {
        let mut e = Vec::new();
        text(&mut e, "meeting_topic", &self.topic, 200, true);
        text(&mut e, "notes", &self.notes, 4000, false);
        if self.met_on > today {
            e.push(FieldError::new("met_on", "in_future").with("value", self.met_on));
        }
        if !(1..=MAX_MEETING_MINUTES).contains(&self.minutes) {
            e.push(
                FieldError::new("minutes", "out_of_range")
                    .with("min", 1)
                    .with("max", MAX_MEETING_MINUTES),
            );
        }
        e
    }
}

#[cfg(test)]
mod meeting_tests {
    use super::*;

    #[test]
    fn a_meeting_has_a_topic_a_length_and_has_happened() {
        let today: NaiveDate = "2026-12-07".parse().unwrap();
        let ok = MeetingInput {
            met_on: today,
            minutes: 45,
            topic: "评课：《圆的认识》".into(),
            notes: String::new(),
            private: true,
        };
        assert!(ok.problems(today).is_empty());
        let bad = MeetingInput {
            met_on: today.succ_opt().unwrap(),
            minutes: 0,
            topic: " ".into(),
            ..ok.clone()
        };
        let fields: Vec<&str> = bad.problems(today).iter().map(|e| e.field).collect();
        assert_eq!(fields, ["meeting_topic", "met_on", "minutes"]);
        let long = MeetingInput {
            minutes: MAX_MEETING_MINUTES + 1,
            ..ok
        };
        assert_eq!(long.problems(today)[0].code, "out_of_range");
    }
}
