//! Continuing-education credits (继续教育学分) pages: the requirement a
//! district (or, where it allows, a school) sets, in the rule-set page
//! pattern, with the preset library and an editor for each part.

use super::place::{Place, both};
use super::rule_sets::{self, Head};
use super::users::RepeatedForm;
use super::{PageCtx, checkbox, flash, form_status, redirect, render, render_status};
use crate::auth::Caller;
use crate::error::PageError;
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use lingyan_domain::activities::ActivityType;
use lingyan_domain::credits::{
    Amount, Approval, Area, Bucket, Conversion, CreditRules, Earning, Form, Pool, Unit, What, presets,
};
use lingyan_domain::{FieldError, Level};
use lingyan_store::Error;
use serde::Deserialize;
use tower_sessions::Session;

pub mod claims;
pub mod completion;
pub mod words;

pub fn router(upload_limit: usize) -> Router<AppState> {
    let r = Router::new()
        .route("/teachers/{id}/credits", get(ledger::view_transcript_get))
        .route("/me/credits", get(ledger::view_my_transcript_get))
        .route(
            "/teachers/{id}/credits/transcript.pdf",
            get(ledger::view_transcript_pdf_get),
        )
        .route(
            "/teachers/{id}/credits/transcript.xlsx",
            get(ledger::view_transcript_xlsx_get),
        )
        .route("/v", get(ledger::view_verify_form_get))
        .route("/v/{code}", get(ledger::view_verify_get))
        .route(
            "/claims",
            get(claims::view_mine_get)
                .post(claims::view_mine_post)
                .layer(axum::extract::DefaultBodyLimit::max(upload_limit)),
        )
        .route("/claims/{id}", get(claims::view_claim_get))
        .route("/claims/{id}/approve", post(claims::view_approve_post))
        .route("/claims/{id}/reject", post(claims::view_reject_post))
        .route("/claims/{id}/withdraw", post(claims::view_withdraw_post))
        .route("/claims/{id}/certificate", get(claims::view_certificate_get))
        .route("/teachers/{id}/credits/adjust", post(claims::view_adjust_post))
        .route(
            "/credit-entries/{id}/remove",
            post(claims::view_remove_entry_post),
        )
        .route(
            "/districts/{id}/credits/import",
            get(ledger::view_import_get)
                .post(ledger::view_import_post)
                .layer(axum::extract::DefaultBodyLimit::max(upload_limit)),
        )
        .route("/districts/{id}/credits/export", get(ledger::view_export_get));
    let r = both(r, "/credits", get(completion::view_completion_get));
    let r = both(r, "/credits/claims", get(claims::view_queue_get));
    let r = both(
        r,
        "/credits/report.xlsx",
        get(completion::view_completion_xlsx_get),
    );
    let r = both(r, "/credits/rules", get(view_credit_rules_get));
    let r = both(r, "/credits/rules/adopt", post(view_credit_rules_adopt_post));
    let r = both(
        r,
        "/credits/rules/edit",
        get(view_credit_rule_edit_get).post(view_credit_rule_edit_post),
    );
    let r = both(r, "/credits/rules/delete", post(view_credit_rule_delete_post));
    both(
        r,
        "/credits/rules/versions/{vid}",
        get(rule_sets::view_version_get::<CreditRules>),
    )
}

#[derive(Deserialize, Default)]
struct RulesQuery {
    year: Option<i32>,
    #[serde(default)]
    part: String,
    #[serde(default)]
    code: String,
}

/// One bucket, conversion or pool as the page lists it.
pub struct PartRow {
    pub code: String,
    pub name: String,
    pub what: String,
    pub how: String,
}

pub struct PresetView {
    pub code: String,
    pub name: String,
    pub description: String,
    pub source: String,
    pub summary: String,
}

#[derive(Template)]
#[template(path = "credit_rules.html")]
struct RulesPage {
    ctx: PageCtx,
    place: Place,
    head: Head,
    year: i32,
    /// Whether anything is asked.
    has_rules: bool,
    /// Whether the caller may change the rules here (a school only where
    /// its district lets it).
    can_edit: bool,
    /// A school whose district sets the rules for it.
    district_decides: bool,
    preset: String,
    cycle: String,
    policy: String,
    note: String,
    sections: Vec<Section>,
    presets: Vec<PresetView>,
}

