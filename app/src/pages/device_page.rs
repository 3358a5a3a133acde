//! `/devices/:id`: one device — the page its QR label opens on a teacher's phone. What it is
//! and where, today's bookings with the one of now highlighted, and for a booking's teacher (or
//! the school's administrators) the buttons to pick the device up and give it back; a link to
//! book it. Administrators also edit it, add maintenance notes and read its history. Every form
//! is a plain POST that comes back here; a device the user may not see is "not found" (404).

use crate::components::badges::{BookingStatusBadge, DeviceStateBadge, DeviceStatusBadge};
use crate::components::error_alert::ErrorAlert;
use crate::components::field::{Field, SelectField, SubmitButton, kind_options};
use crate::components::format::{school_query, units_text};
use crate::components::icon::Icon;
use crate::components::loading::Loading;
use crate::components::notice::{NotFound, SuccessNote};
use crate::components::session::use_session;
use crate::i18n::{tr, trf};

use crate::components::page_title::PageTitle;
use crate::serverfns::devices::{
    DeviceCheckIn, DeviceCheckOut, DevicePage as DeviceView, TodayBooking, UpdateDevice, back,
    get_device,
};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};
use lophoc::ErrorCode;
use lophoc::dates::{display_date, display_timestamp};
use lophoc::devices::{DeviceNote, DeviceStatus};
use lophoc::ids::DeviceId;
use server_fn::ServerFn;

