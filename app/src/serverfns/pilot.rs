//! Pilot adoption (thí điểm): the department's dashboard, the list of schools with their
//! status, one school's evidence, and the settings (criteria, targets, enrolments, the area
//! officers). Each server function is one call of [`lophoc::services::pilot`], which decides
//! who may see and change what.
//!
//! The answers are the service's own types, from [`lophoc::pilot`] (pure, so the browser has
//! them too), under the names the pages use ([`SummaryView`], [`TrendView`], [`StatusList`],
//! [`EvidenceView`], [`CriteriaVersionView`], [`OfficerView`]).
//!
//! Every mutation is the target of a plain HTML form and answers it with a redirect back to the
//! settings page (see [`crate::serverfns::form`]): the outcome, or the error and what was typed
//! (the keys in [`back`]), at the form's section.

// The list takes one argument per filter of its GET form, and the `#[server]` macro does not
// carry an `allow` on the function over to the browser's stub.
#![allow(clippy::too_many_arguments)]

use crate::error::UiError;
use leptos::prelude::*;
use lophoc::ids::{SchoolId, UserId};
use lophoc::model::{Area, ImportOutcome, PilotStatus, School};
use lophoc::pilot::{CriterionKey, Targets};
use serde::{Deserialize, Serialize};
use server_fn::codec::{MultipartData, MultipartFormData};

/// Schools per page of the list.
pub const PAGE_SIZE: i64 = 50;
/// The most schools one call returns (the printable report's list).
pub const MAX_PER_PAGE: i64 = 500;
/// The largest enrolment CSV accepted (a nation's schools are a few hundred kB).
pub const MAX_CSV_BYTES: usize = 5 * 1024 * 1024;
/// How many candidate schools the enrolment search shows.
pub const CANDIDATES: i64 = 20;
/// The criteria the settings form edits, in its order (`enrolled` is always in force and
/// required: the form shows it without fields).
pub const FORM_KEYS: [CriterionKey; 5] = [
    CriterionKey::DevicesInService,
    CriterionKey::DeviceUsePeriodsPerWeek,
    CriterionKey::TeachersWithMaterialsPct,
    CriterionKey::RollCallOnTimePct,
    CriterionKey::LogSignedOnTimePct,
];

/// Query-string keys of a form's answer without JavaScript.
pub mod back {
    crate::serverfns::echo::answer_keys! {
        notes {
            /// The criteria were saved: how many schools' status of today was recomputed.
            CRITERIA_SAVED = "criteria_saved";
            /// The targets were saved: how many.
            TARGETS_SAVED = "targets_saved";
            /// A school was enrolled: its name.
            ENROLLED = "enrolled_name";
            /// A school's enrolment was ended: its name.
            UNENROLLED = "unenrolled_name";
            /// On the settings page: the school whose removal to confirm (a link, so it works
            /// without JavaScript).
            CONFIRM_UNENROL = "unenrol";
            /// The officer whose area is being changed (a link), or whose change failed.
            OFFICER = "officer";
            /// An officer's area was saved: their username.
            OFFICER_SAVED = "officer_saved";
            /// A CSV enrolment: schools enrolled now (the CSV form's own keys).
            CREATED = "created";
            /// A CSV enrolment: schools whose start moved.
            UPDATED = "updated";
        }
        echoes {
            /// The criteria form that failed, as typed (`crit_window`, `crit_draft`).
            CRITERIA: super::CriteriaDraft = "crit_";
            /// The targets form that failed, as typed (`targets_draft`).
            TARGETS: super::TargetsDraft = "targets_";
            /// The enrolment that failed (`enrol_school`, `enrol_since`, …).
            ENROL: super::EnrolPilotSchool = "enrol_";
        }
    }
}

/// The criteria form as typed, as it travels back after a refused post without JavaScript.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CriteriaDraft {
    /// The window, as typed.
    pub window: String,
    /// The rows (see [`criteria_draft`]).
    pub draft: String,
}

