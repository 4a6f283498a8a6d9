//! A province (or any set of districts) at a glance: one line per district
//! with its status analysis in brief, how far its teachers' duties stand and
//! its verification backlog. Lines are made one district at a time
//! ([`line`]) so a caller can hand each on — print it, stream it — before the
//! next is computed: a province of a hundred districts holds one district
//! (a few schools of it) in memory at a time.

use crate::districts::District;
use crate::duties::ProgressFilter;
use crate::{Result, Scope, Store};
use chrono::NaiveDate;
use lingyan_domain::duties::DutyStatus;
use lingyan_domain::status::Share;
use lingyan_domain::{Capability, Level, Tenant};
use serde::Serialize;

/// How many teacher × duty results stand at each status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct DutyTally {
    pub done: u64,
    pub on_track: u64,
    pub behind: u64,
    pub overdue: u64,
}

impl DutyTally {
    pub fn add(&mut self, s: DutyStatus) {
        match s {
            DutyStatus::Done => self.done += 1,
            DutyStatus::OnTrack => self.on_track += 1,
            DutyStatus::Behind => self.behind += 1,
            DutyStatus::Overdue => self.overdue += 1,
            DutyStatus::NotStarted | DutyStatus::NotApplicable => {}
        }
    }

    /// Results that apply to someone.
    pub fn applicable(&self) -> u64 {
        self.done + self.on_track + self.behind + self.overdue
    }

    /// Done or on track, as a whole percentage of what applies (0 when
    /// nothing applies).
    pub fn percent(&self) -> u64 {
        Share::new(self.done + self.on_track, self.applicable()).percent()
    }
}

/// Backbone teachers of one level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LevelCount {
    pub level: Level,
    pub teachers: u64,
}

/// One district in figures.
#[derive(Debug, Clone, Serialize)]
pub struct DistrictLine {
    pub district: District,
    pub as_of: NaiveDate,
    pub schools: u64,
    /// Active staff (the status analysis's 在编在岗 and others).
    pub staff: u64,
    /// Backbone teachers of any level, and of each level (highest first,
    /// levels with none left out).
    pub backbone: Share,
    pub backbone_by_level: Vec<LevelCount>,
    /// Staff under 35, and the average age where birth dates are known.
    pub under_35: Share,
    pub average_age: Option<f64>,
    /// Staff without a known birth date.
    pub age_unknown: u64,
    pub bachelor_or_above: Share,
    /// Teacher × duty results of every school the caller may read.
    pub duties: DutyTally,
    /// Teachers with a duty behind or overdue.
    pub teachers_behind: u64,
    /// Records waiting for verification.
    pub pending_verification: u64,
}

/// The districts whose registry and records the caller reads as a whole,
/// in order of code.
pub async fn districts(store: &Store, scope: &Scope) -> Result<Vec<District>> {
    Ok(crate::districts::list(store, scope)
        .await?
        .into_iter()
        .filter(|d| {
            let t = Tenant::district(d.id);
            scope.allows(Capability::ReadTeachers, t) && scope.allows(Capability::ReadEvidence, t)
        })
        .collect())
}

/// One district's line on `as_of`: its status analysis, its schools'
/// duties (a few schools computed at once, none kept) and its backlog.
pub async fn line(
    store: &Store,
    scope: &Scope,
    district: &District,
    as_of: NaiveDate,
) -> Result<DistrictLine> {
    let status = crate::status::for_district(store, scope, district.id, as_of).await?;
    let mut duties = DutyTally::default();
    let mut teachers_behind = 0;
    crate::duties::district(
        store,
        scope,
        district.id,
        as_of,
        &ProgressFilter::default(),
        |p| {
            for t in &p.teachers {
                let mut behind = false;
                for r in &t.results {
                    duties.add(r.status);
                    behind |= matches!(r.status, DutyStatus::Behind | DutyStatus::Overdue);
                }
                teachers_behind += u64::from(behind);
            }
            Ok(())
        },
    )
    .await?;
    let pending = crate::evidence::pending_by_school(store, scope, district.id)
        .await?
        .values()
        .sum();
    let a = &status.analysis;
    let mut backbone_by_level: Vec<LevelCount> = a
        .backbone_by_level
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|&(level, teachers)| LevelCount { level, teachers })
        .collect();
    backbone_by_level.sort_by_key(|c| std::cmp::Reverse(c.level));
    Ok(DistrictLine {
        district: district.clone(),
        as_of,
        schools: status.schools.len() as u64,
        staff: a.staff,
        backbone: a.backbone_total,
        backbone_by_level,
        under_35: a
            .under_age
            .iter()
            .find(|(age, _)| *age == 35)
            .map_or(Share::new(0, a.staff), |(_, s)| *s),
        average_age: a.average_age,
        age_unknown: a.age_unknown,
        bachelor_or_above: a.bachelor_or_above,
        duties,
        teachers_behind,
        pending_verification: pending,
    })
}

