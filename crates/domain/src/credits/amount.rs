//! Credits and hours as exact amounts: hundredths, so that 15 hours at
//! 10 hours a credit is 1.5 and sums never drift the way floats do.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::ops::{Add, AddAssign, Sub};

/// An amount of credits or hours, to two decimals.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Amount(i64);

impl Amount {
    pub const ZERO: Amount = Amount(0);
    /// The largest amount a rule or a record may state (a lifetime of
    /// training is far below it).
    pub const MAX: Amount = Amount(100_000 * 100);

    /// A whole number of units.
    pub const fn whole(n: i64) -> Self {
        Amount(n * 100)
    }

    /// From hundredths.
    pub const fn hundredths(n: i64) -> Self {
        Amount(n)
    }

    pub const fn in_hundredths(self) -> i64 {
        self.0
    }

    /// From a decimal number, rounded to hundredths (half away from zero).
    /// `None` for NaN or infinity.
    pub fn from_f64(v: f64) -> Option<Self> {
        if !v.is_finite() || v.abs() > 1e15 {
            return None;
        }
        Some(Amount((v * 100.0).round() as i64))
    }

    pub fn to_f64(self) -> f64 {
        self.0 as f64 / 100.0
    }

    /// Reads "1.5", "48", "０.５" is not accepted: ASCII digits, one point,
    /// at most two decimals, an optional minus sign.
    pub fn parse_str(s: &str) -> Option<Self> {
        let s = s.trim();
        let (neg, digits) = match s.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, s),
        };
        let (whole, frac) = match digits.split_once('.') {
            Some((w, f)) => (w, f),
            None => (digits, ""),
        };
        if whole.is_empty() && frac.is_empty()
            || frac.len() > 2
            || whole.len() > 12
            || !whole.bytes().all(|b| b.is_ascii_digit())
            || !frac.bytes().all(|b| b.is_ascii_digit())
        {
            return None;
        }
        let w: i64 = if whole.is_empty() { 0 } else { whole.parse().ok()? };
        let f: i64 = match frac.len() {
            0 => 0,
            1 => frac.parse::<i64>().ok()? * 10,
            _ => frac.parse().ok()?,
        };
        let v = w * 100 + f;
        Some(Amount(if neg { -v } else { v }))
    }

    pub fn is_negative(self) -> bool {
        self.0 < 0
    }

    pub fn is_zero(self) -> bool {
        self.0 == 0
    }

    /// `self` divided by `per` (hours at `per` hours a unit), rounded to
    /// hundredths half up. Zero when `per` is not positive.
    pub fn per(self, per: Amount) -> Amount {
        if per.0 <= 0 {
            return Amount::ZERO;
        }
        let n = self.0 as i128 * 100;
        let d = per.0 as i128;
        let q = (2 * n + d).div_euclid(2 * d);
        Amount(q as i64)
    }

    /// What is left of `self` after `used`, never below zero.
    pub fn left_after(self, used: Amount) -> Amount {
        Amount((self.0 - used.0).max(0))
    }
}

impl Add for Amount {
    type Output = Amount;
    fn add(self, o: Amount) -> Amount {
        Amount(self.0 + o.0)
    }
}

impl AddAssign for Amount {
    fn add_assign(&mut self, o: Amount) {
        self.0 += o.0;
    }
}

impl Sub for Amount {
    type Output = Amount;
    fn sub(self, o: Amount) -> Amount {
        Amount(self.0 - o.0)
    }
}

impl std::iter::Sum for Amount {
    fn sum<I: Iterator<Item = Amount>>(iter: I) -> Amount {
        iter.fold(Amount::ZERO, |a, b| a + b)
    }
}

/// "48", "1.5", "0.25": no trailing zeros.
impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let v = self.0.unsigned_abs();
        let (w, r) = (v / 100, v % 100);
        match r {
            0 => write!(f, "{sign}{w}"),
            r if r % 10 == 0 => write!(f, "{sign}{w}.{}", r / 10),
            r => write!(f, "{sign}{w}.{r:02}"),
        }
    }
}

