//! The preset library: every duty set the seeds describe, as data files in
//! `crates/domain/presets/duties/` (TOML, names in Chinese and English). A
//! school adopts one in a click and edits it from there.

use super::{DutySet, DutySetInput, RuleError};
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

/// One preset as shipped.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Preset {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    /// Where in the seeds it comes from.
    pub source: String,
    pub description_zh: String,
    pub description_en: String,
    pub set: DutySet,
}

impl Preset {
    pub fn name(&self, l: crate::Locale) -> &str {
        match l {
            crate::Locale::ZhCn => &self.name_zh,
            crate::Locale::En => &self.name_en,
        }
    }

    pub fn description(&self, l: crate::Locale) -> &str {
        match l {
            crate::Locale::ZhCn => &self.description_zh,
            crate::Locale::En => &self.description_en,
        }
    }

    /// The document the preset comes from, as a reader names it (the
    /// files cite the seeds by number: `seed 002 篇1`).
    pub fn source_name(&self, l: crate::Locale) -> String {
        source_name(&self.source, l)
    }
}

/// `seed 000` → 2019 年骨干教师培养工作计划; `seed 002 篇1` → 师训工作计划（篇一）…
/// Anything else is shown as written.
pub fn source_name(source: &str, l: crate::Locale) -> String {
    use crate::Locale::{En, ZhCn};
    let mut parts = source.split_whitespace();
    let (Some("seed"), Some(n)) = (parts.next(), parts.next()) else {
        return source.to_string();
    };
    let part = parts
        .next()
        .and_then(|p| p.strip_prefix('篇'))
        .and_then(|p| p.parse::<u32>().ok());
    let zh_digit = |d: u32| ["〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"][(d % 10) as usize];
    match (n, l, part) {
        ("000", ZhCn, _) => "2019 年骨干教师培养工作计划".into(),
        ("000", En, _) => "A 2019 plan for training backbone teachers".into(),
        ("001", ZhCn, _) => "学校校本培训工作计划".into(),
        ("001", En, _) => "A school's school-based training plan".into(),
        ("002", ZhCn, Some(k)) => format!("师训工作计划（第{}篇）", zh_digit(k)),
        ("002", En, Some(k)) => format!("Teacher-training work plans, no. {k}"),
        ("002", ZhCn, None) => "师训工作计划".into(),
        ("002", En, None) => "Teacher-training work plans".into(),
        ("003", ZhCn, _) => "小学骨干教师培训工作总结".into(),
        ("003", En, _) => "A primary school's summary of backbone-teacher training".into(),
        ("004", ZhCn, _) => "教师发展中心工作总结（骨干教师培养）".into(),
        ("004", En, _) => "A teacher development centre's summary (backbone teachers)".into(),
        _ => source.to_string(),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PresetFile {
    code: String,
    name_zh: String,
    name_en: String,
    source: String,
    description_zh: String,
    description_en: String,
    #[serde(default)]
    rules: Vec<super::DutyRuleInput>,
}

/// The files, in the order the library lists them.
const FILES: &[(&str, &str)] = &[
    (
        "backbone-five-ones-plan",
        include_str!("../../presets/duties/backbone-five-ones-plan.toml"),
    ),
    (
        "backbone-five-ones-summary",
        include_str!("../../presets/duties/backbone-five-ones-summary.toml"),
    ),
    (
        "backbone-duties",
        include_str!("../../presets/duties/backbone-duties.toml"),
    ),
    (
        "young-six-ones",
        include_str!("../../presets/duties/young-six-ones.toml"),
    ),
    (
        "mature-four-ones",
        include_str!("../../presets/duties/mature-four-ones.toml"),
    ),
    (
        "all-eight-ones",
        include_str!("../../presets/duties/all-eight-ones.toml"),
    ),
    (
        "all-three-ones",
        include_str!("../../presets/duties/all-three-ones.toml"),
    ),
    (
        "young-reading",
        include_str!("../../presets/duties/young-reading.toml"),
    ),
    (
        "under-forty-research",
        include_str!("../../presets/duties/under-forty-research.toml"),
    ),
    (
        "observation-quotas",
        include_str!("../../presets/duties/observation-quotas.toml"),
    ),
];

/// Reads one preset file (also used by `lingyan duties check-rules`).
pub fn parse_file(text: &str) -> Result<Preset, PresetError> {
    let f: PresetFile = toml::from_str(text).map_err(|e| PresetError::Syntax(e.to_string()))?;
    let mut input = DutySetInput { rules: f.rules };
    for r in &mut input.rules {
        r.preset.get_or_insert_with(|| f.code.clone());
    }
    let set = input.parse(None).map_err(PresetError::Rules)?;
    Ok(Preset {
        code: f.code,
        name_zh: f.name_zh,
        name_en: f.name_en,
        source: f.source,
        description_zh: f.description_zh,
        description_en: f.description_en,
        set,
    })
}

/// Reads a rules file: TOML (a preset file, or only `[[rules]]`) or, with
/// `json`, `{"rules": [...]}`. Tier codes are not checked here (they
/// depend on the school year's tier rules).
pub fn parse_set_file(text: &str, json: bool) -> Result<DutySet, PresetError> {
    let input: DutySetInput = if json {
        serde_json::from_str(text).map_err(|e| PresetError::Syntax(e.to_string()))?
    } else {
        toml::from_str(text).map_err(|e| PresetError::Syntax(e.to_string()))?
    };
    input.parse(None).map_err(PresetError::Rules)
}

/// Why a preset or rules file was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PresetError {
    /// Not valid TOML, or a field of the wrong type (the parser's message
    /// names the line and column).
    Syntax(String),
    Rules(Vec<RuleError>),
}

/// Every preset. The files are compiled in and checked by the tests, so a
/// broken file cannot ship.
pub fn all() -> &'static [Preset] {
    static ALL: OnceLock<Vec<Preset>> = OnceLock::new();
    ALL.get_or_init(|| {
        FILES
            .iter()
            .map(|(name, text)| {
                // Invariant: the test `presets_parse` parses every file.
                parse_file(text).unwrap_or_else(|e| panic!("preset {name} is broken: {e:?}"))
            })
            .collect()
    })
}

pub fn find(code: &str) -> Option<&'static Preset> {
    all().iter().find(|p| p.code == code)
}
