//! The credits card: a teacher's own transcript in two lines (counted of
//! required, and what is still to earn or due); for a school's leaders or
//! a district's staff, how many have met the cycle's requirement and how
//! many may not apply for a higher title.

use crate::auth::Caller;
use crate::i18n::Tr;
use crate::pages::credits_words as words;
use crate::state::AppState;
use chrono::NaiveDate;
use lingyan_store::Error;
use serde::Serialize;
use utoipa::ToSchema;

/// The credits card.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CreditsCard {
    /// The cycle, in the reader's language.
    pub cycle: String,
    /// Sentences in the reader's language: a teacher's counted and still
    /// to earn, or a place's rates.
    pub lines: Vec<String>,
    /// Whether something is due and missing (a teacher not eligible for a
    /// higher title, or a place with such teachers).
    pub warn: bool,
    /// The transcript or the completion page.
    pub href: String,
    /// Claims: those waiting for the caller's review, or the teacher's
    /// returned in the last 30 days (none when there are none).
    pub claims: Option<String>,
    /// Where that leads.
    pub claims_href: String,
}

/// A teacher's card; none where no requirement is set.
pub async fn own(
    state: &AppState,
    caller: &Caller,
    tr: Tr,
    teacher_id: i64,
    today: NaiveDate,
) -> lingyan_store::Result<Option<CreditsCard>> {
    let v = match lingyan_store::credits::transcript_of(&state.store, &caller.scope, teacher_id, today, None)
        .await
    {
        Ok(v) => v,
        Err(Error::NotFound) => return Ok(None),
        Err(e) => return Err(e),
    };
    if !v.rules.is_set() {
        return Ok(None);
    }
    let t = &v.transcript;
    let sep = if tr.is_zh() { "；" } else { "; " };
    let still: Vec<String> = t
        .missing
        .iter()
        .map(|s| words::shortfall_text(tr, &v.rules, s))
        .collect();
    let mut lines = vec![
        tr.t("credits.counted_of")
            .replace("%{n}", &words::units(tr, v.rules.unit, t.total))
            .replace("%{total}", &words::units(tr, v.rules.unit, t.required)),
    ];
    if !t.eligible() {
        let due: Vec<String> = t
            .due
            .iter()
            .map(|s| words::shortfall_text(tr, &v.rules, s))
            .collect();
        lines.push(tr.t1("credits.not_eligible", "what", &due.join(sep)));
    } else if still.is_empty() {
        lines.push(tr.t("credits.complete"));
    } else {
        lines.push(tr.t1("credits.still_to_earn", "what", &still.join(sep)));
    }
    let since = chrono::Utc::now() - chrono::Duration::days(30);
    let returned = lingyan_store::credits::claims::mine(&state.store, &caller.scope)
        .await?
        .iter()
        .filter(|c| {
            c.status == lingyan_domain::credits::claims::ClaimStatus::Rejected
                && c.school_at.max(c.district_at).is_some_and(|at| at >= since)
        })
        .count();
    Ok(Some(CreditsCard {
        cycle: tr.t1("credits.cycle_n", "cycle", &t.cycle.label()),
        lines,
        warn: !t.eligible(),
        href: format!("/teachers/{teacher_id}/credits"),
        claims: (returned > 0).then(|| tr.n("claims.returned_n", &returned)),
        claims_href: "/claims".into(),
    }))
}

/// A school's (or, without `school_id`, a district's) card for those who
/// read its records; none for others or where no requirement is set.
pub async fn place(
    state: &AppState,
    caller: &Caller,
    tr: Tr,
    district_id: i64,
    school_id: Option<i64>,
    today: NaiveDate,
) -> lingyan_store::Result<Option<CreditsCard>> {
    let c = match lingyan_store::credits::completion(
        &state.store,
        &caller.scope,
        district_id,
        school_id,
        today,
        None,
    )
    .await
    {
        Ok(c) => c,
        Err(Error::NotFound) => return Ok(None),
        Err(e) => return Err(e),
    };
    if !c.any_rules() {
        return Ok(None);
    }
    let Some(first) = c.schools.first() else {
        return Ok(None);
    };
    let waiting =
        lingyan_store::credits::claims::waiting_count(&state.store, &caller.scope, district_id, school_id)
            .await?;
    let base = match school_id {
        Some(s) => format!("/schools/{s}"),
        None => format!("/districts/{district_id}"),
    };
    Ok(Some(CreditsCard {
        claims: (waiting > 0).then(|| tr.n("claims.waiting_n", &waiting)),
        claims_href: format!("{base}/credits/claims"),
        cycle: tr.t1("credits.cycle_n", "cycle", &first.cycle.label()),
        lines: crate::pages::credits_completion::headline(tr, &c),
        warn: c.not_eligible() > 0,
        href: format!("{base}/credits"),
    }))
}
