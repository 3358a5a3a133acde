//! The home page: a teacher's week (each timetabled lesson with its roll-call state, booked
//! devices and attached materials; `?date=` picks the week), then the way to the user's main tasks (`lophoc::menu`).

use crate::components::error_alert::ErrorAlert;
use crate::components::format::day_label;
use crate::components::icon::Icon;
use crate::components::material_info::LessonMaterialLinks;
use crate::components::outbox::{OutboxTexts, RollCallOutbox};
use crate::components::page_title::PageTitle;
use crate::components::session::use_session;
use crate::i18n::{tr, trf};
use crate::serverfns::roll_calls::my_week;
use chrono::{Duration, NaiveDate};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use lophoc::dates::{display_date, monday_of};
use lophoc::lessons::{LessonState, TeacherDay, TeacherWeek, WeekLesson};
use lophoc::menu::menu;
use lophoc::model::Actor;
use lophoc::subjects::subject_label_key;

/// A greeting, the teacher's week (for those who teach; `?date=` picks the week) and the main
/// tasks.
#[component]
pub fn HomePage() -> impl IntoView {
    let session = use_session();
    let query = use_query_map();
    let date = query.with_untracked(|q| q.get("date").filter(|d| !d.trim().is_empty()));
    // Every school's staff may teach: the service answers a week without lessons for the rest.
    let week = OnceResource::new(my_week(date));
    view! {
        <PageTitle text=tr("nav.home") />
        <Suspense>
            {move || Suspend::new(async move {
                // Signed out: nothing (the shell sends them to log in); a failed read is shown.
                let user = match session.0.await {
                    Ok(user) => user?,
                    Err(e) => return Some(view! { <ErrorAlert error=e /> }.into_any()),
                };
                let cards: Vec<_> = menu(&Actor::from(&user))
                    .into_iter()
                    .filter_map(|e| Some((e.href, e.icon, e.label, e.home_text?)))
                    .collect();
                // A week that failed to load (or a bad `?date=`) is shown as an error, not as a
                // week without lessons.
                let week = week.await;
                let has_lessons = week
                    .as_ref()
                    .is_ok_and(|w| w.days.iter().any(|d| !d.lessons.is_empty()));
                // The week for teachers (also an empty one) and for administrators who teach.
                let teaches = user.role == lophoc::model::Role::Teacher || has_lessons;
                // The outbox (wasm) only where lessons are: a page without one stays light.
                let outbox = has_lessons;
                Some(view! {
                    <div class="page-header">
                        <h1>{trf("home.hello", &[("name", user.full_name.clone())])}</h1>
                    </div>
                    {outbox
                        .then(|| {
                            view! {
                                // Sends roll calls taken offline that are still on this phone.
                                <RollCallOutbox form=String::new() texts=OutboxTexts::here() />
                            }
                        })}
                    {match week {
                        Err(e) => Some(view! { <ErrorAlert error=e /> }.into_any()),
                        Ok(week) => teaches.then(|| view! { <Week week /> }.into_any()),
                    }}
                    <div class="cards">
                        {cards
                            .into_iter()
                            .map(|(href, icon, title, text)| {
                                view! {
                                    <a class="card" href=href>
                                        <div class="card-body">
                                            <h2><Icon name=icon /> " " {tr(title)}</h2>
                                            <p class="muted">{tr(text)}</p>
                                        </div>
                                    </a>
                                }
                            })
                            .collect_view()}
                    </div>
                }.into_any())
            })}
        </Suspense>
    }
}

/// The home page's link to the week of `d`.
fn week_href(d: NaiveDate) -> String {
    format!("/?date={d}")
}

/// The teacher's week: the way to the previous and next weeks, then one card per day, today's
/// first (highlighted), each lesson with its roll-call state and why it cannot be changed.
#[component]
fn Week(week: TeacherWeek) -> impl IntoView {
    let monday = week.monday;
    let last = week.days.last().map_or(monday, |d| d.date);
    let this_week = monday_of(week.today) == monday;
    let range = trf(
        "week.range",
        &[("from", display_date(monday)), ("to", display_date(last))],
    );
    let nav = view! {
        <nav class="week-nav home-week-nav" aria-label=tr("week.nav")>
            <a class="btn btn-secondary btn-sm" href=week_href(monday - Duration::days(7)) rel="prev">
                <Icon name="chevron-left" />
                <span>{tr("week.prev")}</span>
            </a>
            {(!this_week).then(|| view! {
                <a class="btn btn-ghost btn-sm" href="/">{tr("week.this")}</a>
            })}
            <a class="btn btn-secondary btn-sm" href=week_href(monday + Duration::days(7)) rel="next">
                <span>{tr("week.next")}</span>
                <Icon name="chevron-right" />
            </a>
        </nav>
    };
    let none = week.days.iter().all(|d| d.lessons.is_empty());
    // Today first: on a phone it is what the teacher opens the page for.
    let mut days = week.days;
    if let Some(i) = days.iter().position(|d| d.date == week.today) {
        let today = days.remove(i);
        days.insert(0, today);
    }
    let today = week.today;
    let cards = days
        .into_iter()
        .map(|d| view! { <Day day=d today /> })
        .collect_view();
    view! {
        <section class="week-home" aria-labelledby="week-title">
            <div class="week-home-head">
                <h2 id="week-title">
                    <Icon name="calendar" />
                    " "
                    {tr("week.title")}
                    <span class="muted small week-range">{range}</span>
                </h2>
                {nav}
            </div>
            {none.then(|| view! { <p class="muted">{tr("week.none")}</p> })}
            <div class="week-days">{cards}</div>
        </section>
    }
}

