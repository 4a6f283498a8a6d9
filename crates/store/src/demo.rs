//! The demo installation: one district with two schools — a primary school
//! whose staff reproduce seed 000's status analysis and a kindergarten
//! reproducing seed 002's — their rosters, groups, leading group and
//! calendar, and one account per role, all with the same password. Loaded
//! only into an empty database.

use crate::districts::{self, DistrictChanges};
use crate::schools::{self, SchoolChanges};
use crate::users::{self, GrantPlace, NewUser};
use crate::{Result, Scope, Store};
use lingyan_domain::Role;

/// The password of every demo account.
pub const PASSWORD: &str = "lingyan-demo";

/// One demo login, for printing.
#[derive(Debug, Clone)]
pub struct DemoLogin {
    pub username: &'static str,
    pub role: Role,
    pub place: String,
}

/// What the demo created, or `None` when the database already had accounts.
pub async fn load(store: &Store) -> Result<Option<Vec<DemoLogin>>> {
    load_with(store, true).await
}

/// The demo, with or without its duty sets and this term's records (tests
/// of the duty-set mechanics start from schools that have none).
pub async fn load_with(store: &Store, duties: bool) -> Result<Option<Vec<DemoLogin>>> {
    if users::any_exist(store).await? {
        return Ok(None);
    }
    let scope = Scope::system("demo");
    let district = districts::create(
        store,
        &scope,
        DistrictChanges {
            code: Some("GF".into()),
            name: Some("广府区".into()),
            name_en: Some("Guangfu District".into()),
        },
    )
    .await?;
    let primary = schools::create(
        store,
        &scope,
        district.id,
        SchoolChanges {
            code: Some("GFSY".into()),
            name: Some("广府实验小学".into()),
            name_en: Some("Guangfu Experimental Primary School".into()),
            school_type: Some("primary".into()),
            active: Some(true),
        },
    )
    .await?;
    let kindergarten = schools::create(
        store,
        &scope,
        district.id,
        SchoolChanges {
            code: Some("YGYEY".into()),
            name: Some("阳光幼儿园".into()),
            name_en: Some("Sunshine Kindergarten".into()),
            school_type: Some("kindergarten".into()),
            active: Some(true),
        },
    )
    .await?;

    // (username, display name, role, home school; None = district account)
    let accounts: [(&'static str, &str, Role, Option<&schools::School>); 9] = [
        ("sysadmin", "系统管理员", Role::SystemAdmin, None),
        ("district", "师训科 刘敏", Role::DistrictAdmin, None),
        ("inspector", "督导 陈建国", Role::Inspector, None),
        ("principal", "方胜利", Role::Principal, Some(&primary)),
        ("director", "金朝飞", Role::TrainingDirector, Some(&primary)),
        ("leader", "王丽华", Role::GroupLeader, Some(&primary)),
        ("mentor", "李秀英", Role::Mentor, Some(&primary)),
        ("teacher", "张晓雨", Role::Teacher, Some(&primary)),
        ("kgdirector", "赵静", Role::TrainingDirector, Some(&kindergarten)),
    ];
    let mut logins = Vec::new();
    for (username, name, role, school) in accounts {
        let (school_id, district_id) = match (role, school) {
            (Role::SystemAdmin, _) => (None, None),
            (_, Some(s)) => (Some(s.id), None),
            (_, None) => (None, Some(district.id)),
        };
        let u = users::create(
            store,
            &scope,
            NewUser {
                username: username.into(),
                display_name: name.into(),
                password: PASSWORD.into(),
                school_id,
                district_id,
                roles: vec![role.code().into()],
                locale: None,
            },
        )
        .await?;
        // Leaders and mentors teach too.
        if matches!(role, Role::GroupLeader | Role::Mentor | Role::TrainingDirector) {
            users::grant_role(store, &scope, u.id, Role::Teacher.code(), GrantPlace::default()).await?;
        }
        logins.push(DemoLogin {
            username,
            role,
            place: u.home_name.unwrap_or_default(),
        });
    }

    let today = crate::calendar::today();
    for (y, f1, f2, s1, s2) in [
        ("2025", "2025-09-01", "2026-01-23", "2026-02-24", "2026-07-10"),
        ("2026", "2026-09-01", "2027-01-22", "2027-02-22", "2027-07-09"),
    ] {
        let input = crate::calendar::YearInput {
            start_year: y.into(),
            first_start: f1.into(),
            first_end: f2.into(),
            second_start: s1.into(),
            second_end: s2.into(),
        };
        crate::calendar::set_year(store, &scope, district.id, None, &input).await?;
    }
    import_staff(
        store,
        &scope,
        primary.id,
        "GF",
        &crate::demo_staff::primary_school(today, 2019),
        today,
    )
    .await?;
    import_staff(
        store,
        &scope,
        kindergarten.id,
        "YG",
        &crate::demo_staff::kindergarten(today, 2020),
        today,
    )
    .await?;
    for (username, staff_no) in [
        ("principal", "GF0001"),
        ("director", "GF0002"),
        ("leader", "GF0003"),
        ("mentor", "GF0004"),
        ("teacher", "GF0005"),
        ("kgdirector", "YG0001"),
    ] {
        let id = teacher_id(store, staff_no).await?;
        crate::teachers::link_account(store, &scope, id, Some(username), today).await?;
    }
    organise(store, &scope, primary.id, today).await?;
    portfolio(store, &scope, today).await?;
    crate::mentoring::demo::more(store, &scope, district.id, primary.id, kindergarten.id, today).await?;
    crate::studios::demo(store, &scope, district.id, today).await?;
    if duties {
        duty_sets(store, &scope, district.id, primary.id, kindergarten.id).await?;
        // The district asks seed 002's 48 credits a year of every teacher.
        crate::credits::adopt(store, &scope, district.id, None, 2025, "seed-002-48").await?;
        term_records(store, &scope, primary.id, PRIMARY_TERM, today).await?;
        term_records(store, &scope, kindergarten.id, KINDERGARTEN_TERM, today).await?;
        crate::activities::demo::load(store, &scope, district.id, primary.id).await?;
        crate::credits::demo::load(store, &scope, district.id, today).await?;
        crate::credits::demo::claims(store, today).await?;
    }
    history(store).await?;
    Ok(Some(logins))
}

/// Writes the people as a roster CSV and imports it, as a school would.
async fn import_staff(
    store: &Store,
    scope: &Scope,
    school_id: i64,
    prefix: &str,
    people: &[crate::demo_staff::Person],
    today: chrono::NaiveDate,
) -> Result<()> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let io = |e: csv::Error| crate::Error::Internal(e.to_string());
    w.write_record(crate::demo_staff::HEADER).map_err(io)?;
    for r in crate::demo_staff::rows(prefix, people, today, school_id as u64) {
        w.write_record(&r).map_err(io)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| crate::Error::Internal(e.to_string()))?;
    let report = crate::roster::import(
        store,
        scope,
        school_id,
        "demo-roster.csv",
        &bytes,
        false,
        usize::MAX,
        today,
    )
    .await?;
    if !report.ok() {
        return Err(crate::Error::Internal(format!(
            "demo roster did not import: {:?}",
            report.errors
        )));
    }
    Ok(())
}

