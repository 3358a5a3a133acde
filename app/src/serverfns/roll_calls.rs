//! The teacher's day, the roll-call page, the missing roll calls and the attendance reports.
//! Each is one service call; taking the roll is also the target of the page's plain form (it
//! answers with a redirect back to the lesson, `?saved=1`, or the error and what was marked).

#[cfg(feature = "ssr")]
use super::classes::back;
use crate::error::UiError;
use leptos::prelude::*;
use lophoc::attendance::{AttendanceSummary, MissingRollCall, SchoolOnTime};
use lophoc::ids::ClassId;
use lophoc::lessons::Lesson;
use lophoc::lessons::RollCallView;
use lophoc::lessons::TeacherWeek;
use server_fn::codec::{MultipartData, MultipartFormData};

/// The caller's lessons today with their roll-call state and booked devices.
#[server(prefix = "/fn", endpoint = "my_day")]
pub async fn my_day() -> Result<Vec<Lesson>, UiError> {
    let (c, actor) = crate::ssr::actor()?;
    let ctx = crate::ssr::ctx()?;
    lophoc::services::roll_calls::my_day(&ctx, &actor, None)
        .await
        .map_err(|e| crate::ssr::fail(&c, e))
}

/// The caller's teaching week containing `date` (this week when absent): each day's lessons
/// with their roll-call state; a `date` that is not a date is refused in the caller's language.
#[server(prefix = "/fn", endpoint = "my_week")]
pub async fn my_week(
    /// Any day of the week (`YYYY-MM-DD`), as the home page's `?date=` carries it.
    date: Option<String>,
) -> Result<TeacherWeek, UiError> {
    let (c, actor) = crate::ssr::actor()?;
    let ctx = crate::ssr::ctx()?;
    lophoc::services::roll_calls::my_week(&ctx, &actor, date.as_deref())
        .await
        .map_err(|e| crate::ssr::fail(&c, e))
}

/// A lesson's roll-call page: the lesson, the students and their marks, whether the caller may
/// write, the history of changes.
#[server(prefix = "/fn", endpoint = "lesson_roll_call")]
pub async fn lesson_roll_call(
    /// The lesson's class.
    class: ClassId,
    /// The lesson's day.
    date: String,
    /// The lesson's period number in that day.
    period: i64,
) -> Result<RollCallView, UiError> {
    let (c, actor) = crate::ssr::actor()?;
    let ctx = crate::ssr::ctx()?;
    let date = chrono::NaiveDate::parse_from_str(&date, "%Y-%m-%d")
        .map_err(|_| crate::ssr::fail(&c, lophoc::Error::not_found()))?;
    lophoc::services::roll_calls::view(&ctx, &actor, class, date, period)
        .await
        .map_err(|e| crate::ssr::fail(&c, e))
}

