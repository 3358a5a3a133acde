//! The class log (sổ đầu bài): a lesson's entry on the lesson page (write, write and sign in
//! one submission, file a correction), the class's week (close it, approve a correction), the
//! verification of a school's chains and the department's on-time ranking. Each is one call of
//! `lophoc::services::class_log`; the forms answer a plain form with a redirect back to the
//! page's log section and the keys of [`back`] (what was typed kept on an error).

// A form's server function takes one argument per field (the plain form posts them by name),
// and `#[server]` generates the browser's copy without the function's own attributes.
#![allow(clippy::too_many_arguments)]

use crate::error::UiError;
use leptos::prelude::*;
use lophoc::class_log::{ChainReport, LessonLog, LogWeek, SchoolLogOnTime};
use lophoc::ids::{ClassId, SchoolId};

/// Query-string keys of the class log forms' answers.
pub mod back {
    crate::serverfns::echo::answer_keys! {
        notes {
            /// The entry was saved (`1`) or saved and signed (`signed`).
            LOG_SAVED = "log_saved";
            /// A correction was filed (`1`) or filed and approved at once (`approved`).
            CORRECTED = "log_corrected";
            /// A week was closed: `homeroom` or `principal`.
            CLOSED = "log_closed";
            /// A correction was approved.
            APPROVED = "log_approved";
        }
        echoes {
            /// What the teacher typed into the entry's form that failed.
            ENTRY: super::WriteLessonLog = "log_";
            /// What was typed into the correction's form that failed.
            CORRECTION: super::CorrectLessonLog = "corr_";
        }
    }
}

/// The anchor of the lesson page's log section (and of the week page's answers).
pub const ANCHOR: &str = "class-log";

/// A lesson's log on its page: the entry, the suggestions for an unwritten one, the deadline
/// and what the caller may do.
#[server(prefix = "/fn", endpoint = "lesson_log_view")]
pub async fn lesson_log_view(
    /// The lesson's class.
    class: ClassId,
    /// The lesson's day, `YYYY-MM-DD`.
    date: String,
    /// The lesson's period.
    period: i64,
) -> Result<LessonLog, UiError> {
    let (c, actor) = crate::ssr::actor()?;
    let ctx = crate::ssr::ctx()?;
    let fail = |e| crate::ssr::fail(&c, e);
    let date = lophoc::dates::parse_date(&date).ok_or_else(|| fail(lophoc::Error::not_found()))?;
    lophoc::services::class_log::lesson(&ctx, &actor, class, date, period)
        .await
        .map_err(fail)
}

/// The entry as the form sends it: every field as typed; the syllabus period read as a number
/// (what is not one is refused on its field, in the service's words).
#[cfg(feature = "ssr")]
fn log_input(
    title: &str,
    ppct: &str,
    remarks: &str,
    grade: &str,
) -> Result<lophoc::class_log::LogInput, lophoc::Error> {
    let ppct = match ppct.trim() {
        "" => None,
        p => Some(p.parse::<i64>().map_err(|_| {
            lophoc::Error::field(
                "ppct",
                lophoc::Msg::new("log.ppct_range").arg("max", lophoc::class_log::MAX_PPCT),
            )
        })?),
    };
    let opt = |s: &str| (!s.trim().is_empty()).then(|| s.to_owned());
    Ok(lophoc::class_log::LogInput {
        title: title.to_owned(),
        ppct,
        remarks: opt(remarks),
        grade: opt(grade),
    })
}

/// Writes a lesson's entry from the lesson page's form ("Lưu"), or writes and signs it in one
/// submission ("Ký": the button sends `sign`). Answers whether it is signed.
#[server(prefix = "/fn", endpoint = "write_lesson_log")]
pub async fn write_lesson_log(
    /// The lesson's class.
    class: ClassId,
    /// The lesson's day, `YYYY-MM-DD`.
    date: String,
    /// The lesson's period.
    period: i64,
    /// The lesson title.
    title: String,
    /// Tiết PPCT, as typed.
    ppct: String,
    /// Remarks.
    remarks: String,
    /// `A`…`D`, or empty.
    grade: String,
    /// Present (any value) when the "Ký" button sent the form.
    sign: Option<String>,
) -> Result<bool, UiError> {
    use server_fn::ServerFn;
    let typed = WriteLessonLog {
        class,
        date,
        period,
        title,
        ppct,
        remarks,
        grade,
        sign,
    };
    let r = async {
        let (c, actor) = crate::ssr::actor()?;
        let ctx = crate::ssr::ctx()?;
        let fail = |e| crate::ssr::fail(&c, e);
        let day = lophoc::dates::parse_date(&typed.date)
            .ok_or_else(|| fail(lophoc::Error::not_found()))?;
        let input =
            log_input(&typed.title, &typed.ppct, &typed.remarks, &typed.grade).map_err(fail)?;
        let entry = if typed.sign.is_some() {
            lophoc::services::class_log::sign(
                &ctx,
                &actor,
                class,
                day,
                period,
                Some(&input),
                &lophoc::class_log::SignInput::default(),
                Some(&c.ip),
            )
            .await
        } else {
            lophoc::services::class_log::put(&ctx, &actor, class, day, period, &input, Some(&c.ip))
                .await
        };
        entry.map(|e| e.signed_by.is_some()).map_err(fail)
    }
    .await;
    crate::serverfns::form::answer_at(
        r,
        WriteLessonLog::PATH,
        ANCHOR,
        back::is_answer,
        |signed| {
            vec![(
                back::LOG_SAVED,
                if *signed { "signed" } else { "1" }.to_owned(),
            )]
        },
        back::ENTRY.pairs(&typed),
    )
}

