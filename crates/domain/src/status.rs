//! Status analysis (情况分析): headcounts and shares of a school's or a
//! district's staff as of a date, as the seeds print them — every share with
//! its denominator, percentages rounded to whole percent.

use crate::honour::HonourKind;
use crate::level::Level;
use crate::teacher::{Education, Employment, Gender, Post, TeacherFacts};
use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use std::collections::BTreeMap;

/// `count` out of `of`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
pub struct Share {
    pub count: u64,
    pub of: u64,
}

impl Share {
    pub fn new(count: u64, of: u64) -> Self {
        Self { count, of }
    }

    /// Whole percent, rounded half up (15 of 86 → 17).
    pub fn percent(&self) -> u64 {
        if self.of == 0 {
            0
        } else {
            (self.count * 200 + self.of) / (self.of * 2)
        }
    }
}

/// Age bands the seeds count, each "under N" (ages on the as-of date).
pub const AGE_BANDS: [i32; 3] = [30, 35, 40];

/// Teaching-years bands: ≤ 5, 6–15, > 15.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum YearsBand {
    UpTo5,
    From6To15,
    Over15,
}

impl YearsBand {
    pub const ALL: [YearsBand; 3] = [YearsBand::UpTo5, YearsBand::From6To15, YearsBand::Over15];

    pub fn of(years: i32) -> Self {
        match years {
            y if y <= 5 => YearsBand::UpTo5,
            y if y <= 15 => YearsBand::From6To15,
            _ => YearsBand::Over15,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            YearsBand::UpTo5 => "up_to_5",
            YearsBand::From6To15 => "6_to_15",
            YearsBand::Over15 => "over_15",
        }
    }
}

/// One honour kind at one level, and how many staff hold it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct HonourCount {
    pub kind: HonourKind,
    pub level: Level,
    pub teachers: u64,
}

/// The analysis. Shares of all staff use `staff` as denominator unless the
/// field says otherwise.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StatusAnalysis {
    pub as_of: NaiveDate,
    pub staff: u64,
    pub by_employment: Vec<(Employment, Share)>,
    pub employment_unknown: u64,
    pub by_post: Vec<(Post, Share)>,
    pub front_line: Share,
    /// Front-line staff by employment; denominator: front-line staff.
    pub front_line_by_employment: Vec<(Employment, Share)>,
    /// Front-line contract staff by post (教师 18, 生活老师 14).
    pub front_line_contract_by_post: Vec<(Post, u64)>,
    /// Full-time teachers (专任教师) among the front line.
    pub front_line_full_time_teachers: u64,
    /// Staff holding each honour (each person counted once per kind, at the
    /// highest level they hold), highest level first.
    pub honours: Vec<HonourCount>,
    /// Backbone teachers by level (a subset of `honours`), highest first.
    pub backbone_by_level: Vec<(Level, u64)>,
    pub backbone_total: Share,
    /// Backbone teachers in the teaching line (一线; seed 000: "33 are
    /// backbone teachers in the teaching line").
    pub backbone_front_line: u64,
    /// Staff under 30, under 35, under 40.
    pub under_age: Vec<(i32, Share)>,
    pub age_unknown: u64,
    pub average_age: Option<f64>,
    pub by_years: Vec<(YearsBand, Share)>,
    pub years_unknown: u64,
    pub by_education: Vec<(Education, Share)>,
    pub education_unknown: u64,
    /// Bachelor's degree or higher (本科及以上).
    pub bachelor_or_above: Share,
    /// Full-time teachers whose major matches the post; denominator:
    /// full-time teachers whose match is known.
    pub major_matches: Share,
    pub full_time_teachers: u64,
    pub by_gender: Vec<(Gender, Share)>,
}

