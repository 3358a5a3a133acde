//! The booking form of the booking page, and what a booking did.

use super::*;

/// The booking form. A plain form post without JavaScript (the answer comes back in the
/// query); with it, in place. The fields show the query's values (a cell's link prefills them,
/// a failed post keeps what was typed); with JavaScript, what is typed is left alone unless a
/// cell's link changes the value.
#[component]
pub(super) fn BookForm(
    options: BookingSetup,
    q: Memo<BookQuery>,
    book: ServerAction<BookDevice>,
    week: Resource<Result<WeekView, UiError>>,
) -> impl IntoView {
    let query = use_query_map();
    let navigate = use_navigate();
    // Memos of each prefilled value, so a field is set again only when its own value changes.
    let pre_device = Memo::new(move |_| {
        let q = q.get();
        if q.book_device.is_empty() {
            q.device.map(|d| d.to_string()).unwrap_or_default()
        } else {
            q.book_device
        }
    });
    let pre_date = Memo::new(move |_| q.get().date);
    let pre_periods = Memo::new(move |_| q.get().periods);
    let pre_qty = Memo::new(move |_| q.get().qty);
    let pre_note = Memo::new(move |_| q.get().note);
    let pre_until = Memo::new(move |_| q.get().until);
    // Bumped after a booking, to clear what was typed even when the query did not change.
    let cleared = RwSignal::new(0u32);
    let chosen = RwSignal::new(pre_device.get_untracked());
    Effect::watch(
        move || pre_device.get(),
        move |d, _, _| chosen.set(d.clone()),
        false,
    );
    let date_ref = NodeRef::<leptos::html::Input>::new();
    let card = NodeRef::<leptos::html::Section>::new();

    let error = move || book.value().get().and_then(Result::err);
    let field_error =
        move |name: &'static str| Signal::derive(move || error().and_then(|e| e.field(name)));
    let outcome = move || -> Option<BookOutcome> {
        match book.value().get() {
            Some(Ok(o)) => Some(o),
            Some(Err(_)) => None,
            None => BookOutcome::from_query(|k| query.read().get(k)),
        }
    };

    // After an answer with JavaScript: show the week of the day asked for (the grid reloads
    // with the action's version either way), and after a booking clear the periods and note.
    Effect::watch(
        move || book.version().get(),
        move |_, _, _| {
            let ok = matches!(book.value().get_untracked(), Some(Ok(_)));
            let typed = date_ref
                .get_untracked()
                .map(|i| i.value())
                .and_then(|d| parse_date(&d));
            let cur = q.get_untracked();
            let mut next = if ok { cur.after_booking() } else { cur.clone() };
            if let Some(d) = typed {
                let monday = monday_of(d);
                let shown = week.get_untracked().and_then(|w| w.ok()).map(|w| w.monday);
                if shown != Some(monday) {
                    next.week = Some(monday);
                }
                next.day = Some(d);
            }
            if ok {
                cleared.update(|n| *n += 1);
            }
            if next != cur {
                navigate(
                    &next.href(),
                    NavigateOptions {
                        scroll: false,
                        ..Default::default()
                    },
                );
            }
            // The answer is at the top of the form, out of sight on a phone after tapping the
            // button at its bottom: bring it into view once the grid above has settled.
            request_animation_frame(move || {
                if let Some(c) = card.get_untracked() {
                    c.scroll_into_view();
                }
            });
        },
        false,
    );

    let devices = options.devices.clone();
    let pool_of = move |id: &str| {
        devices
            .iter()
            .find(|d| d.id.to_string() == id)
            .filter(|d| d.is_pool())
            .map(|d| d.quantity)
    };
    let any_pool = options.devices.iter().any(Device::is_pool);
    let show_qty = {
        let pool_of = pool_of.clone();
        move || {
            let c = chosen.get();
            if c.is_empty() {
                any_pool
            } else {
                pool_of(&c).is_some()
            }
        }
    };
    let qty_hint = move || match pool_of(&chosen.get()) {
        Some(n) => trf("book.quantity_max", &[("n", n.to_string())]),
        None => tr("book.quantity_hint").to_owned(),
    };

    let device_options = DeviceKind::ALL
        .into_iter()
        .filter(|k| options.devices.iter().any(|d| d.kind == *k))
        .map(|k| {
            let items = options
                .devices
                .iter()
                .filter(|d| d.kind == k)
                .map(|d| {
                    let id = d.id.to_string();
                    let label = match (d.status, d.is_pool()) {
                        (DeviceStatus::Available, true) => trf(
                            "book.device_pool_option",
                            &[("name", d.name.clone()), ("n", d.quantity.to_string())],
                        ),
                        (DeviceStatus::Available, false) => d.name.clone(),
                        (s, _) => format!("{} ({})", d.name, tr(s.label_key())),
                    };
                    let on = {
                        let id = id.clone();
                        move || pre_device.get() == id
                    };
                    view! {
                        <option value=id disabled=d.status != DeviceStatus::Available selected=on>
                            {label}
                        </option>
                    }
                })
                .collect_view();
            view! { <optgroup label=tr(k.label_key())>{items}</optgroup> }
        })
        .collect_view();

    let period_groups = [DaySession::Morning, DaySession::Afternoon]
        .into_iter()
        .filter_map(|s| {
            let ps: Vec<_> = options.periods.iter().filter(|p| p.session == s).cloned().collect();
            (!ps.is_empty()).then(|| {
                let checks = ps
                    .into_iter()
                    .map(|p| {
                        let n = p.number;
                        let on = move || {
                            cleared.track();
                            pre_periods.get().contains(&n)
                        };
                        view! {
                            <label class="check period-check">
                                <input
                                    type="checkbox"
                                    name="periods[]"
                                    value=n.to_string()
                                    checked=on
                                    prop:checked=on
                                />
                                <span>
                                    <span class="period-name">{trf("book.period_n", &[("n", n.to_string())])}</span>
                                    <span class="period-time">{p.starts.to_string()}</span>
                                </span>
                            </label>
                        }
                    })
                    .collect_view();
                view! {
                    <div class="period-group">
                        <p class="period-group-title">{tr(s.label_key())}</p>
                        <div class="period-checks">{checks}</div>
                    </div>
                }
            })
        })
        .collect_view();

    let today = options.today.to_string();
    let described = |hint: &str, err: Option<String>| -> String {
        match err {
            Some(_) => format!("{hint} {hint}-error"),
            None => hint.to_owned(),
        }
    };
    let err_view = move |name: &'static str, id: &'static str| {
        move || {
            field_error(name)
                .get()
                .map(|m| view! { <p class="field-error" id=id>{m}</p> })
        }
    };
    let note_value = move || {
        cleared.track();
        pre_note.get()
    };
    let qty_value = move || {
        cleared.track();
        pre_qty.get()
    };
    let until_value = move || {
        cleared.track();
        pre_until.get()
    };
    view! {
        <section class="card" id="book" aria-labelledby="book-title" node_ref=card>
            <div class="card-header">
                <h2 id="book-title">{tr("book.form_title")}</h2>
            </div>
            <div class="card-body stack">
                <div aria-live="polite">{move || outcome().map(|o| view! { <Outcome outcome=o /> })}</div>
                {move || error().map(|e| {
                    let conflict = e.code == lophoc::ErrorCode::Conflict;
                    view! {
                        <ErrorAlert error=e />
                        {conflict.then(|| view! { <p class="muted">{tr("book.conflict_hint")}</p> })}
                    }
                })}
                <ActionForm action=book attr:class="form" attr:novalidate=true>
                    <div class="field" class:invalid=move || field_error("device_id").get().is_some()>
                        <label for="book-device">{tr("book.device")}</label>
                        <select
                            id="book-device"
                            name="device_id"
                            prop:value=move || pre_device.get()
                            on:change=move |ev| chosen.set(event_target_value(&ev))
                            aria-invalid=move || field_error("device_id").get().is_some().to_string()
                            aria-describedby=move || field_error("device_id").get().map(|_| "book-device-error")
                        >
                            <option value="" selected=move || pre_device.get().is_empty()>{tr("book.choose_device")}</option>
                            {device_options}
                        </select>
                        {err_view("device_id", "book-device-error")}
                    </div>
                    <div class="form-row">
                        <div class="field" class:invalid=move || field_error("date").get().is_some()>
                            <label for="book-date">{tr("book.date")}</label>
                            <input
                                id="book-date"
                                node_ref=date_ref
                                type="date"
                                name="date"
                                min=today.clone()
                                value=move || pre_date.get()
                                prop:value=move || pre_date.get()
                                aria-invalid=move || field_error("date").get().is_some().to_string()
                                aria-describedby=move || field_error("date").get().map(|_| "book-date-error")
                            />
                            {err_view("date", "book-date-error")}
                        </div>
                        {move || show_qty().then(|| view! {
                            <div class="field" class:invalid=move || field_error("quantity").get().is_some()>
                                <label for="book-qty">{tr("book.quantity")}</label>
                                <input
                                    id="book-qty"
                                    type="number"
                                    name="quantity"
                                    min="1"
                                    inputmode="numeric"
                                    value=qty_value
                                    prop:value=qty_value
                                    aria-invalid=move || field_error("quantity").get().is_some().to_string()
                                    aria-describedby=move || described("book-qty-hint", field_error("quantity").get())
                                />
                                <p class="hint" id="book-qty-hint">{qty_hint.clone()}</p>
                                {err_view("quantity", "book-qty-hint-error")}
                            </div>
                        })}
                    </div>
                    <fieldset
                        class="period-picker"
                        class:invalid=move || field_error("periods").get().is_some()
                        aria-describedby=move || field_error("periods").get().map(|_| "book-periods-error")
                    >
                        <legend>{tr("book.periods")}</legend>
                        {period_groups}
                        {err_view("periods", "book-periods-error")}
                    </fieldset>
                    <div class="field" class:invalid=move || field_error("note").get().is_some()>
                        <label for="book-note">{tr("book.note")}</label>
                        <input
                            id="book-note"
                            type="text"
                            name="note"
                            maxlength="500"
                            autocomplete="off"
                            placeholder=tr("book.note_placeholder")
                            value=note_value
                            prop:value=note_value
                            aria-invalid=move || field_error("note").get().is_some().to_string()
                            aria-describedby=move || field_error("note").get().map(|_| "book-note-error")
                        />
                        {err_view("note", "book-note-error")}
                    </div>
                    <div class="field" class:invalid=move || field_error("until").get().is_some()>
                        <label for="book-until">{tr("book.until")}</label>
                        <input
                            id="book-until"
                            type="date"
                            name="until"
                            min=today
                            value=until_value
                            prop:value=until_value
                            aria-invalid=move || field_error("until").get().is_some().to_string()
                            aria-describedby=move || described("book-until-hint", field_error("until").get())
                        />
                        <p class="hint" id="book-until-hint">{tr("book.until_hint")}</p>
                        {err_view("until", "book-until-hint-error")}
                    </div>
                    <div class="form-actions">
                        <SubmitButton icon="calendar" label=tr("book.submit") pending=book.pending() />
                    </div>
                </ActionForm>
            </div>
        </section>
    }
}