async fn teacher_id(store: &Store, staff_no: &str) -> Result<i64> {
    use crate::entity::teacher;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    teacher::Entity::find()
        .filter(teacher::Column::StaffNo.eq(staff_no))
        .one(store.conn())
        .await?
        .map(|t| t.id)
        .ok_or(crate::Error::NotFound)
}

/// Teaching-research groups by subject, grade groups, and the school-based
/// training leading group (seed 001: "Team leader … deputy team leader …").
async fn organise(store: &Store, scope: &Scope, school_id: i64, today: chrono::NaiveDate) -> Result<()> {
    use crate::org;
    use crate::teachers::{TeacherFilter, list};
    let staff = list(
        store,
        scope,
        &TeacherFilter {
            school_id: Some(school_id),
            sort: crate::teachers::SortBy::StaffNo,
            ..Default::default()
        },
        lingyan_domain::PageRequest::new(Some(1), Some(500)),
        today,
    )
    .await?
    .items;
    let by_no = |no: &str| {
        staff
            .iter()
            .find(|t| t.fields.staff_no.as_deref() == Some(no))
            .map(|t| t.id)
    };
    for (subject, name, leader) in [
        ("语文", "语文教研组", Some("GF0003")),
        ("数学", "数学教研组", Some("GF0004")),
        ("英语", "英语教研组", None),
        ("科学", "科学教研组", None),
    ] {
        let g = org::create_group(store, scope, school_id, "subject_research", name).await?;
        let leader_id = leader.and_then(by_no);
        let mut leader_set = false;
        for t in staff
            .iter()
            .filter(|t| t.fields.subjects.iter().any(|s| s == subject))
        {
            let position = if Some(t.id) == leader_id || (leader_id.is_none() && !leader_set) {
                leader_set = true;
                "leader"
            } else {
                "member"
            };
            org::set_member(store, scope, g, t.id, position).await?;
        }
        if let Some(l) = leader_id {
            org::set_member(store, scope, g, l, "leader").await?;
        }
    }
    for (k, grade) in [
        "一年级组",
        "二年级组",
        "三年级组",
        "四年级组",
        "五年级组",
        "六年级组",
    ]
    .iter()
    .enumerate()
    {
        let g = org::create_group(store, scope, school_id, "grade", grade).await?;
        let members: Vec<&crate::teachers::Teacher> = staff
            .iter()
            .filter(|t| t.fields.post == Some(lingyan_domain::Post::FullTimeTeacher))
            .skip(5)
            .skip(k * 13)
            .take(13)
            .collect();
        for (j, t) in members.iter().enumerate() {
            org::set_member(store, scope, g, t.id, if j == 0 { "leader" } else { "member" }).await?;
        }
    }
    let lg = org::create_leading_group(store, scope, school_id, "校本培训领导小组", "校本培训").await?;
    for (no, position, duty) in [
        (
            "GF0001",
            "leader",
            "全面负责校本培训工作，审定培训计划与考核办法（第一责任人）。",
        ),
        (
            "GF0002",
            "deputy",
            "负责校本培训制度、计划和考核办法的制定与监督实施。",
        ),
        (
            "GF0036",
            "managing",
            "具体组织各项培训活动，做好考勤、学分登记与档案管理。",
        ),
        ("GF0003", "member", "组织语文学科教研活动与青年教师听评课。"),
        ("GF0004", "member", "组织数学学科教研活动，指导师徒结对。"),
    ] {
        if let Some(id) = by_no(no) {
            org::set_leading_member(store, scope, lg, id, position, duty).await?;
        }
    }
    Ok(())
}