/// Buckets, conversions or pools: a heading, what they are, and the list.
pub struct Section {
    pub part: &'static str,
    pub title: String,
    pub help: String,
    pub add: String,
    /// Whether the list has a column for what the parts apply to (pools
    /// gather by their own entries).
    pub show_what: bool,
    pub rows: Vec<PartRow>,
}

async fn year_of(state: &AppState, caller: &Caller, place: &Place, y: Option<i32>) -> Result<i32, Error> {
    match y {
        Some(y) => Ok(y),
        None => rule_sets::current_year(state, caller, place).await,
    }
}

async fn in_force(
    state: &AppState,
    caller: &Caller,
    place: &Place,
    year: i32,
) -> Result<lingyan_store::credits::RulesView, Error> {
    lingyan_store::credits::get(
        &state.store,
        &caller.scope,
        place.district_id,
        place.school_id,
        year,
    )
    .await
}

/// Whether the caller may change the rules of the place: a district's
/// administrators; a school's leaders where the district lets schools set
/// their own.
fn editable(place: &Place, rules: &CreditRules) -> bool {
    place.can_edit && (place.school_id.is_none() || rules.school_override)
}

/// `GET /districts/{id}/credits/rules?year=`, and under `/schools/{id}`
async fn view_credit_rules_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    place: Place,
    Query(q): Query<RulesQuery>,
) -> Result<Response, PageError> {
    let (state, caller) = (&state, &caller);
    let tr = ctx.tr;
    let year = year_of(state, caller, &place, q.year).await?;
    let view = in_force(state, caller, &place, year).await?;
    let r = &view.set;
    let head = rule_sets::head::<CreditRules>(
        state,
        caller,
        tr,
        &place,
        year,
        view.source,
        view.version.as_ref(),
    )
    .await?;
    let row = |code: &str, name: &str, what: String, how: String| PartRow {
        code: code.to_string(),
        name: name.to_string(),
        what,
        how,
    };
    Ok(render(&RulesPage {
        year,
        has_rules: r.is_set(),
        can_edit: editable(&place, r),
        district_decides: place.school_id.is_some() && !r.school_override,
        preset: r
            .preset
            .as_deref()
            .and_then(presets::find)
            .map(|p| p.name(tr.0).to_string())
            .unwrap_or_default(),
        cycle: words::cycle_text(tr, r),
        policy: words::policy_text(tr, r),
        note: r.note(tr.0).to_string(),
        sections: vec![
            Section {
                part: "bucket",
                title: tr.t("credits.buckets"),
                help: tr.t("credits.buckets_help"),
                add: tr.t("credits.add_bucket"),
                show_what: true,
                rows: r
                    .buckets
                    .iter()
                    .map(|b| {
                        row(
                            &b.code,
                            b.name(tr.0),
                            words::gathers_text(tr, b),
                            words::limits_text(tr, r.unit, b.min, b.cap),
                        )
                    })
                    .collect(),
            },
            Section {
                part: "conversion",
                title: tr.t("credits.conversions"),
                help: tr.t("credits.conversions_help"),
                add: tr.t("credits.add_conversion"),
                show_what: true,
                rows: r
                    .conversions
                    .iter()
                    .map(|c| {
                        row(
                            &c.code,
                            c.name(tr.0),
                            words::applies_text(tr, c),
                            words::counts_text(tr, r, c),
                        )
                    })
                    .collect(),
            },
            Section {
                part: "pool",
                title: tr.t("credits.pools"),
                help: tr.t("credits.pools_help"),
                add: tr.t("credits.add_pool"),
                show_what: false,
                rows: r
                    .pools
                    .iter()
                    .map(|p| row(&p.code, p.name(tr.0), String::new(), words::pool_text(tr, r, p)))
                    .collect(),
            },
        ],
        presets: presets::all()
            .iter()
            .map(|p| PresetView {
                code: p.code.clone(),
                name: p.name(tr.0).to_string(),
                description: p.description(tr.0).to_string(),
                source: p.source_name(tr.0),
                summary: words::cycle_text(tr, &p.rules),
            })
            .collect(),
        head,
        ctx,
        place,
    }))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct AdoptForm {
    year: i32,
    preset: String,
}

/// `POST /districts/{id}/credits/rules/adopt`, and under `/schools/{id}`
async fn view_credit_rules_adopt_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    place: Place,
    axum::Form(f): axum::Form<AdoptForm>,
) -> Result<Response, PageError> {
    place.require_edit()?;
    let tr = ctx.tr;
    match lingyan_store::credits::adopt(
        &state.store,
        &caller.scope,
        place.district_id,
        place.school_id,
        f.year,
        &f.preset,
    )
    .await
    {
        Ok(_) => {
            let name = presets::find(&f.preset)
                .map(|p| p.name(tr.0).to_string())
                .unwrap_or_default();
            flash(&session, "ok", tr.t1("credits.adopted", "name", &name)).await;
        }
        Err(e @ (Error::Invalid(_) | Error::InvalidAll(_))) => {
            flash(&session, "error", crate::pages::message_for(&e).message).await;
        }
        Err(e) => return Err(e.into()),
    }
    Ok(redirect(&format!("{}/credits/rules?year={}", place.base, f.year)))
}

