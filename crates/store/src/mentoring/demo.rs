//! The demo's mentoring, so every page shows work: the mentor account's
//! "one-two-two" pair with the demo teacher and a colleague, in its second
//! year of a new teacher's three; pairs proposed for next semester's
//! ceremony (seed 002 篇1 holds it at the start of the spring term), one
//! agreed and waiting to begin, one concluded last
//! year, one dissolved with its reason, one within the kindergarten and
//! one across schools (名优教师跨校带徒). Mentors are the most experienced
//! teachers, apprentices the youngest; teachers the tests pair themselves
//! are left free.

use super::pairs;
use crate::entity::teacher;
use crate::{Result, Scope, Store};
use chrono::{Days, Months, NaiveDate};
use lingyan_domain::mentoring::{PairAction, PairInput, PairKind};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

const MENTOR_GOALS: &str = "每学期听徒弟课不少于10节并逐节点评；每学期上示范课2节；指导徒弟完成一次“骨干教师上公开课→青年教师上公开课→点评→反思→修改教案→汇报课”双向循环；指导徒弟撰写教学反思和一篇教学论文。";
const APPRENTICE_GOALS: &str = "每学期听师傅课不少于15节并写听课记录；每学期上汇报课1节；三年内能独立承担区级公开课；坚持写教学反思，每学期至少一篇较高质量的教学论文或案例。";

fn pair(
    mentor: i64,
    apprentices: &[i64],
    starts_on: NaiveDate,
    months: u32,
    ceremony: NaiveDate,
) -> PairInput {
    PairInput {
        mentor_teacher_id: mentor,
        apprentice_teacher_ids: apprentices.to_vec(),
        kind: if apprentices.len() > 1 {
            PairKind::OneTwoTwo
        } else {
            PairKind::OneOnOne
        },
        subject: String::new(),
        starts_on,
        ends_on: starts_on + Months::new(months) - Days::new(1),
        ceremony_on: Some(ceremony),
        mentor_goals: MENTOR_GOALS.into(),
        apprentice_goals: APPRENTICE_GOALS.into(),
        under_way: false,
    }
}

/// The mentor account's pair, made with the portfolio's records.
pub(crate) async fn pairs(
    store: &Store,
    scope: &Scope,
    today: NaiveDate,
    mentor: i64,
    apprentices: [i64; 2],
) -> Result<()> {
    let starts_on = today - Days::new(400);
    let mut input = pair(mentor, &apprentices, starts_on, 36, starts_on + Days::new(7));
    input.under_way = true;
    let id = pairs::create(store, scope, &input).await?;
    log(store, id, mentor, apprentices[0], today).await?;
    cycles(store, scope, id, apprentices, today).await?;
    // The mentor's mid-term summary is in; the apprentices' are not yet.
    reviews(store, id, &[(mentor, MENTOR_SUMMARY)], None).await
}

const MENTOR_SUMMARY: &str = "本学期两位徒弟各上公开课一节、汇报课一节，张晓雨完成了《圆的认识》一轮双向互动，课堂节奏和提问设计进步明显；梁莉萍的《秋天的雨》一轮正在进行。下学期重点指导两人撰写教学论文，并准备区级公开课。";
const APPRENTICE_SUMMARY: &str = "一年来听师傅课四十余节，完成双向互动两轮，汇报课获校级一等奖；学会了从学生的问题出发设计教学，反思习惯已经养成。不足是论文写作尚待提高。";

