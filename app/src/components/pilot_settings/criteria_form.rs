//! The criteria form: the window, and per criterion its threshold and whether it is required.

use crate::components::error_alert::ErrorAlert;
use crate::components::field::Field;
use crate::components::icon::Icon;
use crate::components::notice::SuccessNote;
use crate::components::pilot_settings::form_error;
use crate::error::field_error;
use crate::i18n::{tr, trf};
use crate::serverfns::pilot::{FORM_KEYS, SetPilotCriteria, back, decode_rows};
use leptos::prelude::*;
use leptos_router::params::ParamsMap;
use lophoc::pilot::{Criteria, CriterionKey};
use server_fn::ServerFn;

/// The criteria: the window, and per criterion its threshold and whether it is required.
#[component]
pub fn CriteriaCard(
    /// The criteria in force, shown when nothing was refused.
    current: Criteria,
    /// The page's query: a refusal's error and what was typed, or "saved".
    query: ParamsMap,
) -> impl IntoView {
    let (error, general) = form_error(&query, SetPilotCriteria::PATH);
    let saved = query.get(back::CRITERIA_SAVED);
    // After a refusal the form shows what was typed; else what is in force.
    let typed = error
        .as_ref()
        .map(|_| back::CRITERIA.read(&query).unwrap_or_default());
    let draft = typed.as_ref().map(|t| decode_rows(&t.draft, 10));
    let window = match typed {
        Some(t) => t.window,
        None => current.window_days.to_string(),
    };
    let defaults = Criteria::default();
    let rows = FORM_KEYS
        .into_iter()
        .enumerate()
        .map(|(i, key)| {
            let (threshold, required) = match &draft {
                Some(rows) => rows
                    .iter()
                    .find(|r| r[0] == key.as_str())
                    .map(|r| (r[1].clone(), r[2] == "1"))
                    .unwrap_or_default(),
                None => match current.get(key).or_else(|| defaults.get(key)) {
                    Some(c) => (
                        threshold_text(key, c.threshold),
                        current.get(key).is_some_and(|c| c.required),
                    ),
                    None => (String::new(), false),
                },
            };
            let err = error
                .as_ref()
                .and_then(|e| e.field(&format!("crit.{i}.threshold")));
            let bad = err.is_some();
            let id = format!("crit-{i}");
            let unit = match key {
                CriterionKey::DevicesInService => tr("pilot.settings.unit_devices"),
                CriterionKey::DeviceUsePeriodsPerWeek => tr("pilot.settings.unit_periods"),
                _ => "%",
            };
            view! {
                <div class="crit-row" class:invalid=bad>
                    <input type="hidden" name=format!("crit[{i}][key]") value=key.as_str() />
                    <div class="field">
                        <label for=id.clone()>{tr(key.label_key())}</label>
                        <span class="input-unit">
                            <input
                                id=id.clone()
                                name=format!("crit[{i}][threshold]")
                                type="text"
                                inputmode="decimal"
                                autocomplete="off"
                                value=threshold
                                aria-invalid=bad.to_string()
                                aria-describedby=bad.then(|| format!("{id}-error"))
                            />
                            <span class="unit">{unit}</span>
                        </span>
                        {err.map(|m| view! { <p class="field-error" id=format!("{id}-error")>{m}</p> })}
                    </div>
                    <label class="check">
                        <input type="checkbox" name=format!("crit[{i}][required]") checked=required />
                        <span>
                            {tr("pilot.school.required")}
                            <span class="sr-only">{format!(": {}", tr(key.label_key()))}</span>
                        </span>
                    </label>
                </div>
            }
        })
        .collect_view();
    let saved_note = saved.map(|n| trf("pilot.settings.criteria_saved", &[("n", n)]));
    view! {
        <section class="card" id="criteria" aria-labelledby="criteria-title">
            <div class="card-header">
                <h2 id="criteria-title">{tr("pilot.settings.criteria")}</h2>
            </div>
            <div class="card-body stack">
                <p class="muted">{tr("pilot.settings.criteria_intro")}</p>
                <SuccessNote message=Signal::derive(move || saved_note.clone()) />
                {error.clone().filter(|_| general).map(|e| view! { <ErrorAlert error=e /> })}
                <form class="form wide crit-form" method="post" action=SetPilotCriteria::PATH novalidate>
                    <Field
                        id="crit-window"
                        name="window_days"
                        label=tr("pilot.settings.window")
                        hint=tr("pilot.settings.window_hint")
                        autocomplete="off"
                        value=window
                        error=field_error(&error, "window_days")
                    />
                    <fieldset class="crit-rows">
                        <legend>{tr("pilot.settings.thresholds")}</legend>
                        <p class="hint">{tr("pilot.settings.decimals")}</p>
                        <div class="crit-row crit-fixed">
                            <div class="field">
                                <span class="field-label">{tr(CriterionKey::Enrolled.label_key())}</span>
                                <span class="hint">{tr("pilot.settings.enrolled_always")}</span>
                            </div>
                        </div>
                        {rows}
                    </fieldset>
                    <div class="form-actions">
                        <button type="submit" class="btn btn-primary">
                            <Icon name="check" />
                            <span>{tr("pilot.settings.criteria_submit")}</span>
                        </button>
                    </div>
                </form>
            </div>
        </section>
    }
}

fn threshold_text(key: CriterionKey, v: f64) -> String {
    if key == CriterionKey::Enrolled {
        String::new()
    } else {
        crate::components::format::field_text(v)
    }
}
