//! Mentoring week (师徒活动周, seed 002 篇1): a school sets a few days aside
//! and every running pair shows what it does in them — meetings, classes,
//! comments, reflections. The week is dated; what it collects is read from
//! the pairs' log and cycles, not entered twice.

use crate::activities::plan::text;
use crate::error::FieldError;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The longest a mentoring week may run, in days (two school weeks).
pub const MAX_DAYS: i64 = 14;

/// The longest title and theme.
pub const MAX_TITLE: usize = 100;
pub const MAX_THEME: usize = 2000;

/// A mentoring week as proposed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WeekInput {
    /// e.g. "2027年春季师徒活动周".
    pub title: String,
    /// What the week asks of the pairs (its theme or plan).
    #[serde(default)]
    pub theme: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

impl WeekInput {
    /// Every problem, each naming its field.
    pub fn problems(&self) -> Vec<FieldError> {
        let mut e = Vec::new();
        text(&mut e, "week_title", &self.title, MAX_TITLE, true);
        text(&mut e, "theme", &self.theme, MAX_THEME, false);
        if self.ends_on < self.starts_on {
            e.push(FieldError::new("ends_on", "end_before_start"));
        } else if self.days() > MAX_DAYS {
            e.push(
                FieldError::new("ends_on", "week_too_long")
                    .with("max", MAX_DAYS)
                    .with("value", self.days()),
            );
        }
        e
    }

    /// Days from the first to the last, both counted.
    pub fn days(&self) -> i64 {
        (self.ends_on - self.starts_on).num_days() + 1
    }
}

/// Whether two date spans share a day.
pub fn overlaps(a: (NaiveDate, NaiveDate), b: (NaiveDate, NaiveDate)) -> bool {
    a.0 <= b.1 && b.0 <= a.1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn week(from: &str, to: &str) -> WeekInput {
        WeekInput {
            title: "春季师徒活动周".into(),
            theme: String::new(),
            starts_on: d(from),
            ends_on: d(to),
        }
    }

    #[test]
    fn a_week_is_titled_ends_after_it_starts_and_runs_at_most_two_weeks() {
        assert!(week("2027-03-08", "2027-03-12").problems().is_empty());
        assert!(week("2027-03-08", "2027-03-08").problems().is_empty(), "one day");
        assert!(
            week("2027-03-08", "2027-03-21").problems().is_empty(),
            "fourteen days"
        );
        let long = week("2027-03-08", "2027-03-22").problems();
        assert_eq!((long[0].field, long[0].code), ("ends_on", "week_too_long"));
        let back = week("2027-03-12", "2027-03-08").problems();
        assert_eq!((back[0].field, back[0].code), ("ends_on", "end_before_start"));
        let mut untitled = week("2027-03-08", "2027-03-12");
        untitled.title = "  ".into();
        assert_eq!(untitled.problems()[0].field, "week_title");
    }

    #[test]
    fn spans_overlap_when_they_share_a_day() {
        let a = (d("2027-03-08"), d("2027-03-12"));
        assert!(overlaps(a, (d("2027-03-12"), d("2027-03-19"))));
        assert!(overlaps(a, (d("2027-03-01"), d("2027-03-08"))));
        assert!(overlaps(a, (d("2027-03-09"), d("2027-03-10"))));
        assert!(!overlaps(a, (d("2027-03-13"), d("2027-03-19"))));
        assert!(!overlaps(a, (d("2027-03-01"), d("2027-03-07"))));
    }
}
