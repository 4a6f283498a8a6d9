//! A credit requirement in words: the page, the version diffs and the API's
//! change lists all say a rule the same way.

use crate::i18n::Tr;
use crate::pages::rule_sets::Worded;
use lingyan_domain::TierRules;
use lingyan_domain::credits::{Amount, Bucket, CYCLE_CODE, Conversion, CreditRules, POLICY_CODE, Pool, Unit};
use lingyan_store::rule_sets::Source;

/// "16 学分" / "16 credits", "1 hour".
pub fn units(tr: Tr, unit: Unit, a: Amount) -> String {
    let key = format!("credits.n_{}", unit.code());
    if a == Amount::whole(1) {
        tr.t1(&format!("{key}_one"), "n", &a)
    } else {
        tr.t1(&key, "n", &a)
    }
}

fn join(tr: Tr, parts: Vec<String>) -> String {
    parts.join(if tr.is_zh() { "、" } else { ", " })
}

/// "每 5 年（2021 年起）360 学分；每年不少于 48 学分；1 学时计 1 学分"
pub fn cycle_text(tr: Tr, r: &CreditRules) -> String {
    let cycle_key = if r.cycle_years == 1 {
        "credits.w_cycle_one"
    } else {
        "credits.w_cycle"
    };
    let mut parts = vec![
        tr.t(cycle_key)
            .replace("%{total}", &units(tr, r.unit, r.total))
            .replace("%{years}", &r.cycle_years.to_string())
            .replace("%{start}", &r.cycle_start.to_string()),
    ];
    if let Some(y) = r.yearly_min {
        parts.push(tr.t1("credits.w_yearly", "n", &units(tr, r.unit, y)));
    }
    // Hours counted in hours need no rate unless it is not one to one.
    if r.unit == Unit::Credit || r.hours_per_unit != Amount::whole(1) {
        parts.push(rate_text(tr, r.unit, r.hours_per_unit));
    }
    parts.join(if tr.is_zh() { "；" } else { "; " })
}

/// "10 学时计 1 学分" / "10 hours = 1 credit".
pub fn rate_text(tr: Tr, unit: Unit, hours: Amount) -> String {
    tr.t("credits.w_rate")
        .replace("%{hours}", &units(tr, Unit::Hour, hours))
        .replace("%{one}", &units(tr, unit, Amount::whole(1)))
}

pub fn policy_text(tr: Tr, r: &CreditRules) -> String {
    let mut parts = vec![tr.label("approval_chains", r.approval.code())];
    if r.prior_approval {
        parts.push(tr.t("credits.w_prior"));
    }
    if r.feedback_required {
        parts.push(tr.t("credits.w_feedback"));
    }
    parts.push(if r.school_override {
        tr.t("credits.w_override")
    } else {
        tr.t("credits.w_no_override")
    });
    parts.join(if tr.is_zh() { "；" } else { "; " })
}

/// What a bucket gathers: "集中培训；师德修养；县级、市级", or "all training".
pub fn gathers_text(tr: Tr, b: &Bucket) -> String {
    let mut parts = Vec::new();
    if !b.forms.is_empty() {
        parts.push(join(
            tr,
            b.forms
                .iter()
                .map(|f| tr.label("credit_forms", f.code()))
                .collect(),
        ));
    }
    if !b.areas.is_empty() {
        parts.push(join(
            tr,
            b.areas
                .iter()
                .map(|a| tr.label("credit_areas", a.code()))
                .collect(),
        ));
    }
    if !b.levels.is_empty() {
        parts.push(join(
            tr,
            b.levels.iter().map(|l| tr.label("levels", l.code())).collect(),
        ));
    }
    if parts.is_empty() {
        tr.t("credits.w_all_training")
    } else {
        parts.join(if tr.is_zh() { "；" } else { "; " })
    }
}

/// "不少于 16 学分，至多 20 学分"
pub fn limits_text(tr: Tr, unit: Unit, min: Option<Amount>, cap: Option<Amount>) -> String {
    let mut parts = Vec::new();
    if let Some(m) = min {
        parts.push(tr.t1("credits.w_min", "n", &units(tr, unit, m)));
    }
    if let Some(c) = cap {
        parts.push(tr.t1("credits.w_cap", "n", &units(tr, unit, c)));
    }
    parts.join(if tr.is_zh() { "，" } else { ", " })
}

pub fn bucket_text(tr: Tr, r: &CreditRules, b: &Bucket) -> String {
    format!(
        "{} · {}",
        gathers_text(tr, b),
        limits_text(tr, r.unit, b.min, b.cap)
    )
}