/// One day of the week: its heading (today's says so), the holiday, the lessons in order.
#[component]
fn Day(day: TeacherDay, today: NaiveDate) -> impl IntoView {
    let is_today = day.date == today;
    let heading = if is_today {
        format!("{} · {}", tr("day.title"), day_label(day.date))
    } else {
        day_label(day.date)
    };
    let holiday = day
        .holiday
        .map(|h| view! { <p class="day-holiday">{trf("week.holiday", &[("name", h)])}</p> });
    let body = if day.lessons.is_empty() {
        view! { <p class="muted small">{tr(if is_today { "day.none" } else { "week.no_lessons" })}</p> }
            .into_any()
    } else {
        let items = day
            .lessons
            .into_iter()
            .map(|l| view! { <LessonLine l /> })
            .collect_view();
        view! { <ul class="lessons">{items}</ul> }.into_any()
    };
    view! {
        <section
            class="card day"
            class:day-today=is_today
            class:day-past=day.date < today
            aria-current=is_today.then_some("date")
        >
            <div class="card-header">
                <h3>{heading}</h3>
            </div>
            <div class="card-body stack-sm">{holiday} {body}</div>
        </section>
    }
}

/// One lesson: when, which class and subject, its state (with the counts once taken) and why
/// it cannot be changed, and the way to its roll call. A lesson whose roll call may still be
/// taken or changed is marked `data-offline`: the service worker keeps its page for a day
/// without signal.
#[component]
fn LessonLine(l: WeekLesson) -> impl IntoView {
    let WeekLesson {
        lesson: l,
        state,
        locked,
    } = l;
    let href = l.roll_call_href();
    let when = match (&l.starts, &l.ends) {
        (Some(s), Some(e)) => format!("{s}–{e}"),
        _ => String::new(),
    };
    let badge_class = match state {
        LessonState::OnTime => "badge badge-success",
        LessonState::Late | LessonState::NotTaken => "badge badge-warning",
        LessonState::Future | LessonState::NotNeeded => "badge",
    };
    let counts = l.roll_call.map(|c| {
        view! {
            <span class="muted small">
                {trf(
                    "roll.counts",
                    &[
                        ("present", c.present.to_string()),
                        ("late", c.late.to_string()),
                        ("absent", c.absent().to_string()),
                    ],
                )}
            </span>
        }
    });
    let reason =
        locked.map(|r| view! { <span class="lesson-reason small">{tr(r.reason_key())}</span> });
    // Take it (not taken, open), look at or change it (taken), nothing for a later day or a
    // class without pupils.
    let offline = locked.is_none() && state != LessonState::NotNeeded;
    let action = match state {
        LessonState::Future | LessonState::NotNeeded => None,
        LessonState::NotTaken => Some(view! {
            <a class="btn btn-primary btn-sm" href=href.clone() data-offline="">
                <Icon name="clipboard" />
                <span>{tr("day.take")}</span>
            </a>
        }.into_any()),
        LessonState::OnTime | LessonState::Late => Some(view! {
            <a class="btn btn-secondary btn-sm" href=href.clone() data-offline=offline.then_some("")>
                <Icon name="eye" />
                <span>{tr("day.view")}</span>
            </a>
        }.into_any()),
    };
    let devices = (!l.devices.is_empty()).then(|| {
        view! {
            <p class="muted small">
                <Icon name="device" class="icon-sm" />
                " "
                {l.devices.join(", ")}
            </p>
        }
    });
    let materials = (!l.materials.is_empty())
        .then(|| view! { <LessonMaterialLinks materials=l.materials.clone() /> });
    view! {
        <li class="lesson">
            <div class="lesson-when">
                <strong>{trf("day.period", &[("period", l.period.to_string())])}</strong>
                <span class="muted small">{when}</span>
            </div>
            <div class="lesson-main">
                <strong>{l.class_name.clone()}</strong>
                " · "
                {tr(&subject_label_key(&l.subject))}
                <div class="lesson-state">
                    <span class=badge_class>{tr(state.label_key())}</span>
                    {counts}
                    {reason}
                </div>
                {devices}
                {materials}
            </div>
            <div class="lesson-action">{action}</div>
        </li>
    }
}
