//! `attendance`: loading a typed-up attendance sheet into an activity.

use crate::app::{explain, open_store};
use anyhow::Result;
use clap::Subcommand;
use lingyan_domain::Locale;
use lingyan_store::Scope;
use lingyan_web::Config;
use lingyan_web::i18n::t_args;
use std::path::PathBuf;

#[derive(Subcommand)]
pub(crate) enum AttendanceCommand {
    /// Load an attendance sheet (.xlsx, .xls or .csv: 工号 or 姓名, 日期,
    /// 考勤, optional 签到时间 and 签退时间) into an activity. All or
    /// nothing: every problem is listed by row and column.
    Import {
        file: PathBuf,
        /// The activity's number (shown in its address, /activities/N).
        #[arg(long)]
        activity: i64,
        /// Check everything, write nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

pub(crate) async fn run(loc: Locale, config: &Config, command: AttendanceCommand) -> Result<()> {
    match command {
        AttendanceCommand::Import {
            file,
            activity,
            dry_run,
        } => {
            let store = open_store(config).await?;
            let scope = Scope::system("cli");
            let (name, bytes) = crate::import::read_named(&file)?;
            let r = lingyan_store::activities::import_attendance(
                &store,
                &scope,
                activity,
                &name,
                &bytes,
                dry_run,
                config.limits.import_bytes,
            )
            .await
            .map_err(|e| explain(loc, e))?;
            crate::import::check_report(loc, &name, &r.file_error, &r.errors)?;
            let key = if dry_run {
                "attendance.import_checked"
            } else {
                "attendance.imported"
            };
            println!(
                "{}",
                t_args(
                    loc,
                    key,
                    &[
                        ("n", r.recorded.to_string()),
                        ("added", r.added_participants.to_string())
                    ]
                )
            );
            Ok(())
        }
    }
}