/// Files a correction of a signed (or closed) lesson's entry, with a reason.
#[server(prefix = "/fn", endpoint = "correct_lesson_log")]
pub async fn correct_lesson_log(
    /// The lesson's class.
    class: ClassId,
    /// The lesson's day, `YYYY-MM-DD`.
    date: String,
    /// The lesson's period.
    period: i64,
    /// Why.
    reason: String,
    /// The corrected title.
    title: String,
    /// The corrected tiết PPCT, as typed.
    ppct: String,
    /// The corrected remarks.
    remarks: String,
    /// The corrected grade, `A`…`D` or empty.
    grade: String,
) -> Result<bool, UiError> {
    use server_fn::ServerFn;
    let typed = CorrectLessonLog {
        class,
        date,
        period,
        reason,
        title,
        ppct,
        remarks,
        grade,
    };
    let r = async {
        let (c, actor) = crate::ssr::actor()?;
        let ctx = crate::ssr::ctx()?;
        let fail = |e| crate::ssr::fail(&c, e);
        let entry =
            log_input(&typed.title, &typed.ppct, &typed.remarks, &typed.grade).map_err(fail)?;
        let input = lophoc::class_log::CorrectionInput {
            date: typed.date.clone(),
            period,
            reason: typed.reason.clone(),
            entry,
        };
        lophoc::services::class_log::correct(&ctx, &actor, class, &input, Some(&c.ip))
            .await
            .map(|k| k.approved_at.is_some())
            .map_err(fail)
    }
    .await;
    crate::serverfns::form::answer_at(
        r,
        CorrectLessonLog::PATH,
        ANCHOR,
        back::is_answer,
        |approved| {
            vec![(
                back::CORRECTED,
                if *approved { "approved" } else { "1" }.to_owned(),
            )]
        },
        back::CORRECTION.pairs(&typed),
    )
}

/// A class's log week (`week`: any day of it, `YYYY-MM-DD`; this week when absent).
#[server(prefix = "/fn", endpoint = "class_log_week")]
pub async fn class_log_week(
    /// The class.
    class: ClassId,
    /// A day of the week.
    week: Option<String>,
) -> Result<LogWeek, UiError> {
    let (c, actor) = crate::ssr::actor()?;
    let ctx = crate::ssr::ctx()?;
    lophoc::services::class_log::week(&ctx, &actor, class, week.as_deref())
        .await
        .map_err(|e| crate::ssr::fail(&c, e))
}

/// Closes a class's week (the homeroom teacher, then the principal). Answers which closing
/// was made: `homeroom` or `principal`.
#[server(prefix = "/fn", endpoint = "close_log_week")]
pub async fn close_log_week(
    /// The class.
    class: ClassId,
    /// The week's Monday, `YYYY-MM-DD`.
    monday: String,
) -> Result<String, UiError> {
    use server_fn::ServerFn;
    let r = async {
        let (c, actor) = crate::ssr::actor()?;
        let ctx = crate::ssr::ctx()?;
        lophoc::services::class_log::close_week(&ctx, &actor, class, &monday, Some(&c.ip))
            .await
            .map(|w| {
                if w.principal.is_some() {
                    "principal"
                } else {
                    "homeroom"
                }
                .to_owned()
            })
            .map_err(|e| crate::ssr::fail(&c, e))
    }
    .await;
    crate::serverfns::form::answer_at(
        r,
        CloseLogWeek::PATH,
        ANCHOR,
        back::is_answer,
        |step| vec![(back::CLOSED, step.clone())],
        vec![],
    )
}

/// Approves a correction (the school's administrators: the principal).
#[server(prefix = "/fn", endpoint = "approve_log_correction")]
pub async fn approve_log_correction(
    /// The class.
    class: ClassId,
    /// The correction.
    id: i64,
) -> Result<(), UiError> {
    use server_fn::ServerFn;
    let r = async {
        let (c, actor) = crate::ssr::actor()?;
        let ctx = crate::ssr::ctx()?;
        lophoc::services::class_log::approve(&ctx, &actor, class, id, Some(&c.ip))
            .await
            .map(|_| ())
            .map_err(|e| crate::ssr::fail(&c, e))
    }
    .await;
    crate::serverfns::form::answer_at(
        r,
        ApproveLogCorrection::PATH,
        ANCHOR,
        back::is_answer,
        |_| vec![(back::APPROVED, "1".to_owned())],
        vec![],
    )
}

/// Verifies a school's class-log chains (its administrators, the department).
#[server(prefix = "/fn", endpoint = "verify_class_log")]
pub async fn verify_class_log(
    /// The school.
    school: SchoolId,
) -> Result<ChainReport, UiError> {
    let (c, actor) = crate::ssr::actor()?;
    let ctx = crate::ssr::ctx()?;
    lophoc::services::class_log::verify(&ctx, &actor, school)
        .await
        .map_err(|e| crate::ssr::fail(&c, e))
}

/// Every school's share of lessons signed on time from `from` to `to` (the last 30 days by
/// default; the department): the range as read, and the schools.
#[server(prefix = "/fn", endpoint = "log_on_time_by_school")]
pub async fn log_on_time_by_school(
    /// The range's first day (30 days ago when absent).
    from: Option<String>,
    /// The range's last day (today when absent).
    to: Option<String>,
) -> Result<(String, String, Vec<SchoolLogOnTime>), UiError> {
    let (c, actor) = crate::ssr::actor()?;
    let ctx = crate::ssr::ctx()?;
    let fail = |e| crate::ssr::fail(&c, e);
    let (from, to) =
        lophoc::dates::report_range(ctx.now(), from.as_deref(), to.as_deref()).map_err(fail)?;
    let items = lophoc::services::class_log::on_time_by_school(&ctx, &actor, from, to)
        .await
        .map_err(fail)?;
    Ok((from.to_string(), to.to_string(), items))
}
