//! Components shared by pages.

pub mod account_fields;
pub mod as_of_form;
pub mod badges;
pub mod bar_chart;
pub mod csv_import_form;
pub mod error_alert;
pub mod field;
pub mod format;
pub mod icon;
pub mod lang_switch;
pub mod line_chart;
pub mod loading;
pub mod material_fields;
pub mod material_info;
pub mod material_upload;
pub mod notice;
pub mod outbox;
pub mod page_title;
pub mod pagination;
pub mod pilot_filter;
pub mod pilot_groups;
pub mod pilot_trend;
pub mod progress_target;
pub mod school_picker;
pub mod session;
pub mod shell;
