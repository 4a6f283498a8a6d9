//! The transcript: one pure function from a requirement and a teacher's
//! ledger to what counts, what is missing and whether the teacher may
//! apply for a higher title.
//!
//! Entries are taken in date order (then in the order given). Each is first
//! worth its *credited* amount: what its source states (an activity's or an
//! imported record's credits), else the first conversion that matches it
//! (a fixed award, or hours at the conversion's rate), else hours at the
//! requirement's rate. Types that are never training are worth nothing,
//! whatever they state. It then *counts* as much of that as every cap it
//! falls under still allows (its conversion's cap, and the caps of the
//! buckets that gather it): an early entry fills a cap before a later one.
//! Pool entries count in their pool, whenever they were earned; other
//! entries only inside the cycle.
//!
//! What is *due* by a day: the yearly minimum of every year of the cycle
//! that has ended; once the cycle has ended, everything. A teacher with
//! nothing due and missing may apply for a higher title (seed 003).

use super::{Amount, CreditRules, Form, What};
use crate::level::Level;
use chrono::{Datelike, NaiveDate};
use serde::Serialize;

/// The calendar years of one cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Cycle {
    pub first: i32,
    pub last: i32,
}

impl Cycle {
    pub fn start(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.first, 1, 1).unwrap_or(NaiveDate::MIN)
    }

    pub fn end(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.last, 12, 31).unwrap_or(NaiveDate::MAX)
    }

    pub fn contains(self, d: NaiveDate) -> bool {
        (self.first..=self.last).contains(&d.year())
    }

    /// "2021–2025", or "2024" for a one-year cycle.
    pub fn label(self) -> String {
        if self.first == self.last {
            self.first.to_string()
        } else {
            format!("{}–{}", self.first, self.last)
        }
    }
}

/// One line of a teacher's ledger as the arithmetic needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub date: NaiveDate,
    pub what: What,
    pub form: Form,
    pub area: Option<super::Area>,
    /// The level, where known (the national system's 99 其他 is not one).
    pub level: Option<Level>,
    pub hours: Amount,
    /// What the source states (an activity's credits, an imported record's
    /// 学分); the conversions apply where it states nothing.
    pub credits: Option<Amount>,
    /// A pool it belongs to (new-teacher training), by code.
    pub pool: Option<String>,
    /// For 以会代训: whether a leader marked its training content.
    pub marked_training: bool,
}

/// Why an entry counts less than it is worth, or nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "why", content = "code", rename_all = "snake_case")]
pub enum Why {
    /// A type that is never training (staff meeting, political study,
    /// outing, or an unmarked 以会代训).
    NotTraining,
    /// Earned outside the cycle.
    OutsideCycle,
    /// Counted in a pool outside the cycle.
    Pool(String),
    /// A cap (a bucket's or a conversion's, by code) was reached.
    Capped(String),
}

/// What the arithmetic made of one entry, in the order given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Line {
    /// Worth before caps.
    pub credited: Amount,
    /// What counts toward the cycle (or the pool).
    pub counted: Amount,
    /// The conversion applied, by code (none: stated or the default rate).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conversion: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub why: Option<Why>,
}