/// Computes the analysis of `staff` (all current staff of a school or a
/// district) on `as_of`. Honours count when active in `as_of`'s year.
pub fn analyse<'a>(staff: impl IntoIterator<Item = &'a TeacherFacts>, as_of: NaiveDate) -> StatusAnalysis {
    let year = as_of.year();
    let mut n = 0u64;

    let mut employment: BTreeMap<Employment, u64> = BTreeMap::new();
    let mut employment_unknown = 0;
    let mut post: BTreeMap<Post, u64> = BTreeMap::new();
    let mut front = 0u64;
    let mut front_emp: BTreeMap<Employment, u64> = BTreeMap::new();
    let mut front_contract_post: BTreeMap<Post, u64> = BTreeMap::new();
    let mut front_full_time = 0u64;
    let mut honours: BTreeMap<(HonourKind, Level), u64> = BTreeMap::new();
    let mut under = [0u64; AGE_BANDS.len()];
    let mut age_unknown = 0;
    let mut age_sum = 0i64;
    let mut age_known = 0i64;
    let mut years: BTreeMap<YearsBand, u64> = BTreeMap::new();
    let mut years_unknown = 0;
    let mut education: BTreeMap<Education, u64> = BTreeMap::new();
    let mut education_unknown = 0;
    let mut full_time = 0u64;
    let mut match_known = 0u64;
    let mut matches = 0u64;
    let mut gender: BTreeMap<Gender, u64> = BTreeMap::new();
    let mut backbone_front = 0u64;

    for t in staff {
        n += 1;
        match t.employment {
            Some(e) => *employment.entry(e).or_default() += 1,
            None => employment_unknown += 1,
        }
        if let Some(p) = t.post {
            *post.entry(p).or_default() += 1;
        }
        if t.front_line == Some(true) {
            front += 1;
            if let Some(e) = t.employment {
                *front_emp.entry(e).or_default() += 1;
                if e == Employment::Contract
                    && let Some(p) = t.post
                {
                    *front_contract_post.entry(p).or_default() += 1;
                }
            }
            if t.is_full_time_teacher() {
                front_full_time += 1;
            }
        }
        for kind in HonourKind::ALL {
            if let Some(level) = t.honour_level(kind, year) {
                *honours.entry((kind, level)).or_default() += 1;
                if kind == HonourKind::Backbone && t.front_line == Some(true) {
                    backbone_front += 1;
                }
            }
        }
        match t.age(as_of) {
            Some(a) => {
                age_sum += i64::from(a);
                age_known += 1;
                for (i, limit) in AGE_BANDS.iter().enumerate() {
                    if a < *limit {
                        under[i] += 1;
                    }
                }
            }
            None => age_unknown += 1,
        }
        match t.teaching_years(as_of) {
            Some(y) => *years.entry(YearsBand::of(y)).or_default() += 1,
            None => years_unknown += 1,
        }
        match t.education {
            Some(e) => *education.entry(e).or_default() += 1,
            None => education_unknown += 1,
        }
        if t.is_full_time_teacher() {
            full_time += 1;
            if let Some(m) = t.major_matches {
                match_known += 1;
                if m {
                    matches += 1;
                }
            }
        }
        if let Some(g) = t.gender {
            *gender.entry(g).or_default() += 1;
        }
    }

    let share = |c: u64| Share::new(c, n);
    let mut honour_counts: Vec<HonourCount> = honours
        .iter()
        .map(|((kind, level), c)| HonourCount {
            kind: *kind,
            level: *level,
            teachers: *c,
        })
        .collect();
    honour_counts.sort_by(|a, b| a.kind.cmp(&b.kind).then(b.level.cmp(&a.level)));
    let backbone_by_level: Vec<(Level, u64)> = honour_counts
        .iter()
        .filter(|h| h.kind == HonourKind::Backbone)
        .map(|h| (h.level, h.teachers))
        .collect();
    let backbone_total: u64 = backbone_by_level.iter().map(|(_, c)| c).sum();
    let bachelor_or_above = education
        .iter()
        .filter(|(e, _)| **e >= Education::Bachelor)
        .map(|(_, c)| c)
        .sum();

    StatusAnalysis {
        as_of,
        staff: n,
        by_employment: employment.into_iter().map(|(e, c)| (e, share(c))).collect(),
        employment_unknown,
        by_post: post.into_iter().map(|(p, c)| (p, share(c))).collect(),
        front_line: share(front),
        front_line_by_employment: front_emp
            .into_iter()
            .map(|(e, c)| (e, Share::new(c, front)))
            .collect(),
        front_line_contract_by_post: front_contract_post.into_iter().collect(),
        front_line_full_time_teachers: front_full_time,
        honours: honour_counts,
        backbone_by_level,
        backbone_total: share(backbone_total),
        backbone_front_line: backbone_front,
        under_age: AGE_BANDS.iter().zip(under).map(|(l, c)| (*l, share(c))).collect(),
        age_unknown,
        average_age: (age_known > 0).then(|| age_sum as f64 / age_known as f64),
        by_years: years.into_iter().map(|(b, c)| (b, share(c))).collect(),
        years_unknown,
        by_education: education.into_iter().map(|(e, c)| (e, share(c))).collect(),
        education_unknown,
        bachelor_or_above: share(bachelor_or_above),
        major_matches: Share::new(matches, match_known),
        full_time_teachers: full_time,
        by_gender: gender.into_iter().map(|(g, c)| (g, share(c))).collect(),
    }
}