/// Mentor pairs and a year and a half of portfolio records for the primary
/// school's demo accounts and some colleagues, some verified, one returned.
async fn portfolio(store: &Store, scope: &Scope, today: chrono::NaiveDate) -> Result<()> {
    use lingyan_domain::{EvidenceInput, EvidenceKind};
    let mentor = teacher_id(store, "GF0004").await?;
    let teacher = teacher_id(store, "GF0005").await?;
    let apprentice2 = teacher_id(store, "GF0030").await?;
    crate::mentoring::demo::pairs(store, scope, today, mentor, [teacher, apprentice2]).await?;
    let mut owners = vec![teacher, mentor, teacher_id(store, "GF0003").await?];
    for n in 6..=20 {
        owners.push(teacher_id(store, &format!("GF{n:04}")).await?);
    }
    // (kind, title, level, details)
    type Sample = (
        EvidenceKind,
        &'static str,
        &'static str,
        &'static [(&'static str, &'static str)],
    );
    const SAMPLES: &[Sample] = &[
        (
            EvidenceKind::Observation,
            "《秋天的雨》第二课时",
            "",
            &[
                ("class_name", "三（2）班"),
                ("subject", "语文"),
                ("scores", "教学目标 18/20；教学过程 35/40；教学效果 32/40"),
            ],
        ),
        (
            EvidenceKind::Reading,
            "《给教师的建议》",
            "",
            &[("author", "苏霍姆林斯基")],
        ),
        (
            EvidenceKind::Writing,
            "“双减”背景下作业设计的反思",
            "",
            &[("writing_type", "reflection")],
        ),
        (
            EvidenceKind::Class,
            "《圆的认识》",
            "county",
            &[
                ("class_type", "open"),
                ("subject", "数学"),
                ("audience", "全区数学教师"),
            ],
        ),
        (
            EvidenceKind::Article,
            "小学语文整本书阅读的实践研究",
            "municipal",
            &[
                ("venue", "小学教学参考"),
                ("publication", "published"),
                ("award_level", "county"),
                ("award_grade", "一等奖"),
            ],
        ),
        (
            EvidenceKind::Training,
            "国培计划（2025）骨干教师高端研修",
            "national",
            &[("organiser", "教育部"), ("mode", "online"), ("hours", "24")],
        ),
        (
            EvidenceKind::Class,
            "送教下乡：《找规律》",
            "county",
            &[
                ("class_type", "send_teaching"),
                ("receiving_school", "山阳镇中心小学"),
                ("subject", "数学"),
            ],
        ),
        (
            EvidenceKind::Lecture,
            "如何上好一节复习课",
            "school",
            &[("audience", "青年教师")],
        ),
        (
            EvidenceKind::Award,
            "“创新杯”课堂教学比赛",
            "county",
            &[("rank", "二等奖"), ("organiser", "区教研室")],
        ),
        (
            EvidenceKind::StudyVisit,
            "杭州学军小学跟岗学习",
            "",
            &[("destination", "杭州"), ("days", "3"), ("cost", "2600")],
        ),
        (
            EvidenceKind::Writing,
            "《分数的初步认识》教学案例",
            "",
            &[("writing_type", "case_study"), ("subject", "数学")],
        ),
        (
            EvidenceKind::Plan,
            "个人专业发展五年规划（2025—2030）",
            "",
            &[("plan_type", "five_year"), ("until", "2030")],
        ),
    ];
    let mut ids = Vec::new();
    for (i, owner) in owners.iter().enumerate() {
        for (j, (kind, title, level, details)) in SAMPLES.iter().enumerate() {
            // Not everyone has everything: a spread across kinds and dates.
            if (i + j) % 3 == 2 && *owner != teacher {
                continue;
            }
            let day = today - chrono::Days::new(((i * 37 + j * 29) % 420) as u64 + 1);
            let input = EvidenceInput {
                kind: *kind,
                date: day.to_string(),
                title: title.to_string(),
                level: level.to_string(),
                text: String::new(),
                details: details
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
            };
            let e = crate::evidence::create(store, scope, *owner, &input, &[], today).await?;
            ids.push(e.id);
        }
    }
    // Two thirds verified; one of the demo teacher's returned with a reason.
    let verify: Vec<i64> = ids
        .iter()
        .copied()
        .enumerate()
        .filter(|(i, _)| i % 3 != 0)
        .map(|(_, id)| id)
        .collect();
    for chunk in verify.chunks(400) {
        crate::evidence::verify(store, scope, chunk, today).await?;
    }
    if let Some(first) = ids.first() {
        crate::evidence::reject(store, scope, *first, "请补充评课意见和听课班级。", today).await?;
    }
    let project = crate::projects::create(
        store,
        scope,
        &crate::projects::ProjectInput {
            title: "小学数学“说理课堂”的实践研究".into(),
            level: "municipal".into(),
            number: "SJ2025-118".into(),
            text: String::new(),
            applied_on: (today - chrono::Days::new(380)).to_string(),
            host_teacher_id: mentor,
            members: vec![teacher, apprentice2],
        },
        today,
    )
    .await?;
    crate::projects::advance(
        store,
        scope,
        project.id,
        "approved",
        &(today - chrono::Days::new(300)).to_string(),
        "市教科院立项",
        today,
    )
    .await?;
    // Projects at the other stages: one just applied for, one past its
    // mid-term review, one concluded.
    let leader = teacher_id(store, "GF0003").await?;
    let director = teacher_id(store, "GF0002").await?;
    let colleague = teacher_id(store, "GF0006").await?;
    // (title, level, number, host, [(stage, days ago, note)])
    type Stages<'a> = [(&'a str, &'a str, &'a str, i64, &'a [(&'a str, u64, &'a str)]); 3];
    let stages: Stages = [
        ("小学低年级整本书共读的策略研究", "county", "", leader, &[]),
        (
            "基于学习任务群的小学语文单元教学设计研究",
            "county",
            "GQ2024-031",
            colleague,
            &[
                ("approved", 520, "区教研室立项"),
                ("mid_term", 200, "中期检查合格"),
            ],
        ),
        (
            "农村小学青年教师校本研修模式研究",
            "municipal",
            "SJ2023-057",
            director,
            &[
                ("approved", 900, "市教科院立项"),
                ("mid_term", 600, "中期检查良好"),
                ("concluded", 120, "结题，鉴定等级：优秀"),
            ],
        ),
    ];
    for (title, level, number, host, steps) in stages {
        let started = steps.first().map_or(20, |(_, d, _)| d + 40);
        let p = crate::projects::create(
            store,
            scope,
            &crate::projects::ProjectInput {
                title: title.into(),
                level: level.into(),
                number: number.into(),
                text: String::new(),
                applied_on: (today - chrono::Days::new(started)).to_string(),
                host_teacher_id: host,
                // The demo accounts that teach are on every project, so
                // each opens it from their portfolio.
                members: [teacher, mentor, leader]
                    .into_iter()
                    .filter(|m| *m != host)
                    .collect(),
            },
            today,
        )
        .await?;
        for (stage, ago, note) in steps {
            crate::projects::advance(
                store,
                scope,
                p.id,
                stage,
                &(today - chrono::Days::new(*ago)).to_string(),
                note,
                today,
            )
            .await?;
        }
        // The director has checked the stages of the older projects; the
        // newer ones wait for it.
        if steps.len() >= 2 {
            crate::projects::set_status(
                store,
                scope,
                p.id,
                lingyan_domain::EvidenceStatus::Verified,
                "",
                today,
            )
            .await?;
        }
    }
    Ok(())
}

