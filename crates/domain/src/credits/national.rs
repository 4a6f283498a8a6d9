//! The national teacher management information system's record of domestic
//! training (全国教师管理信息系统 · 国内培训): the columns a district loads
//! from outside platforms and hands up, their codes, and how one row reads.

use super::{Amount, Earning, Entry, Form, What};
use crate::dates::parse_date;
use crate::error::FieldError;
use crate::level::Level;
use chrono::{Datelike, NaiveDate};

/// The columns, in the system's order: who (any one of staff number, ID
/// number or a name unique in the district), then the record.
pub const HEADERS: [&str; 12] = [
    "工号",
    "身份证号",
    "姓名",
    "培训年度",
    "培训类别",
    "培训项目名称",
    "培训机构名称",
    "培训方式",
    "培训获得学时",
    "培训获得学分",
    "培训开始日期",
    "培训结束日期",
];

/// The level of a 培训类别 code (10 国家级, 20 省级, 30 地市级, 40 县级,
/// 60 校级; 99 其他 has none), or its name.
pub fn level_of(field: &'static str, code: &str) -> Result<Option<Level>, FieldError> {
    match code.trim() {
        "10" | "国家级" => Ok(Some(Level::National)),
        "20" | "省级" => Ok(Some(Level::Provincial)),
        "30" | "地市级" | "市级" => Ok(Some(Level::Municipal)),
        "40" | "县级" | "区县级" | "县区级" => Ok(Some(Level::County)),
        "60" | "校级" => Ok(Some(Level::School)),
        "99" | "其他" => Ok(None),
        "" => Err(FieldError::new(field, "required")),
        other => Err(FieldError::new(field, "unknown_training_category").with("value", other)),
    }
}

/// The 培训类别 code a level is handed up as (a town's training has no
/// code of its own: 99 其他).
pub fn level_code(level: Option<Level>) -> &'static str {
    match level {
        Some(Level::National) => "10",
        Some(Level::Provincial) => "20",
        Some(Level::Municipal) => "30",
        Some(Level::County) => "40",
        Some(Level::School) => "60",
        Some(Level::Town) | None => "99",
    }
}

/// The form of a 培训方式 code (1 长期脱产, 2 短期面授, 3 网络研修,
/// 4 面授与网络结合, 9 其他), or its name, or the name of one of the
/// requirement's forms (校本研修).
pub fn form_of(field: &'static str, code: &str) -> Result<Form, FieldError> {
    let c = code.trim();
    if c.is_empty() {
        return Err(FieldError::new(field, "required"));
    }
    Form::from_national(c)
        .or(match c {
            "长期脱产" => Some(Form::Degree),
            "短期面授" => Some(Form::Centralized),
            "网络研修" => Some(Form::Online),
            "面授与网络结合" => Some(Form::Blended),
            "其他" => Some(Form::Other),
            _ => None,
        })
        // A district's own records may name a form of its requirement
        // that the national list folds into 短期面授 (校本研修, 实践研修…).
        .or_else(|| Form::parse(field, c).ok())
        .ok_or_else(|| FieldError::new(field, "unknown_training_mode_code").with("value", c))
}

/// One record as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub year: i32,
    pub level: Option<Level>,
    pub title: String,
    pub organiser: String,
    pub form: Form,
    pub hours: Amount,
    pub credits: Amount,
    pub start: NaiveDate,
    pub end: NaiveDate,
}

/// One record's cells as typed, before reading.
#[derive(Debug, Clone, Copy, Default)]
pub struct RawRecord<'a> {
    pub year: &'a str,
    pub category: &'a str,
    pub title: &'a str,
    pub organiser: &'a str,
    pub mode: &'a str,
    pub hours: &'a str,
    pub credits: &'a str,
    pub start: &'a str,
    pub end: &'a str,
}

/// The most hours or credits one record may carry (a year of full-time
/// study is some 1,600 hours).
const MOST: i64 = 5_000;

fn amount(field: &'static str, s: &str) -> Result<Amount, FieldError> {
    let s = s.trim();
    if s.is_empty() {
        return Err(FieldError::new(field, "required"));
    }
    let a = Amount::parse_str(s).ok_or_else(|| FieldError::new(field, "not_a_decimal").with("value", s))?;
    if a.is_negative() {
        return Err(FieldError::new(field, "negative_amount").with("value", s));
    }
    if a > Amount::whole(MOST) {
        return Err(FieldError::new(field, "amount_too_large").with("max", MOST));
    }
    Ok(a)
}

fn text(field: &'static str, s: &str) -> Result<String, FieldError> {
    let s = s.trim();
    if s.is_empty() {
        return Err(FieldError::new(field, "required"));
    }
    if s.chars().count() > 200 {
        return Err(FieldError::new(field, "too_long").with("max", 200));
    }
    Ok(s.to_string())
}

