//! Honours and titles (荣誉 / 称号): backbone teacher at a level, chief
//! teacher, discipline leader, famous teacher, special-grade teacher, rising
//! star, ethics model. Each is a dated record that can expire or be revoked;
//! history is never overwritten.

use crate::error::FieldError;
use crate::level::Level;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HonourKind {
    /// 骨干教师
    Backbone,
    /// 准骨干教师
    ProspectiveBackbone,
    /// 首席教师
    ChiefTeacher,
    /// 学科带头人
    DisciplineLeader,
    /// 名师 / 名教师
    FamousTeacher,
    /// 特级教师
    SpecialGrade,
    /// 教坛新秀
    RisingStar,
    /// 师德标兵
    EthicsModel,
}

impl HonourKind {
    pub const ALL: [HonourKind; 8] = [
        HonourKind::Backbone,
        HonourKind::ProspectiveBackbone,
        HonourKind::ChiefTeacher,
        HonourKind::DisciplineLeader,
        HonourKind::FamousTeacher,
        HonourKind::SpecialGrade,
        HonourKind::RisingStar,
        HonourKind::EthicsModel,
    ];

    pub fn code(self) -> &'static str {
        match self {
            HonourKind::Backbone => "backbone",
            HonourKind::ProspectiveBackbone => "prospective_backbone",
            HonourKind::ChiefTeacher => "chief_teacher",
            HonourKind::DisciplineLeader => "discipline_leader",
            HonourKind::FamousTeacher => "famous_teacher",
            HonourKind::SpecialGrade => "special_grade",
            HonourKind::RisingStar => "rising_star",
            HonourKind::EthicsModel => "ethics_model",
        }
    }

    /// The value for a stored code.
    pub fn from_code(code: &str) -> Option<Self> {
        HonourKind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// Chinese names as they appear in rosters, most specific first.
    fn zh_names(self) -> &'static [&'static str] {
        match self {
            HonourKind::Backbone => &["骨干教师", "骨干"],
            HonourKind::ProspectiveBackbone => &["准骨干教师", "准骨干"],
            HonourKind::ChiefTeacher => &["首席教师", "首席"],
            HonourKind::DisciplineLeader => &["学科带头人", "带头人"],
            HonourKind::FamousTeacher => &["名教师", "名师"],
            HonourKind::SpecialGrade => &["特级教师", "特级"],
            HonourKind::RisingStar => &["教坛新秀", "新秀"],
            HonourKind::EthicsModel => &["师德标兵", "师德模范"],
        }
    }

    pub fn zh(self) -> &'static str {
        self.zh_names()[0]
    }

    pub fn parse(field: &'static str, input: &str) -> Result<Self, FieldError> {
        let s = input.trim();
        let lower = s.to_ascii_lowercase().replace(['-', ' '], "_");
        // "准骨干" must be tried before "骨干".
        let order = [
            HonourKind::ProspectiveBackbone,
            HonourKind::Backbone,
            HonourKind::ChiefTeacher,
            HonourKind::DisciplineLeader,
            HonourKind::FamousTeacher,
            HonourKind::SpecialGrade,
            HonourKind::RisingStar,
            HonourKind::EthicsModel,
        ];
        order
            .into_iter()
            .find(|k| k.code() == lower || k.zh_names().contains(&s))
            .ok_or_else(|| FieldError::new(field, "unknown_honour").with("value", s))
    }

    /// The level an honour has when a roster names none: a special-grade
    /// teacher is a provincial title; the others need a level.
    fn default_level(self) -> Option<Level> {
        match self {
            HonourKind::SpecialGrade => Some(Level::Provincial),
            _ => None,
        }
    }
}

