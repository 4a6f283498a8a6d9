//! `duties`: progress, rule files, presets and reminder digests.

use crate::app::{explain, open_store, parse_as_of, parse_lang, place, year_or_current};
use anyhow::{Result, anyhow, bail};
use clap::Subcommand;
use lingyan_domain::Locale;
use lingyan_store::Scope;
use lingyan_web::Config;
use lingyan_web::i18n::{self, t, t_args, t_count};
use std::path::PathBuf;

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum DutiesFormat {
    Text,
    Json,
    Xlsx,
}

#[derive(Subcommand)]
pub(crate) enum DutiesCommand {
    /// Every teacher × duty of a school (or of each school of a district,
    /// in order of code, a few computed at once): status, done/required,
    /// explanation.
    Progress {
        #[arg(long, conflicts_with = "district")]
        school: Option<String>,
        #[arg(long)]
        district: Option<String>,
        /// Evaluate on this date (default today).
        #[arg(long)]
        as_of: Option<String>,
        /// zh-CN or en (default: the CLI's language).
        #[arg(long)]
        lang: Option<String>,
        /// json prints one school per line; xlsx needs --school and -o.
        #[arg(long, value_enum, default_value = "text")]
        format: DutiesFormat,
        #[arg(short = 'o', long = "output")]
        output: Option<PathBuf>,
    },
    /// Check a rules file (TOML as in crates/domain/presets/duties, or JSON
    /// `{"rules": [...]}`) and list every problem by rule and field.
    CheckRules { file: PathBuf },
    /// Add a preset's rules to a school's (or district's) set for a year.
    Adopt {
        #[arg(long, conflicts_with = "district")]
        school: Option<String>,
        #[arg(long)]
        district: Option<String>,
        /// Preset code (see `lingyan duties presets`).
        #[arg(long)]
        preset: String,
        /// School year, e.g. 2025 for 2025–2026 (default: the current one).
        #[arg(long)]
        year: Option<i32>,
        /// The day the new rules count from, within the year (default:
        /// today when the year is under way, else its first day): weeks
        /// and periods that ended before it ask nothing of anyone.
        #[arg(long = "from", value_name = "YYYY-MM-DD")]
        effective_from: Option<chrono::NaiveDate>,
    },
    /// List the preset library.
    Presets,
    /// The leaders' reminder digest: what falls due in the next days and
    /// who has not met it (printed; other senders plug in later).
    Digest {
        #[arg(long, conflicts_with = "district")]
        school: Option<String>,
        #[arg(long)]
        district: Option<String>,
        #[arg(long, default_value_t = 14)]
        days: u32,
        #[arg(long)]
        as_of: Option<String>,
        #[arg(long)]
        lang: Option<String>,
    },
}

/// Prints digests to standard output, one school after another.
struct PrintSender {
    lang: Locale,
}

impl lingyan_store::duties::DigestSender for PrintSender {
    fn send(
        &mut self,
        school: &lingyan_store::duties::SchoolProgress,
        digest: &lingyan_domain::duties::reminders::Digest,
    ) -> lingyan_store::Result<()> {
        println!(
            "{}",
            t_args(
                self.lang,
                "cli.digest_head",
                &[
                    ("school", school.school_name.clone()),
                    ("date", digest.as_of.to_string()),
                    ("days", digest.days.to_string()),
                ]
            )
        );
        if digest.lines.is_empty() {
            println!("{}\n", t(self.lang, "duties.digest_empty"));
        } else {
            println!("{}\n", digest.text(self.lang));
        }
        Ok(())
    }
}