/// The targets form as typed, as it travels back after a refused post without JavaScript.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetsDraft {
    /// The rows (see [`targets_draft`]).
    pub draft: String,
}

/// The dashboard's numbers, the trend, a page of statuses, one school's evidence, a version of
/// the criteria and an officer: the service's own types ([`lophoc::pilot`]), named as the pages
/// read them.
pub use lophoc::pilot::{
    CriteriaVersion as CriteriaVersionView, Evidence as EvidenceView, Officer as OfficerView,
    SILENT_DAYS, StatusPage as StatusList, Summary as SummaryView, Trend as TrendView,
};

/// What saving the criteria did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CriteriaSaved {
    /// Schools whose status today was recomputed (-1: it was fresh already).
    pub schools: i64,
    /// How long it took (ms).
    pub millis: i64,
}

/// A row of the criteria form, as typed (`crit[i][key]`, `crit[i][threshold]`,
/// `crit[i][required]`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CriterionRow {
    /// The criterion's API code.
    #[serde(default)]
    pub key: String,
    /// The threshold as typed (`2`, `12,5`).
    #[serde(default)]
    pub threshold: String,
    /// Present (any value) when ticked.
    #[serde(default)]
    pub required: Option<String>,
}

/// A row of the targets form, as typed (`rows[i][percent]`, `rows[i][due]`, `rows[i][remove]`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetRow {
    /// The percent as typed (`20`, `12,5`).
    #[serde(default)]
    pub percent: String,
    /// The due date as typed (`31/12/2026`).
    #[serde(default)]
    pub due: String,
    /// Present (any value) when the row's "remove" box is ticked.
    #[serde(default)]
    pub remove: Option<String>,
}

impl TargetRow {
    /// A row with neither value: the blank row for a new target, left unused.
    pub fn is_blank(&self) -> bool {
        self.percent.trim().is_empty() && self.due.trim().is_empty()
    }
}

/// A number as people type it here: a decimal comma or point (`12,5`, `12.5`); anything else is
/// `NaN`, which the service refuses with its own message for the field.
pub fn typed_number(s: &str) -> f64 {
    let s = s.trim().replace(',', ".");
    if s.is_empty() {
        return f64::NAN;
    }
    s.parse().unwrap_or(f64::NAN)
}

/// Form rows as one query value: fields separated by `|`, rows by `;` (each removed from the
/// values first: no number or date needs them).
pub fn encode_rows(rows: &[[String; 3]]) -> String {
    let clean = |s: &str| s.replace(['|', ';'], "");
    rows.iter()
        .map(|r| format!("{}|{}|{}", clean(&r[0]), clean(&r[1]), clean(&r[2])))
        .collect::<Vec<_>>()
        .join(";")
}

/// The rows of [`encode_rows`] (at most `max`).
pub fn decode_rows(s: &str, max: usize) -> Vec<[String; 3]> {
    s.split(';')
        .filter(|r| !r.is_empty())
        .take(max)
        .map(|r| {
            let mut f = r.split('|');
            let mut next = || f.next().unwrap_or("").to_owned();
            [next(), next(), next()]
        })
        .collect()
}

/// The criteria form's rows as a draft: key, threshold, `1` when required.
pub fn criteria_draft(rows: &[CriterionRow]) -> String {
    let rows: Vec<[String; 3]> = rows
        .iter()
        .map(|r| {
            [
                r.key.clone(),
                r.threshold.clone(),
                if r.required.is_some() { "1" } else { "0" }.to_owned(),
            ]
        })
        .collect();
    encode_rows(&rows)
}

/// The targets form's rows as a draft: percent, due, `1` when removed.
pub fn targets_draft(rows: &[TargetRow]) -> String {
    let rows: Vec<[String; 3]> = rows
        .iter()
        .map(|r| {
            [
                r.percent.clone(),
                r.due.clone(),
                if r.remove.is_some() { "1" } else { "0" }.to_owned(),
            ]
        })
        .collect();
    encode_rows(&rows)
}

