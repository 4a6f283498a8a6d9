//! Who a caller is to the teachers whose things they look at: their own
//! teacher record, the apprentices they mentor, the members of groups they
//! lead. Worked out once per request and shared by every area that decides
//! visibility through relations (portfolio records, projects, duties).

use crate::entity::{mentor_pair, org_group_member, teacher};
use crate::{Result, Scope};
use chrono::NaiveDate;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter};
use std::collections::BTreeSet;

/// What the caller's own teacher record connects them to.
#[derive(Debug, Clone, Default)]
pub struct Viewer {
    /// The teacher record linked to the caller's account.
    pub own: Option<i64>,
    /// That record's district and school.
    pub own_school: Option<(i64, i64)>,
    /// Teachers the caller currently mentors.
    pub apprentices: BTreeSet<i64>,
    /// Members of groups the caller leads.
    pub led: BTreeSet<i64>,
}

impl Viewer {
    /// The caller's relations as of `today`, worked out once per request
    /// (see [`crate::scope::Relations`]).
    pub async fn load<C: ConnectionTrait>(conn: &C, scope: &Scope, today: NaiveDate) -> Result<Self> {
        let memo = &scope.actor().relations;
        if let Some(v) = memo.get(today) {
            return Ok(v);
        }
        let v = Self::read(conn, scope, today).await?;
        memo.set(today, v.clone());
        Ok(v)
    }

    /// [`Viewer::load`] on the store's connection.
    pub async fn load_for(store: &crate::Store, scope: &Scope, today: NaiveDate) -> Result<Self> {
        Self::load(store.conn(), scope, today).await
    }

    async fn read<C: ConnectionTrait>(conn: &C, scope: &Scope, today: NaiveDate) -> Result<Self> {
        let Some(uid) = scope.user_id() else {
            return Ok(Self::default());
        };
        let Some(own) = teacher::Entity::find()
            .filter(teacher::Column::UserId.eq(uid))
            .filter(teacher::Column::Active.eq(true))
            .one(conn)
            .await?
        else {
            return Ok(Self::default());
        };
        let apprentices = mentor_pair::Entity::find()
            .filter(mentor_pair::Column::MentorTeacherId.eq(own.id))
            .filter(mentor_pair::Column::StartsOn.lte(today))
            .filter(
                Condition::any()
                    .add(mentor_pair::Column::EndsOn.is_null())
                    .add(mentor_pair::Column::EndsOn.gte(today)),
            )
            .all(conn)
            .await?
            .into_iter()
            .map(|p| p.apprentice_teacher_id)
            .collect();
        let groups: Vec<i64> = org_group_member::Entity::find()
            .filter(org_group_member::Column::TeacherId.eq(own.id))
            .filter(org_group_member::Column::Position.eq("leader"))
            .all(conn)
            .await?
            .into_iter()
            .map(|m| m.group_id)
            .collect();
        let led = if groups.is_empty() {
            BTreeSet::new()
        } else {
            org_group_member::Entity::find()
                .filter(org_group_member::Column::GroupId.is_in(groups))
                .filter(org_group_member::Column::TeacherId.ne(own.id))
                .all(conn)
                .await?
                .into_iter()
                .map(|m| m.teacher_id)
                .collect()
        };
        Ok(Self {
            own: Some(own.id),
            own_school: Some((own.district_id, own.school_id)),
            apprentices,
            led,
        })
    }

    /// Every teacher whose records the caller sees through a relation.
    pub fn related(&self) -> Vec<i64> {
        let mut all: BTreeSet<i64> = self.apprentices.union(&self.led).copied().collect();
        all.extend(self.own);
        all.into_iter().collect()
    }
}
