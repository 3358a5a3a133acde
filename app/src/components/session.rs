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

/// After signing in or changing a password from the hydrated page: loads `path` in full when
/// it arrives, so the session and everything that depends on it are read afresh. (Without
/// JavaScript the server's redirect does the same.)
pub fn load_in_full_when(path: impl Fn() -> Option<String> + 'static) {
    Effect::new(move || {
        if let Some(path) = path() {
            #[cfg(feature = "hydrate")]
            if let Some(w) = web_sys::window() {
                let _ = w.location().assign(&path);
            }
            #[cfg(not(feature = "hydrate"))]
            let _ = path;
        }
    });
}
