//! Matching (师徒匹配): candidates for an apprentice ranked by a score whose
//! every part is shown — same subject, same section, the mentor's honour
//! level, years of teaching, how many apprentices they have now, how many
//! pairs they have seen through. The weights are data in the mentoring
//! rules. Nothing pairs automatically: a leader confirms.
//!
//! Grades taught would be a part too, but the registry does not keep them
//! (teachers have a section, 学段, and subjects); it is left out rather
//! than guessed.

use super::same_subject;
use crate::level::Level;
use serde::{Deserialize, Serialize};

/// How much each part of the score weighs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct MatchWeights {
    /// For sharing a subject with the apprentice.
    pub same_subject: u32,
    /// For teaching in the same section (小学, 初中 …).
    pub same_section: u32,
    /// Per step of the mentor's highest honour: school 1, town 2, county 3,
    /// municipal 4, provincial 5, national 6.
    pub honour_step: u32,
    /// Per year of teaching …
    pub per_year: u32,
    /// … counted up to this many years.
    pub max_years: u32,
    /// Taken off per apprentice the mentor has now.
    pub per_apprentice: u32,
    /// Per pair the mentor has concluded …
    pub per_past_pair: u32,
    /// … counted up to this many.
    pub max_past_pairs: u32,
}

impl Default for MatchWeights {
    fn default() -> Self {
        Self {
            same_subject: 40,
            same_section: 15,
            honour_step: 4,
            per_year: 1,
            max_years: 20,
            per_apprentice: 10,
            per_past_pair: 3,
            max_past_pairs: 3,
        }
    }
}

/// What matching knows of a teacher.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Facts {
    pub teacher_id: i64,
    pub subjects: Vec<String>,
    pub section: Option<String>,
    /// Whole years of teaching.
    pub years: u32,
    /// The highest honour held now.
    pub honour: Option<Level>,
    /// Apprentices in standing pairs now.
    pub apprentices: usize,
    /// Pairs concluded as mentor.
    pub past_pairs: usize,
}

/// One part of a score: what it is (`same_subject`, `same_section`,
/// `honour`, `years`, `load`, `past_pairs`), the points, and the value it
/// was counted from (the subject, the section, the level's code, the
/// number).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Part {
    pub code: &'static str,
    pub points: i32,
    pub value: String,
}

/// A candidate, scored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ranked {
    pub teacher_id: i64,
    pub score: i32,
    pub parts: Vec<Part>,
}

fn honour_rank(l: Level) -> u32 {
    Level::ALL
        .iter()
        .position(|x| *x == l)
        .map_or(0, |i| i as u32 + 1)
}

/// A candidate's score for an apprentice, part by part (parts worth
/// nothing are left out).
pub fn score(w: &MatchWeights, apprentice: &Facts, mentor: &Facts) -> Ranked {
    let mut parts = Vec::new();
    let mut part = |code: &'static str, points: i64, value: String| {
        if points != 0 {
            parts.push(Part {
                code,
                points: points.clamp(-10_000, 10_000) as i32,
                value,
            });
        }
    };
    if let Some(s) = apprentice
        .subjects
        .iter()
        .find(|a| mentor.subjects.iter().any(|m| same_subject(a, m)))
    {
        part("same_subject", w.same_subject.into(), s.clone());
    }
    if let (Some(a), Some(m)) = (&apprentice.section, &mentor.section)
        && a == m
    {
        part("same_section", w.same_section.into(), a.clone());
    }
    if let Some(l) = mentor.honour {
        part(
            "honour",
            i64::from(w.honour_step) * i64::from(honour_rank(l)),
            l.code().to_string(),
        );
    }
    let years = mentor.years.min(w.max_years);
    part(
        "years",
        i64::from(w.per_year) * i64::from(years),
        mentor.years.to_string(),
    );
    part(
        "load",
        -(i64::from(w.per_apprentice) * mentor.apprentices as i64),
        mentor.apprentices.to_string(),
    );
    let past = (mentor.past_pairs as u32).min(w.max_past_pairs);
    part(
        "past_pairs",
        i64::from(w.per_past_pair) * i64::from(past),
        mentor.past_pairs.to_string(),
    );
    Ranked {
        teacher_id: mentor.teacher_id,
        score: parts.iter().map(|p| p.points).sum(),
        parts,
    }
}

/// Candidates for an apprentice, best first: the apprentice and those
/// who may take no more apprentices (`room` says how many more each may)
/// are left out; ties go to the longer-serving, then the lower id.
pub fn rank(
    w: &MatchWeights,
    apprentice: &Facts,
    candidates: &[Facts],
    room: impl Fn(&Facts) -> bool,
    limit: usize,
) -> Vec<Ranked> {
    let mut out: Vec<(u32, Ranked)> = candidates
        .iter()
        .filter(|m| m.teacher_id != apprentice.teacher_id && room(m))
        .map(|m| (m.years, score(w, apprentice, m)))
        .collect();
    out.sort_by(|(ya, a), (yb, b)| {
        b.score
            .cmp(&a.score)
            .then(yb.cmp(ya))
            .then(a.teacher_id.cmp(&b.teacher_id))
    });
    out.into_iter().take(limit).map(|(_, r)| r).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(
        id: i64,
        subject: &str,
        section: &str,
        years: u32,
        honour: Option<Level>,
        load: usize,
        past: usize,
    ) -> Facts {
        Facts {
            teacher_id: id,
            subjects: vec![subject.into()],
            section: Some(section.into()),
            years,
            honour,
            apprentices: load,
            past_pairs: past,
        }
    }

    #[test]
    fn a_score_shows_every_part() {
        let w = MatchWeights::default();
        let a = t(1, "语文", "小学", 1, None, 0, 0);
        let m = t(2, "语文", "小学", 25, Some(Level::County), 1, 5);
        let r = score(&w, &a, &m);
        let parts: Vec<(&str, i32)> = r.parts.iter().map(|p| (p.code, p.points)).collect();
        assert_eq!(
            parts,
            [
                ("same_subject", 40),
                ("same_section", 15),
                ("honour", 12),
                ("years", 20),
                ("load", -10),
                ("past_pairs", 9)
            ]
        );
        assert_eq!(r.score, 86);
    }

    #[test]
    fn the_ranking_puts_subject_first_and_leaves_out_the_full() {
        let w = MatchWeights::default();
        let a = t(1, "数学", "小学", 0, None, 0, 0);
        let candidates = [
            // Another subject, provincial honour, long service: 24 + 20.
            t(2, "语文", "小学", 30, Some(Level::Provincial), 0, 0),
            // Same subject, ten years: 40 + 15 + 10.
            t(3, "数学", "小学", 10, None, 0, 0),
            // Same subject and honour, but two apprentices already: full.
            t(4, "数学", "小学", 20, Some(Level::Municipal), 2, 0),
            // The same as 3: the lower id first.
            t(5, "数学", "小学", 10, None, 0, 0),
            a.clone(),
        ];
        let ranked = rank(&w, &a, &candidates, |m| m.apprentices < 2, 10);
        let order: Vec<i64> = ranked.iter().map(|r| r.teacher_id).collect();
        assert_eq!(order, [3, 5, 2]);
        assert_eq!(ranked[0].score, 65);
        assert_eq!(ranked[2].score, 15 + 20 + 20);
        assert_eq!(rank(&w, &a, &candidates, |_| true, 1).len(), 1);
    }
}
