//! Duties on the dashboards: a teacher's own duties, a school's (or a
//! group's) completion per duty and per tier with who is furthest behind,
//! and one line per school for a district's comparison.

use crate::auth::Caller;
use crate::i18n::Tr;
use crate::state::AppState;
use chrono::NaiveDate;
use lingyan_domain::duties::DutyStatus;
use lingyan_domain::evidence::fmt_num;
use lingyan_domain::{Capability, Tenant};
use lingyan_store::duties::{ProgressFilter, SchoolProgress};
use serde::Serialize;
use serde_json::json;
use std::collections::HashMap;
use utoipa::ToSchema;

/// How many teachers a duty (or tier, or school) applies to stand at each
/// status.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct DutyBar {
    /// The duty's, tier's or school's name.
    pub name: String,
    pub done: u32,
    pub on_track: u32,
    pub behind: u32,
    pub overdue: u32,
    /// Done or on track, as a share (0–100) of those it applies to.
    pub percent: u32,
}

impl DutyBar {
    fn named(name: String) -> Self {
        Self {
            name,
            ..Self::default()
        }
    }

    fn add(&mut self, s: DutyStatus) {
        match s {
            DutyStatus::Done => self.done += 1,
            DutyStatus::OnTrack => self.on_track += 1,
            DutyStatus::Behind => self.behind += 1,
            DutyStatus::Overdue => self.overdue += 1,
            DutyStatus::NotStarted | DutyStatus::NotApplicable => {}
        }
        self.percent = self.pct(&(self.done + self.on_track));
    }

    pub fn applicable(&self) -> u32 {
        self.done + self.on_track + self.behind + self.overdue
    }

    /// Share (0–100) of `n` among those the duty applies to.
    pub fn pct(&self, n: &u32) -> u32 {
        match self.applicable() {
            0 => 0,
            a => ((f64::from(*n) * 100.0 / f64::from(a)).round()) as u32,
        }
    }

    /// The bar's parts as (status class, start, width) in percent, for
    /// an SVG drawn without inline styles (the CSP forbids them).
    pub fn segments(&self) -> Vec<(&'static str, String, String)> {
        let a = f64::from(self.applicable().max(1));
        let mut x = 0.0;
        [
            ("done", self.done),
            ("on_track", self.on_track),
            ("behind", self.behind),
            ("overdue", self.overdue),
        ]
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .map(|(class, n)| {
            let w = f64::from(n) * 100.0 / a;
            let part = (class, format!("{x:.1}"), format!("{w:.1}"));
            x += w;
            part
        })
        .collect()
    }
}

/// One of the caller's own duties.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OwnDuty {
    /// The rule's code, for links to the teacher's duties page.
    pub rule: String,
    pub name: String,
    #[schema(example = "on_track")]
    pub status: String,
    pub done: String,
    pub required: String,
    /// Done as a share of required (0–100), for the progress bar.
    pub percent: u32,
    pub due: NaiveDate,
    pub explanation: String,
}

/// A teacher with duties behind or overdue.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BehindRow {
    pub teacher_id: i64,
    pub name: String,
    pub tier: String,
    pub overdue: usize,
    pub behind: usize,
}

/// A school's (or the caller's group's) duties at a glance.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SchoolDuties {
    pub school_id: i64,
    pub school_name: String,
    /// Every teacher × duty that applies, added up.
    pub total: DutyBar,
    /// Per duty that applies to someone, in the set's order.
    pub by_duty: Vec<DutyBar>,
    /// Per tier with a duty that applies.
    pub by_tier: Vec<DutyBar>,
    /// Per teaching-research or grade group (a teacher counts in each of
    /// theirs), in the groups' reading order.
    pub by_group: Vec<DutyBar>,
    /// The furthest behind first (at most eight).
    pub behind: Vec<BehindRow>,
    /// How many teachers have a duty behind or overdue.
    pub behind_total: usize,
}

/// One school in a district's comparison.
#[derive(Debug, Serialize, ToSchema)]
pub struct SchoolLine {
    pub school_id: i64,
    pub name: String,
    /// Active teachers evaluated.
    pub teachers: usize,
    pub duties: DutyBar,
    /// Records waiting for verification.
    pub pending_verification: u64,
    /// Backbone teachers per level, in the district's `levels` order.
    pub backbone: Vec<u64>,
    pub backbone_total: u64,
}

fn tier_name(p: &SchoolProgress, code: &str, tr: Tr) -> String {
    p.tiers
        .find(code)
        .map(|t| t.name(tr.0).to_string())
        .unwrap_or_else(|| code.to_string())
}