/// "3", "3–5" for consecutive periods, else "1, 3".
fn periods_text(periods: &[i64]) -> String {
    match (periods.first(), periods.last()) {
        (Some(a), Some(b)) if a == b => a.to_string(),
        (Some(a), Some(b)) if periods.windows(2).all(|w| w[1] == w[0] + 1) => format!("{a}–{b}"),
        _ => periods
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// `/devices/:id`.
#[component]
pub fn DevicePage() -> impl IntoView {
    let params = use_params_map();
    let session = use_session();
    let id = Memo::new(move |_| {
        params
            .read()
            .get("id")
            .and_then(|s| s.parse::<DeviceId>().ok())
    });
    let check_in = ServerAction::<DeviceCheckIn>::new();
    let check_out = ServerAction::<DeviceCheckOut>::new();
    let update = ServerAction::<UpdateDevice>::new();
    let details = Resource::new(
        move || id.get(),
        |id| async move {
            match id {
                Some(id) => get_device(id).await.map(Some),
                None => Ok(None),
            }
        },
    );
    view! {
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                let sees_all = session.0.await.ok().flatten().is_some_and(|u| u.role.sees_all_schools());
                match details.await {
                    Ok(Some(d)) => {
                        view! { <Device d sees_all check_in check_out update /> }.into_any()
                    }
                    Ok(None) => view! { <NotFound /> }.into_any(),
                    Err(e) if e.code == ErrorCode::NotFound => view! { <NotFound /> }.into_any(),
                    Err(e) => view! { <ErrorAlert error=e /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Device(
    d: DeviceView,
    sees_all: bool,
    check_in: ServerAction<DeviceCheckIn>,
    check_out: ServerAction<DeviceCheckOut>,
    update: ServerAction<UpdateDevice>,
) -> impl IntoView {
    let device = d.device.clone();
    let back_href = format!(
        "/devices{}",
        school_query(sees_all.then_some(d.school.id), true)
    );
    let room = device
        .room
        .clone()
        .unwrap_or_else(|| tr("devices.no_room").to_owned());
    let bookable = d.may_book;
    let today = display_date(d.today);
    let bookings = d.bookings.clone();
    view! {
        <PageTitle text=device.name.clone() />
        <p>
            <a class="btn btn-ghost btn-sm" href=back_href>
                <Icon name="chevron-left" />
                <span>{tr("device.back")}</span>
            </a>
        </p>
        <div class="page-header device-header">
            <span class="device-mark">
                <Icon name=device.kind.icon() />
            </span>
            <div class="page-header-text">
                <h1>{device.name.clone()}</h1>
                <p>{tr(device.kind.label_key())} " · " {room.clone()} " · " {d.school.name.clone()}</p>
                <p>
                    <DeviceStateBadge device=device.clone() />
                </p>
            </div>
        </div>
        <div class="stack">
            <Outcome check_in check_out />
            <section class="card" aria-labelledby="today-title">
                <div class="card-header">
                    <h2 id="today-title">{trf("device.today", &[("date", today)])}</h2>
                </div>
                <div class="card-body stack">
                    {if bookings.is_empty() {
                        view! { <p class="muted">{tr("device.no_bookings")}</p> }.into_any()
                    } else {
                        view! {
                            <ul class="booking-list">
                                {bookings
                                    .into_iter()
                                    .map(|b| view! { <BookingItem b pool=device.is_pool() check_in check_out /> })
                                    .collect_view()}
                            </ul>
                        }
                            .into_any()
                    }}
                    {bookable
                        .then(|| {
                            view! {
                                <p>
                                    <a class="btn btn-secondary" href=format!("/book?device={}", device.id)>
                                        <Icon name="calendar" />
                                        <span>{tr("device.book")}</span>
                                    </a>
                                </p>
                            }
                        })}
                    {(device.status != DeviceStatus::Available)
                        .then(|| {
                            view! {
                                <p class="alert alert-warning">
                                    <Icon name="alert" />
                                    <span class="alert-body">{tr("device.not_bookable")}</span>
                                </p>
                            }
                        })}
                </div>
            </section>
            <section class="card" aria-labelledby="details-title">
                <div class="card-header">
                    <h2 id="details-title">{tr("device.details")}</h2>
                </div>
                <div class="card-body">
                    <dl class="dl">
                        <div>
                            <dt>{tr("devices.kind")}</dt>
                            <dd>{tr(device.kind.label_key())}</dd>
                        </div>
                        <div>
                            <dt>{tr("devices.serial")}</dt>
                            <dd>{device.serial.clone().unwrap_or_else(|| "—".to_owned())}</dd>
                        </div>
                        <div>
                            <dt>{tr("devices.room")}</dt>
                            <dd>{room}</dd>
                        </div>
                        <div>
                            <dt>{tr("devices.units")}</dt>
                            <dd>{units_text(&device)}</dd>
                        </div>
                        <div>
                            <dt>{tr("devices.status")}</dt>
                            <dd>
                                <DeviceStateBadge device=device.clone() />
                            </dd>
                        </div>
                    </dl>
                </div>
            </section>
            {d.may_manage
                .then(|| {
                    view! {
                        <div class="grid-2">
                            <EditDevice d=d.clone() update />
                            // A wrapper, so the history keeps its own height beside the form.
                            <div>
                                <History notes=d.notes.clone() />
                            </div>
                        </div>
                    }
                })}
        </div>
    }
}

/// What the last check-in or check-out did: the action's value with JavaScript, the query
/// without it.
#[component]
fn Outcome(
    check_in: ServerAction<DeviceCheckIn>,
    check_out: ServerAction<DeviceCheckOut>,
) -> impl IntoView {
    let query = use_query_map();
    let success = move || {
        let flash = |k: &str| query.read().get(k).filter(|v| !v.is_empty());
        match (check_in.value().get(), check_out.value().get()) {
            (Some(Ok(b)), _) => Some(trf("device.checked_in", &[("name", b.device_name)])),
            (_, Some(Ok(b))) => Some(trf("device.checked_out", &[("name", b.device_name)])),
            (Some(Err(_)), _) | (_, Some(Err(_))) => None,
            (None, None) => flash(back::CHECKED_IN)
                .map(|n| trf("device.checked_in", &[("name", n)]))
                .or_else(|| {
                    flash(back::CHECKED_OUT).map(|n| trf("device.checked_out", &[("name", n)]))
                }),
        }
    };
    let error = move || {
        check_in
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| check_out.value().get().and_then(Result::err))
    };
    view! {
        <SuccessNote message=Signal::derive(success) />
        {move || error().map(|e| view! { <ErrorAlert error=e /> })}
    }
}

/// One of today's bookings, with its buttons.
#[component]
fn BookingItem(
    b: TodayBooking,
    pool: bool,
    check_in: ServerAction<DeviceCheckIn>,
    check_out: ServerAction<DeviceCheckOut>,
) -> impl IntoView {
    let booking = b.booking;
    let id = booking.id.to_string();
    let can_in = b.may_check_in;
    let later = b.check_in_later;
    let can_out = b.may_check_out;
    let periods = trf(
        "device.periods",
        &[("periods", periods_text(&booking.periods))],
    );
    let class = if b.current {
        "booking booking-current"
    } else {
        "booking"
    };
    let who = if pool {
        trf(
            "device.teacher_units",
            &[
                ("name", booking.teacher_name.clone()),
                ("n", booking.quantity.to_string()),
            ],
        )
    } else {
        booking.teacher_name.clone()
    };
    view! {
        <li class=class aria-current=b.current.then_some("time")>
            <div class="booking-main">
                <p class="booking-when">
                    <strong>{periods}</strong>
                    " "
                    <span class="muted">{b.times.clone()}</span>
                    {b.current
                        .then(|| view! { " " <span class="badge badge-info">{tr("device.now")}</span> })}
                </p>
                <p>
                    <Icon name="user" class="icon-sm" />
                    " "
                    {who}
                </p>
                {booking.note.clone().map(|n| view! { <p class="small muted">{n}</p> })}
            </div>
            <div class="booking-side">
                <BookingStatusBadge status=booking.status />
                {can_in
                    .then(|| {
                        let id = id.clone();
                        view! {
                            <ActionForm action=check_in attr:class="row-form">
                                <input type="hidden" name="booking" value=id />
                                <SubmitButton icon="check" label=tr("device.check_in") pending=check_in.pending() />
                            </ActionForm>
                        }
                    })}
                {can_out
                    .then(|| {
                        let id = id.clone();
                        view! {
                            <ActionForm action=check_out attr:class="row-form">
                                <input type="hidden" name="booking" value=id />
                                <SubmitButton icon="logout" label=tr("device.check_out") pending=check_out.pending() class="btn btn-secondary" />
                            </ActionForm>
                        }
                    })}
                {later.then(|| view! { <p class="small muted">{tr("device.check_in_later")}</p> })}
            </div>
        </li>
    }
}

/// The edit form (administrators). After a refused post without JavaScript the page comes
/// back with what was typed in its query, and the form shows that rather than the record.
#[component]
fn EditDevice(d: DeviceView, update: ServerAction<UpdateDevice>) -> impl IntoView {
    let query = use_query_map();
    let device = d.device;
    let refused = query.read_untracked().get("__path").as_deref() == Some(UpdateDevice::PATH)
        && query.read_untracked().get("__err").is_some();
    let typed = refused
        .then(|| back::EDIT.read(&query.read_untracked()))
        .flatten();
    let value = move |f: fn(&UpdateDevice) -> &String, stored: String| match &typed {
        Some(t) => f(t).clone(),
        None => stored,
    };
    let error = move || update.value().get().and_then(Result::err);
    let field_error =
        move |name: &'static str| Signal::derive(move || error().and_then(|e| e.field(name)));
    let saved = move || match update.value().get() {
        Some(Ok(d)) => Some(d.name),
        Some(Err(_)) => None,
        None => query.read().get(back::SAVED).filter(|n| !n.is_empty()),
    };
    let kind = value(|t| &t.kind, device.kind.as_str().to_owned());
    let status = value(|t| &t.status, device.status.as_str().to_owned());
    let note = value(|t| &t.note, String::new());
    let statuses = DeviceStatus::ALL
        .into_iter()
        .map(|s| {
            view! {
                <option value=s.as_str() selected=status == s.as_str()>
                    {tr(s.label_key())}
                </option>
            }
        })
        .collect_view();
    let note_error = field_error("note");
    view! {
        <section class="card" aria-labelledby="edit-title">
            <div class="card-header">
                <h2 id="edit-title">{tr("device.edit")}</h2>
            </div>
            <div class="card-body">
                <SuccessNote message=Signal::derive(move || saved().map(|name| trf("device.saved", &[("name", name)]))) />
                {move || error().map(|e| view! { <ErrorAlert error=e /> })}
                <ActionForm action=update attr:class="form" attr:novalidate=true>
                    <input type="hidden" name="id" value=device.id.to_string() />
                    <Field
                        id="edit-name"
                        name="name"
                        label=tr("devices.name")
                        autocomplete="off"
                        value=value(|t| &t.name, device.name.clone())
                        error=field_error("name")
                    />
                    <SelectField id="edit-kind" name="kind" label=tr("devices.kind") error=field_error("kind")>
                        {kind_options(&kind)}
                    </SelectField>
                    <div class="form-row">
                        <Field
                            id="edit-serial"
                            name="serial"
                            label=tr("devices.serial")
                            autocomplete="off"
                            value=value(|t| &t.serial, device.serial.clone().unwrap_or_default())
                            error=field_error("serial")
                            required=false
                        />
                        <Field
                            id="edit-room"
                            name="room"
                            label=tr("devices.room")
                            autocomplete="off"
                            value=value(|t| &t.room, device.room.clone().unwrap_or_default())
                            error=field_error("room")
                            required=false
                        />
                    </div>
                    <div class="form-row">
                        <Field
                            id="edit-quantity"
                            name="quantity"
                            label=tr("devices.quantity")
                            kind="number"
                            autocomplete="off"
                            value=value(|t| &t.quantity, device.quantity.to_string())
                            error=field_error("quantity")
                        />
                        <SelectField id="edit-status" name="status" label=tr("devices.status") error=field_error("status")>
                            {statuses}
                        </SelectField>
                    </div>
                    <div class="field" class:invalid=move || note_error.get().is_some()>
                        <label for="edit-note">{tr("device.note")}</label>
                        <textarea
                            id="edit-note"
                            name="note"
                            rows="3"
                            aria-describedby=move || {
                                if note_error.get().is_some() { "edit-note-hint edit-note-error" } else { "edit-note-hint" }
                            }
                            aria-invalid=move || note_error.get().is_some().to_string()
                        >
                            {note}
                        </textarea>
                        <p class="hint" id="edit-note-hint">{tr("device.note_hint")}</p>
                        {move || note_error.get().map(|m| view! { <p class="field-error" id="edit-note-error">{m}</p> })}
                    </div>
                    <div class="form-actions">
                        <SubmitButton icon="check" label=tr("device.save") pending=update.pending() />
                    </div>
                </ActionForm>
            </div>
        </section>
    }
}

/// The maintenance history, newest first.
#[component]
fn History(notes: Vec<DeviceNote>) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="history-title">
            <div class="card-header">
                <h2 id="history-title">{tr("device.history")}</h2>
            </div>
            <div class="card-body">
                {if notes.is_empty() {
                    view! { <p class="muted">{tr("device.no_history")}</p> }.into_any()
                } else {
                    view! {
                        <ol class="history">
                            {notes
                                .into_iter()
                                .map(|n| {
                                    view! {
                                        <li>
                                            <p class="small muted">
                                                <time datetime=n.at.clone()>{display_timestamp(&n.at)}</time>
                                                " · "
                                                {n.author.clone()}
                                            </p>
                                            {n.status.map(|s| view! { <p><DeviceStatusBadge status=s /></p> })}
                                            {(!n.text.is_empty()).then(|| view! { <p>{n.text.clone()}</p> })}
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ol>
                    }
                        .into_any()
                }}
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_read_as_a_range_when_they_follow_each_other() {
        assert_eq!(periods_text(&[3]), "3");
        assert_eq!(periods_text(&[3, 4, 5]), "3–5");
        assert_eq!(periods_text(&[1, 3]), "1, 3");
        assert_eq!(periods_text(&[]), "");
    }
}
