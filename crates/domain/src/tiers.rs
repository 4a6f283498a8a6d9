//! Tiers (青年 / 成熟 / 骨干 / 老教师 …) as rules stored per school and
//! school year. The first tier whose conditions a teacher meets is theirs,
//! with an explanation in both languages ("Young teachers: age 27 < 35"). A tier
//! with no conditions catches everyone left.

use crate::error::FieldError;
use crate::honour::HonourKind;
use crate::level::Level;
use crate::locale::Locale;
use crate::teacher::TeacherFacts;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Whether every condition must hold, or any one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Combine {
    #[default]
    All,
    Any,
}

/// "Holds `kind` at `min_level` or above."
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct HonourCondition {
    pub kind: HonourKind,
    pub min_level: Level,
}

/// One tier and when it applies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TierRule {
    /// Stable identifier used by duty rules (`young`, `backbone` …).
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    #[serde(default)]
    pub combine: Combine,
    /// Age under this many years.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age_below: Option<i32>,
    /// Age at least this many years.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age_at_least: Option<i32>,
    /// Teaching at most this many years.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub years_at_most: Option<i32>,
    /// Teaching at least this many years.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub years_at_least: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub honour: Option<HonourCondition>,
}

impl TierRule {
    /// A tier with its names and no conditions yet: everyone left, until
    /// some are set.
    pub fn named(code: &str, name_zh: &str, name_en: &str) -> Self {
        Self {
            code: code.into(),
            name_zh: name_zh.into(),
            name_en: name_en.into(),
            combine: Combine::All,
            age_below: None,
            age_at_least: None,
            years_at_most: None,
            years_at_least: None,
            honour: None,
        }
    }

    fn has_conditions(&self) -> bool {
        self.age_below.is_some()
            || self.age_at_least.is_some()
            || self.years_at_most.is_some()
            || self.years_at_least.is_some()
            || self.honour.is_some()
    }

    pub fn name(&self, l: Locale) -> &str {
        match l {
            Locale::ZhCn => &self.name_zh,
            Locale::En => &self.name_en,
        }
    }
}

/// One condition checked, for the explanation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "check", rename_all = "snake_case")]
pub enum Check {
    AgeBelow {
        age: Option<i32>,
        limit: i32,
    },
    AgeAtLeast {
        age: Option<i32>,
        limit: i32,
    },
    YearsAtMost {
        years: Option<i32>,
        limit: i32,
    },
    YearsAtLeast {
        years: Option<i32>,
        limit: i32,
    },
    Honour {
        kind: HonourKind,
        held: Option<Level>,
        min: Level,
    },
    /// The catch-all tier.
    Otherwise,
    /// A leader set the tier by hand.
    Override {
        reason: String,
    },
}

impl Check {
    fn holds(&self) -> bool {
        match *self {
            Check::AgeBelow { age, limit } => age.is_some_and(|a| a < limit),
            Check::AgeAtLeast { age, limit } => age.is_some_and(|a| a >= limit),
            Check::YearsAtMost { years, limit } => years.is_some_and(|y| y <= limit),
            Check::YearsAtLeast { years, limit } => years.is_some_and(|y| y >= limit),
            Check::Honour { held, min, .. } => held.is_some_and(|h| h >= min),
            Check::Otherwise | Check::Override { .. } => true,
        }
    }

