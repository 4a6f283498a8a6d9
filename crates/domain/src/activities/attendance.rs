//! Attendance (考勤): signing in with a rotating QR code or a typed code,
//! the session's window, lateness, time present, and whether an attendance
//! earns credit.
//!
//! The organiser's screen shows a QR code whose token names the session and
//! a 15-second time slot, signed with the installation's key; a token is
//! accepted during its own slot and the next (so it lives 15–30 seconds), and
//! a photo of it passed around is useless half a minute later. The typed
//! code is six digits for rooms where scanning fails; it changes every
//! minute and is accepted for two.

use super::ActivityType;
use crate::codes::coded_enum;
use crate::error::FieldError;
use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// A QR token's slot, in seconds: a new token every 15 s.
pub const QR_SLOT_SECS: i64 = 15;
/// A typed code's slot, in seconds.
pub const CODE_SLOT_SECS: i64 = 60;
/// Signing in more than this many minutes after the start is late.
pub const LATE_AFTER_MINUTES: i64 = 5;
/// The grace around a session's window when the activity does not say.
pub const DEFAULT_GRACE_MINUTES: u32 = 15;

coded_enum!(
    /// How a participant attended a session.
    Status, "unknown_attendance_status", {
        /// 出勤
        Present = "present", "出勤", ["到", "签到", "出席", "已签到"];
        /// 迟到
        Late = "late", "迟到", [];
        /// 请假
        Leave = "leave", "请假", ["事假", "病假", "公假"];
        /// 缺勤
        Absent = "absent", "缺勤", ["缺席", "未到", "旷会"];
    }
);

impl Status {
    /// Whether the participant was there.
    pub fn attended(self) -> bool {
        matches!(self, Status::Present | Status::Late)
    }
}

/// Why a sign-in is refused. Each is a message the teacher reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Not a token this installation made (or typed wrongly).
    Forged,
    /// A token (or code) that was valid, but no longer is.
    Expired,
    /// A real token, for another session or activity.
    OtherSession,
    /// Before the window opens or after it closes.
    OutsideWindow,
    /// Not among the activity's participants.
    NotParticipant,
    /// Already signed in to this session.
    AlreadySignedIn,
    /// Signing out without having signed in.
    NotSignedIn,
    /// Signing out twice.
    AlreadySignedOut,
    /// Signing out of a session that does not ask for it.
    NoSignOut,
}

impl Refusal {
    pub fn code(self) -> &'static str {
        match self {
            Refusal::Forged => "signin_forged",
            Refusal::Expired => "signin_expired",
            Refusal::OtherSession => "signin_other_session",
            Refusal::OutsideWindow => "signin_outside_window",
            Refusal::NotParticipant => "signin_not_participant",
            Refusal::AlreadySignedIn => "signin_twice",
            Refusal::NotSignedIn => "signout_not_signed_in",
            Refusal::AlreadySignedOut => "signout_twice",
            Refusal::NoSignOut => "signout_not_asked",
        }
    }

    pub fn error(self) -> FieldError {
        FieldError::new("token", self.code())
    }
}

fn mac(key: &[u8], what: &str, session_id: i64, slot: i64) -> [u8; 32] {
    let mut m = <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("HMAC takes any key length");
    m.update(format!("{what}|{session_id}|{slot}").as_bytes());
    m.finalize().into_bytes().into()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The slot a moment falls in (seconds since the epoch divided by the slot).
pub fn slot_of(unix_secs: i64, slot_secs: i64) -> i64 {
    unix_secs.div_euclid(slot_secs)
}

/// The QR token of a session for a slot: `session.slot.signature`.
pub fn qr_token(key: &[u8], session_id: i64, slot: i64) -> String {
    format!(
        "{session_id}.{slot}.{}",
        hex(&mac(key, "qr", session_id, slot)[..12])
    )
}

/// Which session a scanned token names, if it is genuine and still valid
/// at `now` (seconds since the epoch); `expected` is the session the
/// teacher is signing in to when the page already names one.
pub fn check_qr(key: &[u8], token: &str, expected: Option<i64>, now: i64) -> Result<i64, Refusal> {
    let mut parts = token.trim().splitn(3, '.');
    let (Some(s), Some(t), Some(sig)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(Refusal::Forged);
    };
    let (Ok(session_id), Ok(slot)) = (s.parse::<i64>(), t.parse::<i64>()) else {
        return Err(Refusal::Forged);
    };
    // Compared in constant time by the MAC itself.
    let mut m = <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("HMAC takes any key length");
    m.update(format!("qr|{session_id}|{slot}").as_bytes());
    let Some(raw) = unhex(sig) else {
        return Err(Refusal::Forged);
    };
    if raw.len() != 12 || m.verify_truncated_left(&raw).is_err() {
        return Err(Refusal::Forged);
    }
    let current = slot_of(now, QR_SLOT_SECS);
    if slot > current {
        return Err(Refusal::Forged);
    }
    if slot < current - 1 {
        return Err(Refusal::Expired);
    }
    if expected.is_some_and(|e| e != session_id) {
        return Err(Refusal::OtherSession);
    }
    Ok(session_id)
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) || !s.is_ascii() {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).ok())
        .collect()
}

