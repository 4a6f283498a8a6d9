//! Editing a place's duty rules: the rules page (in the rule-set page
//! pattern), adopting a preset, adding, editing and deleting a rule.

use super::*;

#[derive(Deserialize, Default)]
pub(super) struct YearQuery {
    year: Option<i32>,
    #[serde(default)]
    code: String,
}

pub struct RuleRow {
    pub code: String,
    pub name: String,
    pub text: RuleText,
    pub preset: String,
}

pub struct PresetView {
    pub code: String,
    pub name: String,
    pub description: String,
    pub source: String,
    pub rules: usize,
}

#[derive(Template)]
#[template(path = "duty_rules.html")]
struct RulesPage {
    ctx: PageCtx,
    place: Place,
    head: Head,
    year: i32,
    /// The day new rules would count from if saved now (the form's default).
    effective: String,
    rules: Vec<RuleRow>,
    presets: Vec<PresetView>,
}

async fn tiers_of(state: &AppState, caller: &Caller, place: &Place, year: i32) -> Result<TierRules, Error> {
    Ok(lingyan_store::tiers::get(
        &state.store,
        &caller.scope,
        place.district_id,
        place.school_id,
        year,
    )
    .await?
    .set)
}

/// `GET /schools/{id}/duties/rules?year=`, `GET /districts/{id}/duties/rules?year=`
pub(super) async fn view_rules_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    place: Place,
    Query(q): Query<YearQuery>,
) -> Result<Response, PageError> {
    let (state, caller) = (&state, &caller);
    let tr = ctx.tr;
    let year = match q.year {
        Some(y) => y,
        None => rule_sets::current_year(state, caller, &place).await?,
    };
    let view = lingyan_store::duties::get(
        &state.store,
        &caller.scope,
        place.district_id,
        place.school_id,
        year,
    )
    .await?;
    let tiers = tiers_of(state, caller, &place, year).await?;
    let rules = view
        .set
        .rules
        .iter()
        .map(|r| RuleRow {
            code: r.code.clone(),
            name: r.name(tr.0).to_string(),
            text: describe(r, &tiers, tr),
            preset: r
                .preset
                .as_deref()
                .and_then(presets::find)
                .map(|p| p.name(tr.0).to_string())
                .unwrap_or_default(),
        })
        .collect();
    let presets = presets::all()
        .iter()
        .map(|p| PresetView {
            code: p.code.clone(),
            name: p.name(tr.0).to_string(),
            description: p.description(tr.0).to_string(),
            source: p.source_name(tr.0),
            rules: p.set.rules.len(),
        })
        .collect();
    let head = rule_sets::head::<lingyan_domain::duties::DutySet>(
        state,
        caller,
        tr,
        &place,
        year,
        view.source,
        view.version.as_ref(),
    )
    .await?;
    let effective =
        lingyan_store::rule_sets::default_effective(&state.store, &caller.scope, place.rules(), year)
            .await?
            .to_string();
    Ok(render(&RulesPage {
        ctx,
        place,
        head,
        year,
        effective,
        rules,
        presets,
    }))
}

/// Every field defaults, so that a refusal comes before the form is read.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct AdoptForm {
    year: i32,
    preset: String,
    effective_from: String,
}

/// The "counts from" field: empty means the default (today, or the year's
/// start); anything else must be a date.
fn effective_field(s: &str) -> Result<Option<NaiveDate>, Error> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    lingyan_domain::dates::parse_date("effective_from", s)
        .map(Some)
        .map_err(Error::Invalid)
}

