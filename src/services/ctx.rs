//! What every service call needs: the database, the clock, settings.

use super::db::Db;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

/// The time source. Tests use a fixed clock to check timeouts without waiting.
#[derive(Debug, Clone)]
pub enum Clock {
    /// The system clock.
    System,
    /// A settable clock (unix seconds).
    Fixed(Arc<AtomicI64>),
}

impl Clock {
    /// Now, in unix seconds.
    pub fn now(&self) -> i64 {
        match self {
            Clock::System => chrono::Utc::now().timestamp(),
            Clock::Fixed(t) => t.load(Ordering::SeqCst),
        }
    }

    /// Moves a fixed clock forward (no effect on the system clock).
    pub fn advance(&self, seconds: i64) {
        if let Clock::Fixed(t) = self {
            t.fetch_add(seconds, Ordering::SeqCst);
        }
    }
}

/// Session lifetimes.
#[derive(Debug, Clone, Copy)]
pub struct SessionSettings {
    /// A session unused this long is dead (seconds).
    pub idle_timeout: i64,
    /// A session older than this is dead whatever its use (seconds).
    pub absolute_timeout: i64,
}

impl Default for SessionSettings {
    fn default() -> Self {
        // A teacher's phone stays signed in through a school day and the next morning, but a
        // lost phone's session does not live forever.
        SessionSettings {
            idle_timeout: 24 * 3600,
            absolute_timeout: 14 * 24 * 3600,
        }
    }
}

/// The services' dependencies.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// The database.
    pub db: Db,
    /// The clock.
    pub clock: Clock,
    /// Session lifetimes.
    pub sessions: SessionSettings,
    /// Counts of the registry reused between requests (see [`super::aggregates`]).
    pub aggregates: Arc<super::aggregates::Aggregates>,
    /// Where materials' bytes are stored.
    pub files: super::files::Files,
    /// Held while a pilot run is made, so requests that find the same run stale make it once
    /// (see [`super::pilot`]).
    pub pilot_runs: Arc<tokio::sync::Mutex<()>>,
    /// The threads that hash passwords, and how long a hash waits for one.
    pub hashing: super::hashing::Hashing,
}

impl Ctx {
    /// A context on the system clock with default settings.
    pub fn new(db: Db) -> Ctx {
        Ctx {
            db,
            clock: Clock::System,
            sessions: SessionSettings::default(),
            aggregates: Arc::default(),
            files: super::files::Files::local(
                std::env::temp_dir().join("lophoc-files"),
                super::files::DEFAULT_MAX_BYTES,
            ),
            pilot_runs: Arc::default(),
            hashing: super::hashing::Hashing::default(),
        }
    }

    /// The same context with another file store (the data directory's, in `lophoc serve`).
    pub fn with_files(mut self, files: super::files::Files) -> Ctx {
        self.files = files;
        self
    }

    /// Now, in unix seconds.
    pub fn now(&self) -> i64 {
        self.clock.now()
    }
}