/// Duty sets as the seeds give them, from the start of the 2025–2026 school
/// year (carried forward into the next): seed 000's backbone duties and
/// seed 002's 八个一 for the primary school; the backbone 五个一, 六个一 for
/// young teachers and 四个一 for mature ones of seed 002 篇1 (each with its observation quota) for the kindergarten.
async fn duty_sets(
    store: &Store,
    scope: &Scope,
    district_id: i64,
    primary: i64,
    kindergarten: i64,
) -> Result<()> {
    let from = chrono::NaiveDate::from_ymd_opt(2025, 9, 1);
    for (school, presets) in [
        (primary, &["backbone-duties", "all-eight-ones"][..]),
        (
            kindergarten,
            &["backbone-five-ones-plan", "young-six-ones", "mature-four-ones"][..],
        ),
    ] {
        for preset in presets {
            crate::duties::adopt(store, scope, district_id, Some(school), 2025, preset, from).await?;
        }
    }
    Ok(())
}

/// What a teacher records once a term (kind, subtype, title, level,
/// whether only backbone teachers do it).
type TermItem = (
    lingyan_domain::EvidenceKind,
    &'static str,
    &'static str,
    &'static str,
    bool,
);

const PRIMARY_TERM: &[TermItem] = &[
    (
        lingyan_domain::EvidenceKind::Writing,
        "case_study",
        "《乘法分配律》教学案例",
        "",
        false,
    ),
    (
        lingyan_domain::EvidenceKind::Class,
        "research",
        "“大单元”主题研讨课《观潮》",
        "school",
        false,
    ),
    (
        lingyan_domain::EvidenceKind::Writing,
        "test_paper",
        "三年级数学期中质量监测卷",
        "",
        false,
    ),
    (
        lingyan_domain::EvidenceKind::Plan,
        "goal",
        "本学期自我发展目标",
        "",
        false,
    ),
    (
        lingyan_domain::EvidenceKind::Reading,
        "",
        "《课堂观察：走向专业的听评课》读书心得",
        "",
        false,
    ),
    (
        lingyan_domain::EvidenceKind::Class,
        "open",
        "《认识钟表》公开课",
        "county",
        false,
    ),
    (
        lingyan_domain::EvidenceKind::StudyVisit,
        "",
        "南京市琅琊路小学跟岗学习",
        "",
        true,
    ),
    (
        lingyan_domain::EvidenceKind::Article,
        "",
        "小学数学“说理课堂”的实践与思考",
        "municipal",
        true,
    ),
];

