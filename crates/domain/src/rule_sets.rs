//! What every kind of rule set has in common: a code the store files it
//! under, what applies where nothing was saved, and how two versions differ.
//! Tier rules and duty rules are kinds today; credit requirements, mentor
//! load, assessment schemes and selection criteria become kinds the same
//! way (decision 32).

use chrono::NaiveDate;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// How one rule differs between two versions of a set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Added,
    Removed,
    Changed,
    /// The same rules in a different order, where order matters (tiers:
    /// the first that fits a teacher wins).
    Reordered,
}

impl ChangeKind {
    pub fn code(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Removed => "removed",
            ChangeKind::Changed => "changed",
            ChangeKind::Reordered => "reordered",
        }
    }
}

/// One line of a diff: which rule (by its code) and how it changed. The
/// surfaces put the rule's wording before and after beside it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleChange {
    pub change: ChangeKind,
    /// The rule's code; empty for a whole-set change (reordering).
    pub code: String,
}

/// A kind of rule set the store keeps per place and school year.
pub trait RuleSetKind: Clone + Serialize + DeserializeOwned + Send + Sync + 'static {
    /// The code stored with every version (`tiers`, `duties` …).
    const KIND: &'static str;
    /// Whether a version takes effect on a date within its school year:
    /// duties do (adopting them mid-semester must not make anyone overdue
    /// for weeks already gone); tiers classify a whole year and do not.
    const DATED: bool;

    /// What applies where neither the school nor its district saved a set.
    fn fallback() -> Self;

    /// The codes of the rules, in order.
    fn codes(&self) -> Vec<&str>;

    /// Whether the rule with `code` is the same in both sets (for dated
    /// kinds, ignoring when it took effect).
    fn same_rule(&self, other: &Self, code: &str) -> bool;

    /// Whether order matters between rules.
    fn ordered() -> bool {
        false
    }

    /// Marks, before saving, when each rule takes effect: a rule that is
    /// new or changed since `before` (the set in force until now) applies
    /// from `from`; one that is unchanged keeps its own date. Only dated
    /// kinds have anything to mark.
    fn take_effect(&mut self, _before: &Self, _from: Option<NaiveDate>) {}

    /// Rules added, removed and changed from `self` to `newer`, in the
    /// newer set's order, removals last.
    fn changes(&self, newer: &Self) -> Vec<RuleChange> {
        let old = self.codes();
        let new = newer.codes();
        let mut out = Vec::new();
        for c in &new {
            if !old.contains(c) {
                out.push(RuleChange {
                    change: ChangeKind::Added,
                    code: c.to_string(),
                });
            } else if !self.same_rule(newer, c) {
                out.push(RuleChange {
                    change: ChangeKind::Changed,
                    code: c.to_string(),
                });
            }
        }
        for c in &old {
            if !new.contains(c) {
                out.push(RuleChange {
                    change: ChangeKind::Removed,
                    code: c.to_string(),
                });
            }
        }
        if Self::ordered() {
            let kept_old: Vec<&&str> = old.iter().filter(|c| new.contains(c)).collect();
            let kept_new: Vec<&&str> = new.iter().filter(|c| old.contains(c)).collect();
            if kept_old != kept_new {
                out.push(RuleChange {
                    change: ChangeKind::Reordered,
                    code: String::new(),
                });
            }
        }
        out
    }
}

impl RuleSetKind for crate::tiers::TierRules {
    const KIND: &'static str = "tiers";
    const DATED: bool = false;

    fn fallback() -> Self {
        Self::standard()
    }

    fn codes(&self) -> Vec<&str> {
        self.tiers.iter().map(|t| t.code.as_str()).collect()
    }

    fn same_rule(&self, other: &Self, code: &str) -> bool {
        self.find(code) == other.find(code)
    }

    fn ordered() -> bool {
        true
    }
}

impl RuleSetKind for crate::duties::DutySet {
    const KIND: &'static str = "duties";
    const DATED: bool = true;

    fn fallback() -> Self {
        Self::default()
    }

    fn codes(&self) -> Vec<&str> {
        self.rules.iter().map(|r| r.code.as_str()).collect()
    }

    fn same_rule(&self, other: &Self, code: &str) -> bool {
        match (self.find(code), other.find(code)) {
            (Some(a), Some(b)) => a.same_as(b),
            (a, b) => a.is_none() && b.is_none(),
        }
    }

