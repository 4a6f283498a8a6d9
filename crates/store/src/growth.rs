//! What a teacher's growth report (成长报告) is made from: the teacher,
//! their portfolio records of a period and their projects. It reads from
//! the areas below it and is read by the report documents.

use crate::evidence;
use crate::{Result, Scope, Store};
use chrono::NaiveDate;
use lingyan_domain::PageRequest;
use lingyan_domain::evidence::{Details, TeacherRef};

/// What a teacher's growth report is made from.
#[derive(Debug, Clone)]
pub struct Growth {
    pub teacher: crate::teachers::Teacher,
    /// Records in the period, newest first, with the observed colleague's
    /// name for observations.
    pub records: Vec<(evidence::Evidence, Option<String>)>,
    pub projects: Vec<crate::projects::Project>,
    /// The teacher's mentor pairs (proposed ones aside), newest first.
    pub mentoring: Vec<crate::mentoring::overview::History>,
}

/// Loads a growth report's contents for a portfolio the caller may see.
pub async fn load(
    store: &Store,
    scope: &Scope,
    teacher_id: i64,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<Growth> {
    evidence::portfolio_owner(store, scope, teacher_id, today).await?;
    let teacher = crate::teachers::load(store.conn(), teacher_id, today).await?;
    let filter = evidence::EvidenceFilter {
        teacher_id: Some(teacher_id),
        from,
        to,
        own_only: true,
        ..Default::default()
    };
    let mut records = Vec::new();
    let mut page = 1;
    loop {
        let p = evidence::list(
            store,
            scope,
            &filter,
            PageRequest::new(Some(page), Some(PageRequest::MAX_PER_PAGE)),
            today,
        )
        .await?;
        let done = !p.has_next();
        records.extend(p.items);
        if done {
            break;
        }
        page += 1;
    }
    let names = evidence::teacher_names(
        store.conn(),
        records.iter().filter_map(|e| e.details.observed_teacher_id()),
    )
    .await?;
    let records = records
        .into_iter()
        .map(|e| {
            let name = match &e.details {
                Details::Observation {
                    observed_teacher: Some(TeacherRef::Id { teacher_id }),
                    ..
                } => names.get(teacher_id).cloned(),
                Details::Observation {
                    observed_teacher: Some(TeacherRef::Name { name }),
                    ..
                } => Some(name.clone()),
                _ => None,
            };
            (e, name)
        })
        .collect();
    let projects = crate::projects::list(store, scope, Some(teacher_id), None, today).await?;
    let mentoring = crate::mentoring::overview::history(store, teacher_id).await?;
    Ok(Growth {
        teacher,
        records,
        projects,
        mentoring,
    })
}