impl RawRecord<'_> {
    /// The record, or every cell that does not read (each naming its
    /// field). `today` bounds the dates: a training cannot end in the future.
    pub fn parse(&self, today: NaiveDate) -> Result<Record, Vec<FieldError>> {
        let mut errs = Vec::new();
        fn keep<T>(errs: &mut Vec<FieldError>, r: Result<T, FieldError>) -> Option<T> {
            r.map_err(|e| errs.push(e)).ok()
        }
        let year = keep(
            &mut errs,
            match self.year.trim().parse::<i32>() {
                Ok(y) if (1990..=2100).contains(&y) => Ok(y),
                _ if self.year.trim().is_empty() => Err(FieldError::new("training_year", "required")),
                _ => Err(FieldError::new("training_year", "not_a_year").with("value", self.year.trim())),
            },
        );
        let level = keep(&mut errs, level_of("training_category", self.category));
        let title = keep(&mut errs, text("training_title", self.title));
        let organiser = keep(&mut errs, text("training_organiser", self.organiser));
        let form = keep(&mut errs, form_of("training_mode", self.mode));
        let hours = keep(&mut errs, amount("training_hours", self.hours));
        let credits = keep(&mut errs, amount("training_credits", self.credits));
        let start = keep(&mut errs, parse_date("start_date", self.start));
        let end = keep(&mut errs, parse_date("end_date", self.end));
        if let (Some(s), Some(e)) = (start, end)
            && e < s
        {
            errs.push(FieldError::new("end_date", "end_before_start").with("start", s));
        }
        if let Some(e) = end
            && e > today
        {
            errs.push(FieldError::new("end_date", "in_the_future").with("value", e));
        }
        if let (Some(y), Some(s), Some(e)) = (year, start, end)
            && y != s.year()
            && y != e.year()
        {
            errs.push(
                FieldError::new("training_year", "year_outside_dates")
                    .with("value", y)
                    .with("start", s)
                    .with("end", e),
            );
        }
        match (year, level, title, organiser, form, hours, credits, start, end) {
            (
                Some(year),
                Some(level),
                Some(title),
                Some(organiser),
                Some(form),
                Some(hours),
                Some(credits),
                Some(start),
                Some(end),
            ) if errs.is_empty() => Ok(Record {
                year,
                level,
                title,
                organiser,
                form,
                hours,
                credits,
                start,
                end,
            }),
            _ => Err(errs),
        }
    }
}

/// What makes two records the same training for one teacher, however they
/// arrived (a claim, an import, a portfolio record): the first day and the
/// title without spaces, punctuation or case.
pub fn dedup_key(start: NaiveDate, title: &str) -> String {
    let t: String = title
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    format!("{start}|{t}")
}

impl Record {
    pub fn dedup_key(&self) -> String {
        dedup_key(self.start, &self.title)
    }