    fn text(&self, l: Locale) -> String {
        let zh = l == Locale::ZhCn;
        let unknown = if zh { "未知" } else { "unknown" };
        let show = |v: Option<i32>| v.map(|v| v.to_string()).unwrap_or_else(|| unknown.to_string());
        match self {
            Check::AgeBelow { age, limit } => {
                let op = if self.holds() { "<" } else { "≥" };
                if zh {
                    format!("年龄 {} {op} {limit}", show(*age))
                } else {
                    format!("age {} {op} {limit}", show(*age))
                }
            }
            Check::AgeAtLeast { age, limit } => {
                let op = if self.holds() { "≥" } else { "<" };
                if zh {
                    format!("年龄 {} {op} {limit}", show(*age))
                } else {
                    format!("age {} {op} {limit}", show(*age))
                }
            }
            Check::YearsAtMost { years, limit } => {
                let op = if self.holds() { "≤" } else { ">" };
                if zh {
                    format!("教龄 {} {op} {limit}", show(*years))
                } else {
                    format!("teaching years {} {op} {limit}", show(*years))
                }
            }
            Check::YearsAtLeast { years, limit } => {
                let op = if self.holds() { "≥" } else { "<" };
                if zh {
                    format!("教龄 {} {op} {limit}", show(*years))
                } else {
                    format!("teaching years {} {op} {limit}", show(*years))
                }
            }
            Check::Honour { kind, held, min } => match (held, zh) {
                (Some(h), true) => format!("{}{}（要求{}及以上）", h.zh(), kind.zh(), min.zh()),
                (Some(h), false) => {
                    format!(
                        "{} {} (needs {} or above)",
                        h.code(),
                        kind.code().replace('_', " "),
                        min.code()
                    )
                }
                (None, true) => format!("无{}称号", kind.zh()),
                (None, false) => format!("no {} title", kind.code().replace('_', " ")),
            },
            Check::Otherwise => (if zh {
                "不属于以上各层"
            } else {
                "none of the tiers above"
            })
            .to_string(),
            Check::Override { reason } => {
                if zh {
                    format!("人工指定：{reason}")
                } else {
                    format!("set by hand: {reason}")
                }
            }
        }
    }
}

/// A teacher's tier and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TierResult {
    /// The tier's code, or `None` when no tier applies.
    pub tier: Option<String>,
    pub name_zh: Option<String>,
    pub name_en: Option<String>,
    /// The conditions that decided it.
    pub checks: Vec<Check>,
}

impl TierResult {
    /// "Young teachers: age 27 < 35" / "青年教师：年龄 27 < 35".
    pub fn explain(&self, l: Locale) -> String {
        let zh = l == Locale::ZhCn;
        let name = match l {
            Locale::ZhCn => self.name_zh.as_deref(),
            Locale::En => self.name_en.as_deref(),
        };
        let sep = if zh { "，" } else { ", " };
        let reasons: Vec<String> = self.checks.iter().map(|c| c.text(l)).collect();
        match name {
            Some(n) => format!("{n}{}{}", if zh { "：" } else { ": " }, reasons.join(sep)),
            None => {
                let head = if zh { "未分层" } else { "no tier" };
                if reasons.is_empty() {
                    head.to_string()
                } else {
                    format!("{head}{}{}", if zh { "：" } else { ": " }, reasons.join(sep))
                }
            }
        }
    }
}

/// A school's tiers for one school year, in order of precedence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TierRules {
    pub tiers: Vec<TierRule>,
}

impl TierRules {
    /// The tiers the seeds describe, as a starting point: backbone (holds a
    /// backbone title at any level, or teaches 5–15 years with at least a
    /// prospective-backbone title), young (under 35), veteran (50 or older),
    /// and mature for everyone else.
    pub fn standard() -> Self {
        let t = TierRule::named;
        Self {
            tiers: vec![
                TierRule {
                    honour: Some(HonourCondition {
                        kind: HonourKind::Backbone,
                        min_level: Level::School,
                    }),
                    ..t("backbone", "骨干教师", "Backbone teachers")
                },
                TierRule {
                    age_below: Some(35),
                    ..t("young", "青年教师", "Young teachers")
                },
                TierRule {
                    age_at_least: Some(50),
                    ..t("veteran", "老教师", "Veteran teachers")
                },
                t("mature", "成熟型教师", "Mature teachers"),
            ],
        }
    }

