//! Pages, one file per page.

pub mod accounts_page;
pub mod attendance_page;
pub mod attendance_summary_page;
pub mod book_page;
pub mod bookings_page;
pub mod class_page;
pub mod classes_page;
pub mod device_labels_page;
pub mod device_page;
pub mod devices_page;
pub mod home_page;
pub mod login_page;
pub mod material_page;
pub mod material_storage_page;
pub mod materials_page;
pub mod not_found_page;
pub mod on_time_page;
pub mod password_page;
pub mod periods_page;
pub mod roll_call_page;
pub mod school_import_page;
pub mod school_page;
pub mod schools_page;
pub mod teachers_page;
pub mod timetable_page;
pub mod utilisation_page;