/// `POST /schools/{id}/duties/rules/adopt`, `POST /districts/{id}/duties/rules/adopt`
pub(super) async fn view_rules_adopt_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    place: Place,
    axum::Form(f): axum::Form<AdoptForm>,
) -> Result<Response, PageError> {
    place.require_edit()?;
    let tr = ctx.tr;
    let result = match effective_field(&f.effective_from) {
        Ok(effective) => {
            lingyan_store::duties::adopt(
                &state.store,
                &caller.scope,
                place.district_id,
                place.school_id,
                f.year,
                &f.preset,
                effective,
            )
            .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => {
            let name = presets::find(&f.preset)
                .map(|p| p.name(tr.0).to_string())
                .unwrap_or_default();
            flash(&session, "ok", tr.t1("duties.adopted", "name", &name)).await;
        }
        Err(e @ (Error::Invalid(_) | Error::InvalidAll(_))) => {
            flash(&session, "error", crate::pages::message_for(&e).message).await;
        }
        Err(e) => return Err(e.into()),
    }
    Ok(redirect(&format!("{}/duties/rules?year={}", place.base, f.year)))
}

/// The rule form as posted.
#[derive(Deserialize, Default, Clone)]
pub(super) struct RuleForm {
    #[serde(default)]
    year: String,
    #[serde(default)]
    original: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    name_zh: String,
    #[serde(default)]
    name_en: String,
    #[serde(default)]
    kinds: Vec<String>,
    #[serde(default)]
    subtypes: Vec<String>,
    #[serde(default)]
    min_level: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    award_won: Option<String>,
    #[serde(default)]
    published: Option<String>,
    #[serde(default)]
    min_hours: String,
    #[serde(default)]
    measure: String,
    #[serde(default)]
    count: String,
    #[serde(default)]
    period: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    every: String,
    #[serde(default)]
    tiers: Vec<String>,
    #[serde(default)]
    honour_kind: String,
    #[serde(default)]
    honour_level: String,
    #[serde(default)]
    age_below: String,
    #[serde(default)]
    age_at_least: String,
    #[serde(default)]
    years_at_most: String,
    #[serde(default)]
    years_at_least: String,
    #[serde(default)]
    groups: String,
    #[serde(default)]
    teachers: String,
    #[serde(default)]
    preset: String,
    #[serde(default)]
    effective_from: String,
}

fn opt_text(s: &str) -> Option<String> {
    Some(s.trim().to_string()).filter(|s| !s.is_empty())
}

fn list(s: &str) -> Vec<String> {
    s.split([',', '，', '、', ';', '；', '\n'])
        .map(|x| x.trim().to_string())
        .filter(|x| !x.is_empty())
        .collect()
}

impl RuleForm {
    fn has_kind(&self, code: &str) -> bool {
        self.kinds.iter().any(|k| k == code)
    }

    fn has_subtype(&self, code: &str) -> bool {
        self.subtypes.iter().any(|k| k == code)
    }

    fn has_tier(&self, code: &str) -> bool {
        self.tiers.iter().any(|k| k == code)
    }

    fn of(r: &DutyRule) -> Self {
        let i = DutyRuleInput::of(r);
        let num = |v: Option<i32>| v.map(|v| v.to_string()).unwrap_or_default();
        Self {
            year: String::new(),
            original: r.code.clone(),
            code: i.code,
            name_zh: i.name_zh,
            name_en: i.name_en,
            kinds: i.kinds,
            subtypes: i.subtypes,
            min_level: i.min_level.unwrap_or_default(),
            role: i.role.unwrap_or_default(),
            award_won: i.award_won.then(|| "on".to_string()),
            published: i.published.then(|| "on".to_string()),
            min_hours: i.min_hours.map(fmt_num).unwrap_or_default(),
            measure: i.measure.unwrap_or_default(),
            count: i.count.map(fmt_num).unwrap_or_default(),
            period: i.period,
            from: i.from.unwrap_or_default(),
            to: i.to.unwrap_or_default(),
            every: i.every.unwrap_or_default(),
            tiers: i.tiers,
            honour_kind: i.honours.first().map(|h| h.kind.clone()).unwrap_or_default(),
            honour_level: i.honours.first().map(|h| h.min_level.clone()).unwrap_or_default(),
            age_below: num(i.age_below),
            age_at_least: num(i.age_at_least),
            years_at_most: num(i.years_at_most),
            years_at_least: num(i.years_at_least),
            groups: i.groups.join("，"),
            teachers: i.teachers.join(", "),
            preset: i.preset.unwrap_or_default(),
            effective_from: String::new(),
        }
    }

    /// The input, or the numbers that did not parse.
    fn input(&self) -> Result<DutyRuleInput, Vec<FieldError>> {
        let mut errs = Vec::new();
        let mut int = |field: &'static str, s: &str| -> Option<i32> {
            let s = s.trim();
            if s.is_empty() {
                return None;
            }
            s.parse()
                .map_err(|_| errs.push(FieldError::new(field, "not_a_number").with("value", s)))
                .ok()
        };
        let age_below = int("age_below", &self.age_below);
        let age_at_least = int("age_at_least", &self.age_at_least);
        let years_at_most = int("years_at_most", &self.years_at_most);
        let years_at_least = int("years_at_least", &self.years_at_least);
        let mut float = |field: &'static str, s: &str| -> Option<f64> {
            let s = s.trim();
            if s.is_empty() {
                return None;
            }
            s.parse::<f64>().ok().filter(|v| v.is_finite()).or_else(|| {
                errs.push(FieldError::new(field, "not_a_decimal").with("value", s));
                None
            })
        };
        let count = float("count", &self.count);
        let min_hours = float("min_hours", &self.min_hours);
        if !errs.is_empty() {
            return Err(errs);
        }
        Ok(DutyRuleInput {
            code: self.code.clone(),
            name_zh: self.name_zh.clone(),
            name_en: self.name_en.clone(),
            kinds: self.kinds.clone(),
            subtypes: self.subtypes.clone(),
            min_level: opt_text(&self.min_level),
            role: opt_text(&self.role),
            award_won: checkbox(&self.award_won),
            published: checkbox(&self.published),
            min_hours,
            measure: opt_text(&self.measure),
            count,
            period: self.period.clone(),
            from: opt_text(&self.from),
            to: opt_text(&self.to),
            every: opt_text(&self.every),
            tiers: self.tiers.clone(),
            honours: opt_text(&self.honour_kind)
                .map(|kind| {
                    vec![HonourInput {
                        kind,
                        min_level: self.honour_level.clone(),
                    }]
                })
                .unwrap_or_default(),
            age_below,
            age_at_least,
            years_at_most,
            years_at_least,
            groups: list(&self.groups),
            teachers: list(&self.teachers),
            preset: opt_text(&self.preset),
            since: None,
        })
    }
}

