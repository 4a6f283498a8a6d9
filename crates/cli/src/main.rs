//! `lingyan`: the server and its administration from the command line.
//! Thin: `main` parses the arguments and hands each command area to its
//! module, which calls the library crates. A new area adds one module and
//! one variant here.

mod admin;
mod app;
mod attendance;
mod credits;
mod duties;
mod export;
mod gen_data;
mod import;
mod mentoring;
mod report;
mod school;
mod server;

use anyhow::{Result, anyhow};
use clap::{Args, Parser, Subcommand};
use lingyan_web::Config;
use std::path::PathBuf;

#[derive(Parser)]
#[command(
    name = "lingyan",
    version,
    about = "Lingyan (领雁): backbone-teacher cultivation and school-based training"
)]
struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone)]
struct Global {
    /// Database URL (postgres://… or sqlite://…); default DATA_DIR/lingyan.db.
    /// Also LINGYAN_DATABASE_URL.
    #[arg(long, global = true)]
    database_url: Option<String>,
    /// Directory for the SQLite database and files. Also LINGYAN_DATA_DIR.
    #[arg(long, global = true)]
    data_dir: Option<PathBuf>,
    /// Configuration file (default ./lingyan.toml if present).
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    /// Show what happens (-v) or everything (-vv) on stderr; commands other
    /// than `serve` are quiet otherwise. LINGYAN_LOG or RUST_LOG (a filter
    /// such as `info`) also turn logging on.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    verbose: u8,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server (migrates the database first).
    Serve(server::ServeArgs),
    /// Apply pending database migrations.
    Migrate,
    /// Load the demo district, schools and accounts into an empty database.
    Demo,
    /// Administration tasks.
    Admin {
        #[command(subcommand)]
        command: admin::AdminCommand,
    },
    /// Schools: add and list.
    School {
        #[command(subcommand)]
        command: school::SchoolCommand,
    },
    /// Attach files to a portfolio record (type checked by content; stored
    /// once per content under the data directory).
    Attach(import::AttachArgs),
    /// Import data from spreadsheets.
    Import {
        #[command(subcommand)]
        command: import::ImportCommand,
    },
    /// Export data to spreadsheets.
    Export {
        #[command(subcommand)]
        command: export::ExportCommand,
    },
    /// Generate districts of teachers with honours, groups, mentor pairs,
    /// research projects, portfolio records and a duty set, for benchmarks
    /// and trials (seeded; bulk inserts; not for real data).
    GenData(gen_data::GenDataArgs),
    /// Duties (N个一): progress, rule files, presets and reminder digests.
    Duties {
        #[command(subcommand)]
        command: duties::DutiesCommand,
    },
    /// Continuing-education credits: the requirement per district (or
    /// school) and year, and the preset library.
    Credits {
        #[command(subcommand)]
        command: credits::CreditsCommand,
    },
    /// Mentoring (师徒结对): a ceremony's agreements.
    Mentoring {
        #[command(subcommand)]
        command: mentoring::MentoringCommand,
    },
    /// Attendance at training activities.
    Attendance {
        #[command(subcommand)]
        command: attendance::AttendanceCommand,
    },
    /// Produce reports.
    Report {
        #[command(subcommand)]
        command: report::ReportCommand,
    },
    /// Back up the database and the attachments into one archive (a
    /// consistent snapshot, taken while the server runs).
    Backup(admin::BackupArgs),
    /// Restore an archive made by `backup` into an empty database and data
    /// directory (checked in full before anything is written).
    Restore(admin::RestoreArgs),
}

fn load_config(g: &Global) -> Result<Config> {
    let mut c = Config::load(g.config.as_deref()).map_err(|e| anyhow!("{e}"))?;
    if let Some(u) = &g.database_url {
        c.database_url = Some(u.clone());
    }
    if let Some(d) = &g.data_dir {
        c.data_dir = d.clone();
    }
    Ok(c)
}

/// mimalloc instead of the system allocator: the duties matrix allocates
/// many small strings across threads, where glibc's malloc spent a fifth
/// of the time (docs/decisions.md 25).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Runs the command; an error is printed as "Error: …" (错误：…) in the
/// CLI's language, without a backtrace, and the exit status is 1. Output
/// cut short by its reader (`… | head`) ends quietly, as other tools do.
#[tokio::main]
async fn main() -> std::process::ExitCode {
    let loc = app::cli_locale();
    match run(Cli::parse(), loc).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e)
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) =>
        {
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!(
                "{}{}{e:#}",
                lingyan_web::i18n::t(loc, "cli.error"),
                lingyan_web::i18n::t(loc, "punct.colon")
            );
            std::process::ExitCode::FAILURE
        }
    }
}

/// The log filter: the server logs as configured; other commands only
/// warnings unless asked (`-v`, `-vv`, LINGYAN_LOG, RUST_LOG).
fn log_filter(serve: bool, verbose: u8, config: &Config) -> tracing_subscriber::EnvFilter {
    use tracing_subscriber::EnvFilter;
    if let Ok(f) = EnvFilter::try_from_env("LINGYAN_LOG").or_else(|_| EnvFilter::try_from_env("RUST_LOG")) {
        return f;
    }
    EnvFilter::new(match verbose {
        0 if serve => config.log.as_str(),
        0 => "warn",
        1 => "info",
        _ => "debug",
    })
}

async fn run(cli: Cli, loc: lingyan_domain::Locale) -> Result<()> {
    let config = load_config(&cli.global)?;
    tracing_subscriber::fmt()
        .with_env_filter(log_filter(
            matches!(cli.command, Command::Serve(_)),
            cli.global.verbose,
            &config,
        ))
        .with_writer(std::io::stderr)
        .init();

    match cli.command {
        Command::Serve(args) => server::serve(loc, config, args).await,
        Command::Migrate => server::migrate(loc, &config).await,
        Command::Demo => server::demo(loc, &config).await,
        Command::Admin { command } => admin::run(loc, &config, command).await,
        Command::School { command } => school::run(loc, &config, command).await,
        Command::Attach(args) => import::attach(loc, &config, args).await,
        Command::Import { command } => import::run(loc, &config, command).await,
        Command::Export { command } => export::run(loc, &config, command).await,
        Command::GenData(args) => gen_data::run(loc, &config, args).await,
        Command::Duties { command } => duties::run(loc, &config, command).await,
        Command::Credits { command } => credits::run(loc, &config, command).await,
        Command::Mentoring { command } => mentoring::run(loc, &config, command).await,
        Command::Attendance { command } => attendance::run(loc, &config, command).await,
        Command::Report { command } => report::run(loc, &config, command).await,
        Command::Backup(args) => admin::backup(loc, &config, args).await,
        Command::Restore(args) => admin::restore(loc, &config, args).await,
    }
}
