//! Passwords, logins and sessions (RELIABILITY.md #4).
//!
//! Passwords are hashed with Argon2id (m=19 MiB, t=2, p=1, the OWASP minimum) on the blocking
//! pool so a burst of logins does not stall the async threads. An unknown user is checked
//! against a dummy hash so the answer and its time match a wrong password. Session tokens are
//! 256 random bits; the database keeps only their SHA-256, so a copy of the database holds no
//! usable session.

use crate::error::{Error, ErrorCode, Msg};
use crate::ids::{SchoolId, UserId};
use crate::model::{Actor, Role, User};
use crate::services::audit::{self, Action, Record};
use crate::services::caller::Caller;
use crate::services::ctx::Ctx;
use crate::services::db::{decode, decode_flag, internal};
pub use crate::services::hashing::{HASH_QUEUE_WAIT, Hashing};
use crate::services::throttle;
use argon2::password_hash::{Output, ParamsString, PasswordHash, Salt, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use base64::Engine as _;
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::sync::OnceLock;

/// A session token as the cookie carries it. Never logged.
#[derive(Clone, PartialEq, Eq)]
pub struct SessionToken(pub String);

impl std::fmt::Debug for SessionToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SessionToken(…)")
    }
}

/// A device token as the device cookie carries it (see [`sign_in`]). Never logged.
#[derive(Clone, PartialEq, Eq)]
pub struct DeviceToken(pub String);

impl std::fmt::Debug for DeviceToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DeviceToken(…)")
    }
}

/// 256 random bits, URL-safe base64.
fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn argon2() -> Argon2<'static> {
    // The crate's defaults are Argon2id, m=19456 KiB, t=2, p=1.
    Argon2::default()
}

/// Hashes a password on the hashing threads.
pub async fn hash_password(ctx: &Ctx, password: String) -> Result<String, Error> {
    ctx.hashing
        .run(move || hash_password_blocking(&password))
        .await?
}

/// Hashes a password on the current thread (for seeding and the CLI).
pub fn hash_password_blocking(password: &str) -> Result<String, Error> {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    let a = argon2();
    let out_len = a
        .params()
        .output_len()
        .unwrap_or(Params::DEFAULT_OUTPUT_LEN);
    compute(&a, password.as_bytes(), salt.as_salt(), out_len)
        .and_then(|hash| {
            Ok(PasswordHash {
                algorithm: Algorithm::Argon2id.ident(),
                version: Some(Version::V0x13.into()),
                params: ParamsString::try_from(a.params())?,
                salt: Some(salt.as_salt()),
                hash: Some(hash),
            }
            .to_string())
        })
        .map_err(|e| {
            tracing::error!(error = %e, "password hashing failed");
            Error::internal()
        })
}

thread_local! {
    /// This thread's Argon2 working memory (19 MiB for the default parameters), allocated on the
    /// first hash and reused by every later one: a hash allocates nothing, so a thread that
    /// hashes all day holds one block, not one per hash left behind by the allocator (measured
    /// before: about 19.5 MB more resident memory for each of the first hashes).
    static MEMORY: std::cell::RefCell<Vec<Block>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The Argon2 output of `password` with `salt` under `a`'s parameters, `out_len` bytes, computed
/// in this thread's reused working memory.
fn compute(
    a: &Argon2<'_>,
    password: &[u8],
    salt: Salt<'_>,
    out_len: usize,
) -> Result<Output, argon2::password_hash::Error> {
    let mut salt_buf = [0u8; 64];
    let salt = salt.decode_b64(&mut salt_buf)?;
    MEMORY.with(|m| {
        let mut m = m.borrow_mut();
        let blocks = a.params().block_count();
        if m.len() < blocks {
            m.resize(blocks, Block::default());
        }
        Output::init_with(out_len, |out| {
            Ok(a.hash_password_into_with_memory(password, salt, out, &mut m[..blocks])?)
        })
    })
}

/// Whether `password` matches the PHC string `phc` (any Argon2 variant and parameters it names;
/// a malformed string matches nothing). The comparison is constant-time (`Output`'s `==`).
fn verify_blocking(password: &str, phc: &str) -> bool {
    let check = || -> Result<bool, argon2::password_hash::Error> {
        let h = PasswordHash::new(phc)?;
        let (Some(salt), Some(expected)) = (h.salt, h.hash) else {
            return Ok(false);
        };
        let version = h
            .version
            .map(Version::try_from)
            .transpose()?
            .unwrap_or_default();
        let a = Argon2::new(
            Algorithm::try_from(h.algorithm)?,
            version,
            Params::try_from(&h)?,
        );
        Ok(compute(&a, password.as_bytes(), salt, expected.len())? == expected)
    };
    check().unwrap_or(false)
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        hash_password_blocking("not a real password, only for timing").unwrap_or_default()
    })
}

