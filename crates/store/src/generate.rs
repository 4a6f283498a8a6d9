//! Generated data at scale, for benchmarks and trying Lingyan with a
//! realistic load: districts of schools, teachers with a tier mix like the
//! seeds' (young, mature, backbone titles at every level), subject groups
//! with leaders, mentor pairs, research projects, and portfolio records of
//! every kind spread over several school years, mostly verified; each
//! district adopts a twelve-rule duty set. Seeded, so a run is repeatable.
//! Writes with streaming bulk inserts; not for production databases.

use crate::calendar::YearInput;
use crate::districts::DistrictChanges;
use crate::schools::SchoolChanges;
use crate::users::NewUser;
use crate::{Result, Scope, Store};
use chrono::{Datelike, Days, NaiveDate, Utc};
use lingyan_domain::calendar::Term;
use lingyan_domain::duties::{DutySet, presets};
use lingyan_domain::{
    EvidenceInput, EvidenceKind, EvidenceStatus, GroupKind, HonourKind, HonourStatus, Level,
};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use sea_orm::Value;

/// What to make.
#[derive(Debug, Clone)]
pub struct GenOptions {
    /// District code; with several districts, the codes are this plus 1, 2 …
    /// (new; the run fails if one exists).
    pub district: String,
    pub districts: usize,
    pub schools_per_district: usize,
    pub teachers_per_school: usize,
    /// Portfolio records per teacher, over all the years.
    pub records: usize,
    /// School years the records spread over, ending with the current one.
    pub years: usize,
    pub seed: u64,
    /// Password of the two accounts made for logging in.
    pub password: String,
    /// Training activities per school this school year, each with two
    /// sessions already held, up to 50 participants, their attendance (most
    /// present, some late, on leave or absent), feedback and credit entries.
    pub activities_per_school: usize,
}

/// What was made, and how to log in to look at it.
#[derive(Debug, Clone)]
pub struct GenReport {
    pub district_ids: Vec<i64>,
    pub school_ids: Vec<i64>,
    pub teachers: usize,
    pub records: usize,
    pub activities: usize,
    pub attendance: usize,
    /// Feedback rows (ratings and comments) of those present.
    pub feedback: usize,
    /// Training director of the first school.
    pub director: String,
    /// Linked to the first teacher of the first school.
    pub teacher: String,
    pub first_teacher_id: i64,
}

/// The duty presets every generated district adopts (6 + 3 + 3 rules).
pub const DUTY_PRESETS: [&str; 3] = ["backbone-five-ones-plan", "all-three-ones", "observation-quotas"];

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

const HONOUR_COLUMNS: [&str; 10] = [
    "teacher_id",
    "district_id",
    "school_id",
    "kind",
    "level",
    "granted_year",
    "granting_body",
    "status",
    "created_at",
    "updated_at",
];

const GROUP_COLUMNS: [&str; 6] = [
    "district_id",
    "school_id",
    "kind",
    "name",
    "created_at",
    "updated_at",
];

const MEMBER_COLUMNS: [&str; 5] = ["group_id", "teacher_id", "district_id", "school_id", "position"];

const PAIR_COLUMNS: [&str; 14] = [
    "district_id",
    "school_id",
    "mentor_teacher_id",
    "mentor_school_id",
    "apprentice_teacher_id",
    "kind",
    "subject",
    "starts_on",
    "ends_on",
    "status",
    "mentor_goals",
    "apprentice_goals",
    "created_at",
    "updated_at",
];

const PROJECT_COLUMNS: [&str; 8] = [
    "district_id",
    "school_id",
    "title",
    "level",
    "stage",
    "status",
    "created_at",
    "updated_at",
];

const PROJECT_MEMBER_COLUMNS: [&str; 5] = ["district_id", "school_id", "project_id", "teacher_id", "role"];

const STAGE_COLUMNS: [&str; 6] = [
    "district_id",
    "school_id",
    "project_id",
    "stage",
    "on_date",
    "created_at",
];

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

/// Weighted pick from `(weight, value)` pairs.
fn pick<T: Copy>(rng: &mut StdRng, table: &[(u32, T)]) -> T {
    let total: u32 = table.iter().map(|(w, _)| w).sum();
    let mut roll = rng.random_range(0..total.max(1));
    for (w, v) in table {
        if roll < *w {
            return *v;
        }
        roll -= w;
    }
    table[0].1
}

/// One generated teacher, as the later steps need them.
struct Made {
    id: i64,
    school: i64,
    birth: NaiveDate,
    subject: usize,
    backbone: bool,
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
    let years = opts.years.max(1) as i32;
    let current = if today.month() >= 9 {
        today.year()
    } else {
        today.year() - 1
    };
    let first_year = current - (years - 1);
    let districts = opts.districts.max(1);
    let schools_per = opts.schools_per_district.max(1);
    let total = (districts * schools_per * opts.teachers_per_school * opts.records) as u64;
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
    let levels = [
        Level::School,
        Level::Town,
        Level::County,
        Level::Municipal,
        Level::Provincial,
    ];
    let mut duty_set = DutySet::default();
    for code in DUTY_PRESETS {
        // Invariant: the presets are compiled in and checked by the domain tests.
        duty_set.adopt(presets::find(code).expect("generator presets exist"));
    }
    let duty_input = duty_set.to_input();
    let now = Utc::now();
    let mut report = GenReport {
        district_ids: Vec::new(),
        school_ids: Vec::new(),
        teachers: 0,
        records: 0,
        activities: 0,
        attendance: 0,
        feedback: 0,
        director: format!("{}_director", opts.district.to_lowercase()),
        teacher: format!("{}_teacher", opts.district.to_lowercase()),
        first_teacher_id: 0,
    };
    let mut done = 0u64;

