//! Sign-in tokens, windows, presence and credit, at their edges.

use super::ActivityType;
use super::attendance::*;
use super::plan::*;
use crate::credits::{Amount, Form};
use crate::level::Level;
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

const KEY: &[u8] = b"an installation key of some length";

fn t(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap()
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn at(h: u32, m: u32) -> NaiveDateTime {
    d(2026, 3, 10).and_time(t(h, m))
}

fn sitting() -> Sitting {
    Sitting {
        date: d(2026, 3, 10),
        start: t(14, 0),
        end: t(16, 0),
    }
}

#[test]
fn a_qr_token_lives_its_slot_and_the_next_then_expires() {
    let now = 1_800_000_000; // a multiple of 15 s
    let slot = slot_of(now, QR_SLOT_SECS);
    let tok = qr_token(KEY, 42, slot);
    assert_eq!(check_qr(KEY, &tok, None, now), Ok(42));
    assert_eq!(check_qr(KEY, &tok, Some(42), now + 14), Ok(42));
    assert_eq!(
        check_qr(KEY, &tok, None, now + 15),
        Ok(42),
        "the next slot still takes it"
    );
    assert_eq!(check_qr(KEY, &tok, None, now + 29), Ok(42));
    assert_eq!(check_qr(KEY, &tok, None, now + 30), Err(Refusal::Expired));
    assert_eq!(check_qr(KEY, &tok, None, now + 3600), Err(Refusal::Expired));
    // A new token every 15 seconds.
    assert_ne!(qr_token(KEY, 42, slot + 1), tok);
}

#[test]
fn forged_and_foreign_tokens_are_refused() {
    let now = 1_800_000_000;
    let slot = slot_of(now, QR_SLOT_SECS);
    let tok = qr_token(KEY, 42, slot);
    assert_eq!(check_qr(b"another key", &tok, None, now), Err(Refusal::Forged));
    // The session changed in the token: the signature no longer fits.
    let other = tok.replacen("42.", "43.", 1);
    assert_eq!(check_qr(KEY, &other, None, now), Err(Refusal::Forged));
    // A slot in the future (made by someone with the key) is not accepted.
    assert_eq!(
        check_qr(KEY, &qr_token(KEY, 42, slot + 1), None, now),
        Err(Refusal::Forged)
    );
    for junk in [
        "",
        "42",
        "42.1",
        "a.b.c",
        "42.1.zz",
        "42.1.abc",
        &tok[..tok.len() - 2],
    ] {
        assert_eq!(check_qr(KEY, junk, None, now), Err(Refusal::Forged), "{junk}");
    }
    // A genuine token for another session.
    assert_eq!(check_qr(KEY, &tok, Some(7), now), Err(Refusal::OtherSession));
}

#[test]
fn the_typed_code_lasts_one_to_two_minutes() {
    let now = 1_800_000_000; // a multiple of 60 s
    let code = typed_code(KEY, 42, slot_of(now, CODE_SLOT_SECS));
    assert_eq!(code.len(), 6);
    assert!(code.bytes().all(|b| b.is_ascii_digit()));
    assert_eq!(check_code(KEY, 42, &code, now), Ok(()));
    assert_eq!(
        check_code(KEY, 42, &format!(" {} {}", &code[..3], &code[3..]), now + 59),
        Ok(())
    );
    assert_eq!(check_code(KEY, 42, &code, now + 119), Ok(()));
    assert_eq!(check_code(KEY, 42, &code, now + 120), Err(Refusal::Expired));
    assert_eq!(check_code(KEY, 42, &code, now + 11 * 60), Err(Refusal::Forged));
    assert_ne!(
        typed_code(KEY, 43, slot_of(now, CODE_SLOT_SECS)),
        code,
        "each session its own code"
    );
    for junk in ["", "12345", "1234567", "abcdef"] {
        assert_eq!(check_code(KEY, 42, junk, now), Err(Refusal::Forged), "{junk}");
    }
}

#[test]
fn the_window_is_the_session_with_grace_either_side() {
    let s = sitting();
    assert!(!s.open_at(at(13, 44), 15));
    assert!(s.open_at(at(13, 45), 15));
    assert!(s.open_at(at(16, 15), 15));
    assert!(!s.open_at(at(16, 16), 15));
    assert!(!s.open_at(at(13, 59), 0));
    assert!(s.open_at(at(14, 0), 0));
    assert_eq!(s.minutes(), 120);
}

#[test]
fn late_is_more_than_five_minutes_after_the_start() {
    let s = sitting();
    assert_eq!(s.status_at(at(13, 50)), Status::Present);
    assert_eq!(s.status_at(at(14, 5)), Status::Present);
    assert_eq!(s.status_at(at(14, 6)), Status::Late);
}

#[test]
fn presence_counts_only_the_session() {
    let s = sitting();
    assert_eq!(s.presence(at(13, 30), at(16, 30)), 120);
    assert_eq!(s.presence(at(14, 30), at(15, 30)), 60);
    assert_eq!(s.presence(at(15, 30), at(14, 30)), 0);
}

fn terms() -> CreditTerms {
    CreditTerms {
        kind: ActivityType::TeachingResearch,
        marked_training: false,
        sign_out: true,
        min_presence: Some(90),
        feedback_required: true,
    }
}

fn there(i: NaiveDateTime, o: Option<NaiveDateTime>, fb: bool) -> Attended {
    Attended {
        status: Some(Status::Present),
        signed_in: Some(i),
        signed_out: o,
        feedback_given: fb,
    }
}

#[test]
fn minimum_presence_and_feedback_gate_credit() {
    let s = sitting();
    assert_eq!(
        earns(terms(), s, there(at(14, 0), Some(at(15, 30)), true)),
        Ok(())
    );
    assert_eq!(
        earns(terms(), s, there(at(14, 1), Some(at(15, 30)), true)),
        Err(Withheld::TooShort {
            present: 89,
            asked: 90
        })
    );
    assert_eq!(
        earns(terms(), s, there(at(14, 0), None, true)),
        Err(Withheld::NoSignOut)
    );
    assert_eq!(
        earns(terms(), s, there(at(14, 0), Some(at(16, 0)), false)),
        Err(Withheld::NoFeedback)
    );
    let no_feedback = CreditTerms {
        feedback_required: false,
        ..terms()
    };
    assert_eq!(
        earns(no_feedback, s, there(at(14, 0), Some(at(16, 0)), false)),
        Ok(())
    );
    // Without sign-out asked, signing in is enough.
    let no_out = CreditTerms {
        sign_out: false,
        min_presence: None,
        ..no_feedback
    };
    assert_eq!(earns(no_out, s, there(at(14, 30), None, false)), Ok(()));
    // A check-off stands for the whole session.
    let checked = Attended {
        status: Some(Status::Late),
        signed_in: None,
        signed_out: None,
        feedback_given: true,
    };
    assert_eq!(earns(terms(), s, checked), Ok(()));
    for status in [None, Some(Status::Leave), Some(Status::Absent)] {
        let a = Attended { status, ..checked };
        assert_eq!(earns(terms(), s, a), Err(Withheld::NotThere), "{status:?}");
    }
}

#[test]
fn non_training_types_never_earn_whatever_the_attendance() {
    let s = sitting();
    let full = there(at(14, 0), Some(at(16, 0)), true);
    for kind in [
        ActivityType::StaffMeeting,
        ActivityType::PoliticalStudy,
        ActivityType::Outing,
    ] {
        for marked in [false, true] {
            let c = CreditTerms {
                kind,
                marked_training: marked,
                ..terms()
            };
            assert_eq!(earns(c, s, full), Err(Withheld::NotTraining), "{kind:?}");
        }
    }
    let meeting = CreditTerms {
        kind: ActivityType::MeetingTraining,
        ..terms()
    };
    assert_eq!(earns(meeting, s, full), Err(Withheld::NotTraining));
    let marked = CreditTerms {
        marked_training: true,
        ..meeting
    };
    assert_eq!(earns(marked, s, full), Ok(()));
}

fn plan() -> ActivityPlan {
    ActivityPlan {
        title: "周二教研活动".into(),
        kind: ActivityType::TeachingResearch,
        level: Level::School,
        area: None,
        form: Form::SchoolBased,
        organiser: String::new(),
        host: String::new(),
        description: String::new(),
        audience: Audience::All,
        capacity: None,
        registration_opens: None,
        registration_closes: None,
        credits_per_session: None,
        marked_training: false,
        training_content: String::new(),
        sign_out: false,
        min_presence: None,
        feedback_required: false,
        grace: DEFAULT_GRACE_MINUTES,
        sessions: vec![SessionPlan {
            date: d(2026, 3, 3),
            start: t(14, 0),
            end: t(16, 0),
            place: "三楼会议室".into(),
        }],
        repeat_weekly_until: None,
    }
}

#[test]
fn a_weekly_series_is_made_once() {
    let p = plan();
    let s = weekly(&p.sessions[0], d(2026, 6, 30)).unwrap();
    assert_eq!(s.len(), 18);
    assert_eq!(s[1].date, d(2026, 3, 10));
    assert_eq!(s.last().unwrap().date, d(2026, 6, 30));
    assert!(s.iter().all(|x| x.start == t(14, 0) && x.place == "三楼会议室"));
    assert_eq!(weekly(&p.sessions[0], d(2026, 3, 3)).unwrap().len(), 1);
    assert_eq!(weekly(&p.sessions[0], d(2026, 3, 9)).unwrap().len(), 1);
    assert_eq!(
        weekly(&p.sessions[0], d(2026, 3, 2)).unwrap_err().code,
        "before_first"
    );
    let far = d(2026, 3, 3) + chrono::Duration::days(7 * MAX_SESSIONS as i64);
    assert_eq!(weekly(&p.sessions[0], far).unwrap_err().code, "too_many_sessions");
    assert_eq!(
        weekly(&p.sessions[0], far - chrono::Duration::days(7))
            .unwrap()
            .len(),
        MAX_SESSIONS
    );
    assert_eq!(p.sessions[0].hours(), Amount::hundredths(200));
}

#[test]
fn a_plan_repeating_weekly_is_spelt_out() {
    let mut p = plan();
    p.repeat_weekly_until = Some(d(2026, 3, 24));
    let e = p.clone().expanded().unwrap();
    assert_eq!(e.sessions.len(), 4);
    assert_eq!(e.repeat_weekly_until, None);
    p.sessions.push(p.sessions[0].clone());
    assert_eq!(p.clone().expanded().unwrap_err().code, "repeat_needs_one_session");
    p.sessions.pop();
    p.repeat_weekly_until = Some(d(2026, 3, 1));
    let err = p.expanded().unwrap_err();
    assert_eq!((err.field, err.code), ("repeat_weekly_until", "before_first"));
    assert_eq!(plan().expanded().unwrap(), plan());
}

#[test]
fn every_problem_of_a_plan_is_named() {
    assert!(plan().problems().is_empty());
    let mut p = plan();
    p.title = " ".into();
    p.capacity = Some(0);
    p.marked_training = true;
    p.min_presence = Some(30);
    p.grace = 121;
    p.credits_per_session = Some(Amount::hundredths(-1));
    p.audience = Audience::Tiers { tiers: vec![] };
    p.registration_opens = Some(at(9, 0));
    p.registration_closes = Some(at(9, 0));
    p.sessions[0].end = t(14, 0);
    let codes: Vec<(&str, &str)> = p.problems().iter().map(|e| (e.field, e.code)).collect();
    for want in [
        ("activity_title", "required"),
        ("capacity", "out_of_range"),
        ("training_content", "required_when_marked"),
        ("marked_training", "only_meeting_training"),
        ("min_presence", "needs_sign_out"),
        ("grace", "out_of_range"),
        ("credits_per_session", "out_of_range"),
        ("audience", "no_tiers_chosen"),
        ("registration_closes", "before_opens"),
        ("end", "before_start"),
    ] {
        assert!(codes.contains(&want), "{want:?} in {codes:?}");
    }
    let mut p = plan();
    p.kind = ActivityType::Outing;
    p.credits_per_session = Some(Amount::hundredths(100));
    assert_eq!(p.problems()[0].code, "never_training");
    p.credits_per_session = Some(Amount::ZERO);
    assert!(p.problems().is_empty());
    let mut p = plan();
    p.sessions.clear();
    assert_eq!(p.problems()[0].field, "sessions");
}

#[test]
fn registration_runs_until_the_last_session_ends() {
    let mut p = plan();
    p.sessions = weekly(&p.sessions[0], d(2026, 3, 17)).unwrap();
    assert!(p.registration_open(d(2026, 3, 1).and_time(t(8, 0))));
    assert!(p.registration_open(d(2026, 3, 17).and_time(t(15, 59))));
    assert!(!p.registration_open(d(2026, 3, 17).and_time(t(16, 0))));
    p.registration_opens = Some(d(2026, 3, 2).and_time(t(8, 0)));
    p.registration_closes = Some(d(2026, 3, 3).and_time(t(12, 0)));
    assert!(!p.registration_open(d(2026, 3, 2).and_time(t(7, 59))));
    assert!(p.registration_open(d(2026, 3, 2).and_time(t(8, 0))));
    assert!(!p.registration_open(d(2026, 3, 3).and_time(t(12, 0))));
}

#[test]
fn attendance_statuses_read_as_rosters_write_them() {
    assert_eq!(Status::parse("status", "病假").unwrap(), Status::Leave);
    assert_eq!(Status::parse("status", "缺席").unwrap(), Status::Absent);
    assert_eq!(Status::parse("status", "迟到").unwrap(), Status::Late);
    assert_eq!(Status::parse("status", "present").unwrap(), Status::Present);
    assert!(Status::Present.attended() && Status::Late.attended());
    assert!(!Status::Leave.attended() && !Status::Absent.attended());
    assert_eq!(
        Status::parse("status", "x").unwrap_err().code,
        "unknown_attendance_status"
    );
}

#[test]
fn every_refusal_and_withholding_has_its_own_code() {
    let refusals = [
        (Refusal::Forged, "signin_forged"),
        (Refusal::Expired, "signin_expired"),
        (Refusal::OtherSession, "signin_other_session"),
        (Refusal::OutsideWindow, "signin_outside_window"),
        (Refusal::NotParticipant, "signin_not_participant"),
        (Refusal::AlreadySignedIn, "signin_twice"),
        (Refusal::NotSignedIn, "signout_not_signed_in"),
        (Refusal::AlreadySignedOut, "signout_twice"),
        (Refusal::NoSignOut, "signout_not_asked"),
    ];
    for (r, code) in refusals {
        assert_eq!(r.code(), code);
        let e = r.error();
        assert_eq!((e.field, e.code), ("token", code));
    }
    let withheld = [
        (Withheld::NotTraining, "not_training"),
        (Withheld::NotThere, "not_there"),
        (Withheld::NoSignOut, "no_sign_out"),
        (Withheld::TooShort { present: 1, asked: 2 }, "too_short"),
        (Withheld::NoFeedback, "no_feedback"),
    ];
    for (w, code) in withheld {
        assert_eq!(w.code(), code);
    }
    assert_eq!(Audience::All.code(), "all");
    assert_eq!(Audience::Tiers { tiers: vec![] }.code(), "tiers");
    assert_eq!(Audience::Groups { groups: vec![] }.code(), "groups");
    assert_eq!(Audience::Named.code(), "named");
}

#[test]
fn a_plan_read_from_json_takes_the_defaults() {
    let p: ActivityPlan = serde_json::from_str(
        r#"{"title": "教研", "kind": "teaching_research", "level": "school", "form": "school_based",
            "sessions": [{"date": "2027-03-02", "start": "14:00", "end": "16:00"}]}"#,
    )
    .unwrap();
    assert_eq!(p.grace, DEFAULT_GRACE_MINUTES);
    assert_eq!(DEFAULT_GRACE_MINUTES, 15);
    assert_eq!(p.audience, Audience::All);
    assert!(p.problems().is_empty());
    let e = serde_json::from_str::<ActivityPlan>(r#"{"title": "x", "colour": "red"}"#).unwrap_err();
    assert!(e.to_string().contains("colour"), "{e}");
}

fn arg<'a>(e: &'a crate::error::FieldError, name: &str) -> Option<&'a str> {
    e.args.iter().find(|(k, _)| *k == name).map(|(_, v)| v.as_str())
}

