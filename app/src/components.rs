//! Components shared by pages.

pub mod error_alert;
pub mod icon;
pub mod lang_switch;
pub mod session;
pub mod shell;
