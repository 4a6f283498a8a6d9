//! Synthetic but plausible staff for the demo schools, as roster rows: the
//! primary school reproduces seed 000's status analysis (100 staff; 5
//! provincial, 9 municipal, 13 county and 13 school-level backbone teachers)
//! and the kindergarten seed 002's (86 staff, 47 on the establishment, 15
//! under 30, 56 front-line of whom 24 on the establishment and 32 on
//! contract — 18 teachers and 14 care staff — and 24 of 38 full-time
//! teachers trained in preschool education).

use chrono::{Datelike, Duration, NaiveDate};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

/// The roster's columns, in this order.
pub const HEADER: [&str; 18] = [
    "工号",
    "姓名",
    "性别",
    "出生日期",
    "参加工作时间",
    "学历",
    "所学专业",
    "专业对口",
    "编制",
    "岗位",
    "是否一线",
    "任教学科",
    "学段",
    "职称",
    "职务",
    "骨干级别",
    "荣誉称号",
    "获评年份",
];

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何",
    "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "肖", "田",
    "董", "袁", "潘", "蒋", "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁", "任", "沈", "姚", "卢",
    "姜", "崔", "钟", "谭", "陆", "汪", "范", "金", "石", "廖", "贾", "夏", "韦", "方", "白", "邹", "孟",
    "熊", "秦", "邱", "江", "尹", "薛", "段", "雷",
];
const GIVEN_F: &[&str] = &[
    "丽", "娟", "敏", "静", "燕", "艳", "芳", "霞", "婷", "雪", "慧", "莉", "倩", "琳", "颖", "洁", "红",
    "梅", "玲", "欣", "悦", "晶", "佳", "怡", "蕾", "萍", "琴", "瑶", "晓", "雨", "菲", "璐", "楠", "蓉",
    "岚", "云",
];
const GIVEN_M: &[&str] = &[
    "伟", "强", "磊", "军", "勇", "杰", "涛", "明", "超", "刚", "平", "辉", "鹏", "华", "飞", "斌", "宇",
    "浩", "凯", "健", "俊", "帆", "峰", "亮", "林", "波", "晨", "阳", "东", "文", "博", "志", "建", "国",
    "海", "成",
];

/// One staff member before writing out.
#[derive(Clone)]
pub struct Person {
    pub name: String,
    pub female: bool,
    pub age: i32,
    pub education: &'static str,
    pub major: String,
    pub major_matches: bool,
    pub employment: &'static str,
    pub post: &'static str,
    pub front_line: bool,
    pub subjects: Vec<&'static str>,
    pub section: &'static str,
    pub title: &'static str,
    pub posts: Vec<&'static str>,
    pub backbone: Option<&'static str>,
    pub honours: Vec<&'static str>,
    pub honour_year: Option<i32>,
}

fn name(rng: &mut StdRng, female: bool, used: &mut std::collections::HashSet<String>) -> String {
    loop {
        let s = SURNAMES[rng.random_range(0..SURNAMES.len())];
        let pool = if female { GIVEN_F } else { GIVEN_M };
        let g1 = pool[rng.random_range(0..pool.len())];
        let n = if rng.random_bool(0.7) {
            let g2 = pool[rng.random_range(0..pool.len())];
            format!("{s}{g1}{g2}")
        } else {
            format!("{s}{g1}")
        };
        if used.insert(n.clone()) {
            return n;
        }
    }
}

/// A birth date that makes someone `age` on `today`, mid-way through the
/// year so the age holds for months around it.
fn birth(today: NaiveDate, age: i32, rng: &mut StdRng) -> NaiveDate {
    let base = today.with_year(today.year() - age).unwrap_or(today);
    base - Duration::days(rng.random_range(60..300))
}

fn title_for(age: i32, backbone: bool) -> &'static str {
    match (age, backbone) {
        (a, true) if a >= 45 => "高级教师",
        (a, _) if a >= 50 => "高级教师",
        (a, _) if a >= 33 => "一级教师",
        (a, _) if a >= 25 => "二级教师",
        _ => "未定级",
    }
}

