//! The logged-in user, loaded once per page (on the server, before the HTML is sent) and shared
//! by every component.

use crate::error::UiError;
use crate::serverfns::auth::whoami;
use leptos::prelude::*;
use lophoc::model::User;

/// The session resource.
#[derive(Clone, Copy)]
pub struct Session(pub OnceResource<Result<Option<User>, UiError>>);

/// Loads the session for this page.
pub fn provide_session() {
    // Read once: the page is rendered once, on the server (islands mode).
    provide_context(Session(OnceResource::new_blocking(whoami())));
}

/// The session resource from context.
pub fn use_session() -> Session {
    expect_context::<Session>()
}
