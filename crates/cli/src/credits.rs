//! `credits`: the requirement per district (or school) and year, and the
//! preset library. The ledger's imports, exports, transcripts and reports
//! join it as the ledger lands.

use crate::app::{explain, open_store, parse_lang, place, year_or_current};
use anyhow::{Result, anyhow, bail};
use clap::Subcommand;
use lingyan_domain::Locale;
use lingyan_domain::credits::{CreditRules, presets};
use lingyan_store::Scope;
use lingyan_web::Config;
use lingyan_web::i18n::{self, t, t_args, t_count};
use std::path::PathBuf;

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum RulesFormat {
    Text,
    Json,
}

#[derive(Subcommand)]
pub(crate) enum CreditsCommand {
    /// Replace a district's (or, where it allows, a school's) credit
    /// requirement for a school year with a preset's.
    Adopt {
        /// Preset code (see `lingyan credits presets`).
        preset: String,
        #[arg(long, conflicts_with = "school", required_unless_present = "school")]
        district: Option<String>,
        #[arg(long)]
        school: Option<String>,
        /// School year, e.g. 2026 for 2026–2027 (default: the current one).
        #[arg(long)]
        year: Option<i32>,
    },
    /// List the preset library with each preset's source.
    Presets,
    /// Print the requirement in force for a district or school.
    Rules {
        #[arg(long, conflicts_with = "school", required_unless_present = "school")]
        district: Option<String>,
        #[arg(long)]
        school: Option<String>,
        #[arg(long)]
        year: Option<i32>,
        /// zh-CN or en (default: the CLI's language).
        #[arg(long)]
        lang: Option<String>,
        #[arg(long, value_enum, default_value = "text")]
        format: RulesFormat,
    },
    /// Check a requirement file (TOML as the `[rules]` of a file in
    /// crates/domain/presets/credits, or JSON) and list every problem.
    CheckRules { file: PathBuf },
}

pub(crate) async fn run(loc: Locale, config: &Config, command: CreditsCommand) -> Result<()> {
    match command {
        CreditsCommand::Presets => {
            for p in presets::all() {
                println!("{}  {}", p.code, p.name(loc));
                println!("    {}", lingyan_web::pages::credit_rules_text(&p.rules, loc));
                println!(
                    "    {}",
                    t_args(loc, "credits.from_source", &[("source", p.source_name(loc))])
                );
            }
            Ok(())
        }
        CreditsCommand::Adopt {
            preset,
            district,
            school,
            year,
        } => {
            let store = open_store(config).await?;
            let scope = Scope::system("cli");
            let (d, s) = place(loc, &store, &scope, &school, &district).await?;
            let year = year_or_current(loc, &store, &scope, (d, s), year).await?;
            let v = lingyan_store::credits::adopt(&store, &scope, d, s, year, &preset)
                .await
                .map_err(|e| explain(loc, e))?;
            println!(
                "{}",
                t_args(
                    loc,
                    "cli.credits_adopted",
                    &[("preset", preset), ("year", year.to_string())]
                )
            );
            println!("  {}", lingyan_web::pages::credit_rules_text(&v.set, loc));
            Ok(())
        }
        CreditsCommand::Rules {
            district,
            school,
            year,
            lang,
            format,
        } => {
            let l = parse_lang(loc, &lang)?;
            let store = open_store(config).await?;
            let scope = Scope::system("cli");
            let (d, s) = place(loc, &store, &scope, &school, &district).await?;
            let year = year_or_current(loc, &store, &scope, (d, s), year).await?;
            let v = lingyan_store::credits::get(&store, &scope, d, s, year)
                .await
                .map_err(|e| explain(loc, e))?;
            match format {
                RulesFormat::Json => println!("{}", serde_json::to_string_pretty(&v.set)?),
                RulesFormat::Text if !v.set.is_set() => println!("{}", t(l, "credits.source_none")),
                RulesFormat::Text => println!("{}", lingyan_web::pages::credit_rules_text(&v.set, l)),
            }
            Ok(())
        }
        CreditsCommand::CheckRules { file } => {
            let shown = file.display().to_string();
            let text = std::fs::read_to_string(&file).map_err(|e| {
                anyhow!(t_args(
                    loc,
                    "cli.cannot_read",
                    &[("file", shown.clone()), ("error", e.to_string())]
                ))
            })?;
            let json = file.extension().is_some_and(|e| e.eq_ignore_ascii_case("json"));
            // A preset file keeps the requirement under `[rules]`.
            let parsed = if !json && text.lines().any(|l| l.trim() == "[rules]") {
                presets::parse_file(&text).map(|p| p.rules)
            } else {
                CreditRules::from_text(&text, json)
            };
            match parsed {
                Ok(r) => {
                    println!("{}", t_args(loc, "cli.credit_rules_ok", &[("file", shown)]));
                    println!("  {}", lingyan_web::pages::credit_rules_text(&r, loc));
                    Ok(())
                }
                Err(presets::PresetError::Syntax(m)) => {
                    bail!(t_args(loc, "cli.rules_syntax", &[("file", shown), ("error", m)]))
                }
                Err(presets::PresetError::Rules(errors)) => {
                    for fe in &errors {
                        eprintln!("  {}", i18n::field_error(loc, fe));
                    }
                    bail!(t_count(loc, "cli.rules_bad", errors.len(), &[("file", shown)]))
                }
            }
        }
    }
}