impl Serialize for Amount {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.0 % 100 == 0 {
            s.serialize_i64(self.0 / 100)
        } else {
            s.serialize_f64(self.to_f64())
        }
    }
}

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = f64::deserialize(d)?;
        Amount::from_f64(v).ok_or_else(|| serde::de::Error::custom("not a number"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_written_without_trailing_zeros() {
        assert_eq!(Amount::whole(48).to_string(), "48");
        assert_eq!(Amount::hundredths(150).to_string(), "1.5");
        assert_eq!(Amount::hundredths(25).to_string(), "0.25");
        assert_eq!(Amount::hundredths(-205).to_string(), "-2.05");
        assert_eq!(Amount::hundredths(-250).to_string(), "-2.5");
        assert_eq!(Amount::ZERO.to_string(), "0");
    }

    #[test]
    fn text_is_read_exactly() {
        assert_eq!(Amount::parse_str("1.5"), Some(Amount::hundredths(150)));
        assert_eq!(Amount::parse_str(" 48 "), Some(Amount::whole(48)));
        assert_eq!(Amount::parse_str("0.25"), Some(Amount::hundredths(25)));
        assert_eq!(Amount::parse_str(".5"), Some(Amount::hundredths(50)));
        assert_eq!(Amount::parse_str("7."), Some(Amount::whole(7)));
        assert_eq!(Amount::parse_str("-3"), Some(Amount::whole(-3)));
        for bad in [
            "",
            ".",
            "1.234",
            "1,5",
            "abc",
            "1e3",
            "--1",
            "1.-5",
            "1234567890123",
        ] {
            assert_eq!(Amount::parse_str(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn hours_become_units_rounded_half_up() {
        // Beijing: 10 hours a credit.
        assert_eq!(Amount::whole(15).per(Amount::whole(10)), Amount::hundredths(150));
        assert_eq!(Amount::whole(10).per(Amount::whole(10)), Amount::whole(1));
        // 1 hour at 3 hours a unit: 0.333… → 0.33; 2 hours → 0.666… → 0.67.
        assert_eq!(Amount::whole(1).per(Amount::whole(3)), Amount::hundredths(33));
        assert_eq!(Amount::whole(2).per(Amount::whole(3)), Amount::hundredths(67));
        // Exactly half rounds up: 0.01 at 2 a unit = 0.005 → 0.01.
        assert_eq!(Amount::hundredths(1).per(Amount::whole(2)), Amount::hundredths(1));
        assert_eq!(Amount::whole(5).per(Amount::ZERO), Amount::ZERO);
        assert_eq!(Amount::whole(5).per(Amount::whole(-1)), Amount::ZERO);
        assert_eq!(Amount::whole(5).per(Amount::whole(1)), Amount::whole(5));
    }

    #[test]
    fn arithmetic_and_rounding() {
        assert_eq!(Amount::whole(3) + Amount::hundredths(50), Amount::hundredths(350));
        assert_eq!(Amount::whole(3) - Amount::whole(5), Amount::whole(-2));
        assert_eq!(Amount::whole(3).left_after(Amount::whole(5)), Amount::ZERO);
        assert_eq!(Amount::whole(5).left_after(Amount::whole(3)), Amount::whole(2));
        let mut a = Amount::whole(1);
        a += Amount::whole(2);
        assert_eq!(a, Amount::whole(3));
        assert_eq!(
            [Amount::whole(1), Amount::hundredths(5)]
                .into_iter()
                .sum::<Amount>(),
            Amount::hundredths(105)
        );
        assert_eq!(Amount::from_f64(1.005 + 1e-9), Some(Amount::hundredths(101)));
        assert_eq!(Amount::from_f64(f64::NAN), None);
        assert_eq!(Amount::from_f64(f64::INFINITY), None);
        assert_eq!(Amount::from_f64(2e15), None);
        assert_eq!(Amount::from_f64(-2.5), Some(Amount::hundredths(-250)));
        assert!(Amount::whole(-1).is_negative() && !Amount::ZERO.is_negative());
        assert!(Amount::ZERO.is_zero() && !Amount::hundredths(1).is_zero());
        assert_eq!(Amount::hundredths(250).to_f64(), 2.5);
        assert_eq!(Amount::hundredths(250).in_hundredths(), 250);
    }

    #[test]
    fn json_and_toml_numbers_round_trip() {
        assert_eq!(serde_json::to_string(&Amount::whole(48)).unwrap(), "48");
        assert_eq!(serde_json::to_string(&Amount::hundredths(150)).unwrap(), "1.5");
        assert_eq!(serde_json::from_str::<Amount>("48").unwrap(), Amount::whole(48));
        assert_eq!(
            serde_json::from_str::<Amount>("0.5").unwrap(),
            Amount::hundredths(50)
        );
        assert!(serde_json::from_str::<Amount>("\"x\"").is_err());
    }
}
