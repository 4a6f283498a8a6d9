//! What every command needs: the CLI's language, the store opened and
//! migrated, service errors explained in the user's language, and schools
//! and districts found by their codes.

use anyhow::{Context, Result, anyhow, bail};
use lingyan_domain::Locale;
use lingyan_store::{Scope, Store};
use lingyan_web::Config;
use lingyan_web::i18n::{self, t, t_args};
use std::io::{BufRead, IsTerminal};

/// The CLI's language: LINGYAN_LANG, else LANG/LC_ALL (zh_* → Chinese).
pub(crate) fn cli_locale() -> Locale {
    for var in ["LINGYAN_LANG", "LC_ALL", "LANG"] {
        if let Ok(v) = std::env::var(var)
            && let Ok(l) = Locale::parse(v.split('.').next().unwrap_or(""))
        {
            return l;
        }
    }
    Locale::En
}

/// "cannot read FILE" and the like in the CLI's language.
pub(crate) fn cannot(key: &str, what: &dyn std::fmt::Display) -> String {
    lingyan_web::i18n::Tr(cli_locale()).t1(key, "path", what)
}

pub(crate) async fn open_store(c: &Config) -> Result<Store> {
    let url = c.database_url()?;
    let store = Store::connect(&url)
        .await
        .with_context(|| cannot("cli.cannot_open_db", &lingyan_web::config::redact_url(&url)))?;
    store.migrate().await.context("migration failed")?;
    Ok(store.with_login_policy(c.login_policy()).with_blobs(c.blobs()))
}

/// `12.3 MB`
pub(crate) fn megabytes(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
}

/// Explains a service error in the CLI's language.
pub(crate) fn explain(loc: Locale, e: lingyan_store::Error) -> anyhow::Error {
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

pub(crate) fn read_password(loc: Locale, from_stdin: bool) -> Result<String> {
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

pub(crate) async fn find_school(
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

/// A school's or a district's id, from the codes given.
pub(crate) async fn place(
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

/// A teacher named by registry id, or by staff number with the school's code.
pub(crate) async fn find_teacher(
    loc: Locale,
    store: &Store,
    scope: &Scope,
    teacher: &str,
    school: Option<&str>,
) -> Result<i64> {
    let today = lingyan_store::calendar::today();
    let none = || anyhow!(t_args(loc, "cli.no_teacher", &[("teacher", teacher.to_string())]));
    match (teacher.trim().parse::<i64>(), school) {
        (Ok(id), None) => Ok(id),
        (_, Some(code)) => {
            let s = find_school(loc, store, scope, code).await?;
            let list = lingyan_store::teachers::list(
                store,
                scope,
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
                .ok_or_else(none)
        }
        (Err(_), None) => Err(none()),
    }
}

/// The school year asked for, else the one the calendar puts today in.
pub(crate) async fn year_or_current(
    loc: Locale,
    store: &Store,
    scope: &Scope,
    (district, school): (i64, Option<i64>),
    year: Option<i32>,
) -> Result<i32> {
    match year {
        Some(y) => Ok(y),
        None => lingyan_store::calendar::current_year(store, scope, district, school)
            .await
            .map_err(|e| explain(loc, e)),
    }
}

pub(crate) fn parse_lang(loc: Locale, lang: &Option<String>) -> Result<Locale> {
    match lang {
        Some(l) => Locale::parse(l).map_err(|e| anyhow!(i18n::field_error(loc, &e))),
        None => Ok(loc),
    }
}

pub(crate) fn parse_as_of(loc: Locale, as_of: &Option<String>) -> Result<chrono::NaiveDate> {
    match as_of {
        Some(d) => {
            lingyan_domain::dates::parse_date("as_of", d).map_err(|e| anyhow!(i18n::field_error(loc, &e)))
        }
        None => Ok(lingyan_store::calendar::today()),
    }
}
