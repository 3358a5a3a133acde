//! `/pilot/schools/:id`: one school's pilot status and its evidence on a date — whether it
//! counts toward the target, each criterion's value against its threshold (met or not, required
//! or not), what is missing in the unit people act on ("3 more teachers need to attach
//! materials"), a link to where the evidence lives (the devices, the utilisation report, the
//! roll calls, the materials), the teachers who attached nothing in the window and the devices
//! out of service. The department and sysadmins see any school; a school's own staff see theirs
//! (another school is "not found", like one that does not exist).

use crate::components::as_of_form::AsOfForm;
use crate::components::badges::{CountedBadge, DeviceStatusBadge};
use crate::components::error_alert::ErrorAlert;
use crate::components::format::group_digits;
use crate::components::icon::Icon;
use crate::components::loading::Loading;
use crate::components::notice::NotFound;
use crate::components::page_title::PageTitle;
use crate::components::pilot_criteria::value_text;
use crate::components::session::use_session;
use crate::i18n::{current_lang, tr, trf};
use crate::serverfns::pilot::{EvidenceView, SILENT_DAYS, pilot_school};
use chrono::NaiveDate;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};
use lophoc::ErrorCode;
use lophoc::dates::display_date;
use lophoc::devices::DeviceStatus;
use lophoc::ids::SchoolId;
use lophoc::model::Role;
use lophoc::pilot::{CriterionKey, CriterionResult, Measured, is_silent};