    /// Checks the rules make sense, naming the tier (by position, from 1)
    /// and what is wrong.
    pub fn validate(&self) -> Result<(), FieldError> {
        if self.tiers.is_empty() {
            return Err(FieldError::new("tiers", "no_tiers"));
        }
        let mut seen = std::collections::HashSet::new();
        for (i, t) in self.tiers.iter().enumerate() {
            let n = i + 1;
            let code = t.code.trim();
            if code.is_empty()
                || code.len() > 32
                || !code
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            {
                return Err(FieldError::new("code", "tier_code")
                    .with("n", n)
                    .with("value", code));
            }
            if !seen.insert(code.to_string()) {
                return Err(FieldError::new("code", "tier_duplicate")
                    .with("n", n)
                    .with("value", code));
            }
            if t.name_zh.trim().is_empty() || t.name_en.trim().is_empty() {
                return Err(FieldError::new("name", "tier_name_missing").with("n", n));
            }
            for (field, v) in [
                ("age_below", t.age_below),
                ("age_at_least", t.age_at_least),
                ("years_at_most", t.years_at_most),
                ("years_at_least", t.years_at_least),
            ] {
                if let Some(v) = v
                    && !(0..=80).contains(&v)
                {
                    return Err(FieldError::new(field, "tier_number")
                        .with("n", n)
                        .with("value", v));
                }
            }
            if t.combine == Combine::All {
                if let (Some(b), Some(a)) = (t.age_below, t.age_at_least)
                    && a >= b
                {
                    return Err(FieldError::new("age_at_least", "tier_contradiction").with("n", n));
                }
                if let (Some(m), Some(l)) = (t.years_at_most, t.years_at_least)
                    && l > m
                {
                    return Err(FieldError::new("years_at_least", "tier_contradiction").with("n", n));
                }
            }
            if !t.has_conditions() && n < self.tiers.len() {
                return Err(FieldError::new("tiers", "tier_catch_all_not_last")
                    .with("n", n)
                    .with("value", code));
            }
        }
        Ok(())
    }

    /// The tier of a teacher on `as_of`, for school year `year` (honours
    /// count when active in that year).
    pub fn classify(&self, t: &TeacherFacts, as_of: NaiveDate, year: i32) -> TierResult {
        let age = t.age(as_of);
        let years = t.teaching_years(as_of);
        let mut last_checks = Vec::new();
        for rule in &self.tiers {
            let mut checks = Vec::new();
            if let Some(limit) = rule.age_below {
                checks.push(Check::AgeBelow { age, limit });
            }
            if let Some(limit) = rule.age_at_least {
                checks.push(Check::AgeAtLeast { age, limit });
            }
            if let Some(limit) = rule.years_at_most {
                checks.push(Check::YearsAtMost { years, limit });
            }
            if let Some(limit) = rule.years_at_least {
                checks.push(Check::YearsAtLeast { years, limit });
            }
            if let Some(h) = rule.honour {
                checks.push(Check::Honour {
                    kind: h.kind,
                    held: t.honour_level(h.kind, year),
                    min: h.min_level,
                });
            }
            let applies = if checks.is_empty() {
                checks.push(Check::Otherwise);
                true
            } else {
                match rule.combine {
                    Combine::All => checks.iter().all(Check::holds),
                    Combine::Any => checks.iter().any(Check::holds),
                }
            };
            if applies {
                // Explain with the conditions that made it apply.
                let decisive: Vec<Check> = match rule.combine {
                    Combine::Any => checks.iter().filter(|c| c.holds()).cloned().collect(),
                    Combine::All => checks,
                };
                return TierResult {
                    tier: Some(rule.code.clone()),
                    name_zh: Some(rule.name_zh.clone()),
                    name_en: Some(rule.name_en.clone()),
                    checks: decisive,
                };
            }
            last_checks = checks;
        }
        TierResult {
            tier: None,
            name_zh: None,
            name_en: None,
            checks: last_checks,
        }
    }

    /// The tier a leader set by hand, explained with their reason.
    pub fn overridden(&self, code: &str, reason: &str) -> TierResult {
        let rule = self.tiers.iter().find(|t| t.code == code);
        TierResult {
            tier: Some(code.to_string()),
            name_zh: Some(
                rule.map(|r| r.name_zh.clone())
                    .unwrap_or_else(|| code.to_string()),
            ),
            name_en: Some(
                rule.map(|r| r.name_en.clone())
                    .unwrap_or_else(|| code.to_string()),
            ),
            checks: vec![Check::Override {
                reason: reason.to_string(),
            }],
        }
    }

