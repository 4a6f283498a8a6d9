//! `export`: a school's roster as a spreadsheet.

use crate::app::{explain, find_school, open_store};
use anyhow::{Context, Result};
use clap::Subcommand;
use lingyan_domain::Locale;
use lingyan_store::Scope;
use lingyan_web::Config;
use lingyan_web::i18n::{t, t_count};
use std::path::PathBuf;

#[derive(Subcommand)]
pub(crate) enum ExportCommand {
    /// A school's roster as .xlsx (the import template's columns).
    Roster {
        #[arg(long)]
        school: String,
        #[arg(short = 'o', long = "output")]
        output: PathBuf,
    },
}

pub(crate) async fn run(loc: Locale, config: &Config, command: ExportCommand) -> Result<()> {
    let ExportCommand::Roster { school, output } = command;
    let store = open_store(config).await?;
    let scope = Scope::system("cli");
    let s = find_school(loc, &store, &scope, &school).await?;
    let rows = lingyan_store::roster::export_rows(&store, &scope, s.id)
        .await
        .map_err(|e| explain(loc, e))?;
    let headers: Vec<(&str, &str)> = lingyan_store::roster::COLUMNS
        .iter()
        .map(|(_, zh, en, _)| (*zh, *en))
        .collect();
    let bytes = lingyan_reports::roster::workbook(&t(loc, "roster.sheet"), &headers, &rows)?;
    std::fs::write(&output, bytes)
        .with_context(|| crate::app::cannot("cli.cannot_write", &output.display()))?;
    println!(
        "{}",
        t_count(
            loc,
            "cli.exported",
            rows.len(),
            &[("file", output.display().to_string())]
        )
    );
    Ok(())
}