fn only(p: &ActivityPlan) -> Vec<(&'static str, &'static str)> {
    p.problems().iter().map(|e| (e.field, e.code)).collect()
}

#[test]
fn each_limit_of_a_plan_at_its_edge() {
    let mut p = plan();
    p.title = "题".repeat(200);
    p.host = "x".repeat(200);
    p.organiser = "x".repeat(200);
    p.description = "x".repeat(4000);
    p.training_content = "x".repeat(2000);
    assert!(p.problems().is_empty(), "{:?}", only(&p));
    p.title.push('题');
    let e = &p.problems()[0];
    assert_eq!(
        (e.field, e.code, arg(e, "max")),
        ("activity_title", "too_long", Some("200"))
    );

    let mut p = plan();
    p.capacity = Some(MAX_CAPACITY);
    p.credits_per_session = Some(Amount::hundredths(10_000));
    p.grace = 120;
    p.sign_out = true;
    p.min_presence = Some(24 * 60);
    assert!(p.problems().is_empty(), "{:?}", only(&p));
    p.min_presence = Some(1);
    assert!(p.problems().is_empty());
    p.capacity = Some(MAX_CAPACITY + 1);
    p.credits_per_session = Some(Amount::hundredths(10_001));
    p.min_presence = Some(24 * 60 + 1);
    let all = p.problems();
    let codes: Vec<_> = all.iter().map(|e| (e.field, e.code)).collect();
    assert_eq!(
        codes,
        [
            ("capacity", "out_of_range"),
            ("credits_per_session", "out_of_range"),
            ("min_presence", "out_of_range")
        ]
    );
    assert_eq!(arg(&all[2], "max"), Some("1440"));
    assert_eq!(arg(&all[2], "min"), Some("1"));
    assert_eq!(arg(&all[1], "max"), Some("100"));
    p.capacity = None;
    p.credits_per_session = None;
    p.min_presence = Some(0);
    assert_eq!(only(&p), [("min_presence", "out_of_range")]);

    let mut p = plan();
    p.audience = Audience::Groups { groups: vec![] };
    assert_eq!(only(&p), [("audience", "no_groups")]);
    p.audience = Audience::Groups { groups: vec![3] };
    assert!(p.problems().is_empty());
    p.audience = Audience::Tiers {
        tiers: vec!["young".into()],
    };
    assert!(p.problems().is_empty());
}

