//! A school's period grid (bell schedule) with its release rule, and its holidays.
//!
//! The grid editor is one plain form: a row per period (session, start, end, and a "remove"
//! box) plus one blank row to add a period, so it works without JavaScript and Enter always
//! saves. Rows are numbered by their place among the rows kept.

use crate::error::UiError;
use leptos::prelude::*;
use lophoc::ids::SchoolId;
pub use lophoc::periods::SchoolPeriods;
use lophoc::periods::{Holiday, PeriodGrid};
use serde::{Deserialize, Serialize};

/// Query-string keys of a form's answer without JavaScript.
pub mod back {
    crate::serverfns::echo::answer_keys! {
        notes {
            /// The grid was saved (its number of periods).
            SAVED = "saved";
            /// A holiday was added: its name.
            HOLIDAY_ADDED = "holiday_added";
            /// A holiday was removed: its name.
            HOLIDAY_REMOVED = "holiday_removed";
        }
        echoes {
            /// The grid that failed, as typed (`draft`, `release`).
            GRID: super::GridDraft = "";
            /// What the user typed into the holiday form that failed (`h_starts`, …).
            HOLIDAY: super::AddHoliday = "h_";
        }
    }
}

/// The grid form as typed, as it travels back after a refused post without JavaScript.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GridDraft {
    /// The rows (see [`encode_draft`]).
    pub draft: String,
    /// The release delay.
    pub release: String,
}

/// A row of the grid form, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodRow {
    /// `morning` or `afternoon`.
    #[serde(default)]
    pub session: String,
    /// Start, `HH:MM`.
    #[serde(default)]
    pub starts: String,
    /// End, `HH:MM`.
    #[serde(default)]
    pub ends: String,
    /// Present (any value) when the row's "remove" box is ticked.
    #[serde(default)]
    pub remove: Option<String>,
}

impl PeriodRow {
    /// A row with neither time: the blank row for a new period, left unused.
    pub fn is_blank(&self) -> bool {
        self.starts.trim().is_empty() && self.ends.trim().is_empty()
    }

    /// Whether its "remove" box is ticked.
    pub fn removed(&self) -> bool {
        self.remove.is_some()
    }
}

/// Rows as one query value: `session,starts,ends,remove` per row, rows separated by `;`
/// (no field can contain either separator once parsed; anything else is dropped).
pub fn encode_draft(rows: &[PeriodRow]) -> String {
    let clean = |s: &str| s.replace([',', ';'], "");
    rows.iter()
        .map(|r| {
            format!(
                "{},{},{},{}",
                clean(&r.session),
                clean(&r.starts),
                clean(&r.ends),
                u8::from(r.removed())
            )
        })
        .collect::<Vec<_>>()
        .join(";")
}

/// The rows of [`encode_draft`].
pub fn decode_draft(s: &str) -> Vec<PeriodRow> {
    s.split(';')
        .filter(|r| !r.is_empty())
        .take(lophoc::periods::MAX_PERIODS + 1)
        .map(|r| {
            let mut f = r.split(',');
            let mut next = || f.next().unwrap_or("").to_owned();
            PeriodRow {
                session: next(),
                starts: next(),
                ends: next(),
                remove: (next() == "1").then(|| "on".to_owned()),
            }
        })
        .collect()
}

/// A school's period grid and holidays (the caller's own school; `school` for the department
/// and sysadmins).
#[server(prefix = "/fn", endpoint = "get_periods")]
pub async fn get_periods(
    /// The school whose grid is shown (a department or sysadmin pick; else the caller's own).
    school: Option<SchoolId>,
) -> Result<SchoolPeriods, UiError> {
    let (c, actor) = crate::ssr::actor()?;
    let ctx = crate::ssr::ctx()?;
    lophoc::services::periods::page(&ctx, &actor, school)
        .await
        .map_err(|e| crate::ssr::fail(&c, e))
}

