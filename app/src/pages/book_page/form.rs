//! The booking form of the booking page, and what a booking did.

use super::*;

/// The booking form, a plain form post: the answer comes back in the query. The fields show
/// the query's values (a cell's link prefills them, a refused post keeps what was typed).
#[component]
pub(super) fn BookForm(options: BookingSetup, q: BookQuery) -> impl IntoView {
    let query = use_query_map();
    let book = ServerAction::<BookDevice>::new();
    let pre_device = if q.book_device.is_empty() {
        q.device.map(|d| d.to_string()).unwrap_or_default()
    } else {
        q.book_device.clone()
    };
    let error = book.value().get_untracked().and_then(Result::err);
    let field_error = {
        let error = error.clone();
        move |name: &'static str| error.as_ref().and_then(|e| e.field(name))
    };
    let outcome = BookOutcome::from_query(|k| query.read_untracked().get(k));

    let pool = options
        .devices
        .iter()
        .find(|d| d.id.to_string() == pre_device)
        .filter(|d| d.is_pool())
        .map(|d| d.quantity);
    // The quantity is asked for a pool (a cart, a set of kits): for the device chosen, or while
    // none is chosen, when the school has a pool at all.
    let show_qty = if pre_device.is_empty() {
        options.devices.iter().any(Device::is_pool)
    } else {
        pool.is_some()
    };
    let qty_hint = match pool {
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
                    let on = pre_device == id;
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
                        let on = q.periods.contains(&n);
                        // A period of today that is over cannot be booked: offered disabled,
                        // saying so (unless the form already holds it: the service says why).
                        let over = options.over.contains(&n) && !on;
                        view! {
                            <label class="check period-check" class:is-over=over>
                                <input
                                    type="checkbox"
                                    name="periods[]"
                                    value=n.to_string()
                                    checked=on
                                    disabled=over
                                />
                                <span>
                                    <span class="period-name">{trf("book.period_n", &[("n", n.to_string())])}</span>
                                    <span class="period-time">
                                        {if over { tr("book.period_over").to_owned() } else { p.starts.to_string() }}
                                    </span>
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

    // The class: as chosen, else the one the caller's timetable has then; none when neither.
    let chosen_class = if q.class.is_empty() {
        options
            .suggested_class
            .map(|c| c.to_string())
            .unwrap_or_default()
    } else {
        q.class.clone()
    };
    let class_hint = if options.suggested_class.is_some() {
        tr("book.class_hint_suggested")
    } else {
        tr("book.class_hint")
    };
    let class_options = options
        .classes
        .iter()
        .map(|c| {
            let id = c.id.to_string();
            let on = id == chosen_class;
            view! { <option value=id selected=on>{c.name.clone()}</option> }
        })
        .collect_view();
    let has_classes = !options.classes.is_empty();

    let described = |hint: &str, err: Option<String>| -> String {
        match err {
            Some(_) => format!("{hint} {hint}-error"),
            None => hint.to_owned(),
        }
    };
    let err_view = {
        let field_error = field_error.clone();
        move |name: &'static str, id: &'static str| {
            field_error(name).map(|m| view! { <p class="field-error" id=id>{m}</p> })
        }
    };
    let invalid = {
        let field_error = field_error.clone();
        move |name: &'static str| field_error(name).is_some()
    };
    let conflict = error
        .as_ref()
        .is_some_and(|e| e.code == lophoc::ErrorCode::Conflict);
    view! {
        <section class="card" id="book" aria-labelledby="book-title">
            <div class="card-header">
                <h2 id="book-title">{tr("book.form_title")}</h2>
            </div>
            <div class="card-body stack">
                <div aria-live="polite">{outcome.map(|o| view! { <Outcome outcome=o /> })}</div>
                {error.map(|e| view! { <ErrorAlert error=e /> })}
                {conflict.then(|| view! { <p class="muted">{tr("book.conflict_hint")}</p> })}
                <ActionForm action=book attr:class="form" attr:novalidate=true>
                    <div class="field" class:invalid=invalid("device_id")>
                        <label for="book-device">{tr("book.device")}</label>
                        <select
                            id="book-device"
                            name="device_id"
                            aria-invalid=invalid("device_id").to_string()
                            aria-describedby=invalid("device_id").then_some("book-device-error")
                        >
                            <option value="" selected=pre_device.is_empty()>{tr("book.choose_device")}</option>
                            {device_options}
                        </select>
                        {err_view("device_id", "book-device-error")}
                    </div>
                    <div class="form-row">
                        <div class="field" class:invalid=invalid("date")>
                            <label for="book-date">{tr("book.date")}</label>
                            <input
                                id="book-date"
                                type="text"
                                name="date"
                                placeholder=DATE_PLACEHOLDER
                                pattern=DATE_PATTERN
                                autocomplete="off"
                                value=display_iso_date(&q.date)
                                aria-invalid=invalid("date").to_string()
                                aria-describedby=invalid("date").then_some("book-date-error")
                            />
                            {err_view("date", "book-date-error")}
                        </div>
                        {show_qty.then(|| view! {
                            <div class="field" class:invalid=invalid("quantity")>
                                <label for="book-qty">{tr("book.quantity")}</label>
                                <input
                                    id="book-qty"
                                    type="number"
                                    name="quantity"
                                    min="1"
                                    inputmode="numeric"
                                    value=q.qty.clone()
                                    aria-invalid=invalid("quantity").to_string()
                                    aria-describedby=described("book-qty-hint", field_error("quantity"))
                                />
                                <p class="hint" id="book-qty-hint">{qty_hint}</p>
                                {err_view("quantity", "book-qty-hint-error")}
                            </div>
                        })}
                    </div>
                    <fieldset
                        class="period-picker"
                        class:invalid=invalid("periods")
                        aria-describedby=invalid("periods").then_some("book-periods-error")
                    >
                        <legend>{tr("book.periods")}</legend>
                        {period_groups}
                        {err_view("periods", "book-periods-error")}
                    </fieldset>
                    {has_classes.then(|| view! {
                        <div class="field" class:invalid=invalid("class_id")>
                            <label for="book-class">{tr("book.class")}</label>
                            <select
                                id="book-class"
                                name="class_id"
                                aria-invalid=invalid("class_id").to_string()
                                aria-describedby=described("book-class-hint", field_error("class_id"))
                            >
                                <option value="" selected=chosen_class.is_empty()>{tr("book.no_class")}</option>
                                {class_options}
                            </select>
                            <p class="hint" id="book-class-hint">{class_hint}</p>
                            {err_view("class_id", "book-class-hint-error")}
                        </div>
                    })}
                    <div class="field" class:invalid=invalid("note")>
                        <label for="book-note">{tr("book.note")}</label>
                        <input
                            id="book-note"
                            type="text"
                            name="note"
                            maxlength="500"
                            autocomplete="off"
                            placeholder=tr("book.note_placeholder")
                            value=q.note.clone()
                            aria-invalid=invalid("note").to_string()
                            aria-describedby=invalid("note").then_some("book-note-error")
                        />
                        {err_view("note", "book-note-error")}
                    </div>
                    <div class="field" class:invalid=invalid("until")>
                        <label for="book-until">{tr("book.until")}</label>
                        <input
                            id="book-until"
                            type="text"
                            name="until"
                            placeholder=DATE_PLACEHOLDER
                            pattern=DATE_PATTERN
                            autocomplete="off"
                            value=display_iso_date(&q.until)
                            aria-invalid=invalid("until").to_string()
                            aria-describedby=described("book-until-hint", field_error("until"))
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