#[test]
fn a_plan_names_the_session_at_fault() {
    let mut p = plan();
    p.sessions = weekly(&p.sessions[0], d(2026, 3, 10)).unwrap();
    p.sessions[1].place = "x".repeat(200);
    assert!(p.problems().is_empty());
    p.sessions[1].place.push('x');
    p.sessions[1].date = d(1999, 12, 31);
    let all = p.problems();
    assert_eq!(all.len(), 2, "{all:?}");
    assert_eq!((all[0].field, arg(&all[0], "nth_session")), ("date", Some("2")));
    assert_eq!(
        (arg(&all[0], "min"), arg(&all[0], "max")),
        (Some("2000"), Some("2100"))
    );
    assert_eq!(
        (all[1].field, arg(&all[1], "nth_session"), arg(&all[1], "max")),
        ("place", Some("2"), Some("200"))
    );
    p.sessions[1].place.pop();
    p.sessions[1].date = d(2000, 1, 1);
    assert!(p.problems().is_empty());
    p.sessions[1].date = d(2100, 12, 31);
    assert!(p.problems().is_empty());
    p.sessions[1].date = d(2101, 1, 1);
    assert_eq!(only(&p), [("date", "out_of_range")]);
    p.sessions[1].date = d(2026, 3, 10);
    p.sessions[0].end = t(13, 0);
    assert_eq!(arg(&p.problems()[0], "nth_session"), Some("1"));

    let mut p = plan();
    p.sessions = (0..MAX_SESSIONS).map(|_| p.sessions[0].clone()).collect();
    assert!(p.problems().is_empty());
    p.sessions.push(p.sessions[0].clone());
    let e = &p.problems()[0];
    assert_eq!(
        (e.field, e.code, arg(e, "max")),
        ("sessions", "too_many_sessions", Some("80"))
    );
}

#[test]
fn typed_codes_spread_over_all_six_digits() {
    let codes: Vec<String> = (0..200).map(|slot| typed_code(KEY, 42, slot)).collect();
    assert!(codes.iter().all(|c| c.len() == 6));
    // A code is any of a million, not only the small ones.
    assert!(codes.iter().any(|c| c.as_str() >= "500000"), "{codes:?}");
    let distinct: std::collections::HashSet<_> = codes.iter().collect();
    assert!(distinct.len() > 190);
}
