//! The demo's activities: what a primary school and its district run in a
//! term, with attendance and feedback at plausible rates, so every role's
//! activity pages show work.

use super::attendance::{local, sync};
use crate::entity::{activity, activity_feedback, activity_session, teacher};
use crate::{Result, Scope, Store};
use chrono::{Datelike, Duration, NaiveDate, NaiveTime, Utc};
use lingyan_domain::Level;
use lingyan_domain::activities::ActivityType;
use lingyan_domain::activities::attendance::Status;
use lingyan_domain::activities::plan::{ActivityPlan, Audience, SessionPlan};
use lingyan_domain::credits::{Amount, Area, Form};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

fn t(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap_or_default()
}

fn plan(
    title: &str,
    kind: ActivityType,
    level: Level,
    form: Form,
    sessions: Vec<SessionPlan>,
) -> ActivityPlan {
    ActivityPlan {
        title: title.into(),
        kind,
        level,
        area: None,
        form,
        organiser: String::new(),
        host: String::new(),
        description: String::new(),
        audience: Audience::Named,
        capacity: None,
        registration_opens: None,
        registration_closes: None,
        credits_per_session: None,
        marked_training: false,
        training_content: String::new(),
        sign_out: false,
        min_presence: None,
        feedback_required: false,
        grace: 15,
        sessions,
        repeat_weekly_until: None,
    }
}

fn at(date: NaiveDate, from: NaiveTime, to: NaiveTime, place: &str) -> SessionPlan {
    SessionPlan {
        date,
        start: from,
        end: to,
        place: place.into(),
    }
}

/// A status for the `i`-th teacher at the `n`-th session: most present,
/// some late, now and then on leave or absent.
fn status_of(i: usize, n: usize) -> Status {
    match (i * 7 + n * 3) % 20 {
        0 => Status::Absent,
        1 => Status::Leave,
        2 | 3 => Status::Late,
        _ => Status::Present,
    }
}

