//! `serve`, `migrate`, `demo`: running the web server and preparing its
//! database.

use crate::app::open_store;
use anyhow::Result;
use clap::Args;
use lingyan_domain::Locale;
use lingyan_store::Store;
use lingyan_web::Application;
use lingyan_web::Config;
use lingyan_web::i18n::{t, t_args};

#[derive(Args)]
pub(crate) struct ServeArgs {
    /// Address to listen on, e.g. 127.0.0.1:8080 (port 0 picks one).
    #[arg(long)]
    bind: Option<String>,
    /// Load the demo district into an empty database and print its logins.
    #[arg(long)]
    demo: bool,
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

pub(crate) async fn serve(loc: Locale, config: Config, args: ServeArgs) -> Result<()> {
    let ServeArgs { bind, demo } = args;
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

pub(crate) async fn migrate(loc: Locale, config: &Config) -> Result<()> {
    let url = config.database_url()?;
    let store = Store::connect(&url).await?;
    let pending = store.pending_migrations().await?;
    store.migrate().await?;
    println!("{}", lingyan_web::i18n::Tr(loc).n("cli.migrated", &pending.len()));
    Ok(())
}

pub(crate) async fn demo(loc: Locale, config: &Config) -> Result<()> {
    let store = open_store(config).await?;
    match lingyan_store::demo::load(&store).await? {
        Some(logins) => print_demo_logins(loc, &logins),
        None => println!("{}", t(loc, "cli.demo_skipped")),
    }
    Ok(())
}