#[derive(Template)]
#[template(path = "duty_rule_form.html")]
struct RuleFormPage {
    ctx: PageCtx,
    place: Place,
    year: i32,
    f: RuleForm,
    is_new: bool,
    error: Option<crate::pages::FormError>,
    kinds: Vec<(&'static str, String)>,
    subtypes: Vec<(String, Vec<(&'static str, String)>)>,
    levels: Vec<(&'static str, String)>,
    roles: Vec<(&'static str, String)>,
    measures: Vec<(&'static str, String)>,
    periods: Vec<(&'static str, String)>,
    tiers: Vec<(String, String)>,
    honours: Vec<(&'static str, String)>,
}

async fn rule_form_page(
    state: &AppState,
    caller: &Caller,
    ctx: PageCtx,
    place: Place,
    year: i32,
    f: RuleForm,
    error: Option<crate::pages::FormError>,
) -> Result<Response, PageError> {
    let tr = ctx.tr;
    let tiers = tiers_of(state, caller, &place, year).await?;
    let label = |g: &str, c: &'static str| (c, tr.label(g, c));
    let page = RuleFormPage {
        is_new: f.original.is_empty(),
        kinds: CountedKind::ALL
            .iter()
            .map(|k| label("counted_kinds", k.code()))
            .collect(),
        subtypes: [
            (CountedKind::Class, "class_type"),
            (CountedKind::Writing, "writing_type"),
            (CountedKind::Training, "training_mode"),
            (CountedKind::Plan, "plan_type"),
        ]
        .into_iter()
        .map(|(k, g)| {
            (
                tr.label("counted_kinds", k.code()),
                k.subtype_codes().iter().map(|c| label(g, c)).collect(),
            )
        })
        .collect(),
        levels: Level::ALL.iter().map(|l| label("levels", l.code())).collect(),
        roles: ProjectRole::ALL
            .iter()
            .map(|r| label("project_role", r.code()))
            .collect(),
        measures: Measure::ALL
            .iter()
            .map(|m| label("duty_measures", m.code()))
            .collect(),
        periods: PeriodUnit::ALL
            .iter()
            .map(|p| label("duty_periods", p.code()))
            .collect(),
        tiers: tiers
            .tiers
            .iter()
            .map(|t| (t.code.clone(), t.name(tr.0).to_string()))
            .collect(),
        honours: HonourKind::ALL
            .iter()
            .map(|h| label("honour_kinds", h.code()))
            .collect(),
        ctx,
        place,
        year,
        f,
        error,
    };
    let status = form_status(&page.error);
    Ok(render_status(status, &page))
}

/// `GET /schools/{id}/duties/rules/edit?year=&code=` (no code: a new
/// rule), and the same under `/districts/{id}`
pub(super) async fn view_rule_edit_get(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    place: Place,
    Query(q): Query<YearQuery>,
) -> Result<Response, PageError> {
    let year = match q.year {
        Some(y) => y,
        None => rule_sets::current_year(&state, &caller, &place).await?,
    };
    let view = lingyan_store::duties::get(
        &state.store,
        &caller.scope,
        place.district_id,
        place.school_id,
        year,
    )
    .await?;
    // Someone who may read the rules but not change them gets the rules,
    // not a form that would refuse to save.
    if !place.can_edit {
        return Ok(redirect(&format!("{}/duties/rules?year={year}", place.base)));
    }
    let mut f = if q.code.is_empty() {
        RuleForm {
            period: "semester".into(),
            count: "1".into(),
            ..Default::default()
        }
    } else {
        RuleForm::of(view.set.find(&q.code).ok_or(Error::NotFound)?)
    };
    f.effective_from =
        lingyan_store::rule_sets::default_effective(&state.store, &caller.scope, place.rules(), year)
            .await?
            .to_string();
    rule_form_page(&state, &caller, ctx, place, year, f, None).await
}

/// `POST /schools/{id}/duties/rules/edit`, `POST /districts/{id}/duties/rules/edit`
pub(super) async fn view_rule_edit_post(
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
    let result = match (f.input(), effective_field(&f.effective_from)) {
        (Err(errs), _) => Err(Error::InvalidAll(errs)),
        (_, Err(e)) => Err(e),
        (Ok(input), Ok(effective)) => {
            let view = lingyan_store::duties::get(
                &state.store,
                &caller.scope,
                place.district_id,
                place.school_id,
                year,
            )
            .await?;
            let mut all = view.set.to_input();
            match all
                .rules
                .iter_mut()
                .find(|r| !f.original.is_empty() && r.code == f.original)
            {
                Some(r) => *r = input,
                None => all.rules.push(input),
            }
            lingyan_store::duties::save(
                &state.store,
                &caller.scope,
                place.district_id,
                place.school_id,
                year,
                &all,
                effective,
            )
            .await
            .map(|_| ())
        }
    };
    match result {
        Ok(()) => {
            flash(&session, "ok", ctx.tr.t("common.saved")).await;
            Ok(redirect(&format!("{}/duties/rules?year={year}", place.base)))
        }
        Err(e @ (Error::Invalid(_) | Error::InvalidAll(_))) => {
            let msg = crate::pages::message_for(&e);
            rule_form_page(&state, &caller, ctx, place, year, f, Some(msg)).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct DeleteForm {
    year: i32,
    code: String,
}

/// `POST /schools/{id}/duties/rules/delete`, `POST /districts/{id}/duties/rules/delete`
pub(super) async fn view_rule_delete_post(
    State(state): State<AppState>,
    caller: Caller,
    ctx: PageCtx,
    session: Session,
    place: Place,
    axum::Form(f): axum::Form<DeleteForm>,
) -> Result<Response, PageError> {
    place.require_edit()?;
    let view = lingyan_store::duties::get(
        &state.store,
        &caller.scope,
        place.district_id,
        place.school_id,
        f.year,
    )
    .await?;
    let mut all = view.set.to_input();
    let before = all.rules.len();
    all.rules.retain(|r| r.code != f.code);
    if all.rules.len() == before {
        return Err(Error::NotFound.into());
    }
    lingyan_store::duties::save(
        &state.store,
        &caller.scope,
        place.district_id,
        place.school_id,
        f.year,
        &all,
        None,
    )
    .await?;
    flash(&session, "ok", ctx.tr.t("duties.rule_deleted")).await;
    Ok(redirect(&format!("{}/duties/rules?year={}", place.base, f.year)))
}
