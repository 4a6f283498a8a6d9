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

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum TranscriptFormat {
    Text,
    Json,
    Xlsx,
    Pdf,
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
    /// Load a file in the national system's domestic-training format
    /// (国内培训: .xlsx, .xls or .csv) into the ledgers of a district's
    /// teachers: all or nothing, every problem by row and column; trainings
    /// already recorded are recognised and skipped.
    Import {
        file: PathBuf,
        #[arg(long)]
        district: String,
        /// Check everything, write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Write a district's records of a year in the national format
    /// (.xlsx, or .csv by the file's extension).
    Export {
        #[arg(long)]
        district: String,
        #[arg(long)]
        year: i32,
        #[arg(short = 'o', long = "output")]
        output: PathBuf,
    },
    /// One teacher's transcript: what counted toward the cycle, what is
    /// still to earn, whether they may apply for a higher title.
    Transcript {
        /// The teacher's registry id, or staff number with --school.
        #[arg(long)]
        teacher: String,
        #[arg(long)]
        school: Option<String>,
        /// As of this date (default today).
        #[arg(long)]
        as_of: Option<String>,
        /// The cycle beginning in this year (default the one containing --as-of).
        #[arg(long)]
        cycle: Option<i32>,
        #[arg(long)]
        lang: Option<String>,
        /// xlsx and pdf need -o; a pdf is issued with a verification code
        /// whose page is at the site's address (public_url, or --base-url).
        #[arg(long, value_enum, default_value = "text")]
        format: TranscriptFormat,
        #[arg(short = 'o', long = "output")]
        output: Option<PathBuf>,
        /// The site's address printed on a PDF (default: public_url).
        #[arg(long)]
        base_url: Option<String>,
    },
    /// Completion of the requirement for a school or a district: the
    /// rates, each part's, and every teacher who has not met it with what
    /// is due (those may not apply for a higher title) and what is still to
    /// earn.
    Report {
        #[arg(long, conflicts_with = "district", required_unless_present = "district")]
        school: Option<String>,
        #[arg(long)]
        district: Option<String>,
        /// As of this date (default today).
        #[arg(long)]
        as_of: Option<String>,
        /// The cycle containing this year (default the one containing
        /// --as-of); a past cycle has everything due.
        #[arg(long)]
        cycle: Option<i32>,
        #[arg(long)]
        lang: Option<String>,
        /// xlsx needs -o.
        #[arg(long, value_enum, default_value = "text")]
        format: crate::duties::DutiesFormat,
        #[arg(short = 'o', long = "output")]
        output: Option<PathBuf>,
    },
    /// Check a requirement file (TOML as the `[rules]` of a file in
    /// crates/domain/presets/credits, or JSON) and list every problem.
    CheckRules { file: PathBuf },
}

pub(crate) async fn run(loc: Locale, config: &Config, command: CreditsCommand) -> Result<()> {
    match command {
        CreditsCommand::Import {
            file,
            district,
            dry_run,
        } => {
            let store = open_store(config).await?;
            let scope = Scope::system("cli");
            let (d, _) = place(loc, &store, &scope, &None, &Some(district)).await?;
            let (name, bytes) = crate::import::read_named(&file)?;
            let r = lingyan_store::credits::import_national(
                &store,
                &scope,
                d,
                &name,
                &bytes,
                dry_run,
                config.limits.import_bytes,
                lingyan_store::calendar::today(),
            )
            .await
            .map_err(|e| explain(loc, e))?;
            crate::import::check_report(loc, &name, &r.file_error, &r.errors)?;
            let key = if dry_run {
                "cli.credits_checked"
            } else {
                "cli.credits_imported"
            };
            println!(
                "{}",
                t_args(
                    loc,
                    key,
                    &[
                        ("rows", r.rows.to_string()),
                        ("added", r.added.to_string()),
                        ("already", r.already.to_string())
                    ]
                )
            );
            Ok(())
        }
        CreditsCommand::Export {
            district,
            year,
            output,
        } => {
            let store = open_store(config).await?;
            let scope = Scope::system("cli");
            let (d, _) = place(loc, &store, &scope, &None, &Some(district)).await?;
            let rows = lingyan_store::credits::export_national(&store, &scope, d, year)
                .await
                .map_err(|e| explain(loc, e))?;
            let csv = output.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv"));
            let bytes = if csv {
                lingyan_store::credits::national_csv(&rows).map_err(|e| explain(loc, e))?
            } else {
                lingyan_web::pages::national_xlsx(&rows).map_err(|e| anyhow!(e.to_string()))?
            };
            std::fs::write(&output, bytes)?;
            println!(
                "{}",
                t_args(
                    loc,
                    "cli.credits_exported",
                    &[
                        ("n", (rows.len() - 1).to_string()),
                        ("file", output.display().to_string())
                    ]
                )
            );
            Ok(())
        }
        CreditsCommand::Transcript {
            teacher,
            school,
            as_of,
            cycle,
            lang,
            format,
            output,
            base_url,
        } => {
            if matches!(format, TranscriptFormat::Xlsx | TranscriptFormat::Pdf) && output.is_none() {
                bail!(t(loc, "cli.xlsx_needs_output"));
            }
            let l = parse_lang(loc, &lang)?;
            let as_of = crate::app::parse_as_of(loc, &as_of)?;
            let store = open_store(config).await?;
            let scope = Scope::system("cli");
            let id = crate::app::find_teacher(loc, &store, &scope, &teacher, school.as_deref()).await?;
            let v = lingyan_store::credits::transcript_of(&store, &scope, id, as_of, cycle)
                .await
                .map_err(|e| explain(loc, e))?;
            let bytes = match format {
                TranscriptFormat::Json => {
                    println!("{}", serde_json::to_string_pretty(&v)?);
                    return Ok(());
                }
                TranscriptFormat::Text => {
                    println!("{}", lingyan_web::pages::credit_transcript_text(&v, l));
                    return Ok(());
                }
                TranscriptFormat::Xlsx => {
                    lingyan_web::pages::transcript_xlsx(&v, l).map_err(|e| anyhow!(e.to_string()))?
                }
                TranscriptFormat::Pdf => {
                    let Some(base) = base_url
                        .or_else(|| config.public_url.clone())
                        .filter(|u| u.starts_with("http://") || u.starts_with("https://"))
                    else {
                        bail!(t(loc, "cli.pdf_needs_base_url"));
                    };
                    let issued = lingyan_store::credits::issue(&store, &scope, &v)
                        .await
                        .map_err(|e| explain(loc, e))?;
                    let pdf = lingyan_web::pages::transcript_pdf(&v, l, &issued, &base)
                        .map_err(|e| anyhow!(e.to_string()))?;
                    println!(
                        "{}",
                        t_args(
                            loc,
                            "cli.transcript_issued",
                            &[
                                ("code", issued.code.clone()),
                                ("url", lingyan_web::pages::verify_url(&base, &issued.code))
                            ]
                        )
                    );
                    pdf
                }
            };
            let Some(out) = output else {
                bail!(t(loc, "cli.xlsx_needs_output"));
            };
            std::fs::write(&out, bytes)?;
            println!(
                "{}",
                t_args(loc, "cli.written", &[("file", out.display().to_string())])
            );
            Ok(())
        }
        CreditsCommand::Report {
            school,
            district,
            as_of,
            cycle,
            lang,
            format,
            output,
        } => {
            use crate::duties::DutiesFormat;
            let l = parse_lang(loc, &lang)?;
            let as_of = crate::app::parse_as_of(loc, &as_of)?;
            if format == DutiesFormat::Xlsx && output.is_none() {
                bail!(t(loc, "cli.xlsx_needs_output"));
            }
            let store = open_store(config).await?;
            let scope = Scope::system("cli");
            let (d, s) = place(loc, &store, &scope, &school, &district).await?;
            let c = lingyan_store::credits::completion(&store, &scope, d, s, as_of, cycle)
                .await
                .map_err(|e| explain(loc, e))?;
            let bytes = match format {
                DutiesFormat::Xlsx => {
                    lingyan_web::pages::completion_xlsx(&c, l).map_err(|e| anyhow!(e.to_string()))?
                }
                DutiesFormat::Json => (serde_json::to_string_pretty(&c)? + "\n").into_bytes(),
                DutiesFormat::Text => lingyan_web::pages::completion_text(&c, l).into_bytes(),
            };
            match output {
                Some(out) => {
                    std::fs::write(&out, bytes)?;
                    println!(
                        "{}",
                        t_args(loc, "cli.written", &[("file", out.display().to_string())])
                    );
                }
                None => {
                    use std::io::Write;
                    std::io::stdout().lock().write_all(&bytes)?;
                }
            }
            Ok(())
        }
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
