//! The class page's substitutes (dạy thay) section: the current and future substitutions and,
//! for the school's administrators, a plain form to assign one and a button to remove each.
//! Works without JavaScript: the answer comes back in the query (what was typed kept on error).

use crate::components::error_alert::ErrorAlert;
use crate::components::field::{Field, SelectField};
use crate::components::icon::Icon;
use crate::components::notice::SuccessNote;
use crate::error::{field_error, from_query};
use crate::i18n::{tr, trf};
use crate::serverfns::substitutes::{
    ANCHOR, AssignSubstitute, RemoveSubstitute, back, class_substitutes,
};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use lophoc::dates::display_date;
use lophoc::ids::ClassId;
use lophoc::substitutes::{SubstitutesView, Substitution};
use server_fn::ServerFn;

/// The section, loaded on its own (the week above shows first).
#[component]
pub fn Substitutes(
    /// The class.
    class: ClassId,
) -> impl IntoView {
    let data = OnceResource::new(class_substitutes(class));
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(v) => view! { <Section class v /> }.into_any(),
                    Err(e) => view! { <ErrorAlert error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn days(s: &Substitution) -> String {
    if s.from == s.to {
        display_date(s.from)
    } else {
        format!("{} – {}", display_date(s.from), display_date(s.to))
    }
}

#[component]
fn Section(class: ClassId, v: SubstitutesView) -> impl IntoView {
    let query = use_query_map();
    let (error, assigned, removed, typed) = query.with_untracked(|q| {
        (
            from_query(q, AssignSubstitute::PATH).or_else(|| from_query(q, RemoveSubstitute::PATH)),
            q.get(back::ASSIGNED).filter(|n| !n.is_empty()),
            q.get(back::REMOVED).is_some(),
            back::ASSIGN.read(q),
        )
    });
    // Nothing to show a teacher when nobody stands in.
    if v.items.is_empty() && !v.manage {
        return ().into_any();
    }
    let note = assigned
        .map(|n| trf("subs.assigned", &[("name", n)]))
        .or_else(|| removed.then(|| tr("subs.removed").to_owned()));
    let rows = v
        .items
        .iter()
        .map(|s| {
            let remove = v.manage.then(|| {
                view! {
                    <form class="row-form" method="post" action=RemoveSubstitute::PATH>
                        <input type="hidden" name="class" value=class.to_string() />
                        <input type="hidden" name="id" value=s.id.to_string() />
                        <button
                            type="submit"
                            class="btn btn-ghost btn-sm"
                            aria-label=trf(
                                "subs.remove_named",
                                &[("name", s.substitute_name.clone()), ("from", display_date(s.from))],
                            )
                        >
                            <Icon name="close" />
                            <span>{tr("subs.remove")}</span>
                        </button>
                    </form>
                }
            });
            view! {
                <tr>
                    <td data-label=tr("subs.days")>{days(s)}</td>
                    <td data-label=tr("subs.periods")>
                        {s.period.map(|p| p.to_string()).unwrap_or_else(|| tr("subs.all_periods").to_owned())}
                    </td>
                    <td data-label=tr("subs.who")>
                        {trf(
                            "subs.line",
                            &[("substitute", s.substitute_name.clone()), ("teacher", s.teacher_name.clone())],
                        )}
                    </td>
                    <td data-label=tr("subs.reason")>{s.reason.clone().unwrap_or_default()}</td>
                    {v.manage.then(|| view! { <td>{remove}</td> })}
                </tr>
            }
        })
        .collect_view();
    let list = if v.items.is_empty() {
        view! { <p class="muted">{tr("subs.none")}</p> }.into_any()
    } else {
        view! {
            <div class="table-wrap">
                <table class="table stack">
                    <caption class="sr-only">{tr("subs.caption")}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{tr("subs.days")}</th>
                            <th scope="col">{tr("subs.periods")}</th>
                            <th scope="col">{tr("subs.who")}</th>
                            <th scope="col">{tr("subs.reason")}</th>
                            {v.manage.then(|| view! { <th scope="col"><span class="sr-only">{tr("subs.remove")}</span></th> })}
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
        .into_any()
    };
    let form = v.manage.then(|| {
        let t = typed.unwrap_or_else(|| AssignSubstitute {
            class,
            from: v.today.to_string(),
            to: String::new(),
            period: String::new(),
            teacher: String::new(),
            substitute: String::new(),
            reason: String::new(),
        });
        let field = |f: &str| field_error(&error, f);
        let period_options = v
            .periods
            .iter()
            .map(|p| {
                let p = p.to_string();
                view! { <option value=p.clone() selected=t.period == p>{p.clone()}</option> }
            })
            .collect_view();
        let teacher_options = v
            .teachers
            .iter()
            .map(|s| {
                let id = s.id.to_string();
                view! { <option value=id.clone() selected=t.teacher == id>{s.full_name.clone()}</option> }
            })
            .collect_view();
        let staff_options = v
            .staff
            .iter()
            .map(|s| {
                let id = s.id.to_string();
                view! {
                    <option value=id.clone() selected=t.substitute == id>
                        {format!("{} ({})", s.full_name, s.username)}
                    </option>
                }
            })
            .collect_view();
        view! {
            <form class="form wide" method="post" action=AssignSubstitute::PATH novalidate=true>
                <input type="hidden" name="class" value=class.to_string() />
                <div class="grid-2">
                    <Field id="sub-from" name="from" kind="date" label=tr("subs.from") value=t.from.clone() error=field("from") />
                    <Field id="sub-to" name="to" kind="date" label=tr("subs.to") hint=tr("subs.to_hint") value=t.to.clone() error=field("to") required=false />
                    <SelectField id="sub-period" name="period" label=tr("subs.period") error=field("period")>
                        <option value="" selected=t.period.is_empty()>{tr("subs.every_period")}</option>
                        {period_options}
                    </SelectField>
                    <SelectField id="sub-teacher" name="teacher" label=tr("subs.teacher") error=field("teacher_id")>
                        <option value="" selected=t.teacher.is_empty()>{tr("subs.teacher_auto")}</option>
                        {teacher_options}
                    </SelectField>
                    <SelectField id="sub-substitute" name="substitute" label=tr("subs.substitute") error=field("substitute_id")>
                        <option value="" selected=t.substitute.is_empty()>{tr("subs.pick")}</option>
                        {staff_options}
                    </SelectField>
                    <Field id="sub-reason" name="reason" label=tr("subs.reason") hint=tr("subs.reason_hint") value=t.reason.clone() error=field("reason") required=false />
                </div>
                <div class="form-actions">
                    <button type="submit" class="btn btn-primary">
                        <Icon name="plus" />
                        <span>{tr("subs.submit")}</span>
                    </button>
                </div>
            </form>
        }
    });
    view! {
        <section class="card" id=ANCHOR aria-labelledby="substitutes-title">
            <div class="card-header">
                <h2 id="substitutes-title">{tr("subs.title")}</h2>
            </div>
            <div class="card-body stack">
                <SuccessNote message=Signal::derive(move || note.clone()) />
                {error.clone().filter(|e| e.fields.is_empty()).map(|e| view! { <ErrorAlert error=e /> })}
                {v.manage.then(|| view! { <p class="small">{tr("subs.intro")}</p> })}
                {list}
                {form}
            </div>
        </section>
    }
    .into_any()
}