const KINDERGARTEN_TERM: &[TermItem] = &[
    (
        lingyan_domain::EvidenceKind::Plan,
        "semester",
        "个人学期发展计划",
        "",
        false,
    ),
    (
        lingyan_domain::EvidenceKind::Reading,
        "",
        "《3—6岁儿童学习与发展指南》读书笔记",
        "",
        false,
    ),
    (
        lingyan_domain::EvidenceKind::Class,
        "open",
        "中班科学活动《沉与浮》",
        "school",
        false,
    ),
    (
        lingyan_domain::EvidenceKind::Lecture,
        "",
        "小班新生家长会：入园适应",
        "school",
        false,
    ),
    (
        lingyan_domain::EvidenceKind::Writing,
        "notes",
        "区域活动中的观察与支持（教育笔记）",
        "",
        false,
    ),
    (
        lingyan_domain::EvidenceKind::Training,
        "",
        "幼儿园教师弹唱基本功培训",
        "county",
        false,
    ),
    (
        lingyan_domain::EvidenceKind::Class,
        "demonstration",
        "大班语言活动《小熊请客》示范课",
        "school",
        false,
    ),
    (
        lingyan_domain::EvidenceKind::Writing,
        "experience",
        "小班幼儿入园焦虑的缓解策略",
        "",
        false,
    ),
    (
        lingyan_domain::EvidenceKind::Lecture,
        "",
        "园本教研讲座：游戏中的深度学习",
        "school",
        false,
    ),
];