/// Loads the demo's activities of the primary school (`school_id`) and
/// the district, around `today`.
pub async fn load(store: &Store, scope: &Scope, district_id: i64, school_id: i64) -> Result<()> {
    let today = local(Utc::now()).date();
    let staff: Vec<teacher::Model> = teacher::Entity::find()
        .filter(teacher::Column::SchoolId.eq(school_id))
        .filter(teacher::Column::Active.eq(true))
        .order_by_asc(teacher::Column::StaffNo)
        .all(store.conn())
        .await?;
    let ids: Vec<i64> = staff.iter().map(|t| t.id).collect();
    let monday = today - Duration::days(i64::from(today.weekday().num_days_from_monday()));
    let tuesday = monday + Duration::days(1);

    // Every Tuesday's teaching research of the Chinese group: eight weeks
    // behind, four ahead.
    let mut p = plan(
        "语文组周二教研：大单元教学设计",
        ActivityType::TeachingResearch,
        Level::School,
        Form::SchoolBased,
        vec![at(tuesday - Duration::weeks(8), t(14, 0), t(16, 0), "三楼会议室")],
    );
    p.area = Some(Area::Method);
    p.host = "王丽华".into();
    p.repeat_weekly_until = Some(tuesday + Duration::weeks(4));
    p.description = "围绕统编教材单元整体教学，轮流说课、议课，形成单元教学设计。".into();
    let research = super::create(store, scope, district_id, Some(school_id), p).await?;
    let group: Vec<i64> = ids.iter().take(14).copied().collect();
    super::assign(store, scope, research.id, &group).await?;
    for (n, s) in research
        .sessions
        .iter()
        .enumerate()
        .filter(|(_, s)| s.date < today)
    {
        let marks: Vec<(i64, Option<Status>)> = group
            .iter()
            .enumerate()
            .map(|(i, id)| (*id, Some(status_of(i, n))))
            .collect();
        super::check_off(store, scope, s.id, &marks).await?;
    }

    // An expert lecture three weeks ago, for everyone, with feedback asked.
    let mut p = plan(
        "专家讲座：新课标背景下的作业设计",
        ActivityType::ExpertLecture,
        Level::School,
        Form::SchoolBased,
        vec![at(
            tuesday - Duration::weeks(3) + Duration::days(2),
            t(15, 30),
            t(17, 30),
            "学校报告厅",
        )],
    );
    p.audience = Audience::All;
    p.host = "市教研室 陈老师".into();
    p.area = Some(Area::Method);
    p.feedback_required = true;
    p.registration_closes = None;
    let lecture = super::create(store, scope, district_id, Some(school_id), p).await?;
    super::assign(store, scope, lecture.id, &ids).await?;
    let sid = lecture.sessions[0].id;
    let marks: Vec<(i64, Option<Status>)> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| (*id, Some(status_of(i, 1))))
        .collect();
    super::check_off(store, scope, sid, &marks).await?;
    let comments = [
        "案例贴近课堂，回去就能用。",
        "希望多一些分层作业的例子。",
        "",
        "讲得很实在，时间稍紧。",
        "",
    ];
    let a = activity::Entity::find_by_id(lecture.id).one(store.conn()).await?;
    let s = activity_session::Entity::find_by_id(sid)
        .one(store.conn())
        .await?;
    if let (Some(a), Some(s)) = (a, s) {
        for (i, id) in ids.iter().enumerate() {
            // Four in five of those present give feedback.
            if !status_of(i, 1).attended() || i % 5 == 4 {
                continue;
            }
            activity_feedback::ActiveModel {
                session_id: Set(sid),
                activity_id: Set(a.id),
                teacher_id: Set(*id),
                rating: Set(if i % 3 == 0 { 4 } else { 5 }),
                comment: Set(comments[i % comments.len()].into()),
                created_at: Set(Utc::now()),
                ..Default::default()
            }
            .insert(store.conn())
            .await?;
            sync(store.conn(), &a, &s, *id).await?;
        }
    }

    // A staff meeting last week: attended, and never training.
    let mut p = plan(
        "全体教师工作例会",
        ActivityType::StaffMeeting,
        Level::School,
        Form::Other,
        vec![at(
            monday - Duration::weeks(1),
            t(16, 30),
            t(17, 30),
            "学校报告厅",
        )],
    );
    p.audience = Audience::All;
    let meeting = super::create(store, scope, district_id, Some(school_id), p).await?;
    super::assign(store, scope, meeting.id, &ids).await?;
    let marks: Vec<(i64, Option<Status>)> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| (*id, Some(status_of(i, 2))))
        .collect();
    super::check_off(store, scope, meeting.sessions[0].id, &marks).await?;

    // Collective lesson preparation this Thursday, sign-out and a minimum
    // time asked, open to all to register.
    let mut p = plan(
        "数学组集体备课：分数的意义",
        ActivityType::LessonPrep,
        Level::School,
        Form::SchoolBased,
        vec![at(
            monday + Duration::days(3),
            t(14, 0),
            t(16, 0),
            "二楼数学教研室",
        )],
    );
    p.audience = Audience::All;
    p.sign_out = true;
    p.min_presence = Some(90);
    let prep = super::create(store, scope, district_id, Some(school_id), p).await?;
    super::assign(store, scope, prep.id, &ids[ids.len().saturating_sub(8)..]).await?;

    // The district's course next month: 40 places, some waiting.
    let first = (today + Duration::days(35))
        .with_day(10)
        .unwrap_or(today + Duration::days(35));
    let mut p = plan(
        "区级骨干教师专题研修：课堂观察与评价",
        ActivityType::Course,
        Level::County,
        Form::Centralized,
        vec![
            at(first, t(8, 30), t(11, 30), "区教师发展中心 201"),
            at(first, t(13, 30), t(16, 30), "区教师发展中心 201"),
        ],
    );
    p.audience = Audience::All;
    p.capacity = Some(6);
    p.organiser = "区教师发展中心".into();
    p.host = "区教研室".into();
    p.area = Some(Area::Research);
    p.credits_per_session = Some(Amount::hundredths(300));
    let course = super::create(store, scope, district_id, None, p).await?;
    super::assign(
        store,
        scope,
        course.id,
        &ids.iter().skip(2).take(8).copied().collect::<Vec<_>>(),
    )
    .await?;
    Ok(())
}
