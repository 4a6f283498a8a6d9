//! End-to-end duties benchmark (issue: duties engine): the full progress
//! matrix of a generated district — every teacher × every duty, read school
//! by school with indexed queries and evaluated by the engine — against
//! the plain SQL `GROUP BY` that only counts the same verified records per
//! teacher and kind in the same period. Goal on SQLite: matrix ≤ 0.5 s for
//! 10,000 teachers and 1,000,000 records; ratio ≤ 3×.
//!
//! Needs a database made by `lingyan gen-data` (scripts/bench-duties makes
//! one of each kind and runs this):
//!
//!   LINGYAN_BENCH_DB=sqlite:///tmp/x/lingyan.db LINGYAN_BENCH_DISTRICT=BENCH \
//!     cargo bench -p lingyan-store --bench duties
//!
//! Without `LINGYAN_BENCH_DB` it says so and measures nothing.

use criterion::{Criterion, criterion_group, criterion_main};
use lingyan_domain::Calendar;
use lingyan_store::duties::{self, ProgressFilter};
use lingyan_store::{Scope, Store};
use std::hint::black_box;

// As in the `lingyan` binary (see its main.rs).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn bench(c: &mut Criterion) {
    let Ok(url) = std::env::var("LINGYAN_BENCH_DB") else {
        eprintln!("LINGYAN_BENCH_DB is not set: run scripts/bench-duties (nothing measured)");
        return;
    };
    let code = std::env::var("LINGYAN_BENCH_DISTRICT").unwrap_or_else(|_| "BENCH".into());
    let rt = tokio::runtime::Runtime::new().unwrap();
    let store = rt.block_on(Store::connect(&url)).unwrap();
    let scope = Scope::system("bench");
    let today = lingyan_store::calendar::today();
    let district = rt
        .block_on(lingyan_store::districts::find_by_code(&store, &code))
        .unwrap()
        .expect("the generated district");
    // The matrix reads from the start of the school year (the earliest
    // period of the generated set); the GROUP BY counts the same days.
    let years = rt
        .block_on(lingyan_store::calendar::years(&store, &scope, district.id, None))
        .unwrap();
    let calendar = Calendar::new(years.into_iter().map(|y| y.year).collect());
    let from = calendar.year(calendar.semester_of(today).year).first_start;
    let mut teachers = 0;
    let mut results = 0;
    rt.block_on(duties::district(
        &store,
        &scope,
        district.id,
        today,
        &ProgressFilter::default(),
        |p| {
            teachers += p.teachers.len();
            results += p.teachers.iter().map(|t| t.results.len()).sum::<usize>();
            Ok(())
        },
    ))
    .unwrap();
    eprintln!("district {code}: {teachers} teachers, {results} results, counting from {from}");
    let backend = store.backend();
    let sql = match backend {
        lingyan_store::Backend::Postgres => {
            "SELECT owner_teacher_id, kind, COUNT(*) FROM evidence \
             WHERE district_id = $1 AND status = 'verified' AND occurred_on BETWEEN $2 AND $3 \
             GROUP BY owner_teacher_id, kind"
        }
        _ => {
            "SELECT owner_teacher_id, kind, COUNT(*) FROM evidence \
             WHERE district_id = ? AND status = 'verified' AND occurred_on BETWEEN ? AND ? \
             GROUP BY owner_teacher_id, kind"
        }
    };
    let mut g = c.benchmark_group(format!("duties {:?}", backend));
    g.sample_size(10);
    g.bench_function("district progress matrix", |b| {
        b.to_async(&rt).iter(|| async {
            let mut n = 0;
            duties::district(
                &store,
                &scope,
                district.id,
                today,
                &ProgressFilter::default(),
                |p| {
                    n += p.teachers.len();
                    Ok(())
                },
            )
            .await
            .unwrap();
            black_box(n)
        })
    });
    g.bench_function("plain GROUP BY count", |b| {
        b.to_async(&rt).iter(|| async {
            let rows = store
                .query_row_count(sql, vec![district.id.into(), from.into(), today.into()])
                .await
                .unwrap();
            black_box(rows)
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
