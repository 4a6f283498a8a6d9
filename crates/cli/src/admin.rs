//! `admin`, `backup`, `restore`: accounts, and the installation as a whole.

use crate::app::{explain, open_store};
use crate::app::{megabytes, read_password};
use anyhow::{Result, anyhow};
use clap::{Args, Subcommand};
use lingyan_domain::Locale;
use lingyan_domain::Role;
use lingyan_store::Scope;
use lingyan_web::Config;
use lingyan_web::i18n::{self, t_args, t_count};
use std::path::PathBuf;

#[derive(Subcommand)]
pub(crate) enum AdminCommand {
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

// Where a backup goes (the help text is the variant's, in main.rs).
#[derive(Args)]
pub(crate) struct BackupArgs {
    /// The archive to write (.zip).
    #[arg(short, long)]
    output: PathBuf,
}

// What to restore from.
#[derive(Args)]
pub(crate) struct RestoreArgs {
    /// The archive made by `lingyan backup`.
    archive: PathBuf,
    /// Replace what the database holds.
    #[arg(long)]
    force: bool,
}

pub(crate) async fn run(loc: Locale, config: &Config, command: AdminCommand) -> Result<()> {
    let AdminCommand::CreateUser {
        username,
        roles,
        school,
        district,
        name,
        password_stdin,
    } = command;
    let store = open_store(config).await?;
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
    Ok(())
}

pub(crate) async fn backup(loc: Locale, config: &Config, args: BackupArgs) -> Result<()> {
    let BackupArgs { output } = args;
    let store = open_store(config).await?;
    let url = config.database_url()?;
    let m = lingyan_store::backup::backup(&store, &url, &config.data_dir, &output)
        .await
        .map_err(|e| explain(loc, e))?;
    println!(
        "{}",
        t_count(
            loc,
            "cli.backup_done",
            m.attachments.len(),
            &[
                ("file", output.display().to_string()),
                ("database", megabytes(m.database.bytes)),
                ("attachments", megabytes(m.attachment_bytes())),
            ]
        )
    );
    Ok(())
}

pub(crate) async fn restore(loc: Locale, config: &Config, args: RestoreArgs) -> Result<()> {
    let RestoreArgs { archive, force } = args;
    let target = lingyan_store::backup::Target {
        url: config.database_url()?,
        data_dir: config.data_dir.clone(),
    };
    let m = lingyan_store::backup::restore(&archive, &target, force)
        .await
        .map_err(|e| explain(loc, e))?;
    println!(
        "{}",
        t_count(
            loc,
            "cli.restore_done",
            m.attachments.len(),
            &[
                ("file", archive.display().to_string()),
                ("created", m.created_at.format("%Y-%m-%d %H:%M UTC").to_string()),
            ]
        )
    );
    Ok(())
}
