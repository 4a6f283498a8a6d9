//! What an organiser fills in: an activity, its sessions (one, several, or
//! a weekly series created once), who it is for, its capacity and
//! registration window, and what it grants.

use super::ActivityType;
use super::attendance::{DEFAULT_GRACE_MINUTES, Sitting};
use crate::credits::{Amount, Area, Form};
use crate::error::FieldError;
use crate::level::Level;
use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};

/// The most sessions one activity (or one weekly series) may have: two
/// school years of weekly meetings.
pub const MAX_SESSIONS: usize = 80;
/// The most places an activity may offer.
pub const MAX_CAPACITY: u32 = 100_000;

/// Who an activity is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Audience {
    /// Every teacher of the organising school (or district).
    #[default]
    All,
    /// Teachers of these tiers (codes) in the year of the activity.
    Tiers { tiers: Vec<String> },
    /// Members of these teaching-research groups.
    Groups { groups: Vec<i64> },
    /// Only the teachers the organiser names (assigns).
    Named,
}

impl Audience {
    pub fn code(&self) -> &'static str {
        match self {
            Audience::All => "all",
            Audience::Tiers { .. } => "tiers",
            Audience::Groups { .. } => "groups",
            Audience::Named => "named",
        }
    }
}

/// One session as typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionPlan {
    pub date: NaiveDate,
    /// `HH:MM` (or `HH:MM:SS`), China time.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "14:00"))]
    pub start: NaiveTime,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "16:00"))]
    pub end: NaiveTime,
    #[serde(default)]
    pub place: String,
}

impl SessionPlan {
    pub fn sitting(&self) -> Sitting {
        Sitting {
            date: self.date,
            start: self.start,
            end: self.end,
        }
    }

    /// Hours of the session, in hundredths (to the minute, rounded down).
    pub fn hours(&self) -> Amount {
        Amount::hundredths(self.sitting().minutes() * 100 / 60)
    }
}

/// A series: the same time and place every week from `first` through
/// `until` (e.g. every Tuesday's 教研活动).
pub fn weekly(first: &SessionPlan, until: NaiveDate) -> Result<Vec<SessionPlan>, FieldError> {
    if until < first.date {
        return Err(FieldError::new("until", "before_first").with("first", first.date));
    }
    let mut out = Vec::new();
    let mut d = first.date;
    while d <= until {
        if out.len() == MAX_SESSIONS {
            return Err(FieldError::new("until", "too_many_sessions").with("max", MAX_SESSIONS));
        }
        out.push(SessionPlan {
            date: d,
            ..first.clone()
        });
        d += Duration::days(7);
    }
    Ok(out)
}

/// An activity as the organiser fills it in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActivityPlan {
    pub title: String,
    /// An activity type code (`teaching_research`, `expert_lecture`, …).
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub kind: ActivityType,
    /// `school`, `town`, `county`, `municipal`, `provincial`, `national`.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub level: Level,
    /// Content area: `ethics`, `theory`, `method`, `research`, `technology`, `subject`, `class_teacher`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub area: Option<Area>,
    /// Form of training: `centralized`, `online`, `school_based`, …
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub form: Form,
    /// The body that runs it (default: the school or district).
    #[serde(default)]
    pub organiser: String,
    /// Lecturer or host.
    #[serde(default)]
    pub host: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub audience: Audience,
    /// Places; none means no limit.
    #[serde(default)]
    pub capacity: Option<u32>,
    /// Registration opens and closes (none: open until the first session).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "2027-02-20T08:00:00"))]
    pub registration_opens: Option<NaiveDateTime>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "2027-03-01T12:00:00"))]
    pub registration_closes: Option<NaiveDateTime>,
    /// Credits each attended session grants, when the activity states them
    /// (otherwise its hours count by the requirement's rates).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<f64>))]
    pub credits_per_session: Option<Amount>,
    /// 以会代训: the meeting is marked with its training content.
    #[serde(default)]
    pub marked_training: bool,
    #[serde(default)]
    pub training_content: String,
    #[serde(default)]
    pub sign_out: bool,
    #[serde(default)]
    pub min_presence: Option<u32>,
    #[serde(default)]
    pub feedback_required: bool,
    /// Minutes before the start and after the end one may sign in.
    #[serde(default = "default_grace")]
    pub grace: u32,
    pub sessions: Vec<SessionPlan>,
    /// Repeat the one session given every week through this day (a
    /// weekly series created once); not kept.
    #[serde(default, skip_serializing)]
    pub repeat_weekly_until: Option<NaiveDate>,
}

fn default_grace() -> u32 {
    DEFAULT_GRACE_MINUTES
}

pub(crate) fn text(
    errors: &mut Vec<FieldError>,
    field: &'static str,
    value: &str,
    max: usize,
    required: bool,
) {
    let n = value.trim().chars().count();
    if required && n == 0 {
        errors.push(FieldError::new(field, "required"));
    } else if n > max {
        errors.push(FieldError::new(field, "too_long").with("max", max));
    }
}

