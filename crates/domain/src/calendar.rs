//! The academic calendar: school years (学年) of two semesters (学期), so
//! every dated record resolves to a semester. A district sets the dates;
//! a school may override them.

use crate::error::FieldError;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::fmt;

/// 第一学期 (autumn) or 第二学期 (spring).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Term {
    First,
    Second,
}

/// One semester: the school year it belongs to (by its starting calendar
/// year: 2025 is 2025–2026) and the term.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Semester {
    pub year: i32,
    pub term: Term,
}

impl Semester {
    /// `2025-2026-1`
    pub fn code(&self) -> String {
        format!(
            "{}-{}-{}",
            self.year,
            self.year + 1,
            match self.term {
                Term::First => 1,
                Term::Second => 2,
            }
        )
    }

    /// Parses `2025-2026-1` or `2025-1`.
    pub fn parse(field: &'static str, input: &str) -> Result<Self, FieldError> {
        let bad = || FieldError::new(field, "bad_semester").with("value", input.trim());
        let parts: Vec<&str> = input.trim().split('-').collect();
        let (y, t) = match parts.as_slice() {
            [y, next, t] => {
                let y: i32 = y.parse().map_err(|_| bad())?;
                if next.parse::<i32>().ok() != Some(y + 1) {
                    return Err(bad());
                }
                (y, *t)
            }
            [y, t] => (y.parse().map_err(|_| bad())?, *t),
            _ => return Err(bad()),
        };
        let term = match t {
            "1" => Term::First,
            "2" => Term::Second,
            _ => return Err(bad()),
        };
        if !(1950..=2150).contains(&y) {
            return Err(bad());
        }
        Ok(Semester { year: y, term })
    }

    /// "2025—2026学年第一学期"
    pub fn zh(&self) -> String {
        format!(
            "{}—{}学年第{}学期",
            self.year,
            self.year + 1,
            match self.term {
                Term::First => "一",
                Term::Second => "二",
            }
        )
    }

    /// "2025–2026 semester 1"
    pub fn en(&self) -> String {
        format!(
            "{}–{} semester {}",
            self.year,
            self.year + 1,
            match self.term {
                Term::First => 1,
                Term::Second => 2,
            }
        )
    }
}

impl fmt::Display for Semester {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.code())
    }
}

/// The dates of one school year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchoolYear {
    pub start_year: i32,
    pub first_start: NaiveDate,
    pub first_end: NaiveDate,
    pub second_start: NaiveDate,
    pub second_end: NaiveDate,
}

impl SchoolYear {
    /// The usual dates when none are set: 1 September – 31 January, then
    /// 1 February – 31 August.
    pub fn standard(start_year: i32) -> Self {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).expect("valid fixed date");
        Self {
            start_year,
            first_start: d(start_year, 9, 1),
            first_end: d(start_year + 1, 1, 31),
            second_start: d(start_year + 1, 2, 1),
            second_end: d(start_year + 1, 8, 31),
        }
    }

    /// Checks the dates are in order and belong to the named year.
    pub fn new(
        start_year: i32,
        first_start: NaiveDate,
        first_end: NaiveDate,
        second_start: NaiveDate,
        second_end: NaiveDate,
    ) -> Result<Self, FieldError> {
        if first_start.year() != start_year {
            return Err(FieldError::new("first_start", "not_in_year").with("year", start_year));
        }
        if first_end <= first_start {
            return Err(FieldError::new("first_end", "end_before_start"));
        }
        if second_start <= first_end {
            return Err(FieldError::new("second_start", "overlaps_first"));
        }
        if second_end <= second_start {
            return Err(FieldError::new("second_end", "end_before_start"));
        }
        if (second_end - first_start).num_days() > 366 {
            return Err(FieldError::new("second_end", "year_too_long"));
        }
        Ok(Self {
            start_year,
            first_start,
            first_end,
            second_start,
            second_end,
        })
    }

    pub fn contains(&self, d: NaiveDate) -> bool {
        self.first_start <= d && d <= self.second_end
    }

    pub fn semester_dates(&self, term: Term) -> (NaiveDate, NaiveDate) {
        match term {
            Term::First => (self.first_start, self.first_end),
            Term::Second => (self.second_start, self.second_end),
        }
    }
}

/// The school years a district (or school) has set. Dates outside any set
/// year follow [`SchoolYear::standard`]; a date in the holiday between two
/// semesters belongs to the semester just ended.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Calendar {
    years: Vec<SchoolYear>,
}

impl Calendar {
    pub fn new(mut years: Vec<SchoolYear>) -> Self {
        years.sort_by_key(|y| y.start_year);
        Self { years }
    }

    pub fn years(&self) -> &[SchoolYear] {
        &self.years
    }

    /// The dates of the school year starting in `start_year`.
    pub fn year(&self, start_year: i32) -> SchoolYear {
        self.years
            .iter()
            .find(|y| y.start_year == start_year)
            .copied()
            .unwrap_or_else(|| SchoolYear::standard(start_year))
    }

