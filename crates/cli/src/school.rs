//! `school`: adding and listing schools.

use crate::app::{explain, open_store};
use anyhow::{Result, bail};
use clap::Subcommand;
use lingyan_domain::Locale;
use lingyan_store::Scope;
use lingyan_web::Config;
use lingyan_web::i18n::{t, t_args};

#[derive(Subcommand)]
pub(crate) enum SchoolCommand {
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

pub(crate) async fn run(loc: Locale, config: &Config, command: SchoolCommand) -> Result<()> {
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