/// Summaries written by `authors` (teacher, text) for the period, and a
/// leader's evaluation when `grade` is given (scores, grade), as final.
async fn reviews(
    store: &Store,
    pair: i64,
    authors: &[(i64, &str)],
    evaluation: Option<([u32; 5], &str)>,
) -> Result<()> {
    use crate::entity::{
        mentoring_evaluation as evaluation_row, mentoring_summary as summary_row, mentorship,
    };
    use lingyan_domain::mentoring::review::DIMENSIONS;
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    let Some(p) = mentorship::Entity::find_by_id(pair).one(store.conn()).await? else {
        return Ok(());
    };
    let now = chrono::Utc::now();
    let period = if evaluation.is_some() { "final" } else { "mid_term" };
    for (teacher, text) in authors {
        summary_row::ActiveModel {
            district_id: Set(p.district_id),
            school_id: Set(p.school_id),
            mentorship_id: Set(pair),
            period: Set(period.into()),
            teacher_id: Set(*teacher),
            body: Set((*text).into()),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(store.conn())
        .await?;
    }
    if let Some((scores, grade)) = evaluation {
        // Evaluated by the school's training director (the demo account).
        let director = crate::entity::user::Entity::find()
            .filter(crate::entity::user::Column::Username.eq("director"))
            .one(store.conn())
            .await?;
        let map: std::collections::BTreeMap<&str, u32> = DIMENSIONS.iter().copied().zip(scores).collect();
        evaluation_row::ActiveModel {
            district_id: Set(p.district_id),
            school_id: Set(p.school_id),
            mentorship_id: Set(pair),
            period: Set(period.into()),
            scores: Set(serde_json::to_string(&map).unwrap_or_default()),
            total: Set(scores.iter().sum::<u32>() as i32),
            grade: Set(grade.into()),
            comment: Set("师徒配合默契，目标全部达成，徒弟已能独立承担校级公开课。".into()),
            evaluated_by: Set(director.as_ref().map(|u| u.id)),
            evaluator_name: Set(director.map(|u| u.display_name).unwrap_or_default()),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(store.conn())
        .await?;
    }
    Ok(())
}

/// The demo pair's two-way cycles: the demo teacher's finished one on
/// 《圆的认识》 and a new one waiting for her class; her colleague's waiting
/// for the mentor's comments.
async fn cycles(
    store: &Store,
    scope: &Scope,
    pair: i64,
    apprentices: [i64; 2],
    today: NaiveDate,
) -> Result<()> {
    use super::cycles::{self, StageRecord};
    use lingyan_domain::mentoring::cycle::{CycleInput, CycleStage};
    // (apprentice, lesson, started days ago, each stage's days ago and title)
    type Plan = (usize, &'static str, u64, &'static [(u64, &'static str)]);
    const PLANS: &[Plan] = &[
        (
            0,
            "《圆的认识》",
            95,
            &[
                (90, "示范课《圆的认识》"),
                (82, "公开课《圆的认识》"),
                (82, "听评课：徒弟《圆的认识》"),
                (78, "《圆的认识》教学反思"),
                (74, "《圆的认识》教案（修改稿）"),
                (61, "汇报课《圆的认识》"),
            ],
        ),
        (
            1,
            "《秋天的雨》",
            40,
            &[(36, "示范课《秋天的雨》"), (27, "公开课《秋天的雨》")],
        ),
        (0, "《分数的初步认识》", 20, &[(15, "示范课《分数的初步认识》")]),
    ];
    for (who, lesson, started, stages) in PLANS {
        let id = cycles::create(
            store,
            scope,
            pair,
            &CycleInput {
                title: (*lesson).into(),
                apprentice_teacher_id: Some(apprentices[*who]),
                started_on: today - Days::new(*started),
            },
        )
        .await?;
        for (stage, (ago, title)) in CycleStage::ALL.iter().zip(stages.iter()) {
            let text = match stage {
                CycleStage::Review => {
                    "目标达成度较好；导入可再精简，朗读与思维训练结合得不够，建议把小组活动的要求讲清楚。"
                }
                CycleStage::Reflection => {
                    "本课小组合作流于形式，师傅指出要求不明确；下次先示范再放手，并预留全班交流时间。"
                }
                _ => "",
            };
            cycles::record(
                store,
                scope,
                id,
                *stage,
                &StageRecord {
                    date: (today - Days::new(*ago)).to_string(),
                    title: (*title).into(),
                    level: "school".into(),
                    text: text.into(),
                },
            )
            .await?;
        }
    }
    Ok(())
}

/// The demo pair's log: a meeting every few weeks this term, the mentor's
/// notes on the apprentice's lessons private, the rest shared.
async fn log(store: &Store, pair: i64, mentor: i64, apprentice: i64, today: NaiveDate) -> Result<()> {
    use crate::entity::{mentoring_meeting as meeting, mentorship};
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    let Some(p) = mentorship::Entity::find_by_id(pair).one(store.conn()).await? else {
        return Ok(());
    };
    // (days ago, minutes, topic, notes, private, written by the apprentice)
    const MEETINGS: &[(u64, i32, &str, &str, bool, bool)] = &[
        (
            80,
            60,
            "制订本学期师徒结对计划",
            "商定本学期听课安排：师傅每周听徒弟课一节，徒弟每周听师傅课两节；确定双向循环的课题为《圆的认识》。",
            false,
            false,
        ),
        (
            66,
            45,
            "评课：徒弟公开课《秋天的雨》第一课时",
            "导入环节用时过长，朗读指导不够具体；下次请先写好板书设计再上课。",
            true,
            false,
        ),
        (
            52,
            40,
            "听师傅示范课后的交流",
            "我记下了师傅提问的梯度设计，准备在下次汇报课上试用。",
            false,
            true,
        ),
        (
            38,
            50,
            "作业设计与分层布置",
            "一起梳理了单元作业，按基础、提高、拓展三层设计；徒弟负责整理成文。",
            false,
            false,
        ),
        (
            24,
            45,
            "评课：徒弟汇报课《静悄悄的革命》读书交流",
            "课堂节奏明显改进，学生发言面广；仍需关注后进生的参与。对其下学期承担区级公开课有信心。",
            true,
            false,
        ),
        (
            10,
            30,
            "期中反思交流",
            "两位徒弟分别汇报了本学期的成长与不足，商定期末小结的写法。",
            false,
            false,
        ),
    ];
    for (ago, minutes, topic, notes, private, by_apprentice) in MEETINGS {
        let met_on = today - Days::new(*ago);
        if met_on < p.starts_on {
            continue;
        }
        meeting::ActiveModel {
            district_id: Set(p.district_id),
            school_id: Set(p.school_id),
            mentorship_id: Set(p.id),
            met_on: Set(met_on),
            minutes: Set(*minutes),
            topic: Set((*topic).into()),
            notes: Set((*notes).into()),
            private: Set(*private),
            created_by: Set(None),
            created_by_teacher: Set(Some(if *by_apprentice { apprentice } else { mentor })),
            created_at: Set(chrono::Utc::now()),
            ..Default::default()
        }
        .insert(store.conn())
        .await?;
    }
    Ok(())
}

/// A running pair's meetings this semester and a cycle begun (the
/// mentor's class given; for every other pair the apprentice's too).
async fn running_activity(
    store: &Store,
    scope: &Scope,
    pair: i64,
    apprentice: i64,
    n: usize,
    from: NaiveDate,
    today: NaiveDate,
) -> Result<()> {
    use super::cycles::{self, StageRecord};
    // Whatever day the demo is made on, everything falls in the term.
    if from >= today {
        return Ok(());
    }
    use super::log;
    use lingyan_domain::mentoring::MeetingInput;
    use lingyan_domain::mentoring::cycle::{CycleInput, CycleStage};
    const TOPICS: &[(u64, u32, &str)] = &[
        (70, 45, "制订本学期结对计划"),
        (42, 40, "听徒弟常态课后交流"),
        (18, 30, "单元作业设计研讨"),
    ];
    for (ago, minutes, topic) in TOPICS.iter().skip(n % 2) {
        if today - Days::new(*ago + n as u64) < from {
            continue;
        }
        log::add(
            store,
            scope,
            pair,
            &MeetingInput {
                met_on: today - Days::new(*ago + n as u64),
                minutes: *minutes,
                topic: (*topic).into(),
                notes: String::new(),
                private: false,
            },
        )
        .await?;
    }
    const LESSONS: &[&str] = &[
        "《认识钟表》",
        "《小蝌蚪找妈妈》",
        "《找规律》",
        "《坐井观天》",
        "《比尾巴》",
    ];
    let lesson = LESSONS[n % LESSONS.len()];
    let started = (today - Days::new(30 + n as u64)).max(from);
    let id = cycles::create(
        store,
        scope,
        pair,
        &CycleInput {
            title: lesson.into(),
            apprentice_teacher_id: Some(apprentice),
            started_on: started,
        },
    )
    .await?;
    let stages: &[(CycleStage, u64)] = if n.is_multiple_of(2) {
        &[(CycleStage::MentorClass, 5), (CycleStage::ApprenticeClass, 12)]
    } else {
        &[(CycleStage::MentorClass, 5)]
    };
    for (stage, after) in stages {
        if started + Days::new(*after) > today {
            break;
        }
        cycles::record(
            store,
            scope,
            id,
            *stage,
            &StageRecord {
                date: (started + Days::new(*after)).to_string(),
                title: format!(
                    "{}{lesson}",
                    if stage.by_mentor() {
                        "示范课"
                    } else {
                        "公开课"
                    }
                ),
                level: "school".into(),
                text: String::new(),
            },
        )
        .await?;
    }
    Ok(())
}

/// Staff numbers the tests pair themselves (left free here).
const LEFT_FREE: &[&str] = &[
    "GF0001", "GF0002", "GF0003", "GF0004", "GF0005", "GF0008", "GF0009", "GF0014", "GF0030", "GF0040",
    "GF0041", "GF0042", "GF0043", "GF0044", "GF0045", "GF0046", "GF0047", "GF0048", "GF0060", "GF0061",
    "GF0073", "GF0082",
];

/// A school's teachers free for the demo: (the most experienced first,
/// those under 35 youngest first), each with their first subject.
async fn staff(
    store: &Store,
    school_id: i64,
    skip_first: usize,
    today: NaiveDate,
) -> Result<(Vec<Staff>, Vec<Staff>)> {
    let all = teacher::Entity::find()
        .filter(teacher::Column::SchoolId.eq(school_id))
        .filter(teacher::Column::Active.eq(true))
        .order_by_asc(teacher::Column::StaffNo)
        .all(store.conn())
        .await?;
    let free: Vec<&teacher::Model> = all
        .iter()
        .skip(skip_first)
        .filter(|t| !LEFT_FREE.contains(&t.staff_no.as_deref().unwrap_or("")))
        .filter(|t| t.birth_date.is_some() && t.work_start.is_some())
        .collect();
    let staff = |t: &&teacher::Model| Staff {
        id: t.id,
        subject: serde_json::from_str::<Vec<String>>(&t.subjects)
            .ok()
            .and_then(|v| v.into_iter().next())
            .unwrap_or_default(),
    };
    let mut senior = free.clone();
    senior.sort_by_key(|t| (t.work_start, t.id));
    // Young: under 35.
    let born_after = today - Months::new(35 * 12);
    let mut young: Vec<&teacher::Model> = free
        .into_iter()
        .filter(|t| t.birth_date.is_some_and(|b| b > born_after))
        .collect();
    young.sort_by_key(|t| (std::cmp::Reverse(t.birth_date), t.id));
    Ok((
        senior.iter().map(staff).collect(),
        young.iter().map(staff).collect(),
    ))
}

struct Staff {
    id: i64,
    subject: String,
}

/// Mentors (most experienced first) each with `n` of the youngest
/// teachers of their subject not yet taken; mentors without enough are
/// passed over.
fn matched(mentors: &[Staff], young: &[Staff], wanted: &[usize]) -> Vec<(i64, Vec<i64>)> {
    let mut taken: Vec<i64> = mentors.iter().take(12).map(|m| m.id).collect();
    let mut out = Vec::new();
    let mut want = wanted.iter();
    let Some(mut n) = want.next().copied() else {
        return out;
    };
    for m in mentors.iter().filter(|m| !m.subject.is_empty()) {
        let picks: Vec<i64> = young
            .iter()
            .filter(|y| y.subject == m.subject && !taken.contains(&y.id) && y.id != m.id)
            .take(n)
            .map(|y| y.id)
            .collect();
        if picks.len() < n {
            continue;
        }
        taken.extend(&picks);
        taken.push(m.id);
        out.push((m.id, picks));
        match want.next() {
            Some(next) => n = *next,
            None => break,
        }
    }
    out
}

/// The rest of the demo's pairs.
pub(crate) async fn more(
    store: &Store,
    scope: &Scope,
    district_id: i64,
    primary: i64,
    kindergarten: i64,
    today: NaiveDate,
) -> Result<()> {
    let cal = crate::calendar::load(store.conn(), district_id, Some(primary)).await?;
    let now = cal.semester_of(today);
    let (this_start, _) = cal.dates(now);
    let (next_start, _) = cal.dates(cal.next(now));
    let (mentors, young) = staff(store, primary, 0, today).await?;
    // Proposed (two), agreed, concluded, dissolved: mentors with
    // apprentices of their own subject.
    let m = matched(&mentors, &young, &[1, 2, 1, 1, 1, 1, 2, 1, 1, 2, 1, 1]);
    if m.len() < 5 {
        return Ok(());
    }
    let ceremony = next_start + Days::new(7);
    // Proposed for next semester's ceremony.
    pairs::create(store, scope, &pair(m[0].0, &m[0].1, next_start, 12, ceremony)).await?;
    pairs::create(store, scope, &pair(m[1].0, &m[1].1, next_start, 12, ceremony)).await?;
    // Agreed (signed before the winter break), starting next semester.
    let agreed = pairs::create(
        store,
        scope,
        &pair(m[2].0, &m[2].1, next_start, 6, next_start - Days::new(10)),
    )
    .await?;
    pairs::act(store, scope, agreed, PairAction::Agree, None, "").await?;
    // Concluded: a year that ended before this one.
    let last = this_start - Months::new(24);
    let mut done = pair(m[3].0, &m[3].1, last, 12, last + Days::new(7));
    done.under_way = true;
    let id = pairs::create(store, scope, &done).await?;
    pairs::act(store, scope, id, PairAction::Conclude, Some(done.ends_on), "").await?;
    // Summed up at the end by both, and evaluated.
    let closing = [
        (
            m[3].0,
            "一年来坚持每周听徒弟课并及时点评，指导其完成两轮双向互动和一篇教学案例。",
        ),
        (m[3].1[0], APPRENTICE_SUMMARY),
    ];
    reviews(store, id, &closing, Some(([19, 18, 18, 19, 19], "excellent"))).await?;
    // Dissolved: the apprentice moved away in the first semester.
    let mut gone = pair(m[4].0, &m[4].1, this_start, 12, this_start + Days::new(7));
    gone.under_way = true;
    let id = pairs::create(store, scope, &gone).await?;
    pairs::act(
        store,
        scope,
        id,
        PairAction::Dissolve,
        Some((this_start + Days::new(45)).min(today)),
        "徒弟调往外校任教，结对解除。",
    )
    .await?;
    // Running since the start of this semester (the school's programme for
    // its new teachers): meetings every few weeks, a first cycle begun;
    // the last pair has not met since it began (a quiet pair).
    for (i, (mentor, apprentices)) in m.iter().enumerate().skip(5) {
        let mut running = pair(*mentor, apprentices, this_start, 36, this_start + Days::new(7));
        running.under_way = true;
        let id = pairs::create(store, scope, &running).await?;
        if i + 1 < m.len() {
            running_activity(store, scope, id, apprentices[0], i, this_start, today).await?;
        }
    }
    // Within the kindergarten, and across schools: a primary master
    // teacher takes a young kindergarten teacher (the first ten of the
    // kindergarten's staff are left to the tests).
    let (kg_mentors, kg_young) = staff(store, kindergarten, 10, today).await?;
    if let Some((mentor, apprentices)) = matched(&kg_mentors, &kg_young, &[1]).into_iter().next() {
        let mut kg = pair(mentor, &apprentices, this_start, 12, this_start + Days::new(7));
        kg.under_way = true;
        pairs::create(store, scope, &kg).await?;
        let taken = apprentices[0];
        if let (Some(master), Some(y)) = (
            mentors
                .iter()
                .take(12)
                .find(|x| !x.subject.is_empty() && m.iter().all(|p| p.0 != x.id && !p.1.contains(&x.id))),
            kg_young.iter().find(|y| y.id != taken),
        ) {
            let mut cross = pair(master.id, &[y.id], this_start, 12, this_start + Days::new(7));
            cross.under_way = true;
            cross.subject = "幼儿园教育活动设计".into();
            pairs::create(store, scope, &cross).await?;
        }
    }
    weeks(store, scope, primary, today).await?;
    Ok(())
}

/// The school's mentoring weeks: one held three weeks ago (Monday to
/// Friday), collecting what the running pairs did, and the next one a
/// fortnight on.
async fn weeks(store: &Store, scope: &Scope, school_id: i64, today: NaiveDate) -> Result<()> {
    use chrono::Datelike;
    use lingyan_domain::mentoring::week::WeekInput;
    let monday = |d: NaiveDate| d - Days::new(u64::from(d.weekday().num_days_from_monday()));
    let held = monday(today - Days::new(24));
    super::weeks::create(
        store,
        scope,
        school_id,
        &WeekInput {
            title: "师徒活动周".into(),
            theme: "本周师徒互相听课不少于两节，师傅对徒弟的课逐节点评，徒弟写出教学反思；各对师徒至少开展一次结对活动并记入活动记录。".into(),
            starts_on: held,
            ends_on: held + Days::new(4),
        },
    )
    .await?;
    let next = monday(today + Days::new(14));
    super::weeks::create(
        store,
        scope,
        school_id,
        &WeekInput {
            title: "期末师徒活动周".into(),
            theme: "徒弟上汇报课，师徒共同完成期末小结。".into(),
            starts_on: next,
            ends_on: next + Days::new(4),
        },
    )
    .await?;
    Ok(())
}
