//! Dates as schools write them in rosters: ISO, slashes, dots, Chinese
//! (2019年9月1日), month only (2019.09 → the first of the month), and Excel
//! serial numbers.

use crate::error::FieldError;
use chrono::{Datelike, NaiveDate};

/// A date as the app writes it: 2026-09-01 in Chinese, 1 Sep 2026 in
/// English (the pages, documents and explanations all use this).
pub fn written(d: NaiveDate, locale: crate::locale::Locale) -> String {
    match locale {
        crate::locale::Locale::ZhCn => d.format("%Y-%m-%d").to_string(),
        crate::locale::Locale::En => d.format("%-d %b %Y").to_string(),
    }
}

/// Excel's day 0. Serial numbers count from 1899-12-30 (which absorbs
/// Excel's fictitious 1900-02-29 for every date after February 1900).
fn excel_epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1899, 12, 30).expect("valid epoch")
}

/// A date from an Excel serial number (days since 1899-12-30; the fraction
/// is a time of day and ignored).
pub fn from_excel_serial(serial: f64) -> Option<NaiveDate> {
    if !(1.0..=2_958_465.0).contains(&serial) {
        return None;
    }
    excel_epoch().checked_add_days(chrono::Days::new(serial.trunc() as u64))
}

/// Parses a date for `field`. Accepts `2019-09-01`, `2019/9/1`,
/// `2019.9.1`, `2019.09` / `2019-9` / `2019/09` (first of the month),
/// `2019年9月1日`, `2019年9月`, `20190901`, and an Excel serial number
/// (`43709`). Years must lie between 1900 and 2100.
pub fn parse_date(field: &'static str, input: &str) -> Result<NaiveDate, FieldError> {
    let s = input.trim();
    if s.is_empty() {
        return Err(FieldError::new(field, "required"));
    }
    let bad = || FieldError::new(field, "bad_date").with("value", s);
    // "2019.09" is a month, not Excel day 2019 — and "2019.13" a mistyped
    // month, not 11 July 1905.
    let year_dot_month = s.split_once('.').is_some_and(|(y, m)| {
        y.parse::<i32>().is_ok_and(|y| (1900..=2100).contains(&y))
            && (1..=2).contains(&m.len())
            && m.bytes().all(|b| b.is_ascii_digit())
    });
    // Excel serial numbers (also "43709.0").
    if let Ok(n) = s.parse::<f64>()
        && !year_dot_month
        && !s.contains('-')
        && s.len() <= 9
        && !(s.len() == 8 && s.chars().all(|c| c.is_ascii_digit()))
    {
        return from_excel_serial(n).ok_or_else(bad);
    }
    // 20190901
    if s.len() == 8 && s.chars().all(|c| c.is_ascii_digit()) {
        let (y, m, d) = (&s[..4], &s[4..6], &s[6..]);
        return ymd(y, m, Some(d)).ok_or_else(bad);
    }
    // Chinese: 2019年9月1日 / 2019年9月 / 2019年09月01号
    if s.contains('年') {
        let rest = s.trim_end_matches(['日', '号']);
        let (y, rest) = rest.split_once('年').ok_or_else(bad)?;
        let (m, d) = match rest.split_once('月') {
            Some((m, d)) => (m, (!d.trim().is_empty()).then_some(d)),
            None => (rest, None),
        };
        return ymd(y, m, d).ok_or_else(bad);
    }
    // Drop a time part: "2019-09-01 00:00:00", "2019-09-01T00:00".
    let s = s.split([' ', 'T']).next().unwrap_or(s);
    let parts: Vec<&str> = s.split(['-', '/', '.']).collect();
    match parts.as_slice() {
        [y, m, d] => ymd(y, m, Some(d)).ok_or_else(bad),
        [y, m] => ymd(y, m, None).ok_or_else(bad),
        _ => Err(bad()),
    }
}

fn ymd(y: &str, m: &str, d: Option<&str>) -> Option<NaiveDate> {
    let y: i32 = y.trim().parse().ok()?;
    let m: u32 = m.trim().parse().ok()?;
    let d: u32 = match d {
        Some(d) => d.trim().parse().ok()?,
        None => 1,
    };
    if !(1900..=2100).contains(&y) {
        return None;
    }
    NaiveDate::from_ymd_opt(y, m, d)
}