/// Why a day of a weekly booking was skipped.
pub(super) fn skip_reason(s: &SkippedDay) -> String {
    match s.reason.as_str() {
        "taken" if !s.periods.is_empty() => trf(
            "book.skip_taken_periods",
            &[("periods", periods_label(&s.periods))],
        ),
        "taken" => tr("book.skip_taken").to_owned(),
        "holiday" => tr("book.skip_holiday").to_owned(),
        "past" => tr("book.skip_past").to_owned(),
        "sunday" => tr("book.skip_sunday").to_owned(),
        other => other.to_owned(),
    }
}

/// What a booking did: the days booked, and the days a weekly booking skipped.
#[component]
pub(super) fn Outcome(outcome: BookOutcome) -> impl IntoView {
    let periods = periods_label(&outcome.periods);
    let qty =
        (outcome.quantity > 1).then(|| trf("book.units", &[("n", outcome.quantity.to_string())]));
    let booked = if outcome.dates.is_empty() {
        None
    } else if !outcome.weekly {
        let text = trf(
            "book.done_one",
            &[
                ("device", outcome.device.clone()),
                ("periods", periods.clone()),
                ("day", day_label_text(&outcome.dates[0])),
            ],
        );
        Some(
            view! {
                <div class="alert alert-success">
                    <Icon name="check-circle" />
                    <div class="alert-body">
                        <p class="alert-title">{text}</p>
                        {qty.clone().map(|q| view! { <p>{q}</p> })}
                        <p><a href="/bookings">{tr("book.see_mine")}</a></p>
                    </div>
                </div>
            }
            .into_any(),
        )
    } else {
        let text = trf(
            "book.done_weekly",
            &[
                ("device", outcome.device.clone()),
                ("periods", periods.clone()),
                ("count", outcome.dates.len().to_string()),
            ],
        );
        let days = outcome
            .dates
            .iter()
            .map(|d| view! { <li>{day_label_text(d)}</li> })
            .collect_view();
        Some(
            view! {
                <div class="alert alert-success">
                    <Icon name="check-circle" />
                    <div class="alert-body">
                        <p class="alert-title">{text}</p>
                        {qty.clone().map(|q| view! { <p>{q}</p> })}
                        <ul class="booked-days">{days}</ul>
                        <p><a href="/bookings">{tr("book.see_mine")}</a></p>
                    </div>
                </div>
            }
            .into_any(),
        )
    };
    let skipped = (!outcome.skipped.is_empty()).then(|| {
        let title = if outcome.dates.is_empty() {
            tr("book.skipped_all").to_owned()
        } else {
            trf(
                "book.skipped",
                &[("count", outcome.skipped.len().to_string())],
            )
        };
        let items = outcome
            .skipped
            .iter()
            .map(|s| {
                view! {
                    <li>
                        <strong>{day_label(s.date)}</strong>
                        ": "
                        {skip_reason(s)}
                    </li>
                }
            })
            .collect_view();
        view! {
            <div class="alert alert-warning">
                <Icon name="alert" />
                <div class="alert-body">
                    <p class="alert-title">{title}</p>
                    <ul class="skipped-days">{items}</ul>
                </div>
            </div>
        }
    });
    view! {
        {booked}
        {skipped}
    }
}