/// Computes the dummy hash now (at start-up), so the first login of an unknown user takes as
/// long as every later one instead of paying for the hash it is compared against.
pub async fn warm_up(ctx: &Ctx) {
    // On the hashing threads, whose working memory every later hash reuses.
    let _ = ctx
        .hashing
        .run(|| {
            let _ = dummy_hash();
        })
        .await;
}

async fn verify(ctx: &Ctx, password: String, phc: Option<String>) -> Result<bool, Error> {
    ctx.hashing
        .run(move || match phc {
            Some(h) => verify_blocking(&password, &h),
            None => {
                // Same work as a real check, then a refusal.
                verify_blocking(&password, dummy_hash());
                false
            }
        })
        .await
}

/// 429 with the seconds to wait, in the message and in `Retry-After`.
fn throttled(wait: u64) -> Error {
    Error {
        msg: Msg::new("error.rate_limited").arg("seconds", wait),
        retry_after: Some(wait),
        ..Error::new(ErrorCode::RateLimited)
    }
}

/// The longest username and password a login looks at: anything longer is refused before any
/// work (no hash, no database, no audit row), whatever it is.
pub const MAX_LOGIN_USERNAME: usize = 64;
/// See [`MAX_LOGIN_USERNAME`]; passwords are at most 128 characters (4 bytes each at most).
pub const MAX_LOGIN_PASSWORD: usize = 512;

/// Refuses a login whose fields are longer than any real account's, before any work.
fn check_login_lengths(username: &str, password: &str) -> Result<(), Error> {
    let mut errs = crate::error::FieldErrors::new();
    if username.len() > MAX_LOGIN_USERNAME {
        errs.add(
            "username",
            Msg::new("validation.too_long").arg("max", MAX_LOGIN_USERNAME),
        );
    }
    if password.len() > MAX_LOGIN_PASSWORD {
        errs.add(
            "password",
            Msg::new("validation.too_long").arg("max", MAX_LOGIN_PASSWORD),
        );
    }
    errs.finish()
}

/// A user's columns (`id, username, full_name, role, school_id, must_change_password`), as
/// stored; flattened into the rows that read more.
#[derive(sqlx::FromRow)]
pub(crate) struct UserRow {
    id: UserId,
    username: String,
    full_name: String,
    role: String,
    school_id: Option<SchoolId>,
    must_change_password: i64,
}

impl TryFrom<UserRow> for User {
    type Error = sqlx::Error;
    /// Strict: an unknown role or a flag that is not 0/1 is an error, never a default.
    fn try_from(r: UserRow) -> Result<User, sqlx::Error> {
        Ok(User {
            id: r.id,
            username: r.username,
            full_name: r.full_name,
            role: decode("role", &r.role, Role::parse)?,
            school_id: r.school_id,
            must_change_password: decode_flag("must_change_password", r.must_change_password)?,
            area: None,
        })
    }
}

/// A user with what signing in checks.
#[derive(sqlx::FromRow)]
struct LoginRow {
    #[sqlx(flatten)]
    user: UserRow,
    password_hash: String,
    active: i64,
}

