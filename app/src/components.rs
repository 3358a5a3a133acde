//! Components shared by pages.

pub mod csv_import_form;
pub mod error_alert;
pub mod icon;
pub mod lang_switch;
pub mod school_picker;
pub mod session;
pub mod shell;