/// Which part of the rules a form edits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    General,
    Bucket,
    Conversion,
    Pool,
}

impl Part {
    fn parse(s: &str) -> Result<Part, Error> {
        match s {
            "" | "general" => Ok(Part::General),
            "bucket" => Ok(Part::Bucket),
            "conversion" => Ok(Part::Conversion),
            "pool" => Ok(Part::Pool),
            other => Err(Error::Invalid(
                FieldError::new("part", "unknown_value").with("value", other),
            )),
        }
    }

    fn code(self) -> &'static str {
        match self {
            Part::General => "general",
            Part::Bucket => "bucket",
            Part::Conversion => "conversion",
            Part::Pool => "pool",
        }
    }
}

/// The form as posted: every part's fields, all text.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub(super) struct RuleForm {
    year: String,
    part: String,
    original: String,
    // General.
    unit: String,
    cycle_years: String,
    cycle_start: String,
    total: String,
    yearly_min: String,
    hours_per_unit: String,
    approval: String,
    prior_approval: Option<String>,
    feedback_required: Option<String>,
    school_override: Option<String>,
    note_zh: String,
    note_en: String,
    // A bucket, conversion or pool.
    name_zh: String,
    name_en: String,
    forms: Vec<String>,
    areas: Vec<String>,
    levels: Vec<String>,
    kinds: Vec<String>,
    min_level: String,
    min: String,
    cap: String,
    fixed: String,
    new_teachers: Option<String>,
}

fn text(a: Option<Amount>) -> String {
    a.map(|a| a.to_string()).unwrap_or_default()
}

fn on(b: bool) -> Option<String> {
    b.then(|| "on".to_string())
}

impl RuleForm {
    fn has(list: &[String], code: &str) -> bool {
        list.iter().any(|x| x == code)
    }

    fn has_form(&self, code: &str) -> bool {
        Self::has(&self.forms, code)
    }

    fn has_area(&self, code: &str) -> bool {
        Self::has(&self.areas, code)
    }

    fn has_level(&self, code: &str) -> bool {
        Self::has(&self.levels, code)
    }

    fn has_kind(&self, code: &str) -> bool {
        Self::has(&self.kinds, code)
    }

    /// The part's code: kept when editing; for a new part made from its
    /// English name (`County level or above` → `county_level_or_above`),
    /// unique among the codes already used.
    fn code_for(&self, r: &CreditRules) -> String {
        if !self.original.trim().is_empty() {
            return self.original.trim().to_string();
        }
        let mut base: String = self
            .name_en
            .trim()
            .to_ascii_lowercase()
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect::<String>()
            .split('_')
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join("_");
        base.truncate(32);
        if base.is_empty() {
            base = "part".into();
        }
        let taken = |c: &str| r.bucket(c).is_some() || r.conversion(c).is_some() || r.pool(c).is_some();
        let mut code = base.clone();
        let mut n = 2;
        while taken(&code) {
            code = format!("{base}_{n}");
            n += 1;
        }
        code
    }

    fn general(r: &CreditRules) -> Self {
        RuleForm {
            part: "general".into(),
            unit: r.unit.code().into(),
            cycle_years: r.cycle_years.to_string(),
            cycle_start: r.cycle_start.to_string(),
            total: if r.is_set() {
                r.total.to_string()
            } else {
                String::new()
            },
            yearly_min: text(r.yearly_min),
            hours_per_unit: r.hours_per_unit.to_string(),
            approval: r.approval.code().into(),
            prior_approval: on(r.prior_approval),
            feedback_required: on(r.feedback_required),
            school_override: on(r.school_override),
            note_zh: r.note_zh.clone(),
            note_en: r.note_en.clone(),
            ..Default::default()
        }
    }

