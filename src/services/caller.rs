//! Who is calling, as the HTTP layer resolved it once per request: the session's user, the
//! language, the client address. The REST handlers and the UI's server functions both read it,
//! so both answer the same caller the same way.

use crate::i18n::Lang;
use crate::model::{Actor, User};

/// The name of the session cookie over plain HTTP.
pub const SESSION_COOKIE: &str = "lophoc_session";
/// The name of the session cookie under HTTPS: the `__Host-` prefix pins it to this host and
/// path `/` and requires `Secure`.
pub const SESSION_COOKIE_SECURE: &str = "__Host-lophoc_session";
/// The name of the device cookie over plain HTTP: set at every sign-in, it marks this browser
/// as one that has signed in to the account before (RELIABILITY.md #4, see `auth::sign_in`).
pub const DEVICE_COOKIE: &str = "lophoc_device";
/// The name of the device cookie under HTTPS (`__Host-`, as the session cookie).
pub const DEVICE_COOKIE_SECURE: &str = "__Host-lophoc_device";
/// How long a browser keeps its device cookie, in seconds (a year; renewed at every sign-in).
pub const DEVICE_COOKIE_MAX_AGE: i64 = 365 * 24 * 3600;
/// The name of the language cookie.
pub const LANG_COOKIE: &str = "lophoc_lang";

/// The caller of one request.
#[derive(Debug, Clone, Default)]
pub struct Caller {
    /// The session's user, if the session is live.
    pub user: Option<User>,
    /// The session token the request carried (live or not). Never logged.
    pub token: Option<String>,
    /// The device cookie the request carried (whether it is valid is the login's business).
    /// Never logged.
    pub device: Option<String>,
    /// The language to answer in: the language cookie, else `Accept-Language`, else Vietnamese.
    pub lang: Lang,
    /// The client's address.
    pub ip: String,
    /// Whether cookies must be `Secure` (served over HTTPS).
    pub secure: bool,
}

impl Caller {
    /// The acting user, or 401. A user whose password someone else set (an administrator's
    /// reset) may do nothing until they choose their own: 403 with a message saying so. Every
    /// service call on behalf of a session goes through here, so no route can forget it; only
    /// changing the password, logging out and "who am I" read [`Caller::user`] directly.
    pub fn actor(&self) -> Result<Actor, crate::Error> {
        match &self.user {
            None => Err(crate::Error::unauthenticated()),
            Some(u) if u.must_change_password => Err(crate::Error::with_msg(
                crate::ErrorCode::Forbidden,
                crate::Msg::new("error.password_change_required"),
            )),
            Some(u) => Ok(Actor::from(u)),
        }
    }

    /// The `Set-Cookie` value that stores a new session token.
    pub fn session_cookie(&self, token: &str) -> String {
        if self.secure {
            format!("{SESSION_COOKIE_SECURE}={token}; Path=/; HttpOnly; SameSite=Lax; Secure")
        } else {
            format!("{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax")
        }
    }

    /// The `Set-Cookie` value that removes the session cookie.
    pub fn clear_session_cookie(&self) -> String {
        if self.secure {
            format!("{SESSION_COOKIE_SECURE}=; Path=/; HttpOnly; SameSite=Lax; Secure; Max-Age=0")
        } else {
            format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0")
        }
    }

    /// The `Set-Cookie` value that stores a new device token. `HttpOnly`, and kept when the
    /// session ends (logging out does not make the browser a stranger).
    pub fn device_cookie(&self, token: &str) -> String {
        if self.secure {
            format!(
                "{DEVICE_COOKIE_SECURE}={token}; Path=/; HttpOnly; SameSite=Lax; Secure; Max-Age={DEVICE_COOKIE_MAX_AGE}"
            )
        } else {
            format!(
                "{DEVICE_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={DEVICE_COOKIE_MAX_AGE}"
            )
        }
    }

    /// The device cookie's name as this request reads it: under HTTPS only the `__Host-` one
    /// counts, as for the session cookie.
    pub fn device_cookie_name(secure: bool) -> &'static str {
        if secure {
            DEVICE_COOKIE_SECURE
        } else {
            DEVICE_COOKIE
        }
    }

    /// The `Set-Cookie` value that remembers the language for a year.
    pub fn lang_cookie(&self, lang: Lang) -> String {
        let secure = if self.secure { "; Secure" } else { "" };
        format!(
            "{LANG_COOKIE}={}; Path=/; SameSite=Lax; Max-Age=31536000{secure}",
            lang.code()
        )
    }
}

/// Reads one cookie from a `Cookie` header.
pub fn cookie<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    header.split(';').find_map(|kv| {
        let (k, v) = kv.trim().split_once('=')?;
        (k == name).then_some(v)
    })
}
