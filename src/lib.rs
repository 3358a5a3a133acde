//! Lớp Học's domain core.
//!
//! Without features this crate is plain Rust that also compiles to wasm: ids, roles, school
//! levels, validation, Vietnamese text folding, translations and the error type shared by every
//! layer. With the `server` feature it adds the data access (sqlx on SQLite or PostgreSQL) and the
//! services, which are the one place where authorization is decided.

pub mod attendance;
pub mod bookings;
pub mod class_log;
pub mod classes;
pub mod dates;
pub mod device_page;
pub mod devices;
pub mod error;
pub mod i18n;
pub mod ids;
pub mod lessons;
pub mod materials;
pub mod menu;
pub mod model;
pub mod names;
pub mod periods;
pub mod pilot;
pub mod roll_calls;
pub mod subjects;
pub mod substitutes;
pub mod text;
pub mod timetable;
pub mod utilisation;
pub mod validate;
pub mod week;

#[cfg(feature = "server")]
pub mod services;

pub use error::{Error, ErrorCode, Msg};
pub use i18n::Lang;
