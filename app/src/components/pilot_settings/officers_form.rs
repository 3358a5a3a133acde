//! The officers' areas form: one department officer's area changed at a time.

use crate::components::error_alert::ErrorAlert;
use crate::components::icon::Icon;
use crate::components::notice::SuccessNote;
use crate::components::pilot_settings::Here;
use crate::error::from_query;
use crate::i18n::{tr, trf};
use crate::serverfns::pilot::{OfficerView, SetOfficerArea, back};
use leptos::prelude::*;
use leptos_router::params::ParamsMap;
use lophoc::ids::UserId;
use lophoc::model::Area;
use server_fn::ServerFn;

/// The department's officers and their areas; one officer's area is changed at a time (a link
/// opens its form), so the areas' list is sent once, not once per officer.
#[component]
pub fn OfficersCard(
    /// The department's officers, each with their area.
    officers: Vec<OfficerView>,
    /// The signed-in user (who cannot scope themselves).
    me: Option<UserId>,
    /// The province's areas an officer can be scoped to.
    areas: Vec<Area>,
    /// The page's own query (which officer's form is open).
    here: Here,
    /// The page's query: a refusal's error, or the confirmation of a change.
    query: ParamsMap,
) -> impl IntoView {
    let error = from_query(&query, SetOfficerArea::PATH);
    let saved_note = query
        .get(back::OFFICER_SAVED)
        .map(|u| trf("pilot.settings.officer_saved", &[("user", u)]));
    let (h_user, h_name, h_area, h_actions) = (
        tr("pilot.settings.officer_user"),
        tr("pilot.settings.officer_name"),
        tr("pilot.settings.officer_area"),
        tr("pilot.settings.actions"),
    );
    let general = error
        .clone()
        .filter(|e| e.field("area").is_none() && e.field("user").is_none());
    let rows = officers
        .into_iter()
        .map(|o| {
            let id = o.user_id.to_string();
            let area_text = o
                .area
                .clone()
                .unwrap_or_else(|| tr("pilot.scope_province").to_owned());
            let action = if me == Some(o.user_id) {
                view! { <span class="small muted">{tr("pilot.settings.officer_you")}</span> }.into_any()
            } else if here.officer == id {
                let err = error
                    .as_ref()
                    .and_then(|e| e.field("area").or_else(|| e.field("user")));
                let bad = err.is_some();
                let current = o.area_id.map(|a| a.to_string()).unwrap_or_default();
                let options = areas
                    .iter()
                    .map(|a| {
                        let v = a.id.to_string();
                        let on = v == current;
                        view! { <option value=v selected=on>{a.name.clone()}</option> }
                    })
                    .collect_view();
                let select_id = format!("officer-{id}-area");
                view! {
                    <form class="row-form" method="post" action=SetOfficerArea::PATH>
                        <input type="hidden" name="user" value=id.clone() />
                        <span class="field" class:invalid=bad>
                            <label class="sr-only" for=select_id.clone()>{trf("pilot.settings.area_of", &[("user", o.username.clone())])}</label>
                            <select id=select_id.clone() name="area" aria-invalid=bad.to_string() aria-describedby=bad.then(|| format!("{select_id}-error"))>
                                <option value="" selected=current.is_empty()>{tr("pilot.scope_province")}</option>
                                {options}
                            </select>
                            {err.map(|m| view! { <span class="field-error" id=format!("{select_id}-error")>{m}</span> })}
                        </span>
                        <button type="submit" class="btn btn-primary btn-sm">
                            <Icon name="check" />
                            <span>{tr("pilot.settings.officer_submit")}</span>
                        </button>
                        <a class="btn btn-ghost btn-sm" href=here.href(&[], "officers")>{tr("pilot.settings.cancel")}</a>
                    </form>
                }
                .into_any()
            } else {
                view! {
                    <a class="btn btn-secondary btn-sm" href=here.href(&[(back::OFFICER, id.clone())], "officers")>
                        <Icon name="edit" />
                        <span>{tr("pilot.settings.officer_change")}</span>
                        <span class="sr-only">{format!(" {}", o.username)}</span>
                    </a>
                }
                .into_any()
            };
            view! {
                <tr>
                    <td data-label=h_user class="nowrap">{o.username.clone()}</td>
                    <th scope="row" data-label=h_name>{o.full_name.clone()}</th>
                    <td data-label=h_area>{area_text}</td>
                    <td data-label=h_actions class="actions">{action}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card" id="officers" aria-labelledby="officers-title">
            <div class="card-header">
                <h2 id="officers-title">{tr("pilot.settings.officers")}</h2>
            </div>
            <div class="card-body stack">
                <p class="muted">{tr("pilot.settings.officers_intro")}</p>
                <SuccessNote message=Signal::derive(move || saved_note.clone()) />
                {general.map(|e| view! { <ErrorAlert error=e /> })}
                <div class="table-wrap">
                    <table class="table stack">
                        <caption class="sr-only">{tr("pilot.settings.officers")}</caption>
                        <thead>
                            <tr>
                                <th scope="col">{h_user}</th>
                                <th scope="col">{h_name}</th>
                                <th scope="col">{h_area}</th>
                                <th scope="col" class="actions">{h_actions}</th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            </div>
        </section>
    }
}
