//! The one ordered scale of levels shared by honours, evidence, awards and
//! trainings: school < town < county/district < municipal < provincial <
//! national. Rules can then say "district level or above".

use crate::error::FieldError;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// 校级
    School,
    /// 镇级 / 乡镇级
    Town,
    /// 县级 / 区级
    County,
    /// 市级
    Municipal,
    /// 省级
    Provincial,
    /// 国家级
    National,
}

impl Level {
    /// Lowest first.
    pub const ALL: [Level; 6] = [
        Level::School,
        Level::Town,
        Level::County,
        Level::Municipal,
        Level::Provincial,
        Level::National,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Level::School => "school",
            Level::Town => "town",
            Level::County => "county",
            Level::Municipal => "municipal",
            Level::Provincial => "provincial",
            Level::National => "national",
        }
    }

    /// The value for a stored code.
    pub fn from_code(code: &str) -> Option<Self> {
        Level::ALL.into_iter().find(|l| l.code() == code)
    }

    /// The Chinese prefix as rosters write it (省级, 市级 …).
    pub fn zh(self) -> &'static str {
        match self {
            Level::School => "校级",
            Level::Town => "镇级",
            Level::County => "县级",
            Level::Municipal => "市级",
            Level::Provincial => "省级",
            Level::National => "国家级",
        }
    }

    /// Recognises a level at the start of `s` (省级…, 区级…, 县…), returning
    /// it with the rest of the text.
    pub fn strip_prefix(s: &str) -> Option<(Level, &str)> {
        const PREFIXES: [(&str, Level); 22] = [
            ("国家级", Level::National),
            ("全国", Level::National),
            ("国家", Level::National),
            ("省级", Level::Provincial),
            ("省", Level::Provincial),
            ("地市级", Level::Municipal),
            ("市级", Level::Municipal),
            ("地级", Level::Municipal),
            ("市", Level::Municipal),
            ("县区级", Level::County),
            ("区县级", Level::County),
            ("县级", Level::County),
            ("区级", Level::County),
            ("县", Level::County),
            ("区", Level::County),
            ("乡镇级", Level::Town),
            ("镇级", Level::Town),
            ("乡级", Level::Town),
            ("镇", Level::Town),
            ("校级", Level::School),
            ("学校", Level::School),
            ("校", Level::School),
        ];
        let t = s.trim();
        PREFIXES
            .iter()
            .find(|(p, _)| t.starts_with(p))
            .map(|(p, l)| (*l, &t[p.len()..]))
    }

    /// Accepts the code (`county`, also `district`, `city`, `province`) or
    /// the Chinese (县级, 区级, 市级 …).
    pub fn parse(field: &'static str, input: &str) -> Result<Self, FieldError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(FieldError::new(field, "required"));
        }
        let lower = s.to_ascii_lowercase();
        let by_code = match lower.as_str() {
            "school" => Some(Level::School),
            "town" | "township" => Some(Level::Town),
            "county" | "district" => Some(Level::County),
            "municipal" | "city" | "prefecture" => Some(Level::Municipal),
            "provincial" | "province" => Some(Level::Provincial),
            "national" => Some(Level::National),
            _ => None,
        };
        if let Some(l) = by_code {
            return Ok(l);
        }
        match Level::strip_prefix(s) {
            Some((l, rest)) if rest.trim().is_empty() || rest.trim() == "的" => Ok(l),
            _ => Err(FieldError::new(field, "unknown_level").with("value", s)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordered_scale() {
        assert!(Level::School < Level::Town && Level::County < Level::Municipal);
        assert!(Level::Provincial < Level::National);
        let mut v = Level::ALL.to_vec();
        v.reverse();
        v.sort();
        assert_eq!(v, Level::ALL);
    }

    #[test]
    fn every_spelling_of_a_level() {
        let parse = |s: &str| Level::parse("level", s).map_err(|e| e.code);
        for (s, l) in [
            ("school", Level::School),
            ("Town", Level::Town),
            ("township", Level::Town),
            ("county", Level::County),
            ("city", Level::Municipal),
            ("prefecture", Level::Municipal),
            ("province", Level::Provincial),
            ("PROVINCIAL", Level::Provincial),
            ("national", Level::National),
            ("全国", Level::National),
            ("国家", Level::National),
            ("地市级", Level::Municipal),
            ("地级", Level::Municipal),
            ("县区级", Level::County),
            ("区县级", Level::County),
            ("镇", Level::Town),
            ("乡级", Level::Town),
            ("学校", Level::School),
            ("校", Level::School),
            ("省级的", Level::Provincial),
            (" 市级 ", Level::Municipal),
        ] {
            assert_eq!(parse(s), Ok(l), "{s}");
        }
        assert_eq!(parse(""), Err("required"));
        assert_eq!(parse("市级骨干"), Err("unknown_level"));
        let e = Level::parse("award_level", " 星级 ").unwrap_err();
        assert_eq!(
            (e.field, e.args.clone()),
            ("award_level", vec![("value", "星级".to_string())])
        );
        assert_eq!(Level::strip_prefix("  县骨干"), Some((Level::County, "骨干")));
        assert_eq!(Level::strip_prefix("骨干"), None);
        let zh: Vec<&str> = Level::ALL.iter().map(|l| l.zh()).collect();
        assert_eq!(zh, vec!["校级", "镇级", "县级", "市级", "省级", "国家级"]);
        for l in Level::ALL {
            assert_eq!(Level::from_code(l.code()), Some(l));
        }
        assert_eq!(Level::from_code("district"), None);
    }

    #[test]
    fn parses_codes_and_chinese() {
        for l in Level::ALL {
            assert_eq!(Level::parse("level", l.code()).unwrap(), l);
            assert_eq!(Level::parse("level", l.zh()).unwrap(), l);
        }
        assert_eq!(Level::parse("level", "区级").unwrap(), Level::County);
        assert_eq!(Level::parse("level", "District").unwrap(), Level::County);
        assert_eq!(Level::parse("level", "乡镇级").unwrap(), Level::Town);
        assert_eq!(Level::parse("level", "星级").unwrap_err().code, "unknown_level");
        assert_eq!(
            Level::strip_prefix("市级学科带头人"),
            Some((Level::Municipal, "学科带头人"))
        );
    }
}