    /// A rule sent back with the date it was read with, but changed, takes
    /// effect anew; a date typed for a rule (different from the one in
    /// force) is kept.
    fn take_effect(&mut self, before: &Self, from: Option<NaiveDate>) {
        for r in &mut self.rules {
            match before.find(&r.code) {
                Some(old) if old.same_as(r) => r.since = old.since,
                Some(old) if r.since == old.since => r.since = from,
                Some(_) => {}
                None if r.since.is_none() => r.since = from,
                None => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::duties::{DutySet, presets};
    use crate::tiers::TierRules;

    fn codes(ch: &[RuleChange]) -> Vec<(ChangeKind, &str)> {
        ch.iter().map(|c| (c.change, c.code.as_str())).collect()
    }

    #[test]
    fn tiers_added_removed_changed_and_reordered() {
        let a = TierRules::standard();
        let mut b = a.clone();
        b.tiers.retain(|t| t.code != "veteran");
        b.tiers[1].age_below = Some(40);
        b.tiers.swap(0, 1);
        let mut extra = b.tiers[0].clone();
        extra.code = "novice".into();
        b.tiers.push(extra);
        assert_eq!(
            codes(&a.changes(&b)),
            vec![
                (ChangeKind::Changed, "young"),
                (ChangeKind::Added, "novice"),
                (ChangeKind::Removed, "veteran"),
                (ChangeKind::Reordered, ""),
            ]
        );
        assert!(a.changes(&a).is_empty());
    }

    #[test]
    fn duties_ignore_when_a_rule_took_effect() {
        let p = presets::find("all-eight-ones").expect("preset");
        let mut a = DutySet::default();
        a.adopt(p);
        let mut b = a.clone();
        b.rules[0].since = chrono::NaiveDate::from_ymd_opt(2026, 11, 2);
        assert!(a.changes(&b).is_empty());
        b.rules[1].count += 1.0;
        assert_eq!(
            codes(&a.changes(&b)),
            vec![(ChangeKind::Changed, b.rules[1].code.as_str())]
        );
        assert_eq!(
            codes(&DutySet::default().changes(&a)).len(),
            a.rules.len(),
            "every rule of a first set is added"
        );
        assert!(!<DutySet as RuleSetKind>::ordered());
    }

    #[test]
    fn new_and_changed_duties_take_effect_unchanged_keep_their_day() {
        let d = |m, day| chrono::NaiveDate::from_ymd_opt(2026, m, day);
        let p = presets::find("all-eight-ones").expect("preset");
        let mut before = DutySet::default();
        before.adopt(p);
        before.rules[0].since = d(10, 1);
        let mut after = before.clone();
        after.rules[1].count += 1.0;
        after.rules[2].count += 1.0;
        after.rules[2].since = d(9, 15);
        let mut extra = after.rules[3].clone();
        extra.code = "extra".into();
        extra.since = None;
        after.rules.push(extra);
        after.take_effect(&before, d(11, 2));
        assert_eq!(after.rules[0].since, d(10, 1), "unchanged keeps its day");
        assert_eq!(after.rules[1].since, d(11, 2), "changed takes effect now");
        assert_eq!(after.rules[2].since, d(9, 15), "a day typed for it is kept");
        assert_eq!(after.rules[3].since, None, "unchanged, from the start");
        assert_eq!(after.rules.last().map(|r| r.since), Some(d(11, 2)), "new");
        let mut tiers = TierRules::standard();
        tiers.take_effect(&TierRules::standard(), d(11, 2));
        assert_eq!(tiers, TierRules::standard());
    }

    #[test]
    fn kinds_codes_and_missing_rules() {
        let names: Vec<&str> = [
            ChangeKind::Added,
            ChangeKind::Removed,
            ChangeKind::Changed,
            ChangeKind::Reordered,
        ]
        .map(ChangeKind::code)
        .to_vec();
        assert_eq!(names, vec!["added", "removed", "changed", "reordered"]);
        assert_eq!((TierRules::KIND, DutySet::KIND), ("tiers", "duties"));
        const { assert!(DutySet::DATED && !TierRules::DATED) };
        assert_eq!(TierRules::fallback(), TierRules::standard());
        assert!(DutySet::fallback().rules.is_empty());
        let mut a = DutySet::default();
        a.adopt(presets::find("observation-quotas").expect("preset"));
        let code = a.rules[0].code.clone();
        let empty = DutySet::default();
        // A rule in neither set is the same in both; in one only, it is not.
        assert!(a.same_rule(&a, "nothing"));
        assert!(!a.same_rule(&empty, &code));
        assert!(!empty.same_rule(&a, &code));
        assert!(a.same_rule(&a, &code));
        // A new rule typed with its own day keeps it.
        let day = chrono::NaiveDate::from_ymd_opt(2026, 9, 20);
        let mut b = a.clone();
        b.rules[0].since = day;
        b.take_effect(&empty, chrono::NaiveDate::from_ymd_opt(2026, 11, 2));
        assert_eq!(b.rules[0].since, day);
        // Tiers: the same rules in the same order differ in nothing.
        let t = TierRules::standard();
        let mut moved = t.clone();
        moved.tiers.swap(0, 1);
        assert_eq!(codes(&t.changes(&moved)), vec![(ChangeKind::Reordered, "")]);
        assert!(t.same_rule(&moved, "young"));
    }
}
