//! Master-teacher studios (名师工作室, seed 002): a master teacher leads
//! members from several schools of a district for a term; the studio runs
//! its own activities — lectures, demonstration classes, seminars, online
//! study — and sends teaching (送教) to other, often rural, schools. The
//! district centre sets studios up and names their members.

use crate::activities::plan::text;
use crate::codes::coded_enum;
use crate::error::FieldError;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

coded_enum!(
    /// What a studio activity is. English names in the locale files
    /// (`studio_kinds.<code>`).
    StudioActivityKind, "unknown_studio_activity_kind", {
        /// 专题讲座
        Lecture = "lecture", "专题讲座", ["讲座", "名师讲座"];
        /// 示范课 / 公开课
        Demonstration = "demonstration", "示范课", ["公开课", "示范课展示"];
        /// 课例研讨 / 主题研讨
        Seminar = "seminar", "研讨活动", ["课例研讨", "主题研讨", "研讨"];
        /// 送教 / 送课下乡
        SendTeaching = "send_teaching", "送教", ["送教下乡", "送课下乡", "送教活动"];
        /// 网络研修
        Online = "online", "网络研修", ["网络教研", "线上研修"];
        /// 读书活动
        Reading = "reading", "读书活动", ["读书沙龙", "读书会"];
        /// 课题研究
        Research = "research", "课题研究", ["课题"];
    }
);

/// The longest name, subject and texts.
pub const MAX_NAME: usize = 100;
pub const MAX_AIMS: usize = 4000;
pub const MAX_SUMMARY: usize = 4000;
/// A studio's term: at most five years (most run three).
pub const MAX_TERM_YEARS: i32 = 5;

/// A studio as set up or changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StudioInput {
    /// e.g. "吴雨萍名师工作室".
    pub name: String,
    /// The master teacher who leads it (主持人).
    pub master_teacher_id: i64,
    #[serde(default)]
    pub subject: String,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    /// What the studio sets out to do in its term.
    #[serde(default)]
    pub aims: String,
}

impl StudioInput {
    /// Every problem, each naming its field.
    pub fn problems(&self) -> Vec<FieldError> {
        let mut e = Vec::new();
        text(&mut e, "studio_name", &self.name, MAX_NAME, true);
        text(&mut e, "subject", &self.subject, 50, false);
        text(&mut e, "aims", &self.aims, MAX_AIMS, false);
        if let Some(end) = self.ends_on {
            if end < self.starts_on {
                e.push(FieldError::new("ends_on", "end_before_start"));
            } else if self
                .starts_on
                .checked_add_months(chrono::Months::new(12 * MAX_TERM_YEARS as u32))
                .is_some_and(|limit| end > limit)
            {
                e.push(FieldError::new("ends_on", "term_too_long").with("max", MAX_TERM_YEARS));
            }
        }
        e
    }
}

/// A member to add.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MemberInput {
    pub teacher_id: i64,
    /// The day they join (today when left out).
    pub joined_on: Option<NaiveDate>,
}

/// A studio activity as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StudioActivityInput {
    pub held_on: NaiveDate,
    /// `lecture`, `demonstration`, `seminar`, `send_teaching`, `online`,
    /// `reading`, `research` (or their Chinese names).
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub kind: StudioActivityKind,
    pub title: String,
    #[serde(default)]
    pub place: String,
    /// How long it took, in minutes.
    pub minutes: u32,
    /// The master or a member who led it (the master when left out).
    pub led_by_teacher_id: Option<i64>,
    /// Send-teaching: the receiving school of the district …
    pub receiving_school_id: Option<i64>,
    /// … or, for a school outside the system, its name.
    #[serde(default)]
    pub receiving_school_name: String,
    #[serde(default)]
    pub summary: String,
}

impl StudioActivityInput {
    /// Every problem, each naming its field.
    pub fn problems(&self) -> Vec<FieldError> {
        let mut e = Vec::new();
        text(&mut e, "activity_title", &self.title, 200, true);
        text(&mut e, "place", &self.place, 200, false);
        text(
            &mut e,
            "receiving_school",
            &self.receiving_school_name,
            100,
            false,
        );
        text(&mut e, "summary", &self.summary, MAX_SUMMARY, false);
        if !(1..=1440).contains(&self.minutes) {
            e.push(
                FieldError::new("minutes", "out_of_range")
                    .with("min", 1)
                    .with("max", 1440),
            );
        }
        let receiving = self.receiving_school_id.is_some() || !self.receiving_school_name.trim().is_empty();
        match (self.kind == StudioActivityKind::SendTeaching, receiving) {
            (true, false) => e.push(FieldError::new("receiving_school", "required_for_send_teaching")),
            (false, true) => e.push(FieldError::new("receiving_school", "only_for_send_teaching")),
            _ => {}
        }
        e
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn studio() -> StudioInput {
        StudioInput {
            name: "吴雨萍名师工作室".into(),
            master_teacher_id: 1,
            subject: "英语".into(),
            starts_on: d("2026-09-01"),
            ends_on: Some(d("2029-08-31")),
            aims: String::new(),
        }
    }

    fn activity(kind: StudioActivityKind) -> StudioActivityInput {
        StudioActivityInput {
            held_on: d("2026-10-15"),
            kind,
            title: "《10的认识》".into(),
            place: String::new(),
            minutes: 90,
            led_by_teacher_id: None,
            receiving_school_id: None,
            receiving_school_name: String::new(),
            summary: String::new(),
        }
    }

    #[test]
    fn a_studio_is_named_and_runs_at_most_five_years() {
        assert!(studio().problems().is_empty());
        let mut s = studio();
        s.ends_on = None;
        assert!(s.problems().is_empty(), "open-ended");
        s.ends_on = Some(d("2031-09-02"));
        assert_eq!(s.problems()[0].code, "term_too_long");
        s.ends_on = Some(d("2026-08-31"));
        assert_eq!(s.problems()[0].code, "end_before_start");
        s.ends_on = None;
        s.name = " ".into();
        assert_eq!(s.problems()[0].field, "studio_name");
    }

    #[test]
    fn send_teaching_names_its_receiving_school_and_nothing_else_does() {
        let mut a = activity(StudioActivityKind::SendTeaching);
        let p = a.problems();
        assert_eq!(
            (p[0].field, p[0].code),
            ("receiving_school", "required_for_send_teaching")
        );
        a.receiving_school_name = "水寨中心小学".into();
        assert!(a.problems().is_empty());
        a.receiving_school_name.clear();
        a.receiving_school_id = Some(3);
        assert!(a.problems().is_empty());
        let mut l = activity(StudioActivityKind::Lecture);
        l.receiving_school_id = Some(3);
        assert_eq!(l.problems()[0].code, "only_for_send_teaching");
        let mut long = activity(StudioActivityKind::Seminar);
        long.minutes = 0;
        assert_eq!(long.problems()[0].field, "minutes");
        assert_eq!(
            StudioActivityKind::parse("kind", "送教下乡").unwrap(),
            StudioActivityKind::SendTeaching
        );
    }
}
