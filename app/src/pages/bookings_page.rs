//! `/bookings`: "my bookings", upcoming first, then the last weeks; a school administrator may
//! switch to the whole school's (`?scope=all`) and cancel any of them. Cancelling is a plain
//! form per row: the answer comes back in the query.

use crate::components::badges::BookingStatusBadge;
use crate::components::error_alert::ErrorAlert;
use crate::components::format::{day_label, periods_label};
use crate::components::icon::Icon;
use crate::components::loading::Loading;
use crate::i18n::{tr, trf};

use crate::components::page_title::PageTitle;
use crate::serverfns::bookings::{BookingList, CancelBooking, PAST_DAYS, keys, list_bookings};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use lophoc::bookings::{Booking, BookingStatus};

/// `/bookings`.
#[component]
pub fn BookingsPage() -> impl IntoView {
    let query = use_query_map();
    let scope = move || query.read().get(keys::SCOPE).filter(|s| s == "all");
    let cancel = ServerAction::<CancelBooking>::new();
    let list = Resource::new(
        move || (scope(), cancel.version().get()),
        |(scope, _)| list_bookings(scope),
    );
    view! {
        <PageTitle text=tr("bookings.title") />
        <div class="page-header">
            <div class="page-header-text">
                <h1>{tr("bookings.title")}</h1>
                <p>{trf("bookings.intro", &[("days", PAST_DAYS.to_string())])}</p>
            </div>
            <div class="page-header-actions">
                <a class="btn btn-primary" href="/book">
                    <Icon name="plus" />
                    <span>{tr("nav.book")}</span>
                </a>
            </div>
        </div>
        <div class="stack stack-lg">
            <CancelOutcome cancel />
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match list.await {
                        Ok(l) => view! { <Lists list=l cancel /> }.into_any(),
                        Err(e) => view! { <ErrorAlert error=e /> }.into_any(),
                    }
                })}
            </Transition>
        </div>
    }
}

/// The outcome of a cancel: the action's value with JavaScript, the query's without.
#[component]
fn CancelOutcome(cancel: ServerAction<CancelBooking>) -> impl IntoView {
    let query = use_query_map();
    let done = move || match cancel.value().get() {
        Some(Ok(b)) => Some(format!(
            "{} — {}",
            b.device_name,
            lophoc::dates::display_date(b.date)
        )),
        Some(Err(_)) => None,
        None => query.read().get(keys::CANCELLED).filter(|s| !s.is_empty()),
    };
    let error = move || cancel.value().get().and_then(Result::err);
    view! {
        <div aria-live="polite">
            {move || done().map(|what| view! {
                <div class="alert alert-success">
                    <Icon name="check-circle" />
                    <div class="alert-body">{trf("bookings.cancelled", &[("what", what)])}</div>
                </div>
            })}
        </div>
        {move || error().map(|e| view! { <ErrorAlert error=e /> })}
    }
}