    fn bucket(b: &Bucket) -> Self {
        RuleForm {
            part: "bucket".into(),
            original: b.code.clone(),
            name_zh: b.name_zh.clone(),
            name_en: b.name_en.clone(),
            forms: b.forms.iter().map(|f| f.code().to_string()).collect(),
            areas: b.areas.iter().map(|a| a.code().to_string()).collect(),
            levels: b.levels.iter().map(|l| l.code().to_string()).collect(),
            min: text(b.min),
            cap: text(b.cap),
            ..Default::default()
        }
    }

    fn conversion(c: &Conversion) -> Self {
        RuleForm {
            part: "conversion".into(),
            original: c.code.clone(),
            name_zh: c.name_zh.clone(),
            name_en: c.name_en.clone(),
            kinds: c.kinds.iter().map(|k| k.code().to_string()).collect(),
            forms: c.forms.iter().map(|f| f.code().to_string()).collect(),
            min_level: c.min_level.map(|l| l.code().to_string()).unwrap_or_default(),
            hours_per_unit: text(c.hours_per_unit),
            fixed: text(c.fixed),
            cap: text(c.cap),
            ..Default::default()
        }
    }

    fn pool(p: &Pool) -> Self {
        RuleForm {
            part: "pool".into(),
            original: p.code.clone(),
            name_zh: p.name_zh.clone(),
            name_en: p.name_en.clone(),
            min: text(p.min),
            new_teachers: on(p.new_teachers),
            ..Default::default()
        }
    }

    /// The rules with this form's part applied, or every field that does
    /// not read.
    fn apply(&self, part: Part, mut r: CreditRules) -> Result<CreditRules, Vec<FieldError>> {
        let mut errs = Vec::new();
        let code = self.code_for(&r);
        let mut amount = |field: &'static str, s: &str| -> Option<Amount> {
            let s = s.trim();
            if s.is_empty() {
                return None;
            }
            Amount::parse_str(s).or_else(|| {
                errs.push(FieldError::new(field, "not_a_decimal").with("value", s));
                None
            })
        };
        match part {
            Part::General => {
                let total = amount("total", &self.total);
                let yearly = amount("yearly_min", &self.yearly_min);
                let rate = amount("hours_per_unit", &self.hours_per_unit);
                match Unit::parse("unit", &self.unit) {
                    Ok(u) => r.unit = u,
                    Err(e) => errs.push(e),
                }
                match Approval::parse("approval", &self.approval) {
                    Ok(a) => r.approval = a,
                    Err(e) => errs.push(e),
                }
                match self.cycle_years.trim().parse::<u32>() {
                    Ok(n) => r.cycle_years = n,
                    Err(_) => errs.push(
                        FieldError::new("cycle_years", "not_a_number").with("value", self.cycle_years.trim()),
                    ),
                }
                match self.cycle_start.trim().parse::<i32>() {
                    Ok(n) => r.cycle_start = n,
                    Err(_) => errs.push(
                        FieldError::new("cycle_start", "not_a_year").with("value", self.cycle_start.trim()),
                    ),
                }
                match total {
                    Some(t) => r.total = t,
                    None if self.total.trim().is_empty() => errs.push(FieldError::new("total", "required")),
                    None => {}
                }
                r.yearly_min = yearly;
                r.hours_per_unit = rate.unwrap_or(Amount::whole(1));
                r.prior_approval = checkbox(&self.prior_approval);
                r.feedback_required = checkbox(&self.feedback_required);
                r.school_override = checkbox(&self.school_override);
                r.note_zh = self.note_zh.trim().to_string();
                r.note_en = self.note_en.trim().to_string();
            }
            Part::Bucket => {
                let b = Bucket {
                    code: code.clone(),
                    name_zh: self.name_zh.trim().to_string(),
                    name_en: self.name_en.trim().to_string(),
                    forms: self.forms.iter().filter_map(|c| Form::from_code(c)).collect(),
                    areas: self.areas.iter().filter_map(|c| Area::from_code(c)).collect(),
                    levels: self.levels.iter().filter_map(|c| Level::from_code(c)).collect(),
                    min: amount("min", &self.min),
                    cap: amount("cap", &self.cap),
                };
                put(&mut r.buckets, &self.original, b, |x| &x.code);
            }
            Part::Conversion => {
                let c = Conversion {
                    code: code.clone(),
                    name_zh: self.name_zh.trim().to_string(),
                    name_en: self.name_en.trim().to_string(),
                    kinds: self.kinds.iter().filter_map(|c| What::from_code(c)).collect(),
                    forms: self.forms.iter().filter_map(|c| Form::from_code(c)).collect(),
                    min_level: Level::from_code(self.min_level.trim()),
                    hours_per_unit: amount("hours_per_unit", &self.hours_per_unit),
                    fixed: amount("fixed", &self.fixed),
                    cap: amount("cap", &self.cap),
                };
                put(&mut r.conversions, &self.original, c, |x| &x.code);
            }
            Part::Pool => {
                let p = Pool {
                    code: code.clone(),
                    name_zh: self.name_zh.trim().to_string(),
                    name_en: self.name_en.trim().to_string(),
                    min: amount("min", &self.min),
                    new_teachers: checkbox(&self.new_teachers),
                };
                put(&mut r.pools, &self.original, p, |x| &x.code);
            }
        }
        if errs.is_empty() { Ok(r) } else { Err(errs) }
    }
}