/// Every teacher × duty of a school added up.
pub fn total(p: &SchoolProgress) -> DutyBar {
    let mut bar = DutyBar::default();
    for t in &p.teachers {
        for r in &t.results {
            bar.add(r.status);
        }
    }
    bar
}

/// The figures of a school's progress.
pub fn school_duties(p: &SchoolProgress, tr: Tr, top: usize) -> SchoolDuties {
    let mut rules: Vec<DutyBar> = p
        .rules
        .iter()
        .map(|r| DutyBar::named(r.name(tr.0).to_string()))
        .collect();
    let mut tiers: Vec<DutyBar> = p
        .tiers
        .tiers
        .iter()
        .map(|t| DutyBar::named(t.name(tr.0).to_string()))
        .collect();
    let mut groups: Vec<DutyBar> = p.groups.iter().map(|(_, n)| DutyBar::named(n.clone())).collect();
    let mut behind = Vec::new();
    for t in &p.teachers {
        let in_groups: Vec<usize> = t
            .groups
            .iter()
            .filter_map(|g| p.groups.iter().position(|(_, n)| n == g))
            .collect();
        let tier = t
            .tier
            .as_deref()
            .and_then(|c| p.tiers.tiers.iter().position(|x| x.code == c));
        for (i, r) in t.results.iter().enumerate() {
            if let Some(bar) = rules.get_mut(i) {
                bar.add(r.status);
            }
            if let Some(bar) = tier.and_then(|k| tiers.get_mut(k)) {
                bar.add(r.status);
            }
            for k in &in_groups {
                groups[*k].add(r.status);
            }
        }
        let count = |s: DutyStatus| t.results.iter().filter(|r| r.status == s).count();
        let (overdue, late) = (count(DutyStatus::Overdue), count(DutyStatus::Behind));
        if overdue + late > 0 {
            behind.push(BehindRow {
                teacher_id: t.teacher_id,
                name: t.name.clone(),
                tier: t.tier.as_deref().map(|c| tier_name(p, c, tr)).unwrap_or_default(),
                overdue,
                behind: late,
            });
        }
    }
    rules.retain(|b| b.applicable() > 0);
    tiers.retain(|b| b.applicable() > 0);
    groups.retain(|b| b.applicable() > 0);
    behind.sort_by(|a, b| {
        (b.overdue, b.behind)
            .cmp(&(a.overdue, a.behind))
            .then_with(|| lingyan_domain::collate::by_name(&a.name, &b.name))
    });
    let behind_total = behind.len();
    behind.truncate(top);
    SchoolDuties {
        school_id: p.school_id,
        school_name: tr.name(&p.school_name, &p.school_name_en).to_string(),
        total: total(p),
        by_duty: rules,
        by_tier: tiers,
        by_group: groups,
        behind,
        behind_total,
    }
}

/// The caller's own duties that apply to them, and what falls due in the
/// next two weeks, in words.
pub(super) async fn own(
    state: &AppState,
    caller: &Caller,
    teacher_id: i64,
    tr: Tr,
    today: NaiveDate,
) -> lingyan_store::Result<(Vec<OwnDuty>, Vec<String>)> {
    let p = lingyan_store::duties::teacher(&state.store, &caller.scope, teacher_id, today).await?;
    let Some(row) = p.teachers.first() else {
        return Ok((Vec::new(), Vec::new()));
    };
    let due = lingyan_domain::duties::reminders::upcoming(&p.rules, &row.results, today, 14)
        .into_iter()
        .map(|r| if tr.is_zh() { r.text_zh } else { r.text_en })
        .collect();
    let duties = p
        .rules
        .iter()
        .zip(&row.results)
        .filter(|(_, r)| r.status != DutyStatus::NotApplicable)
        .map(|(rule, r)| OwnDuty {
            rule: rule.code.clone(),
            name: rule.name(tr.0).to_string(),
            status: r.status.code().to_string(),
            done: fmt_num(r.done),
            required: fmt_num(r.required),
            percent: if r.required > 0.0 {
                (r.done / r.required * 100.0).clamp(0.0, 100.0).round() as u32
            } else {
                0
            },
            due: r.due,
            explanation: r.explain(tr.0).to_string(),
        })
        .collect();
    Ok((duties, due))
}