    pub fn find(&self, code: &str) -> Option<&TierRule> {
        self.tiers.iter().find(|t| t.code == code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::honour::{HonourFact, HonourStatus};

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn teacher(birth: (i32, u32, u32), start: (i32, u32, u32)) -> TeacherFacts {
        TeacherFacts {
            birth_date: Some(d(birth.0, birth.1, birth.2)),
            work_start: Some(d(start.0, start.1, start.2)),
            ..Default::default()
        }
    }

    const AS_OF: (i32, u32, u32) = (2025, 9, 1);

    #[test]
    fn standard_tiers_with_explanations() {
        let rules = TierRules::standard();
        rules.validate().unwrap();
        let as_of = d(AS_OF.0, AS_OF.1, AS_OF.2);
        let young = rules.classify(&teacher((1998, 3, 1), (2020, 9, 1)), as_of, 2025);
        assert_eq!(young.tier.as_deref(), Some("young"));
        assert_eq!(young.explain(Locale::En), "Young teachers: age 27 < 35");
        assert_eq!(young.explain(Locale::ZhCn), "青年教师：年龄 27 < 35");

        let mut bb = teacher((1980, 1, 1), (2002, 9, 1));
        bb.honours.push(HonourFact {
            kind: HonourKind::Backbone,
            level: Level::County,
            granted_year: Some(2020),
            valid_until_year: None,
            status: HonourStatus::Active,
        });
        let r = rules.classify(&bb, as_of, 2025);
        assert_eq!(r.tier.as_deref(), Some("backbone"));
        assert_eq!(
            r.explain(Locale::ZhCn),
            "骨干教师：县级骨干教师（要求校级及以上）"
        );

        let old = rules.classify(&teacher((1970, 1, 1), (1990, 9, 1)), as_of, 2025);
        assert_eq!(old.tier.as_deref(), Some("veteran"));
        let mid = rules.classify(&teacher((1985, 1, 1), (2008, 9, 1)), as_of, 2025);
        assert_eq!(mid.tier.as_deref(), Some("mature"));
        assert_eq!(
            mid.explain(Locale::En),
            "Mature teachers: none of the tiers above"
        );
        // A revoked title no longer counts.
        bb.honours[0].status = HonourStatus::Revoked;
        assert_eq!(rules.classify(&bb, as_of, 2025).tier.as_deref(), Some("mature"));
    }

    #[test]
    fn any_combination_and_unknown_data() {
        let rules = TierRules {
            tiers: vec![TierRule {
                code: "young".into(),
                name_zh: "青年教师".into(),
                name_en: "young".into(),
                combine: Combine::Any,
                age_below: Some(30),
                age_at_least: None,
                years_at_most: Some(5),
                years_at_least: None,
                honour: None,
            }],
        };
        let as_of = d(2025, 9, 1);
        let r = rules.classify(&teacher((1990, 1, 1), (2022, 9, 1)), as_of, 2025);
        assert_eq!(r.explain(Locale::En), "young: teaching years 3 ≤ 5");
        let unknown = rules.classify(&TeacherFacts::default(), as_of, 2025);
        assert_eq!(unknown.tier, None);
        assert_eq!(
            unknown.explain(Locale::En),
            "no tier: age unknown ≥ 30, teaching years unknown > 5"
        );
    }

    #[test]
    fn validation_names_the_tier() {
        let mut r = TierRules::standard();
        r.tiers[1].code = "backbone".into();
        let e = r.validate().unwrap_err();
        assert_eq!((e.code, e.args[0].1.as_str()), ("tier_duplicate", "2"));
        let mut r = TierRules::standard();
        r.tiers.swap(2, 3);
        assert_eq!(r.validate().unwrap_err().code, "tier_catch_all_not_last");
        let mut r = TierRules::standard();
        r.tiers[1].age_at_least = Some(40);
        assert_eq!(r.validate().unwrap_err().code, "tier_contradiction");
        let mut r = TierRules::standard();
        r.tiers[0].code = "Young Ones".into();
        assert_eq!(r.validate().unwrap_err().code, "tier_code");
    }

    #[test]
    fn overrides_explain_the_reason() {
        let r = TierRules::standard().overridden("backbone", "区级骨干公示中");
        assert_eq!(r.explain(Locale::ZhCn), "骨干教师：人工指定：区级骨干公示中");
    }

    fn tier(code: &str) -> TierRule {
        TierRule::named(code, &format!("{code}层"), &format!("{code} tier"))
    }

    #[test]
    fn a_teacher_of_exactly_35_is_no_longer_young() {
        let rules = TierRules::standard();
        let as_of = d(AS_OF.0, AS_OF.1, AS_OF.2);
        // 35 on the day: not under 35.
        let r = rules.classify(&teacher((1990, 9, 1), (2013, 9, 1)), as_of, 2025);
        assert_eq!(r.tier.as_deref(), Some("mature"));
        // 35 tomorrow: still young today, and says so.
        let r = rules.classify(&teacher((1990, 9, 2), (2013, 9, 1)), as_of, 2025);
        assert_eq!(r.tier.as_deref(), Some("young"));
        assert_eq!(r.explain(Locale::En), "Young teachers: age 34 < 35");
        // Exactly 50: a veteran.
        let r = rules.classify(&teacher((1975, 9, 1), (1997, 9, 1)), as_of, 2025);
        assert_eq!(r.tier.as_deref(), Some("veteran"));
        assert_eq!(r.explain(Locale::ZhCn), "老教师：年龄 50 ≥ 50");
        assert_eq!(r.explain(Locale::En), "Veteran teachers: age 50 ≥ 50");
        let r = rules.classify(&teacher((1975, 9, 2), (1997, 9, 1)), as_of, 2025);
        assert_eq!(r.tier.as_deref(), Some("mature"));
    }

    #[test]
    fn every_condition_is_checked_at_its_bound_and_explained() {
        let as_of = d(AS_OF.0, AS_OF.1, AS_OF.2);
        let mut t = tier("mid");
        t.years_at_least = Some(6);
        t.years_at_most = Some(15);
        let rules = TierRules { tiers: vec![t] };
        rules.validate().unwrap();
        let at = |years: i32| rules.classify(&teacher((1980, 1, 1), (2025 - years, 9, 1)), as_of, 2025);
        let got: Vec<bool> = [5, 6, 15, 16].iter().map(|y| at(*y).tier.is_some()).collect();
        assert_eq!(got, vec![false, true, true, false]);
        assert_eq!(
            at(6).explain(Locale::En),
            "mid tier: teaching years 6 ≤ 15, teaching years 6 ≥ 6"
        );
        assert_eq!(at(15).explain(Locale::ZhCn), "mid层：教龄 15 ≤ 15，教龄 15 ≥ 6");
        // No tier applies: explained with the last tier's conditions.
        assert_eq!(at(16).explain(Locale::ZhCn), "未分层：教龄 16 > 15，教龄 16 ≥ 6");
        assert_eq!(
            at(5).explain(Locale::En),
            "no tier: teaching years 5 ≤ 15, teaching years 5 < 6"
        );
        assert_eq!(at(5).checks.len(), 2);

        let mut t = tier("old");
        t.age_at_least = Some(45);
        let rules = TierRules { tiers: vec![t] };
        let r = rules.classify(&teacher((1981, 1, 1), (2005, 9, 1)), as_of, 2025);
        assert_eq!(r.explain(Locale::ZhCn), "未分层：年龄 44 < 45");
        let r = rules.classify(&TeacherFacts::default(), as_of, 2025);
        assert_eq!(r.explain(Locale::ZhCn), "未分层：年龄 未知 < 45");

        let mut t = tier("young");
        t.age_below = Some(30);
        let r = TierRules { tiers: vec![t] }.classify(&teacher((1990, 1, 1), (2015, 9, 1)), as_of, 2025);
        assert_eq!(r.explain(Locale::ZhCn), "未分层：年龄 35 ≥ 30");

        // Honour conditions, held and not.
        let mut t = tier("bb");
        t.honour = Some(HonourCondition {
            kind: HonourKind::DisciplineLeader,
            min_level: Level::Municipal,
        });
        let rules = TierRules { tiers: vec![t] };
        let mut who = teacher((1980, 1, 1), (2002, 9, 1));
        let r = rules.classify(&who, as_of, 2025);
        assert_eq!(r.explain(Locale::ZhCn), "未分层：无学科带头人称号");
        assert_eq!(r.explain(Locale::En), "no tier: no discipline leader title");
        who.honours.push(HonourFact {
            kind: HonourKind::DisciplineLeader,
            level: Level::County,
            granted_year: Some(2020),
            valid_until_year: None,
            status: HonourStatus::Active,
        });
        let r = rules.classify(&who, as_of, 2025);
        assert_eq!(r.tier, None);
        assert_eq!(
            r.explain(Locale::En),
            "no tier: county discipline leader (needs municipal or above)"
        );
        who.honours[0].level = Level::Municipal;
        let r = rules.classify(&who, as_of, 2025);
        assert_eq!(r.tier.as_deref(), Some("bb"));
        assert_eq!(r.explain(Locale::ZhCn), "bb层：市级学科带头人（要求市级及以上）");
        // A title granted in a later year does not count yet.
        who.honours[0].granted_year = Some(2026);
        assert_eq!(rules.classify(&who, as_of, 2025).tier, None);
        assert_eq!(rules.classify(&who, as_of, 2026).tier.as_deref(), Some("bb"));
    }

    #[test]
    fn any_explains_with_the_conditions_that_held() {
        let mut t = tier("new");
        t.combine = Combine::Any;
        t.age_below = Some(30);
        t.years_at_most = Some(3);
        let rules = TierRules {
            tiers: vec![t, tier("rest")],
        };
        rules.validate().unwrap();
        let as_of = d(AS_OF.0, AS_OF.1, AS_OF.2);
        let both = rules.classify(&teacher((2000, 1, 1), (2024, 9, 1)), as_of, 2025);
        assert_eq!(
            both.explain(Locale::En),
            "new tier: age 25 < 30, teaching years 1 ≤ 3"
        );
        let one = rules.classify(&teacher((1980, 1, 1), (2024, 9, 1)), as_of, 2025);
        assert_eq!(one.explain(Locale::En), "new tier: teaching years 1 ≤ 3");
        let none = rules.classify(&teacher((1980, 1, 1), (2010, 9, 1)), as_of, 2025);
        assert_eq!(none.tier.as_deref(), Some("rest"));
        // With "all", one condition is not enough.
        let mut rules = rules;
        rules.tiers[0].combine = Combine::All;
        assert_eq!(
            rules
                .classify(&teacher((1980, 1, 1), (2024, 9, 1)), as_of, 2025)
                .tier
                .as_deref(),
            Some("rest")
        );
        // No tier at all: "no tier" alone.
        let empty = TierResult {
            tier: None,
            name_zh: None,
            name_en: None,
            checks: Vec::new(),
        };
        assert_eq!(
            (empty.explain(Locale::ZhCn), empty.explain(Locale::En)),
            ("未分层".into(), "no tier".into())
        );
    }

    #[test]
    fn tier_rules_are_checked_field_by_field() {
        let code = |rules: &TierRules| {
            let e = rules.validate().unwrap_err();
            (
                e.field,
                e.code,
                e.args.iter().find(|a| a.0 == "n").map(|a| a.1.clone()),
            )
        };
        let n = |i: &str| Some(i.to_string());
        assert_eq!(code(&TierRules { tiers: vec![] }), ("tiers", "no_tiers", None));
        for bad in ["", "   ", "Young", "young ones", "青年", &"a".repeat(33)] {
            let mut r = TierRules::standard();
            r.tiers[1].code = bad.to_string();
            assert_eq!(code(&r), ("code", "tier_code", n("2")), "{bad:?}");
        }
        for good in ["young_2", &"a".repeat(32)] {
            let mut r = TierRules::standard();
            r.tiers[1].code = good.to_string();
            assert!(r.validate().is_ok(), "{good}");
        }
        let mut r = TierRules::standard();
        r.tiers[2].name_zh = " ".into();
        assert_eq!(code(&r), ("name", "tier_name_missing", n("3")));
        let mut r = TierRules::standard();
        r.tiers[2].name_en = String::new();
        assert_eq!(code(&r), ("name", "tier_name_missing", n("3")));
        for (i, field) in ["age_below", "age_at_least", "years_at_most", "years_at_least"]
            .iter()
            .enumerate()
        {
            for (v, ok) in [(-1, false), (0, true), (80, true), (81, false)] {
                let mut t = tier("t");
                match i {
                    0 => t.age_below = Some(v),
                    1 => t.age_at_least = Some(v),
                    2 => t.years_at_most = Some(v),
                    _ => t.years_at_least = Some(v),
                }
                let r = TierRules { tiers: vec![t] };
                if ok {
                    assert!(r.validate().is_ok(), "{field} {v}");
                } else {
                    assert_eq!(code(&r), (*field, "tier_number", n("1")), "{field} {v}");
                }
            }
        }
        // Contradictions, for "all" only; equal bounds are fine for years
        // (exactly 10) but not for ages (under 40 and at least 40).
        let years: fn(&mut TierRule, i32) = |t, least| {
            t.years_at_most = Some(10);
            t.years_at_least = Some(least);
        };
        let ages: fn(&mut TierRule, i32) = |t, least| {
            t.age_below = Some(40);
            t.age_at_least = Some(least);
        };
        for (field, set, bad, good) in [("years_at_least", years, 11, 10), ("age_at_least", ages, 40, 39)] {
            let mut r = TierRules {
                tiers: vec![tier("t")],
            };
            set(&mut r.tiers[0], bad);
            assert_eq!(code(&r), (field, "tier_contradiction", n("1")));
            r.tiers[0].combine = Combine::Any;
            assert!(r.validate().is_ok(), "{field}");
            r.tiers[0].combine = Combine::All;
            set(&mut r.tiers[0], good);
            assert!(r.validate().is_ok(), "{field}");
        }
        // A catch-all tier must be the last.
        let r = TierRules {
            tiers: vec![tier("all"), tier("rest")],
        };
        assert_eq!(code(&r).1, "tier_catch_all_not_last");
        assert!(
            TierRules {
                tiers: vec![tier("all")]
            }
            .validate()
            .is_ok()
        );
        // Each condition alone makes a tier conditional.
        for i in 0..5 {
            let mut t = tier("t");
            match i {
                0 => t.age_below = Some(30),
                1 => t.age_at_least = Some(30),
                2 => t.years_at_most = Some(3),
                3 => t.years_at_least = Some(3),
                _ => {
                    t.honour = Some(HonourCondition {
                        kind: HonourKind::Backbone,
                        min_level: Level::School,
                    })
                }
            }
            assert!(
                TierRules {
                    tiers: vec![t, tier("rest")]
                }
                .validate()
                .is_ok(),
                "{i}"
            );
        }
    }

    #[test]
    fn overrides_and_lookups() {
        let rules = TierRules::standard();
        let r = rules.overridden("young", "新调入");
        assert_eq!(r.tier.as_deref(), Some("young"));
        assert_eq!(r.explain(Locale::En), "Young teachers: set by hand: 新调入");
        let r = rules.overridden("retired", "返聘");
        assert_eq!(
            (r.name_zh.as_deref(), r.name_en.as_deref()),
            (Some("retired"), Some("retired"))
        );
        assert_eq!(r.explain(Locale::ZhCn), "retired：人工指定：返聘");
        assert_eq!(
            rules.find("veteran").map(|t| t.name(Locale::ZhCn)),
            Some("老教师")
        );
        assert_eq!(
            rules.find("veteran").map(|t| t.name(Locale::En)),
            Some("Veteran teachers")
        );
        assert!(rules.find("nobody").is_none());
    }
}
