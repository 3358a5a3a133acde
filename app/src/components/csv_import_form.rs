//! The CSV upload form of every import (schools, teachers, devices).
//!
//! A plain `multipart/form-data` form posting to the import's server function, so it works
//! without JavaScript: the server sends the browser back with `?created=&updated=` or, on an
//! error, with the error in `__err` and the function's path in `__path`. With JavaScript a
//! small island ([`SubmitBusy`]) shows that the file is on its way while the browser posts it.

use crate::components::error_alert::ErrorAlert;
use crate::components::format::group_digits;
use crate::components::icon::Icon;
use crate::components::loading::SubmitBusy;
use crate::error::UiError;
use crate::i18n::{tr, trf};

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use lophoc::model::ImportOutcome;
use server_fn::error::ServerFnUrlError;

/// The outcome a plain form post left in the query string, if any: only an error of this
/// form's function (`fn_path`), since other forms of the page have their own.
pub fn outcome_from_query(
    fn_path: &str,
    err: Option<String>,
    path: Option<String>,
    created: Option<String>,
    updated: Option<String>,
) -> Option<Result<ImportOutcome, UiError>> {
    if let Some(err) = err {
        return (path.as_deref() == Some(fn_path))
            .then(|| Err(ServerFnUrlError::<UiError>::decode_err(&err)));
    }
    let n = |v: Option<String>| v.and_then(|v| v.parse::<u64>().ok());
    match (n(created), n(updated)) {
        (None, None) => None,
        (c, u) => Some(Ok(ImportOutcome {
            created: c.unwrap_or(0),
            updated: u.unwrap_or(0),
        })),
    }
}

/// The upload form with its outcome above it.
#[component]
pub fn CsvImportForm(
    /// The server function's path (the form's `action`).
    fn_path: &'static str,
    /// A prefix for the element ids (unique on the page).
    id: &'static str,
    /// The file field's label.
    label: &'static str,
    /// The hint under the label (type, size).
    hint: &'static str,
    /// The submit button's text.
    submit: &'static str,
    /// What shows while the file is imported.
    busy: &'static str,
    /// Hidden fields sent along (name, value), e.g. the school.
    #[prop(optional)]
    hidden: Vec<(&'static str, String)>,
    /// Whether the browser itself insists on a file.
    #[prop(optional)]
    required: bool,
    /// A link shown with a success (href, text).
    #[prop(optional)]
    success_link: Option<(String, &'static str)>,
    /// More fields of the form, above the file (e.g. the date a timetable starts).
    #[prop(optional)]
    extra: Option<Box<dyn FnOnce() -> AnyView + Send>>,
) -> impl IntoView {
    let query = use_query_map();
    let outcome = {
        let q = query.read_untracked();
        outcome_from_query(
            fn_path,
            q.get("__err"),
            q.get("__path"),
            q.get("created"),
            q.get("updated"),
        )
    };
    let form_id = format!("{id}-form");
    let file_id = format!("{id}-file");
    let label_id = format!("{id}-file-label");
    let hint_id = format!("{id}-file-hint");
    let file_for = file_id.clone();
    view! {
        <SubmitBusy form=form_id.clone() busy=busy.to_owned() />
        {match outcome {
            Some(Ok(o)) => {
                let text = if o.created + o.updated == 0 {
                    tr("import.unchanged").to_owned()
                } else {
                    trf(
                        "import.created_updated",
                        &[
                            ("created", group_digits(o.created as i64)),
                            ("updated", group_digits(o.updated as i64)),
                        ],
                    )
                };
                let link = success_link.map(|(href, text)| view! { <p><a href=href>{text}</a></p> });
                view! {
                    <div class="alert alert-success" role="status">
                        <Icon name="check-circle" />
                        <div class="alert-body">
                            <p>{text}</p>
                            {link}
                        </div>
                    </div>
                }
                    .into_any()
            }
            Some(Err(error)) => view! { <ErrorAlert error /> }.into_any(),
            None => ().into_any(),
        }}
        <form id=form_id class="form" method="post" action=fn_path enctype="multipart/form-data">
            {hidden
                .into_iter()
                .map(|(name, value)| view! { <input type="hidden" name=name value=value /> })
                .collect_view()}
            {extra.map(|f| f())}
            <label class="file-drop" for=file_for>
                <Icon name="upload" />
                <span class="file-drop-title" id=label_id.clone()>{label}</span>
                <span class="hint" id=hint_id.clone()>{hint}</span>
                <input
                    id=file_id
                    type="file"
                    name="file"
                    accept=".csv,text/csv"
                    required=required
                    aria-labelledby=label_id
                    aria-describedby=hint_id
                />
            </label>
            <div class="form-actions">
                <button type="submit" class="btn btn-primary">
                    <Icon name="upload" />
                    <span>{submit}</span>
                </button>
            </div>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_query_of_a_plain_form_post_gives_the_outcome() {
        let s = |v: &str| Some(v.to_owned());
        assert_eq!(
            outcome_from_query("/fn/x", None, None, s("3"), s("1")),
            Some(Ok(ImportOutcome {
                created: 3,
                updated: 1
            }))
        );
        assert_eq!(outcome_from_query("/fn/x", None, None, None, None), None);
        let e = UiError {
            code: lophoc::ErrorCode::Validation,
            message: "x".into(),
            fields: vec![],
            lines: vec![(2, "y".into())],
        };
        let url = ServerFnUrlError::new("/fn/x", e.clone())
            .to_url("http://h/p")
            .unwrap();
        let q: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
        assert_eq!(
            outcome_from_query(
                "/fn/x",
                q.get("__err").cloned(),
                q.get("__path").cloned(),
                None,
                None
            ),
            Some(Err(e))
        );
        // Another form's error is not this one's.
        assert_eq!(
            outcome_from_query(
                "/fn/x",
                q.get("__err").cloned(),
                s("/fn/set_lang"),
                None,
                None
            ),
            None
        );
    }
}