/// Takes or changes a lesson's roll call from the page's form: `class`, `date`, `period`, and
/// `s<student id>` (status) / `n<student id>` (remark) per student.
#[server(input = MultipartFormData, prefix = "/fn", endpoint = "take_roll_call")]
pub async fn take_roll_call(
    /// The roll-call form, as posted.
    data: MultipartData,
) -> Result<bool, UiError> {
    use server_fn::ServerFn;
    let mut marks = String::new();
    let r = async {
        let (c, actor) = crate::ssr::actor()?;
        let ctx = crate::ssr::ctx()?;
        let fail = |e| crate::ssr::fail(&c, e);
        let form = crate::serverfns::form::read_multipart(data, "", 0)
            .await
            .map_err(fail)?;
        let not_found = || fail(lophoc::Error::not_found());
        let class: ClassId = form
            .field("class")
            .and_then(|v| v.trim().parse().ok())
            .ok_or_else(not_found)?;
        let date = form
            .field("date")
            .and_then(|v| chrono::NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d").ok())
            .ok_or_else(not_found)?;
        let period: i64 = form
            .field("period")
            .and_then(|v| v.trim().parse().ok())
            .ok_or_else(not_found)?;
        let input = lophoc::roll_calls::roll_call_from_form(&form.fields).map_err(fail)?;
        marks = input
            .entries
            .iter()
            .filter(|e| e.status != lophoc::roll_calls::Status::Present)
            .map(|e| format!("{}.{}", e.student_id, e.status.as_str()))
            .collect::<Vec<_>>()
            .join(",");
        lophoc::services::roll_calls::put(&ctx, &actor, class, date, period, &input, Some(&c.ip))
            .await
            .map(|(_, created)| created)
            .map_err(fail)
    }
    .await;
    crate::serverfns::form::reply(
        r,
        TakeRollCall::PATH,
        |k| k != back::SAVED && k != back::MARKS,
        |r| match r {
            Ok(_) => vec![(back::SAVED, "1".to_owned())],
            Err(_) => vec![(back::MARKS, marks)],
        },
        "",
    )
}

/// The school's lessons with no roll call: today's (ended ones), or with `week` since Monday,
/// or those of `date` (dd/mm/yyyy or `YYYY-MM-DD`).
#[server(prefix = "/fn", endpoint = "missing_roll_calls")]
pub async fn missing_roll_calls(
    /// Whether to list the whole week since Monday, not just today.
    week: bool,
    /// The one day to list instead (dd/mm/yyyy or `YYYY-MM-DD`).
    date: Option<String>,
) -> Result<Vec<MissingRollCall>, UiError> {
    let (c, actor) = crate::ssr::actor()?;
    let ctx = crate::ssr::ctx()?;
    let fail = |e| crate::ssr::fail(&c, e);
    let school = actor.school_or(None).map_err(fail)?;
    let today = lophoc::dates::today_at(ctx.now());
    let (from, to) = match lophoc::dates::optional_date("date", date.as_deref()).map_err(fail)? {
        Some(d) => (d, d),
        None if week => (lophoc::dates::monday_of(today), today),
        None => (today, today),
    };
    lophoc::services::roll_calls::missing(&ctx, &actor, school, from, to)
        .await
        .map_err(fail)
}

/// A class's attendance from `from` to `to` (dd/mm/yyyy or `YYYY-MM-DD`; the last 30 days by
/// default), per student.
#[server(prefix = "/fn", endpoint = "class_attendance")]
pub async fn class_attendance(
    /// The class whose attendance is summed up.
    class: ClassId,
    /// The range's first day (30 days ago when absent).
    from: Option<String>,
    /// The range's last day (today when absent).
    to: Option<String>,
) -> Result<(lophoc::classes::Class, AttendanceSummary), UiError> {
    let (c, actor) = crate::ssr::actor()?;
    let ctx = crate::ssr::ctx()?;
    let fail = |e| crate::ssr::fail(&c, e);
    let (from, to) =
        lophoc::dates::report_range(ctx.now(), from.as_deref(), to.as_deref()).map_err(fail)?;
    let (k, _) = lophoc::services::classes::get(&ctx, &actor, class)
        .await
        .map_err(fail)?;
    let s = lophoc::services::roll_calls::summary(&ctx, &actor, class, from, to)
        .await
        .map_err(fail)?;
    Ok((k, s))
}

/// Every school's on-time share from `from` to `to` (the last 30 days by default; the
/// department).
#[server(prefix = "/fn", endpoint = "on_time_by_school")]
pub async fn on_time_by_school(
    /// The range's first day (30 days ago when absent).
    from: Option<String>,
    /// The range's last day (today when absent).
    to: Option<String>,
) -> Result<(String, String, Vec<SchoolOnTime>), UiError> {
    let (c, actor) = crate::ssr::actor()?;
    let ctx = crate::ssr::ctx()?;
    let fail = |e| crate::ssr::fail(&c, e);
    let (from, to) =
        lophoc::dates::report_range(ctx.now(), from.as_deref(), to.as_deref()).map_err(fail)?;
    let items = lophoc::services::roll_calls::on_time_by_school(&ctx, &actor, from, to)
        .await
        .map_err(fail)?;
    Ok((from.to_string(), to.to_string(), items))
}
