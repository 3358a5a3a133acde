//! File storage for materials: content-addressed (SHA-256), streamed, never under a name a
//! client chose.
//!
//! An upload is written as it arrives to a temporary file ([`Staged`]) while its hash and size
//! are computed; past the size cap it stops at once (413) and the temporary file is removed, so
//! memory stays flat and nothing is left behind. Only a complete upload is moved (renamed) to
//! `<root>/<aa>/<bb>/<sha256>`; identical files are stored once. Dropping a [`Staged`] that was
//! not committed removes its temporary file — a connection cut midway leaves nothing.
//!
//! Bytes are removed by [`Files::sweep`] only (the minute job): a blob no material version
//! names any more and untouched for [`SWEEP_GRACE`]. Deleting a material therefore never
//! deletes bytes another material still uses, and an upload that is being committed while
//! another material with the same bytes is deleted keeps its file (committing touches it).
//!
//! Two backends behind the same calls, chosen by configuration: the data directory (default)
//! and an S3-compatible bucket (`object_store`), so several instances can share files. With a
//! bucket, uploads are still staged and hashed in a local temporary file, then sent to the
//! bucket in parts of [`PART_BYTES`]; reads stream the asked range from the bucket.

use crate::error::{Error, ErrorCode};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};
use tokio::io::AsyncWriteExt;

/// How long an unreferenced blob is kept before [`Files::sweep`] removes it.
pub const SWEEP_GRACE: Duration = Duration::from_secs(3600);

/// The default upload cap (API.md `LOPHOC_MAX_UPLOAD_MB`, 200).
pub const DEFAULT_MAX_BYTES: u64 = 200 * 1024 * 1024;

/// The part size of an upload to a bucket (S3's minimum is 5 MiB).
pub const PART_BYTES: usize = 8 * 1024 * 1024;

/// Where bytes live.
#[derive(Debug)]
enum Backend {
    /// A directory on this machine (the data directory's `files/`).
    Local(PathBuf),
    /// An S3-compatible bucket; uploads are staged in `staging` first.
    S3 {
        store: Arc<dyn object_store::ObjectStore>,
        staging: PathBuf,
    },
}

/// Settings of an S3-compatible bucket.
#[derive(Debug, Clone, Default)]
pub struct S3Settings {
    /// The bucket.
    pub bucket: String,
    /// The endpoint (`https://s3.example.vn`, `http://127.0.0.1:9000`); empty for AWS itself.
    pub endpoint: String,
    /// The region (`us-east-1` when empty).
    pub region: String,
    /// The access key.
    pub access_key: String,
    /// The secret key. Never logged.
    pub secret_key: String,
}

#[derive(Debug)]
struct Inner {
    backend: Backend,
    max_bytes: u64,
}

/// The file store, shared by every request.
#[derive(Debug, Clone)]
pub struct Files {
    inner: Arc<Inner>,
}

/// A stored blob.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blob {
    /// SHA-256, lower-case hex.
    pub sha256: String,
    /// Bytes.
    pub size: u64,
    /// The first bytes (for the type check).
    pub head: Vec<u8>,
}

fn io_error(what: &str, e: std::io::Error) -> Error {
    tracing::error!(error = %e, "{what}");
    Error::internal()
}