/// What a conversion applies to: "开设公开课（县级及以上）".
pub fn applies_text(tr: Tr, c: &Conversion) -> String {
    let mut parts = Vec::new();
    if !c.kinds.is_empty() {
        parts.push(join(tr, c.kinds.iter().map(|k| what_label(tr, *k)).collect()));
    }
    if !c.forms.is_empty() {
        parts.push(join(
            tr,
            c.forms
                .iter()
                .map(|f| tr.label("credit_forms", f.code()))
                .collect(),
        ));
    }
    let mut s = if parts.is_empty() {
        tr.t("credits.w_all_training")
    } else {
        parts.join(if tr.is_zh() { "；" } else { "; " })
    };
    if let Some(l) = c.min_level {
        s.push_str(&tr.t1("credits.w_min_level", "level", &tr.label("levels", l.code())));
    }
    s
}

/// How a conversion counts: "每次 6 学时，至多 18 学时" / "10 学时计 1 学分".
pub fn counts_text(tr: Tr, r: &CreditRules, c: &Conversion) -> String {
    let mut s = match (c.fixed, c.hours_per_unit) {
        (Some(f), _) => tr.t1("credits.w_fixed", "n", &units(tr, r.unit, f)),
        (None, Some(h)) => rate_text(tr, r.unit, h),
        (None, None) => String::new(),
    };
    if let Some(cap) = c.cap {
        s.push_str(if tr.is_zh() { "，" } else { ", " });
        s.push_str(&tr.t1("credits.w_cap", "n", &units(tr, r.unit, cap)));
        s.push_str(&tr.t("credits.w_per_cycle"));
    }
    s
}

pub fn conversion_text(tr: Tr, r: &CreditRules, c: &Conversion) -> String {
    format!("{} · {}", applies_text(tr, c), counts_text(tr, r, c))
}

pub fn pool_text(tr: Tr, r: &CreditRules, p: &Pool) -> String {
    let mut s = tr.t("credits.w_pool");
    if let Some(m) = p.min {
        s = format!("{} · {}", tr.t1("credits.w_min", "n", &units(tr, r.unit, m)), s);
    }
    if p.new_teachers {
        s.push_str(&tr.t("credits.w_new_teachers"));
    }
    s
}

/// An activity type's or an earning's name.
pub fn what_label(tr: Tr, w: lingyan_domain::credits::What) -> String {
    match w {
        lingyan_domain::credits::What::Activity(t) => tr.label("activity_types", t.code()),
        lingyan_domain::credits::What::Earning(e) => tr.label("earnings", e.code()),
    }
}

impl Worded for CreditRules {
    const PATH: &'static str = "/credits/rules";
    const TITLE: &'static str = "credits.rules";

    fn source_text(tr: Tr, source: Source) -> String {
        match source {
            Source::School { year } => tr.t1("credits.source_school", "year", &year),
            Source::District { year } => tr.t1("credits.source_district", "year", &year),
            Source::Default => tr.t("credits.source_none"),
        }
    }

    fn rule_name(&self, code: &str, tr: Tr) -> Option<String> {
        match code {
            CYCLE_CODE => Some(tr.t("credits.cycle_and_total")),
            POLICY_CODE => Some(tr.t("credits.policy")),
            c => self
                .bucket(c)
                .map(|b| b.name(tr.0).to_string())
                .or_else(|| self.conversion(c).map(|x| x.name(tr.0).to_string()))
                .or_else(|| self.pool(c).map(|p| p.name(tr.0).to_string())),
        }
    }

    fn rule_text(&self, code: &str, _tiers: &TierRules, tr: Tr) -> Option<String> {
        match code {
            CYCLE_CODE => Some(cycle_text(tr, self)),
            POLICY_CODE => Some(policy_text(tr, self)),
            c => self
                .bucket(c)
                .map(|b| bucket_text(tr, self, b))
                .or_else(|| self.conversion(c).map(|x| conversion_text(tr, self, x)))
                .or_else(|| self.pool(c).map(|p| pool_text(tr, self, p))),
        }
    }
}

/// The whole requirement in lines of text (the CLI's): cycle and total,
/// recognition, then each part, way of counting and separate count, and
/// the note.
pub fn rules_text(r: &CreditRules, l: lingyan_domain::Locale) -> String {
    let tr = Tr(l);
    let sep = if tr.is_zh() { "：" } else { ": " };
    let mut lines = vec![cycle_text(tr, r), policy_text(tr, r)];
    for b in &r.buckets {
        lines.push(format!("{}{sep}{}", b.name(l), bucket_text(tr, r, b)));
    }
    for c in &r.conversions {
        lines.push(format!("{}{sep}{}", c.name(l), conversion_text(tr, r, c)));
    }
    for p in &r.pools {
        lines.push(format!("{}{sep}{}", p.name(l), pool_text(tr, r, p)));
    }
    if !r.note(l).is_empty() {
        lines.push(r.note(l).to_string());
    }
    lines.join("\n    ")
}