    /// The record as the arithmetic counts it: outside training, at its
    /// level, worth the credits it states.
    pub fn entry(&self) -> Entry {
        Entry {
            date: self.start,
            what: What::Earning(Earning::OutsideTraining),
            form: self.form,
            area: None,
            level: self.level,
            hours: self.hours,
            credits: Some(self.credits),
            pool: None,
            marked_training: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn raw() -> RawRecord<'static> {
        RawRecord {
            year: "2025",
            category: "40",
            title: "小学数学新课标专题培训",
            organiser: "广府区教师进修学校",
            mode: "2",
            hours: "24",
            credits: "24",
            start: "2025-07-10",
            end: "2025-07-13",
        }
    }

    #[test]
    fn a_row_reads_with_its_codes() {
        let r = raw().parse(d(2026, 1, 1)).unwrap();
        assert_eq!(r.level, Some(Level::County));
        assert_eq!(r.form, Form::Centralized);
        assert_eq!((r.hours, r.credits), (Amount::whole(24), Amount::whole(24)));
        assert_eq!((r.start, r.end), (d(2025, 7, 10), d(2025, 7, 13)));
        let e = r.entry();
        assert_eq!(e.what, What::Earning(Earning::OutsideTraining));
        assert_eq!(
            (e.date, e.credits, e.level),
            (d(2025, 7, 10), Some(Amount::whole(24)), Some(Level::County))
        );
        assert_eq!(r.dedup_key(), "2025-07-10|小学数学新课标专题培训");
        // Names as well as codes; 99 has no level.
        let named = RawRecord {
            category: "其他",
            mode: "网络研修",
            ..raw()
        };
        let r = named.parse(d(2026, 1, 1)).unwrap();
        assert_eq!((r.level, r.form), (None, Form::Online));
        // A training over the new year belongs to either year; ending today is fine.
        let over = RawRecord {
            year: "2026",
            start: "2025-12-28",
            end: "2026-01-02",
            ..raw()
        };
        assert!(over.parse(d(2026, 1, 2)).is_ok());
        // A one-day training.
        let one_day = RawRecord {
            start: "2025-07-10",
            end: "2025-07-10",
            ..raw()
        };
        assert!(one_day.parse(d(2026, 1, 1)).is_ok());
    }

    #[test]
    fn every_bad_cell_is_named() {
        let bad = RawRecord {
            year: "二〇二五",
            category: "50",
            title: " ",
            organiser: &"机".repeat(201),
            mode: "5",
            hours: "-3",
            credits: "abc",
            start: "2025-07-13",
            end: "2025-07-10",
        };
        let errs = bad.parse(d(2026, 1, 1)).unwrap_err();
        let got: Vec<String> = errs.iter().map(|e| format!("{}:{}", e.field, e.code)).collect();
        assert_eq!(
            got,
            [
                "training_year:not_a_year",
                "training_category:unknown_training_category",
                "training_title:required",
                "training_organiser:too_long",
                "training_mode:unknown_training_mode_code",
                "training_hours:negative_amount",
                "training_credits:not_a_decimal",
                "end_date:end_before_start",
            ]
        );
        let future = RawRecord {
            end: "2026-01-02",
            ..raw()
        };
        let errs = future.parse(d(2026, 1, 1)).unwrap_err();
        assert_eq!((errs[0].field, errs[0].code), ("end_date", "in_the_future"));
        let wrong_year = RawRecord {
            year: "2024",
            ..raw()
        };
        let errs = wrong_year.parse(d(2026, 1, 1)).unwrap_err();
        assert_eq!(
            (errs[0].field, errs[0].code),
            ("training_year", "year_outside_dates")
        );
        let empty = RawRecord::default().parse(d(2026, 1, 1)).unwrap_err();
        assert_eq!(empty.len(), 9);
        assert!(empty.iter().all(|e| e.code == "required"), "{empty:?}");
        let big = RawRecord {
            hours: "5000.01",
            credits: "5000",
            year: "1989",
            ..raw()
        };
        let errs = big.parse(d(2026, 1, 1)).unwrap_err();
        let got: Vec<String> = errs.iter().map(|e| format!("{}:{}", e.field, e.code)).collect();
        assert_eq!(
            got,
            ["training_year:not_a_year", "training_hours:amount_too_large"]
        );
        let long_title = RawRecord {
            title: &"训".repeat(200),
            ..raw()
        };
        assert!(long_title.parse(d(2026, 1, 1)).is_ok());
        assert!(
            RawRecord {
                year: "2100",
                start: "2100-01-01",
                end: "2100-01-02",
                ..raw()
            }
            .parse(d(2100, 2, 1))
            .is_ok()
        );
    }

    #[test]
    fn codes_round_trip() {
        for (code, level) in [
            ("10", Some(Level::National)),
            ("20", Some(Level::Provincial)),
            ("30", Some(Level::Municipal)),
            ("40", Some(Level::County)),
            ("60", Some(Level::School)),
            ("99", None),
        ] {
            assert_eq!(level_of("c", code).unwrap(), level);
            assert_eq!(level_code(level), code);
        }
        assert_eq!(level_code(Some(Level::Town)), "99");
        for (name, level) in [
            ("国家级", Level::National),
            ("省级", Level::Provincial),
            ("市级", Level::Municipal),
            ("区县级", Level::County),
            ("校级", Level::School),
        ] {
            assert_eq!(level_of("c", name).unwrap(), Some(level));
        }
        assert_eq!(level_of("c", "").unwrap_err().code, "required");
        for f in Form::ALL {
            assert_eq!(form_of("m", f.national()).unwrap().national(), f.national());
        }
        for (name, form) in [
            ("长期脱产", Form::Degree),
            ("短期面授", Form::Centralized),
            ("面授与网络结合", Form::Blended),
            ("其他", Form::Other),
        ] {
            assert_eq!(form_of("m", name).unwrap(), form);
        }
        assert_eq!(form_of("m", " ").unwrap_err().code, "required");
        assert_eq!(form_of("m", "校本研修").unwrap(), Form::SchoolBased);
        assert_eq!(form_of("m", "school_based").unwrap(), Form::SchoolBased);
        assert_eq!(form_of("m", "自学").unwrap(), Form::SelfStudy);
        assert_eq!(form_of("m", "5").unwrap_err().code, "unknown_training_mode_code");
        assert_eq!(HEADERS.len(), 12);
    }

    #[test]
    fn the_same_training_however_it_is_written() {
        let a = dedup_key(d(2025, 7, 10), "小学数学 新课标专题培训（第一期）");
        let b = dedup_key(d(2025, 7, 10), "小学数学新课标专题培训(第一期)");
        assert_eq!(a, b);
        assert_eq!(
            dedup_key(d(2025, 7, 10), "ICT Course"),
            dedup_key(d(2025, 7, 10), "ict-course")
        );
        assert_ne!(a, dedup_key(d(2025, 7, 11), "小学数学新课标专题培训(第一期)"));
    }
}