/// The six-digit code of a session for a slot of [`CODE_SLOT_SECS`].
pub fn typed_code(key: &[u8], session_id: i64, slot: i64) -> String {
    let m = mac(key, "code", session_id, slot);
    let n = u32::from_be_bytes([m[0], m[1], m[2], m[3]]) % 1_000_000;
    format!("{n:06}")
}

/// Whether a typed code is the session's code now or a minute ago.
pub fn check_code(key: &[u8], session_id: i64, code: &str, now: i64) -> Result<(), Refusal> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Refusal::Forged);
    }
    let current = slot_of(now, CODE_SLOT_SECS);
    if code == typed_code(key, session_id, current) || code == typed_code(key, session_id, current - 1) {
        return Ok(());
    }
    // A code from a few minutes ago is told apart from a wrong one.
    if (2..=10).any(|back| code == typed_code(key, session_id, current - back)) {
        return Err(Refusal::Expired);
    }
    Err(Refusal::Forged)
}

/// When a session runs, on one day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sitting {
    pub date: NaiveDate,
    pub start: NaiveTime,
    pub end: NaiveTime,
}

impl Sitting {
    pub fn starts(&self) -> NaiveDateTime {
        self.date.and_time(self.start)
    }

    pub fn ends(&self) -> NaiveDateTime {
        self.date.and_time(self.end)
    }

    /// Its length in minutes.
    pub fn minutes(&self) -> i64 {
        (self.ends() - self.starts()).num_minutes()
    }

    /// Whether one may sign in (or out) at `now`: from `grace` minutes
    /// before the start to `grace` minutes after the end.
    pub fn open_at(&self, now: NaiveDateTime, grace: u32) -> bool {
        let g = Duration::minutes(i64::from(grace));
        now >= self.starts() - g && now <= self.ends() + g
    }

    /// Present, or late when signing in more than
    /// [`LATE_AFTER_MINUTES`] after the start.
    pub fn status_at(&self, signed_in: NaiveDateTime) -> Status {
        if signed_in > self.starts() + Duration::minutes(LATE_AFTER_MINUTES) {
            Status::Late
        } else {
            Status::Present
        }
    }

    /// Minutes present within the session between signing in and out.
    pub fn presence(&self, signed_in: NaiveDateTime, signed_out: NaiveDateTime) -> i64 {
        let from = signed_in.max(self.starts());
        let to = signed_out.min(self.ends());
        (to - from).num_minutes().max(0)
    }
}

/// What an activity asks before an attendance earns credit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CreditTerms {
    pub kind: ActivityType,
    /// 以会代训 marked with its training content.
    pub marked_training: bool,
    pub sign_out: bool,
    /// Minutes present asked when signing out is asked.
    pub min_presence: Option<u32>,
    pub feedback_required: bool,
}

/// One participant's attendance at one session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attended {
    pub status: Option<Status>,
    pub signed_in: Option<NaiveDateTime>,
    pub signed_out: Option<NaiveDateTime>,
    pub feedback_given: bool,
}

/// Why an attendance earns no credit (yet).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Withheld {
    /// A staff meeting, political study, outing, or unmarked 以会代训.
    NotTraining,
    /// On leave, absent, or not recorded.
    NotThere,
    /// Signing out is asked and the participant did not.
    NoSignOut,
    /// Present for fewer minutes than asked.
    TooShort { present: i64, asked: u32 },
    /// Feedback is asked before credit.
    NoFeedback,
}

impl Withheld {
    pub fn code(self) -> &'static str {
        match self {
            Withheld::NotTraining => "not_training",
            Withheld::NotThere => "not_there",
            Withheld::NoSignOut => "no_sign_out",
            Withheld::TooShort { .. } => "too_short",
            Withheld::NoFeedback => "no_feedback",
        }
    }
}

/// Whether an attendance earns credit. A check-off by the organiser
/// (status without sign-in times) stands for the whole session.
pub fn earns(terms: CreditTerms, sitting: Sitting, a: Attended) -> Result<(), Withheld> {
    if !terms.kind.credits_when(terms.marked_training) {
        return Err(Withheld::NotTraining);
    }
    if !a.status.is_some_and(Status::attended) {
        return Err(Withheld::NotThere);
    }
    if terms.sign_out
        && let Some(signed_in) = a.signed_in
    {
        let Some(out) = a.signed_out else {
            return Err(Withheld::NoSignOut);
        };
        let present = sitting.presence(signed_in, out);
        if let Some(asked) = terms.min_presence
            && present < i64::from(asked)
        {
            return Err(Withheld::TooShort { present, asked });
        }
    }
    if terms.feedback_required && !a.feedback_given {
        return Err(Withheld::NoFeedback);
    }
    Ok(())
}
