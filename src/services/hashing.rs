//! The threads that hash passwords (Argon2, for `auth`) and the gate admitting work to them.
//! A leaf module: the context (`ctx::Ctx`) holds a [`Hashing`] and `auth` reaches it through
//! the context, so this module depends on neither of them.

use crate::error::{Error, ErrorCode, Msg};
use std::sync::OnceLock;

/// A job for the hashing threads.
type HashJob = Box<dyn FnOnce() + Send>;

/// How long a hash waits for a thread, by default, before the request is answered 503 +
/// `Retry-After`: a burst of correct passwords (a school's teachers signing in at the bell)
/// queues, it is not refused.
pub const HASH_QUEUE_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// The seconds a busy answer asks the client to wait.
const BUSY_RETRY_AFTER: u64 = 3;

/// Threads that run Argon2 and the gate admitting work to them.
struct HashPool {
    /// At most one job per thread in flight.
    slots: std::sync::Arc<tokio::sync::Semaphore>,
    jobs: std::sync::mpsc::SyncSender<HashJob>,
    threads: usize,
}

impl HashPool {
    /// Starts `n` hashing threads.
    fn start(n: usize) -> HashPool {
        // Never more jobs than threads in flight: the semaphore admits at most `n`.
        let (tx, rx) = std::sync::mpsc::sync_channel::<HashJob>(n);
        let rx = std::sync::Arc::new(std::sync::Mutex::new(rx));
        for i in 0..n {
            let rx = rx.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("argon2-{i}"))
                .spawn(move || {
                    loop {
                        let job = match rx.lock() {
                            Ok(r) => r.recv(),
                            Err(_) => return,
                        };
                        match job {
                            // A panicking hash fails its own request (its sender is dropped),
                            // never the thread.
                            Ok(job) => {
                                let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
                            }
                            Err(_) => return,
                        }
                    }
                });
            if let Err(e) = spawned {
                tracing::error!(error = %e, "cannot start a hashing thread");
            }
        }
        HashPool {
            slots: std::sync::Arc::new(tokio::sync::Semaphore::new(n)),
            jobs: tx,
            threads: n,
        }
    }
}

/// Where Argon2 runs: a few threads of their own, about one per core, rather than tokio's
/// blocking pool (up to hundreds of threads), so the memory stays bounded (each thread holds one
/// 19 MiB working block, see `auth::MEMORY`); work beyond the threads queues for at most
/// [`Hashing::queue_wait`], then the request is answered 503 + `Retry-After` ("busy", never "too
/// many attempts"). Cheap to clone; every clone shares the threads.
#[derive(Clone)]
pub struct Hashing {
    pool: std::sync::Arc<HashPool>,
    /// How long work waits for a thread before the busy answer.
    pub queue_wait: std::time::Duration,
}

impl std::fmt::Debug for Hashing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hashing")
            .field("threads", &self.pool.threads)
            .field("queue_wait", &self.queue_wait)
            .finish()
    }
}

impl Default for Hashing {
    /// The process's threads (one per core, 1–8, started on first use), waiting up to
    /// [`HASH_QUEUE_WAIT`].
    fn default() -> Self {
        static POOL: OnceLock<std::sync::Arc<HashPool>> = OnceLock::new();
        let pool = POOL
            .get_or_init(|| {
                let n = std::thread::available_parallelism()
                    .map_or(2, |n| n.get())
                    .clamp(1, 8);
                std::sync::Arc::new(HashPool::start(n))
            })
            .clone();
        Hashing {
            pool,
            queue_wait: HASH_QUEUE_WAIT,
        }
    }
}

impl Hashing {
    /// A pool of its own with `threads` threads (tests, benchmarks): work waits up to
    /// `queue_wait` for one.
    pub fn new(threads: usize, queue_wait: std::time::Duration) -> Hashing {
        Hashing {
            pool: std::sync::Arc::new(HashPool::start(threads.max(1))),
            queue_wait,
        }
    }

    /// How many hashes run at once.
    pub fn threads(&self) -> usize {
        self.pool.threads
    }

    /// The same threads with another bound on the wait.
    pub fn with_queue_wait(mut self, queue_wait: std::time::Duration) -> Hashing {
        self.queue_wait = queue_wait;
        self
    }

    /// Takes every thread's slot until the returned guard is dropped, as a burst of hashes in
    /// flight does (tests of the busy answer: deterministic, no timing).
    #[cfg(any(test, feature = "testing"))]
    pub async fn occupy_all(&self) -> tokio::sync::OwnedSemaphorePermit {
        self.pool
            .slots
            .clone()
            .acquire_many_owned(self.pool.threads as u32)
            .await
            .expect("the hashing gate is never closed")
    }

    /// Runs Argon2 work on the threads, at most one per thread at once; the rest wait up to
    /// [`Hashing::queue_wait`], then get 503 + `Retry-After` instead of piling up.
    pub(crate) async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, Error> {
        let permit = match tokio::time::timeout(self.queue_wait, self.pool.slots.acquire()).await {
            Ok(Ok(p)) => p,
            _ => {
                tracing::warn!("password hashing queue full; answered 503");
                return Err(busy());
            }
        };
        let (done, result) = tokio::sync::oneshot::channel();
        let job: HashJob = Box::new(move || {
            let _ = done.send(work());
        });
        // A permit guarantees room in the channel: this never blocks.
        if self.pool.jobs.send(job).is_err() {
            tracing::error!("hashing threads gone");
            return Err(Error::internal());
        }
        let r = result.await.map_err(|_| {
            tracing::error!("hashing job failed");
            Error::internal()
        });
        drop(permit);
        r
    }
}

/// 503: the hashing threads are all taken for longer than the queue waits. The message says
/// the server is busy and when to try again, never "too many attempts".
fn busy() -> Error {
    Error {
        msg: Msg::new("error.login_busy").arg("seconds", BUSY_RETRY_AFTER),
        retry_after: Some(BUSY_RETRY_AFTER),
        ..Error::new(ErrorCode::Unavailable)
    }
}