/// Whether `s` is a SHA-256 in hex (the only names the store ever opens).
pub fn is_sha256(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

impl Files {
    /// A store in the directory `root` (created when missing), refusing files over `max_bytes`.
    pub fn local(root: impl Into<PathBuf>, max_bytes: u64) -> Files {
        Files {
            inner: Arc::new(Inner {
                backend: Backend::Local(root.into()),
                max_bytes,
            }),
        }
    }

    /// A store in an S3-compatible bucket, staging uploads in the directory `staging`.
    pub fn s3(
        settings: &S3Settings,
        staging: impl Into<PathBuf>,
        max_bytes: u64,
    ) -> Result<Files, String> {
        let mut b = object_store::aws::AmazonS3Builder::new()
            .with_bucket_name(&settings.bucket)
            .with_region(if settings.region.is_empty() {
                "us-east-1"
            } else {
                settings.region.as_str()
            })
            .with_access_key_id(&settings.access_key)
            .with_secret_access_key(&settings.secret_key);
        if !settings.endpoint.is_empty() {
            b = b
                .with_endpoint(&settings.endpoint)
                .with_allow_http(settings.endpoint.starts_with("http://"))
                .with_virtual_hosted_style_request(false);
        }
        let store = b
            .build()
            .map_err(|e| format!("the S3 bucket's settings: {e}"))?;
        Ok(Files {
            inner: Arc::new(Inner {
                backend: Backend::S3 {
                    store: Arc::new(store),
                    staging: staging.into(),
                },
                max_bytes,
            }),
        })
    }

    /// The same store with another cap.
    pub fn with_max_bytes(&self, max_bytes: u64) -> Files {
        let backend = match &self.inner.backend {
            Backend::Local(root) => Backend::Local(root.clone()),
            Backend::S3 { store, staging } => Backend::S3 {
                store: store.clone(),
                staging: staging.clone(),
            },
        };
        Files {
            inner: Arc::new(Inner { backend, max_bytes }),
        }
    }

    /// Which backend: `local` or `s3`.
    pub fn backend_name(&self) -> &'static str {
        match &self.inner.backend {
            Backend::Local(_) => "local",
            Backend::S3 { .. } => "s3",
        }
    }

    /// The upload cap in bytes.
    pub fn max_bytes(&self) -> u64 {
        self.inner.max_bytes
    }

    /// The directory of the store (tests look inside it).
    #[cfg(any(test, feature = "testing"))]
    pub fn root_for_tests(&self) -> &Path {
        self.root()
    }

    /// The local directory: the store itself, or a bucket's staging directory.
    fn root(&self) -> &Path {
        match &self.inner.backend {
            Backend::Local(r) => r,
            Backend::S3 { staging, .. } => staging,
        }
    }

    fn blob_path(&self, sha: &str) -> PathBuf {
        self.root().join(&sha[0..2]).join(&sha[2..4]).join(sha)
    }

    fn object_path(sha: &str) -> object_store::path::Path {
        object_store::path::Path::from(format!("{}/{}/{sha}", &sha[0..2], &sha[2..4]))
    }

    /// Starts an upload: a new temporary file.
    pub async fn stage(&self) -> Result<Staged, Error> {
        let tmp = self.root().join("tmp");
        tokio::fs::create_dir_all(&tmp)
            .await
            .map_err(|e| io_error("creating the upload directory", e))?;
        let path = tmp.join(format!(
            "{:016x}{:016x}.part",
            rand::random::<u64>(),
            rand::random::<u64>()
        ));
        let file = tokio::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .await
            .map_err(|e| io_error("creating an upload file", e))?;
        Ok(Staged {
            file: Some(file),
            path: Some(path),
            hasher: Sha256::new(),
            size: 0,
            head: Vec::new(),
            files: self.clone(),
        })
    }

    /// Opens a blob for reading. A blob that is missing is a 404 (logged: the database names
    /// bytes the store does not have).
    pub async fn open(&self, sha: &str) -> Result<Opened, Error> {
        if !is_sha256(sha) {
            return Err(Error::not_found());
        }
        match &self.inner.backend {
            Backend::Local(_) => {
                let path = self.blob_path(sha);
                let f = match tokio::fs::File::open(&path).await {
                    Ok(f) => f,
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                        tracing::error!(sha, "a stored material's bytes are missing");
                        return Err(Error::not_found());
                    }
                    Err(e) => return Err(io_error("opening a stored file", e)),
                };
                let len = f
                    .metadata()
                    .await
                    .map_err(|e| io_error("reading a stored file's size", e))?
                    .len();
                Ok(Opened {
                    len,
                    source: Source::Local(f),
                })
            }
            Backend::S3 { store, .. } => {
                let path = Files::object_path(sha);
                let meta = match store.head(&path).await {
                    Ok(m) => m,
                    Err(object_store::Error::NotFound { .. }) => {
                        tracing::error!(
                            sha,
                            "a stored material's bytes are missing from the bucket"
                        );
                        return Err(Error::not_found());
                    }
                    Err(e) => return Err(store_error("reading an object's size", e)),
                };
                Ok(Opened {
                    len: meta.size,
                    source: Source::S3 {
                        store: store.clone(),
                        path,
                    },
                })
            }
        }
    }

    /// Removes a blob at once (an upload whose rows could not be written). Missing is fine.
    pub async fn remove(&self, sha: &str) -> Result<(), Error> {
        if !is_sha256(sha) {
            return Ok(());
        }
        match &self.inner.backend {
            Backend::Local(_) => match tokio::fs::remove_file(self.blob_path(sha)).await {
                Ok(()) => Ok(()),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
                Err(e) => Err(io_error("removing a stored file", e)),
            },
            Backend::S3 { store, .. } => match store.delete(&Files::object_path(sha)).await {
                Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
                Err(e) => Err(store_error("removing an object", e)),
            },
        }
    }

    /// Whether a blob is stored.
    pub async fn exists(&self, sha: &str) -> bool {
        if !is_sha256(sha) {
            return false;
        }
        match &self.inner.backend {
            Backend::Local(_) => tokio::fs::metadata(self.blob_path(sha)).await.is_ok(),
            Backend::S3 { store, .. } => store.head(&Files::object_path(sha)).await.is_ok(),
        }
    }

    /// Removes the blobs that `referenced` does not name and that nobody touched for `grace`,
    /// and temporary files older than `grace` (an upload whose process died). Returns how
    /// many files were removed.
    pub async fn sweep(
        &self,
        referenced: &std::collections::HashSet<String>,
        grace: Duration,
    ) -> Result<u64, Error> {
        let root = self.root().to_owned();
        let refs = referenced.clone();
        let mut removed = tokio::task::spawn_blocking(move || sweep_dir(&root, &refs, grace))
            .await
            .map_err(|_| Error::internal())?
            .map_err(|e| io_error("sweeping the file store", e))?;
        if let Backend::S3 { store, .. } = &self.inner.backend {
            use futures::TryStreamExt;
            let objects: Vec<object_store::ObjectMeta> = store
                .list(None)
                .try_collect()
                .await
                .map_err(|e| store_error("listing the bucket", e))?;
            let now = chrono::Utc::now();
            for o in objects {
                let Some(sha) = o.location.filename().map(str::to_owned) else {
                    continue;
                };
                let age = (now - o.last_modified).to_std().unwrap_or_default();
                if is_sha256(&sha) && !referenced.contains(&sha) && age >= grace {
                    store
                        .delete(&o.location)
                        .await
                        .map_err(|e| store_error("removing an object", e))?;
                    removed += 1;
                }
            }
        }
        Ok(removed)
    }
}