/// A school's duties as the caller sees them, and whether that is the
/// whole school (`false`: only the caller's group); `None` when the caller
/// has nobody there to see.
pub(super) async fn school(
    state: &AppState,
    caller: &Caller,
    tr: Tr,
    today: NaiveDate,
    school_id: i64,
) -> lingyan_store::Result<Option<(SchoolDuties, bool)>> {
    let store = &state.store;
    let p = match lingyan_store::duties::school_shared(store, &caller.scope, school_id, today).await {
        Ok(p) => p,
        // A group leader whose groups are empty has nobody to show.
        Err(lingyan_store::Error::NotFound) => return Ok(None),
        Err(e) => return Err(e),
    };
    let whole = caller.scope.allows(
        Capability::ReadEvidence,
        Tenant::school(p.district_id, p.school_id),
    );
    let duties = if whole {
        state
            .kept_glances
            .of(tr.0, &p, || school_duties(&p, tr, super::TOP))
    } else {
        school_duties(&p, tr, super::TOP)
    };
    Ok(Some((duties, whole)))
}

/// The schools of a district side by side: duties, the verification
/// backlog, backbone teachers by level.
pub(super) async fn district(
    state: &AppState,
    caller: &Caller,
    tr: Tr,
    today: NaiveDate,
    wanted: &str,
) -> lingyan_store::Result<Option<super::DistrictSchools>> {
    let store = &state.store;
    let districts = lingyan_store::districts::list(store, &caller.scope).await?;
    let Some(district) = districts
        .iter()
        .find(|d| d.id.to_string() == wanted)
        .or_else(|| districts.first())
    else {
        return Ok(None);
    };
    let mut duties = HashMap::new();
    lingyan_store::duties::district(
        store,
        &caller.scope,
        district.id,
        today,
        &ProgressFilter::default(),
        |p| {
            duties.insert(p.school_id, (p.teachers.len(), total(&p)));
            Ok(())
        },
    )
    .await?;
    let pending = lingyan_store::evidence::pending_by_school(store, &caller.scope, district.id).await?;
    let status = lingyan_store::status::for_district(store, &caller.scope, district.id, today).await?;
    // Highest level first, as the status analysis counts them.
    let levels: Vec<lingyan_domain::Level> = lingyan_domain::Level::ALL
        .iter()
        .rev()
        .copied()
        .filter(|l| {
            status
                .schools
                .iter()
                .any(|s| s.analysis.backbone_by_level.iter().any(|(x, n)| x == l && *n > 0))
        })
        .collect();
    let schools = status
        .schools
        .iter()
        .map(|s| {
            let name = super::local_name(tr, &s.school.name, &s.school.name_en);
            let (teachers, bar) = duties.remove(&s.school.id).unwrap_or_default();
            SchoolLine {
                school_id: s.school.id,
                teachers,
                duties: DutyBar {
                    name: name.clone(),
                    ..bar
                },
                name,
                pending_verification: pending.get(&s.school.id).copied().unwrap_or(0),
                backbone: levels
                    .iter()
                    .map(|l| {
                        s.analysis
                            .backbone_by_level
                            .iter()
                            .find(|(x, _)| x == l)
                            .map_or(0, |(_, n)| *n)
                    })
                    .collect(),
                backbone_total: s.analysis.backbone_total.count,
            }
        })
        .collect();
    Ok(Some(super::DistrictSchools {
        district_id: district.id,
        name: super::local_name(tr, &district.name, &district.name_en),
        districts: districts
            .iter()
            .map(|d| super::DistrictChoice {
                district_id: d.id,
                name: super::local_name(tr, &d.name, &d.name_en),
            })
            .collect(),
        levels: levels
            .iter()
            .map(|l| lingyan_reports::status::level_word(tr.0, *l, &district.name))
            .collect(),
        schools,
    }))
}

/// Chart data for `.chart[data-chart]`: horizontal stacked bars, one per
/// entry — done, on track, behind, overdue as shares of what applies, in
/// the status colours.
pub fn stacked_chart(title: &str, bars: &[DutyBar], tr: Tr) -> String {
    let series = [
        (DutyStatus::Done, "#1b7a3d"),
        (DutyStatus::OnTrack, "#5b9bd5"),
        (DutyStatus::Behind, "#d99a1e"),
        (DutyStatus::Overdue, "#c0392b"),
    ]
    .iter()
    .map(|(s, colour)| {
        let values: Vec<u32> = bars
            .iter()
            .map(|b| {
                b.pct(&match s {
                    DutyStatus::Done => b.done,
                    DutyStatus::OnTrack => b.on_track,
                    DutyStatus::Behind => b.behind,
                    _ => b.overdue,
                })
            })
            .collect();
        json!({"name": tr.label("duty_status", s.code()), "values": values, "color": colour})
    })
    .collect::<Vec<_>>();
    json!({
        "title": title,
        "stacked": true,
        "percent": true,
        "labels": bars.iter().map(|b| b.name.as_str()).collect::<Vec<_>>(),
        "series": series,
    })
    .to_string()
}
