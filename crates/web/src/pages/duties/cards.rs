//! The duties cards of the home pages: a school's (or a group's)
//! completion per duty and per tier with who is furthest behind, and one
//! line per school for a district's comparison.

use super::*;
use serde_json::json;

/// How many of the teachers a duty (or tier, or school) applies to stand
/// at each status.
#[derive(Debug, Clone, Default)]
pub struct DutyBar {
    pub name: String,
    pub done: u32,
    pub on_track: u32,
    pub behind: u32,
    pub overdue: u32,
}

impl DutyBar {
    fn add(&mut self, s: DutyStatus) {
        match s {
            DutyStatus::Done => self.done += 1,
            DutyStatus::OnTrack => self.on_track += 1,
            DutyStatus::Behind => self.behind += 1,
            DutyStatus::Overdue => self.overdue += 1,
            DutyStatus::NotApplicable => {}
        }
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

    /// Done or on track, as a share: the completion the cards lead with.
    pub fn ok_pct(&self) -> u32 {
        self.pct(&(self.done + self.on_track))
    }
}

/// A teacher with duties behind or overdue.
pub struct BehindRow {
    pub teacher_id: i64,
    pub name: String,
    pub tier: String,
    pub overdue: usize,
    pub behind: usize,
}

/// A school's (or the caller's group's) duties at a glance.
pub struct SchoolDuties {
    pub school_id: i64,
    pub school_name: String,
    pub total: DutyBar,
    pub rules: Vec<DutyBar>,
    pub tiers: Vec<DutyBar>,
    /// The furthest behind first, at most `top`.
    pub behind: Vec<BehindRow>,
    pub behind_total: usize,
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

/// The cards' figures from a school's progress.
pub fn school_duties(p: &SchoolProgress, tr: Tr, top: usize) -> SchoolDuties {
    let mut rules: Vec<DutyBar> = p
        .rules
        .iter()
        .map(|r| DutyBar {
            name: r.name(tr.0).to_string(),
            ..Default::default()
        })
        .collect();
    let mut tiers: Vec<DutyBar> = p
        .tiers
        .tiers
        .iter()
        .map(|t| DutyBar {
            name: t.name(tr.0).to_string(),
            ..Default::default()
        })
        .collect();
    let mut behind = Vec::new();
    for t in &p.teachers {
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
        }
        let count = |s: DutyStatus| t.results.iter().filter(|r| r.status == s).count();
        let (overdue, late) = (count(DutyStatus::Overdue), count(DutyStatus::Behind));
        if overdue + late > 0 {
            behind.push(BehindRow {
                teacher_id: t.teacher_id,
                name: t.name.clone(),
                tier: t
                    .tier
                    .as_deref()
                    .map(|c| super::tier_name(&p.tiers, c, tr))
                    .unwrap_or_default(),
                overdue,
                behind: late,
            });
        }
    }
    rules.retain(|b| b.applicable() > 0);
    tiers.retain(|b| b.applicable() > 0);
    behind.sort_by(|a, b| {
        (b.overdue, b.behind)
            .cmp(&(a.overdue, a.behind))
            .then(a.name.cmp(&b.name))
    });
    let behind_total = behind.len();
    behind.truncate(top);
    SchoolDuties {
        school_id: p.school_id,
        school_name: p.school_name.clone(),
        total: total(p),
        rules,
        tiers,
        behind,
        behind_total,
    }
}

/// Horizontal stacked bars, one per entry: done, on track, behind,
/// overdue as shares (percent) of what applies, in the status colours.
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
