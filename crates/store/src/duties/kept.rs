//! A school's duty results (and its status analysis), kept between views.
//!
//! Computing a school's matrix reads every teacher, record, group, project
//! and pair of the school (≈ 12,000 results for 1,000 teachers); the
//! director's home, the matrix and each teacher's card show the same
//! results until something changes. Every audited change of a school or
//! its district moves the school's `revision` on in the same transaction
//! (`audit::record`), so results computed at revision R stay right for as
//! long as the school reads R — on every server sharing the database, since
//! the revision is read from it with the school.

use super::SchoolProgress;
use crate::Result;
use crate::entity::{school, school_revision};
use chrono::NaiveDate;
use lingyan_domain::status::StatusAnalysis;
use sea_orm::{ConnectionTrait, EntityTrait, QuerySelect};
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

/// How many schools' results one process keeps (≈ 2 MB each for 1,000
/// teachers); the school kept longest is dropped first.
const SCHOOLS: usize = 32;

/// Results as of one day, computed at one revision of the school.
pub(crate) struct Entry {
    pub as_of: NaiveDate,
    pub revision: i64,
    pub progress: Arc<SchoolProgress>,
}

impl Entry {
    /// Whether these results hold for a school read at `revision` on
    /// `as_of`. Results from a later revision than the reader's hold too:
    /// the reader's own row was read before them.
    fn holds(&self, as_of: NaiveDate, revision: i64) -> bool {
        self.as_of == as_of && self.revision >= revision
    }
}

/// One school's place: computing it holds the lock, so fifty viewers of a
/// changed school wait for one computation instead of running fifty.
pub(crate) type Slot = Arc<tokio::sync::Mutex<Option<Entry>>>;

#[derive(Clone, Default)]
pub(crate) struct Kept(Arc<Mutex<Places>>);

#[derive(Default)]
struct Places {
    slots: HashMap<i64, Slot>,
    order: VecDeque<i64>,
    /// Schools' status analyses (a few kB each), by the same key.
    analyses: HashMap<i64, (NaiveDate, i64, Arc<StatusAnalysis>)>,
    /// Answers about a few schools' records (a list's page, counts), with
    /// the revisions of those schools they were read at.
    memos: HashMap<String, Memo>,
}

/// The revisions an answer was read at, and the answer.
type Memo = (Vec<i64>, Arc<dyn std::any::Any + Send + Sync>);

/// How many answers one process keeps (emptied when full: a page of a
/// list is tens of kB).
const MEMOS: usize = 512;

/// How many schools' status analyses one process keeps.
const ANALYSES: usize = 4096;

impl std::fmt::Debug for Kept {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.0.lock().map_or(0, |p| p.slots.len());
        f.debug_struct("Kept").field("schools", &n).finish()
    }
}

impl Kept {
    /// The school's slot, made if needed.
    pub(crate) fn slot(&self, school_id: i64) -> Slot {
        let mut p = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(s) = p.slots.get(&school_id) {
            return s.clone();
        }
        while p.order.len() >= SCHOOLS {
            if let Some(old) = p.order.pop_front() {
                p.slots.remove(&old);
            }
        }
        let s = Slot::default();
        p.slots.insert(school_id, s.clone());
        p.order.push_back(school_id);
        s
    }

    /// The school's kept status analysis, if it holds.
    pub(crate) fn analysis(
        &self,
        school_id: i64,
        as_of: NaiveDate,
        revision: i64,
    ) -> Option<Arc<StatusAnalysis>> {
        let p = self.0.lock().unwrap_or_else(|e| e.into_inner());
        p.analyses
            .get(&school_id)
            .filter(|(d, r, _)| *d == as_of && *r >= revision)
            .map(|(_, _, a)| a.clone())
    }

    /// Keeps a school's status analysis (unless a later one is kept).
    pub(crate) fn keep_analysis(
        &self,
        school_id: i64,
        as_of: NaiveDate,
        revision: i64,
        a: Arc<StatusAnalysis>,
    ) {
        let mut p = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if p.analyses.len() >= ANALYSES {
            p.analyses.clear();
        }
        let newer = p
            .analyses
            .get(&school_id)
            .is_some_and(|(d, r, _)| *d == as_of && *r > revision);
        if !newer {
            p.analyses.insert(school_id, (as_of, revision, a));
        }
    }

    /// A kept answer, if the schools it read still read `revisions`.
    pub(crate) fn memo<T: Clone + 'static>(&self, key: &str, revisions: &[i64]) -> Option<T> {
        let p = self.0.lock().unwrap_or_else(|e| e.into_inner());
        p.memos
            .get(key)
            .filter(|(r, _)| r.as_slice() == revisions)
            .and_then(|(_, v)| v.downcast_ref::<T>())
            .cloned()
    }

    /// Keeps an answer read after reading `revisions`.
    pub(crate) fn keep_memo<T: Send + Sync + 'static>(&self, key: String, revisions: Vec<i64>, v: T) {
        let mut p = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if p.memos.len() >= MEMOS {
            p.memos.clear();
        }
        p.memos.insert(key, (revisions, Arc::new(v)));
    }

    /// Kept results that hold, without waiting or computing.
    pub(crate) fn peek(
        &self,
        school_id: i64,
        as_of: NaiveDate,
        revision: i64,
    ) -> Option<Arc<SchoolProgress>> {
        let slot = {
            let p = self.0.lock().unwrap_or_else(|e| e.into_inner());
            p.slots.get(&school_id)?.clone()
        };
        let entry = slot.try_lock().ok()?;
        entry
            .as_ref()
            .filter(|e| e.holds(as_of, revision))
            .map(|e| e.progress.clone())
    }
}

/// The kept results in `slot` if they hold.
pub(crate) fn holding(slot: &Option<Entry>, as_of: NaiveDate, revision: i64) -> Option<Arc<SchoolProgress>> {
    slot.as_ref()
        .filter(|e| e.holds(as_of, revision))
        .map(|e| e.progress.clone())
}

/// The school's revision as the database holds it now (0 before its first
/// change). Read before the school's results, never after.
pub(crate) async fn revision<C: ConnectionTrait>(conn: &C, sc: &school::Model) -> Result<i64> {
    revision_of(conn, sc.district_id, sc.id).await
}

/// The revisions of `schools`, in their order (0 for a school not yet
/// changed), in one statement.
pub(crate) async fn revisions_of<C: ConnectionTrait>(conn: &C, schools: &[i64]) -> Result<Vec<i64>> {
    use sea_orm::{ColumnTrait, QueryFilter};
    let rows: Vec<(i64, i64)> = school_revision::Entity::find()
        .select_only()
        .column(school_revision::Column::SchoolId)
        .column(school_revision::Column::Revision)
        .filter(school_revision::Column::SchoolId.is_in(schools.iter().copied()))
        .into_tuple()
        .all(conn)
        .await?;
    let by: HashMap<i64, i64> = rows.into_iter().collect();
    Ok(schools.iter().map(|s| by.get(s).copied().unwrap_or(0)).collect())
}

/// [`revision`] by the school's district and id.
pub(crate) async fn revision_of<C: ConnectionTrait>(
    conn: &C,
    district_id: i64,
    school_id: i64,
) -> Result<i64> {
    Ok(school_revision::Entity::find_by_id((district_id, school_id))
        .select_only()
        .column(school_revision::Column::Revision)
        .into_tuple::<i64>()
        .one(conn)
        .await?
        .unwrap_or(0))
}
