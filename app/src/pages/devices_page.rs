//! `/devices`: a school's device inventory. Everyone of the school (and the department, which
//! picks a school: `?school=ID`) sees the list, filtered in the query string (`kind`, `status`,
//! `q`: a GET form, so a filtered list is a link); under 40em each device is a card. The
//! school's administrators also add devices, import a CSV, export it and print QR labels.
//! Every form works without JavaScript.

use crate::components::badges::DeviceStateBadge;
use crate::components::csv_import_form::CsvImportForm;
use crate::components::error_alert::ErrorAlert;
use crate::components::field::{Field, SelectField, SubmitButton, kind_options};
use crate::components::format::{school_query, units_text};
use crate::components::icon::Icon;
use crate::components::loading::Loading;
use crate::components::notice::{NotFound, SuccessNote};
use crate::components::school_picker::{SchoolPicker, picker_schools};
use crate::components::session::use_session;
use crate::i18n::{tr, trf};

use crate::components::page_title::PageTitle;
use crate::serverfns::devices::{
    CreateDevice, ImportDevices, Inventory, back, inventory_access, list_devices,
};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use lophoc::devices::{DeviceKind, DeviceStatus};
use lophoc::ids::SchoolId;
use server_fn::ServerFn;

/// The list's filters as the query string carries them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Filter {
    school: Option<SchoolId>,
    kind: String,
    status: String,
    q: String,
}

impl Filter {
    fn is_filtered(&self) -> bool {
        !(self.kind.is_empty() && self.status.is_empty() && self.q.trim().is_empty())
    }
}

fn opt(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_owned())
}

/// `/devices`.
#[component]
pub fn DevicesPage() -> impl IntoView {
    let session = use_session();
    let query = use_query_map();
    let filter = Memo::new(move |_| {
        let q = query.read();
        let get = |k: &str| q.get(k).unwrap_or_default();
        Filter {
            school: get("school").trim().parse().ok(),
            kind: get("kind"),
            status: get("status"),
            q: get("q"),
        }
    });
    let school = Memo::new(move |_| filter.read().school);
    let picker = picker_schools(school);
    let create = ServerAction::<CreateDevice>::new();
    // Keyed on the school only: the buttons and forms do not re-render as the filter changes.
    let access = Resource::new(move || filter.get().school, inventory_access);
    let inventory = Resource::new(
        move || (filter.get(), create.version().get()),
        |(f, ..)| list_devices(f.school, opt(&f.kind), opt(&f.status), opt(&f.q)),
    );
    view! {
        <PageTitle text=tr("devices.title") />
        <Suspense fallback=|| view! { <Loading /> }>
            {move || {
                // Read outside the future, so that choosing a school re-renders the page.
                let school = school.get();
                Suspend::new(async move {
                // Signed out: nothing (the shell sends them to log in); a failed read is shown.
                let user = match session.0.await {
                    Ok(user) => user?,
                    Err(e) => return Some(view! { <ErrorAlert error=e /> }.into_any()),
                };
                let sees_all = user.role.sees_all_schools();
                if sees_all && school.is_none() {
                    return Some(
                        view! {
                            <div class="page-header">
                                <div class="page-header-text">
                                    <h1>{tr("devices.title")}</h1>
                                    <p>{tr("devices.intro_department")}</p>
                                </div>
                            </div>
                            <SchoolPicker base="/devices" schools=picker />
                        }
                            .into_any(),
                    );
                }
                // What the caller may do, as the service says (it checks again on every request).
                let access = access.await.unwrap_or_default();
                let manage = access.may_manage;
                let export_school = access.may_export.then_some(school.or(user.school_id)).flatten();
                Some(
                    view! {
                        <div class="page-header">
                            <div class="page-header-text">
                                <h1>{tr("devices.title")}</h1>
                                {if sees_all {
                                    // Which school this is, first of all.
                                    view! {
                                        <p>
                                            <Transition>
                                                {move || Suspend::new(async move {
                                                    inventory.await.ok().map(|i| i.school.name)
                                                })}
                                            </Transition>
                                        </p>
                                    }
                                        .into_any()
                                } else {
                                    view! {
                                        <p>{tr(if manage { "devices.intro_admin" } else { "devices.intro" })}</p>
                                    }
                                        .into_any()
                                }}
                            </div>
                            <div class="page-header-actions">
                                {sees_all
                                    .then(|| {
                                        view! {
                                            <a class="btn btn-ghost" href="/devices">
                                                <Icon name="school" />
                                                <span>{tr("devices.other_school")}</span>
                                            </a>
                                        }
                                    })}
                                {export_school
                                    .map(|id| {
                                        // The REST API's file: a link works without JavaScript.
                                        view! {
                                            <a
                                                class="btn btn-secondary"
                                                href=format!("/api/v1/schools/{id}/devices/export")
                                                download
                                            >
                                                <Icon name="download" />
                                                <span>{tr("devices.export")}</span>
                                            </a>
                                        }
                                    })}
                                {manage
                                    .then(|| {
                                        view! {
                                            <a
                                                class="btn btn-secondary"
                                                href=format!("/devices/labels{}", school_query(school, true))
                                            >
                                                <Icon name="qr" />
                                                <span>{tr("devices.labels")}</span>
                                            </a>
                                        }
                                    })}
                            </div>
                        </div>
                        <div class="stack">
                            <Filters filter />
                            <Transition fallback=|| view! { <Loading /> }>
                                {move || Suspend::new(async move {
                                    match inventory.await {
                                        Ok(inv) => {
                                            view! { <Results inv filter=filter.get_untracked() /> }.into_any()
                                        }
                                        Err(e) if e.code == lophoc::ErrorCode::NotFound => {
                                            view! { <NotFound /> }.into_any()
                                        }
                                        Err(e) => view! { <ErrorAlert error=e /> }.into_any(),
                                    }
                                })}
                            </Transition>
                            {manage
                                .then(|| {
                                    view! {
                                        <div class="grid-2">
                                            <AddDevice create school />
                                            <ImportDevicesCard school />
                                        </div>
                                    }
                                })}
                        </div>
                    }
                        .into_any(),
                )
            })
            }}
        </Suspense>
    }
}