pub(crate) async fn run(loc: Locale, config: &Config, command: DutiesCommand) -> Result<()> {
    use lingyan_domain::duties::presets::{self, PresetError};
    match command {
        DutiesCommand::CheckRules { file } => {
            let shown = file.display().to_string();
            let text = std::fs::read_to_string(&file).map_err(|e| {
                anyhow!(t_args(
                    loc,
                    "cli.cannot_read",
                    &[("file", shown.clone()), ("error", e.to_string())]
                ))
            })?;
            let json = file.extension().is_some_and(|e| e.eq_ignore_ascii_case("json"));
            match presets::parse_set_file(&text, json) {
                Ok(set) => {
                    println!(
                        "{}",
                        t_count(loc, "cli.rules_ok", set.rules.len(), &[("file", shown)])
                    );
                    for r in &set.rules {
                        println!("  {} · {}", r.code, r.name(loc));
                    }
                    Ok(())
                }
                Err(PresetError::Syntax(m)) => {
                    bail!(t_args(loc, "cli.rules_syntax", &[("file", shown), ("error", m)]))
                }
                Err(PresetError::Rules(errors)) => {
                    let n = errors.len();
                    let lingyan_store::Error::InvalidAll(all) = lingyan_store::duties::rule_errors(errors)
                    else {
                        unreachable!("rule_errors always gives InvalidAll");
                    };
                    for fe in &all {
                        eprintln!("  {}", i18n::field_error(loc, fe));
                    }
                    bail!(t_count(loc, "cli.rules_bad", n, &[("file", shown)]))
                }
            }
        }
        DutiesCommand::Presets => {
            for p in presets::all() {
                println!(
                    "{}  {} ({}; {})",
                    p.code,
                    p.name(loc),
                    p.source,
                    i18n::Tr(loc).n("duties.n_rules", &p.set.rules.len())
                );
            }
            Ok(())
        }
        DutiesCommand::Adopt {
            school,
            district,
            preset,
            year,
            effective_from,
        } => {
            let store = open_store(config).await?;
            let scope = Scope::system("cli");
            let (d, s) = place(loc, &store, &scope, &school, &district).await?;
            let year = year_or_current(loc, &store, &scope, (d, s), year).await?;
            let v = lingyan_store::duties::adopt(&store, &scope, d, s, year, &preset, effective_from)
                .await
                .map_err(|e| explain(loc, e))?;
            println!(
                "{}",
                t_count(
                    loc,
                    "cli.adopted",
                    v.set.rules.len(),
                    &[("preset", preset), ("year", year.to_string())]
                )
            );
            Ok(())
        }
        DutiesCommand::Progress {
            school,
            district,
            as_of,
            lang,
            format,
            output,
        } => {
            let l = parse_lang(loc, &lang)?;
            let as_of = parse_as_of(loc, &as_of)?;
            let store = open_store(config).await?;
            let scope = Scope::system("cli");
            let (d, s) = place(loc, &store, &scope, &school, &district).await?;
            let filter = lingyan_store::duties::ProgressFilter::default();
            if format == DutiesFormat::Xlsx {
                let (Some(s), Some(out)) = (s, &output) else {
                    bail!(t(loc, "cli.xlsx_needs_school"));
                };
                let p = lingyan_store::duties::school(&store, &scope, s, as_of, &filter)
                    .await
                    .map_err(|e| explain(loc, e))?;
                let bytes = lingyan_web::pages::duties_xlsx(&p, l).map_err(|e| explain(loc, e))?;
                std::fs::write(out, bytes)?;
                println!(
                    "{}",
                    t_args(loc, "cli.written", &[("file", out.display().to_string())])
                );
                return Ok(());
            }
            let mut sink: Box<dyn std::io::Write> = match &output {
                Some(path) => Box::new(std::io::BufWriter::new(std::fs::File::create(path)?)),
                None => Box::new(std::io::stdout().lock()),
            };
            let mut write = |p: lingyan_store::duties::SchoolProgress| -> lingyan_store::Result<()> {
                // JSON: one school per line; text: each school's lines.
                let text = match format {
                    DutiesFormat::Json => {
                        serde_json::to_string(&p)
                            .map_err(|e| lingyan_store::Error::Internal(e.to_string()))?
                            + "\n"
                    }
                    _ => lingyan_web::pages::duties_text(&p, l),
                };
                sink.write_all(text.as_bytes())
                    .map_err(|e| lingyan_store::Error::Internal(e.to_string()))
            };
            match s {
                Some(s) => write(
                    lingyan_store::duties::school(&store, &scope, s, as_of, &filter)
                        .await
                        .map_err(|e| explain(loc, e))?,
                )
                .map_err(|e| explain(loc, e))?,
                None => lingyan_store::duties::district(&store, &scope, d, as_of, &filter, write)
                    .await
                    .map_err(|e| explain(loc, e))?,
            }
            Ok(())
        }
        DutiesCommand::Digest {
            school,
            district,
            days,
            as_of,
            lang,
        } => {
            let l = parse_lang(loc, &lang)?;
            let as_of = parse_as_of(loc, &as_of)?;
            let store = open_store(config).await?;
            let scope = Scope::system("cli");
            let (d, s) = place(loc, &store, &scope, &school, &district).await?;
            let mut sender = PrintSender { lang: l };
            match s {
                Some(s) => {
                    let p = lingyan_store::duties::school(&store, &scope, s, as_of, &Default::default())
                        .await
                        .map_err(|e| explain(loc, e))?;
                    let dg = lingyan_store::duties::digest_of(&p, days);
                    lingyan_store::duties::DigestSender::send(&mut sender, &p, &dg)
                        .map_err(|e| explain(loc, e))?;
                }
                None => {
                    lingyan_store::duties::send_digests(&store, &scope, d, as_of, days, &mut sender)
                        .await
                        .map_err(|e| explain(loc, e))?;
                }
            }
            Ok(())
        }
    }
}
