//! Province-wide counts that every visit to the department's registry shows (schools per
//! level, the areas with their schools) and that change only when the registry does: kept in
//! memory, keyed by filter, and forgotten when this process writes the registry
//! ([`Aggregates::changed`]) or after [`MAX_AGE`] seconds, whichever comes first (another
//! process on the same PostgreSQL, or `lophoc seed`, may have written it meanwhile).

use crate::model::Area;
use crate::model::SchoolSummary;
use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// The longest a count is reused, in seconds.
pub const MAX_AGE: i64 = 30;
/// The most filters remembered; past that the oldest generation is dropped wholesale.
const MAX_ENTRIES: usize = 512;

struct Entry<T> {
    generation: u64,
    at: i64,
    value: T,
}

/// See the module's comment. One per [`crate::services::Ctx`] (shared by its clones).
#[derive(Default)]
pub struct Aggregates {
    generation: AtomicU64,
    summaries: Mutex<HashMap<String, Entry<SchoolSummary>>>,
    areas: Mutex<Option<Entry<Vec<Area>>>>,
}

impl std::fmt::Debug for Aggregates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Aggregates")
            .field("generation", &self.generation.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

fn fresh<T>(e: &Entry<T>, generation: u64, now: i64) -> bool {
    e.generation == generation && (0..MAX_AGE).contains(&(now - e.at))
}

impl Aggregates {
    /// The registry changed (schools imported, a school enrolled): every count is read again.
    pub fn changed(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    /// The summary for `key` if it is fresh.
    pub fn summary(&self, key: &str, now: i64) -> Option<SchoolSummary> {
        let g = self.now_generation();
        let map = self.summaries.lock().ok()?;
        map.get(key)
            .filter(|e| fresh(e, g, now))
            .map(|e| e.value.clone())
    }

    /// Remembers the summary for `key`, read at generation `generation`.
    pub fn keep_summary(&self, key: String, generation: u64, now: i64, value: SchoolSummary) {
        if let Ok(mut map) = self.summaries.lock() {
            if map.len() >= MAX_ENTRIES {
                map.clear();
            }
            map.insert(
                key,
                Entry {
                    generation,
                    at: now,
                    value,
                },
            );
        }
    }

    /// The areas if they are fresh.
    pub fn areas(&self, now: i64) -> Option<Vec<Area>> {
        let g = self.now_generation();
        let slot = self.areas.lock().ok()?;
        slot.as_ref()
            .filter(|e| fresh(e, g, now))
            .map(|e| e.value.clone())
    }

    /// Remembers the areas, read at generation `generation`.
    pub fn keep_areas(&self, generation: u64, now: i64, value: Vec<Area>) {
        if let Ok(mut slot) = self.areas.lock() {
            *slot = Some(Entry {
                generation,
                at: now,
                value,
            });
        }
    }

    /// The generation to stamp a value read now with: read it before the query, so a write
    /// during the query makes the value stale at once.
    pub fn now_generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SchoolLevel;

    fn summary(total: i64) -> SchoolSummary {
        SchoolSummary {
            by_level: vec![(SchoolLevel::Thcs, total)],
            total,
            in_pilot: 0,
            students: 0,
        }
    }

    #[test]
    fn a_count_is_reused_until_the_registry_changes_or_it_is_old() {
        let a = Aggregates::default();
        let g = a.now_generation();
        a.keep_summary("k".into(), g, 1000, summary(7));
        assert_eq!(a.summary("k", 1000 + MAX_AGE - 1), Some(summary(7)));
        assert_eq!(a.summary("k", 1000 + MAX_AGE), None, "too old");
        assert_eq!(a.summary("other", 1000), None);
        a.changed();
        assert_eq!(a.summary("k", 1000), None, "the registry changed");
        // A value read before a change is stale as soon as it is kept.
        a.keep_summary("k".into(), g, 1000, summary(7));
        assert_eq!(a.summary("k", 1000), None);
        a.keep_areas(a.now_generation(), 1000, vec![]);
        assert_eq!(a.areas(1001), Some(vec![]));
        assert_eq!(a.areas(999), None, "a clock that went back");
    }
}
