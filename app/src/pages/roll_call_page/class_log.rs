//! The lesson page's "Sổ đầu bài" section: the lesson's log entry (title, tiết PPCT, remarks,
//! grade, the absentees from the roll call) written and signed in one tap ("Ký") after the roll
//! call; once signed, who signed and when, on time or late, and a correction with a reason for
//! whoever may file one, shown next to the original. Plain forms: the answer comes back in the
//! query (what was typed kept, the errors next to the fields).

use crate::components::class_log::{CorrectionLine, LogBadge, absentees_text, grade_options};
use crate::components::error_alert::ErrorAlert;
use crate::components::field::{Field, SelectField, TextAreaField};
use crate::components::icon::Icon;
use crate::components::notice::SuccessNote;
use crate::error::{UiError, field_error, from_query};
use crate::i18n::{tr, trf};
use crate::serverfns::class_log::{
    ANCHOR, CorrectLessonLog, WriteLessonLog, back, lesson_log_view,
};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use lophoc::class_log::{LessonLog, LogEntry};
use lophoc::dates::display_timestamp;
use lophoc::ids::ClassId;
use server_fn::ServerFn;

/// The section, loaded on its own (the roll call above shows first).
#[component]
pub fn LessonLogSection(
    /// The lesson's class.
    class: ClassId,
    /// The lesson's day, `YYYY-MM-DD`.
    date: String,
    /// The lesson's period.
    period: i64,
    /// Whether the roll call was taken (the absentees come from it).
    roll_taken: bool,
) -> impl IntoView {
    let data = OnceResource::new(lesson_log_view(class, date, period));
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(v) => view! { <Section v roll_taken /> }.into_any(),
                    // Whoever may not read the log sees the lesson without it.
                    Err(e) if e.code == lophoc::ErrorCode::Forbidden => ().into_any(),
                    Err(e) => view! { <ErrorAlert error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// "Ký lúc 10:02 — ký muộn 7 phút" / "đúng hạn", with the arrival of a signature sent later.
fn signed_line(e: &LogEntry) -> Option<String> {
    let (name, at) = (e.signed_by_name.clone()?, e.signed_at.clone()?);
    let mut s = trf(
        "log.signed_by",
        &[("name", name), ("at", display_timestamp(&at))],
    );
    if let Some(r) = e.received_at.as_deref().filter(|r| !r.is_empty()) {
        s.push_str(" · ");
        s.push_str(&trf("log.received_at", &[("at", display_timestamp(r))]));
    }
    Some(s)
}

#[component]
fn Section(v: LessonLog, roll_taken: bool) -> impl IntoView {
    let query = use_query_map();
    let (error, corr_error, saved, corrected, typed, corr_typed) = query.with_untracked(|q| {
        (
            from_query(q, WriteLessonLog::PATH),
            from_query(q, CorrectLessonLog::PATH),
            q.get(back::LOG_SAVED),
            q.get(back::CORRECTED),
            back::ENTRY.read(q),
            back::CORRECTION.read(q),
        )
    });
    let note = saved
        .map(|s| {
            tr(if s == "signed" {
                "log.signed_note"
            } else {
                "log.saved_note"
            })
            .to_owned()
        })
        .or_else(|| {
            corrected.map(|s| {
                tr(if s == "approved" {
                    "log.corrected_approved_note"
                } else {
                    "log.corrected_note"
                })
                .to_owned()
            })
        });
    let e = v.entry.clone();
    let week_href = format!("/classes/{}/log?week={}", e.class_id, e.date);
    let deadline = trf("log.deadline", &[("at", display_timestamp(&v.deadline))]);
    let absentees = if e.absentees.is_empty() {
        tr(if roll_taken || e.signed_by.is_some() {
            "log.no_absentees"
        } else {
            "log.roll_not_taken"
        })
        .to_owned()
    } else {
        absentees_text(&e.absentees)
    };
    let body = if v.may_sign {
        view! { <EntryForm v=v.clone() typed error=error.clone() absentees=absentees.clone() /> }
            .into_any()
    } else {
        view! { <EntryView e=e.clone() absentees=absentees.clone() /> }.into_any()
    };
    let corrections = (!e.corrections.is_empty()).then(|| {
        let items = e
            .corrections
            .iter()
            .map(|c| view! { <li><CorrectionLine c=c.clone() /></li> })
            .collect_view();
        view! {
            <div class="stack">
                <h3>{tr("log.corrections")}</h3>
                <ul class="log-corrections">{items}</ul>
            </div>
        }
    });
    let correct = v
        .may_correct
        .then(|| view! { <CorrectionForm e=e.clone() typed=corr_typed error=corr_error /> });
    view! {
        <section class="card" id=ANCHOR aria-labelledby="class-log-title">
            <div class="card-header">
                <div class="cluster">
                    <h2 id="class-log-title">{tr("log.title")}</h2>
                    <LogBadge entry=e.clone() />
                </div>
                <a class="btn btn-ghost btn-sm" href=week_href>
                    <Icon name="book" />
                    <span>{tr("log.week_link")}</span>
                </a>
            </div>
            <div class="card-body stack">
                <SuccessNote message=Signal::derive(move || note.clone()) />
                <p class="muted small">
                    <Icon name="clock" class="icon-sm" />
                    " "
                    {deadline}
                </p>
                {body}
                {corrections}
                {correct}
            </div>
        </section>
    }
}

/// The entry's form: title, tiết PPCT, grade, remarks; "Lưu" keeps it, "Ký" keeps and signs.
#[component]
fn EntryForm(
    v: LessonLog,
    typed: Option<WriteLessonLog>,
    error: Option<UiError>,
    absentees: String,
) -> impl IntoView {
    let e = &v.entry;
    let t = typed.unwrap_or_else(|| WriteLessonLog {
        class: e.class_id,
        date: e.date.to_string(),
        period: e.period,
        title: if e.title.is_empty() {
            v.suggested_title.clone().unwrap_or_default()
        } else {
            e.title.clone()
        },
        ppct: e
            .ppct
            .or(v.suggested_ppct)
            .map(|p| p.to_string())
            .unwrap_or_default(),
        remarks: e.remarks.clone().unwrap_or_default(),
        grade: e.grade.map(|g| g.as_str().to_owned()).unwrap_or_default(),
        sign: None,
    });
    // Errors that belong to no field of the form (not started, the week closed) on top.
    let general = error.clone().filter(|e| {
        !["title", "ppct", "remarks", "grade"]
            .iter()
            .any(|f| e.field(f).is_some())
    });
    let field = |f: &str| field_error(&error, f);
    view! {
        {general.map(|e| view! { <ErrorAlert error=e /> })}
        <form class="form wide log-form" method="post" action=WriteLessonLog::PATH novalidate=true>
            <input type="hidden" name="class" value=e.class_id.to_string() />
            <input type="hidden" name="date" value=e.date.to_string() />
            <input type="hidden" name="period" value=e.period.to_string() />
            <Field id="log-title" name="title" label=tr("log.lesson_title") value=t.title.clone() error=field("title") />
            <div class="grid-2">
                <Field id="log-ppct" name="ppct" label=tr("log.ppct") hint=tr("log.ppct_hint") value=t.ppct.clone() error=field("ppct") required=false />
                <SelectField id="log-grade" name="grade" label=tr("log.grade") error=field("grade")>
                    {grade_options(&t.grade)}
                </SelectField>
            </div>
            <TextAreaField id="log-remarks" name="remarks" label=tr("log.remarks") value=t.remarks.clone() error=field("remarks") rows=3 />
            <div class="field">
                <span class="label">{tr("log.absentees")}</span>
                <p class="log-absentees">{absentees}</p>
                <p class="hint">{tr("log.absentees_hint")}</p>
            </div>
            <div class="form-actions">
                <button type="submit" class="btn btn-secondary">
                    <Icon name="check" />
                    <span>{tr("log.save")}</span>
                </button>
                <button type="submit" class="btn btn-primary" name="sign" value="1">
                    <Icon name="edit" />
                    <span>{tr("log.sign")}</span>
                </button>
            </div>
        </form>
    }
}

/// The entry read-only: signed, or not the caller's to sign.
#[component]
fn EntryView(e: LogEntry, absentees: String) -> impl IntoView {
    let dash = || "—".to_owned();
    let signed = signed_line(&e);
    let unsigned_title = e.title.is_empty() && e.signed_by.is_none();
    view! {
        {unsigned_title.then(|| view! { <p class="muted">{tr("log.not_written")}</p> })}
        <dl class="dl log-entry">
            <div>
                <dt>{tr("log.lesson_title")}</dt>
                <dd>{if e.title.is_empty() { dash() } else { e.title.clone() }}</dd>
            </div>
            <div>
                <dt>{tr("log.ppct")}</dt>
                <dd>{e.ppct.map(|p| p.to_string()).unwrap_or_else(dash)}</dd>
            </div>
            <div>
                <dt>{tr("log.grade")}</dt>
                <dd>{e.grade.map(|g| tr(g.label_key()).to_owned()).unwrap_or_else(dash)}</dd>
            </div>
            <div>
                <dt>{tr("log.remarks")}</dt>
                <dd>{e.remarks.clone().filter(|r| !r.is_empty()).unwrap_or_else(dash)}</dd>
            </div>
            <div>
                <dt>{tr("log.absentees")}</dt>
                <dd>{absentees}</dd>
            </div>
            <div>
                <dt>{tr("log.signature")}</dt>
                <dd>{signed.unwrap_or_else(|| tr("log.state_unsigned").to_owned())}</dd>
            </div>
        </dl>
    }
}

/// "Đề nghị điều chỉnh": the corrected entry (prefilled with the content in force) and the
/// reason; open when it came back with an error.
#[component]
fn CorrectionForm(
    e: LogEntry,
    typed: Option<CorrectLessonLog>,
    error: Option<UiError>,
) -> impl IntoView {
    let open = error.is_some();
    let (title, ppct, remarks, grade) = e.effective();
    let t = typed.unwrap_or_else(|| CorrectLessonLog {
        class: e.class_id,
        date: e.date.to_string(),
        period: e.period,
        reason: String::new(),
        title: title.to_owned(),
        ppct: ppct.map(|p| p.to_string()).unwrap_or_default(),
        remarks: remarks.unwrap_or_default().to_owned(),
        grade: grade.map(|g| g.as_str().to_owned()).unwrap_or_default(),
    });
    let general = error.clone().filter(|e| {
        !["reason", "title", "ppct", "remarks", "grade"]
            .iter()
            .any(|f| e.field(f).is_some())
    });
    let field = |f: &str| field_error(&error, f);
    view! {
        <details class="log-correct" open=open>
            <summary class="btn btn-secondary btn-sm">
                <Icon name="edit" />
                <span>{tr("log.correct")}</span>
            </summary>
            {general.map(|e| view! { <ErrorAlert error=e /> })}
            <form class="form wide" method="post" action=CorrectLessonLog::PATH novalidate=true>
                <input type="hidden" name="class" value=e.class_id.to_string() />
                <input type="hidden" name="date" value=e.date.to_string() />
                <input type="hidden" name="period" value=e.period.to_string() />
                <p class="hint">{tr("log.correct_hint")}</p>
                <Field id="corr-reason" name="reason" label=tr("log.reason") value=t.reason.clone() error=field("reason") />
                <Field id="corr-title" name="title" label=tr("log.lesson_title") value=t.title.clone() error=field("title") />
                <div class="grid-2">
                    <Field id="corr-ppct" name="ppct" label=tr("log.ppct") value=t.ppct.clone() error=field("ppct") required=false />
                    <SelectField id="corr-grade" name="grade" label=tr("log.grade") error=field("grade")>
                        {grade_options(&t.grade)}
                    </SelectField>
                </div>
                <TextAreaField id="corr-remarks" name="remarks" label=tr("log.remarks") value=t.remarks.clone() error=field("remarks") rows=3 />
                <div class="form-actions">
                    <button type="submit" class="btn btn-primary">
                        <Icon name="check" />
                        <span>{tr("log.correct_submit")}</span>
                    </button>
                </div>
            </form>
        </details>
    }
}
