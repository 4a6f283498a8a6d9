//! Generated data at scale, for benchmarks and trying Lingyan with a
//! realistic load: a district with schools, teachers, and portfolio records
//! spread over three school years. Seeded, so a run is repeatable. Writes
//! with bulk inserts; not for production databases.

use crate::calendar::YearInput;
use crate::districts::DistrictChanges;
use crate::schools::SchoolChanges;
use crate::users::NewUser;
use crate::{Result, Scope, Store};
use chrono::{Datelike, Days, NaiveDate, Utc};
use lingyan_domain::calendar::Term;
use lingyan_domain::{EvidenceInput, EvidenceKind, EvidenceStatus};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use sea_orm::{TransactionTrait, Value};

/// What to make.
#[derive(Debug, Clone)]
pub struct GenOptions {
    /// District code (new; the run fails if it exists).
    pub district: String,
    pub schools: usize,
    /// Teachers across all schools.
    pub teachers: usize,
    /// Portfolio records per teacher.
    pub records: usize,
    pub seed: u64,
    /// Password of the two accounts made for logging in.
    pub password: String,
}

/// What was made, and how to log in to look at it.
#[derive(Debug, Clone)]
pub struct GenReport {
    pub district_id: i64,
    pub school_ids: Vec<i64>,
    pub teachers: usize,
    pub records: usize,
    /// Training director of the first school.
    pub director: String,
    /// Linked to the first teacher of the first school.
    pub teacher: String,
    pub first_teacher_id: i64,
}

const TEACHER_COLUMNS: [&str; 13] = [
    "district_id",
    "school_id",
    "staff_no",
    "name",
    "gender",
    "birth_date",
    "work_start",
    "subjects",
    "posts",
    "certificates",
    "active",
    "created_at",
    "updated_at",
];

const EVIDENCE_COLUMNS: [&str; 17] = [
    "district_id",
    "school_id",
    "owner_teacher_id",
    "kind",
    "subtype",
    "occurred_on",
    "school_year",
    "term",
    "level",
    "title",
    "body",
    "details",
    "status",
    "status_at",
    "created_by",
    "created_at",
    "updated_at",
];

const PEOPLE_COLUMNS: [&str; 5] = ["district_id", "school_id", "evidence_id", "teacher_id", "role"];

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
];
const GIVEN: &[&str] = &[
    "晓雨", "秀英", "丽华", "建国", "敏", "静", "伟", "芳", "磊", "婷", "强", "洁", "勇", "艳", "杰", "娟",
];
const SUBJECTS: &[&str] = &[
    "语文",
    "数学",
    "英语",
    "科学",
    "音乐",
    "美术",
    "体育",
    "道德与法治",
];

/// One sample per kind, with the share of records it gets (in tenths of a
/// percent) — observations and reading notes are the everyday ones.
fn samples() -> Vec<(u32, EvidenceInput)> {
    let input = |kind, title: &str, level: &str, details: &[(&str, &str)]| EvidenceInput {
        kind,
        date: "2025-10-10".into(),
        title: title.into(),
        level: level.into(),
        text: String::new(),
        details: details
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    };
    vec![
        (
            300,
            input(
                EvidenceKind::Observation,
                "听课：《秋天的雨》",
                "",
                &[("subject", "语文"), ("scores", "目标 18/20; 过程 35/40")],
            ),
        ),
        (
            200,
            input(
                EvidenceKind::Reading,
                "《给教师的建议》",
                "",
                &[("author", "苏霍姆林斯基")],
            ),
        ),
        (
            150,
            input(
                EvidenceKind::Writing,
                "教学反思",
                "",
                &[("writing_type", "reflection")],
            ),
        ),
        (
            100,
            input(
                EvidenceKind::Class,
                "公开课《圆的认识》",
                "school",
                &[("class_type", "open")],
            ),
        ),
        (
            60,
            input(
                EvidenceKind::Training,
                "校本培训：作业设计",
                "school",
                &[("organiser", "教导处"), ("mode", "school_based"), ("hours", "3")],
            ),
        ),
        (
            50,
            input(
                EvidenceKind::Article,
                "整本书阅读的实践研究",
                "county",
                &[("venue", "小学教学参考"), ("publication", "published")],
            ),
        ),
        (
            40,
            input(
                EvidenceKind::Award,
                "教学基本功比赛",
                "county",
                &[("rank", "二等奖")],
            ),
        ),
        (
            40,
            input(
                EvidenceKind::Lecture,
                "如何上好复习课",
                "school",
                &[("audience", "青年教师")],
            ),
        ),
        (
            30,
            input(
                EvidenceKind::StudyVisit,
                "跟岗学习",
                "",
                &[("destination", "杭州"), ("days", "3")],
            ),
        ),
        (
            30,
            input(
                EvidenceKind::Plan,
                "学期发展计划",
                "",
                &[("plan_type", "semester")],
            ),
        ),
    ]
}