/// Districts added up as they are handed on (the province's own line).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Totals {
    pub as_of: NaiveDate,
    pub districts: u64,
    pub schools: u64,
    pub staff: u64,
    pub backbone: u64,
    pub backbone_by_level: Vec<LevelCount>,
    pub under_35: u64,
    /// Sum of ages and how many are known, for the average.
    #[serde(skip)]
    age_sum: f64,
    #[serde(skip)]
    aged: u64,
    pub average_age: Option<f64>,
    pub bachelor_or_above: u64,
    pub duties: DutyTally,
    pub teachers_behind: u64,
    pub pending_verification: u64,
}

impl Totals {
    /// Adds one district.
    pub fn add(&mut self, l: &DistrictLine) {
        self.as_of = l.as_of;
        self.districts += 1;
        self.schools += l.schools;
        self.staff += l.staff;
        self.backbone += l.backbone.count;
        for c in &l.backbone_by_level {
            match self.backbone_by_level.iter_mut().find(|x| x.level == c.level) {
                Some(x) => x.teachers += c.teachers,
                None => self.backbone_by_level.push(*c),
            }
        }
        self.backbone_by_level.sort_by_key(|c| std::cmp::Reverse(c.level));
        self.under_35 += l.under_35.count;
        // A district's average is over those whose age is known: weigh it
        // by them.
        if let Some(avg) = l.average_age {
            let known = l.staff.saturating_sub(l.age_unknown);
            self.age_sum += avg * known as f64;
            self.aged += known;
        }
        self.average_age = (self.aged > 0).then(|| self.age_sum / self.aged as f64);
        self.bachelor_or_above += l.bachelor_or_above.count;
        self.duties.done += l.duties.done;
        self.duties.on_track += l.duties.on_track;
        self.duties.behind += l.duties.behind;
        self.duties.overdue += l.duties.overdue;
        self.teachers_behind += l.teachers_behind;
        self.pending_verification += l.pending_verification;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(
        staff: u64,
        age_unknown: u64,
        average_age: Option<f64>,
        levels: &[(Level, u64)],
        duties: [u64; 4],
    ) -> DistrictLine {
        let backbone: u64 = levels.iter().map(|(_, n)| n).sum();
        DistrictLine {
            district: District {
                id: 1,
                code: "A".into(),
                name: "甲区".into(),
                name_en: None,
            },
            as_of: NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
            schools: 2,
            staff,
            backbone: Share::new(backbone, staff),
            backbone_by_level: levels
                .iter()
                .map(|&(level, teachers)| LevelCount { level, teachers })
                .collect(),
            under_35: Share::new(staff / 2, staff),
            average_age,
            age_unknown,
            bachelor_or_above: Share::new(staff, staff),
            duties: DutyTally {
                done: duties[0],
                on_track: duties[1],
                behind: duties[2],
                overdue: duties[3],
            },
            teachers_behind: duties[2] + duties[3],
            pending_verification: 3,
        }
    }

    #[test]
    fn districts_add_up_with_the_average_age_weighed_by_known_ages() {
        let mut t = Totals::default();
        // 10 staff aged 30 on average (2 unknown: 8 known), 4 staff aged 50.
        t.add(&line(
            10,
            2,
            Some(30.0),
            &[(Level::County, 3), (Level::Municipal, 1)],
            [5, 1, 2, 0],
        ));
        t.add(&line(
            4,
            0,
            Some(50.0),
            &[(Level::Provincial, 1), (Level::County, 2)],
            [0, 0, 1, 3],
        ));
        t.add(&line(0, 0, None, &[], [0; 4]));
        assert_eq!((t.districts, t.schools, t.staff, t.backbone), (3, 6, 14, 7));
        // (8 × 30 + 4 × 50) / 12, not (30 + 50) / 2.
        assert_eq!(t.average_age.map(|a| (a * 100.0).round() / 100.0), Some(36.67));
        assert_eq!(
            t.backbone_by_level,
            vec![
                LevelCount {
                    level: Level::Provincial,
                    teachers: 1
                },
                LevelCount {
                    level: Level::Municipal,
                    teachers: 1
                },
                LevelCount {
                    level: Level::County,
                    teachers: 5
                },
            ]
        );
        assert_eq!(
            t.duties,
            DutyTally {
                done: 5,
                on_track: 1,
                behind: 3,
                overdue: 3
            }
        );
        assert_eq!(t.duties.percent(), 50);
        assert_eq!(
            (
                t.under_35,
                t.bachelor_or_above,
                t.teachers_behind,
                t.pending_verification
            ),
            (7, 14, 6, 9)
        );
    }

    #[test]
    fn a_tally_counts_what_applies() {
        let mut d = DutyTally::default();
        assert_eq!((d.applicable(), d.percent()), (0, 0));
        for s in [
            DutyStatus::Done,
            DutyStatus::OnTrack,
            DutyStatus::Behind,
            DutyStatus::NotStarted,
            DutyStatus::NotApplicable,
        ] {
            d.add(s);
        }
        assert_eq!((d.applicable(), d.percent()), (3, 67));
        d.add(DutyStatus::Overdue);
        assert_eq!(
            (d.done, d.on_track, d.behind, d.overdue, d.percent()),
            (1, 1, 1, 1, 50)
        );
    }
}