fn old_enough(meta: &std::fs::Metadata, grace: Duration) -> bool {
    meta.modified()
        .ok()
        .and_then(|m| SystemTime::now().duration_since(m).ok())
        .is_some_and(|age| age >= grace)
}

fn sweep_dir(
    root: &Path,
    referenced: &std::collections::HashSet<String>,
    grace: Duration,
) -> std::io::Result<u64> {
    let mut removed = 0;
    let Ok(top) = std::fs::read_dir(root) else {
        return Ok(0);
    };
    for a in top.flatten() {
        let name = a.file_name().to_string_lossy().into_owned();
        let dir = a.path();
        if name == "tmp" {
            for f in std::fs::read_dir(&dir)?.flatten() {
                if f.metadata().is_ok_and(|m| old_enough(&m, grace)) {
                    std::fs::remove_file(f.path())?;
                    removed += 1;
                }
            }
            continue;
        }
        if !dir.is_dir() {
            continue;
        }
        for b in std::fs::read_dir(&dir)?.flatten() {
            for f in std::fs::read_dir(b.path())?.flatten() {
                let sha = f.file_name().to_string_lossy().into_owned();
                if !is_sha256(&sha) || referenced.contains(&sha) {
                    continue;
                }
                if f.metadata().is_ok_and(|m| old_enough(&m, grace)) {
                    std::fs::remove_file(f.path())?;
                    removed += 1;
                }
            }
        }
    }
    Ok(removed)
}

fn store_error(what: &str, e: object_store::Error) -> Error {
    tracing::error!(error = %e, "{what}");
    Error::internal()
}

/// Sends a staged file to the bucket under its hash. An object already there is written again
/// (the same bytes), which also refreshes its date for [`Files::sweep`]. Returns whether it was
/// new.
async fn send_to_bucket(
    store: &Arc<dyn object_store::ObjectStore>,
    sha: &str,
    tmp: &Path,
) -> Result<bool, Error> {
    use tokio::io::AsyncReadExt;
    let path = Files::object_path(sha);
    let existed = store.head(&path).await.is_ok();
    let mut f = tokio::fs::File::open(tmp)
        .await
        .map_err(|e| io_error("reading a staged upload", e))?;
    let len = f
        .metadata()
        .await
        .map_err(|e| io_error("reading a staged upload's size", e))?
        .len();
    if len as usize <= PART_BYTES {
        let mut buf = Vec::with_capacity(len as usize);
        f.read_to_end(&mut buf)
            .await
            .map_err(|e| io_error("reading a staged upload", e))?;
        store
            .put(&path, object_store::PutPayload::from(buf))
            .await
            .map_err(|e| store_error("sending an upload to the bucket", e))?;
        return Ok(!existed);
    }
    let upload = store
        .put_multipart(&path)
        .await
        .map_err(|e| store_error("starting a multipart upload", e))?;
    let mut w = object_store::WriteMultipart::new_with_chunk_size(upload, PART_BYTES);
    let mut buf = vec![0u8; 1024 * 1024];
    loop {
        let n = f
            .read(&mut buf)
            .await
            .map_err(|e| io_error("reading a staged upload", e))?;
        if n == 0 {
            break;
        }
        // At most two parts in flight: memory stays at a few parts whatever the file's size.
        w.wait_for_capacity(2)
            .await
            .map_err(|e| store_error("sending a part to the bucket", e))?;
        w.write(&buf[..n]);
    }
    w.finish()
        .await
        .map_err(|e| store_error("finishing a multipart upload", e))?;
    Ok(!existed)
}