/// Makes the data; `progress(done, total)` is called as records are written.
pub async fn generate(
    store: &Store,
    opts: &GenOptions,
    today: NaiveDate,
    mut progress: impl FnMut(u64, u64),
) -> Result<GenReport> {
    let scope = Scope::system("gen-data");
    let mut rng = StdRng::seed_from_u64(opts.seed);
    let district = crate::districts::create(
        store,
        &scope,
        DistrictChanges {
            code: Some(opts.district.clone()),
            name: Some(format!("{}区", opts.district)),
            name_en: Some(format!("{} District", opts.district)),
        },
    )
    .await?;
    let first_year = if today.month() >= 9 {
        today.year()
    } else {
        today.year() - 1
    } - 2;
    for y in first_year..=first_year + 3 {
        crate::calendar::set_year(
            store,
            &scope,
            district.id,
            None,
            &YearInput {
                start_year: y.to_string(),
                first_start: format!("{y}-09-01"),
                first_end: format!("{}-01-20", y + 1),
                second_start: format!("{}-02-20", y + 1),
                second_end: format!("{}-07-10", y + 1),
            },
        )
        .await?;
    }
    let calendar = crate::calendar::load(store.conn(), district.id, None).await?;
    let mut school_ids = Vec::new();
    for s in 0..opts.schools.max(1) {
        let school = crate::schools::create(
            store,
            &scope,
            district.id,
            SchoolChanges {
                code: Some(format!("{}S{:03}", opts.district, s + 1)),
                name: Some(format!("{}第{}小学", opts.district, s + 1)),
                name_en: Some(format!("{} Primary School No. {}", opts.district, s + 1)),
                school_type: Some("primary".into()),
                active: Some(true),
            },
        )
        .await?;
        school_ids.push(school.id);
    }
    // Teachers, spread evenly over the schools.
    let now = Utc::now();
    let per_school = opts.teachers.div_ceil(school_ids.len());
    let mut rows = Vec::with_capacity(opts.teachers);
    let mut owners: Vec<(i64, usize)> = Vec::with_capacity(opts.teachers);
    // (school, index) of each generated teacher, in insert order.
    for i in 0..opts.teachers {
        let school = school_ids[(i / per_school).min(school_ids.len() - 1)];
        let birth = NaiveDate::from_ymd_opt(
            1965 + rng.random_range(0..35),
            1 + rng.random_range(0..12),
            1 + rng.random_range(0..28),
        )
        .unwrap_or(today);
        let start = NaiveDate::from_ymd_opt(birth.year() + 22, 9, 1).unwrap_or(today);
        let subject = SUBJECTS[rng.random_range(0..SUBJECTS.len())];
        rows.push(vec![
            Value::from(district.id),
            Value::from(school),
            Value::from(format!("{}{:06}", opts.district, i + 1)),
            Value::from(format!(
                "{}{}",
                SURNAMES[rng.random_range(0..SURNAMES.len())],
                GIVEN[rng.random_range(0..GIVEN.len())]
            )),
            Value::from(if rng.random_bool(0.7) { "female" } else { "male" }),
            Value::from(birth),
            Value::from(start),
            Value::from(serde_json::json!([subject]).to_string()),
            Value::from("[]"),
            Value::from("[]"),
            Value::from(true),
            Value::from(now),
            Value::from(now),
        ]);
        owners.push((school, i));
    }
    let txn = store.conn().begin().await?;
    let teacher_ids = crate::bulk::insert_returning_ids(&txn, "teachers", &TEACHER_COLUMNS, rows).await?;
    txn.commit().await?;
    // Two accounts to look at it with.
    let director = format!("{}_director", opts.district.to_lowercase());
    let teacher = format!("{}_teacher", opts.district.to_lowercase());
    for (username, role) in [(&director, "training_director"), (&teacher, "teacher")] {
        crate::users::create(
            store,
            &scope,
            NewUser {
                username: username.clone(),
                display_name: username.clone(),
                password: opts.password.clone(),
                school_id: Some(school_ids[0]),
                district_id: None,
                roles: vec![role.into()],
                locale: None,
            },
        )
        .await?;
    }
    crate::teachers::link_account(store, &scope, teacher_ids[0], Some(&teacher), today).await?;
    // Records: parsed once per kind, stamped out per teacher.
    let kinds: Vec<(u32, lingyan_domain::EvidenceDraft)> = samples()
        .into_iter()
        .map(|(w, i)| (w, i.parse().expect("generator samples are valid")))
        .collect();
    let total_weight: u32 = kinds.iter().map(|(w, _)| w).sum();
    let details: Vec<String> = kinds
        .iter()
        .map(|(_, d)| serde_json::to_string(&d.details).unwrap_or_default())
        .collect();
    let span = (today - NaiveDate::from_ymd_opt(first_year, 9, 1).unwrap_or(today))
        .num_days()
        .max(1) as u64;
    let total = (teacher_ids.len() * opts.records) as u64;
    let mut done = 0u64;
    // A few hundred teachers per transaction keeps memory flat.
    for (c, chunk) in teacher_ids.chunks(200).enumerate() {
        let mut ev = Vec::with_capacity(chunk.len() * opts.records);
        let mut owner_school = Vec::with_capacity(chunk.len() * opts.records);
        for (j, &t) in chunk.iter().enumerate() {
            let school = owners[c * 200 + j].0;
            for _ in 0..opts.records {
                let mut pick = rng.random_range(0..total_weight);
                let k = kinds
                    .iter()
                    .position(|(w, _)| {
                        if pick < *w {
                            true
                        } else {
                            pick -= w;
                            false
                        }
                    })
                    .unwrap_or(0);
                let d = &kinds[k].1;
                let day = today - Days::new(rng.random_range(0..span));
                let sem = calendar.semester_of(day);
                let roll = rng.random_range(0..100);
                let status = match roll {
                    0..70 => EvidenceStatus::Verified,
                    70..95 => EvidenceStatus::Recorded,
                    _ => EvidenceStatus::Rejected,
                };
                ev.push(vec![
                    Value::from(district.id),
                    Value::from(school),
                    Value::from(t),
                    Value::from(d.details.kind().code()),
                    Value::from(d.details.subtype().map(str::to_string)),
                    Value::from(day),
                    Value::from(sem.year),
                    Value::from(match sem.term {
                        Term::First => 1i16,
                        Term::Second => 2i16,
                    }),
                    Value::from(d.level.map(|l| l.code().to_string())),
                    Value::from(d.title.clone()),
                    Value::from(None::<String>),
                    Value::from(details[k].clone()),
                    Value::from(status.code()),
                    Value::from((status != EvidenceStatus::Recorded).then_some(now)),
                    Value::from(None::<i64>),
                    Value::from(now),
                    Value::from(now),
                ]);
                owner_school.push((t, school));
            }
        }
        let txn = store.conn().begin().await?;
        let n = ev.len() as u64;
        let ids = crate::bulk::insert_returning_ids(&txn, "evidence", &EVIDENCE_COLUMNS, ev).await?;
        let people: Vec<Vec<Value>> = ids
            .iter()
            .zip(&owner_school)
            .map(|(id, (t, school))| {
                vec![
                    Value::from(district.id),
                    Value::from(*school),
                    Value::from(*id),
                    Value::from(*t),
                    Value::from("owner"),
                ]
            })
            .collect();
        crate::bulk::insert(&txn, "evidence_people", &PEOPLE_COLUMNS, people).await?;
        txn.commit().await?;
        done += n;
        progress(done, total);
    }
    // Fresh statistics, as a database in use has them.
    // (PostgreSQL runs VACUUM only as a statement of its own.)
    let analyse: &[&str] = match store.backend() {
        crate::Backend::Postgres => &[
            "VACUUM ANALYZE evidence",
            "VACUUM ANALYZE evidence_people",
            "ANALYZE teachers",
        ],
        crate::Backend::Sqlite => &["ANALYZE"],
    };
    for statement in analyse {
        store.execute_unprepared(statement).await?;
    }
    Ok(GenReport {
        district_id: district.id,
        school_ids,
        teachers: teacher_ids.len(),
        records: done as usize,
        director,
        teacher,
        first_teacher_id: teacher_ids[0],
    })
}