/// Whole years from `from` to `to` (age on a date; years of service).
pub fn whole_years(from: NaiveDate, to: NaiveDate) -> i32 {
    let mut years = to.year() - from.year();
    if (to.month(), to.day()) < (from.month(), from.day()) {
        years -= 1;
    }
    years
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn every_roster_format() {
        for (input, want) in [
            ("2019-09-01", d(2019, 9, 1)),
            ("2019/9/1", d(2019, 9, 1)),
            ("2019.9.1", d(2019, 9, 1)),
            ("2019.09", d(2019, 9, 1)),
            ("2019-9", d(2019, 9, 1)),
            ("2019年9月1日", d(2019, 9, 1)),
            ("2019年9月", d(2019, 9, 1)),
            ("2019年09月01号", d(2019, 9, 1)),
            ("20190901", d(2019, 9, 1)),
            ("43709", d(2019, 9, 1)),
            ("43709.0", d(2019, 9, 1)),
            (" 1985-12-31 00:00:00 ", d(1985, 12, 31)),
        ] {
            assert_eq!(parse_date("birth_date", input).unwrap(), want, "{input}");
        }
    }

    #[test]
    fn bad_dates_name_the_value() {
        for input in [
            "2019-13-01",
            "2019-02-30",
            "yesterday",
            "1899-01-01",
            "2019年",
            "0",
        ] {
            let e = parse_date("birth_date", input).unwrap_err();
            assert_eq!((e.field, e.code), ("birth_date", "bad_date"), "{input}");
        }
        assert_eq!(parse_date("work_start", " ").unwrap_err().code, "required");
    }

    #[test]
    fn years_between_dates() {
        assert_eq!(whole_years(d(1990, 6, 15), d(2025, 6, 14)), 34);
        assert_eq!(whole_years(d(1990, 6, 15), d(2025, 6, 15)), 35);
        assert_eq!(from_excel_serial(1.0), Some(d(1899, 12, 31)));
        assert_eq!(from_excel_serial(61.0), Some(d(1900, 3, 1)));
    }

    #[test]
    fn edges_of_each_format() {
        use crate::locale::Locale;
        assert_eq!(written(d(2026, 9, 1), Locale::ZhCn), "2026-09-01");
        assert_eq!(written(d(2026, 9, 1), Locale::En), "1 Sep 2026");
        // Excel's first and last days; fractions are a time of day.
        assert_eq!(from_excel_serial(0.99), None);
        assert_eq!(from_excel_serial(2_958_465.0), Some(d(9999, 12, 31)));
        assert_eq!(from_excel_serial(2_958_465.5), None);
        assert_eq!(from_excel_serial(43709.75), Some(d(2019, 9, 1)));
        assert_eq!(parse_date("d", "43709.75"), Ok(d(2019, 9, 1)));
        // Years 1900 and 2100 are the bounds, in every format.
        for ok in [
            "1900-01-01",
            "2100-12-31",
            "1900.01",
            "2100.12",
            "19000101",
            "2100年1月",
        ] {
            assert!(parse_date("d", ok).is_ok(), "{ok}");
        }
        for bad in [
            "1899-12-31",
            "2101-01-01",
            "18991231",
            "21010101",
            "2101年1月",
            "2019.13",
            "2019.0",
            "2019-09-01-02",
        ] {
            assert_eq!(parse_date("d", bad).map_err(|e| e.code), Err("bad_date"), "{bad}");
        }
        // "1899.12" is not a month; as a number it is Excel's day 1899.
        assert_eq!(parse_date("d", "1899.12"), Ok(d(1905, 3, 13)));
        assert_eq!(parse_date("d", "2019.123"), Ok(d(1905, 7, 11)));
        assert_eq!(parse_date("d", "2019"), Ok(d(1905, 7, 11)));
        // A long number is no Excel day.
        assert_eq!(parse_date("d", "1234567890").map_err(|e| e.code), Err("bad_date"));
        assert_eq!(parse_date("d", "2019-09-01T08:30"), Ok(d(2019, 9, 1)));
        assert_eq!(parse_date("d", "2019年9月1号"), Ok(d(2019, 9, 1)));
        assert_eq!(parse_date("d", " 2019年9月 1 日"), Ok(d(2019, 9, 1)));
        let e = parse_date("work_start", " 明年 ").unwrap_err();
        assert_eq!(e.args, vec![("value", "明年".to_string())]);
        assert_eq!(whole_years(d(1990, 6, 15), d(2025, 5, 20)), 34);
        assert_eq!(whole_years(d(1990, 6, 15), d(2025, 7, 1)), 35);
        assert_eq!(whole_years(d(2026, 1, 1), d(2025, 1, 1)), -1);
    }
}