/// The dashboard's numbers on `as_of` (`dd/mm/yyyy` or `YYYY-MM-DD`; empty: today): the
/// department and sysadmins, an area officer their area.
#[server(prefix = "/fn", endpoint = "pilot_summary")]
pub async fn pilot_summary(
    /// The day the numbers are for (empty: today).
    as_of: Option<String>,
) -> Result<SummaryView, UiError> {
    let (c, actor) = crate::ssr::actor()?;
    let ctx = crate::ssr::ctx()?;
    let fail = |e| crate::ssr::fail(&c, e);
    let as_of = lophoc::dates::optional_date("as_of", as_of.as_deref()).map_err(fail)?;
    lophoc::services::pilot::summary(&ctx, &actor, as_of)
        .await
        .map_err(fail)
}

/// The trend month by month, the points made so far (the months still being computed are
/// counted, not waited for).
#[server(prefix = "/fn", endpoint = "pilot_trend")]
pub async fn pilot_trend() -> Result<TrendView, UiError> {
    let (c, actor) = crate::ssr::actor()?;
    let ctx = crate::ssr::ctx()?;
    lophoc::services::pilot::trend(&ctx, &actor, false)
        .await
        .map_err(|e| crate::ssr::fail(&c, e))
}

/// A page of the schools' statuses under the list's filters, as its GET form sends them
/// (empty: any): `counted` / `enrolled` `true|false`, `silent_days` a number, `level` a code,
/// `area` an id, `q` words, `order` `rank|code|close`; `page` from 1, `per_page` (default
/// [`PAGE_SIZE`], at most [`MAX_PER_PAGE`]). Values its own form cannot send are ignored, as
/// an unknown filter would be; a bad `as_of` is the field's error.
#[server(prefix = "/fn", endpoint = "pilot_schools")]
pub async fn pilot_schools(
    /// The day the statuses are for (empty: today).
    as_of: Option<String>,
    /// Only schools that count (`true`) or do not (`false`).
    counted: Option<String>,
    /// Only schools enrolled (`true`) or not (`false`).
    enrolled: Option<String>,
    /// Only enrolled schools silent for at least this many days.
    silent_days: Option<String>,
    /// Only schools of this level (a level code).
    level: Option<String>,
    /// Only schools of this area (an area id).
    area: Option<String>,
    /// Words to find in the schools' codes, names or areas.
    q: Option<String>,
    /// The order: `rank`, `code` or `close`.
    order: Option<String>,
    /// The page of the list (from 1).
    page: Option<i64>,
    /// Schools per page (at most [`MAX_PER_PAGE`]).
    per_page: Option<i64>,
) -> Result<StatusList, UiError> {
    use lophoc::services::pilot::{Order, StatusFilter};
    let (c, actor) = crate::ssr::actor()?;
    let ctx = crate::ssr::ctx()?;
    let fail = |e| crate::ssr::fail(&c, e);
    let present = |v: Option<String>| v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    let flag = |v: Option<String>| match present(v).as_deref() {
        Some("true" | "1") => Some(true),
        Some("false" | "0") => Some(false),
        _ => None,
    };
    let per_page = per_page.unwrap_or(PAGE_SIZE).clamp(1, MAX_PER_PAGE);
    let f = StatusFilter {
        as_of: lophoc::dates::optional_date("as_of", as_of.as_deref()).map_err(fail)?,
        counted: flag(counted),
        enrolled: flag(enrolled),
        silent_days: present(silent_days)
            .and_then(|d| d.parse().ok())
            .filter(|d| *d >= 1),
        level: present(level).and_then(|l| {
            lophoc::model::SchoolLevel::ALL
                .into_iter()
                .find(|x| x.as_str() == l)
        }),
        area: present(area).and_then(|a| a.parse().ok()),
        q: present(q),
        order: match present(order).as_deref() {
            Some("code") => Order::Code,
            Some("close") => Order::Close,
            _ => Order::Rank,
        },
        limit: Some(per_page),
        offset: Some((page.unwrap_or(1).clamp(1, 1_000_000) - 1) * per_page),
    };
    lophoc::services::pilot::schools(&ctx, &actor, &f)
        .await
        .map_err(fail)
}