/// A session with its user.
#[derive(sqlx::FromRow)]
struct SessionRow {
    #[sqlx(flatten)]
    user: UserRow,
    active: i64,
    last_seen_at: i64,
    expires_at: i64,
}

/// One sign-in as an adapter (the REST API, the login form) received it. No `Debug`: it holds
/// a password.
#[derive(Clone, Copy)]
pub struct Attempt<'a> {
    /// As typed (case and surrounding spaces are ignored).
    pub username: &'a str,
    /// As typed.
    pub password: &'a str,
    /// The client's address.
    pub addr: &'a str,
    /// The session cookie the browser already had: ended, so the id always changes at login.
    pub old_session: Option<&'a str>,
    /// The device cookie the browser carried, if any.
    pub device: Option<&'a str>,
}

impl<'a> Attempt<'a> {
    /// The attempt of `caller` (its address, session and device cookies) with these credentials.
    pub fn of(caller: &'a Caller, username: &'a str, password: &'a str) -> Attempt<'a> {
        Attempt {
            username,
            password,
            addr: &caller.ip,
            old_session: caller.token.as_deref(),
            device: caller.device.as_deref(),
        }
    }
}

/// A successful sign-in: the user, the new session and the browser's new device token (the
/// adapter sets both cookies, see [`Caller::session_cookie`] and [`Caller::device_cookie`]).
#[derive(Debug)]
pub struct SignedIn {
    /// Who signed in.
    pub user: User,
    /// The new session.
    pub session: SessionToken,
    /// The device token that replaces whatever the browser carried.
    pub device: DeviceToken,
}

/// The most device tokens an account keeps (its most recent sign-ins); older ones are forgotten.
const DEVICES_PER_ACCOUNT: i64 = 20;

/// Checks a username and password and opens a session (RELIABILITY.md #4). Unknown user, wrong
/// password and disabled account get the same answer.
///
/// Throttling (see [`throttle`]): a browser presenting a valid device cookie for this account
/// (OWASP "device cookies": it has signed in to it before) is counted on its own counter only,
/// so an attack on the account does not keep the owner out; any other attempt is counted per
/// account × address, per account and per address. Either way the attempt is counted before
/// the hash. When the hashing threads stay busy beyond their queue's bound the answer is 503
/// with `Retry-After` and the attempt is not counted. A success issues a new device token (the
/// one presented, if any, is replaced).
pub async fn sign_in(ctx: &Ctx, a: Attempt<'_>) -> Result<SignedIn, Error> {
    check_login_lengths(a.username, a.password)?;
    let now = ctx.now();
    let addr = a.addr;
    let name = a.username.trim().to_lowercase();
    let device = match a.device {
        Some(t) => known_device(ctx, t, &name).await?,
        None => None,
    };
    // Counted before the password is checked, so a burst cannot be verified in full.
    let refused = match &device {
        Some(d) => throttle::reserve_device(ctx, d).await?,
        None => throttle::reserve(ctx, &name, addr).await?,
    };
    if let Some(wait) = refused {
        audit::write(
            &ctx.db.pool,
            now,
            Action::LoginThrottled,
            Record {
                actor_name: Some(&name),
                object: format!("user:{name}"),
                ip: Some(addr),
                ..Default::default()
            },
        )
        .await?;
        metrics::counter!("lophoc_logins_total", "outcome" => "throttled").increment(1);
        return Err(throttled(wait));
    }
    let row: Option<LoginRow> = sqlx::query_as(
        "SELECT id, username, full_name, role, school_id, password_hash, active, must_change_password FROM users WHERE username = $1",
    )
    .bind(name.clone())
    .fetch_optional(&ctx.db.pool)
    .await
    .map_err(internal)?;
    let (user, phc, active) = match row {
        Some(r) => (
            Some(User::try_from(r.user).map_err(internal)?),
            Some(r.password_hash),
            decode_flag("active", r.active).map_err(internal)?,
        ),
        None => (None, None, false),
    };
    let ok = match verify(ctx, a.password.to_owned(), phc).await {
        Ok(ok) => ok,
        Err(e) => {
            // Not checked (busy): not an attempt either.
            match &device {
                Some(d) => throttle::release_device(ctx, d).await?,
                None => throttle::release(ctx, &name, addr).await?,
            }
            return Err(e);
        }
    };
    let user = match user {
        Some(u) if ok && active => u,
        _ => {
            audit::write(
                &ctx.db.pool,
                now,
                Action::LoginFailed,
                Record {
                    actor_name: Some(&name),
                    school_id: user.as_ref().and_then(|u| u.school_id),
                    object: format!("user:{name}"),
                    ip: Some(addr),
                    ..Default::default()
                },
            )
            .await?;
            metrics::counter!("lophoc_logins_total", "outcome" => "failed").increment(1);
            return Err(Error::new(ErrorCode::InvalidCredentials));
        }
    };
    match &device {
        Some(d) => throttle::device_succeeded(ctx, d).await?,
        None => throttle::succeeded(ctx, &name, addr).await?,
    }
    if let Some(old) = a.old_session {
        end_session(ctx, old).await?;
    }
    let session = new_session(ctx, user.id).await?;
    let device = new_device(ctx, user.id, device.as_deref()).await?;
    let actor = Actor::from(&user);
    audit::write(
        &ctx.db.pool,
        now,
        Action::Login,
        Record {
            actor: Some(&actor),
            school_id: user.school_id,
            object: format!("user:{}", user.id),
            ip: Some(addr),
            ..Default::default()
        },
    )
    .await?;
    metrics::counter!("lophoc_logins_total", "outcome" => "ok").increment(1);
    Ok(SignedIn {
        user,
        session,
        device,
    })
}

/// [`sign_in`] from a browser without a device cookie, keeping only the user and the session
/// (tests and scripts that do not care about the device).
pub async fn login(
    ctx: &Ctx,
    username: &str,
    password: &str,
    addr: &str,
    old_token: Option<&str>,
) -> Result<(User, SessionToken), Error> {
    let s = sign_in(
        ctx,
        Attempt {
            username,
            password,
            addr,
            old_session: old_token,
            device: None,
        },
    )
    .await?;
    Ok((s.user, s.session))
}

/// The hash of `token` if it is a live device token of the account `username` (already
/// trimmed and lower-cased); anything else (unknown, too old, another account's, malformed) is
/// no device.
async fn known_device(ctx: &Ctx, token: &str, username: &str) -> Result<Option<String>, Error> {
    if token.is_empty() || token.len() > 128 {
        return Ok(None);
    }
    let hash = token_hash(token);
    let found = sqlx::query(
        "SELECT d.token_hash FROM login_devices d JOIN users u ON u.id = d.user_id \
         WHERE d.token_hash = $1 AND u.username = $2 AND d.created_at > $3",
    )
    .bind(hash.clone())
    .bind(username.to_owned())
    .bind(ctx.now() - crate::services::caller::DEVICE_COOKIE_MAX_AGE)
    .fetch_optional(&ctx.db.pool)
    .await
    .map_err(internal)?;
    Ok(found.map(|_| hash))
}

/// Issues a device token for `user` (the browser's proof that it has signed in to the account),
/// replacing `replaces` (the hash of the token it presented) and forgetting all but the account's
/// most recent [`DEVICES_PER_ACCOUNT`].
async fn new_device(ctx: &Ctx, user: UserId, replaces: Option<&str>) -> Result<DeviceToken, Error> {
    let token = random_token();
    let mut tx = ctx.db.pool.begin().await.map_err(internal)?;
    if let Some(old) = replaces {
        sqlx::query("DELETE FROM login_devices WHERE token_hash = $1")
            .bind(old.to_owned())
            .execute(&mut *tx)
            .await
            .map_err(internal)?;
    }
    sqlx::query("INSERT INTO login_devices (token_hash, user_id, created_at) VALUES ($1, $2, $3)")
        .bind(token_hash(&token))
        .bind(user.0)
        .bind(ctx.now())
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
    sqlx::query(
        "DELETE FROM login_devices WHERE user_id = $1 AND token_hash NOT IN \
         (SELECT token_hash FROM login_devices WHERE user_id = $1 \
          ORDER BY created_at DESC, token_hash DESC LIMIT $2)",
    )
    .bind(user.0)
    .bind(DEVICES_PER_ACCOUNT)
    .execute(&mut *tx)
    .await
    .map_err(internal)?;
    tx.commit().await.map_err(internal)?;
    Ok(DeviceToken(token))
}

/// Opens a session for a user (login, tests).
pub async fn new_session(ctx: &Ctx, user: UserId) -> Result<SessionToken, Error> {
    let now = ctx.now();
    let token = random_token();
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(token_hash(&token))
    .bind(user.0)
    .bind(now)
    .bind(now)
    .bind(now + ctx.sessions.absolute_timeout)
    .execute(&ctx.db.pool)
    .await
    .map_err(internal)?;
    Ok(SessionToken(token))
}

/// The user of a live session, or `None` (unknown, idle too long, too old, or the account is
/// disabled). Refreshes the idle clock at most once a minute to spare the database a write per
/// request.
pub async fn session_user(ctx: &Ctx, token: &str) -> Result<Option<User>, Error> {
    let now = ctx.now();
    let hash = token_hash(token);
    let row: Option<SessionRow> = sqlx::query_as(
        "SELECT u.id, u.username, u.full_name, u.role, u.school_id, u.active, u.must_change_password, s.last_seen_at, s.expires_at \
         FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1",
    )
    .bind(hash.clone())
    .fetch_optional(&ctx.db.pool)
    .await
    .map_err(internal)?;
    let Some(r) = row else { return Ok(None) };
    let (last_seen, expires) = (r.last_seen_at, r.expires_at);
    let active = decode_flag("active", r.active).map_err(internal)?;
    if !active || now >= expires || now - last_seen >= ctx.sessions.idle_timeout {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(hash)
            .execute(&ctx.db.pool)
            .await
            .map_err(internal)?;
        return Ok(None);
    }
    if now - last_seen >= 60 {
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
            .bind(now)
            .bind(hash)
            .execute(&ctx.db.pool)
            .await
            .map_err(internal)?;
    }
    let mut user = User::try_from(r.user).map_err(internal)?;
    if user.role == Role::Department {
        user.area = super::scope::officer_area(&ctx.db.pool, user.id).await?;
    }
    Ok(Some(user))
}

/// Ends a session on the server, without a record (a login replacing the browser's old one).
async fn end_session(ctx: &Ctx, token: &str) -> Result<(), Error> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash(token))
        .execute(&ctx.db.pool)
        .await
        .map_err(internal)?;
    Ok(())
}