/// Replaces the part with code `original`, or adds it.
fn put<T>(list: &mut Vec<T>, original: &str, new: T, code: impl Fn(&T) -> &String) {
    match list
        .iter()
        .position(|x| !original.is_empty() && code(x) == original)
    {
        Some(i) => list[i] = new,
        None => list.push(new),
    }
}

#[derive(Template)]
#[template(path = "credit_rule_form.html")]
struct FormPage {
    ctx: PageCtx,
    place: Place,
    year: i32,
    title: String,
    part: &'static str,
    f: RuleForm,
    error: Option<crate::pages::FormError>,
    units: Vec<(&'static str, String)>,
    approvals: Vec<(&'static str, String)>,
    forms: Vec<(&'static str, String)>,
    areas: Vec<(&'static str, String)>,
    levels: Vec<(&'static str, String)>,
    activity_kinds: Vec<(&'static str, String)>,
    earning_kinds: Vec<(&'static str, String)>,
}

fn form_page(
    ctx: PageCtx,
    place: Place,
    year: i32,
    part: Part,
    f: RuleForm,
    error: Option<crate::pages::FormError>,
) -> Response {
    let tr = ctx.tr;
    let label = |g: &str, c: &'static str| (c, tr.label(g, c));
    let new = f.original.is_empty();
    let page = FormPage {
        title: tr.t(match (part, new) {
            (Part::General, _) => "credits.edit_general",
            (Part::Bucket, true) => "credits.add_bucket",
            (Part::Bucket, false) => "credits.edit_bucket",
            (Part::Conversion, true) => "credits.add_conversion",
            (Part::Conversion, false) => "credits.edit_conversion",
            (Part::Pool, true) => "credits.add_pool",
            (Part::Pool, false) => "credits.edit_pool",
        }),
        part: part.code(),
        units: Unit::ALL
            .iter()
            .map(|u| label("credit_units", u.code()))
            .collect(),
        approvals: Approval::ALL
            .iter()
            .map(|a| label("approval_chains", a.code()))
            .collect(),
        forms: Form::ALL
            .iter()
            .map(|x| label("credit_forms", x.code()))
            .collect(),
        areas: Area::ALL
            .iter()
            .map(|x| label("credit_areas", x.code()))
            .collect(),
        levels: Level::ALL.iter().map(|l| label("levels", l.code())).collect(),
        activity_kinds: ActivityType::ALL
            .iter()
            .filter(|t| t.counts_as_training())
            .map(|t| label("activity_types", t.code()))
            .collect(),
        earning_kinds: Earning::ALL.iter().map(|e| label("earnings", e.code())).collect(),
        ctx,
        place,
        year,
        f,
        error,
    };
    let status = form_status(&page.error);
    render_status(status, &page)
}

/// `GET /districts/{id}/credits/rules/edit?year=&part=&code=` (no code: a
/// new bucket, conversion or pool), and under `/schools/{id}`
async fn view_credit_rule_edit_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    place: Place,
    Query(q): Query<RulesQuery>,
) -> Result<Response, PageError> {
    let year = year_of(&state, &caller, &place, q.year).await?;
    let part = Part::parse(&q.part)?;
    let view = in_force(&state, &caller, &place, year).await?;
    // Someone who may read the rules but not change them gets the rules,
    // not a form that would refuse to save.
    if !editable(&place, &view.set) {
        return Ok(redirect(&format!("{}/credits/rules?year={year}", place.base)));
    }
    let r = &view.set;
    let code = q.code.as_str();
    let f = match (part, code) {
        (Part::General, _) => RuleForm::general(r),
        (Part::Bucket, "") => RuleForm {
            part: "bucket".into(),
            ..Default::default()
        },
        (Part::Conversion, "") => RuleForm {
            part: "conversion".into(),
            ..Default::default()
        },
        (Part::Pool, "") => RuleForm {
            part: "pool".into(),
            new_teachers: on(true),
            ..Default::default()
        },
        (Part::Bucket, c) => RuleForm::bucket(r.bucket(c).ok_or(Error::NotFound)?),
        (Part::Conversion, c) => RuleForm::conversion(r.conversion(c).ok_or(Error::NotFound)?),
        (Part::Pool, c) => RuleForm::pool(r.pool(c).ok_or(Error::NotFound)?),
    };
    Ok(form_page(ctx, place, year, part, f, None))
}

/// `POST /districts/{id}/credits/rules/edit`, and under `/schools/{id}`
async fn view_credit_rule_edit_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    place: Place,
    RepeatedForm(f): RepeatedForm<RuleForm>,
) -> Result<Response, PageError> {
    place.require_edit()?;
    let Ok(year) = f.year.trim().parse::<i32>() else {
        return Err(
            Error::Invalid(FieldError::new("year", "not_a_year").with("value", f.year.trim())).into(),
        );
    };
    let part = Part::parse(&f.part)?;
    let view = in_force(&state, &caller, &place, year).await?;
    let result = match f.apply(part, view.set) {
        Err(errs) => Err(Error::InvalidAll(errs)),
        Ok(rules) => lingyan_store::credits::save(
            &state.store,
            &caller.scope,
            place.district_id,
            place.school_id,
            year,
            rules,
        )
        .await
        .map(|_| ()),
    };
    match result {
        Ok(()) => {
            flash(&session, "ok", ctx.tr.t("common.saved")).await;
            Ok(redirect(&format!("{}/credits/rules?year={year}", place.base)))
        }
        Err(e @ (Error::Invalid(_) | Error::InvalidAll(_))) => {
            let msg = crate::pages::message_for(&e);
            Ok(form_page(ctx, place, year, part, f, Some(msg)))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct DeleteForm {
    year: i32,
    part: String,
    code: String,
}

/// `POST /districts/{id}/credits/rules/delete`, and under `/schools/{id}`
async fn view_credit_rule_delete_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    place: Place,
    axum::Form(f): axum::Form<DeleteForm>,
) -> Result<Response, PageError> {
    place.require_edit()?;
    let part = Part::parse(&f.part)?;
    let mut r = in_force(&state, &caller, &place, f.year).await?.set;
    let gone = match part {
        Part::Bucket => remove(&mut r.buckets, &f.code, |x| &x.code),
        Part::Conversion => remove(&mut r.conversions, &f.code, |x| &x.code),
        Part::Pool => remove(&mut r.pools, &f.code, |x| &x.code),
        Part::General => false,
    };
    if !gone {
        return Err(Error::NotFound.into());
    }
    lingyan_store::credits::save(
        &state.store,
        &caller.scope,
        place.district_id,
        place.school_id,
        f.year,
        r,
    )
    .await?;
    flash(&session, "ok", ctx.tr.t("credits.part_deleted")).await;
    Ok(redirect(&format!("{}/credits/rules?year={}", place.base, f.year)))
}

fn remove<T>(list: &mut Vec<T>, code: &str, code_of: impl Fn(&T) -> &String) -> bool {
    let before = list.len();
    list.retain(|x| code_of(x) != code);
    list.len() < before
}

/// Rows in the national columns (the header first) as a workbook.
pub fn national_xlsx(rows: &[Vec<String>]) -> Result<Vec<u8>, lingyan_reports::Error> {
    use lingyan_reports::{Cell, Table, xlsx};
    let (head, body) = rows
        .split_first()
        .map(|(h, b)| (h.clone(), b))
        .unwrap_or_default();
    xlsx(&[Table {
        title: "国内培训".into(),
        headers: head,
        rows: body
            .iter()
            .map(|r| r.iter().map(|c| Cell::Text(c.clone())).collect())
            .collect(),
    }])
}

mod ledger;
pub(crate) use ledger::{base_url, export_response};
pub use ledger::{transcript_pdf, transcript_xlsx, verify_url};
