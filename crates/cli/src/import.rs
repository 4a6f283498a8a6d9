//! `import` and `attach`: rosters and portfolio records from spreadsheets,
//! and files attached to records.

use crate::app::{explain, find_school, open_store};
use anyhow::{Context, Result, anyhow, bail};
use clap::{Args, Subcommand};
use lingyan_domain::Locale;
use lingyan_store::Scope;
use lingyan_web::Config;
use lingyan_web::i18n::{self, t, t_args, t_count};
use std::path::PathBuf;

#[derive(Subcommand)]
pub(crate) enum ImportCommand {
    /// Import portfolio records (.xlsx, .xls, .csv) kept in Excel: one kind
    /// per sheet or a kind column; all rows or none; rows already there are
    /// skipped.
    Evidence {
        file: PathBuf,
        #[arg(long)]
        school: String,
        /// Check and report only; write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Import a roster (.xlsx, .xls, .csv) into a school: all rows or none.
    Roster {
        file: PathBuf,
        #[arg(long)]
        school: String,
        /// Check and report only; write nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

// Files to attach to a record.
#[derive(Args)]
pub(crate) struct AttachArgs {
    /// The record's id (as in /evidence/ID).
    #[arg(long)]
    evidence: i64,
    #[arg(required = true)]
    files: Vec<PathBuf>,
}

pub(crate) async fn run(loc: Locale, config: &Config, command: ImportCommand) -> Result<()> {
    match command {
        ImportCommand::Roster {
            file,
            school,
            dry_run,
        } => import_roster(loc, config, &file, &school, dry_run).await,
        ImportCommand::Evidence {
            file,
            school,
            dry_run,
        } => import_evidence(loc, config, &file, &school, dry_run).await,
    }
}

pub(crate) async fn attach(loc: Locale, config: &Config, args: AttachArgs) -> Result<()> {
    let AttachArgs { evidence, files } = args;
    let store = open_store(config).await?;
    let scope = Scope::system("cli");
    // Read every file first: nothing is attached if one is missing.
    let mut read = Vec::new();
    for f in &files {
        let bytes =
            std::fs::read(f).with_context(|| crate::app::cannot("cli.cannot_read_file", &f.display()))?;
        let name = f
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        read.push((name, bytes));
    }
    for (name, bytes) in read {
        let a = lingyan_store::attachments::attach(
            &store,
            &scope,
            lingyan_store::files::Target::Evidence(evidence),
            &name,
            &bytes,
            lingyan_store::calendar::today(),
        )
        .await
        .map_err(|e| match e {
            lingyan_store::Error::NotFound => {
                anyhow!(t_args(loc, "cli.no_evidence", &[("id", evidence.to_string())]))
            }
            e => explain(loc, e),
        })?;
        println!(
            "{}",
            t_args(
                loc,
                "cli.attached",
                &[
                    ("name", a.filename),
                    ("type", a.content_type),
                    ("id", evidence.to_string())
                ]
            )
        );
    }
    Ok(())
}

/// Prints every problem of a file by row and column, and the error that
/// ends the command.
/// A file to import: its name (for the report) and its bytes.
pub(crate) fn read_named(file: &std::path::Path) -> anyhow::Result<(String, Vec<u8>)> {
    use anyhow::Context;
    let bytes =
        std::fs::read(file).with_context(|| crate::app::cannot("cli.cannot_read_file", &file.display()))?;
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok((name, bytes))
}

/// Fails when an import found a problem with the whole file or its rows
/// (each row's printed first).
pub(crate) fn check_report(
    loc: Locale,
    name: &str,
    file_error: &Option<lingyan_domain::FieldError>,
    errors: &[lingyan_store::roster::RowIssue],
) -> anyhow::Result<()> {
    if let Some(e) = file_error {
        anyhow::bail!(
            "{}{}{}",
            name,
            i18n::t(loc, "punct.colon"),
            i18n::field_error(loc, e)
        );
    }
    if !errors.is_empty() {
        return Err(row_errors(loc, errors));
    }
    Ok(())
}

pub(crate) fn row_errors(loc: Locale, errors: &[lingyan_store::roster::RowIssue]) -> anyhow::Error {
    for e in errors {
        eprintln!(
            "{}",
            t_args(
                loc,
                "cli.row_error",
                &[
                    ("row", e.row.to_string()),
                    ("column", e.column.clone()),
                    (
                        "message",
                        i18n::t_args(loc, &format!("errors.{}", e.error.code), &e.error.args)
                    )
                ]
            )
        );
    }
    anyhow::anyhow!(t_count(loc, "cli.import_failed", errors.len(), &[]))
}

async fn import_roster(
    loc: Locale,
    config: &Config,
    file: &std::path::Path,
    school: &str,
    dry_run: bool,
) -> Result<()> {
    let store = open_store(config).await?;
    let scope = Scope::system("cli");
    let s = find_school(loc, &store, &scope, school).await?;
    let bytes =
        std::fs::read(file).with_context(|| crate::app::cannot("cli.cannot_read_file", &file.display()))?;
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let r = lingyan_store::roster::import(
        &store,
        &scope,
        s.id,
        &name,
        &bytes,
        dry_run,
        config.limits.import_bytes,
        lingyan_store::calendar::today(),
    )
    .await
    .map_err(|e| explain(loc, e))?;
    if let Some(e) = &r.file_error {
        bail!("{}{}{}", name, t(loc, "punct.colon"), i18n::field_error(loc, e));
    }
    for w in &r.warnings {
        eprintln!(
            "{}",
            t_args(
                loc,
                "cli.row_warning",
                &[
                    ("row", w.row.to_string()),
                    ("column", w.column.clone()),
                    (
                        "message",
                        i18n::t_args(loc, &format!("errors.{}", w.error.code), &w.error.args)
                    )
                ]
            )
        );
    }
    if !r.unknown_columns.is_empty() {
        eprintln!(
            "{}{}{}",
            t(loc, "roster.unknown_columns"),
            t(loc, "punct.colon"),
            r.unknown_columns.join(", ")
        );
    }
    if !r.errors.is_empty() {
        return Err(row_errors(loc, &r.errors));
    }
    let key = if dry_run {
        "cli.import_checked"
    } else {
        "cli.imported"
    };
    println!(
        "{}",
        t_args(
            loc,
            key,
            &[
                ("rows", r.rows.to_string()),
                ("added", r.added.to_string()),
                ("updated", r.updated.to_string()),
                ("unchanged", r.unchanged.to_string()),
                ("honours", r.honours_added.to_string()),
            ]
        )
    );
    Ok(())
}

/// `lingyan import evidence FILE --school CODE [--dry-run]`
async fn import_evidence(
    loc: Locale,
    config: &Config,
    file: &std::path::Path,
    school: &str,
    dry_run: bool,
) -> Result<()> {
    let store = open_store(config).await?;
    let scope = Scope::system("cli");
    let s = find_school(loc, &store, &scope, school).await?;
    let bytes =
        std::fs::read(file).with_context(|| crate::app::cannot("cli.cannot_read_file", &file.display()))?;
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let r = lingyan_store::evidence_import::import(
        &store,
        &scope,
        s.id,
        &name,
        &bytes,
        dry_run,
        config.limits.import_bytes,
        lingyan_store::calendar::today(),
    )
    .await
    .map_err(|e| explain(loc, e))?;
    if let Some(e) = &r.file_error {
        bail!("{}: {}", file.display(), i18n::field_error(loc, e));
    }
    if !r.unknown_columns.is_empty() {
        eprintln!(
            "{}{}{}",
            t(loc, "roster.unknown_columns"),
            t(loc, "punct.colon"),
            r.unknown_columns.join(", ")
        );
    }
    if !r.errors.is_empty() {
        for e in &r.errors {
            let column = if e.column_is_field {
                t(loc, &format!("fields.{}", e.column))
            } else {
                e.column.clone()
            };
            eprintln!(
                "{}",
                t_args(
                    loc,
                    if e.sheet.is_empty() {
                        "cli.row_error"
                    } else {
                        "cli.sheet_row_error"
                    },
                    &[
                        ("sheet", e.sheet.clone()),
                        ("row", e.row.to_string()),
                        ("column", column),
                        (
                            "message",
                            i18n::t_args(loc, &format!("errors.{}", e.error.code), &e.error.args)
                        )
                    ]
                )
            );
        }
        bail!(t_count(loc, "cli.import_failed", r.errors.len(), &[]));
    }
    let kinds: Vec<String> = r
        .by_kind
        .iter()
        .map(|(k, n)| format!("{} {n}", t(loc, &format!("evidence_kinds.{k}"))))
        .collect();
    println!(
        "{}",
        t_args(
            loc,
            if dry_run {
                "cli.evidence_checked"
            } else {
                "cli.evidence_imported"
            },
            &[
                ("rows", r.rows.to_string()),
                ("added", r.added.to_string()),
                ("skipped", r.skipped.to_string()),
                // "(reading 3, …)" only when something was added.
                (
                    "kinds",
                    if kinds.is_empty() {
                        String::new()
                    } else {
                        t_args(loc, "cli.kinds_paren", &[("list", kinds.join(", "))])
                    },
                ),
            ]
        )
    );
    Ok(())
}
