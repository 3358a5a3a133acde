//! Log in, log out, who am I.

use crate::error::UiError;
use leptos::prelude::*;
use lophoc::model::User;

/// The logged-in user, if any.
#[server(prefix = "/fn", endpoint = "whoami")]
pub async fn whoami() -> Result<Option<User>, UiError> {
    Ok(crate::ssr::caller().user)
}

/// Checks the login, sets the session cookie (a new id every time) and the device cookie and goes to `next`: a plain
/// form post gets a redirect (a script calling the function gets the path back), so the next
/// page is loaded in full with the new session.
#[server(prefix = "/fn", endpoint = "login")]
pub async fn login(
    /// The username typed on the login form.
    username: String,
    /// The password typed on the login form.
    password: String,
    /// The page to go to once signed in (a path on this site; home when absent).
    next: Option<String>,
) -> Result<String, UiError> {
    use crate::ssr::{caller, ctx, fail, safe_path, set_cookie};
    let c = caller();
    let ctx = ctx()?;
    // Checked first: a bad target is refused before any password is looked at.
    let next = safe_path(next.as_deref())?;
    let s = lophoc::services::auth::sign_in(
        &ctx,
        lophoc::services::auth::Attempt::of(&c, &username, &password),
    )
    .await
    .map_err(|e| fail(&c, e))?;
    set_cookie(&c.session_cookie(&s.session.0));
    set_cookie(&c.device_cookie(&s.device.0));
    if crate::ssr::is_plain_form_post() {
        leptos_axum::redirect(&next);
    }
    Ok(next)
}

/// Ends the session on the server and clears the cookie.
#[server(prefix = "/fn", endpoint = "logout")]
pub async fn logout() -> Result<(), UiError> {
    use crate::ssr::{caller, ctx, fail, set_cookie};
    let c = caller();
    if let Some(t) = &c.token {
        lophoc::services::auth::logout(&ctx()?, t, Some(&c.ip))
            .await
            .map_err(|e| fail(&c, e))?;
    }
    set_cookie(&c.clear_session_cookie());
    leptos_axum::redirect("/login");
    Ok(())
}

/// Changes the caller's own password (the current one required). Allowed while the password
/// must be changed, which is what it is for; afterwards the caller goes home (a plain form post
/// gets a redirect; a script calling the function gets `/` back).
#[server(prefix = "/fn", endpoint = "change_password")]
pub async fn change_password(
    /// The caller's current password.
    current_password: String,
    /// The password to set instead.
    new_password: String,
) -> Result<String, UiError> {
    use crate::ssr::{caller, ctx, fail};
    let c = caller();
    let user = c
        .user
        .clone()
        .ok_or_else(|| fail(&c, lophoc::Error::unauthenticated()))?;
    lophoc::services::auth::change_password(
        &ctx()?,
        &user,
        &current_password,
        &new_password,
        c.token.as_deref(),
        &c.ip,
    )
    .await
    .map_err(|e| fail(&c, e))?;
    if crate::ssr::is_plain_form_post() {
        leptos_axum::redirect("/");
    }
    Ok("/".to_owned())
}