/// One school's status and evidence on `as_of` (empty: today): the department and sysadmins,
/// and the school's own staff; another school is "not found".
#[server(prefix = "/fn", endpoint = "pilot_school")]
pub async fn pilot_school(
    /// The school shown.
    school: SchoolId,
    /// The day the status is for (empty: today).
    as_of: Option<String>,
) -> Result<EvidenceView, UiError> {
    let (c, actor) = crate::ssr::actor()?;
    let ctx = crate::ssr::ctx()?;
    let fail = |e| crate::ssr::fail(&c, e);
    let as_of = lophoc::dates::optional_date("as_of", as_of.as_deref()).map_err(fail)?;
    lophoc::services::pilot::school(&ctx, &actor, school, as_of)
        .await
        .map_err(fail)
}

/// Every version of the criteria, oldest first (the last is in force).
#[server(prefix = "/fn", endpoint = "pilot_criteria_history")]
pub async fn pilot_criteria_history() -> Result<Vec<CriteriaVersionView>, UiError> {
    let (c, actor) = crate::ssr::actor()?;
    let ctx = crate::ssr::ctx()?;
    lophoc::services::pilot::criteria_history(&ctx, &actor)
        .await
        .map_err(|e| crate::ssr::fail(&c, e))
}

/// The province's targets.
#[server(prefix = "/fn", endpoint = "pilot_targets")]
pub async fn pilot_targets() -> Result<Targets, UiError> {
    let (c, actor) = crate::ssr::actor()?;
    let ctx = crate::ssr::ctx()?;
    lophoc::services::pilot::targets(&ctx, &actor)
        .await
        .map_err(|e| crate::ssr::fail(&c, e))
}

/// Schools not enrolled yet matching `q` (the enrolment form's search), at most
/// [`CANDIDATES`].
#[server(prefix = "/fn", endpoint = "pilot_candidates")]
pub async fn pilot_candidates(
    /// Words to find in the schools' codes, names or areas.
    q: String,
) -> Result<Vec<School>, UiError> {
    let (c, actor) = crate::ssr::actor()?;
    let ctx = crate::ssr::ctx()?;
    lophoc::services::pilot::candidates(&ctx, &actor, q.trim(), CANDIDATES)
        .await
        .map_err(|e| crate::ssr::fail(&c, e))
}

/// The department's officers and the area each is scoped to.
#[server(prefix = "/fn", endpoint = "pilot_officers")]
pub async fn pilot_officers() -> Result<Vec<OfficerView>, UiError> {
    let (c, actor) = crate::ssr::actor()?;
    let ctx = crate::ssr::ctx()?;
    lophoc::services::pilot::officers(&ctx, &actor)
        .await
        .map_err(|e| crate::ssr::fail(&c, e))
}

/// The province's areas, for the pilot pages' area choices (department and sysadmin).
#[server(prefix = "/fn", endpoint = "pilot_areas")]
pub async fn pilot_areas() -> Result<Vec<Area>, UiError> {
    let (c, actor) = crate::ssr::actor()?;
    let ctx = crate::ssr::ctx()?;
    lophoc::services::schools::areas(&ctx, &actor)
        .await
        .map_err(|e| crate::ssr::fail(&c, e))
}

