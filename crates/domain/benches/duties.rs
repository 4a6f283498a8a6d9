//! The duties engine alone (issue: duties engine): 10,000 teachers × 100
//! verified records each × 12 rules (the set `lingyan gen-data` gives every
//! district: backbone five ones, three ones, observation quotas), evaluated
//! on one day. No IO: what is measured is the rule evaluation.
//!
//! Run with `cargo bench -p lingyan-domain --bench duties`.

use chrono::{Days, NaiveDate};
use criterion::{Criterion, criterion_group, criterion_main};
use lingyan_domain::duties::engine::{Context, Prepared};
use lingyan_domain::duties::{CountedKind, DutyPerson, DutySet, Item, presets};
use lingyan_domain::{Calendar, Level, ProjectRole, TeacherFacts, TierRules};
use std::hint::black_box;

const TEACHERS: usize = 10_000;
const RECORDS: usize = 100;

/// A small deterministic generator (xorshift), so runs are comparable.
struct Rng(u64);

impl Rng {
    fn next(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

fn data() -> (Vec<DutyPerson>, Vec<Vec<Item>>) {
    let mut rng = Rng(42);
    let start = NaiveDate::from_ymd_opt(2024, 9, 1).unwrap();
    let tiers = ["young", "mature", "backbone", "veteran"];
    let kinds = [
        (30, CountedKind::Observation),
        (20, CountedKind::Reading),
        (15, CountedKind::Writing),
        (10, CountedKind::Class),
        (6, CountedKind::Training),
        (5, CountedKind::Article),
        (4, CountedKind::Award),
        (4, CountedKind::Lecture),
        (3, CountedKind::StudyVisit),
        (3, CountedKind::Plan),
    ];
    let mut people = Vec::with_capacity(TEACHERS);
    let mut items = Vec::with_capacity(TEACHERS);
    let mut id = 0;
    for t in 0..TEACHERS {
        let age = 23 + rng.next(38) as i32;
        people.push(DutyPerson {
            facts: TeacherFacts {
                id: t as i64,
                birth_date: NaiveDate::from_ymd_opt(2025 - age, 3, 1),
                work_start: NaiveDate::from_ymd_opt(2025 - age + 22, 9, 1),
                ..Default::default()
            },
            tier: Some(tiers[rng.next(4) as usize].to_string()),
            staff_no: format!("T{t:05}"),
            groups: vec!["语文组".into()],
        });
        let mut mine = Vec::with_capacity(RECORDS + 2);
        for _ in 0..RECORDS {
            let mut roll = rng.next(100) as u32;
            let kind = kinds
                .iter()
                .find(|(w, _)| {
                    if roll < *w {
                        true
                    } else {
                        roll -= w;
                        false
                    }
                })
                .map(|(_, k)| *k)
                .unwrap_or(CountedKind::Observation);
            let codes = kind.subtype_codes();
            id += 1;
            mine.push(Item {
                id,
                kind,
                subtype: match kind {
                    CountedKind::Article => Some("published".into()),
                    _ if codes.is_empty() => None,
                    _ => Some(codes[rng.next(codes.len() as u64) as usize].into()),
                },
                date: start + Days::new(rng.next(640)),
                until: None,
                level: Some(Level::ALL[rng.next(5) as usize]),
                role: None,
                award_level: None,
                amount: 3.0,
            });
        }
        if t % 5 == 0 {
            id += 1;
            mine.push(Item {
                id,
                kind: CountedKind::Project,
                subtype: None,
                date: start,
                until: None,
                level: Some(Level::County),
                role: Some(ProjectRole::Host),
                award_level: None,
                amount: 0.0,
            });
        }
        items.push(mine);
    }
    (people, items)
}

fn bench(c: &mut Criterion) {
    let mut set = DutySet::default();
    for p in ["backbone-five-ones-plan", "all-three-ones", "observation-quotas"] {
        set.adopt(presets::find(p).unwrap());
    }
    assert_eq!(set.rules.len(), 12);
    let (people, items) = data();
    let calendar = Calendar::default();
    let tiers = TierRules::standard();
    let ctx = Context {
        calendar: &calendar,
        tiers: &tiers,
        as_of: NaiveDate::from_ymd_opt(2025, 11, 15).unwrap(),
    };
    let mut g = c.benchmark_group("duties engine");
    g.sample_size(10);
    g.bench_function("10k teachers × 100 records × 12 rules", |b| {
        b.iter(|| {
            let prepared = Prepared::new(&set, ctx);
            let mut n = 0;
            for (p, its) in people.iter().zip(&items) {
                n += prepared.evaluate(p, its).len();
            }
            black_box(n)
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
