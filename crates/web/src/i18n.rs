//! Translations (zh-CN and en, from `locales/app.yml`) and the language of
//! the current request.
//!
//! The language is decided once per request by the identity middleware (the
//! user's saved choice, else the `lingyan_lang` cookie, else the browser's
//! `Accept-Language`) and kept in a task-local, so error responses built far
//! from any handler still speak the user's language.

use chrono::{DateTime, Utc};
use lingyan_domain::{FieldError, Locale, Role, SchoolType};

tokio::task_local! {
    static LOCALE: Locale;
}

/// Runs `f` with `locale` as the request's language.
pub async fn with_locale<F: std::future::Future>(locale: Locale, f: F) -> F::Output {
    LOCALE.scope(locale, f).await
}

/// The current request's language (English outside a request).
pub fn current() -> Locale {
    LOCALE.try_with(|l| *l).unwrap_or_default()
}

/// The translation of `key`, or the key itself when it is missing (which a
/// test prevents).
pub fn t(locale: Locale, key: &str) -> String {
    match crate::_rust_i18n_try_translate(locale.code(), key) {
        Some(s) => s.into_owned(),
        None => {
            tracing::warn!(key, locale = locale.code(), "missing translation");
            key.to_string()
        }
    }
}

/// Whether `key` has a translation in `locale`.
pub fn has(locale: Locale, key: &str) -> bool {
    crate::_rust_i18n_try_translate(locale.code(), key).is_some()
}

/// The translation of `key` with `%{name}` placeholders filled.
pub fn t_args(locale: Locale, key: &str, args: &[(&str, String)]) -> String {
    let mut s = t(locale, key);
    for (name, value) in args {
        s = s.replace(&format!("%{{{name}}}"), value);
    }
    s
}

/// [`t_args`] for a phrase counting `n` (filled in as `%{n}`): in English,
/// `key_one` when `n` is 1 and that key exists (Chinese has one form).
pub fn t_count(locale: Locale, key: &str, n: usize, args: &[(&str, String)]) -> String {
    let one = format!("{key}_one");
    let key = if locale == Locale::En && n == 1 && has(locale, &one) {
        one.as_str()
    } else {
        key
    };
    let mut all = vec![("n", n.to_string())];
    all.extend(args.iter().cloned());
    t_args(locale, key, &all)
}

/// "Field: reason" for a rejected input, e.g. "用户名：至少 3 个字符".
pub fn field_error(locale: Locale, e: &FieldError) -> String {
    let field = t(locale, &format!("fields.{}", e.field));
    let reason = t_args(locale, &format!("errors.{}", e.code), &e.args);
    let line = format!("{field}{}{reason}", t(locale, "punct.colon"));
    // A problem with one session of an activity names the session first.
    let line = match e.args.iter().any(|(k, _)| *k == "nth_session") {
        true => format!(
            "{}{}{line}",
            t_args(locale, "errors.in_session", &e.args),
            t(locale, "punct.colon")
        ),
        false => line,
    };
    // A problem inside one rule of a set names the rule first.
    match e.args.iter().find(|(k, _)| *k == "rule") {
        Some(_) => format!(
            "{}{}{line}",
            t_args(locale, "errors.in_rule", &e.args),
            t(locale, "punct.colon")
        ),
        None => line,
    }
}

/// Translation helper handed to templates.
#[derive(Debug, Clone, Copy)]
pub struct Tr(pub Locale);

impl Tr {
    pub fn t(&self, key: &str) -> String {
        t(self.0, key)
    }

    pub fn t1(&self, key: &str, name: &str, value: &dyn std::fmt::Display) -> String {
        t_args(self.0, key, &[(name, value.to_string())])
    }

    /// A counted phrase with `%{n}`: in English, `key_one` when `n` is 1
    /// (Chinese has one form). Both keys exist in both languages.
    pub fn n(&self, key: &str, n: &dyn std::fmt::Display) -> String {
        let n = n.to_string();
        if self.0 == Locale::En && n == "1" {
            let one = format!("{key}_one");
            if has(self.0, &one) {
                return t_args(self.0, &one, &[("n", n)]);
            }
        }
        t_args(self.0, key, &[("n", n)])
    }

    /// The `lang` attribute / locale code.
    pub fn code(&self) -> &'static str {
        self.0.code()
    }

    pub fn is_zh(&self) -> bool {
        self.0 == Locale::ZhCn
    }

    pub fn role(&self, r: &Role) -> String {
        t(self.0, &format!("roles.{}", r.code()))
    }

    /// A school's or district's name in the reader's language: the English
    /// name where one is stored.
    pub fn name<'a>(&self, zh: &'a str, en: &'a Option<String>) -> &'a str {
        lingyan_reports::local_name(self.0, zh, en.as_deref())
    }

    /// The label of a coded value: `tr.label("employment", "contract")`.
    pub fn label(&self, group: &str, code: &str) -> String {
        t(self.0, &format!("{group}.{code}"))
    }

    pub fn date(&self, d: &chrono::NaiveDate) -> String {
        lingyan_domain::dates::written(*d, self.0)
    }

    pub fn opt_date(&self, d: &Option<chrono::NaiveDate>) -> String {
        d.as_ref()
            .map(|d| self.date(d))
            .unwrap_or_else(|| "—".to_string())
    }

    /// A tier's explanation in this language.
    pub fn tier(&self, r: &lingyan_domain::TierResult) -> String {
        r.explain(self.0)
    }

    pub fn tier_name(&self, r: &lingyan_domain::TierResult) -> String {
        match self.0 {
            Locale::ZhCn => r.name_zh.clone(),
            Locale::En => r.name_en.clone(),
        }
        .unwrap_or_else(|| t(self.0, "teachers.no_tier"))
    }

    pub fn field_error(&self, e: &FieldError) -> String {
        field_error(self.0, e)
    }

    pub fn school_type(&self, s: &SchoolType) -> String {
        t(self.0, &format!("school_types.{}", s.code()))
    }

    /// A timestamp in China's time (the users' clock, whatever the
    /// language), written like [`Self::date`] with the time after it.
    pub fn datetime(&self, at: &DateTime<Utc>) -> String {
        match self.0 {
            Locale::ZhCn => (*at + chrono::Duration::hours(8))
                .format("%Y-%m-%d %H:%M")
                .to_string(),
            Locale::En => (*at + chrono::Duration::hours(8))
                .format("%-d %b %Y, %H:%M")
                .to_string(),
        }
    }

    pub fn opt_datetime(&self, at: &Option<DateTime<Utc>>) -> String {
        match at {
            Some(at) => self.datetime(at),
            None => self.t("common.never"),
        }
    }
}