/// Saves the criteria form: `window_days`, and per row its key, threshold and "required" box.
/// A threshold or window that is not a number is sent on as one the service refuses, so every
/// problem is named at once; an error about a criterion names the form's row
/// (`crit.{row}.threshold`).
#[server(prefix = "/fn", endpoint = "set_pilot_criteria")]
pub async fn set_pilot_criteria(
    /// The window in days, as typed.
    window_days: String,
    /// The form's rows, one per criterion.
    #[server(default)]
    crit: Vec<CriterionRow>,
) -> Result<CriteriaSaved, UiError> {
    use lophoc::pilot::Criterion;
    use server_fn::ServerFn;
    let typed = CriteriaDraft {
        window: window_days.clone(),
        draft: criteria_draft(&crit),
    };
    let r = async {
        let (c, actor) = crate::ssr::actor()?;
        let ctx = crate::ssr::ctx()?;
        let mut kept = Vec::new();
        let mut criteria = Vec::new();
        for (i, row) in crit.iter().enumerate() {
            // A key the form cannot send is no criterion.
            let Some(key) = CriterionKey::parse(&row.key) else {
                continue;
            };
            // An empty threshold that is not required: the criterion is not in force (the
            // form lists every criterion; the department leaves out those it does not use).
            if row.threshold.trim().is_empty() && row.required.is_none() {
                continue;
            }
            kept.push(i);
            criteria.push(Criterion {
                key,
                threshold: typed_number(&row.threshold),
                required: row.required.is_some(),
            });
        }
        let input = lophoc::pilot::Criteria {
            window_days: window_days.trim().parse().unwrap_or(0),
            criteria,
        };
        lophoc::services::pilot::set_criteria(&ctx, &actor, input, Some(&c.ip))
            .await
            .map(|s| CriteriaSaved {
                schools: s.schools,
                millis: s.millis,
            })
            .map_err(|e| rename_rows(crate::ssr::fail(&c, e), "criteria[", "crit", &kept))
    }
    .await;
    form::answer(
        r,
        SetPilotCriteria::PATH,
        "criteria",
        |s| vec![(back::CRITERIA_SAVED, s.schools.max(0).to_string())],
        back::CRITERIA.pairs(&typed),
    )
}

/// Saves the targets form: the rows kept (not removed, not blank), each a percent and a due
/// date. An error names the form's row (`rows.{row}.percent`, `rows.{row}.due`).
#[server(prefix = "/fn", endpoint = "set_pilot_targets")]
pub async fn set_pilot_targets(
    /// The form's rows, removed and blank ones included.
    #[server(default)]
    rows: Vec<TargetRow>,
) -> Result<Targets, UiError> {
    use lophoc::Msg;
    use lophoc::error::FieldErrors;
    use lophoc::pilot::Target;
    use server_fn::ServerFn;
    let typed = TargetsDraft {
        draft: targets_draft(&rows),
    };
    let r = async {
        let (c, actor) = crate::ssr::actor()?;
        let ctx = crate::ssr::ctx()?;
        let fail = |e| crate::ssr::fail(&c, e);
        let mut kept = Vec::new();
        let mut items = Vec::new();
        // A date that is not one has no stand-in the service would refuse: it is named here.
        let mut errs = FieldErrors::new();
        for (i, row) in rows.iter().enumerate() {
            if row.remove.is_some() || row.is_blank() {
                continue;
            }
            match lophoc::dates::parse_date(&row.due) {
                Some(due) => {
                    kept.push(i);
                    items.push(Target {
                        percent: typed_number(&row.percent),
                        due,
                    });
                }
                None => errs.add(&format!("rows.{i}.due"), Msg::new("validation.date")),
            }
        }
        errs.finish().map_err(fail)?;
        lophoc::services::pilot::set_targets(&ctx, &actor, Targets { items }, Some(&c.ip))
            .await
            .map_err(|e| rename_rows(fail(e), "items[", "rows", &kept))
    }
    .await;
    form::answer(
        r,
        SetPilotTargets::PATH,
        "targets",
        |t| vec![(back::TARGETS_SAVED, t.items.len().to_string())],
        back::TARGETS.pairs(&typed),
    )
}

