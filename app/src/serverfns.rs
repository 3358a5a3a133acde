//! Server functions, one file per domain. Each is an adapter: caller → one service → error in
//! the user's language. Paths are fixed (`/fn/<name>`) so the authorization matrix and the
//! cross-origin check name them.

pub mod auth;
pub mod bookings;
pub mod class_log;
pub mod classes;
pub mod devices;
pub mod echo;
#[cfg(feature = "ssr")]
pub mod form;
pub mod materials;
pub mod periods;
pub mod pilot;
pub mod prefs;
pub mod roll_calls;
pub mod schools;
pub mod substitutes;
pub mod users;
