//! Services and data access (feature `server`).
//!
//! Every function here takes the [`Ctx`] (pool, clock, settings) and, where a user
//! is acting, the [`Actor`](crate::model::Actor). Authorization is decided here, once, so the UI's
//! server functions and the REST API cannot disagree about who may do what.

pub mod aggregates;
pub mod audit;
pub mod auth;
pub mod backup;
pub mod bookings;
pub mod caller;
pub mod class_log;
pub mod classes;
pub mod csv_import;
pub mod ctx;
pub mod db;
pub mod device_page;
pub mod devices;
pub mod files;
pub mod hashing;
pub mod lesson_access;
pub mod materials;
pub mod periods;
pub mod pilot;
pub mod roll_calls;
pub mod schools;
pub mod scope;
pub mod seed;
pub mod substitutes;
pub mod throttle;
pub mod timetable;
pub mod users;
pub mod utilisation;
pub mod week;
pub mod xlsx;

#[cfg(any(test, feature = "testing"))]
pub mod testing;

#[cfg(test)]
mod auth_tests;
#[cfg(test)]
mod backup_tests;
#[cfg(test)]
mod bookings_props_tests;
#[cfg(test)]
mod bookings_tests;
#[cfg(test)]
mod class_log_tests;
#[cfg(test)]
mod classes_tests;
#[cfg(test)]
mod daily_use_tests;
#[cfg(test)]
mod materials_tests;
#[cfg(test)]
mod pilot_tests;
#[cfg(test)]
mod roll_calls_tests;
#[cfg(test)]
mod schools_tests;
#[cfg(test)]
mod scope_tests;
#[cfg(test)]
mod seed_tests;
#[cfg(test)]
mod substitutes_tests;
#[cfg(test)]
mod teacher_week_tests;
#[cfg(test)]
mod users_tests;

pub use caller::Caller;
pub use ctx::{Clock, Ctx, SessionSettings};
pub use db::{Db, Engine};