/// Enrols a school in the pilot since `since` (`dd/mm/yyyy`; empty: today), or moves its
/// start. `name` only travels back for the confirmation.
#[server(prefix = "/fn", endpoint = "enrol_pilot_school")]
pub async fn enrol_pilot_school(
    /// The school enrolled.
    school: SchoolId,
    /// The enrolment's first day (`dd/mm/yyyy`; empty: today).
    #[server(default)]
    since: String,
    /// The school's name, echoed back for the confirmation only.
    #[server(default)]
    name: String,
) -> Result<PilotStatus, UiError> {
    use lophoc::{Error, Msg};
    use server_fn::ServerFn;
    let typed = EnrolPilotSchool {
        school,
        since: since.clone(),
        name: name.clone(),
    };
    let r = async {
        let (c, actor) = crate::ssr::actor()?;
        let ctx = crate::ssr::ctx()?;
        let fail = |e| crate::ssr::fail(&c, e);
        let day = match since.trim() {
            "" => lophoc::dates::today_at(ctx.now()),
            s => lophoc::dates::parse_date(s)
                .ok_or_else(|| fail(Error::field("since", Msg::new("validation.date"))))?,
        };
        lophoc::services::pilot::enrol(&ctx, &actor, school, day, Some(&c.ip))
            .await
            .map_err(fail)
    }
    .await;
    form::answer(
        r,
        EnrolPilotSchool::PATH,
        "enrol",
        |_| vec![(back::ENROLLED, name.clone())],
        back::ENROL.pairs(&typed),
    )
}

/// Ends a school's enrolment. `name` only travels back for the confirmation.
#[server(prefix = "/fn", endpoint = "unenrol_pilot_school")]
pub async fn unenrol_pilot_school(
    /// The school whose enrolment ends.
    school: SchoolId,
    /// The school's name, echoed back for the confirmation only.
    #[server(default)]
    name: String,
) -> Result<(), UiError> {
    use server_fn::ServerFn;
    let r = async {
        let (c, actor) = crate::ssr::actor()?;
        let ctx = crate::ssr::ctx()?;
        lophoc::services::pilot::unenrol(&ctx, &actor, school, Some(&c.ip))
            .await
            .map_err(|e| crate::ssr::fail(&c, e))
    }
    .await;
    form::answer(
        r,
        UnenrolPilotSchool::PATH,
        "enrolled",
        |_| vec![(back::UNENROLLED, name.clone())],
        vec![],
    )
}

/// Enrols the schools of a CSV `code,since` sent as the `file` part of a multipart form: all
/// or nothing, every bad line listed.
#[server(input = MultipartFormData, prefix = "/fn", endpoint = "enrol_pilot_csv")]
pub async fn enrol_pilot_csv(
    /// The enrolment form, as posted, with the CSV `file`.
    data: MultipartData,
) -> Result<ImportOutcome, UiError> {
    use lophoc::{Error, ErrorCode, Msg};
    use server_fn::ServerFn;
    let r = async {
        let (c, actor) = crate::ssr::actor()?;
        let ctx = crate::ssr::ctx()?;
        let fail = |e| crate::ssr::fail(&c, e);
        let bytes = crate::serverfns::form::file_part(data, "file", MAX_CSV_BYTES)
            .await
            .map_err(fail)?;
        if bytes.is_empty() {
            return Err(fail(Error::with_msg(
                ErrorCode::Validation,
                Msg::new("school_import.no_file"),
            )));
        }
        lophoc::services::pilot::enrol_csv(&ctx, &actor, &bytes, Some(&c.ip))
            .await
            .map_err(fail)
    }
    .await;
    form::answer(
        r,
        EnrolPilotCsv::PATH,
        "enrol-csv",
        |o| {
            vec![
                (back::CREATED, o.created.to_string()),
                (back::UPDATED, o.updated.to_string()),
            ]
        },
        vec![],
    )
}

