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
    Ok(store.with_login_policy(c.login_policy()))
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

/// Explains a service error in the CLI's language.
fn explain(loc: Locale, e: lingyan_store::Error) -> anyhow::Error {
    match &e {
        lingyan_store::Error::Invalid(fe) | lingyan_store::Error::Conflict(fe) => {
            anyhow!(i18n::field_error(loc, fe))
        }
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
            app.run_until_stopped().await?;
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
    }
    Ok(())
}