/// Logs out: the session is dead on the server, and the audit log says who left (an unknown
/// or dead token leaves no record and is no error).
pub async fn logout(ctx: &Ctx, token: &str, ip: Option<&str>) -> Result<(), Error> {
    let user = session_user(ctx, token).await?;
    end_session(ctx, token).await?;
    if let Some(u) = user {
        audit::write(
            &ctx.db.pool,
            ctx.now(),
            Action::Logout,
            Record {
                actor: Some(&Actor::from(&u)),
                school_id: u.school_id,
                object: format!("user:{}", u.id),
                ip,
                ..Default::default()
            },
        )
        .await?;
    }
    Ok(())
}

/// A user changes their own password: the current one is required (and throttled like a
/// login, so a borrowed session cannot guess it), the new one must be valid and differ from
/// it. Clears "must change password" and ends the user's other sessions; `keep` (the session
/// making the change) stays signed in.
pub async fn change_password(
    ctx: &Ctx,
    user: &User,
    current: &str,
    new: &str,
    keep: Option<&str>,
    ip: &str,
) -> Result<(), Error> {
    check_login_lengths("", current)?;
    let mut errs = crate::error::FieldErrors::new();
    let new = errs.check("new_password", crate::validate::password(new));
    if current.is_empty() {
        errs.add("current_password", Msg::new("validation.required"));
    }
    if new.as_deref() == Some(current) {
        errs.add("new_password", Msg::new("validation.password_same"));
    }
    errs.finish()?;
    let new = new.unwrap_or_default();
    if let Some(wait) = throttle::reserve(ctx, &user.username, ip).await? {
        return Err(throttled(wait));
    }
    let phc: Option<String> = sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1")
        .bind(user.id)
        .fetch_optional(&ctx.db.pool)
        .await
        .map_err(internal)?;
    let actor = Actor::from(user);
    if !verify(ctx, current.to_owned(), phc).await? {
        audit::write(
            &ctx.db.pool,
            ctx.now(),
            Action::PasswordChangeFailed,
            Record {
                actor: Some(&actor),
                school_id: user.school_id,
                object: format!("user:{}", user.id),
                ip: Some(ip),
                ..Default::default()
            },
        )
        .await?;
        return Err(Error::field(
            "current_password",
            Msg::new("validation.current_password"),
        ));
    }
    throttle::succeeded(ctx, &user.username, ip).await?;
    let hash = hash_password(ctx, new).await?;
    let now = ctx.now();
    let mut tx = ctx.db.pool.begin().await.map_err(internal)?;
    sqlx::query(
        "UPDATE users SET password_hash = $1, must_change_password = 0, updated_at = $2 WHERE id = $3",
    )
    .bind(hash)
    .bind(now)
    .bind(user.id.0)
    .execute(&mut *tx)
    .await
    .map_err(internal)?;
    sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
        .bind(user.id.0)
        .bind(keep.map(token_hash).unwrap_or_default())
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
    audit::write(
        &mut *tx,
        now,
        Action::UserChangePassword,
        Record {
            actor: Some(&actor),
            school_id: user.school_id,
            object: format!("user:{}", user.id),
            ip: Some(ip),
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await.map_err(internal)
}

/// Ends every session of a user (disabled account, password reset).
pub async fn end_sessions_of<'e, E>(exec: E, user: UserId) -> Result<u64, Error>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let r = sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user.0)
        .execute(exec)
        .await
        .map_err(internal)?;
    Ok(r.rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;
    use argon2::password_hash::{PasswordHasher, PasswordVerifier};

    #[test]
    fn hashes_in_reused_memory_are_standard_argon2id() {
        // A hash made the crate's usual way (every hash stored before this code) verifies here …
        let salt = SaltString::generate(&mut rand::rngs::OsRng);
        let stored = Argon2::default()
            .hash_password(b"mat-khau-cu", &salt)
            .unwrap()
            .to_string();
        assert!(verify_blocking("mat-khau-cu", &stored));
        assert!(!verify_blocking("mat-khau-khac", &stored));
        // … and one made here verifies the crate's usual way, with the same parameters.
        let ours = hash_password_blocking("mat-khau-moi").unwrap();
        assert!(
            ours.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{ours}"
        );
        let parsed = PasswordHash::new(&ours).unwrap();
        assert!(
            Argon2::default()
                .verify_password(b"mat-khau-moi", &parsed)
                .is_ok()
        );
        assert!(verify_blocking("mat-khau-moi", &ours));
        // The same thread hashes again in the same memory, and other parameters still work.
        assert!(verify_blocking("mat-khau-cu", &stored));
        let light = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(8, 1, 1, None).unwrap(),
        )
        .hash_password(b"x-y-z-1234", &salt)
        .unwrap()
        .to_string();
        assert!(verify_blocking("x-y-z-1234", &light));
        assert!(!verify_blocking("x-y-z-1234", "not a hash"));
    }
}