/// Scopes a department officer to an area (`area` an id; empty: the whole province again).
#[server(prefix = "/fn", endpoint = "set_officer_area")]
pub async fn set_officer_area(
    /// The department officer scoped.
    user: UserId,
    /// The area's id (empty: the whole province).
    #[server(default)]
    area: String,
) -> Result<OfficerView, UiError> {
    use lophoc::{Error, Msg};
    use server_fn::ServerFn;
    let r = async {
        let (c, actor) = crate::ssr::actor()?;
        let ctx = crate::ssr::ctx()?;
        let fail = |e| crate::ssr::fail(&c, e);
        let area =
            match area.trim() {
                "" => None,
                a => Some(a.parse::<lophoc::ids::AreaId>().map_err(|_| {
                    fail(Error::field("area", Msg::new("pilot.error.unknown_area")))
                })?),
            };
        lophoc::services::pilot::set_officer_area(&ctx, &actor, user, area, Some(&c.ip))
            .await
            .map_err(fail)
    }
    .await;
    form::answer(
        r,
        SetOfficerArea::PATH,
        "officers",
        |o| vec![(back::OFFICER_SAVED, o.username.clone())],
        // Not what was typed but which row to reopen: the page's link key.
        vec![(back::OFFICER.to_owned(), user.to_string())],
    )
}

/// Renames the service's `{prefix}{k}].field` errors (`criteria[0].threshold`) to the form's
/// `{to}.{row}.field`, the row the user typed (`kept[k]`).
#[cfg(feature = "ssr")]
fn rename_rows(mut e: UiError, prefix: &str, to: &str, kept: &[usize]) -> UiError {
    for (f, _) in &mut e.fields {
        if let Some(rest) = f.strip_prefix(prefix)
            && let Some((k, field)) = rest.split_once("].")
            && let Some(row) = k.parse::<usize>().ok().and_then(|k| kept.get(k))
        {
            *f = format!("{to}.{row}.{field}");
        }
    }
    e
}

/// Plain-form answers with this module's keys (server only).
#[cfg(feature = "ssr")]
mod form {
    use crate::error::UiError;

    /// [`crate::serverfns::form::answer_at`] back to the settings page at `#anchor`, replacing
    /// any earlier answer of its forms: `ok(value)` on success, `typed` on error.
    pub fn answer<T>(
        r: Result<T, UiError>,
        fn_path: &str,
        anchor: &str,
        ok: impl FnOnce(&T) -> Vec<(&'static str, String)>,
        typed: Vec<(String, String)>,
    ) -> Result<T, UiError> {
        crate::serverfns::form::answer_at(r, fn_path, anchor, super::back::is_answer, ok, typed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_typed_with_a_comma_or_a_point() {
        assert_eq!(typed_number("12,5"), 12.5);
        assert_eq!(typed_number(" 20 "), 20.0);
        assert_eq!(typed_number("7.25"), 7.25);
        assert!(typed_number("").is_nan());
        assert!(typed_number("nhiều").is_nan());
    }

    #[test]
    fn drafts_round_trip() {
        let rows = vec![
            TargetRow {
                percent: "12,5".into(),
                due: "31/12/2026".into(),
                remove: None,
            },
            TargetRow {
                percent: "x|y;z".into(),
                due: String::new(),
                remove: Some("on".into()),
            },
        ];
        let d = targets_draft(&rows);
        assert_eq!(d, "12,5|31/12/2026|0;xyz||1");
        assert_eq!(
            decode_rows(&d, 10),
            vec![
                ["12,5".to_owned(), "31/12/2026".to_owned(), "0".to_owned()],
                ["xyz".to_owned(), String::new(), "1".to_owned()],
            ]
        );
        assert!(decode_rows("", 10).is_empty());
        assert_eq!(decode_rows("a|b|c;d|e|f", 1).len(), 1);
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn service_errors_name_the_form_row() {
        let e = UiError {
            code: lophoc::ErrorCode::Validation,
            message: String::new(),
            fields: vec![
                ("criteria[1].threshold".into(), "x".into()),
                ("window_days".into(), "y".into()),
                ("criteria[9].key".into(), "z".into()),
            ],
            lines: vec![],
        };
        let e = rename_rows(e, "criteria[", "crit", &[0, 2]);
        assert_eq!(e.field("crit.2.threshold").as_deref(), Some("x"));
        assert_eq!(e.field("window_days").as_deref(), Some("y"));
        assert_eq!(e.field("criteria[9].key").as_deref(), Some("z"));
    }
}