/// The scope switch, and the upcoming and past tables.
#[component]
fn Lists(list: BookingList, cancel: ServerAction<CancelBooking>) -> impl IntoView {
    let BookingList {
        today,
        all,
        can_see_all,
        items,
    } = list;
    let (upcoming, past): (Vec<Booking>, Vec<Booking>) =
        items.into_iter().partition(|b| b.date >= today);
    let switch = can_see_all.then(|| {
        view! {
            <nav class="chips" aria-label=tr("bookings.scope")>
                <a class="chip" href="/bookings" aria-current=(!all).then_some("page")>
                    <Icon name="user" />
                    <span>{tr("bookings.mine")}</span>
                </a>
                <a class="chip" href="/bookings?scope=all" aria-current=all.then_some("page")>
                    <Icon name="school" />
                    <span>{tr("bookings.all")}</span>
                </a>
            </nav>
        }
    });
    let empty_upcoming = if all {
        tr("bookings.none_school")
    } else {
        tr("bookings.none_upcoming")
    };
    view! {
        {switch}
        <section class="stack" aria-labelledby="upcoming-title">
            <h2 id="upcoming-title">{tr("bookings.upcoming")}</h2>
            {if upcoming.is_empty() {
                view! {
                    <div class="empty">
                        <Icon name="calendar" />
                        <p class="empty-title">{empty_upcoming}</p>
                        <a class="btn btn-primary" href="/book">{tr("nav.book")}</a>
                    </div>
                }
                    .into_any()
            } else {
                view! { <BookingTable items=upcoming caption=tr("bookings.upcoming") show_teacher=all cancel /> }.into_any()
            }}
        </section>
        <section class="stack" aria-labelledby="past-title">
            <h2 id="past-title">{tr("bookings.past")}</h2>
            {if past.is_empty() {
                view! { <p class="muted">{tr("bookings.none_past")}</p> }.into_any()
            } else {
                view! { <BookingTable items=past caption=tr("bookings.past") show_teacher=all cancel /> }.into_any()
            }}
        </section>
    }
}

/// A table of bookings; on phones each row is a card.
#[component]
fn BookingTable(
    items: Vec<Booking>,
    caption: &'static str,
    show_teacher: bool,
    cancel: ServerAction<CancelBooking>,
) -> impl IntoView {
    let (h_day, h_periods, h_device, h_teacher, h_note, h_status) = (
        tr("bookings.day"),
        tr("bookings.periods"),
        tr("bookings.device"),
        tr("bookings.teacher"),
        tr("bookings.note"),
        tr("bookings.status"),
    );
    let rows = items
        .into_iter()
        .map(|b| {
            let day = day_label(b.date);
            let what = trf(
                "bookings.row_label",
                &[
                    ("device", b.device_name.clone()),
                    ("periods", periods_label(&b.periods)),
                    ("day", day.clone()),
                ],
            );
            let cancellable = b.status == BookingStatus::Booked;
            let units = (b.quantity > 1)
                .then(|| view! { <span class="small muted">{trf("book.units", &[("n", b.quantity.to_string())])}</span> });
            view! {
                <tr>
                    <td data-label=h_day class="nowrap">{day}</td>
                    <td data-label=h_periods>{periods_label(&b.periods)}</td>
                    <td data-label=h_device>
                        <span class="stack stack-sm">
                            <a href=format!("/devices/{}", b.device_id)>{b.device_name.clone()}</a>
                            <span class="small muted">{tr(b.device_kind.label_key())}</span>
                            {units}
                        </span>
                    </td>
                    {show_teacher.then(|| view! { <td data-label=h_teacher>{b.teacher_name.clone()}</td> })}
                    <td data-label=h_note>{b.note.clone().unwrap_or_else(|| "—".into())}</td>
                    <td data-label=h_status>
                        <BookingStatusBadge status=b.status />
                    </td>
                    <td class="actions">
                        {cancellable.then(|| view! {
                            <ActionForm action=cancel attr:class="row-form">
                                <input type="hidden" name="id" value=b.id.to_string() />
                                <button
                                    type="submit"
                                    class="btn btn-secondary btn-sm"
                                    aria-label=trf("bookings.cancel_label", &[("what", what.clone())])
                                >
                                    <Icon name="x-circle" />
                                    <span>{tr("bookings.cancel")}</span>
                                </button>
                            </ActionForm>
                        })}
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table class="table stack">
                <caption class="sr-only">{caption}</caption>
                <thead>
                    <tr>
                        <th scope="col">{h_day}</th>
                        <th scope="col">{h_periods}</th>
                        <th scope="col">{h_device}</th>
                        {show_teacher.then(|| view! { <th scope="col">{h_teacher}</th> })}
                        <th scope="col">{h_note}</th>
                        <th scope="col">{h_status}</th>
                        <th scope="col"><span class="sr-only">{tr("bookings.actions")}</span></th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}