/// The filter form: a plain GET form, its fields showing the query's values.
#[component]
fn Filters(filter: Memo<Filter>) -> impl IntoView {
    let f = filter.get_untracked();
    let kinds = DeviceKind::ALL
        .into_iter()
        .map(|k| {
            view! {
                <option value=k.as_str() selected=f.kind == k.as_str()>
                    {tr(k.label_key())}
                </option>
            }
        })
        .collect_view();
    let statuses = DeviceStatus::ALL
        .into_iter()
        .map(|s| {
            view! {
                <option value=s.as_str() selected=f.status == s.as_str()>
                    {tr(s.label_key())}
                </option>
            }
        })
        .collect_view();
    view! {
        <form class="filters" role="search" method="get" action="/devices">
            {f.school.map(|s| view! { <input type="hidden" name="school" value=s.to_string() /> })}
            <div class="field grow">
                <label for="device-q">{tr("devices.search")}</label>
                <input
                    id="device-q"
                    name="q"
                    type="search"
                    autocomplete="off"
                    placeholder=tr("devices.search_placeholder")
                    value=f.q.clone()
                />
            </div>
            <div class="field">
                <label for="device-kind">{tr("devices.kind")}</label>
                <select id="device-kind" name="kind">
                    <option value="" selected=f.kind.is_empty()>{tr("schools.all")}</option>
                    {kinds}
                </select>
            </div>
            <div class="field">
                <label for="device-status">{tr("devices.status")}</label>
                <select id="device-status" name="status">
                    <option value="" selected=f.status.is_empty()>{tr("schools.all")}</option>
                    {statuses}
                </select>
            </div>
            <button type="submit" class="btn btn-primary">
                <Icon name="filter" />
                <span>{tr("schools.filter")}</span>
            </button>
        </form>
    }
}