/// `/pilot/schools/:id`.
#[component]
pub fn PilotSchoolPage() -> impl IntoView {
    let id =
        use_params_map().with_untracked(|p| p.get("id").and_then(|s| s.parse::<SchoolId>().ok()));
    let as_of = use_query_map().with_untracked(|q| {
        q.get("as_of")
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    });
    let session = use_session();
    let asked = as_of.clone();
    let data = OnceResource::new(async move {
        match id {
            Some(id) => pilot_school(id, asked).await.map(Some),
            None => Ok(None),
        }
    });
    view! {
        <Suspense fallback=|| view! { <Loading /> }>
            {move || {
                let as_of = as_of.clone();
                Suspend::new(async move {
                    let role = session.0.await.ok().flatten().map(|u| u.role);
                    match (data.await, id) {
                        (Ok(Some(e)), Some(id)) => view! { <Evidence e id role as_of /> }.into_any(),
                        (Ok(_), _) => view! { <NotFound /> }.into_any(),
                        (Err(e), _) if e.code == ErrorCode::NotFound => view! { <NotFound /> }.into_any(),
                        (Err(e), Some(id)) if e.field("as_of").is_some() => view! {
                            <PageTitle text=tr("pilot.school.title") />
                            <h1>{tr("pilot.school.title")}</h1>
                            <AsOfForm action=format!("/pilot/schools/{id}") id="evidence-as-of" value=as_of.unwrap_or_default() error=e.field("as_of").unwrap_or_default() />
                        }
                        .into_any(),
                        (Err(e), _) => view! { <ErrorAlert error=e /> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

/// Where the evidence of a criterion lives, for this viewer: a page of the app and its name.
fn evidence_link(
    key: CriterionKey,
    school: SchoolId,
    role: Option<Role>,
    from: NaiveDate,
    to: NaiveDate,
) -> Option<(String, &'static str)> {
    let dept = role.is_some_and(Role::sees_all_schools);
    let admin = role == Some(Role::SchoolAdmin);
    match key {
        CriterionKey::Enrolled => Some((format!("/schools/{school}"), "pilot.school.see_school")),
        CriterionKey::DevicesInService => Some((
            format!("/devices?school={school}"),
            "pilot.school.see_devices",
        )),
        CriterionKey::DeviceUsePeriodsPerWeek => (dept || admin).then(|| {
            (
                format!("/utilisation?school={school}&from={from}&to={to}"),
                "pilot.school.see_utilisation",
            )
        }),
        // Who attached nothing is listed on this page; no page lists who attached what.
        CriterionKey::TeachersWithMaterialsPct => {
            (dept || admin).then(|| ("#teachers-without".to_owned(), "pilot.school.see_materials"))
        }
        CriterionKey::RollCallOnTimePct => {
            if dept {
                Some((
                    format!("/attendance/on-time?from={from}&to={to}"),
                    "pilot.school.see_on_time",
                ))
            } else if admin {
                Some((
                    "/attendance?week=1".to_owned(),
                    "pilot.school.see_roll_calls",
                ))
            } else {
                None
            }
        }
        CriterionKey::LogSignedOnTimePct => {
            if dept {
                Some((
                    format!("/log/on-time?from={from}&to={to}"),
                    "pilot.school.see_log_on_time",
                ))
            } else if admin {
                Some(("/classes".to_owned(), "pilot.school.see_class_log"))
            } else {
                None
            }
        }
    }
}

/// The counts behind a criterion's value.
fn counts_text(
    key: CriterionKey,
    m: &Measured,
    window_days: i64,
    since: Option<NaiveDate>,
) -> String {
    match key {
        CriterionKey::Enrolled => since
            .map(|d| trf("schools.pilot_since", &[("date", display_date(d))]))
            .unwrap_or_default(),
        // The value is the count itself.
        CriterionKey::DevicesInService => String::new(),
        CriterionKey::DeviceUsePeriodsPerWeek => trf(
            "pilot.school.counts_periods",
            &[
                ("n", group_digits(m.device_periods)),
                ("days", window_days.to_string()),
            ],
        ),
        CriterionKey::TeachersWithMaterialsPct => trf(
            "pilot.school.counts_teachers",
            &[
                ("n", group_digits(m.teachers_with_materials)),
                ("of", group_digits(m.teachers)),
            ],
        ),
        CriterionKey::RollCallOnTimePct if m.lessons == 0 => {
            tr("pilot.school.no_timetable").to_owned()
        }
        CriterionKey::RollCallOnTimePct => trf(
            "pilot.school.counts_lessons",
            &[
                ("n", group_digits(m.roll_calls_on_time.min(m.lessons))),
                ("of", group_digits(m.lessons)),
            ],
        ),
        CriterionKey::LogSignedOnTimePct if m.lessons == 0 => {
            tr("pilot.school.no_timetable").to_owned()
        }
        CriterionKey::LogSignedOnTimePct => trf(
            "pilot.school.counts_signed",
            &[
                ("n", group_digits(m.logs_on_time.min(m.lessons))),
                ("of", group_digits(m.lessons)),
            ],
        ),
    }
}

#[component]
fn Evidence(
    e: EvidenceView,
    id: SchoolId,
    role: Option<Role>,
    as_of: Option<String>,
) -> impl IntoView {
    let s = e.status.clone();
    let dept = role.is_some_and(Role::sees_all_schools);
    let silent = is_silent(&s, e.to, SILENT_DAYS);
    let (verdict_class, verdict) = match (s.enrolled, s.counted) {
        (_, true) => ("alert alert-success", "pilot.school.verdict_counted"),
        (true, false) => ("alert alert-warning", "pilot.school.verdict_not_counted"),
        (false, false) => ("alert alert-info", "pilot.school.verdict_not_enrolled"),
    };
    let missing_required = s.criteria.iter().filter(|c| c.required && !c.met).count();
    let window = trf(
        "pilot.school.window",
        &[
            ("from", display_date(e.from)),
            ("to", display_date(e.to)),
            ("days", e.window_days.to_string()),
        ],
    );
    let criteria = s
        .criteria
        .iter()
        .map(|c| {
            let link = evidence_link(c.key, id, role, e.from, e.to);
            let counts = counts_text(c.key, &s.measured, e.window_days, s.since);
            view! { <CriterionItem c=c.clone() counts link /> }
        })
        .collect_view();
    let teachers = e.teachers_without_materials.clone();
    let devices = e.devices_out_of_service.clone();
    view! {
        <PageTitle text=trf("pilot.school.title_of", &[("name", s.name.clone())]) />
        {dept.then(|| view! {
            <p>
                <a class="btn btn-ghost btn-sm" href="/pilot/schools">
                    <Icon name="chevron-left" />
                    <span>{tr("pilot.school.back")}</span>
                </a>
            </p>
        })}
        <div class="page-header">
            <div class="page-header-text">
                <h1>{s.name.clone()}</h1>
                <p>{s.code.clone()} " · " {tr(s.level.label_key())} " · " {s.area.clone()}</p>
            </div>
        </div>
        <div class="stack stack-lg">
            <div class=verdict_class role="status">
                <Icon name=if s.counted { "check-circle" } else { "info" } />
                <div class="alert-body">
                    <p class="alert-title">
                        <CountedBadge enrolled=s.enrolled counted=s.counted />
                        " "
                        {tr(verdict)}
                    </p>
                    <p>
                        {trf("pilot.school.met", &[("met", s.met.to_string()), ("n", s.criteria.len().to_string())])}
                        {(missing_required > 0).then(|| format!(" · {}", trf("pilot.school.missing_required", &[("n", missing_required.to_string())])))}
                    </p>
                    <p class="small">
                        {window}
                        " · "
                        {trf("pilot.computed_at", &[("at", lophoc::dates::display_timestamp(&e.computed_at))])}
                    </p>
                    {silent.then(|| view! {
                        <p class="small"><strong>{trf("pilot.school.silent", &[("days", SILENT_DAYS.to_string())])}</strong></p>
                    })}
                </div>
            </div>
            <AsOfForm action=format!("/pilot/schools/{id}") id="evidence-as-of" value=as_of.unwrap_or_else(|| e.to.to_string()) />
            <section class="card" aria-labelledby="criteria-title">
                <div class="card-header">
                    <h2 id="criteria-title">{tr("pilot.school.criteria")}</h2>
                </div>
                <div class="card-body">
                    <ul class="criteria-list">{criteria}</ul>
                </div>
            </section>
            <div class="grid-2">
                <section class="card" id="teachers-without" aria-labelledby="teachers-title">
                    <div class="card-header">
                        <h2 id="teachers-title">
                            {trf("pilot.school.teachers_without", &[("n", teachers.len().to_string())])}
                        </h2>
                    </div>
                    <div class="card-body">
                        {if teachers.is_empty() {
                            view! { <p class="muted">{tr("pilot.school.teachers_all")}</p> }.into_any()
                        } else {
                            view! {
                                <p class="small muted">{tr("pilot.school.teachers_hint")}</p>
                                <ul class="name-list">
                                    {teachers.into_iter().map(|t| view! { <li>{t}</li> }).collect_view()}
                                </ul>
                            }
                            .into_any()
                        }}
                    </div>
                </section>
                <section class="card" aria-labelledby="devices-out-title">
                    <div class="card-header">
                        <h2 id="devices-out-title">
                            {trf("pilot.school.devices_out", &[("n", devices.len().to_string())])}
                        </h2>
                    </div>
                    <div class="card-body">
                        {if devices.is_empty() {
                            view! { <p class="muted">{tr("pilot.school.devices_all")}</p> }.into_any()
                        } else {
                            view! {
                                <ul class="name-list">
                                    {devices
                                        .into_iter()
                                        .map(|(name, status)| {
                                            let badge = DeviceStatus::parse(&status).map(|st| view! { <DeviceStatusBadge status=st /> });
                                            view! { <li>{name} " " {badge}</li> }
                                        })
                                        .collect_view()}
                                </ul>
                                <p><a href=format!("/devices?school={id}")>{tr("pilot.school.see_devices")}</a></p>
                            }
                            .into_any()
                        }}
                    </div>
                </section>
            </div>
        </div>
    }
}

/// One criterion: met or not, its value against the threshold, what is missing, and where to
/// look.
#[component]
fn CriterionItem(
    c: CriterionResult,
    counts: String,
    link: Option<(String, &'static str)>,
) -> impl IntoView {
    let lang = current_lang();
    let (class, icon, state) = if c.met {
        (
            "criterion criterion-met",
            "check-circle",
            "pilot.school.is_met",
        )
    } else {
        (
            "criterion criterion-unmet",
            "x-circle",
            "pilot.school.not_met",
        )
    };
    let need = if c.required {
        ("badge badge-info", "pilot.school.required")
    } else {
        ("badge badge-neutral", "pilot.school.optional")
    };
    let missing = c.missing.as_ref().map(|m| m.msg().render(lang));
    let no_timetable = c.missing.as_ref().is_some_and(|m| m.no_timetable);
    view! {
        <li class=class>
            <Icon name=icon />
            <div class="criterion-body">
                <p class="criterion-name">
                    <strong>{tr(c.key.label_key())}</strong>
                    " "
                    <span class=need.0>{tr(need.1)}</span>
                </p>
                <p class="criterion-values">
                    <span class="sr-only">{tr(state)} ": "</span>
                    // Enrolled is yes or no: its threshold says nothing more. Without a
                    // timetable there is no share to show.
                    {if c.key == CriterionKey::Enrolled {
                        value_text(c.key, c.value)
                    } else {
                        let value = if no_timetable { "—".to_owned() } else { value_text(c.key, c.value) };
                        trf(
                            "pilot.school.value_vs",
                            &[("value", value), ("threshold", value_text(c.key, c.threshold))],
                        )
                    }}
                    {(!counts.is_empty()).then(|| view! { <span class="muted">" · " {counts}</span> })}
                </p>
                {missing.map(|m| view! { <p class="criterion-missing">{m}</p> })}
                {link.map(|(href, key)| view! {
                    <p class="small"><a href=href>{tr(key)}</a></p>
                })}
            </div>
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evidence_links_follow_who_looks() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        let f = d - chrono::Duration::days(29);
        let s = SchoolId(7);
        let href = |k, r| evidence_link(k, s, r, f, d).map(|(h, _)| h);
        assert_eq!(
            href(
                CriterionKey::DeviceUsePeriodsPerWeek,
                Some(Role::Department)
            )
            .as_deref(),
            Some("/utilisation?school=7&from=2026-11-01&to=2026-11-30")
        );
        assert_eq!(
            href(CriterionKey::DeviceUsePeriodsPerWeek, Some(Role::Teacher)),
            None
        );
        assert_eq!(
            href(CriterionKey::RollCallOnTimePct, Some(Role::SchoolAdmin)).as_deref(),
            Some("/attendance?week=1")
        );
        assert_eq!(
            href(CriterionKey::DevicesInService, Some(Role::Teacher)).as_deref(),
            Some("/devices?school=7")
        );
    }
}
