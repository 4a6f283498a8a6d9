//! `lingyan`: the server and its administration from the command line.
//! Thin: parses arguments and calls the library crates.

use anyhow::{Context, Result, anyhow, bail};
use clap::{Args, Parser, Subcommand};
use lingyan_domain::{Locale, Role};
use lingyan_store::{Scope, Store};
use lingyan_web::i18n::{self, t, t_args};
use lingyan_web::{Application, Config};
use std::io::{BufRead, IsTerminal};
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
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server (migrates the database first).
    Serve {
        /// Address to listen on, e.g. 127.0.0.1:8080 (port 0 picks one).
        #[arg(long)]
        bind: Option<String>,
        /// Load the demo district into an empty database and print its logins.
        #[arg(long)]
        demo: bool,
    },
    /// Apply pending database migrations.
    Migrate,
    /// Load the demo district, schools and accounts into an empty database.
    Demo,
    /// Administration tasks.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Schools: add and list.
    School {
        #[command(subcommand)]
        command: SchoolCommand,
    },
    /// Attach files to a portfolio record (type checked by content; stored
    /// once per content under the data directory).
    Attach {
        /// The record's id (as in /evidence/ID).
        #[arg(long)]
        evidence: i64,
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Import data from spreadsheets.
    Import {
        #[command(subcommand)]
        command: ImportCommand,
    },
    /// Export data to spreadsheets.
    Export {
        #[command(subcommand)]
        command: ExportCommand,
    },
    /// Generate districts of teachers with honours, groups, mentor pairs,
    /// research projects, portfolio records and a duty set, for benchmarks
    /// and trials (seeded; bulk inserts; not for real data).
    GenData {
        /// Code of the new district (with --districts N: CODE1 … CODEN).
        #[arg(long, default_value = "BENCH")]
        district: String,
        #[arg(long, default_value_t = 1)]
        districts: usize,
        #[arg(long = "schools-per-district", alias = "schools", default_value_t = 10)]
        schools_per_district: usize,
        #[arg(long, default_value_t = 100)]
        teachers_per_school: usize,
        /// Teachers per district in all (overrides --teachers-per-school).
        #[arg(long)]
        teachers: Option<usize>,
        /// Portfolio records per teacher.
        #[arg(long, default_value_t = 100)]
        records: usize,
        /// School years the records spread over, ending with this one.
        #[arg(long, default_value_t = 3)]
        years: usize,
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Password of the two accounts made for logging in.
        #[arg(long, default_value = "lingyan-bench")]
        password: String,
    },
    /// Duties (N个一): progress, rule files, presets and reminder digests.
    Duties {
        #[command(subcommand)]
        command: DutiesCommand,
    },
    /// Produce reports.
    Report {
        #[command(subcommand)]
        command: ReportCommand,
    },
    /// Back up the database and the attachments into one archive (a
    /// consistent snapshot, taken while the server runs).
    Backup {
        /// The archive to write (.zip).
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Restore an archive made by `backup` into an empty database and data
    /// directory (checked in full before anything is written).
    Restore {
        /// The archive made by `lingyan backup`.
        archive: PathBuf,
        /// Replace what the database holds.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum DutiesFormat {
    Text,
    Json,
    Xlsx,
}

#[derive(Subcommand)]
enum DutiesCommand {
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

#[derive(Subcommand)]
enum SchoolCommand {
    /// Add a school (and its district, if the district code is new).
    Add {
        #[arg(long)]
        code: String,
        #[arg(long)]
        name: String,
        /// kindergarten, primary, junior, senior, nine_year, vocational (or 小学 …)
        #[arg(long = "type")]
        school_type: String,
        /// District code (default: the only district, if there is one).
        #[arg(long)]
        district: Option<String>,
        /// The district's name, when the district is new (default: its code).
        #[arg(long)]
        district_name: Option<String>,
        #[arg(long)]
        name_en: Option<String>,
    },
    /// List schools.
    List,
}

#[derive(Subcommand)]
enum ImportCommand {
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

#[derive(Subcommand)]
enum ExportCommand {
    /// A school's roster as .xlsx (the import template's columns).
    Roster {
        #[arg(long)]
        school: String,
        #[arg(short = 'o', long = "output")]
        output: PathBuf,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Text,
    Json,
    Docx,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum DocFormat {
    Pdf,
    Docx,
}

#[derive(Subcommand)]
enum ReportCommand {
    /// One teacher's growth report (成长报告): profile, honours, portfolio
    /// records by kind and school year, projects, with a chart.
    Teacher {
        /// The teacher's registry id, or staff number with --school.
        #[arg(long)]
        teacher: String,
        /// School code, when --teacher is a staff number.
        #[arg(long)]
        school: Option<String>,
        /// Records from this date.
        #[arg(long)]
        from: Option<String>,
        /// Records up to this date.
        #[arg(long)]
        to: Option<String>,
        /// zh-CN or en (default: the CLI's language).
        #[arg(long)]
        lang: Option<String>,
        #[arg(long, value_enum, default_value = "pdf")]
        format: DocFormat,
        #[arg(short = 'o', long = "output")]
        output: PathBuf,
    },
    /// The status analysis (情况分析) of a school, or a district with --district.
    Status {
        #[arg(long, conflicts_with = "district")]
        school: Option<String>,
        #[arg(long)]
        district: Option<String>,
        /// Ages are measured on this date (default today).
        #[arg(long)]
        as_of: Option<String>,
        /// zh-CN or en (default: the CLI's language).
        #[arg(long)]
        lang: Option<String>,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        /// Write here instead of standard output (required for docx).
        #[arg(short = 'o', long = "output")]
        output: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create an account. The password is asked for, or read from stdin.
    CreateUser {
        #[arg(long)]
        username: String,
        /// Role(s): teacher, mentor, group_leader, training_director,
        /// principal, district_admin, inspector, system_admin.
        #[arg(long = "role", required = true)]
        roles: Vec<String>,
        /// Home school code (for school roles).
        #[arg(long)]
        school: Option<String>,
        /// Home district code (for district roles without a school).
        #[arg(long)]
        district: Option<String>,
        /// Display name (default: the username).
        #[arg(long)]
        name: Option<String>,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
}

/// The CLI's language: LINGYAN_LANG, else LANG/LC_ALL (zh_* → Chinese).
fn cli_locale() -> Locale {
    for var in ["LINGYAN_LANG", "LC_ALL", "LANG"] {
        if let Ok(v) = std::env::var(var)
            && let Ok(l) = Locale::parse(v.split('.').next().unwrap_or(""))
        {
            return l;
        }
    }
    Locale::En
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

async fn open_store(c: &Config) -> Result<Store> {
    let url = c.database_url()?;
    let store = Store::connect(&url)
        .await
        .with_context(|| format!("cannot open database {}", lingyan_web::config::redact_url(&url)))?;
    store.migrate().await.context("migration failed")?;
    Ok(store.with_login_policy(c.login_policy()).with_blobs(c.blobs()))
}

fn print_demo_logins(loc: Locale, logins: &[lingyan_store::demo::DemoLogin]) {
    println!("{}", t(loc, "cli.demo_loaded"));
    for l in logins {
        let role = t(loc, &format!("roles.{}", l.role.code()));
        println!("  {:<12} {:<24} {}", l.username, role, l.place);
    }
    println!(
        "{}",
        t_args(
            loc,
            "cli.demo_password",
            &[("password", lingyan_store::demo::PASSWORD.to_string())]
        )
    );
}

/// `12.3 MB`
fn megabytes(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
}

/// Explains a service error in the CLI's language.
fn explain(loc: Locale, e: lingyan_store::Error) -> anyhow::Error {
    match &e {
        lingyan_store::Error::Invalid(fe) | lingyan_store::Error::Conflict(fe) => {
            anyhow!(i18n::field_error(loc, fe))
        }
        lingyan_store::Error::InvalidAll(all) => anyhow!(
            all.iter()
                .map(|fe| i18n::field_error(loc, fe))
                .collect::<Vec<_>>()
                .join(&t(loc, "punct.semicolon"))
        ),
        lingyan_store::Error::NotFound => anyhow!(t(loc, "errors.not_found")),
        lingyan_store::Error::Forbidden => anyhow!(t(loc, "errors.forbidden")),
        _ => anyhow!(e),
    }
}

fn read_password(loc: Locale, from_stdin: bool) -> Result<String> {
    if from_stdin || !std::io::stdin().is_terminal() {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        let pw = line.trim_end_matches(['\r', '\n']).to_string();
        if pw.is_empty() {
            bail!(t(loc, "cli.password_empty"));
        }
        return Ok(pw);
    }
    let a = rpassword::prompt_password(t(loc, "cli.password_prompt"))?;
    let b = rpassword::prompt_password(t(loc, "cli.password_again"))?;
    if a != b {
        bail!(t(loc, "account.password_mismatch"));
    }
    Ok(a)
}

/// mimalloc instead of the system allocator: the duties matrix allocates
/// many small strings across threads, where glibc's malloc spent a fifth
/// of the time (docs/decisions.md 25).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> Result<()> {
    let cli = Cli::parse();
    let loc = cli_locale();
    let config = load_config(&cli.global)?;
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("LINGYAN_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(&config.log)),
        )
        .with_writer(std::io::stderr)
        .init();

    match cli.command {
        Command::Serve { bind, demo } => {
            let mut config = config;
            if let Some(b) = bind {
                config.bind = b;
            }
            let store = open_store(&config).await?;
            if demo {
                match lingyan_store::demo::load(&store).await? {
                    Some(logins) => print_demo_logins(loc, &logins),
                    None => println!("{}", t(loc, "cli.demo_skipped")),
                }
            }
            let app = Application::build_with_store(config, store).await?;
            println!(
                "{}",
                t_args(
                    loc,
                    "cli.listening",
                    &[("url", format!("http://{}", app.local_addr()))]
                )
            );
            let store = app.store().clone();
            app.run_until_stopped().await?;
            // Requests abandoned after the grace period may have left work
            // on blocking threads (a report being laid out); the process
            // does not wait for it. Open transactions roll back.
            let _ = tokio::time::timeout(std::time::Duration::from_secs(1), store.close()).await;
            std::process::exit(0);
        }
        Command::Migrate => {
            let url = config.database_url()?;
            let store = Store::connect(&url).await?;
            let pending = store.pending_migrations().await?;
            store.migrate().await?;
            println!(
                "{}",
                t_args(loc, "cli.migrated", &[("n", pending.len().to_string())])
            );
        }
        Command::Demo => {
            let store = open_store(&config).await?;
            match lingyan_store::demo::load(&store).await? {
                Some(logins) => print_demo_logins(loc, &logins),
                None => println!("{}", t(loc, "cli.demo_skipped")),
            }
        }
        Command::Admin {
            command:
                AdminCommand::CreateUser {
                    username,
                    roles,
                    school,
                    district,
                    name,
                    password_stdin,
                },
        } => {
            let store = open_store(&config).await?;
            let scope = Scope::system("cli");
            for r in &roles {
                Role::parse(r).map_err(|e| anyhow!(i18n::field_error(loc, &e)))?;
            }
            let school_id = match &school {
                Some(code) => Some(
                    lingyan_store::schools::get_by_code(&store, &scope, code)
                        .await
                        .map_err(|e| match e {
                            lingyan_store::Error::NotFound => {
                                anyhow!(t_args(loc, "cli.no_school", &[("code", code.clone())]))
                            }
                            e => explain(loc, e),
                        })?
                        .id,
                ),
                None => None,
            };
            let district_id = match &district {
                Some(code) => Some(
                    lingyan_store::districts::find_by_code(&store, code)
                        .await
                        .map_err(|e| explain(loc, e))?
                        .ok_or_else(|| anyhow!(t_args(loc, "cli.no_district", &[("code", code.clone())])))?
                        .id,
                ),
                None => None,
            };
            let password = read_password(loc, password_stdin)?;
            let u = lingyan_store::users::create(
                &store,
                &scope,
                lingyan_store::users::NewUser {
                    display_name: name.unwrap_or_else(|| username.clone()),
                    username,
                    password,
                    school_id,
                    district_id,
                    roles,
                    locale: None,
                },
            )
            .await
            .map_err(|e| explain(loc, e))?;
            println!(
                "{}",
                t_args(
                    loc,
                    "cli.user_created",
                    &[("username", u.username), ("id", u.id.to_string())]
                )
            );
        }
        Command::School { command } => school(loc, &config, command).await?,
        Command::Attach { evidence, files } => {
            let store = open_store(&config).await?;
            let scope = Scope::system("cli");
            // Read every file first: nothing is attached if one is missing.
            let mut read = Vec::new();
            for f in &files {
                let bytes = std::fs::read(f).with_context(|| format!("cannot read {}", f.display()))?;
                let name = f
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                read.push((name, bytes));
            }
            for (name, bytes) in read {
                let a = lingyan_store::files::attach(
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
        }
        Command::Import {
            command:
                ImportCommand::Roster {
                    file,
                    school,
                    dry_run,
                },
        } => import_roster(loc, &config, &file, &school, dry_run).await?,
        Command::Import {
            command:
                ImportCommand::Evidence {
                    file,
                    school,
                    dry_run,
                },
        } => import_evidence(loc, &config, &file, &school, dry_run).await?,
        Command::Export {
            command: ExportCommand::Roster { school, output },
        } => {
            let store = open_store(&config).await?;
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
            std::fs::write(&output, bytes).with_context(|| format!("cannot write {}", output.display()))?;
            println!(
                "{}",
                t_args(
                    loc,
                    "cli.exported",
                    &[
                        ("n", rows.len().to_string()),
                        ("file", output.display().to_string())
                    ]
                )
            );
        }
        Command::Report { command } => report(loc, &config, command).await?,
        Command::Backup { output } => {
            let store = open_store(&config).await?;
            let url = config.database_url()?;
            let m = lingyan_store::backup::backup(&store, &url, &config.data_dir, &output)
                .await
                .map_err(|e| explain(loc, e))?;
            println!(
                "{}",
                t_args(
                    loc,
                    "cli.backup_done",
                    &[
                        ("file", output.display().to_string()),
                        ("database", megabytes(m.database.bytes)),
                        ("n", m.attachments.len().to_string()),
                        ("attachments", megabytes(m.attachment_bytes())),
                    ]
                )
            );
        }
        Command::Restore { archive, force } => {
            let target = lingyan_store::backup::Target {
                url: config.database_url()?,
                data_dir: config.data_dir.clone(),
            };
            let m = lingyan_store::backup::restore(&archive, &target, force)
                .await
                .map_err(|e| explain(loc, e))?;
            println!(
                "{}",
                t_args(
                    loc,
                    "cli.restore_done",
                    &[
                        ("file", archive.display().to_string()),
                        ("created", m.created_at.format("%Y-%m-%d %H:%M UTC").to_string()),
                        ("n", m.attachments.len().to_string()),
                    ]
                )
            );
        }
        Command::Duties { command } => duties(loc, &config, command).await?,
        Command::GenData {
            district,
            districts,
            schools_per_district,
            teachers_per_school,
            teachers,
            records,
            years,
            seed,
            password,
        } => {
            let store = open_store(&config).await?;
            let schools = schools_per_district.max(1);
            let opts = lingyan_store::generate::GenOptions {
                district,
                districts: districts.max(1),
                schools_per_district: schools,
                teachers_per_school: teachers
                    .map(|t| t.div_ceil(schools))
                    .unwrap_or(teachers_per_school),
                records,
                years,
                seed,
                password,
            };
            let total = opts.districts * opts.schools_per_district * opts.teachers_per_school * records;
            let bar = indicatif::ProgressBar::new(total as u64);
            bar.set_style(
                indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} {per_sec} {eta}")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            let started = std::time::Instant::now();
            let r = lingyan_store::generate::generate(
                &store,
                &opts,
                lingyan_store::calendar::today(),
                |done, _| bar.set_position(done),
            )
            .await
            .map_err(|e| explain(loc, e))?;
            bar.finish_and_clear();
            println!(
                "{}",
                t_args(
                    loc,
                    "cli.generated",
                    &[
                        ("districts", r.district_ids.len().to_string()),
                        ("schools", r.school_ids.len().to_string()),
                        ("teachers", r.teachers.to_string()),
                        ("records", r.records.to_string()),
                        ("secs", format!("{:.1}", started.elapsed().as_secs_f64())),
                        ("director", r.director.clone()),
                        ("teacher", r.teacher.clone()),
                        ("teacher_id", r.first_teacher_id.to_string()),
                        ("school_id", r.school_ids[0].to_string()),
                    ]
                )
            );
        }
    }
    Ok(())
}

async fn find_school(
    loc: Locale,
    store: &Store,
    scope: &Scope,
    code: &str,
) -> Result<lingyan_store::schools::School> {
    lingyan_store::schools::get_by_code(store, scope, code)
        .await
        .map_err(|e| match e {
            lingyan_store::Error::NotFound => {
                anyhow!(t_args(loc, "cli.no_school", &[("code", code.to_string())]))
            }
            e => explain(loc, e),
        })
}

async fn school(loc: Locale, config: &Config, command: SchoolCommand) -> Result<()> {
    let store = open_store(config).await?;
    let scope = Scope::system("cli");
    match command {
        SchoolCommand::Add {
            code,
            name,
            school_type,
            district,
            district_name,
            name_en,
        } => {
            let existing = lingyan_store::districts::list(&store, &scope).await?;
            let d = match &district {
                Some(dc) => match lingyan_store::districts::find_by_code(&store, dc)
                    .await
                    .map_err(|e| explain(loc, e))?
                {
                    Some(d) => d,
                    None => {
                        let d = lingyan_store::districts::create(
                            &store,
                            &scope,
                            lingyan_store::districts::DistrictChanges {
                                code: Some(dc.clone()),
                                name: Some(district_name.clone().unwrap_or_else(|| dc.clone())),
                                name_en: None,
                            },
                        )
                        .await
                        .map_err(|e| explain(loc, e))?;
                        println!(
                            "{}",
                            t_args(loc, "cli.district_created", &[("code", d.code.clone())])
                        );
                        d
                    }
                },
                None if existing.len() == 1 => existing[0].clone(),
                None => bail!(t(loc, "cli.district_needed")),
            };
            let s = lingyan_store::schools::create(
                &store,
                &scope,
                d.id,
                lingyan_store::schools::SchoolChanges {
                    code: Some(code),
                    name: Some(name),
                    name_en,
                    school_type: Some(school_type),
                    active: Some(true),
                },
            )
            .await
            .map_err(|e| explain(loc, e))?;
            println!(
                "{}",
                t_args(
                    loc,
                    "cli.school_created",
                    &[("code", s.code), ("name", s.name), ("district", d.code)]
                )
            );
        }
        SchoolCommand::List => {
            let mut page = 1;
            loop {
                let p = lingyan_store::schools::list(
                    &store,
                    &scope,
                    &Default::default(),
                    lingyan_domain::PageRequest::new(Some(page), Some(500)),
                )
                .await?;
                for s in &p.items {
                    let kind = t(loc, &format!("school_types.{}", s.school_type.code()));
                    println!("{:<12} {:<8} {:<16} {}", s.code, s.district_code, kind, s.name);
                }
                if !p.has_next() {
                    break;
                }
                page += 1;
            }
        }
    }
    Ok(())
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
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
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
        for e in &r.errors {
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
        bail!(t_args(
            loc,
            "cli.import_failed",
            &[("n", r.errors.len().to_string())]
        ));
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

async fn report(loc: Locale, config: &Config, command: ReportCommand) -> Result<()> {
    let (school, district, as_of, lang, format, output) = match command {
        ReportCommand::Status {
            school,
            district,
            as_of,
            lang,
            format,
            output,
        } => (school, district, as_of, lang, format, output),
        ReportCommand::Teacher {
            teacher,
            school,
            from,
            to,
            lang,
            format,
            output,
        } => return report_teacher(loc, config, teacher, school, from, to, lang, format, output).await,
    };
    let store = open_store(config).await?;
    let scope = Scope::system("cli");
    let l = match lang {
        Some(l) => Locale::parse(&l).map_err(|e| anyhow!(i18n::field_error(loc, &e)))?,
        None => loc,
    };
    let as_of = match as_of {
        Some(d) => {
            lingyan_domain::dates::parse_date("as_of", &d).map_err(|e| anyhow!(i18n::field_error(loc, &e)))?
        }
        None => lingyan_store::calendar::today(),
    };
    let (name, kindergarten, analysis, schools): (
        String,
        bool,
        _,
        Vec<(String, lingyan_domain::status::StatusAnalysis)>,
    ) = match (school, district) {
        (Some(code), _) => {
            let s = find_school(loc, &store, &scope, &code).await?;
            let st = lingyan_store::status::for_school(&store, &scope, s.id, as_of)
                .await
                .map_err(|e| explain(loc, e))?;
            (
                s.name.clone(),
                s.school_type == lingyan_domain::SchoolType::Kindergarten,
                st.analysis,
                Vec::new(),
            )
        }
        (None, Some(code)) => {
            let d = lingyan_store::districts::find_by_code(&store, &code)
                .await
                .map_err(|e| explain(loc, e))?
                .ok_or_else(|| anyhow!(t_args(loc, "cli.no_district", &[("code", code.clone())])))?;
            let st = lingyan_store::status::for_district(&store, &scope, d.id, as_of)
                .await
                .map_err(|e| explain(loc, e))?;
            let schools = st
                .schools
                .into_iter()
                .map(|s| (s.school.name, s.analysis))
                .collect();
            (d.name, false, st.analysis, schools)
        }
        (None, None) => bail!(t(loc, "cli.school_or_district")),
    };
    let subject = if schools.is_empty() {
        lingyan_reports::status::Subject::School {
            name: &name,
            kindergarten,
        }
    } else {
        lingyan_reports::status::Subject::District { name: &name }
    };
    let per_school: Vec<(String, &lingyan_domain::status::StatusAnalysis)> =
        schools.iter().map(|(n, a)| (n.clone(), a)).collect();
    let bytes: Vec<u8> = match format {
        Format::Text => lingyan_reports::status::text(subject, &analysis, &per_school, l).into_bytes(),
        Format::Json => {
            let v = serde_json::json!({
                "title": lingyan_reports::status::title(subject, l),
                "prose": lingyan_reports::status::prose(subject, &analysis, l),
                "analysis": analysis,
                "schools": schools.iter().map(|(n, a)| serde_json::json!({"school": n, "analysis": a})).collect::<Vec<_>>(),
            });
            serde_json::to_vec_pretty(&v)?
        }
        Format::Docx => lingyan_reports::status::docx(subject, &analysis, &per_school, l)?,
    };
    match output {
        Some(path) => {
            std::fs::write(&path, &bytes).with_context(|| format!("cannot write {}", path.display()))?;
            println!(
                "{}",
                t_args(loc, "cli.written", &[("file", path.display().to_string())])
            );
        }
        None if format == Format::Docx => bail!(t(loc, "cli.docx_needs_output")),
        None => {
            use std::io::Write;
            std::io::stdout().write_all(&bytes)?;
        }
    }
    Ok(())
}

/// `lingyan report teacher`: writes one teacher's growth report.
#[allow(clippy::too_many_arguments)]
async fn report_teacher(
    loc: Locale,
    config: &Config,
    teacher: String,
    school: Option<String>,
    from: Option<String>,
    to: Option<String>,
    lang: Option<String>,
    format: DocFormat,
    output: PathBuf,
) -> Result<()> {
    let store = open_store(config).await?;
    let scope = Scope::system("cli");
    let today = lingyan_store::calendar::today();
    let id = match (teacher.trim().parse::<i64>(), school) {
        (Ok(id), None) => id,
        (_, Some(code)) => {
            let s = find_school(loc, &store, &scope, &code).await?;
            let list = lingyan_store::teachers::list(
                &store,
                &scope,
                &lingyan_store::teachers::TeacherFilter {
                    school_id: Some(s.id),
                    q: Some(teacher.trim().to_string()),
                    include_inactive: true,
                    ..Default::default()
                },
                lingyan_domain::PageRequest::new(Some(1), Some(50)),
                today,
            )
            .await
            .map_err(|e| explain(loc, e))?;
            list.items
                .into_iter()
                .find(|t| t.fields.staff_no.as_deref() == Some(teacher.trim()))
                .map(|t| t.id)
                .ok_or_else(|| anyhow!(t_args(loc, "cli.no_teacher", &[("teacher", teacher.clone())])))?
        }
        (Err(_), None) => bail!(t_args(loc, "cli.no_teacher", &[("teacher", teacher.clone())])),
    };
    let q = lingyan_web::pages::ReportQuery {
        format: match format {
            DocFormat::Pdf => "pdf".into(),
            DocFormat::Docx => "docx".into(),
        },
        from: from.unwrap_or_default(),
        to: to.unwrap_or_default(),
        lang: lang.unwrap_or_default(),
    };
    let (format, from, to, l) = q.parse(loc).map_err(|e| explain(loc, e))?;
    let made = lingyan_web::growth::make(&store, &scope, id, from, to, l, format, today)
        .await
        .map_err(|e| match e {
            lingyan_store::Error::NotFound => {
                anyhow!(t_args(loc, "cli.no_teacher", &[("teacher", teacher.clone())]))
            }
            e => explain(loc, e),
        })?;
    std::fs::write(&output, &made.bytes).with_context(|| format!("cannot write {}", output.display()))?;
    println!(
        "{}",
        t_args(loc, "cli.written", &[("file", output.display().to_string())])
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
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
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
        bail!(t_args(
            loc,
            "cli.import_failed",
            &[("n", r.errors.len().to_string())]
        ));
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
                ("kinds", kinds.join(", ")),
            ]
        )
    );
    Ok(())
}

/// A school's or a district's id, from the codes given.
async fn place(
    loc: Locale,
    store: &Store,
    scope: &Scope,
    school: &Option<String>,
    district: &Option<String>,
) -> Result<(i64, Option<i64>)> {
    match (school, district) {
        (Some(code), _) => {
            let s = find_school(loc, store, scope, code).await?;
            Ok((s.district_id, Some(s.id)))
        }
        (None, Some(code)) => {
            let d = lingyan_store::districts::find_by_code(store, code)
                .await
                .map_err(|e| explain(loc, e))?
                .ok_or_else(|| anyhow!(t_args(loc, "cli.no_district", &[("code", code.clone())])))?;
            Ok((d.id, None))
        }
        (None, None) => bail!(t(loc, "cli.school_or_district")),
    }
}

fn parse_lang(loc: Locale, lang: &Option<String>) -> Result<Locale> {
    match lang {
        Some(l) => Locale::parse(l).map_err(|e| anyhow!(i18n::field_error(loc, &e))),
        None => Ok(loc),
    }
}

fn parse_as_of(loc: Locale, as_of: &Option<String>) -> Result<chrono::NaiveDate> {
    match as_of {
        Some(d) => {
            lingyan_domain::dates::parse_date("as_of", d).map_err(|e| anyhow!(i18n::field_error(loc, &e)))
        }
        None => Ok(lingyan_store::calendar::today()),
    }
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

async fn duties(loc: Locale, config: &Config, command: DutiesCommand) -> Result<()> {
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
                        t_args(
                            loc,
                            "cli.rules_ok",
                            &[("file", shown), ("n", set.rules.len().to_string())]
                        )
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
                    bail!(t_args(
                        loc,
                        "cli.rules_bad",
                        &[("file", shown), ("n", n.to_string())]
                    ))
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
                    t_args(loc, "duties.n_rules", &[("n", p.set.rules.len().to_string())])
                );
            }
            Ok(())
        }
        DutiesCommand::Adopt {
            school,
            district,
            preset,
            year,
        } => {
            let store = open_store(config).await?;
            let scope = Scope::system("cli");
            let (d, s) = place(loc, &store, &scope, &school, &district).await?;
            let year = match year {
                Some(y) => y,
                None => {
                    lingyan_domain::Calendar::new(
                        lingyan_store::calendar::years(&store, &scope, d, s)
                            .await
                            .map_err(|e| explain(loc, e))?
                            .into_iter()
                            .map(|y| y.year)
                            .collect(),
                    )
                    .semester_of(lingyan_store::calendar::today())
                    .year
                }
            };
            let v = lingyan_store::duties::adopt(&store, &scope, d, s, year, &preset)
                .await
                .map_err(|e| explain(loc, e))?;
            println!(
                "{}",
                t_args(
                    loc,
                    "cli.adopted",
                    &[
                        ("preset", preset),
                        ("year", year.to_string()),
                        ("n", v.set.rules.len().to_string())
                    ]
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
