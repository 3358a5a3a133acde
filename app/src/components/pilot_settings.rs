//! The settings page's forms (`/pilot/settings`), one file each: the criteria, the targets,
//! enrolling schools and the officers' areas; and the page's own query ([`Here`]), which their
//! links keep.

pub mod criteria_form;
pub mod enrol_form;
pub mod officers_form;
pub mod targets_form;

use crate::error::{UiError, from_query};
use crate::serverfns::pilot::back;
use leptos_router::params::ParamsMap;
use lophoc::text::percent_encode;

/// The page's own query: the candidates' search, the enrolled list's page, the school whose
/// removal to confirm, the officer being edited.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Here {
    /// The candidates' search.
    pub cq: String,
    /// The enrolled list's page (from 1).
    pub ep: i64,
    /// The school whose removal to confirm.
    pub unenrol: String,
    /// The officer being edited.
    pub officer: String,
}

impl Here {
    /// The page's state from its query.
    pub fn of(q: &ParamsMap) -> Here {
        let get = |k: &str| q.get(k).map(|v| v.trim().to_owned()).unwrap_or_default();
        Here {
            cq: get("cq"),
            ep: get("ep").parse().ok().filter(|p| *p >= 1).unwrap_or(1),
            unenrol: get(back::CONFIRM_UNENROL),
            officer: get(back::OFFICER),
        }
    }

    /// This page with the search and the list's page kept, `extra` added, at `#anchor`.
    pub fn href(&self, extra: &[(&str, String)], anchor: &str) -> String {
        let mut q = Vec::new();
        if !self.cq.is_empty() {
            q.push(format!("cq={}", percent_encode(&self.cq)));
        }
        let mut ep = self.ep;
        for (k, v) in extra {
            if *k == "ep" {
                ep = v.parse().unwrap_or(1);
            } else {
                q.push(format!("{k}={}", percent_encode(v)));
            }
        }
        if ep > 1 {
            q.push(format!("ep={ep}"));
        }
        let q = if q.is_empty() {
            String::new()
        } else {
            format!("?{}", q.join("&"))
        };
        format!("/pilot/settings{q}#{anchor}")
    }
}

/// A form's error and whether its fields carry it all (else it is also shown as an alert).
pub fn form_error(q: &ParamsMap, fn_path: &str) -> (Option<UiError>, bool) {
    let e = from_query(q, fn_path);
    let general = e.as_ref().is_some_and(|e| e.fields.is_empty());
    (e, general)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_keep_the_search_and_the_page() {
        let h = Here {
            cq: "đông".into(),
            ep: 2,
            ..Default::default()
        };
        assert_eq!(
            h.href(&[("unenrol", "7".into())], "enrolled"),
            "/pilot/settings?cq=%C4%91%C3%B4ng&unenrol=7&ep=2#enrolled"
        );
        assert_eq!(
            h.href(&[("ep", "3".into())], "enrolled"),
            "/pilot/settings?cq=%C4%91%C3%B4ng&ep=3#enrolled"
        );
        assert_eq!(Here::default().href(&[], "x"), "/pilot/settings#x");
    }
}
