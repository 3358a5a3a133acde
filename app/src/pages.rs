//! Pages, one file per page.

pub mod accounts_page;
pub mod home_page;
pub mod login_page;
pub mod not_found_page;
pub mod school_import_page;
pub mod school_page;
pub mod schools_page;
pub mod teachers_page;