impl StatusAnalysis {
    pub fn employment(&self, e: Employment) -> Share {
        self.by_employment
            .iter()
            .find(|(x, _)| *x == e)
            .map(|(_, s)| *s)
            .unwrap_or(Share::new(0, self.staff))
    }

    pub fn under(&self, age: i32) -> Share {
        self.under_age
            .iter()
            .find(|(a, _)| *a == age)
            .map(|(_, s)| *s)
            .unwrap_or(Share::new(0, self.staff))
    }

    pub fn front_line_employment(&self, e: Employment) -> Share {
        self.front_line_by_employment
            .iter()
            .find(|(x, _)| *x == e)
            .map(|(_, s)| *s)
            .unwrap_or(Share::new(0, self.front_line.count))
    }

    /// Staff holding `kind` at exactly `level`.
    pub fn honour(&self, kind: HonourKind, level: Level) -> u64 {
        self.honours
            .iter()
            .find(|h| h.kind == kind && h.level == level)
            .map(|h| h.teachers)
            .unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::honour::{HonourFact, HonourStatus};

    #[test]
    fn percentages_round_like_the_seeds() {
        assert_eq!(Share::new(15, 86).percent(), 17);
        assert_eq!(Share::new(24, 56).percent(), 43);
        assert_eq!(Share::new(32, 56).percent(), 57);
        assert_eq!(Share::new(1, 8).percent(), 13); // 12.5 rounds up
        assert_eq!(Share::new(0, 0).percent(), 0);
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn counts_and_shares() {
        let bb = |level| HonourFact {
            kind: HonourKind::Backbone,
            level,
            granted_year: Some(2020),
            valid_until_year: None,
            status: HonourStatus::Active,
        };
        let staff = vec![
            TeacherFacts {
                birth_date: Some(d(1998, 1, 1)),
                work_start: Some(d(2020, 9, 1)),
                employment: Some(Employment::OnEstablishment),
                post: Some(Post::FullTimeTeacher),
                front_line: Some(true),
                education: Some(Education::Bachelor),
                major_matches: Some(true),
                gender: Some(Gender::Female),
                honours: vec![bb(Level::School), bb(Level::County)],
                ..Default::default()
            },
            TeacherFacts {
                birth_date: Some(d(1970, 1, 1)),
                work_start: Some(d(1990, 9, 1)),
                employment: Some(Employment::Contract),
                post: Some(Post::CareStaff),
                front_line: Some(true),
                education: Some(Education::Associate),
                gender: Some(Gender::Female),
                ..Default::default()
            },
            TeacherFacts::default(),
        ];
        let a = analyse(&staff, d(2025, 9, 1));
        assert_eq!(a.staff, 3);
        assert_eq!(a.employment(Employment::OnEstablishment), Share::new(1, 3));
        assert_eq!(a.employment_unknown, 1);
        assert_eq!(a.front_line, Share::new(2, 3));
        assert_eq!(a.front_line_employment(Employment::Contract), Share::new(1, 2));
        assert_eq!(a.front_line_contract_by_post, vec![(Post::CareStaff, 1)]);
        // Counted once, at the highest level held.
        assert_eq!(a.backbone_by_level, vec![(Level::County, 1)]);
        assert_eq!(a.under(30), Share::new(1, 3));
        assert_eq!(a.under(40), Share::new(1, 3));
        assert_eq!(a.age_unknown, 1);
        assert_eq!(a.bachelor_or_above, Share::new(1, 3));
        assert_eq!(a.major_matches, Share::new(1, 1));
        assert_eq!(
            a.by_years,
            vec![
                (YearsBand::UpTo5, Share::new(1, 3)),
                (YearsBand::Over15, Share::new(1, 3))
            ]
        );
    }

    /// Eight staff, no two counts alike where it can be helped: ages on
    /// the bands' edges, teaching years on theirs, every employment, five
    /// kinds of post, honours at several levels (one expired).
    fn uneven_school() -> Vec<TeacherFacts> {
        let honour = |kind, level, until| HonourFact {
            kind,
            level,
            granted_year: Some(2020),
            valid_until_year: until,
            status: HonourStatus::Active,
        };
        #[allow(clippy::too_many_arguments)]
        let t = |age: i32,
                 years: i32,
                 employment,
                 post,
                 front_line,
                 education,
                 major_matches,
                 gender,
                 honours: Vec<HonourFact>| TeacherFacts {
            birth_date: Some(d(2025 - age, 9, 1)),
            work_start: Some(d(2025 - years, 9, 1)),
            employment: Some(employment),
            post: Some(post),
            front_line: Some(front_line),
            education: Some(education),
            major_matches,
            gender: Some(gender),
            honours,
            ..Default::default()
        };
        use Education::*;
        use Employment::*;
        use Gender::*;
        use Post::*;
        vec![
            t(
                29,
                2,
                OnEstablishment,
                FullTimeTeacher,
                true,
                Master,
                Some(true),
                Female,
                vec![
                    honour(HonourKind::Backbone, Level::Municipal, None),
                    honour(HonourKind::RisingStar, Level::School, None),
                ],
            ),
            t(
                30,
                5,
                OnEstablishment,
                FullTimeTeacher,
                true,
                Bachelor,
                Some(false),
                Male,
                vec![
                    honour(HonourKind::Backbone, Level::County, None),
                    honour(HonourKind::Backbone, Level::School, None),
                ],
            ),
            t(
                34,
                6,
                Contract,
                FullTimeTeacher,
                true,
                Associate,
                Some(true),
                Female,
                vec![],
            ),
            t(35, 10, Contract, CareStaff, true, Secondary, None, Female, vec![]),
            t(
                39,
                15,
                Contract,
                CareStaff,
                true,
                HighSchool,
                None,
                Female,
                vec![],
            ),
            t(
                40,
                16,
                Employment::Other,
                Admin,
                false,
                Doctor,
                None,
                Male,
                vec![
                    honour(HonourKind::Backbone, Level::County, Some(2030)),
                    honour(HonourKind::FamousTeacher, Level::Provincial, None),
                ],
            ),
            t(
                55,
                33,
                Contract,
                FullTimeTeacher,
                false,
                Bachelor,
                None,
                Male,
                vec![
                    // Expired: not counted.
                    honour(HonourKind::Backbone, Level::School, Some(2024)),
                ],
            ),
            TeacherFacts::default(),
        ]
    }

    #[test]
    fn an_uneven_school_is_counted_field_by_field() {
        let a = analyse(&uneven_school(), d(2025, 9, 1));
        let of8 = |c| Share::new(c, 8);
        assert_eq!(a.as_of, d(2025, 9, 1));
        assert_eq!(a.staff, 8);
        assert_eq!(
            a.by_employment,
            vec![
                (Employment::OnEstablishment, of8(2)),
                (Employment::Contract, of8(4)),
                (Employment::Other, of8(1)),
            ]
        );
        assert_eq!(a.employment_unknown, 1);
        assert_eq!(a.employment(Employment::Contract), of8(4));
        assert_eq!(a.employment(Employment::Other), of8(1));
        assert_eq!(
            a.by_post,
            vec![
                (Post::FullTimeTeacher, of8(4)),
                (Post::CareStaff, of8(2)),
                (Post::Admin, of8(1)),
            ]
        );
        assert_eq!(a.front_line, of8(5));
        assert_eq!(
            a.front_line_by_employment,
            vec![
                (Employment::OnEstablishment, Share::new(2, 5)),
                (Employment::Contract, Share::new(3, 5)),
            ]
        );
        assert_eq!(
            a.front_line_employment(Employment::OnEstablishment),
            Share::new(2, 5)
        );
        assert_eq!(a.front_line_employment(Employment::Other), Share::new(0, 5));
        assert_eq!(
            a.front_line_contract_by_post,
            vec![(Post::FullTimeTeacher, 1), (Post::CareStaff, 2)]
        );
        assert_eq!(a.front_line_full_time_teachers, 3);
        let h = |kind, level, teachers| HonourCount {
            kind,
            level,
            teachers,
        };
        assert_eq!(
            a.honours,
            vec![
                h(HonourKind::Backbone, Level::Municipal, 1),
                h(HonourKind::Backbone, Level::County, 2),
                h(HonourKind::FamousTeacher, Level::Provincial, 1),
                h(HonourKind::RisingStar, Level::School, 1),
            ]
        );
        assert_eq!(a.honour(HonourKind::Backbone, Level::County), 2);
        assert_eq!(a.honour(HonourKind::Backbone, Level::Municipal), 1);
        assert_eq!(a.honour(HonourKind::Backbone, Level::School), 0);
        assert_eq!(a.honour(HonourKind::FamousTeacher, Level::Provincial), 1);
        assert_eq!(
            a.backbone_by_level,
            vec![(Level::Municipal, 1), (Level::County, 2)]
        );
        assert_eq!(a.backbone_total, of8(3));
        assert_eq!(a.backbone_front_line, 2);
        // 29 is under 30; 30 is not, but is under 35; 35 is under 40; 40 is not.
        assert_eq!(a.under_age, vec![(30, of8(1)), (35, of8(3)), (40, of8(5))]);
        assert_eq!(a.under(35), of8(3));
        assert_eq!(a.under(40), of8(5));
        assert_eq!(a.under(45), of8(0));
        assert_eq!(a.age_unknown, 1);
        let avg = a.average_age.unwrap();
        assert!((avg - 262.0 / 7.0).abs() < 1e-9, "{avg}");
        // 5 years is up to 5; 6 and 15 are 6–15; 16 is over 15.
        assert_eq!(
            a.by_years,
            vec![
                (YearsBand::UpTo5, of8(2)),
                (YearsBand::From6To15, of8(3)),
                (YearsBand::Over15, of8(2)),
            ]
        );
        assert_eq!(a.years_unknown, 1);
        assert_eq!(
            a.by_education,
            vec![
                (Education::HighSchool, of8(1)),
                (Education::Secondary, of8(1)),
                (Education::Associate, of8(1)),
                (Education::Bachelor, of8(2)),
                (Education::Master, of8(1)),
                (Education::Doctor, of8(1)),
            ]
        );
        assert_eq!(a.education_unknown, 1);
        assert_eq!(a.bachelor_or_above, of8(4));
        assert_eq!(a.full_time_teachers, 4);
        assert_eq!(a.major_matches, Share::new(2, 3));
        assert_eq!(
            a.by_gender,
            vec![(Gender::Male, of8(3)), (Gender::Female, of8(4))]
        );
    }

    #[test]
    fn no_staff_no_average() {
        let a = analyse(&[], d(2025, 9, 1));
        assert_eq!((a.staff, a.average_age), (0, None));
        assert_eq!(a.employment(Employment::Contract), Share::new(0, 0));
        assert_eq!(a.under(30), Share::new(0, 0));
        let unknown = [TeacherFacts::default()];
        assert_eq!(analyse(&unknown, d(2025, 9, 1)).average_age, None);
    }

    #[test]
    fn bands_and_shares_at_their_edges() {
        let bands: Vec<&str> = [0, 5, 6, 15, 16]
            .iter()
            .map(|y| YearsBand::of(*y).code())
            .collect();
        assert_eq!(bands, vec!["up_to_5", "up_to_5", "6_to_15", "6_to_15", "over_15"]);
        assert_eq!(
            YearsBand::ALL.map(YearsBand::code),
            ["up_to_5", "6_to_15", "over_15"]
        );
        assert_eq!(Share::new(1, 3).percent(), 33);
        assert_eq!(Share::new(2, 3).percent(), 67);
        assert_eq!(Share::new(1, 200).percent(), 1);
        assert_eq!(Share::new(3, 3).percent(), 100);
        assert_eq!(Share::default(), Share::new(0, 0));
    }
}
