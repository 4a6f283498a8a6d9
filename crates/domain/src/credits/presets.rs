//! The preset library of credit requirements: data files in
//! `crates/domain/presets/credits/` (TOML), each citing its source and
//! saying in its note what it could not state for sure. A district adopts
//! one in a click and edits it from there.

use super::CreditRules;
use crate::error::FieldError;
use crate::locale::Locale;
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Preset {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    /// The rule or document it comes from, as written in the file
    /// (`seed 002 篇3`, or the regulation's name).
    pub source: String,
    /// The source's name in English, where it is not a seed.
    pub source_en: Option<String>,
    pub description_zh: String,
    pub description_en: String,
    pub rules: CreditRules,
}

impl Preset {
    pub fn name(&self, l: Locale) -> &str {
        match l {
            Locale::ZhCn => &self.name_zh,
            Locale::En => &self.name_en,
        }
    }

    pub fn description(&self, l: Locale) -> &str {
        match l {
            Locale::ZhCn => &self.description_zh,
            Locale::En => &self.description_en,
        }
    }

    /// The source as a reader names it (seeds by their title).
    pub fn source_name(&self, l: Locale) -> String {
        match (l, &self.source_en) {
            (Locale::En, Some(en)) => en.clone(),
            _ => crate::duties::presets::source_name(&self.source, l),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PresetFile {
    code: String,
    name_zh: String,
    name_en: String,
    source: String,
    #[serde(default)]
    source_en: Option<String>,
    description_zh: String,
    description_en: String,
    rules: CreditRules,
}

/// Why a preset or rules file was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PresetError {
    /// Not valid TOML/JSON, or a field of the wrong type or unknown (the
    /// parser's message names the line and column).
    Syntax(String),
    Rules(Vec<FieldError>),
}

impl std::fmt::Display for PresetError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PresetError::Syntax(s) => f.write_str(s),
            PresetError::Rules(all) => {
                let parts: Vec<String> = all.iter().map(|e| e.to_string()).collect();
                f.write_str(&parts.join("; "))
            }
        }
    }
}

const FILES: &[(&str, &str)] = &[
    (
        "seed-002-48",
        include_str!("../../presets/credits/seed-002-48.toml"),
    ),
    (
        "national-1999",
        include_str!("../../presets/credits/national-1999.toml"),
    ),
    (
        "national-360",
        include_str!("../../presets/credits/national-360.toml"),
    ),
    ("shandong", include_str!("../../presets/credits/shandong.toml")),
    ("zhejiang", include_str!("../../presets/credits/zhejiang.toml")),
    ("jiangsu", include_str!("../../presets/credits/jiangsu.toml")),
    ("shanghai", include_str!("../../presets/credits/shanghai.toml")),
    ("beijing", include_str!("../../presets/credits/beijing.toml")),
];

/// Reads one preset file.
pub fn parse_file(text: &str) -> Result<Preset, PresetError> {
    let f: PresetFile = toml::from_str(text).map_err(|e| PresetError::Syntax(e.to_string()))?;
    let mut rules = f.rules.checked().map_err(PresetError::Rules)?;
    rules.preset = Some(f.code.clone());
    Ok(Preset {
        code: f.code,
        name_zh: f.name_zh,
        name_en: f.name_en,
        source: f.source,
        source_en: f.source_en,
        description_zh: f.description_zh,
        description_en: f.description_en,
        rules,
    })
}

/// Every preset, in the library's order. The files are compiled in and
/// parsed by the tests, so a broken one cannot ship.
pub fn all() -> &'static [Preset] {
    static ALL: OnceLock<Vec<Preset>> = OnceLock::new();
    ALL.get_or_init(|| {
        FILES
            .iter()
            .map(|(name, text)| {
                parse_file(text).unwrap_or_else(|e| panic!("credit preset {name} is broken: {e}"))
            })
            .collect()
    })
}

pub fn find(code: &str) -> Option<&'static Preset> {
    all().iter().find(|p| p.code == code)
}