/// A stored blob opened for reading.
#[derive(Debug)]
pub struct Opened {
    /// Its length in bytes.
    pub len: u64,
    source: Source,
}

#[derive(Debug)]
enum Source {
    Local(tokio::fs::File),
    S3 {
        store: Arc<dyn object_store::ObjectStore>,
        path: object_store::path::Path,
    },
}

/// The bytes of a blob as they stream.
pub type ByteStream = futures::stream::BoxStream<'static, std::io::Result<bytes::Bytes>>;

impl Opened {
    /// The bytes from `start` to `end` (inclusive), streamed in chunks of 64 KiB (a local
    /// file) or as the bucket sends them.
    pub async fn range(self, start: u64, end: u64) -> Result<ByteStream, Error> {
        use futures::StreamExt;
        use tokio::io::{AsyncReadExt, AsyncSeekExt};
        if self.len == 0 || start > end {
            return Ok(futures::stream::empty().boxed());
        }
        match self.source {
            Source::Local(mut f) => {
                if start > 0 {
                    f.seek(std::io::SeekFrom::Start(start))
                        .await
                        .map_err(|e| io_error("seeking in a stored file", e))?;
                }
                let reader = f.take(end - start + 1);
                Ok(futures::stream::unfold(reader, |mut r| async move {
                    let mut buf = vec![0u8; 64 * 1024];
                    match r.read(&mut buf).await {
                        Ok(0) => None,
                        Ok(n) => {
                            buf.truncate(n);
                            Some((Ok(bytes::Bytes::from(buf)), r))
                        }
                        Err(e) => Some((Err(e), r)),
                    }
                })
                .boxed())
            }
            Source::S3 { store, path } => {
                let opts = object_store::GetOptions {
                    range: Some(object_store::GetRange::Bounded(start..end + 1)),
                    ..Default::default()
                };
                let got = store
                    .get_opts(&path, opts)
                    .await
                    .map_err(|e| store_error("reading an object", e))?;
                Ok(got
                    .into_stream()
                    .map(|r| r.map_err(std::io::Error::other))
                    .boxed())
            }
        }
    }

    /// Every byte (tests and small files).
    pub async fn bytes(self) -> Result<Vec<u8>, Error> {
        use futures::TryStreamExt;
        let len = self.len;
        let chunks: Vec<bytes::Bytes> = self
            .range(0, len.saturating_sub(1))
            .await?
            .try_collect()
            .await
            .map_err(|e| io_error("reading a stored file", e))?;
        Ok(chunks.concat())
    }
}

/// An upload being written. Dropped without [`Staged::commit`], its temporary file is removed.
#[derive(Debug)]
pub struct Staged {
    file: Option<tokio::fs::File>,
    path: Option<PathBuf>,
    hasher: Sha256,
    size: u64,
    head: Vec<u8>,
    files: Files,
}

impl Staged {
    /// Appends a chunk. Past the store's cap: 413, and the upload is over (drop it).
    pub async fn write(&mut self, chunk: &[u8]) -> Result<(), Error> {
        if self.size + chunk.len() as u64 > self.files.max_bytes() {
            return Err(Error::new(ErrorCode::PayloadTooLarge));
        }
        let Some(f) = self.file.as_mut() else {
            return Err(Error::internal());
        };
        f.write_all(chunk)
            .await
            .map_err(|e| io_error("writing an upload", e))?;
        self.hasher.update(chunk);
        self.size += chunk.len() as u64;
        if self.head.len() < crate::materials::SNIFF_BYTES {
            let take = (crate::materials::SNIFF_BYTES - self.head.len()).min(chunk.len());
            self.head.extend_from_slice(&chunk[..take]);
        }
        Ok(())
    }

