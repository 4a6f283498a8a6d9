//! Summaries and evaluations of a pair (师徒结对活动小结 and 考核): at mid
//! term and at the end, each teacher of the pair writes a summary, and a
//! leader evaluates the pair on five dimensions with a grade — what the
//! annual assessment of the mentor reads.

use crate::activities::plan::text;
use crate::codes::coded_enum;
use crate::error::FieldError;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

coded_enum!(
    /// When a pair is summed up.
    ReviewPeriod, "unknown_review_period", {
        /// 中期小结
        MidTerm = "mid_term", "中期", ["期中", "中期小结"];
        /// 期末 / 结业小结
        Final = "final", "期末", ["结业", "终期", "期末小结"];
    }
);

coded_enum!(
    /// A pair's grade (考核等次).
    PairGrade, "unknown_pair_grade", {
        Excellent = "excellent", "优秀", [];
        Good = "good", "良好", [];
        Pass = "pass", "合格", ["称职"];
        Fail = "fail", "不合格", ["不称职"];
    }
);

/// What a leader scores a pair on, each out of [`DIMENSION_MAX`]: the goals
/// both sides set, the regularity of their meetings, the two-way cycles
/// done, the apprentice's growth, the mentor's commitment.
pub const DIMENSIONS: [&str; 5] = ["goals", "meetings", "cycles", "growth", "commitment"];

/// The most one dimension scores; five make 100.
pub const DIMENSION_MAX: u32 = 20;

/// The longest summary.
pub const MAX_SUMMARY: usize = 5000;

impl PairGrade {
    /// The grade a total out of 100 suggests: 90 excellent, 75 good, 60
    /// pass. The leader gives the grade; this only prefills it.
    pub fn suggested(total: u32) -> Self {
        match total {
            90.. => PairGrade::Excellent,
            75..=89 => PairGrade::Good,
            60..=74 => PairGrade::Pass,
            _ => PairGrade::Fail,
        }
    }
}

/// A teacher's summary of a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SummaryInput {
    pub text: String,
}

impl SummaryInput {
    pub fn problems(&self) -> Vec<FieldError> {
        let mut e = Vec::new();
        text(&mut e, "summary", &self.text, MAX_SUMMARY, true);
        e
    }
}

/// A leader's evaluation of a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EvaluationInput {
    /// A score of 0–20 for each of `goals`, `meetings`, `cycles`, `growth`,
    /// `commitment`.
    pub scores: BTreeMap<String, u32>,
    /// `excellent`, `good`, `pass` or `fail`.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub grade: PairGrade,
    #[serde(default)]
    pub comment: String,
}

impl EvaluationInput {
    /// Every problem, each naming its field (a dimension by its code).
    pub fn problems(&self) -> Vec<FieldError> {
        let mut e = Vec::new();
        for d in DIMENSIONS {
            match self.scores.get(d) {
                None => e.push(FieldError::new(d, "required")),
                Some(s) if *s > DIMENSION_MAX => e.push(
                    FieldError::new(d, "out_of_range")
                        .with("min", 0)
                        .with("max", DIMENSION_MAX),
                ),
                Some(_) => {}
            }
        }
        for k in self.scores.keys() {
            if !DIMENSIONS.contains(&k.as_str()) {
                e.push(FieldError::new("scores", "unknown_dimension").with("value", k));
            }
        }
        text(&mut e, "comment", &self.comment, 2000, false);
        e
    }

    pub fn total(&self) -> u32 {
        DIMENSIONS.iter().filter_map(|d| self.scores.get(*d)).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scores(v: [u32; 5]) -> BTreeMap<String, u32> {
        DIMENSIONS.iter().map(|d| d.to_string()).zip(v).collect()
    }

    #[test]
    fn an_evaluation_scores_every_dimension_out_of_twenty() {
        let ok = EvaluationInput {
            scores: scores([18, 17, 16, 19, 20]),
            grade: PairGrade::Excellent,
            comment: String::new(),
        };
        assert!(ok.problems().is_empty());
        assert_eq!(ok.total(), 90);
        assert_eq!(PairGrade::suggested(90), PairGrade::Excellent);
        assert_eq!(PairGrade::suggested(89), PairGrade::Good);
        assert_eq!(PairGrade::suggested(74), PairGrade::Pass);
        assert_eq!(PairGrade::suggested(59), PairGrade::Fail);
        let mut bad = ok.clone();
        bad.scores.remove("growth");
        bad.scores.insert("cycles".into(), 21);
        bad.scores.insert("luck".into(), 3);
        let found: Vec<(&str, &str)> = bad.problems().iter().map(|e| (e.field, e.code)).collect();
        assert_eq!(
            found,
            [
                ("cycles", "out_of_range"),
                ("growth", "required"),
                ("scores", "unknown_dimension")
            ]
        );
        assert_eq!(PairGrade::parse("grade", "合格"), Ok(PairGrade::Pass));
    }

    #[test]
    fn a_summary_has_text() {
        assert_eq!(SummaryInput { text: " ".into() }.problems()[0].field, "summary");
        assert!(
            SummaryInput {
                text: "本学期完成双向互动一轮。".into()
            }
            .problems()
            .is_empty()
        );
    }
}
