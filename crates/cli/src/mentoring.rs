//! `mentoring`: suggested mentors for a school's young and new teachers,
//! and the agreements of a ceremony (拜师仪式) in one file, for the school
//! to print.

use crate::app::{explain, find_school, open_store, parse_lang};
use anyhow::{Result, anyhow, bail};
use clap::Subcommand;
use lingyan_domain::Locale;
use lingyan_store::Scope;
use lingyan_web::Config;
use lingyan_web::i18n::{t_args, t_count};
use std::path::PathBuf;

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum SuggestFormat {
    Text,
    Json,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum ReportFormat {
    Text,
    Json,
    Xlsx,
}

#[derive(Subcommand)]
pub(crate) enum MentoringCommand {
    /// A school's mentoring at a glance: the share of young and new
    /// teachers with a mentor, each running pair's meetings, cycles done,
    /// cycle under way and last activity (pairs quiet for 30 days marked
    /// "!"), and the teachers still without a mentor.
    Report {
        /// The school's code.
        #[arg(long)]
        school: String,
        #[arg(long)]
        lang: Option<String>,
        #[arg(long, value_enum, default_value = "text")]
        format: ReportFormat,
        /// Where the workbook goes (required with --format xlsx).
        #[arg(short = 'o', long = "output")]
        output: Option<PathBuf>,
    },
    /// Suggested mentors for a school's young (under 35) and new (first
    /// three years) teachers without a mentor, or for one teacher: the
    /// district's five best candidates each, with every part of the score.
    /// Nothing is paired.
    Suggest {
        /// The school's code.
        #[arg(long)]
        school: String,
        /// One teacher of the school, by staff number.
        #[arg(long)]
        teacher: Option<String>,
        #[arg(long)]
        lang: Option<String>,
        #[arg(long, value_enum, default_value = "text")]
        format: SuggestFormat,
    },
    /// Every agreement (师徒结对协议书) of a school's ceremony in one file,
    /// each on its own pages: a Word document, or a PDF when the output
    /// ends in .pdf. Dissolved pairs are left out.
    Agreements {
        /// The school's code (its apprentices' school).
        #[arg(long)]
        school: String,
        /// The ceremony's date (YYYY-MM-DD).
        #[arg(long)]
        ceremony: String,
        /// zh-CN or en (default: the command line's language).
        #[arg(long)]
        lang: Option<String>,
        #[arg(short = 'o', long = "output")]
        output: PathBuf,
    },
}

pub(crate) async fn run(loc: Locale, config: &Config, command: MentoringCommand) -> Result<()> {
    match command {
        MentoringCommand::Report {
            school,
            lang,
            format,
            output,
        } => {
            let l = parse_lang(loc, &lang)?;
            if format == ReportFormat::Xlsx && output.is_none() {
                bail!(lingyan_web::i18n::t(loc, "cli.xlsx_needs_output"));
            }
            let store = open_store(config).await?;
            let scope = Scope::system("cli");
            let s = find_school(loc, &store, &scope, &school).await?;
            let o = lingyan_store::mentoring::overview::overview(
                &store,
                &scope,
                s.id,
                lingyan_store::calendar::today(),
            )
            .await
            .map_err(|e| explain(loc, e))?;
            let tr = lingyan_web::i18n::Tr(l);
            match format {
                ReportFormat::Json => {
                    let dto: lingyan_web::api::mentoring::OverviewDto = o.into();
                    println!("{}", serde_json::to_string_pretty(&dto)?);
                }
                ReportFormat::Text => print!("{}", lingyan_web::pages::mentoring_overview_text(tr, &o)),
                ReportFormat::Xlsx => {
                    let out = output.unwrap_or_default();
                    let bytes = lingyan_reports::xlsx(&lingyan_web::pages::mentoring_overview_tables(tr, &o))
                        .map_err(|e| anyhow!(e.to_string()))?;
                    std::fs::write(&out, bytes)?;
                    println!(
                        "{}",
                        t_args(loc, "cli.written", &[("file", out.display().to_string())])
                    );
                }
            }
            Ok(())
        }
        MentoringCommand::Suggest {
            school,
            teacher,
            lang,
            format,
        } => {
            let l = parse_lang(loc, &lang)?;
            let store = open_store(config).await?;
            let scope = Scope::system("cli");
            let s = find_school(loc, &store, &scope, &school).await?;
            let teacher_id = match &teacher {
                Some(no) => Some(crate::app::find_teacher(loc, &store, &scope, no, Some(&school)).await?),
                None => None,
            };
            let suggestions = lingyan_store::mentoring::matching::suggest(
                &store,
                &scope,
                s.id,
                teacher_id,
                lingyan_store::calendar::today(),
            )
            .await
            .map_err(|e| explain(loc, e))?;
            match format {
                SuggestFormat::Json => println!("{}", serde_json::to_string_pretty(&suggestions)?),
                SuggestFormat::Text => {
                    let tr = lingyan_web::i18n::Tr(l);
                    let rows = lingyan_web::pages::suggestion_rows(tr, s.id, &suggestions);
                    if rows.is_empty() {
                        println!("{}", lingyan_web::i18n::t(l, "mentoring.suggest_none"));
                    }
                    for r in rows {
                        println!("{} {}", r.apprentice, r.about);
                        if r.candidates.is_empty() {
                            println!("  {}", lingyan_web::i18n::t(l, "mentoring.no_candidates"));
                        }
                        for (i, (_, name, score, reasons)) in r.candidates.iter().enumerate() {
                            println!(
                                "  {}. {name} — {}",
                                i + 1,
                                t_args(l, "mentoring.score", &[("n", score.to_string())])
                            );
                            for why in reasons {
                                println!("       {why}");
                            }
                        }
                    }
                }
            }
            Ok(())
        }
        MentoringCommand::Agreements {
            school,
            ceremony,
            lang,
            output,
        } => {
            let l = parse_lang(loc, &lang)?;
            let date = lingyan_domain::dates::parse_date("ceremony_on", &ceremony)
                .map_err(|e| anyhow!(lingyan_web::i18n::field_error(loc, &e)))?;
            let pdf = output.extension().is_some_and(|e| e.eq_ignore_ascii_case("pdf"));
            let store = open_store(config).await?;
            let scope = Scope::system("cli");
            let s = find_school(loc, &store, &scope, &school).await?;
            let pairs = lingyan_web::pages::ceremony_pairs(&store, &scope, s.id, date)
                .await
                .map_err(|e| explain(loc, e))?;
            if pairs.is_empty() {
                bail!(t_args(
                    loc,
                    "cli.no_ceremony",
                    &[("school", s.name.clone()), ("date", date.to_string())]
                ));
            }
            let bytes =
                lingyan_web::pages::agreements_file(&pairs, l, pdf).map_err(|e| anyhow!(e.to_string()))?;
            std::fs::write(&output, bytes)?;
            println!(
                "{}",
                t_count(
                    loc,
                    "cli.agreements_written",
                    pairs.len(),
                    &[("file", output.display().to_string())]
                )
            );
            Ok(())
        }
    }
}