    /// Bytes written so far.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The first bytes written (up to [`SNIFF_BYTES`](crate::materials::SNIFF_BYTES)).
    pub fn head(&self) -> &[u8] {
        &self.head
    }

    /// Makes the upload durable and moves it under its hash. When the same bytes are stored
    /// already, the temporary file is dropped and the stored one touched (so a sweep running
    /// now keeps it). Returns the blob and whether this call stored new bytes.
    pub async fn commit(mut self) -> Result<(Blob, bool), Error> {
        let mut f = self.file.take().ok_or_else(Error::internal)?;
        f.flush()
            .await
            .map_err(|e| io_error("flushing an upload", e))?;
        f.sync_all()
            .await
            .map_err(|e| io_error("syncing an upload", e))?;
        drop(f);
        let sha = hex::encode(std::mem::take(&mut self.hasher).finalize());
        let tmp = self.path.take().ok_or_else(Error::internal)?;
        let created = match &self.files.inner.backend {
            Backend::Local(_) => {
                let dest = self.files.blob_path(&sha);
                tokio::task::spawn_blocking(move || -> std::io::Result<bool> {
                    if let Some(dir) = dest.parent() {
                        std::fs::create_dir_all(dir)?;
                    }
                    if dest.exists() {
                        std::fs::remove_file(&tmp)?;
                        let f = std::fs::OpenOptions::new().append(true).open(&dest)?;
                        f.set_modified(SystemTime::now())?;
                        Ok(false)
                    } else {
                        std::fs::rename(&tmp, &dest)?;
                        Ok(true)
                    }
                })
                .await
                .map_err(|_| Error::internal())?
                .map_err(|e| io_error("storing an upload", e))?
            }
            Backend::S3 { store, .. } => {
                let sent = send_to_bucket(store, &sha, &tmp).await;
                let _ = tokio::fs::remove_file(&tmp).await;
                sent?
            }
        };
        Ok((
            Blob {
                sha256: sha,
                size: self.size,
                head: std::mem::take(&mut self.head),
            },
            created,
        ))
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if let Some(p) = self.path.take() {
            // The file handle closes first (dropped with self.file); removing an open file is
            // fine on Unix anyway.
            self.file.take();
            let _ = std::fs::remove_file(p);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_root() -> PathBuf {
        std::env::temp_dir().join(format!("lophoc-files-{:016x}", rand::random::<u64>()))
    }

    #[tokio::test]
    async fn stores_by_content_once_and_leaves_nothing_on_failure() {
        let root = temp_root();
        let files = Files::local(&root, 1000);
        let mut a = files.stage().await.unwrap();
        a.write(b"%PDF-1.7 hello").await.unwrap();
        let (blob, created) = a.commit().await.unwrap();
        assert!(created);
        assert_eq!(blob.size, 14);
        assert_eq!(blob.sha256, hex::encode(Sha256::digest(b"%PDF-1.7 hello")));
        let mut b = files.stage().await.unwrap();
        b.write(b"%PDF-1.7 ").await.unwrap();
        b.write(b"hello").await.unwrap();
        let (again, created) = b.commit().await.unwrap();
        assert_eq!(again.sha256, blob.sha256);
        assert!(!created, "identical bytes are stored once");
        let opened = files.open(&blob.sha256).await.unwrap();
        assert_eq!(opened.len, 14);
        assert_eq!(opened.bytes().await.unwrap(), b"%PDF-1.7 hello");

        // Over the cap: 413, and the temporary file is gone once the upload is dropped.
        let mut big = files.stage().await.unwrap();
        big.write(&[0u8; 600]).await.unwrap();
        let e = big.write(&[0u8; 600]).await.unwrap_err();
        assert_eq!(e.code, ErrorCode::PayloadTooLarge);
        drop(big);
        let left: Vec<_> = std::fs::read_dir(root.join("tmp")).unwrap().collect();
        assert!(left.is_empty(), "no temporary file left: {left:?}");

        // A sweep keeps referenced and recent blobs.
        let none = std::collections::HashSet::new();
        assert_eq!(files.sweep(&none, SWEEP_GRACE).await.unwrap(), 0);
        assert_eq!(files.sweep(&none, Duration::ZERO).await.unwrap(), 1);
        assert!(!files.exists(&blob.sha256).await);
        assert_eq!(
            files.open(&"0".repeat(64)).await.unwrap_err().code,
            ErrorCode::NotFound
        );
        assert_eq!(
            files.open("../../etc/passwd").await.unwrap_err().code,
            ErrorCode::NotFound
        );
        let _ = std::fs::remove_dir_all(root);
    }
}