impl ActivityPlan {
    /// Every problem, each naming its field (sessions as `sessions[i].…`
    /// are numbered from 1 in `row`).
    pub fn problems(&self) -> Vec<FieldError> {
        let mut e = Vec::new();
        text(&mut e, "activity_title", &self.title, 200, true);
        text(&mut e, "organiser", &self.organiser, 200, false);
        text(&mut e, "host", &self.host, 200, false);
        text(&mut e, "description", &self.description, 4000, false);
        text(&mut e, "training_content", &self.training_content, 2000, false);
        if self.marked_training && self.training_content.trim().is_empty() {
            e.push(FieldError::new("training_content", "required_when_marked"));
        }
        if self.marked_training && self.kind != ActivityType::MeetingTraining {
            e.push(FieldError::new("marked_training", "only_meeting_training"));
        }
        if let Some(c) = self.capacity
            && !(1..=MAX_CAPACITY).contains(&c)
        {
            e.push(
                FieldError::new("capacity", "out_of_range")
                    .with("min", 1)
                    .with("max", MAX_CAPACITY),
            );
        }
        if let (Some(o), Some(c)) = (self.registration_opens, self.registration_closes)
            && c <= o
        {
            e.push(FieldError::new("registration_closes", "before_opens"));
        }
        if let Some(c) = self.credits_per_session
            && (c.is_negative() || c > Amount::hundredths(10_000))
        {
            e.push(
                FieldError::new("credits_per_session", "out_of_range")
                    .with("min", 0)
                    .with("max", 100),
            );
        }
        if let Some(c) = self.credits_per_session
            && !c.is_zero()
            && !self.kind.counts_as_training()
        {
            e.push(FieldError::new("credits_per_session", "never_training").with("type", self.kind.code()));
        }
        if let Some(m) = self.min_presence
            && (m == 0 || m > 24 * 60)
        {
            e.push(
                FieldError::new("min_presence", "out_of_range")
                    .with("min", 1)
                    .with("max", 24 * 60),
            );
        }
        if self.min_presence.is_some() && !self.sign_out {
            e.push(FieldError::new("min_presence", "needs_sign_out"));
        }
        if self.grace > 120 {
            e.push(
                FieldError::new("grace", "out_of_range")
                    .with("min", 0)
                    .with("max", 120),
            );
        }
        match &self.audience {
            Audience::Tiers { tiers } if tiers.is_empty() => {
                e.push(FieldError::new("audience", "no_tiers_chosen"))
            }
            Audience::Groups { groups } if groups.is_empty() => {
                e.push(FieldError::new("audience", "no_groups"))
            }
            _ => {}
        }
        if self.sessions.is_empty() {
            e.push(FieldError::new("sessions", "required"));
        }
        if self.sessions.len() > MAX_SESSIONS {
            e.push(FieldError::new("sessions", "too_many_sessions").with("max", MAX_SESSIONS));
        }
        for (i, s) in self.sessions.iter().enumerate() {
            if s.end <= s.start {
                e.push(FieldError::new("end", "before_start").with("nth_session", i + 1));
            }
            if !(2000..=2100).contains(&s.date.year()) {
                e.push(
                    FieldError::new("date", "out_of_range")
                        .with("min", 2000)
                        .with("max", 2100)
                        .with("nth_session", i + 1),
                );
            }
            if s.place.trim().chars().count() > 200 {
                e.push(
                    FieldError::new("place", "too_long")
                        .with("max", 200)
                        .with("nth_session", i + 1),
                );
            }
        }
        e
    }

    /// The plan with a weekly series spelt out into its sessions. A series
    /// repeats exactly one session.
    pub fn expanded(mut self) -> Result<Self, FieldError> {
        if let Some(until) = self.repeat_weekly_until.take() {
            if self.sessions.len() != 1 {
                return Err(FieldError::new("repeat_weekly_until", "repeat_needs_one_session"));
            }
            self.sessions = weekly(&self.sessions[0], until).map_err(|e| e.on("repeat_weekly_until"))?;
        }
        Ok(self)
    }

    /// When the last session ends.
    pub fn last_end(&self) -> Option<NaiveDateTime> {
        self.sessions.iter().map(|s| s.sitting().ends()).max()
    }

    /// Whether registration is open at `now`: from `registration_opens`
    /// (or always) until `registration_closes` (or the end of the last
    /// session, so a weekly series can be joined midway and a teacher who
    /// walks into a lecture can still register and sign in).
    pub fn registration_open(&self, now: NaiveDateTime) -> bool {
        let opened = self.registration_opens.is_none_or(|o| now >= o);
        let closes = self.registration_closes.or(self.last_end());
        opened && closes.is_none_or(|c| now < c)
    }
}
