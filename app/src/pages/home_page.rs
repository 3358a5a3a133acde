//! The home page: a teacher's day (each timetabled lesson with its roll-call state, booked
//! devices and attached materials), then the way to the user's main tasks (`lophoc::menu`).

use crate::components::error_alert::ErrorAlert;
use crate::components::icon::Icon;
use crate::components::material_info::LessonMaterialLinks;
use crate::components::outbox::{OutboxTexts, RollCallOutbox};
use crate::components::page_title::PageTitle;
use crate::components::session::use_session;
use crate::i18n::{tr, trf};
use crate::serverfns::roll_calls::my_day;
use leptos::prelude::*;
use lophoc::lessons::Lesson;
use lophoc::menu::menu;
use lophoc::model::Actor;
use lophoc::subjects::subject_label_key;

/// A greeting, the day's lessons (for those who teach) and the main tasks.
#[component]
pub fn HomePage() -> impl IntoView {
    let session = use_session();
    // Every school's staff may teach: the service answers an empty day for the rest.
    let day = OnceResource::new(my_day());
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
                // A day that failed to load is shown as an error, not as a day without lessons.
                let (lessons, day_error) = match day.await {
                    Ok(lessons) => (lessons, None),
                    Err(e) => (Vec::new(), Some(e)),
                };
                // The day for teachers (also an empty one) and for administrators who teach.
                let teaches = user.role == lophoc::model::Role::Teacher || !lessons.is_empty();
                // The outbox (wasm) only where lessons are: a page without one stays light.
                let outbox = !lessons.is_empty();
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
                    {match day_error {
                        Some(e) => Some(view! { <ErrorAlert error=e /> }.into_any()),
                        None => teaches.then(|| view! { <Day lessons /> }.into_any()),
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

/// Today's lessons, in order, each linking to its roll call.
#[component]
fn Day(lessons: Vec<Lesson>) -> impl IntoView {
    let body = if lessons.is_empty() {
        view! { <p class="muted">{tr("day.none")}</p> }.into_any()
    } else {
        lessons
            .into_iter()
            .map(|l| {
                let href = l.roll_call_href();
                let when = match (&l.starts, &l.ends) {
                    (Some(s), Some(e)) => format!("{s}–{e}"),
                    _ => String::new(),
                };
                let (badge, action) = match l.roll_call {
                    Some(c) => (
                        view! {
                            <span class="badge badge-success">
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
                        .into_any(),
                        view! {
                            <a class="btn btn-secondary btn-sm" href=href.clone()>
                                <Icon name="eye" />
                                <span>{tr("day.view")}</span>
                            </a>
                        }
                        .into_any(),
                    ),
                    None => (
                        view! { <span class="badge badge-warning">{tr("roll.not_taken")}</span> }.into_any(),
                        view! {
                            <a class="btn btn-primary btn-sm" href=href.clone()>
                                <Icon name="clipboard" />
                                <span>{tr("day.take")}</span>
                            </a>
                        }
                        .into_any(),
                    ),
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
                let materials = (!l.materials.is_empty()).then(|| {
                    view! { <LessonMaterialLinks materials=l.materials.clone() /> }
                });
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
                            <div>{badge}</div>
                            {devices}
                            {materials}
                        </div>
                        <div class="lesson-action">{action}</div>
                    </li>
                }
            })
            .collect_view()
            .into_any()
    };
    view! {
        <section class="card day">
            <div class="card-header">
                <h2><Icon name="calendar" /> " " {tr("day.title")}</h2>
            </div>
            <div class="card-body">
                <ul class="lessons">{body}</ul>
            </div>
        </section>
    }
}
