//! The pilot list's filters as its query string (`/pilot/schools?counted=true&level=thcs…`),
//! shared by the pages that link into the list (the dashboard drills down with it, the report
//! names it) and by the list's own GET form, pagination and export links. The names are the
//! REST API's (`GET /api/v1/pilot/schools`), so an export link is the same query.

use chrono::NaiveDate;
use lophoc::text::percent_encode;

/// The list's filters as the query string carries them (empty: any).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PilotFilter {
    /// The date, as typed or linked (`YYYY-MM-DD` or `dd/mm/yyyy`).
    pub as_of: String,
    /// `true` / `false`.
    pub counted: String,
    /// `true` / `false`.
    pub enrolled: String,
    /// Days without recorded use.
    pub silent_days: String,
    /// A level code.
    pub level: String,
    /// An area's id.
    pub area: String,
    /// Words.
    pub q: String,
    /// `rank` (default) / `code` / `close`.
    pub order: String,
    /// From 1.
    pub page: i64,
}

impl PilotFilter {
    /// The filter of a query map (the page's own query).
    pub fn from_query(q: &leptos_router::params::ParamsMap) -> PilotFilter {
        let get = |k: &str| q.get(k).map(|v| v.trim().to_owned()).unwrap_or_default();
        PilotFilter {
            as_of: get("as_of"),
            counted: get("counted"),
            enrolled: get("enrolled"),
            silent_days: get("silent_days"),
            level: get("level"),
            area: get("area"),
            q: get("q"),
            order: get("order"),
            page: get("page")
                .parse::<i64>()
                .ok()
                .filter(|p| *p >= 1)
                .unwrap_or(1),
        }
    }

    /// A filter on one date (none: today), everything else open.
    pub fn on(as_of: Option<NaiveDate>) -> PilotFilter {
        PilotFilter {
            as_of: as_of.map(|d| d.to_string()).unwrap_or_default(),
            ..PilotFilter::default()
        }
    }

    /// The same filter with one more condition (`counted`, `level`…).
    pub fn with(mut self, key: &str, value: impl Into<String>) -> PilotFilter {
        let v = value.into();
        match key {
            "counted" => self.counted = v,
            "enrolled" => self.enrolled = v,
            "silent_days" => self.silent_days = v,
            "level" => self.level = v,
            "area" => self.area = v,
            "q" => self.q = v,
            "order" => self.order = v,
            _ => {}
        }
        self
    }

    /// Whether anything narrows the list (the date does not).
    pub fn is_filtered(&self) -> bool {
        [
            &self.counted,
            &self.enrolled,
            &self.silent_days,
            &self.level,
            &self.area,
            &self.q,
        ]
        .iter()
        .any(|v| !v.is_empty())
    }

    /// The query's pairs, empty values left out (the date as `YYYY-MM-DD` when it is one).
    fn pairs(&self) -> Vec<(&'static str, String)> {
        let as_of = lophoc::dates::parse_date(&self.as_of)
            .map(|d| d.to_string())
            .unwrap_or_else(|| self.as_of.clone());
        [
            ("as_of", as_of),
            ("counted", self.counted.clone()),
            ("enrolled", self.enrolled.clone()),
            ("silent_days", self.silent_days.clone()),
            ("level", self.level.clone()),
            ("area", self.area.clone()),
            ("q", self.q.clone()),
            ("order", self.order.clone()),
        ]
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .collect()
    }

    fn query(&self, extra: &[(&str, String)]) -> String {
        self.pairs()
            .iter()
            .map(|(k, v)| (*k, v.as_str()))
            .chain(extra.iter().map(|(k, v)| (*k, v.as_str())))
            .map(|(k, v)| format!("{k}={}", percent_encode(v)))
            .collect::<Vec<_>>()
            .join("&")
    }

    /// The list's URL for page `page` with these filters.
    pub fn href(&self, page: i64) -> String {
        let extra = if page > 1 {
            vec![("page", page.to_string())]
        } else {
            vec![]
        };
        let q = self.query(&extra);
        if q.is_empty() {
            "/pilot/schools".to_owned()
        } else {
            format!("/pilot/schools?{q}")
        }
    }

    /// The REST export of every school these filters match (`csv` or `xlsx`).
    pub fn export_href(&self, format: &str) -> String {
        format!(
            "/api/v1/pilot/schools?{}",
            self.query(&[("format", format.to_owned())])
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_keep_the_filters_and_leave_out_empty_ones() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        let f = PilotFilter::on(Some(d))
            .with("counted", "true")
            .with("q", "đông");
        assert_eq!(
            f.href(1),
            "/pilot/schools?as_of=2026-11-30&counted=true&q=%C4%91%C3%B4ng"
        );
        assert_eq!(
            f.href(2),
            "/pilot/schools?as_of=2026-11-30&counted=true&q=%C4%91%C3%B4ng&page=2"
        );
        assert_eq!(PilotFilter::default().href(1), "/pilot/schools");
        assert!(f.is_filtered());
        assert!(!PilotFilter::on(Some(d)).is_filtered());
    }

    #[test]
    fn exports_name_the_same_filters_as_the_api() {
        let f = PilotFilter {
            as_of: "30/11/2026".into(),
            silent_days: "14".into(),
            order: "close".into(),
            page: 3,
            ..Default::default()
        };
        assert_eq!(
            f.export_href("csv"),
            "/api/v1/pilot/schools?as_of=2026-11-30&silent_days=14&order=close&format=csv"
        );
    }
}