/// This term's records for every teacher of a school, so the duties
/// matrix shows every status: most teachers observe a lesson every week,
/// write a reading note every fortnight and hand in their term's pieces;
/// some miss weeks, some started late, a few have recorded nearly nothing.
/// This week's records (and a late starter's recent ones) wait for
/// verification; the rest are verified. Written in bulk, in one
/// transaction.
async fn term_records(
    store: &Store,
    scope: &Scope,
    school_id: i64,
    term: &[TermItem],
    today: chrono::NaiveDate,
) -> Result<()> {
    use chrono::Datelike;
    use lingyan_domain::{EvidenceInput, EvidenceKind};
    use rand::{RngExt, SeedableRng};
    // The demo calendar's semester starts; the term is the latest begun.
    let term_start = ["2025-09-01", "2026-02-24", "2026-09-01", "2027-02-22"]
        .iter()
        .filter_map(|d| d.parse::<chrono::NaiveDate>().ok())
        .filter(|d| *d <= today)
        .max()
        .unwrap_or(today);
    let staff = crate::teachers::list(
        store,
        scope,
        &crate::teachers::TeacherFilter {
            school_id: Some(school_id),
            sort: crate::teachers::SortBy::StaffNo,
            ..Default::default()
        },
        lingyan_domain::PageRequest::new(Some(1), Some(500)),
        today,
    )
    .await?
    .items;
    let mut rng = rand::rngs::StdRng::seed_from_u64(school_id as u64 * 7919);
    let weeks = (today - term_start).num_days().max(0) / 7;
    let kindergarten = std::ptr::eq(term, KINDERGARTEN_TERM);
    let subjects = ["语文", "数学", "英语", "科学", "学前教育"];
    let district_id = staff.first().map_or(0, |t| t.district_id);
    let calendar = crate::calendar::load(store.conn(), district_id, Some(school_id)).await?;
    let now = chrono::Utc::now();
    let (mut rows, mut owners) = (Vec::new(), Vec::new());
    for (i, t) in staff.iter().enumerate() {
        // Diligence: 6 in 10 keep up, 2 miss weeks, 1 started late, 1 barely records.
        let (keep, from_week) = match i % 10 {
            0..=5 => (0.97, 0),
            6 | 7 => (0.7, 0),
            8 => (0.95, (weeks - 5).max(0)),
            _ => (0.1, 0),
        };
        let mut records: Vec<(chrono::NaiveDate, EvidenceInput)> = Vec::new();
        let detail = |pairs: &[(&str, &str)]| -> std::collections::BTreeMap<String, String> {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        for w in from_week..=weeks {
            let monday = term_start + chrono::Days::new((w * 7) as u64);
            let day = monday + chrono::Days::new(rng.random_range(0..5));
            if day > today {
                break;
            }
            if rng.random_bool(keep) {
                let subject = t.fields.subjects.first().map_or(subjects[i % 5], |s| s.as_str());
                records.push((
                    day,
                    EvidenceInput {
                        kind: EvidenceKind::Observation,
                        date: day.to_string(),
                        title: if kindergarten {
                            format!(
                                "{}观察（第{}周）",
                                ["集体教学活动", "区域游戏", "户外活动"][w as usize % 3],
                                w + 1
                            )
                        } else {
                            format!("{subject}课堂观察（第{}周）", w + 1)
                        },
                        level: String::new(),
                        text: String::new(),
                        details: detail(&[("subject", subject)]),
                    },
                ));
            }
            if w % 2 == 1 && rng.random_bool(keep) {
                records.push((
                    day,
                    EvidenceInput {
                        kind: EvidenceKind::Reading,
                        date: day.to_string(),
                        title: [
                            "《给教师的建议》",
                            "《教育的情调》",
                            "《静悄悄的革命》",
                            "《学习之道》",
                        ][(w as usize / 2) % 4]
                            .to_string(),
                        level: String::new(),
                        text: String::new(),
                        details: Default::default(),
                    },
                ));
            }
        }
        for (kind, subtype, title, level, backbone_only) in term {
            if (*backbone_only && t.backbone_level.is_none()) || !rng.random_bool(keep * 0.6) || weeks == 0 {
                continue;
            }
            let day =
                term_start + chrono::Days::new(rng.random_range((from_week * 7).max(0)..=(weeks * 7)) as u64);
            let mut pairs: Vec<(&str, &str)> = Vec::new();
            match kind {
                EvidenceKind::Writing => pairs.push(("writing_type", subtype)),
                EvidenceKind::Class => pairs.push(("class_type", subtype)),
                EvidenceKind::Plan => pairs.push(("plan_type", subtype)),
                EvidenceKind::Training => pairs.extend([
                    ("organiser", "区教师发展中心"),
                    ("mode", "centralized"),
                    ("hours", "6"),
                ]),
                EvidenceKind::Lecture => pairs.push(("audience", "家长及全园教师")),
                EvidenceKind::StudyVisit => pairs.extend([
                    ("destination", "南京"),
                    ("days", if keep > 0.9 { "2" } else { "1" }),
                ]),
                EvidenceKind::Article => pairs.extend([
                    ("venue", "小学数学教师"),
                    ("publication", "published"),
                    ("award_level", "county"),
                    ("award_grade", "二等奖"),
                ]),
                _ => {}
            }
            records.push((
                day.min(today),
                EvidenceInput {
                    kind: *kind,
                    date: day.min(today).to_string(),
                    title: title.to_string(),
                    level: level.to_string(),
                    text: String::new(),
                    details: detail(&pairs),
                },
            ));
        }
        for (day, input) in records {
            let draft = input
                .parse()
                .map_err(|e| crate::Error::Internal(format!("demo record {}: {e:?}", input.title)))?;
            // This week's records wait, and a late starter's recent ones.
            let this_week = day >= term_start + chrono::Days::new((weeks * 7) as u64);
            let status = if this_week || (from_week > 0 && (today - day).num_days() <= 10) {
                lingyan_domain::EvidenceStatus::Recorded
            } else {
                lingyan_domain::EvidenceStatus::Verified
            };
            let details = serde_json::to_string(&draft.details).unwrap_or_default();
            rows.push(crate::generate::record_row(
                t.district_id,
                school_id,
                t.id,
                &draft,
                day,
                calendar.semester_of(day),
                status,
                draft.level.map(|l| l.code().to_string()),
                &details,
                demo_time(day, 1 + u64::from(day.day0() % 3), 2, now),
            ));
            owners.push((t.id, school_id));
        }
    }
    let txn = store.begin().await?;
    crate::generate::insert_records(&txn, district_id, rows, &owners).await?;
    txn.commit().await?;
    Ok(())
}

/// When the demo says something happened about a record of `day`: `days`
/// later at `hour` UTC (`hour` + 8 in China), never after `now`.
fn demo_time(
    day: chrono::NaiveDate,
    days: u64,
    hour: u32,
    now: chrono::DateTime<chrono::Utc>,
) -> chrono::DateTime<chrono::Utc> {
    (day + chrono::Days::new(days))
        .and_hms_opt(hour, 0, 0)
        .map_or(now, |t| t.and_utc())
        .min(now)
}

/// Each record's history as a school would have lived it, in place of the
/// loader's own steps: entered by its owner the evening it happened,
/// verified or returned by the school's training director a few days
/// later, each under the person's name.
async fn history(store: &Store) -> Result<()> {
    use crate::entity::{evidence, evidence_event, teacher, user};
    use sea_orm::sea_query::Expr;
    use sea_orm::{
        ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QuerySelect, Set,
    };
    use std::collections::{HashMap, HashSet};
    let now = chrono::Utc::now();
    let txn = store.begin().await?;
    // Records made one by one (the portfolio samples) carry the load's
    // times; the term's bulk records already carry their own.
    let stepped: HashSet<i64> = evidence_event::Entity::find()
        .select_only()
        .column(evidence_event::Column::EvidenceId)
        .into_tuple::<i64>()
        .all(&txn)
        .await?
        .into_iter()
        .collect();
    evidence_event::Entity::delete_many().exec(&txn).await?;
    let people: HashMap<i64, (String, Option<i64>)> = teacher::Entity::find()
        .all(&txn)
        .await?
        .into_iter()
        .map(|t| (t.id, (t.name, t.user_id)))
        .collect();
    let directors: HashMap<i64, (i64, String)> = user::Entity::find()
        .filter(user::Column::Username.is_in(["director", "kgdirector"]))
        .all(&txn)
        .await?
        .into_iter()
        .filter_map(|u| Some((u.school_id?, (u.id, u.display_name))))
        .collect();
    for (school, (director, _)) in &directors {
        evidence::Entity::update_many()
            .col_expr(evidence::Column::StatusBy, Expr::value(*director))
            .filter(evidence::Column::SchoolId.eq(*school))
            .filter(evidence::Column::Status.ne(lingyan_domain::EvidenceStatus::Recorded.code()))
            .exec(&txn)
            .await?;
    }
    for (teacher_id, (_, account)) in &people {
        if let Some(account) = account {
            evidence::Entity::update_many()
                .col_expr(evidence::Column::CreatedBy, Expr::value(*account))
                .filter(evidence::Column::OwnerTeacherId.eq(*teacher_id))
                .exec(&txn)
                .await?;
        }
    }
    let mut rows = Vec::new();
    let event =
        |m: &evidence::Model, action: &str, reason: Option<String>, by: Option<i64>, name: &str, at| {
            vec![
                sea_orm::Value::from(m.district_id),
                sea_orm::Value::from(m.school_id),
                sea_orm::Value::from(m.id),
                sea_orm::Value::from(action.to_string()),
                sea_orm::Value::from(reason),
                sea_orm::Value::from(by),
                sea_orm::Value::from(name.to_string()),
                sea_orm::Value::from(at),
            ]
        };
    for m in evidence::Entity::find().all(&txn).await? {
        let Some((name, account)) = people.get(&m.owner_teacher_id) else {
            continue;
        };
        let entered = demo_time(m.occurred_on, 0, 12, now);
        rows.push(event(&m, "recorded", None, *account, name, entered));
        let checked = match directors.get(&m.school_id) {
            Some((director, director_name))
                if m.status != lingyan_domain::EvidenceStatus::Recorded.code() =>
            {
                let at = match m.status_at {
                    Some(at) if !stepped.contains(&m.id) => at,
                    _ => demo_time(m.occurred_on, 1 + (m.id % 4) as u64, 2, now),
                }
                .max(entered);
                rows.push(event(
                    &m,
                    &m.status,
                    m.status_reason.clone(),
                    Some(*director),
                    director_name,
                    at,
                ));
                Some(at)
            }
            _ => None,
        };
        if stepped.contains(&m.id) {
            let mut am = m.into_active_model();
            am.created_at = Set(entered);
            am.updated_at = Set(checked.unwrap_or(entered));
            am.status_at = Set(checked);
            am.update(&txn).await?;
        }
    }
    crate::bulk::insert(
        &txn,
        "evidence_events",
        &[
            "district_id",
            "school_id",
            "evidence_id",
            "action",
            "reason",
            "by_user_id",
            "by_name",
            "at",
        ],
        rows,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