/// The count and the devices (a table; cards under 40em), or the empty state.
#[component]
fn Results(inv: Inventory, filter: Filter) -> impl IntoView {
    let manage = inv.may_manage;
    let count = trf(
        "devices.count",
        &[
            ("n", inv.devices.len().to_string()),
            ("school", inv.school.name.clone()),
        ],
    );
    if inv.devices.is_empty() {
        let filtered = filter.is_filtered();
        let clear = format!("/devices{}", school_query(filter.school, true));
        return view! {
            <p class="sr-only" role="status">{count}</p>
            <div class="empty">
                <Icon name="device" />
                <p class="empty-title">
                    {tr(if filtered { "devices.empty_filtered" } else { "devices.empty" })}
                </p>
                {if filtered {
                    view! {
                        <p>{tr("schools.empty_text")}</p>
                        <a class="btn btn-secondary" href=clear>{tr("schools.clear_filters")}</a>
                    }
                        .into_any()
                } else if manage {
                    view! {
                        <p>{tr("devices.empty_admin")}</p>
                        <a class="btn btn-primary" href="#add-device-title">
                            <Icon name="plus" />
                            <span>{tr("devices.add")}</span>
                        </a>
                    }
                        .into_any()
                } else {
                    view! { <p>{tr("devices.empty_reader")}</p> }.into_any()
                }}
            </div>
        }
        .into_any();
    }
    let (h_kind, h_room, h_units, h_status) = (
        tr("devices.kind"),
        tr("devices.room"),
        tr("devices.units"),
        tr("devices.status"),
    );
    let rows = inv
        .devices
        .into_iter()
        .map(|d| {
            let units = units_text(&d);
            let room = d.room.clone().unwrap_or_else(|| "—".to_owned());
            view! {
                <tr>
                    <td class="device-cell">
                        <a class="device-name" href=format!("/devices/{}", d.id)>
                            <Icon name=d.kind.icon() class="icon-lg" />
                            <span>
                                <span class="device-title">{d.name.clone()}</span>
                                {d.serial
                                    .clone()
                                    .map(|s| view! { <span class="small muted device-serial">{trf("devices.serial_short", &[("serial", s)])}</span> })}
                            </span>
                        </a>
                    </td>
                    <td data-label=h_kind>{tr(d.kind.label_key())}</td>
                    <td data-label=h_room>{room}</td>
                    <td data-label=h_units>{units}</td>
                    <td data-label=h_status>
                        <DeviceStateBadge device=d.clone() />
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <p class="muted" role="status">{count}</p>
        <div class="table-wrap">
            <table class="table stack device-table">
                <caption class="sr-only">{trf("devices.caption", &[("school", inv.school.name.clone())])}</caption>
                <thead>
                    <tr>
                        <th scope="col">{tr("devices.name")}</th>
                        <th scope="col">{h_kind}</th>
                        <th scope="col">{h_room}</th>
                        <th scope="col">{h_units}</th>
                        <th scope="col">{h_status}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}

/// The form that adds a device. An error shows under each bad field and keeps what was typed
/// (the page comes back with the values in its query).
#[component]
fn AddDevice(create: ServerAction<CreateDevice>, school: Option<SchoolId>) -> impl IntoView {
    let query = use_query_map();
    let typed = back::NEW.read(&query.read_untracked());
    let field =
        |f: fn(&CreateDevice) -> &String| typed.as_ref().map(f).cloned().unwrap_or_default();
    let (name, kind, serial, room) = (
        field(|t| &t.name),
        field(|t| &t.kind),
        field(|t| &t.serial),
        field(|t| &t.room),
    );
    let error = move || create.value().get().and_then(Result::err);
    let field_error =
        move |name: &'static str| Signal::derive(move || error().and_then(|e| e.field(name)));
    let added = move || match create.value().get() {
        Some(Ok(d)) => Some(d.name),
        Some(Err(_)) => None,
        None => query.read().get(back::ADDED).filter(|n| !n.is_empty()),
    };
    let quantity = {
        let q = field(|t| &t.quantity);
        if q.is_empty() { "1".to_owned() } else { q }
    };
    view! {
        <section class="card" id="add-device" aria-labelledby="add-device-title">
            <div class="card-header">
                <h2 id="add-device-title" tabindex="-1">{tr("devices.add")}</h2>
            </div>
            <div class="card-body">
                <ActionForm action=create attr:class="form" attr:novalidate=true>
                    {school.map(|s| view! { <input type="hidden" name="school" value=s.to_string() /> })}
                    <Field
                        id="new-device-name"
                        name="name"
                        label=tr("devices.name")
                        hint=tr("devices.name_hint")
                        autocomplete="off"
                        value=name
                        error=field_error("name")
                    />
                    <SelectField id="new-device-kind" name="kind" label=tr("devices.kind") error=field_error("kind")>
                        {kind_options(&kind)}
                    </SelectField>
                    <div class="form-row">
                        <Field
                            id="new-device-serial"
                            name="serial"
                            label=tr("devices.serial")
                            autocomplete="off"
                            value=serial
                            error=field_error("serial")
                            required=false
                        />
                        <Field
                            id="new-device-room"
                            name="room"
                            label=tr("devices.room")
                            autocomplete="off"
                            value=room
                            error=field_error("room")
                            required=false
                        />
                    </div>
                    <Field
                        id="new-device-quantity"
                        name="quantity"
                        label=tr("devices.quantity")
                        hint=tr("devices.quantity_hint")
                        kind="number"
                        autocomplete="off"
                        value=quantity
                        error=field_error("quantity")
                    />
                    // The answer next to the button that asked: a phone's view is there, not at
                    // the card's top (a plain post comes back at `#add-device-answer`).
                    <div class="stack" id="add-device-answer">
                        {move || error().map(|e| view! { <ErrorAlert error=e /> })}
                        <div class="form-actions">
                            <SubmitButton icon="plus" label=tr("devices.add_submit") pending=create.pending() />
                        </div>
                        <SuccessNote message=Signal::derive(move || added().map(|name| trf("devices.added", &[("name", name)]))) />
                    </div>
                </ActionForm>
            </div>
        </section>
    }
}

/// The CSV import with its format.
#[component]
fn ImportDevicesCard(school: Option<SchoolId>) -> impl IntoView {
    let hidden = school
        .map(|s| vec![("school", s.to_string())])
        .unwrap_or_default();
    let kinds = DeviceKind::ALL
        .into_iter()
        .map(|k| format!("{} ({})", k.as_str(), tr(k.label_key())))
        .collect::<Vec<_>>()
        .join(", ");
    view! {
        <section class="card" id="import-devices" aria-labelledby="import-devices-title">
            <div class="card-header">
                <h2 id="import-devices-title">{tr("devices.import")}</h2>
            </div>
            <div class="card-body stack">
                <CsvImportForm
                    fn_path=ImportDevices::PATH
                    id="device-import"
                    label=tr("accounts.import_file")
                    hint=tr("devices.import_hint")
                    submit=tr("accounts.import_submit")
                    busy=tr("accounts.importing")
                    hidden
                />
                <h3>{tr("accounts.import_format")}</h3>
                <ul class="small">
                    <li>
                        {tr("devices.import_rule_header")} " "
                        <code>"name,kind,serial,room,quantity"</code>
                    </li>
                    <li>{tr("accounts.import_rule_utf8")}</li>
                    <li>{trf("devices.import_rule_kind", &[("kinds", kinds)])}</li>
                    <li>{tr("devices.import_rule_serial")}</li>
                    <li>{tr("school_import.rule_all")}</li>
                </ul>
                <p class="small">{tr("accounts.import_example")}</p>
                <pre class="small">
                    "name,kind,serial,room,quantity\nMàn hình tương tác phòng 201,interactive_display,MH-201,201,1\nXe máy tính bảng số 1,tablet_cart,,Thư viện,30"
                </pre>
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn school_links() {
        assert_eq!(school_query(Some(SchoolId(7)), true), "?school=7");
        assert_eq!(school_query(Some(SchoolId(7)), false), "&school=7");
        assert_eq!(school_query(None, true), "");
        let f = Filter {
            q: "  ".into(),
            ..Default::default()
        };
        assert!(!f.is_filtered());
    }

    #[test]
    fn pools_are_named_by_their_units() {
        let d = lophoc::devices::Device {
            id: lophoc::ids::DeviceId(1),
            school_id: SchoolId(1),
            name: "Xe máy tính bảng".into(),
            kind: DeviceKind::TabletCart,
            serial: None,
            room: None,
            quantity: 30,
            status: DeviceStatus::Available,
            in_use: 0,
        };
        assert!(units_text(&d).contains("30"));
    }
}