    /// The semester a date belongs to.
    pub fn semester_of(&self, d: NaiveDate) -> Semester {
        // The latest school year that has started by `d`.
        let mut start = d.year();
        if d < self.year(start).first_start {
            start -= 1;
        }
        let y = self.year(start);
        let term = if d < y.second_start {
            Term::First
        } else {
            Term::Second
        };
        Semester { year: start, term }
    }

    /// Start and end dates of a semester.
    pub fn dates(&self, s: Semester) -> (NaiveDate, NaiveDate) {
        self.year(s.year).semester_dates(s.term)
    }

    /// The semester after `s`.
    pub fn next(&self, s: Semester) -> Semester {
        match s.term {
            Term::First => Semester {
                year: s.year,
                term: Term::Second,
            },
            Term::Second => Semester {
                year: s.year + 1,
                term: Term::First,
            },
        }
    }

    /// For a date in the winter or summer holiday, the first day of the
    /// semester that follows; `None` in term time.
    pub fn holiday(&self, d: NaiveDate) -> Option<NaiveDate> {
        let s = self.semester_of(d);
        let (_, end) = self.dates(s);
        (d > end).then(|| self.dates(self.next(s)).0)
    }

    /// The holidays (first and last day) after the semesters of the school
    /// years `from..=to`, in order.
    pub fn holidays(&self, from: i32, to: i32) -> Vec<(NaiveDate, NaiveDate)> {
        let mut out = Vec::new();
        for y in from..=to {
            let this = self.year(y);
            let next = self.year(y + 1);
            for (end, start) in [
                (this.first_end, this.second_start),
                (this.second_end, next.first_start),
            ] {
                let (Some(a), Some(b)) = (end.succ_opt(), start.pred_opt()) else {
                    continue;
                };
                if a <= b {
                    out.push((a, b));
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn standard_calendar() {
        let c = Calendar::default();
        assert_eq!(
            c.semester_of(d(2025, 9, 1)),
            Semester {
                year: 2025,
                term: Term::First
            }
        );
        assert_eq!(
            c.semester_of(d(2026, 1, 31)),
            Semester {
                year: 2025,
                term: Term::First
            }
        );
        assert_eq!(
            c.semester_of(d(2026, 2, 1)),
            Semester {
                year: 2025,
                term: Term::Second
            }
        );
        assert_eq!(
            c.semester_of(d(2026, 8, 31)),
            Semester {
                year: 2025,
                term: Term::Second
            }
        );
        assert_eq!(
            c.semester_of(d(2026, 9, 1)),
            Semester {
                year: 2026,
                term: Term::First
            }
        );
    }

    /// 2025–2026 with a winter holiday 24 January – 23 February and a
    /// summer holiday from 11 July.
    fn configured() -> SchoolYear {
        SchoolYear::new(
            2025,
            d(2025, 9, 1),
            d(2026, 1, 23),
            d(2026, 2, 24),
            d(2026, 7, 10),
        )
        .unwrap()
    }

    #[test]
    fn configured_dates_and_holidays() {
        let y = configured();
        let c = Calendar::new(vec![y]);
        // Winter holiday: the first semester, just ended.
        assert_eq!(c.semester_of(d(2026, 2, 10)).term, Term::First);
        assert_eq!(c.semester_of(d(2026, 2, 24)).term, Term::Second);
        // Summer holiday: still the year's second semester.
        assert_eq!(
            c.semester_of(d(2026, 8, 20)),
            Semester {
                year: 2025,
                term: Term::Second
            }
        );
        assert_eq!(
            c.dates(Semester {
                year: 2025,
                term: Term::Second
            }),
            (d(2026, 2, 24), d(2026, 7, 10))
        );
    }

    #[test]
    fn bad_years_are_named() {
        let e =
            SchoolYear::new(2025, d(2025, 9, 1), d(2025, 8, 1), d(2026, 2, 1), d(2026, 7, 1)).unwrap_err();
        assert_eq!((e.field, e.code), ("first_end", "end_before_start"));
        let e =
            SchoolYear::new(2025, d(2024, 9, 1), d(2025, 1, 1), d(2025, 2, 1), d(2025, 7, 1)).unwrap_err();
        assert_eq!(e.code, "not_in_year");
        let e =
            SchoolYear::new(2025, d(2025, 9, 1), d(2026, 2, 1), d(2026, 1, 1), d(2026, 7, 1)).unwrap_err();
        assert_eq!(e.code, "overlaps_first");
    }

    #[test]
    fn semester_codes() {
        let s = Semester {
            year: 2025,
            term: Term::Second,
        };
        assert_eq!(s.code(), "2025-2026-2");
        assert_eq!(Semester::parse("semester", "2025-2026-2").unwrap(), s);
        assert_eq!(Semester::parse("semester", "2025-2").unwrap(), s);
        assert_eq!(
            Semester::parse("semester", "2025-2027-1").unwrap_err().code,
            "bad_semester"
        );
        assert_eq!(s.zh(), "2025—2026学年第二学期");
        assert_eq!(s.en(), "2025–2026 semester 2");
        assert_eq!(s.to_string(), "2025-2026-2");
        let first = Semester {
            year: 2025,
            term: Term::First,
        };
        assert_eq!(first.code(), "2025-2026-1");
        assert_eq!(first.zh(), "2025—2026学年第一学期");
        assert_eq!(first.en(), "2025–2026 semester 1");
        assert_eq!(Semester::parse("semester", " 2025-1 ").unwrap(), first);
        assert_eq!(Semester::parse("semester", "2025-2026-1").unwrap(), first);
        for bad in [
            "2025-3",
            "2025",
            "2025-2026-2-1",
            "x-1",
            "x-2026-1",
            "1949-1",
            "2151-2",
            "",
        ] {
            let e = Semester::parse("semester", bad).unwrap_err();
            assert_eq!((e.field, e.code), ("semester", "bad_semester"), "{bad}");
        }
        assert!(Semester::parse("semester", "1950-1").is_ok());
        assert!(Semester::parse("semester", "2150-2").is_ok());
    }

    #[test]
    fn a_school_year_holds_its_first_and_last_day() {
        let y = SchoolYear::standard(2025);
        assert!(!y.contains(d(2025, 8, 31)));
        assert!(y.contains(d(2025, 9, 1)));
        assert!(y.contains(d(2026, 2, 1)));
        assert!(y.contains(d(2026, 8, 31)));
        assert!(!y.contains(d(2026, 9, 1)));
        assert_eq!(y.semester_dates(Term::First), (d(2025, 9, 1), d(2026, 1, 31)));
        assert_eq!(y.semester_dates(Term::Second), (d(2026, 2, 1), d(2026, 8, 31)));
    }

    #[test]
    fn a_school_year_is_checked_at_its_edges() {
        // One day each, back to back, is a (strange) valid year.
        assert!(SchoolYear::new(2025, d(2025, 9, 1), d(2025, 9, 2), d(2025, 9, 3), d(2025, 9, 4)).is_ok());
        let e =
            SchoolYear::new(2025, d(2025, 9, 1), d(2025, 9, 1), d(2026, 2, 1), d(2026, 7, 1)).unwrap_err();
        assert_eq!((e.field, e.code), ("first_end", "end_before_start"));
        let e =
            SchoolYear::new(2025, d(2025, 9, 1), d(2026, 1, 31), d(2026, 1, 31), d(2026, 7, 1)).unwrap_err();
        assert_eq!((e.field, e.code), ("second_start", "overlaps_first"));
        let e =
            SchoolYear::new(2025, d(2025, 9, 1), d(2026, 1, 31), d(2026, 2, 1), d(2026, 2, 1)).unwrap_err();
        assert_eq!((e.field, e.code), ("second_end", "end_before_start"));
        // 366 days from the first to the last day is the most.
        assert!(SchoolYear::new(2025, d(2025, 9, 1), d(2026, 1, 31), d(2026, 2, 1), d(2026, 9, 2)).is_ok());
        let e =
            SchoolYear::new(2025, d(2025, 9, 1), d(2026, 1, 31), d(2026, 2, 1), d(2026, 9, 3)).unwrap_err();
        assert_eq!((e.field, e.code), ("second_end", "year_too_long"));
    }

    #[test]
    fn semesters_follow_each_other_and_holidays_lie_between() {
        let y = configured();
        let c = Calendar::new(vec![SchoolYear::standard(2026), y]);
        // Kept in order of their years.
        assert_eq!(c.years()[0].start_year, 2025);
        assert_eq!(c.year(2025), y);
        assert_eq!(c.year(2024), SchoolYear::standard(2024));
        let first = Semester {
            year: 2025,
            term: Term::First,
        };
        let second = c.next(first);
        assert_eq!(
            second,
            Semester {
                year: 2025,
                term: Term::Second
            }
        );
        assert_eq!(
            c.next(second),
            Semester {
                year: 2026,
                term: Term::First
            }
        );
        // Term time, the last day of a semester, then the holiday.
        assert_eq!(c.holiday(d(2026, 1, 23)), None);
        assert_eq!(c.holiday(d(2026, 1, 24)), Some(d(2026, 2, 24)));
        assert_eq!(c.holiday(d(2026, 2, 23)), Some(d(2026, 2, 24)));
        assert_eq!(c.holiday(d(2026, 2, 24)), None);
        assert_eq!(c.holiday(d(2026, 7, 11)), Some(d(2026, 9, 1)));
        assert_eq!(
            c.holidays(2025, 2025),
            vec![(d(2026, 1, 24), d(2026, 2, 23)), (d(2026, 7, 11), d(2026, 8, 31))]
        );
        // Standard years follow each other with no summer gap and a
        // winter one of none: nothing between 31 January and 1 February.
        assert!(c.holidays(2026, 2026).is_empty());
        assert_eq!(c.holidays(2025, 2026).len(), 2);
        assert!(c.holidays(2026, 2025).is_empty());
    }
}
