//! The two languages Lingyan speaks, and how a browser's preference picks one.

use crate::error::FieldError;
use serde::{Deserialize, Serialize};

/// A user-interface and document language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum Locale {
    #[serde(rename = "zh-CN")]
    ZhCn,
    #[default]
    #[serde(rename = "en")]
    En,
}

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::ZhCn, Locale::En];

    /// The BCP 47 tag, which is also the translation file's locale name.
    pub fn code(self) -> &'static str {
        match self {
            Locale::ZhCn => "zh-CN",
            Locale::En => "en",
        }
    }

    /// Accepts `zh-CN`, `zh`, `zh_cn`, `zh-Hans`, `en`, `en-US`, ... .
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let s = input.trim().to_ascii_lowercase().replace('_', "-");
        let primary = s.split('-').next().unwrap_or("");
        match primary {
            "zh" => Ok(Locale::ZhCn),
            "en" => Ok(Locale::En),
            _ => Err(FieldError::new("locale", "unknown_locale").with("value", input.trim())),
        }
    }

    /// Picks the language from an `Accept-Language` header: zh-CN when the
    /// browser prefers Chinese over English, otherwise English.
    pub fn negotiate(accept_language: &str) -> Self {
        // Entries are read in order, so on equal weights the earlier stays.
        let mut best: Option<(f32, Locale)> = None;
        for part in accept_language.split(',') {
            let mut pieces = part.split(';');
            let tag = pieces.next().unwrap_or("").trim();
            let q = pieces
                .filter_map(|p| p.trim().strip_prefix("q="))
                .filter_map(|v| v.trim().parse::<f32>().ok())
                .next()
                .unwrap_or(1.0);
            if q <= 0.0 {
                continue;
            }
            if let Ok(loc) = Locale::parse(tag)
                && best.is_none_or(|(bq, _)| q > bq)
            {
                best = Some((q, loc));
            }
        }
        best.map(|(_, l)| l).unwrap_or(Locale::En)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiation() {
        assert_eq!(Locale::negotiate("zh-CN,zh;q=0.9,en;q=0.8"), Locale::ZhCn);
        assert_eq!(Locale::negotiate("en-US,en;q=0.9,zh-CN;q=0.8"), Locale::En);
        assert_eq!(Locale::negotiate("fr-FR,zh;q=0.5"), Locale::ZhCn);
        assert_eq!(Locale::negotiate("fr-FR"), Locale::En);
        assert_eq!(Locale::negotiate(""), Locale::En);
        assert_eq!(Locale::negotiate("en;q=0.2, zh-Hans;q=0.7"), Locale::ZhCn);
        assert_eq!(Locale::negotiate("zh;q=0"), Locale::En);
    }

    #[test]
    fn equal_preferences_go_to_the_first_named() {
        assert_eq!(Locale::negotiate("zh,en"), Locale::ZhCn);
        assert_eq!(Locale::negotiate("en,zh"), Locale::En);
        assert_eq!(Locale::negotiate("en;q=0.5,zh;q=0.5"), Locale::En);
        assert_eq!(Locale::negotiate("zh;q=0.4,en;q=0.5"), Locale::En);
        assert_eq!(Locale::negotiate("en;q=0.5,zh;q=0.6"), Locale::ZhCn);
        // A bad weight counts as 1.
        assert_eq!(Locale::negotiate("en;q=0.5,zh;q=x"), Locale::ZhCn);
        assert_eq!(Locale::negotiate("en;q=-1,zh;q=0.1"), Locale::ZhCn);
        let codes: Vec<&str> = Locale::ALL.iter().map(|l| l.code()).collect();
        assert_eq!(codes, vec!["zh-CN", "en"]);
        for l in Locale::ALL {
            assert_eq!(Locale::parse(l.code()), Ok(l));
        }
        assert_eq!(Locale::default(), Locale::En);
        let e = Locale::parse(" fr ").unwrap_err();
        assert_eq!(e.args, vec![("value", "fr".to_string())]);
    }

    #[test]
    fn parse_codes() {
        assert_eq!(Locale::parse("zh_CN").unwrap(), Locale::ZhCn);
        assert_eq!(Locale::parse("EN").unwrap(), Locale::En);
        assert_eq!(Locale::parse("de").unwrap_err().code, "unknown_locale");
    }
}
