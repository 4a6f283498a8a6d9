//! Registry benchmarks (issue: teachers and organisation):
//!
//! * importing a generated 100,000-row .xlsx roster into an empty school,
//!   on SQLite and on PostgreSQL (goal on SQLite: ≤ 3 s);
//! * the status analysis of a 10,000-teacher district (goal ≤ 100 ms).
//!
//! Run with `cargo bench -p lingyan-store --bench registry`; PostgreSQL comes
//! from `LINGYAN_TEST_POSTGRES_URL` as in the tests.

use chrono::NaiveDate;
use criterion::{Criterion, criterion_group, criterion_main};
use lingyan_store::districts::DistrictChanges;
use lingyan_store::schools::SchoolChanges;
use lingyan_store::testing::{Db, fresh};
use lingyan_store::{Scope, Store, districts, roster, schools, status};
use std::time::{Duration, Instant};

const AS_OF: (i32, u32, u32) = (2025, 9, 1);

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(AS_OF.0, AS_OF.1, AS_OF.2).unwrap()
}

/// A roster of `n` plausible rows, every column filled, as .xlsx bytes.
fn roster_xlsx(n: usize) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, (_, zh, _, _)) in roster::COLUMNS.iter().enumerate() {
        ws.write_string(0, c as u16, *zh).unwrap();
    }
    let subjects = ["语文", "数学", "英语", "科学", "音乐", "体育", "美术"];
    let levels = ["", "", "", "", "校级", "县级", "市级", "省级"];
    for i in 0..n {
        let r = (i + 1) as u32;
        let birth_year = 1965 + (i % 35) as i32;
        let cells: [String; 19] = [
            format!("B{i:06}"),
            format!("教师{i}"),
            (if i % 3 == 0 { "男" } else { "女" }).to_string(),
            format!("{birth_year}-{:02}-{:02}", 1 + i % 12, 1 + i % 28),
            format!("{}-09-01", birth_year + 22),
            (if i % 5 == 0 { "大专" } else { "本科" }).to_string(),
            "汉语言文学".into(),
            (if i % 7 == 0 { "否" } else { "是" }).to_string(),
            (if i % 6 == 0 { "临聘" } else { "在编" }).to_string(),
            "专任教师".into(),
            "是".into(),
            subjects[i % subjects.len()].to_string(),
            "小学部".into(),
            "一级教师".into(),
            (if i % 4 == 0 { "班主任" } else { "" }).to_string(),
            (if i % 3 == 0 { "普通话二级甲等" } else { "" }).to_string(),
            levels[i % levels.len()].to_string(),
            (if i % 50 == 0 { "县级教坛新秀" } else { "" }).to_string(),
            (if levels[i % levels.len()].is_empty() && i % 50 != 0 {
                String::new()
            } else {
                "2021".into()
            }),
        ];
        for (c, v) in cells.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string(r, c as u16, v).unwrap();
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

async fn school(store: &Store, district_code: &str, code: &str) -> i64 {
    let scope = Scope::system("bench");
    let d = match districts::find_by_code(store, district_code).await.unwrap() {
        Some(d) => d,
        None => districts::create(
            store,
            &scope,
            DistrictChanges {
                code: Some(district_code.into()),
                name: Some("基准区".into()),
                name_en: None,
            },
        )
        .await
        .unwrap(),
    };
    schools::create(
        store,
        &scope,
        d.id,
        SchoolChanges {
            code: Some(code.into()),
            name: Some(format!("学校{code}")),
            school_type: Some("primary".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .id
}

fn import_100k(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let bytes = roster_xlsx(100_000);
    let mut g = c.benchmark_group("roster_import_100k_xlsx");
    g.sample_size(10).measurement_time(Duration::from_secs(30));
    for db in [Db::Sqlite, Db::Postgres] {
        let name = format!("{db:?}").to_lowercase();
        g.bench_function(name, |b| {
            b.to_async(&rt).iter_custom(|iters| {
                let bytes = bytes.clone();
                async move {
                    let mut total = Duration::ZERO;
                    for _ in 0..iters {
                        let (store, _dir) = fresh(db).await;
                        let sid = school(&store, "BD", "BS").await;
                        let start = Instant::now();
                        let r = roster::import(
                            &store,
                            &Scope::system("bench"),
                            sid,
                            "big.xlsx",
                            &bytes,
                            false,
                            usize::MAX,
                            today(),
                        )
                        .await
                        .unwrap();
                        total += start.elapsed();
                        assert!(r.written && r.added == 100_000, "{:?}", r.errors.first());
                        store.close().await.unwrap();
                    }
                    total
                }
            })
        });
    }
    g.finish();
}

fn district_status_10k(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let mut g = c.benchmark_group("status_analysis_10k_district");
    g.sample_size(20);
    for db in [Db::Sqlite, Db::Postgres] {
        let (store, _dir, district_id) = rt.block_on(async {
            let (store, dir) = fresh(db).await;
            // 100 schools of 100 teachers, each imported like a real roster.
            let bytes = roster_xlsx(100);
            for s in 0..100 {
                let sid = school(&store, "BD", &format!("S{s:03}")).await;
                roster::import(
                    &store,
                    &Scope::system("bench"),
                    sid,
                    "r.xlsx",
                    &bytes,
                    false,
                    usize::MAX,
                    today(),
                )
                .await
                .unwrap();
            }
            let d = districts::find_by_code(&store, "BD").await.unwrap().unwrap().id;
            (store, dir, d)
        });
        let name = format!("{db:?}").to_lowercase();
        g.bench_function(name, |b| {
            b.to_async(&rt).iter(|| async {
                let s = status::for_district(&store, &Scope::system("bench"), district_id, today())
                    .await
                    .unwrap();
                assert_eq!(s.analysis.staff, 10_000);
                s
            })
        });
    }
    g.finish();
}

criterion_group!(benches, import_100k, district_status_10k);
criterion_main!(benches);
