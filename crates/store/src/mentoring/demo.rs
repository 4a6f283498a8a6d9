//! The demo's mentoring: the mentor's "one-two-two" pair with the demo
//! teacher and a colleague, in its second year of a new teachers' three.

use super::pairs;
use crate::{Result, Scope, Store};
use chrono::{Days, Months, NaiveDate};
use lingyan_domain::mentoring::{PairInput, PairKind};

/// The demo's pairs.
pub(crate) async fn pairs(
    store: &Store,
    scope: &Scope,
    today: NaiveDate,
    mentor: i64,
    apprentices: [i64; 2],
) -> Result<()> {
    let starts_on = today - Days::new(400);
    let input = PairInput {
        mentor_teacher_id: mentor,
        apprentice_teacher_ids: apprentices.to_vec(),
        kind: PairKind::OneTwoTwo,
        subject: String::new(),
        starts_on,
        ends_on: starts_on + Months::new(36) - Days::new(1),
        ceremony_on: Some(starts_on + Days::new(7)),
        mentor_goals: "每学期听徒弟课不少于10节并逐节点评；每学期上示范课2节；指导徒弟完成一次“骨干教师上公开课→青年教师上公开课→点评→反思→修改教案→汇报课”双向循环；指导徒弟撰写教学反思和一篇教学论文。".into(),
        apprentice_goals: "每学期听师傅课不少于15节并写听课记录；每学期上汇报课1节；三年内能独立承担区级公开课；坚持写教学反思，每学期至少一篇较高质量的教学论文或案例。".into(),
        under_way: true,
    };
    pairs::create(store, scope, &input).await?;
    Ok(())
}