/// Rows for a roster CSV.
pub fn rows(prefix: &str, people: &[Person], today: NaiveDate, seed: u64) -> Vec<Vec<String>> {
    let mut rng = StdRng::seed_from_u64(seed ^ 0x5eed);
    people
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let b = birth(today, p.age, &mut rng);
            let start_age = match p.education {
                "硕士" => 25,
                "本科" => 22,
                "大专" => 21,
                _ => 19,
            };
            let w = NaiveDate::from_ymd_opt(b.year() + start_age, 9, 1).unwrap_or(b);
            let w = if w > today { today - Duration::days(30) } else { w };
            vec![
                format!("{prefix}{:04}", i + 1),
                p.name.clone(),
                (if p.female { "女" } else { "男" }).into(),
                b.format("%Y-%m-%d").to_string(),
                w.format("%Y-%m-%d").to_string(),
                p.education.into(),
                p.major.clone(),
                (if p.major_matches { "是" } else { "否" }).into(),
                p.employment.into(),
                p.post.into(),
                (if p.front_line { "是" } else { "否" }).into(),
                p.subjects.join("、"),
                p.section.into(),
                p.title.into(),
                p.posts.join("、"),
                p.backbone.unwrap_or("").into(),
                p.honours.join("、"),
                p.honour_year.map(|y| y.to_string()).unwrap_or_default(),
            ]
        })
        .collect()
}

