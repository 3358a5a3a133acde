//! The targets form: a row per target (percent, due date, "remove") and a blank row to add one.

use crate::components::error_alert::ErrorAlert;
use crate::components::field::{DATE_PATTERN, DATE_PLACEHOLDER};
use crate::components::icon::Icon;
use crate::components::notice::SuccessNote;
use crate::components::pilot_settings::form_error;
use crate::i18n::{tr, trf};
use crate::serverfns::pilot::{SetPilotTargets, back, decode_rows};
use leptos::prelude::*;
use leptos_router::params::ParamsMap;
use lophoc::dates::display_date;
use lophoc::pilot::{MAX_TARGETS, Targets};
use server_fn::ServerFn;

/// The targets: a row per target (percent, due date, "remove") and a blank row to add one.
#[component]
pub fn TargetsCard(
    /// The targets in force, shown when nothing was refused.
    current: Targets,
    /// The page's query: a refusal's error and what was typed, or "saved".
    query: ParamsMap,
) -> impl IntoView {
    let (error, general) = form_error(&query, SetPilotTargets::PATH);
    let saved = query.get(back::TARGETS_SAVED);
    let mut rows: Vec<[String; 3]> = match &error {
        Some(_) => decode_rows(
            &back::TARGETS.read(&query).unwrap_or_default().draft,
            MAX_TARGETS + 1,
        ),
        None => current
            .items
            .iter()
            .map(|t| {
                [
                    crate::components::format::field_text(t.percent),
                    display_date(t.due),
                    "0".into(),
                ]
            })
            .collect(),
    };
    if rows.len() < MAX_TARGETS
        && rows
            .last()
            .is_none_or(|r| !(r[0].is_empty() && r[1].is_empty()))
    {
        rows.push([String::new(), String::new(), "0".into()]);
    }
    let last = rows.len() - 1;
    let items = rows
        .into_iter()
        .enumerate()
        .map(|(i, r)| {
            let err = |f: &str| error.as_ref().and_then(|e| e.field(&format!("rows.{i}.{f}")));
            let (p_err, d_err) = (err("percent"), err("due"));
            let (p_bad, d_bad) = (p_err.is_some(), d_err.is_some());
            let (p_id, d_id) = (format!("target-{i}-percent"), format!("target-{i}-due"));
            let blank = i == last && r[0].is_empty() && r[1].is_empty();
            let legend = if blank {
                tr("pilot.settings.target_new").to_owned()
            } else {
                trf("pilot.settings.target_n", &[("n", (i + 1).to_string())])
            };
            view! {
                <fieldset class="target-row" class:invalid=p_bad || d_bad>
                    <legend>{legend.clone()}</legend>
                    <div class="field" class:invalid=p_bad>
                        <label for=p_id.clone()>{tr("pilot.settings.target_percent")}</label>
                        <span class="input-unit">
                            <input id=p_id.clone() name=format!("rows[{i}][percent]") type="text" inputmode="decimal" autocomplete="off" value=r[0].clone()
                                aria-invalid=p_bad.to_string() aria-describedby=p_bad.then(|| format!("{p_id}-error")) />
                            <span class="unit">"%"</span>
                        </span>
                        {p_err.map(|m| view! { <p class="field-error" id=format!("{p_id}-error")>{m}</p> })}
                    </div>
                    <div class="field" class:invalid=d_bad>
                        <label for=d_id.clone()>{tr("pilot.settings.target_due")}</label>
                        <input id=d_id.clone() name=format!("rows[{i}][due]") type="text" inputmode="numeric" autocomplete="off"
                            placeholder=DATE_PLACEHOLDER pattern=DATE_PATTERN value=lophoc::dates::display_iso_date(&r[1])
                            aria-invalid=d_bad.to_string() aria-describedby=d_bad.then(|| format!("{d_id}-error")) />
                        {d_err.map(|m| view! { <p class="field-error" id=format!("{d_id}-error")>{m}</p> })}
                    </div>
                    {(!blank).then(|| view! {
                        <label class="check">
                            <input type="checkbox" name=format!("rows[{i}][remove]") checked=r[2] == "1" />
                            <span>
                                {tr("pilot.settings.target_remove")}
                                <span class="sr-only">{format!(" ({legend})")}</span>
                            </span>
                        </label>
                    })}
                </fieldset>
            }
        })
        .collect_view();
    let saved_note = saved.map(|n| trf("pilot.settings.targets_saved", &[("n", n)]));
    let items_error = error.as_ref().and_then(|e| e.field("items"));
    view! {
        <section class="card" id="targets" aria-labelledby="targets-title">
            <div class="card-header">
                <h2 id="targets-title">{tr("pilot.settings.targets")}</h2>
            </div>
            <div class="card-body stack">
                <p class="muted">{tr("pilot.settings.targets_intro")}</p>
                <SuccessNote message=Signal::derive(move || saved_note.clone()) />
                {error.clone().filter(|_| general).map(|e| view! { <ErrorAlert error=e /> })}
                {items_error.map(|m| view! { <p class="field-error">{m}</p> })}
                <form class="form wide" method="post" action=SetPilotTargets::PATH novalidate>
                    <div class="target-rows">{items}</div>
                    <div class="form-actions">
                        <button type="submit" class="btn btn-primary">
                            <Icon name="check" />
                            <span>{tr("pilot.settings.targets_submit")}</span>
                        </button>
                    </div>
                </form>
            </div>
        </section>
    }
}