/// What a requirement is missing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "need", content = "code", rename_all = "snake_case")]
pub enum Need {
    /// The cycle's total.
    Total,
    /// A bucket's minimum, by code.
    Bucket(String),
    /// A calendar year's minimum.
    Year(i32),
    /// A pool's minimum, by code.
    Pool(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Shortfall {
    pub need: Need,
    pub required: Amount,
    pub counted: Amount,
    pub missing: Amount,
}

/// A bucket's, year's or pool's figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tally {
    pub code: String,
    pub counted: Amount,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min: Option<Amount>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cap: Option<Amount>,
}

impl Tally {
    pub fn missing(&self) -> Amount {
        self.min.map(|m| m.left_after(self.counted)).unwrap_or_default()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct YearTally {
    pub year: i32,
    pub counted: Amount,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min: Option<Amount>,
    /// Whether the year had ended by the day asked about.
    pub ended: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Transcript {
    pub cycle: Cycle,
    pub as_of: NaiveDate,
    /// Counted toward the cycle, after caps.
    pub total: Amount,
    pub required: Amount,
    pub lines: Vec<Line>,
    pub buckets: Vec<Tally>,
    pub years: Vec<YearTally>,
    pub pools: Vec<Tally>,
    /// Counted by form and by level (in the order of their vocabularies;
    /// only those with something counted).
    pub by_form: Vec<(Form, Amount)>,
    pub by_level: Vec<(Level, Amount)>,
    /// Everything still missing to complete the cycle (and the pools a
    /// new teacher owes).
    pub missing: Vec<Shortfall>,
    /// What of that was due by `as_of`.
    pub due: Vec<Shortfall>,
}

impl Transcript {
    /// Whether the teacher may apply for a higher professional title:
    /// nothing due is missing.
    pub fn eligible(&self) -> bool {
        self.due.is_empty()
    }

    pub fn complete(&self) -> bool {
        self.missing.iter().all(|s| matches!(s.need, Need::Pool(_)))
    }
}

/// What an entry is worth before caps, and by which conversion.
pub fn worth(rules: &CreditRules, e: &Entry) -> (Amount, Option<usize>) {
    if let What::Activity(t) = e.what
        && !t.credits_when(e.marked_training)
    {
        return (Amount::ZERO, None);
    }
    let conv = rules.conversions.iter().position(|c| c.matches(e));
    let amount = match (e.credits, conv.map(|i| &rules.conversions[i])) {
        (Some(stated), _) => stated,
        (None, Some(c)) => match (c.fixed, c.hours_per_unit) {
            (Some(f), _) => f,
            (None, Some(r)) => e.hours.per(r),
            (None, None) => e.hours.per(rules.hours_per_unit),
        },
        (None, None) => e.hours.per(rules.hours_per_unit),
    };
    (amount.max(Amount::ZERO), conv)
}

/// The transcript of `entries` against `rules` for `cycle`, as of a day.
/// `new_teacher` says whether pools asked of new teachers apply.
pub fn transcript<'a>(
    rules: &'a CreditRules,
    entries: &[Entry],
    cycle: Cycle,
    as_of: NaiveDate,
    new_teacher: bool,
) -> Transcript {
    let mut lines: Vec<Line> = Vec::with_capacity(entries.len());
    let mut bucket_sum = vec![Amount::ZERO; rules.buckets.len()];
    let mut conv_sum = vec![Amount::ZERO; rules.conversions.len()];
    let mut pool_sum = vec![Amount::ZERO; rules.pools.len()];
    let mut year_sum = vec![Amount::ZERO; (cycle.last - cycle.first + 1).max(0) as usize];
    let mut by_form = vec![Amount::ZERO; Form::ALL.len()];
    let mut by_level = vec![Amount::ZERO; Level::ALL.len()];
    let mut total = Amount::ZERO;

    let mut convs: Vec<Option<usize>> = Vec::with_capacity(entries.len());
    for e in entries {
        let (credited, conv) = worth(rules, e);
        convs.push(conv);
        lines.push(Line {
            credited,
            counted: Amount::ZERO,
            conversion: conv.map(|i| rules.conversions[i].code.clone()),
            why: None,
        });
    }
    let mut order: Vec<usize> = (0..entries.len()).collect();
    order.sort_by_key(|&i| (entries[i].date, i));

    for i in order {
        let e = &entries[i];
        let line = &mut lines[i];
        if let What::Activity(t) = e.what
            && !t.credits_when(e.marked_training)
        {
            line.why = Some(Why::NotTraining);
            continue;
        }
        if let Some(p) = e
            .pool
            .as_deref()
            .and_then(|c| rules.pools.iter().position(|p| p.code == c))
        {
            pool_sum[p] += line.credited;
            line.counted = line.credited;
            line.why = Some(Why::Pool(rules.pools[p].code.clone()));
            continue;
        }
        if !cycle.contains(e.date) {
            line.why = Some(Why::OutsideCycle);
            continue;
        }
        // The tightest cap it falls under.
        let mut room = line.credited;
        let mut binding: Option<&str> = None;
        let mut limit = |cap: Option<Amount>, used: Amount, owner: &'a str| {
            if let Some(cap) = cap {
                let left = cap.left_after(used);
                if left < room {
                    room = left;
                    binding = Some(owner);
                }
            }
        };
        let conv = convs[i];
        if let Some(ci) = conv {
            let c = &rules.conversions[ci];
            limit(c.cap, conv_sum[ci], c.code.as_str());
        }
        let gathered: Vec<usize> = (0..rules.buckets.len())
            .filter(|&b| rules.buckets[b].gathers(e))
            .collect();
        for &b in &gathered {
            let bucket = &rules.buckets[b];
            limit(bucket.cap, bucket_sum[b], bucket.code.as_str());
        }
        let counted = room;
        line.counted = counted;
        line.why = binding.map(|c| Why::Capped(c.to_string()));
        if let Some(ci) = conv {
            conv_sum[ci] += counted;
        }
        for &b in &gathered {
            bucket_sum[b] += counted;
        }
        year_sum[(e.date.year() - cycle.first) as usize] += counted;
        by_form[Form::ALL.iter().position(|f| *f == e.form).unwrap_or(0)] += counted;
        if let Some(l) = e.level {
            by_level[l as usize] += counted;
        }
        total += counted;
    }

    let buckets: Vec<Tally> = rules
        .buckets
        .iter()
        .zip(&bucket_sum)
        .map(|(b, s)| Tally {
            code: b.code.clone(),
            counted: *s,
            min: b.min,
            cap: b.cap,
        })
        .collect();
    let years: Vec<YearTally> = year_sum
        .iter()
        .enumerate()
        .map(|(k, s)| {
            let year = cycle.first + k as i32;
            YearTally {
                year,
                counted: *s,
                min: rules.yearly_min,
                ended: as_of.year() > year,
            }
        })
        .collect();
    let pools: Vec<Tally> = rules
        .pools
        .iter()
        .zip(&pool_sum)
        .map(|(p, s)| Tally {
            code: p.code.clone(),
            counted: *s,
            min: p.min.filter(|_| new_teacher || !p.new_teachers),
            cap: None,
        })
        .collect();

    let short = |need: Need, required: Amount, counted: Amount| {
        (counted < required).then(|| Shortfall {
            need,
            required,
            counted,
            missing: required - counted,
        })
    };
    let cycle_over = as_of > cycle.end();
    let mut missing = Vec::new();
    let mut due = Vec::new();
    if let Some(s) = short(Need::Total, rules.total, total) {
        if cycle_over {
            due.push(s.clone());
        }
        missing.push(s);
    }
    for t in &buckets {
        if let Some(s) = t
            .min
            .and_then(|m| short(Need::Bucket(t.code.clone()), m, t.counted))
        {
            if cycle_over {
                due.push(s.clone());
            }
            missing.push(s);
        }
    }
    for y in &years {
        if let Some(s) = y.min.and_then(|m| short(Need::Year(y.year), m, y.counted)) {
            if y.ended {
                due.push(s.clone());
            }
            missing.push(s);
        }
    }
    for p in &pools {
        if let Some(s) = p
            .min
            .and_then(|m| short(Need::Pool(p.code.clone()), m, p.counted))
        {
            missing.push(s);
        }
    }

    Transcript {
        cycle,
        as_of,
        total,
        required: rules.total,
        lines,
        buckets,
        years,
        pools,
        by_form: Form::ALL
            .iter()
            .zip(by_form)
            .filter(|(_, a)| !a.is_zero())
            .map(|(f, a)| (*f, a))
            .collect(),
        by_level: Level::ALL
            .iter()
            .zip(by_level)
            .filter(|(_, a)| !a.is_zero())
            .map(|(l, a)| (*l, a))
            .collect(),
        missing,
        due,
    }
}