/// The primary school of seed 000. The first five are the demo accounts'
/// people: principal, training director, group leader, mentor, teacher.
pub fn primary_school(today: NaiveDate, seed: u64) -> Vec<Person> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut used: std::collections::HashSet<String> = ["方胜利", "金朝飞", "王丽华", "李秀英", "张晓雨"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let subjects: &[&[&'static str]] = &[
        &["语文"],
        &["数学"],
        &["英语"],
        &["科学"],
        &["音乐"],
        &["体育"],
        &["美术"],
        &["道德与法治"],
        &["信息技术"],
        &["语文", "道德与法治"],
        &["数学", "科学"],
    ];
    let y = today.year();
    // Backbone titles for staff 0..=40 except the young teacher (4): 5
    // provincial, 9 municipal, 13 county, 13 school-level. The principal is
    // provincial, the director and the mentor municipal, the group leader
    // county-level; the rest follow in order.
    let fixed = [(0usize, "省级"), (1, "市级"), (2, "县级"), (3, "市级")];
    let mut rest: Vec<&'static str> = Vec::new();
    for (level, total) in [("省级", 5), ("市级", 9), ("县级", 13), ("校级", 13)] {
        let taken = fixed.iter().filter(|(_, l)| *l == level).count();
        rest.extend(std::iter::repeat_n(level, total - taken));
    }
    let mut rest = rest.into_iter();
    let mut people = Vec::with_capacity(100);
    for i in 0..100usize {
        let female = rng.random_bool(0.72);
        let (nm, female) = match i {
            0 => ("方胜利".to_string(), false),
            1 => ("金朝飞".to_string(), false),
            2 => ("王丽华".to_string(), true),
            3 => ("李秀英".to_string(), true),
            4 => ("张晓雨".to_string(), true),
            _ => (name(&mut rng, female, &mut used), female),
        };
        let backbone = match i {
            0..=3 => fixed.iter().find(|(k, _)| *k == i).map(|(_, l)| *l),
            5..=40 => rest.next(),
            _ => None,
        };
        let age = match i {
            0 => 52,
            1 => 46,
            2 => 41,
            3 => 44,
            4 => 26,
            _ if backbone.is_some() => rng.random_range(34..56),
            _ if i < 76 => rng.random_range(23..35),
            _ => rng.random_range(35..58),
        };
        // Eight administrators (the principal, the director, who also
        // teaches, and six backbone teachers in posts away from the class
        // room), six support staff, the rest full-time teachers: 33 of the
        // 40 backbone teachers teach, as in seed 000.
        let post = match i {
            0 | 1 | 35..=40 => "行政",
            94..=99 => "后勤",
            _ => "专任教师",
        };
        let front_line = post == "专任教师" || i == 1;
        let employment = if (80..=93).contains(&i) || i >= 97 {
            "临聘"
        } else {
            "在编在岗"
        };
        let education = match i % 10 {
            0 if age < 40 => "硕士",
            7 | 8 => "大专",
            9 if age > 50 => "中专",
            _ => "本科",
        };
        let subj = if post == "后勤" {
            Vec::new()
        } else {
            subjects[rng.random_range(0..subjects.len())].to_vec()
        };
        let matches = rng.random_bool(0.88);
        let major = match (subj.first(), matches) {
            (Some(&"语文"), true) => "汉语言文学",
            (Some(&"数学"), true) => "数学与应用数学",
            (Some(&"英语"), true) => "英语",
            (Some(&"音乐"), true) => "音乐学",
            (Some(&"体育"), true) => "体育教育",
            (Some(&"美术"), true) => "美术学",
            (Some(_), true) => "小学教育",
            (Some(_), false) => "会计学",
            (None, _) => "",
        };
        let mut posts = Vec::new();
        match i {
            0 => posts.push("校长"),
            1 => posts.push("教导主任"),
            2 => posts.push("语文教研组长"),
            3 => posts.push("数学教研组长"),
            _ if post == "专任教师" && rng.random_bool(0.35) => posts.push("班主任"),
            _ => {}
        }
        let mut honours = Vec::new();
        match i {
            0 => honours.push("市级学科带头人"),
            // Titles as rosters write them: a place or a level, a subject.
            3 => honours.push("广府区数学名师"),
            6 | 9 => honours.push("市级学科带头人"),
            50 => honours.push("区级语文教坛新秀"),
            55 | 60 => honours.push("县级教坛新秀"),
            12 | 20 => honours.push("校级师德标兵"),
            _ => {}
        }
        let honour_year = (backbone.is_some() || !honours.is_empty()).then(|| y - rng.random_range(1..6));
        people.push(Person {
            name: nm,
            female,
            age,
            education,
            major: major.to_string(),
            major_matches: matches && !subj.is_empty(),
            employment,
            post,
            front_line,
            subjects: subj,
            section: "小学部",
            title: title_for(age, backbone.is_some()),
            posts,
            backbone,
            honours,
            honour_year,
        });
    }
    people
}

/// The kindergarten of seed 002 篇1. The first is its training director.
pub fn kindergarten(today: NaiveDate, seed: u64) -> Vec<Person> {
    let mut rng = StdRng::seed_from_u64(seed.wrapping_add(1));
    let mut used: std::collections::HashSet<String> = ["赵静"].iter().map(|s| s.to_string()).collect();
    let y = today.year();
    // (post, employment, front line, count)
    let groups: [(&'static str, &'static str, bool, usize); 7] = [
        ("专任教师", "在编在岗", true, 20),
        ("专任教师", "临聘", true, 18),
        ("生活老师", "临聘", true, 14),
        ("保育员", "在编在岗", true, 4),
        ("行政", "在编在岗", false, 8),
        ("后勤", "在编在岗", false, 15),
        ("后勤", "临聘", false, 7),
    ];
    // 15 under 30: among the contract teachers (10) and care staff (5).
    let mut people = Vec::with_capacity(86);
    let mut preschool_majors = 0;
    for (post, employment, front_line, count) in groups {
        for k in 0..count {
            let idx = people.len();
            let young =
                (post == "专任教师" && employment == "临聘" && k < 10) || (post == "生活老师" && k < 5);
            let age = if young {
                rng.random_range(21..29)
            } else if idx == 0 {
                43
            } else {
                rng.random_range(31..56)
            };
            let full_time = post == "专任教师";
            // 24 of the 38 full-time teachers trained in preschool education.
            let matches = full_time && preschool_majors < 24 && (employment == "在编在岗" || k % 3 != 0);
            if matches {
                preschool_majors += 1;
            }
            let female = rng.random_bool(0.95);
            let nm = if idx == 0 {
                "赵静".to_string()
            } else {
                name(&mut rng, female, &mut used)
            };
            let backbone = match idx {
                1..=3 => Some("市级"),
                _ => None,
            };
            let honours = if idx == 4 {
                vec!["市级首席教师"]
            } else {
                Vec::new()
            };
            people.push(Person {
                name: nm,
                female: true,
                age,
                education: if full_time {
                    if age < 35 { "本科" } else { "大专" }
                } else {
                    "中专"
                },
                major: if matches {
                    "学前教育".into()
                } else if full_time {
                    "汉语言文学".into()
                } else {
                    String::new()
                },
                major_matches: matches,
                employment,
                post,
                front_line,
                subjects: if full_time {
                    vec!["学前教育"]
                } else {
                    Vec::new()
                },
                section: "幼儿部",
                title: if full_time {
                    title_for(age, backbone.is_some())
                } else {
                    ""
                },
                posts: if idx == 0 {
                    vec!["保教主任"]
                } else {
                    Vec::new()
                },
                backbone,
                honour_year: (backbone.is_some() || !honours.is_empty()).then(|| y - 2),
                honours,
            });
        }
    }
    people
}
