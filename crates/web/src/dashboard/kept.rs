//! A teacher's own part of the home page, kept between views until their
//! school changes or the day turns (docs/decisions.md 46).
//!
//! The part reads the teacher's duties, records, counts and pairs — some
//! thirty statements — and every change that can alter any of them moves
//! the revision of the teacher's school on (`lingyan_store::audit`,
//! including changes made in another school that name the teacher), so a
//! part computed at revision R holds while the school reads R. The key
//! holds the language, since the part is worded.
//!
//! A school's duties at a glance (the director's home) are kept beside
//! the school's kept results they were worked out from.

use super::{Own, SchoolDuties};
use chrono::NaiveDate;
use lingyan_domain::Locale;
use lingyan_store::duties::SchoolProgress;
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, Weak};

/// How many teachers' parts one process keeps (a few kB each); the one
/// kept longest is dropped first.
const TEACHERS: usize = 10_000;

type Key = (i64, Locale);

struct Held {
    as_of: NaiveDate,
    revision: i64,
    own: Own,
    place: String,
}

#[derive(Default)]
struct Inner {
    map: HashMap<Key, Held>,
    order: VecDeque<Key>,
}

/// Parts kept per teacher and language.
#[derive(Default)]
pub struct KeptOwn(Mutex<Inner>);

impl std::fmt::Debug for KeptOwn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.0.lock().map_or(0, |i| i.map.len());
        f.debug_struct("KeptOwn").field("teachers", &n).finish()
    }
}

impl KeptOwn {
    /// The part and the school's name as kept for the teacher on `as_of`,
    /// if they were computed at `revision` or later.
    pub fn get(&self, teacher: i64, l: Locale, as_of: NaiveDate, revision: i64) -> Option<(Own, String)> {
        let inner = self.0.lock().unwrap_or_else(|e| e.into_inner());
        inner
            .map
            .get(&(teacher, l))
            .filter(|h| h.as_of == as_of && h.revision >= revision)
            .map(|h| (h.own.clone(), h.place.clone()))
    }

    /// Keeps a part computed after reading `revision` (a later part is not
    /// replaced by an earlier one).
    pub fn put(&self, teacher: i64, l: Locale, as_of: NaiveDate, revision: i64, own: &Own, place: &str) {
        let mut inner = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let key = (teacher, l);
        if let Some(h) = inner.map.get(&key)
            && h.as_of == as_of
            && h.revision > revision
        {
            return;
        }
        let held = Held {
            as_of,
            revision,
            own: own.clone(),
            place: place.to_string(),
        };
        if inner.map.insert(key, held).is_none() {
            inner.order.push_back(key);
            while inner.order.len() > TEACHERS {
                if let Some(old) = inner.order.pop_front() {
                    inner.map.remove(&old);
                }
            }
        }
    }
}

/// A school's duties at a glance, worked out from the school's kept
/// results (1,000 teachers' rows added up and the furthest behind sorted
/// by name) once per language while those results are the ones kept.
#[derive(Default)]
pub struct KeptGlances(Mutex<HashMap<Key, Glance>>);

/// The results a glance was worked out from, and the glance.
type Glance = (Weak<SchoolProgress>, SchoolDuties);

/// How many schools' glances one process keeps (the map is emptied when
/// full).
const GLANCES: usize = 1024;

impl std::fmt::Debug for KeptGlances {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.0.lock().map_or(0, |m| m.len());
        f.debug_struct("KeptGlances").field("schools", &n).finish()
    }
}

impl KeptGlances {
    /// The glance of `p`, worked out by `make` unless it was for these very
    /// results. (A weak reference keeps the results' place from being
    /// reused, so the same place means the same results.)
    pub fn of(
        &self,
        l: Locale,
        p: &Arc<SchoolProgress>,
        make: impl FnOnce() -> SchoolDuties,
    ) -> SchoolDuties {
        let key = (p.school_id, l);
        {
            let m = self.0.lock().unwrap_or_else(|e| e.into_inner());
            if let Some((held, d)) = m.get(&key)
                && std::ptr::eq(held.as_ptr(), Arc::as_ptr(p))
            {
                return d.clone();
            }
        }
        let d = make();
        let mut m = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if m.len() >= GLANCES {
            m.clear();
        }
        m.insert(key, (Arc::downgrade(p), d.clone()));
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn own(id: i64) -> Own {
        Own {
            teacher_id: id,
            tier: String::new(),
            duties: Vec::new(),
            due_soon: Vec::new(),
            open_records: Vec::new(),
            records_waiting: 0,
            records_verified: 0,
            records_returned: 0,
            mentors: Vec::new(),
            apprentices: Vec::new(),
        }
    }

    #[test]
    fn a_part_holds_for_its_day_and_revision_and_language() {
        let k = KeptOwn::default();
        let day = NaiveDate::from_ymd_opt(2026, 12, 6).unwrap();
        k.put(1, Locale::ZhCn, day, 5, &own(1), "甲校");
        assert_eq!(
            k.get(1, Locale::ZhCn, day, 5).map(|(o, p)| (o.teacher_id, p)),
            Some((1, "甲校".into()))
        );
        // Read at an earlier revision: the later part still holds.
        assert!(k.get(1, Locale::ZhCn, day, 4).is_some());
        // The school moved on, the day turned, another language: computed again.
        assert!(k.get(1, Locale::ZhCn, day, 6).is_none());
        assert!(k.get(1, Locale::ZhCn, day.succ_opt().unwrap(), 5).is_none());
        assert!(k.get(1, Locale::En, day, 5).is_none());
        // A part computed at an older revision does not replace a newer one.
        k.put(1, Locale::ZhCn, day, 3, &own(1), "旧");
        assert_eq!(
            k.get(1, Locale::ZhCn, day, 5).map(|(_, p)| p),
            Some("甲校".into())
        );
    }

    #[test]
    fn the_part_kept_longest_goes_first() {
        let k = KeptOwn::default();
        let day = NaiveDate::from_ymd_opt(2026, 12, 6).unwrap();
        for t in 0..=TEACHERS as i64 {
            k.put(t, Locale::En, day, 1, &own(t), "");
        }
        assert!(k.get(0, Locale::En, day, 1).is_none());
        assert!(k.get(1, Locale::En, day, 1).is_some());
        assert!(k.get(TEACHERS as i64, Locale::En, day, 1).is_some());
        // Putting a kept teacher again does not count twice.
        k.put(1, Locale::En, day, 2, &own(1), "");
        assert_eq!(k.0.lock().unwrap().order.len(), TEACHERS);
    }
}
