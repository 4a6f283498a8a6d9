//! Organisation values: district and school codes, names and school types.

use crate::error::FieldError;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A short code that identifies a district or school in URLs, imports and
/// the CLI (`--school GF01`): 2–32 characters of ASCII letters, digits, `-`
/// and `_`, stored upper-case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Code(String);

impl Code {
    pub const MIN: usize = 2;
    pub const MAX: usize = 32;

    /// Parses a code for `field` (`"code"`, `"school"`, `"district"`).
    pub fn parse(field: &'static str, input: &str) -> Result<Self, FieldError> {
        let s = input.trim().to_ascii_uppercase();
        if s.is_empty() {
            return Err(FieldError::new(field, "required"));
        }
        if s.len() < Self::MIN {
            return Err(FieldError::new(field, "too_short").with("min", Self::MIN));
        }
        if s.len() > Self::MAX {
            return Err(FieldError::new(field, "too_long").with("max", Self::MAX));
        }
        if !s
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || matches!(c, '-' | '_'))
        {
            return Err(FieldError::new(field, "code_chars"));
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The name of a district or school (广府实验学校): 1–100 characters after
/// trimming, no control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgName(String);

impl OrgName {
    pub const MAX: usize = 100;

    pub fn parse(field: &'static str, input: &str) -> Result<Self, FieldError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(FieldError::new(field, "required"));
        }
        if s.chars().count() > Self::MAX {
            return Err(FieldError::new(field, "too_long").with("max", Self::MAX));
        }
        if s.chars().any(char::is_control) {
            return Err(FieldError::new(field, "control_chars"));
        }
        Ok(Self(s.to_string()))
    }

    /// An optional name (an English name, say): blank input is `None`.
    pub fn parse_optional(field: &'static str, input: &str) -> Result<Option<Self>, FieldError> {
        if input.trim().is_empty() {
            Ok(None)
        } else {
            Self::parse(field, input).map(Some)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// What kind of school it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SchoolType {
    /// 幼儿园
    Kindergarten,
    /// 小学
    Primary,
    /// 初中
    Junior,
    /// 高中
    Senior,
    /// 九年一贯制 (primary and junior sections)
    NineYear,
    /// 职教中心 / 职业学校
    Vocational,
}

impl SchoolType {
    pub const ALL: [SchoolType; 6] = [
        SchoolType::Kindergarten,
        SchoolType::Primary,
        SchoolType::Junior,
        SchoolType::Senior,
        SchoolType::NineYear,
        SchoolType::Vocational,
    ];

    pub fn code(self) -> &'static str {
        match self {
            SchoolType::Kindergarten => "kindergarten",
            SchoolType::Primary => "primary",
            SchoolType::Junior => "junior",
            SchoolType::Senior => "senior",
            SchoolType::NineYear => "nine_year",
            SchoolType::Vocational => "vocational",
        }
    }

    /// Accepts the code (`primary`, `nine-year`) or the common Chinese name
    /// (小学, 九年一贯制, 职教中心 ...).
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let s = input.trim().to_ascii_lowercase().replace('-', "_");
        let t = match s.as_str() {
            "kindergarten" | "幼儿园" => SchoolType::Kindergarten,
            "primary" | "小学" => SchoolType::Primary,
            "junior" | "初中" | "初级中学" => SchoolType::Junior,
            "senior" | "高中" | "高级中学" => SchoolType::Senior,
            "nine_year" | "九年一贯制" | "九年一贯制学校" => SchoolType::NineYear,
            "vocational" | "职教中心" | "职业学校" | "中职" => SchoolType::Vocational,
            "" => return Err(FieldError::new("school_type", "required")),
            _ => {
                return Err(FieldError::new("school_type", "unknown_school_type").with("value", input.trim()));
            }
        };
        Ok(t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes() {
        assert_eq!(Code::parse("code", " gf-01 ").unwrap().as_str(), "GF-01");
        assert_eq!(Code::parse("code", "G").unwrap_err().code, "too_short");
        assert_eq!(Code::parse("code", "广府").unwrap_err().code, "code_chars");
        assert_eq!(Code::parse("school", "").unwrap_err().field, "school");
    }

    #[test]
    fn school_types_accept_chinese() {
        assert_eq!(SchoolType::parse("幼儿园").unwrap(), SchoolType::Kindergarten);
        assert_eq!(SchoolType::parse("nine-year").unwrap(), SchoolType::NineYear);
        for t in SchoolType::ALL {
            assert_eq!(SchoolType::parse(t.code()).unwrap(), t);
        }
        assert_eq!(
            SchoolType::parse("college").unwrap_err().code,
            "unknown_school_type"
        );
    }

    #[test]
    fn codes_and_names_at_their_limits() {
        assert_eq!(Code::parse("code", "ab").unwrap().to_string(), "AB");
        assert_eq!(
            Code::parse("code", &"a".repeat(32)).unwrap().into_string(),
            "A".repeat(32)
        );
        let e = Code::parse("code", &"a".repeat(33)).unwrap_err();
        assert_eq!(
            (e.code, e.args.clone()),
            ("too_long", vec![("max", "32".to_string())])
        );
        assert_eq!(
            Code::parse("code", "A").unwrap_err().args,
            vec![("min", "2".to_string())]
        );
        assert_eq!(Code::parse("code", "A_1").unwrap().as_str(), "A_1");
        assert_eq!(Code::parse("code", "A 1").unwrap_err().code, "code_chars");
        assert_eq!(Code::parse("district", " ").unwrap_err().code, "required");
        let name = "校".repeat(100);
        assert_eq!(OrgName::parse("name", &name).unwrap().into_string(), name);
        let e = OrgName::parse("name", &"校".repeat(101)).unwrap_err();
        assert_eq!(
            (e.code, e.args.clone()),
            ("too_long", vec![("max", "100".to_string())])
        );
        assert_eq!(
            OrgName::parse("name", "a\u{1b}b").unwrap_err().code,
            "control_chars"
        );
        assert_eq!(OrgName::parse("name", "").unwrap_err().code, "required");
        assert_eq!(
            OrgName::parse_optional("name_en", " Guangfu ")
                .unwrap()
                .map(OrgName::into_string),
            Some("Guangfu".to_string())
        );
        assert_eq!(
            OrgName::parse_optional("name_en", "\u{7}").unwrap_err().code,
            "control_chars"
        );
        let codes: Vec<&str> = SchoolType::ALL.iter().map(|t| t.code()).collect();
        assert_eq!(
            codes,
            vec![
                "kindergarten",
                "primary",
                "junior",
                "senior",
                "nine_year",
                "vocational"
            ]
        );
        for (s, t) in [
            ("小学", SchoolType::Primary),
            ("初级中学", SchoolType::Junior),
            ("高中", SchoolType::Senior),
            ("九年一贯制学校", SchoolType::NineYear),
            ("中职", SchoolType::Vocational),
            (" Vocational ", SchoolType::Vocational),
        ] {
            assert_eq!(SchoolType::parse(s), Ok(t), "{s}");
        }
        assert_eq!(SchoolType::parse(" ").unwrap_err().code, "required");
        assert_eq!(
            SchoolType::parse(" 大学 ").unwrap_err().args,
            vec![("value", "大学".to_string())]
        );
    }

    #[test]
    fn names() {
        assert_eq!(
            OrgName::parse("name", " 广府实验学校 ").unwrap().as_str(),
            "广府实验学校"
        );
        assert!(OrgName::parse_optional("name_en", "  ").unwrap().is_none());
    }
}

crate::codes::coded_enum!(
    /// The kinds of groups a school has.
    GroupKind, "unknown_group_kind", {
        /// 教研组: a subject teaching-research group
        SubjectResearch = "subject_research", "教研组", ["学科组"];
        /// 年级组 / 级部
        Grade = "grade", "年级组", ["级部", "年级"];
        /// 备课组
        LessonPrep = "lesson_prep", "备课组", [];
        /// 课题组
        Project = "project", "课题组", [];
        /// 团支部
        YouthLeague = "youth_league", "团支部", ["团委"];
    }
);

crate::codes::coded_enum!(
    /// A member's place in a group.
    GroupPosition, "unknown_position", {
        Leader = "leader", "组长", ["负责人"];
        Deputy = "deputy", "副组长", [];
        Member = "member", "成员", ["组员"];
    }
);

crate::codes::coded_enum!(
    /// A member's place in a leading group (领导小组).
    LeadingPosition, "unknown_position", {
        Leader = "leader", "组长", [];
        Deputy = "deputy", "副组长", [];
        Member = "member", "成员", ["组员"];
        /// 具体负责
        Managing = "managing", "具体负责", ["负责人"];
    }
);