    for dn in 0..districts {
        let code = if districts == 1 {
            opts.district.clone()
        } else {
            format!("{}{}", opts.district, dn + 1)
        };
        let district = crate::districts::create(
            store,
            &scope,
            DistrictChanges {
                code: Some(code.clone()),
                name: Some(format!("{code}区")),
                name_en: Some(format!("{code} District")),
            },
        )
        .await?;
        report.district_ids.push(district.id);
        for y in first_year..=current + 1 {
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
        let span = (today - calendar.year(first_year).first_start).num_days().max(1) as u64;
        let mut school_ids = Vec::new();
        for s in 0..schools_per {
            let school = crate::schools::create(
                store,
                &scope,
                district.id,
                SchoolChanges {
                    code: Some(format!("{code}S{:03}", s + 1)),
                    name: Some(format!("{code}第{}小学", s + 1)),
                    name_en: Some(format!("{code} Primary School No. {}", s + 1)),
                    school_type: Some("primary".into()),
                    active: Some(true),
                },
            )
            .await?;
            school_ids.push(school.id);
        }

        // Teachers: ages 23–60, teaching since 22.
        let mut rows = Vec::with_capacity(schools_per * opts.teachers_per_school);
        let mut made = Vec::with_capacity(rows.capacity());
        for (si, &school) in school_ids.iter().enumerate() {
            for i in 0..opts.teachers_per_school {
                let birth = NaiveDate::from_ymd_opt(
                    today.year() - 23 - rng.random_range(0..38),
                    1 + rng.random_range(0..12),
                    1 + rng.random_range(0..28),
                )
                .unwrap_or(today);
                let start = NaiveDate::from_ymd_opt(birth.year() + 22, 9, 1).unwrap_or(today);
                let subject = rng.random_range(0..SUBJECTS.len());
                rows.push(vec![
                    Value::from(district.id),
                    Value::from(school),
                    Value::from(format!("{code}{:03}{:05}", si + 1, i + 1)),
                    Value::from(format!(
                        "{}{}",
                        SURNAMES[rng.random_range(0..SURNAMES.len())],
                        GIVEN[rng.random_range(0..GIVEN.len())]
                    )),
                    Value::from(if rng.random_bool(0.7) { "female" } else { "male" }),
                    Value::from(birth),
                    Value::from(start),
                    Value::from(serde_json::json!([SUBJECTS[subject]]).to_string()),
                    Value::from("[]"),
                    Value::from("[]"),
                    Value::from(true),
                    Value::from(now),
                    Value::from(now),
                ]);
                made.push(Made {
                    id: 0,
                    school,
                    birth,
                    subject,
                    backbone: false,
                });
            }
        }
        let txn = store.begin().await?;
        let ids = crate::bulk::insert_returning_ids(&txn, "teachers", &TEACHER_COLUMNS, rows).await?;
        for (m, id) in made.iter_mut().zip(&ids) {
            m.id = *id;
        }

        // Honours: about one in six holds a backbone title (most at school
        // or county level), a few are prospective backbone or rising stars.
        let mut honours = Vec::new();
        for m in &mut made {
            let age = today.year() - m.birth.year();
            let roll = rng.random_range(0..100);
            let (kind, level) = match roll {
                0..16 if age >= 30 => {
                    m.backbone = true;
                    (
                        HonourKind::Backbone,
                        pick(
                            &mut rng,
                            &[
                                (40, levels[0]),
                                (10, levels[1]),
                                (30, levels[2]),
                                (15, levels[3]),
                                (5, levels[4]),
                            ],
                        ),
                    )
                }
                16..20 => (HonourKind::ProspectiveBackbone, Level::County),
                20..23 if age < 35 => (HonourKind::RisingStar, Level::County),
                _ => continue,
            };
            honours.push(vec![
                Value::from(m.id),
                Value::from(district.id),
                Value::from(m.school),
                Value::from(kind.code()),
                Value::from(level.code()),
                Value::from(current - rng.random_range(0..6)),
                Value::from("教育局"),
                Value::from(HonourStatus::Active.code()),
                Value::from(now),
                Value::from(now),
            ]);
        }
        crate::bulk::insert(&txn, "honours", &HONOUR_COLUMNS, honours).await?;

        // A teaching-research group per subject and school, led by a
        // backbone teacher where there is one.
        for &school in &school_ids {
            let group_rows: Vec<Vec<Value>> = SUBJECTS
                .iter()
                .map(|s| {
                    vec![
                        Value::from(district.id),
                        Value::from(school),
                        Value::from(GroupKind::SubjectResearch.code()),
                        Value::from(format!("{s}组")),
                        Value::from(now),
                        Value::from(now),
                    ]
                })
                .collect();
            let group_ids =
                crate::bulk::insert_returning_ids(&txn, "org_groups", &GROUP_COLUMNS, group_rows).await?;
            let mut members = Vec::new();
            for (si, gid) in group_ids.iter().enumerate() {
                let of: Vec<&Made> = made
                    .iter()
                    .filter(|m| m.school == school && m.subject == si)
                    .collect();
                let leader = of.iter().find(|m| m.backbone).or(of.first()).map(|m| m.id);
                for m in of {
                    let position = if Some(m.id) == leader { "leader" } else { "member" };
                    members.push(vec![
                        Value::from(*gid),
                        Value::from(m.id),
                        Value::from(district.id),
                        Value::from(school),
                        Value::from(position),
                    ]);
                }
            }
            crate::bulk::insert(&txn, "org_group_members", &MEMBER_COLUMNS, members).await?;
        }

        // Mentor pairs: each backbone teacher takes a young colleague for
        // a new teacher's three years, under way; the links follow.
        let year_start = calendar.year(current).first_start;
        let mut pairs = Vec::new();
        for &school in &school_ids {
            let mut young = made
                .iter()
                .filter(|m| m.school == school && !m.backbone && today.year() - m.birth.year() < 35);
            for mentor in made.iter().filter(|m| m.school == school && m.backbone) {
                let Some(apprentice) = young.next() else { break };
                let starts = year_start - Days::new(rng.random_range(0..400));
                pairs.push(vec![
                    Value::from(district.id),
                    Value::from(school),
                    Value::from(mentor.id),
                    Value::from(school),
                    Value::from(apprentice.id),
                    Value::from("one_on_one"),
                    Value::from(SUBJECTS[apprentice.subject]),
                    Value::from(starts),
                    Value::from(starts + chrono::Months::new(36) - Days::new(1)),
                    Value::from("active"),
                    Value::from(""),
                    Value::from(""),
                    Value::from(now),
                    Value::from(now),
                ]);
            }
        }
        let made_pairs: Vec<MadePair> = pairs
            .iter()
            .map(|r| {
                let id = |v: &Value| match v {
                    Value::BigInt(Some(x)) => *x,
                    _ => 0,
                };
                let day = match &r[7] {
                    Value::ChronoDate(Some(d)) => *d,
                    _ => today,
                };
                (id(&r[1]), id(&r[2]), id(&r[4]), day)
            })
            .collect();
        let pair_ids = crate::bulk::insert_returning_ids(&txn, "mentorships", &PAIR_COLUMNS, pairs).await?;
        sea_orm::ConnectionTrait::execute_unprepared(&txn, &format!(
            "INSERT INTO mentor_pairs (district_id, school_id, mentor_teacher_id, apprentice_teacher_id, \
             starts_on, ends_on, created_at, mentorship_id) SELECT district_id, school_id, mentor_teacher_id, \
             apprentice_teacher_id, starts_on, ends_on, created_at, id FROM mentorships WHERE district_id = {0} \
             AND NOT EXISTS (SELECT 1 FROM mentor_pairs p WHERE p.mentorship_id = mentorships.id)",
            district.id
        ))
        .await?;

        // Each pair's log (a meeting every few weeks this term) and a
        // two-way cycle somewhere along its six stages, with the records
        // that fulfil them; then their hours on the credit ledgers.
        mentoring_activity(
            &txn,
            &mut rng,
            district.id,
            &calendar,
            &pair_ids.iter().copied().zip(made_pairs).collect::<Vec<_>>(),
            today,
            now,
        )
        .await?;

        // Master-teacher studios and mentoring weeks.
        studios_and_weeks(&txn, &mut rng, district.id, &school_ids, &made, today, now).await?;

        // Research projects: one per 25 teachers, a host and three members,
        // approved (立项) and verified.
        for &school in &school_ids {
            let staff: Vec<&Made> = made.iter().filter(|m| m.school == school).collect();
            let n = (staff.len() / 25).max(1);
            let rows: Vec<Vec<Value>> = (0..n)
                .map(|i| {
                    vec![
                        Value::from(district.id),
                        Value::from(school),
                        Value::from(format!("“双减”背景下作业设计研究（{}）", i + 1)),
                        Value::from(levels[rng.random_range(0..3)].code()),
                        Value::from(if i % 3 == 0 { "mid_term" } else { "approved" }),
                        Value::from(EvidenceStatus::Verified.code()),
                        Value::from(now),
                        Value::from(now),
                    ]
                })
                .collect();
            let project_ids =
                crate::bulk::insert_returning_ids(&txn, "research_projects", &PROJECT_COLUMNS, rows).await?;
            let (mut members, mut stages) = (Vec::new(), Vec::new());
            for pid in project_ids {
                let applied = year_start - Days::new(rng.random_range(30..500));
                for (stage, on) in [("applied", applied), ("approved", applied + Days::new(60))] {
                    stages.push(vec![
                        Value::from(district.id),
                        Value::from(school),
                        Value::from(pid),
                        Value::from(stage),
                        Value::from(on),
                        Value::from(now),
                    ]);
                }
                let mut chosen = Vec::new();
                while chosen.len() < 4.min(staff.len()) {
                    let t = staff[rng.random_range(0..staff.len())].id;
                    if !chosen.contains(&t) {
                        chosen.push(t);
                    }
                }
                for (k, t) in chosen.into_iter().enumerate() {
                    members.push(vec![
                        Value::from(district.id),
                        Value::from(school),
                        Value::from(pid),
                        Value::from(t),
                        Value::from(if k == 0 { "host" } else { "member" }),
                    ]);
                }
            }
            crate::bulk::insert(&txn, "project_members", &PROJECT_MEMBER_COLUMNS, members).await?;
            crate::bulk::insert(&txn, "project_stages", &STAGE_COLUMNS, stages).await?;
        }
        let (a, n, f) = activities(
            &txn,
            &mut rng,
            district.id,
            &school_ids,
            &made,
            opts.activities_per_school,
            year_start,
            today,
        )
        .await?;
        report.activities += a;
        report.attendance += n;
        report.feedback += f;
        txn.commit().await?;

        // Two accounts to look at it with, in the first district.
        if dn == 0 {
            for (username, role) in [
                (&report.director, "training_director"),
                (&report.teacher, "teacher"),
            ] {
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
            if let Some(first) = made.first() {
                crate::teachers::link_account(store, &scope, first.id, Some(&report.teacher), today).await?;
                report.first_teacher_id = first.id;
            }
        }
        // Generated duties apply from the start of the year, so the records
        // spread over it all count.
        let year_start = crate::calendar::load(store.conn(), district.id, None)
            .await?
            .year(current)
            .first_start;
        crate::duties::save(
            store,
            &scope,
            district.id,
            None,
            current,
            &duty_input,
            Some(year_start),
        )
        .await?;

        // Records: 70 % verified, 25 % waiting, 5 % returned; a few hundred
        // teachers per transaction keeps memory flat.
        for chunk in made.chunks(200) {
            let mut ev = Vec::with_capacity(chunk.len() * opts.records);
            let mut owner_school = Vec::with_capacity(chunk.len() * opts.records);
            for m in chunk {
                for _ in 0..opts.records {
                    let mut roll = rng.random_range(0..total_weight);
                    let k = kinds
                        .iter()
                        .position(|(w, _)| {
                            if roll < *w {
                                true
                            } else {
                                roll -= w;
                                false
                            }
                        })
                        .unwrap_or(0);
                    let d = &kinds[k].1;
                    let day = today - Days::new(rng.random_range(0..span));
                    let sem = calendar.semester_of(day);
                    let status = match rng.random_range(0..100) {
                        0..70 => EvidenceStatus::Verified,
                        70..95 => EvidenceStatus::Recorded,
                        _ => EvidenceStatus::Rejected,
                    };
                    // Levels vary so level filters have something to sort.
                    let level = d
                        .level
                        .map(|_| levels[rng.random_range(0..levels.len())].code().to_string());
                    ev.push(record_row(
                        district.id,
                        m.school,
                        m.id,
                        d,
                        day,
                        sem,
                        status,
                        level,
                        &details[k],
                        now,
                    ));
                    owner_school.push((m.id, m.school));
                }
            }
            let txn = store.begin().await?;
            let n = ev.len() as u64;
            insert_records(&txn, district.id, ev, &owner_school).await?;
            txn.commit().await?;
            done += n;
            progress(done, total);
        }
        report.teachers += made.len();
        report.school_ids.extend(school_ids);
    }
    // Fresh statistics, as a database in use has them.
    // (PostgreSQL runs VACUUM only as a statement of its own.)
    let analyse: &[&str] = match store.backend() {
        crate::Backend::Postgres => &[
            "VACUUM ANALYZE evidence",
            "VACUUM ANALYZE evidence_people",
            "ANALYZE teachers",
            "ANALYZE honours",
            "ANALYZE org_group_members",
        ],
        crate::Backend::Sqlite => &["ANALYZE"],
    };
    for statement in analyse {
        store.execute_unprepared(statement).await?;
    }
    store.checkpoint().await;
    report.records = done as usize;
    Ok(report)
}

const MEETING_COLUMNS: [&str; 11] = [
    "district_id",
    "school_id",
    "mentorship_id",
    "met_on",
    "minutes",
    "topic",
    "notes",
    "private",
    "created_by",
    "created_by_teacher",
    "created_at",
];

const CYCLE_COLUMNS: [&str; 8] = [
    "district_id",
    "school_id",
    "mentorship_id",
    "apprentice_teacher_id",
    "title",
    "started_on",
    "created_by",
    "created_at",
];

const CYCLE_STAGE_COLUMNS: [&str; 6] = [
    "cycle_id",
    "mentorship_id",
    "stage",
    "evidence_id",
    "linked_by",
    "linked_at",
];

const MEETING_TOPICS: &[&str] = &[
    "制订结对计划",
    "听课后交流",
    "作业设计研讨",
    "教学反思交流",
    "期中小结",
];
const LESSONS: &[&str] = &[
    "《认识钟表》",
    "《小蝌蚪找妈妈》",
    "《找规律》",
    "《坐井观天》",
    "《圆的认识》",
];

/// A generated pair: its school, mentor, apprentice and first day.
type MadePair = (i64, i64, i64, NaiveDate);

/// Meetings, a cycle with its stage records, and the hours, for each
/// `(pair id, (school, mentor, apprentice, starts))`.
async fn mentoring_activity<C: sea_orm::ConnectionTrait>(
    txn: &C,
    rng: &mut StdRng,
    district_id: i64,
    calendar: &lingyan_domain::Calendar,
    pairs: &[(i64, MadePair)],
    today: NaiveDate,
    now: chrono::DateTime<Utc>,
) -> Result<()> {
    use lingyan_domain::mentoring::cycle::CycleStage;
    let mut meetings = Vec::new();
    let mut cycles = Vec::new();
    let mut planned: Vec<(i64, i64, i64, NaiveDate, usize, &str)> = Vec::new();
    for (n, (pair, (school, mentor, apprentice, starts))) in pairs.iter().enumerate() {
        let from = (*starts).max(today - Days::new(120));
        let span = (today - from).num_days().max(1) as u64;
        // One pair in five has gone quiet; the others met in the last
        // three weeks.
        let quiet = n % 5 == 4;
        for k in 0..rng.random_range(2..=6) {
            let met_on = match (k, quiet) {
                (0, false) => today - Days::new(rng.random_range(0..21).min(span - 1)),
                (_, true) => from + Days::new(rng.random_range(0..span.min(30))),
                _ => from + Days::new(rng.random_range(0..span)),
            };
            meetings.push(vec![
                Value::from(district_id),
                Value::from(*school),
                Value::from(*pair),
                Value::from(met_on),
                Value::from(rng.random_range(3..=9) * 10),
                Value::from(MEETING_TOPICS[rng.random_range(0..MEETING_TOPICS.len())]),
                Value::from(""),
                Value::from(false),
                Value::from(None::<i64>),
                Value::from(Some(*mentor)),
                Value::from(now),
            ]);
        }
        let started = from.max(today - Days::new(60 + rng.random_range(0..30)));
        let lesson = LESSONS[rng.random_range(0..LESSONS.len())];
        cycles.push(vec![
            Value::from(district_id),
            Value::from(*school),
            Value::from(*pair),
            Value::from(*apprentice),
            Value::from(lesson),
            Value::from(started),
            Value::from(None::<i64>),
            Value::from(now),
        ]);
        let done = if quiet { 0 } else { rng.random_range(1..=6) };
        planned.push((*pair, *mentor, *apprentice, started, done, lesson));
    }
    crate::bulk::insert(txn, "mentoring_meetings", &MEETING_COLUMNS, meetings).await?;
    let cycle_ids =
        crate::bulk::insert_returning_ids(txn, "mentoring_cycles", &CYCLE_COLUMNS, cycles).await?;
    // The stages' records, then the links.
    let mut rows = Vec::new();
    let mut owners = Vec::new();
    let mut links = Vec::new();
    for (cycle, (pair, mentor, apprentice, started, done, lesson)) in cycle_ids.iter().zip(&planned) {
        let school = pairs
            .iter()
            .find(|p| p.0 == *pair)
            .map(|p| p.1.0)
            .unwrap_or_default();
        for (i, stage) in CycleStage::ALL.iter().take(*done).enumerate() {
            let day = *started + Days::new(7 * i as u64 + 1);
            if day > today {
                break;
            }
            let input = lingyan_domain::EvidenceInput {
                kind: stage.kind(),
                date: day.to_string(),
                title: (*lesson).into(),
                level: "school".into(),
                text: String::new(),
                details: stage.record_details(*apprentice),
            };
            let Ok(d) = input.parse() else { continue };
            let owner = if stage.by_mentor() { *mentor } else { *apprentice };
            let details = serde_json::to_string(&d.details).unwrap_or_default();
            rows.push(record_row(
                district_id,
                school,
                owner,
                &d,
                day,
                calendar.semester_of(day),
                EvidenceStatus::Verified,
                Some("school".into()),
                &details,
                now,
            ));
            owners.push((owner, school));
            links.push((*cycle, *pair, stage.code()));
        }
    }
    let ids = insert_records(txn, district_id, rows, &owners).await?;
    let link_rows: Vec<Vec<Value>> = ids
        .iter()
        .zip(&links)
        .map(|(e, (cycle, pair, stage))| {
            vec![
                Value::from(*cycle),
                Value::from(*pair),
                Value::from(*stage),
                Value::from(*e),
                Value::from(None::<i64>),
                Value::from(now),
            ]
        })
        .collect();
    crate::bulk::insert(txn, "mentoring_cycle_stages", &CYCLE_STAGE_COLUMNS, link_rows).await?;
    for (pair, _) in pairs {
        crate::mentoring::hours::sync(txn, *pair).await?;
    }
    Ok(())
}

/// Studio activities a generated studio runs: (kind, title, minutes).
const STUDIO_ACTIVITIES: &[(&str, &str, i32)] = &[
    ("lecture", "专题讲座：大单元教学设计", 90),
    ("demonstration", "示范课", 40),
    ("seminar", "课例研讨", 120),
    ("online", "网络研修", 60),
    ("reading", "读书分享", 60),
];

/// One master-teacher studio per two schools (at least one), led by a
/// backbone teacher, with eight members from three schools, a fortnightly
/// activity this school year and a send-teaching visit to another school
/// every second month; and a mentoring week at every school three weeks
/// ago.
async fn studios_and_weeks<C: sea_orm::ConnectionTrait>(
    txn: &C,
    rng: &mut StdRng,
    district_id: i64,
    schools: &[i64],
    made: &[Made],
    today: NaiveDate,
    now: chrono::DateTime<Utc>,
) -> Result<()> {
    let start = crate::studios::year_start(today);
    let n = (schools.len() / 2).max(1);
    let mut studios = Vec::new();
    let mut plans = Vec::new();
    for i in 0..n {
        let home = schools[(2 * i) % schools.len()];
        let Some(master) = made.iter().find(|m| m.school == home && m.backbone) else {
            continue;
        };
        studios.push(vec![
            Value::from(district_id),
            Value::from(format!("名师工作室{}", i + 1)),
            Value::from(master.id),
            Value::from(home),
            Value::from(SUBJECTS[master.subject % SUBJECTS.len()]),
            Value::from(start),
            Value::from(start.checked_add_months(chrono::Months::new(36))),
            Value::from(""),
            Value::from(None::<i64>),
            Value::from(now),
            Value::from(now),
        ]);
        let members: Vec<(i64, i64)> = (0..3)
            .flat_map(|k| {
                let school = schools[(2 * i + k) % schools.len()];
                made.iter()
                    .filter(move |m| m.school == school && m.id != master.id)
                    .skip(rng_free_offset(i, k))
                    .take(if k == 0 { 4 } else { 2 })
                    .map(|m| (m.id, m.school))
            })
            .collect();
        plans.push((master.id, members, schools[(2 * i + 1) % schools.len()]));
    }
    let ids = crate::bulk::insert_returning_ids(txn, "studios", &STUDIO_COLUMNS, studios).await?;
    let mut members = Vec::new();
    let mut activities = Vec::new();
    for (id, (master, people, other)) in ids.iter().zip(&plans) {
        let mut seen = std::collections::BTreeSet::new();
        for (t, school) in people {
            if seen.insert(*t) {
                members.push(vec![
                    Value::from(*id),
                    Value::from(*t),
                    Value::from(*school),
                    Value::from(start),
                    Value::from(None::<NaiveDate>),
                ]);
            }
        }
        let mut day = start + Days::new(7);
        let mut k = 0usize;
        while day <= today {
            let send = k % 4 == 3;
            let (kind, title, minutes) = if send {
                ("send_teaching", "送教下乡", 90)
            } else {
                STUDIO_ACTIVITIES[rng.random_range(0..STUDIO_ACTIVITIES.len())]
            };
            activities.push(vec![
                Value::from(*id),
                Value::from(district_id),
                Value::from(day),
                Value::from(kind),
                Value::from(title),
                Value::from(""),
                Value::from(minutes),
                Value::from(Some(*master)),
                Value::from(if send { Some(*other) } else { None }),
                Value::from(""),
                Value::from(""),
                Value::from(None::<i64>),
                Value::from(now),
            ]);
            day = day + Days::new(14);
            k += 1;
        }
    }
    crate::bulk::insert(txn, "studio_members", &STUDIO_MEMBER_COLUMNS, members).await?;
    crate::bulk::insert(txn, "studio_activities", &STUDIO_ACTIVITY_COLUMNS, activities).await?;
    let held = today - Days::new(21);
    let weeks = schools
        .iter()
        .map(|s| {
            vec![
                Value::from(district_id),
                Value::from(*s),
                Value::from("师徒活动周"),
                Value::from(""),
                Value::from(held),
                Value::from(held + Days::new(4)),
                Value::from(None::<i64>),
                Value::from(now),
                Value::from(now),
            ]
        })
        .collect();
    crate::bulk::insert(txn, "mentoring_weeks", &WEEK_COLUMNS, weeks).await?;
    Ok(())
}

/// Where a studio's members start in a school's staff, so studios sharing
/// a school take different teachers.
fn rng_free_offset(studio: usize, k: usize) -> usize {
    10 + 7 * studio + 3 * k
}

const STUDIO_COLUMNS: [&str; 11] = [
    "district_id",
    "name",
    "master_teacher_id",
    "master_school_id",
    "subject",
    "starts_on",
    "ends_on",
    "aims",
    "created_by",
    "created_at",
    "updated_at",
];

const STUDIO_MEMBER_COLUMNS: [&str; 5] = ["studio_id", "teacher_id", "school_id", "joined_on", "left_on"];

const STUDIO_ACTIVITY_COLUMNS: [&str; 13] = [
    "studio_id",
    "district_id",
    "held_on",
    "kind",
    "title",
    "place",
    "minutes",
    "led_by_teacher_id",
    "receiving_school_id",
    "receiving_school_name",
    "summary",
    "created_by",
    "created_at",
];

const WEEK_COLUMNS: [&str; 9] = [
    "district_id",
    "school_id",
    "title",
    "theme",
    "starts_on",
    "ends_on",
    "created_by",
    "created_at",
    "updated_at",
];

/// One `evidence` row for [`insert_records`]: a parsed record of `owner`
/// on `day`, in `sem`, with `status` (verified and returned ones stamped
/// `now`), `level` overriding the draft's, `details` its details as JSON.
#[allow(clippy::too_many_arguments)]
pub(crate) fn record_row(
    district_id: i64,
    school_id: i64,
    owner: i64,
    d: &lingyan_domain::EvidenceDraft,
    day: NaiveDate,
    sem: lingyan_domain::calendar::Semester,
    status: EvidenceStatus,
    level: Option<String>,
    details: &str,
    now: chrono::DateTime<Utc>,
) -> Vec<Value> {
    vec![
        Value::from(district_id),
        Value::from(school_id),
        Value::from(owner),
        Value::from(d.details.kind().code()),
        Value::from(d.details.subtype().map(str::to_string)),
        Value::from(day),
        Value::from(sem.year),
        Value::from(match sem.term {
            Term::First => 1i16,
            Term::Second => 2i16,
        }),
        Value::from(level),
        Value::from(d.title.clone()),
        Value::from(None::<String>),
        Value::from(details.to_string()),
        Value::from(status.code()),
        Value::from((status != EvidenceStatus::Recorded).then_some(now)),
        Value::from(None::<i64>),
        Value::from(now),
        Value::from(now),
    ]
}

/// Writes records made by [`record_row`] with their owners (teacher,
/// school), in the caller's transaction: bulk inserts, no audit entries.
pub(crate) async fn insert_records<C: sea_orm::ConnectionTrait>(
    txn: &C,
    district_id: i64,
    rows: Vec<Vec<Value>>,
    owners: &[(i64, i64)],
) -> Result<Vec<i64>> {
    let ids = crate::bulk::insert_returning_ids(txn, "evidence", &EVIDENCE_COLUMNS, rows).await?;
    let people: Vec<Vec<Value>> = ids
        .iter()
        .zip(owners)
        .map(|(id, (t, school))| {
            vec![
                Value::from(district_id),
                Value::from(*school),
                Value::from(*id),
                Value::from(*t),
                Value::from("owner"),
            ]
        })
        .collect();
    crate::bulk::insert(txn, "evidence_people", &PEOPLE_COLUMNS, people).await?;
    Ok(ids)
}

const ACTIVITY_COLUMNS: [&str; 26] = [
    "district_id",
    "school_id",
    "title",
    "kind",
    "level",
    "area",
    "form",
    "organiser",
    "host",
    "description",
    "audience",
    "capacity",
    "registration_opens",
    "registration_closes",
    "credits_per_session",
    "marked_training",
    "training_content",
    "sign_out",
    "min_presence",
    "feedback_required",
    "grace",
    "first_date",
    "last_date",
    "created_at",
    "created_by",
    "updated_at",
];
const SESSION_COLUMNS: [&str; 7] = [
    "activity_id",
    "district_id",
    "school_id",
    "date",
    "start_time",
    "end_time",
    "place",
];
const PARTICIPANT_COLUMNS: [&str; 8] = [
    "activity_id",
    "teacher_id",
    "district_id",
    "school_id",
    "status",
    "assigned",
    "created_at",
    "updated_at",
];
const FEEDBACK_COLUMNS: [&str; 6] = [
    "session_id",
    "activity_id",
    "teacher_id",
    "rating",
    "comment",
    "created_at",
];

/// What teachers write after a session (some write nothing).
const COMMENTS: [&str; 6] = [
    "",
    "案例很实用，回去就能用。",
    "时间有点紧，希望多留讨论时间。",
    "专家讲得清楚，收获很大。",
    "建议提前发放学习材料。",
    "",
];

const ATTENDANCE_COLUMNS: [&str; 13] = [
    "session_id",
    "activity_id",
    "teacher_id",
    "district_id",
    "school_id",
    "status",
    "signed_in_at",
    "signed_out_at",
    "method",
    "leave_reason",
    "leave_state",
    "recorded_by",
    "updated_at",
];
const ENTRY_COLUMNS: [&str; 22] = [
    "district_id",
    "school_id",
    "teacher_id",
    "source",
    "source_ref",
    "start_date",
    "end_date",
    "year",
    "title",
    "organiser",
    "what",
    "form",
    "area",
    "level",
    "hours",
    "credits",
    "pool",
    "marked_training",
    "note",
    "dedup_key",
    "created_at",
    "created_by",
];

/// The activities of a district's schools this school year, held before
/// `today`: two sessions each a week apart, up to 50 participants, their
/// attendance and the credit entries it earns. Returns how many activities
/// and attendance rows were made.
#[allow(clippy::too_many_arguments)]
async fn activities<C: sea_orm::ConnectionTrait>(
    conn: &C,
    rng: &mut StdRng,
    district_id: i64,
    school_ids: &[i64],
    made: &[Made],
    per_school: usize,
    year_start: NaiveDate,
    today: NaiveDate,
) -> Result<(usize, usize, usize)> {
    use lingyan_domain::activities::ActivityType;
    use lingyan_domain::credits::{Area, Form};
    if per_school == 0 {
        return Ok((0, 0, 0));
    }
    let kinds = [
        (
            ActivityType::TeachingResearch,
            Form::SchoolBased,
            Area::Method,
            "教研活动",
        ),
        (
            ActivityType::LessonPrep,
            Form::SchoolBased,
            Area::Subject,
            "集体备课",
        ),
        (
            ActivityType::ExpertLecture,
            Form::SchoolBased,
            Area::Theory,
            "专家讲座",
        ),
        (
            ActivityType::ReadingSalon,
            Form::SchoolBased,
            Area::Ethics,
            "读书沙龙",
        ),
        (
            ActivityType::Observation,
            Form::SchoolBased,
            Area::Method,
            "观课议课",
        ),
    ];
    let now = Utc::now();
    let days = (today - year_start).num_days().max(8) - 8;
    let (mut made_n, mut rows_n, mut said_n) = (0, 0, 0);
    for &school in school_ids {
        let staff: Vec<&Made> = made.iter().filter(|m| m.school == school).collect();
        if staff.is_empty() {
            continue;
        }
        let mut plans = Vec::with_capacity(per_school);
        let mut rows = Vec::with_capacity(per_school);
        for i in 0..per_school {
            let (kind, form, area, label) = kinds[i % kinds.len()];
            let first = year_start + Days::new(rng.random_range(0..=days.max(0) as u64));
            let title = format!("{label}（第{}期）", i + 1);
            rows.push(vec![
                Value::from(district_id),
                Value::from(school),
                Value::from(title.clone()),
                Value::from(kind.code()),
                Value::from(Level::School.code()),
                Value::from(area.code()),
                Value::from(form.code()),
                Value::from("本校"),
                Value::from(""),
                Value::from(""),
                Value::from("{\"kind\":\"named\"}"),
                Value::from(None::<i32>),
                Value::from(None::<chrono::NaiveDateTime>),
                Value::from(None::<chrono::NaiveDateTime>),
                Value::from(None::<i64>),
                Value::from(false),
                Value::from(""),
                Value::from(false),
                Value::from(None::<i32>),
                Value::from(false),
                Value::from(15),
                Value::from(first),
                Value::from(first + Days::new(7)),
                Value::from(now),
                Value::from(None::<i64>),
                Value::from(now),
            ]);
            plans.push((title, kind, form, area, first));
        }
        let ids = crate::bulk::insert_returning_ids(conn, "activities", &ACTIVITY_COLUMNS, rows).await?;
        let start = chrono::NaiveTime::from_hms_opt(14, 0, 0).unwrap_or_default();
        let end = chrono::NaiveTime::from_hms_opt(16, 0, 0).unwrap_or_default();
        let mut sessions = Vec::with_capacity(ids.len() * 2);
        for (id, p) in ids.iter().zip(&plans) {
            for d in [p.4, p.4 + Days::new(7)] {
                sessions.push(vec![
                    Value::from(*id),
                    Value::from(district_id),
                    Value::from(school),
                    Value::from(d),
                    Value::from(start),
                    Value::from(end),
                    Value::from("会议室"),
                ]);
            }
        }
        let session_ids =
            crate::bulk::insert_returning_ids(conn, "activity_sessions", &SESSION_COLUMNS, sessions).await?;
        let (mut parts, mut marks, mut entries, mut feedback) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for (k, (id, p)) in ids.iter().zip(&plans).enumerate() {
            let n = staff.len().min(50);
            let offset = rng.random_range(0..staff.len());
            let who: Vec<&&Made> = staff.iter().cycle().skip(offset).take(n).collect();
            for m in &who {
                parts.push(vec![
                    Value::from(*id),
                    Value::from(m.id),
                    Value::from(district_id),
                    Value::from(school),
                    Value::from("registered"),
                    Value::from(true),
                    Value::from(now),
                    Value::from(now),
                ]);
            }
            for (j, sid) in session_ids[k * 2..k * 2 + 2].iter().enumerate() {
                let date = p.4 + Days::new(7 * j as u64);
                for m in &who {
                    let status = match rng.random_range(0..100) {
                        0..85 => "present",
                        85..90 => "late",
                        90..95 => "leave",
                        _ => "absent",
                    };
                    marks.push(vec![
                        Value::from(*sid),
                        Value::from(*id),
                        Value::from(m.id),
                        Value::from(district_id),
                        Value::from(school),
                        Value::from(status),
                        Value::from(None::<chrono::NaiveDateTime>),
                        Value::from(None::<chrono::NaiveDateTime>),
                        Value::from("checkoff"),
                        Value::from(None::<String>),
                        Value::from(None::<String>),
                        Value::from(None::<i64>),
                        Value::from(now),
                    ]);
                    // Two in five of those present say what they thought.
                    if (status == "present" || status == "late") && rng.random_range(0..5) < 2 {
                        let rating: i32 = match rng.random_range(0..10) {
                            0 => 3,
                            1..4 => 4,
                            _ => 5,
                        };
                        feedback.push(vec![
                            Value::from(*sid),
                            Value::from(*id),
                            Value::from(m.id),
                            Value::from(rating),
                            Value::from(COMMENTS[rng.random_range(0..COMMENTS.len())]),
                            Value::from(now),
                        ]);
                    }
                    if status == "present" || status == "late" {
                        entries.push(vec![
                            Value::from(district_id),
                            Value::from(school),
                            Value::from(m.id),
                            Value::from("activity"),
                            Value::from(format!("session:{sid}")),
                            Value::from(date),
                            Value::from(date),
                            Value::from(date.year()),
                            Value::from(p.0.clone()),
                            Value::from("本校"),
                            Value::from(p.1.code()),
                            Value::from(p.2.code()),
                            Value::from(p.3.code()),
                            Value::from(Level::School.code()),
                            Value::from(200i64),
                            Value::from(None::<i64>),
                            Value::from(None::<String>),
                            Value::from(false),
                            Value::from(None::<String>),
                            Value::from(lingyan_domain::credits::national::dedup_key(date, &p.0)),
                            Value::from(now),
                            Value::from(None::<i64>),
                        ]);
                    }
                }
            }
        }
        rows_n += marks.len();
        said_n += feedback.len();
        made_n += ids.len();
        crate::bulk::insert(conn, "activity_participants", &PARTICIPANT_COLUMNS, parts).await?;
        crate::bulk::insert(conn, "attendance", &ATTENDANCE_COLUMNS, marks).await?;
        crate::bulk::insert(conn, "activity_feedback", &FEEDBACK_COLUMNS, feedback).await?;
        crate::bulk::insert(conn, "credit_entries", &ENTRY_COLUMNS, entries).await?;
    }
    Ok((made_n, rows_n, said_n))
}