/// What a shortfall is, in words: "1 credit in all", "1 credit in
/// School-based training", "20 credits in 2022", "90 credits of New-teacher
/// training".
pub fn shortfall_text(tr: Tr, r: &CreditRules, s: &lingyan_domain::credits::Shortfall) -> String {
    use lingyan_domain::credits::Need;
    let n = units(tr, r.unit, s.missing);
    match &s.need {
        Need::Total => tr.t1("credits.short_total", "n", &n),
        Need::Bucket(code) => tr
            .t("credits.short_in")
            .replace("%{n}", &n)
            .replace("%{what}", r.bucket(code).map(|b| b.name(tr.0)).unwrap_or(code)),
        Need::Year(y) => tr
            .t("credits.short_year")
            .replace("%{n}", &n)
            .replace("%{year}", &y.to_string()),
        Need::Pool(code) => tr
            .t("credits.short_in")
            .replace("%{n}", &n)
            .replace("%{what}", r.pool(code).map(|p| p.name(tr.0)).unwrap_or(code)),
    }
}

/// Why an entry counts less than it is worth, in words.
pub fn why_text(tr: Tr, r: &CreditRules, why: &lingyan_domain::credits::Why) -> String {
    use lingyan_domain::credits::Why;
    match why {
        Why::NotTraining => tr.t("credits.why_not_training"),
        Why::OutsideCycle => tr.t("credits.why_outside_cycle"),
        Why::Pool(code) => tr.t1(
            "credits.why_pool",
            "what",
            &r.pool(code)
                .map(|p| p.name(tr.0).to_string())
                .unwrap_or_else(|| code.clone()),
        ),
        Why::Capped(code) => tr.t1(
            "credits.why_capped",
            "what",
            &r.bucket(code)
                .map(|b| b.name(tr.0).to_string())
                .or_else(|| r.conversion(code).map(|c| c.name(tr.0).to_string()))
                .unwrap_or_else(|| code.clone()),
        ),
    }
}

/// A transcript in lines of text (the CLI's).
pub fn transcript_text(v: &lingyan_store::credits::TranscriptView, l: lingyan_domain::Locale) -> String {
    let tr = Tr(l);
    let r = &v.rules;
    let t = &v.transcript;
    let sep = if tr.is_zh() { "；" } else { "; " };
    let mut out = Vec::new();
    let who = match &v.staff_no {
        Some(n) => format!("{}（{n}）", v.teacher_name),
        None => v.teacher_name.clone(),
    };
    out.push(
        tr.t("credits.transcript_head")
            .replace("%{who}", &who)
            .replace("%{school}", tr.name(&v.school_name, &v.school_name_en))
            .replace("%{cycle}", &t.cycle.label())
            .replace("%{date}", &tr.date(&t.as_of)),
    );
    if !r.is_set() {
        out.push(tr.t("credits.source_none"));
        return out.join("\n");
    }
    out.push(
        tr.t("credits.counted_of")
            .replace("%{n}", &units(tr, r.unit, t.total))
            .replace("%{total}", &units(tr, r.unit, t.required)),
    );
    if t.missing.is_empty() {
        out.push(tr.t("credits.complete"));
    } else {
        let still: Vec<String> = t.missing.iter().map(|s| shortfall_text(tr, r, s)).collect();
        out.push(tr.t1("credits.still_to_earn", "what", &still.join(sep)));
    }
    if t.eligible() {
        out.push(tr.t("credits.eligible"));
    } else {
        let due: Vec<String> = t.due.iter().map(|s| shortfall_text(tr, r, s)).collect();
        out.push(tr.t1("credits.not_eligible", "what", &due.join(sep)));
    }
    for (b, tally) in r.buckets.iter().zip(&t.buckets) {
        out.push(format!(
            "  {}{}{} · {}",
            b.name(l),
            if tr.is_zh() { "：" } else { ": " },
            units(tr, r.unit, tally.counted),
            limits_text(tr, r.unit, tally.min, tally.cap)
        ));
    }
    for y in &t.years {
        let mut line = format!("  {} · {}", y.year, units(tr, r.unit, y.counted));
        if let Some(m) = y.min {
            line.push_str(&format!(
                " · {}",
                tr.t1("credits.w_min", "n", &units(tr, r.unit, m))
            ));
        }
        out.push(line);
    }
    for (e, line) in v.entries.iter().zip(&t.lines) {
        let mut s = format!(
            "  {} {} · {} · {}",
            e.start,
            e.title,
            units(tr, Unit::Hour, e.hours),
            tr.t1("credits.counts_n", "n", &units(tr, r.unit, line.counted))
        );
        if let Some(w) = &line.why {
            s.push_str(&format!(" ({})", why_text(tr, r, w)));
        }
        out.push(s);
    }
    out.join("\n")
}

/// A word at the head of a line: "County", not "county" (Chinese as it is).
pub fn capitalised(s: String) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => s,
    }
}