/// Saves the grid form: the rows kept (not removed, not blank) become periods 1, 2, 3 … in
/// order; `release_after_minutes` as typed. An error about a period names the form's row
/// (`rows.{index}`), so it shows under the row the user typed.
#[server(prefix = "/fn", endpoint = "save_periods")]
pub async fn save_periods(
    /// The school whose grid is edited (a sysadmin's choice; else the caller's own).
    school: Option<SchoolId>,
    /// The grid's rows as the form sends them, removed and blank ones included.
    #[server(default)]
    rows: Vec<PeriodRow>,
    /// Minutes after its first period starts before a booking not checked in is released, as typed.
    release_after_minutes: String,
) -> Result<PeriodGrid, UiError> {
    use server_fn::ServerFn;
    let typed = GridDraft {
        draft: encode_draft(&rows),
        release: release_after_minutes.clone(),
    };
    let r = async {
        let (c, actor) = crate::ssr::actor()?;
        let ctx = crate::ssr::ctx()?;
        let fail = |e| crate::ssr::fail(&c, e);
        let school = actor.school_or(school).map_err(fail)?;
        let (grid, kept) = server::grid_of(&rows, &release_after_minutes);
        lophoc::services::periods::set_grid(&ctx, &actor, school, &grid, Some(&c.ip))
            .await
            .map_err(|e| server::rows_fields(fail(e), &kept))
    }
    .await;
    crate::serverfns::form::answer(
        r,
        SavePeriods::PATH,
        back::is_answer,
        |g| vec![(back::SAVED, g.items.len().to_string())],
        back::GRID.pairs(&typed),
    )
}

/// Adds a holiday (a day, or a range: `ends` empty is the same day).
#[server(prefix = "/fn", endpoint = "add_holiday")]
pub async fn add_holiday(
    /// The school the holiday is added to (a sysadmin's choice; else the caller's own).
    school: Option<SchoolId>,
    /// The holiday's first day.
    starts: String,
    /// The holiday's last day (empty: the same day).
    ends: String,
    /// The holiday's name.
    name: String,
) -> Result<Holiday, UiError> {
    use lophoc::periods::HolidayInput;
    use server_fn::ServerFn;
    let typed = AddHoliday {
        school,
        starts,
        ends,
        name,
    };
    let r = async {
        let (c, actor) = crate::ssr::actor()?;
        let ctx = crate::ssr::ctx()?;
        let fail = |e| crate::ssr::fail(&c, e);
        let school = actor.school_or(typed.school).map_err(fail)?;
        let input = HolidayInput {
            starts: typed.starts.clone(),
            ends: Some(typed.ends.clone()),
            name: typed.name.clone(),
        };
        lophoc::services::periods::add_holiday(&ctx, &actor, school, &input, Some(&c.ip))
            .await
            .map_err(fail)
    }
    .await;
    crate::serverfns::form::answer(
        r,
        AddHoliday::PATH,
        back::is_answer,
        |h| vec![(back::HOLIDAY_ADDED, h.name.clone())],
        back::HOLIDAY.pairs(&typed),
    )
}

/// Removes a holiday of the school. `name` only travels back for the confirmation.
#[server(prefix = "/fn", endpoint = "remove_holiday")]
pub async fn remove_holiday(
    /// The school the holiday is removed from (a sysadmin's choice; else the caller's own).
    school: Option<SchoolId>,
    /// The holiday removed.
    id: lophoc::ids::HolidayId,
    /// The holiday's name, echoed back for the confirmation only.
    #[server(default)]
    name: String,
) -> Result<String, UiError> {
    use server_fn::ServerFn;
    let r = async {
        let (c, actor) = crate::ssr::actor()?;
        let ctx = crate::ssr::ctx()?;
        let fail = |e| crate::ssr::fail(&c, e);
        let school = actor.school_or(school).map_err(fail)?;
        lophoc::services::periods::remove_holiday(&ctx, &actor, school, id, Some(&c.ip))
            .await
            .map_err(fail)?;
        Ok(name)
    }
    .await;
    crate::serverfns::form::answer(
        r,
        RemoveHoliday::PATH,
        back::is_answer,
        |n| vec![(back::HOLIDAY_REMOVED, n.clone())],
        vec![],
    )
}

