//! What the items that counted are called, for the drill-down.

use super::*;

/// What a drill-down shows for one counted item.
#[derive(Debug, Clone, Serialize)]
pub struct ItemLabel {
    pub title: String,
    pub date: Option<NaiveDate>,
    /// Where it opens: `/evidence/3`, `/projects/2`, `/mentoring`, `/org/5`.
    pub href: String,
}

/// Titles and links of the items behind some results (a drill-down's few
/// dozen, never a whole school).
pub async fn labels(
    store: &Store,
    refs: impl IntoIterator<Item = lingyan_domain::duties::ItemRef>,
) -> Result<HashMap<lingyan_domain::duties::ItemRef, ItemLabel>> {
    use lingyan_domain::duties::ItemRef;
    let conn = store.conn();
    let refs: Vec<ItemRef> = refs.into_iter().collect();
    let ids = |k: fn(CountedKind) -> bool| -> Vec<i64> {
        refs.iter().filter(|r| k(r.kind)).map(|r| r.id).collect()
    };
    let mut out = HashMap::new();
    let records = ids(|k| k.evidence_kind().is_some());
    for chunk in records.chunks(500) {
        for e in evidence::Entity::find()
            .filter(evidence::Column::Id.is_in(chunk.iter().copied()))
            .all(conn)
            .await?
        {
            if let Some(kind) = CountedKind::from_code(&e.kind) {
                out.insert(
                    ItemRef { kind, id: e.id },
                    ItemLabel {
                        title: e.title,
                        date: Some(e.occurred_on),
                        href: format!("/evidence/{}", e.id),
                    },
                );
            }
        }
    }
    // Trainings attended through activities: their ledger entries.
    let attended: Vec<i64> = refs
        .iter()
        .filter(|r| r.kind == CountedKind::Training && r.id < 0)
        .map(|r| -r.id)
        .collect();
    if !attended.is_empty() {
        for e in crate::entity::credit_entry::Entity::find()
            .filter(crate::entity::credit_entry::Column::Id.is_in(attended))
            .all(conn)
            .await?
        {
            out.insert(
                ItemRef {
                    kind: CountedKind::Training,
                    id: -e.id,
                },
                ItemLabel {
                    title: e.title,
                    date: Some(e.start_date),
                    href: format!("/teachers/{}/credits", e.teacher_id),
                },
            );
        }
    }
    let projects = ids(|k| k == CountedKind::Project);
    if !projects.is_empty() {
        for p in research_project::Entity::find()
            .filter(research_project::Column::Id.is_in(projects))
            .all(conn)
            .await?
        {
            out.insert(
                ItemRef {
                    kind: CountedKind::Project,
                    id: p.id,
                },
                ItemLabel {
                    title: p.title,
                    date: None,
                    href: format!("/projects/{}", p.id),
                },
            );
        }
    }
    let pairs = ids(|k| k == CountedKind::Apprentice);
    if !pairs.is_empty() {
        let rows = mentor_pair::Entity::find()
            .filter(mentor_pair::Column::Id.is_in(pairs))
            .all(conn)
            .await?;
        let names: HashMap<i64, String> = teacher::Entity::find()
            .filter(teacher::Column::Id.is_in(rows.iter().map(|p| p.apprentice_teacher_id)))
            .all(conn)
            .await?
            .into_iter()
            .map(|t| (t.id, t.name))
            .collect();
        for p in rows {
            out.insert(
                ItemRef {
                    kind: CountedKind::Apprentice,
                    id: p.id,
                },
                ItemLabel {
                    title: names.get(&p.apprentice_teacher_id).cloned().unwrap_or_default(),
                    date: Some(p.starts_on),
                    href: "/mentoring".to_string(),
                },
            );
        }
    }
    let groups = ids(|k| k == CountedKind::GroupLead);
    if !groups.is_empty() {
        for g in org_group::Entity::find()
            .filter(org_group::Column::Id.is_in(groups))
            .all(conn)
            .await?
        {
            out.insert(
                ItemRef {
                    kind: CountedKind::GroupLead,
                    id: g.id,
                },
                ItemLabel {
                    title: g.name,
                    date: None,
                    href: format!("/schools/{}/org", g.school_id),
                },
            );
        }
    }
    Ok(out)
}
