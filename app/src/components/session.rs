//! The logged-in user, loaded once per page (on the server, before the HTML is sent) and shared
//! by every component.

use crate::error::UiError;
use crate::serverfns::auth::whoami;
use leptos::prelude::*;
use lophoc::model::User;

/// The session resource.
#[derive(Clone, Copy)]
pub struct Session(pub Resource<Result<Option<User>, UiError>>);

/// Loads the session for this page.
pub fn provide_session() {
    provide_context(Session(Resource::new_blocking(|| (), |_| whoami())));
}

/// The session resource from context.
pub fn use_session() -> Session {
    expect_context::<Session>()
}