#[cfg(feature = "ssr")]
mod server {
    use super::PeriodRow;
    use crate::error::UiError;
    use lophoc::periods::{GridDraft, PeriodDraft};

    /// The grid the form describes, and for each of its periods the form row it came from.
    /// A release delay that is not a number is sent on as 0, which the service refuses with
    /// its own message.
    pub fn grid_of(rows: &[PeriodRow], release: &str) -> (GridDraft, Vec<usize>) {
        let mut items = Vec::new();
        let mut kept = Vec::new();
        for (i, r) in rows.iter().enumerate() {
            if r.removed() || r.is_blank() {
                continue;
            }
            kept.push(i);
            items.push(PeriodDraft {
                number: items.len() as i64 + 1,
                session: r.session.trim().to_owned(),
                starts: r.starts.trim().to_owned(),
                ends: r.ends.trim().to_owned(),
            });
        }
        let release_after_minutes = release.trim().parse().unwrap_or(0);
        (
            GridDraft {
                items,
                release_after_minutes,
            },
            kept,
        )
    }

    /// Renames the service's `items.{k}` fields to the form's `rows.{row}`.
    pub fn rows_fields(mut e: UiError, kept: &[usize]) -> UiError {
        for (f, _) in &mut e.fields {
            if let Some(k) = f
                .strip_prefix("items.")
                .and_then(|k| k.parse::<usize>().ok())
                && let Some(row) = kept.get(k)
            {
                *f = format!("rows.{row}");
            }
        }
        e
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        fn row(s: &str, a: &str, b: &str, remove: bool) -> PeriodRow {
            PeriodRow {
                session: s.into(),
                starts: a.into(),
                ends: b.into(),
                remove: remove.then(|| "on".into()),
            }
        }

        #[test]
        fn removed_and_blank_rows_are_left_out_and_errors_name_the_form_row() {
            let rows = [
                row("morning", "07:00", "07:45", false),
                row("morning", "07:50", "08:35", true),
                row("afternoon", "13:30", "14:15", false),
                row("afternoon", "", "", false),
            ];
            let (g, kept) = grid_of(&rows, " 20 ");
            assert_eq!(kept, vec![0, 2]);
            assert_eq!(g.items.len(), 2);
            assert_eq!(g.items[1].number, 2);
            assert_eq!(g.items[1].session, "afternoon");
            assert_eq!(g.release_after_minutes, 20);
            assert_eq!(grid_of(&rows, "abc").0.release_after_minutes, 0);
            let e = UiError {
                code: lophoc::ErrorCode::Validation,
                message: String::new(),
                fields: vec![("items.1".into(), "x".into()), ("items".into(), "y".into())],
                lines: vec![],
            };
            let e = rows_fields(e, &kept);
            assert_eq!(e.field("rows.2").as_deref(), Some("x"));
            assert_eq!(e.field("items").as_deref(), Some("y"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drafts_round_trip() {
        let rows = vec![
            PeriodRow {
                session: "morning".into(),
                starts: "07:00".into(),
                ends: "07:45".into(),
                remove: None,
            },
            PeriodRow {
                session: "afternoon".into(),
                starts: "13:30".into(),
                ends: "".into(),
                remove: Some("on".into()),
            },
        ];
        assert_eq!(
            encode_draft(&rows),
            "morning,07:00,07:45,0;afternoon,13:30,,1"
        );
        assert_eq!(decode_draft(&encode_draft(&rows)), rows);
        assert!(decode_draft("").is_empty());
    }
}