/// Parses an honour as written in a roster: `省级骨干教师`, `市级学科带头人`,
/// `区级教坛新秀`, `特级教师`, or `backbone:county`.
pub fn parse_title(field: &'static str, input: &str) -> Result<(HonourKind, Level), FieldError> {
    let s = input.trim();
    if s.is_empty() {
        return Err(FieldError::new(field, "required"));
    }
    if let Some((k, l)) = s.split_once(':') {
        return Ok((HonourKind::parse(field, k)?, Level::parse(field, l)?));
    }
    let (level, rest) = match Level::strip_prefix(s) {
        Some((l, rest)) => (Some(l), rest),
        None => (None, s),
    };
    let kind = HonourKind::parse(field, rest.trim())
        .map_err(|_| FieldError::new(field, "unknown_honour").with("value", s))?;
    let level = level
        .or(kind.default_level())
        .ok_or_else(|| FieldError::new(field, "honour_needs_level").with("value", s))?;
    Ok((kind, level))
}

/// Whether an honour still counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HonourStatus {
    Active,
    /// Past its validity.
    Expired,
    /// Taken away (failed assessment, misconduct), with a reason.
    Revoked,
}

impl HonourStatus {
    /// The value for a stored code.
    pub fn from_code(code: &str) -> Option<Self> {
        [HonourStatus::Active, HonourStatus::Expired, HonourStatus::Revoked]
            .into_iter()
            .find(|s| s.code() == code)
    }

    pub fn code(self) -> &'static str {
        match self {
            HonourStatus::Active => "active",
            HonourStatus::Expired => "expired",
            HonourStatus::Revoked => "revoked",
        }
    }

    pub fn parse(field: &'static str, input: &str) -> Result<Self, FieldError> {
        match input.trim().to_ascii_lowercase().as_str() {
            "active" | "有效" => Ok(HonourStatus::Active),
            "expired" | "已过期" | "过期" => Ok(HonourStatus::Expired),
            "revoked" | "已撤销" | "撤销" | "取消" => Ok(HonourStatus::Revoked),
            _ => Err(FieldError::new(field, "unknown_status").with("value", input.trim())),
        }
    }
}

/// An honour held (or once held) by a teacher, as the rules see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HonourFact {
    pub kind: HonourKind,
    pub level: Level,
    pub granted_year: i32,
    /// The last year it counts, if limited.
    pub valid_until_year: Option<i32>,
    pub status: HonourStatus,
}

impl HonourFact {
    /// Active, granted by `year` and not past its validity.
    pub fn counts_in(&self, year: i32) -> bool {
        self.status == HonourStatus::Active
            && self.granted_year <= year
            && self.valid_until_year.is_none_or(|v| year <= v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roster_titles() {
        assert_eq!(
            parse_title("honours", "省级骨干教师").unwrap(),
            (HonourKind::Backbone, Level::Provincial)
        );
        assert_eq!(
            parse_title("honours", "市级学科带头人").unwrap(),
            (HonourKind::DisciplineLeader, Level::Municipal)
        );
        assert_eq!(
            parse_title("honours", "区级准骨干教师").unwrap(),
            (HonourKind::ProspectiveBackbone, Level::County)
        );
        assert_eq!(
            parse_title("honours", "特级教师").unwrap(),
            (HonourKind::SpecialGrade, Level::Provincial)
        );
        assert_eq!(
            parse_title("honours", "rising_star:town").unwrap(),
            (HonourKind::RisingStar, Level::Town)
        );
        assert_eq!(
            parse_title("honours", "骨干教师").unwrap_err().code,
            "honour_needs_level"
        );
        assert_eq!(
            parse_title("honours", "省级优秀班主任").unwrap_err().code,
            "unknown_honour"
        );
        for k in HonourKind::ALL {
            assert_eq!(HonourKind::parse("kind", k.code()).unwrap(), k);
            assert_eq!(HonourKind::parse("kind", k.zh()).unwrap(), k);
        }
    }

    #[test]
    fn validity() {
        let h = HonourFact {
            kind: HonourKind::Backbone,
            level: Level::County,
            granted_year: 2021,
            valid_until_year: Some(2023),
            status: HonourStatus::Active,
        };
        assert!(!h.counts_in(2020) && h.counts_in(2021) && h.counts_in(2023) && !h.counts_in(2024));
        let revoked = HonourFact {
            status: HonourStatus::Revoked,
            ..h
        };
        assert!(!revoked.counts_in(2022));
    }
}
