//! The pilot's share by group (level or area): a bar chart with the targets marked, and the same
//! numbers as a table whose every number is a link to the schools behind it (the dashboard and
//! the printable report).

use crate::components::bar_chart::{Bar, BarChart};
use crate::components::format::{group_digits, percent_text};
use crate::components::pilot_filter::PilotFilter;
use crate::i18n::{tr, trf};
use leptos::prelude::*;
use lophoc::pilot::GroupCount;

/// How the areas are ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum AreaOrder {
    /// Highest share first (the default: who leads).
    #[default]
    High,
    /// Lowest share first (who to call).
    Low,
    /// By name.
    Name,
}

impl AreaOrder {
    /// Every order, as the chips list them.
    pub const ALL: [AreaOrder; 3] = [AreaOrder::High, AreaOrder::Low, AreaOrder::Name];

    /// The order of a query's `area_order` (unknown: the default).
    pub fn parse(s: &str) -> AreaOrder {
        match s {
            "low" => AreaOrder::Low,
            "name" => AreaOrder::Name,
            _ => AreaOrder::High,
        }
    }

    /// The query's code.
    pub fn code(self) -> &'static str {
        match self {
            AreaOrder::High => "high",
            AreaOrder::Low => "low",
            AreaOrder::Name => "name",
        }
    }

    /// The translation key of its name.
    pub fn label_key(self) -> &'static str {
        match self {
            AreaOrder::High => "pilot.dash.area_high",
            AreaOrder::Low => "pilot.dash.area_low",
            AreaOrder::Name => "pilot.dash.area_name",
        }
    }
}

/// The areas in `order` (the service gives them by name). Ties: more counting schools first
/// (highest), larger areas first (lowest: the most schools to win), then by name.
pub fn order_areas(mut areas: Vec<GroupCount>, order: AreaOrder) -> Vec<GroupCount> {
    match order {
        AreaOrder::Name => {}
        AreaOrder::High => areas.sort_by(|a, b| {
            b.percent
                .total_cmp(&a.percent)
                .then(b.counted.cmp(&a.counted))
        }),
        AreaOrder::Low => {
            areas.sort_by(|a, b| a.percent.total_cmp(&b.percent).then(b.total.cmp(&a.total)))
        }
    }
    areas
}

/// What the groups are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupKind {
    /// School levels: the name is a translation key, the key a level code.
    Level,
    /// Areas: the name is the area's, the key its id.
    Area,
}

impl GroupKind {
    /// The group's name as shown.
    pub fn name(self, g: &GroupCount) -> String {
        match self {
            GroupKind::Level => tr(&g.name).to_owned(),
            GroupKind::Area => g.name.clone(),
        }
    }

    /// The list's filter for the group.
    pub fn filter(self, base: &PilotFilter, g: &GroupCount) -> PilotFilter {
        let key = match self {
            GroupKind::Level => "level",
            GroupKind::Area => "area",
        };
        base.clone().with(key, g.key.clone())
    }
}

/// The share, the counted and the total of a group, in one short text.
fn bar_text(g: &GroupCount) -> String {
    format!(
        "{} · {}/{}",
        percent_text(g.percent),
        group_digits(g.counted),
        group_digits(g.total)
    )
}

/// The chart of the groups' shares against the targets.
#[component]
pub fn GroupChart(
    /// Unique on the page.
    id: &'static str,
    /// The chart's title.
    title: String,
    /// Level or area.
    kind: GroupKind,
    /// The groups, in the chart's order.
    groups: Vec<GroupCount>,
    /// The targets' percents.
    targets: Vec<f64>,
) -> impl IntoView {
    let desc = groups
        .iter()
        .map(|g| {
            trf(
                "pilot.group.desc",
                &[
                    ("name", kind.name(g)),
                    ("percent", percent_text(g.percent)),
                    ("counted", group_digits(g.counted)),
                    ("total", group_digits(g.total)),
                ],
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    let bars = groups
        .iter()
        .map(|g| Bar {
            label: kind.name(g),
            value: g.percent,
            text: bar_text(g),
        })
        .collect();
    let targets = targets.into_iter().map(|t| (t, percent_text(t))).collect();
    view! { <BarChart id title desc bars targets /> }
}

/// The groups as a table, every number a link into the list.
#[component]
pub fn GroupTable(
    /// The table's caption (read by screen readers).
    caption: String,
    /// Level or area.
    kind: GroupKind,
    /// The rows.
    groups: Vec<GroupCount>,
    /// The list's filter every link starts from (the date).
    base: PilotFilter,
) -> impl IntoView {
    let h_name = match kind {
        GroupKind::Level => tr("pilot.col.level"),
        GroupKind::Area => tr("pilot.col.area"),
    };
    let (h_total, h_enrolled, h_counted, h_percent) = (
        tr("pilot.group.total"),
        tr("pilot.group.enrolled"),
        tr("pilot.group.counted"),
        tr("pilot.group.percent"),
    );
    let rows = groups
        .iter()
        .map(|g| {
            let f = kind.filter(&base, g);
            let link = |f: PilotFilter, n: i64| view! { <a href=f.href(1)>{group_digits(n)}</a> };
            view! {
                <tr>
                    <th scope="row" data-label=h_name>
                        <a href=f.href(1)>{kind.name(g)}</a>
                    </th>
                    <td class="num" data-label=h_total>{link(f.clone(), g.total)}</td>
                    <td class="num" data-label=h_enrolled>{link(f.clone().with("enrolled", "true"), g.enrolled)}</td>
                    <td class="num" data-label=h_counted>{link(f.clone().with("counted", "true"), g.counted)}</td>
                    <td class="num" data-label=h_percent>{percent_text(g.percent)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        // Focusable: a table that scrolls sideways must be reachable by keyboard.
        <div class="table-wrap" tabindex="0">
            <table class="table compact group-table">
                <caption class="sr-only">{caption}</caption>
                <thead>
                    <tr>
                        <th scope="col">{h_name}</th>
                        <th scope="col" class="num">{h_total}</th>
                        <th scope="col" class="num">{h_enrolled}</th>
                        <th scope="col" class="num">{h_counted}</th>
                        <th scope="col" class="num">{h_percent}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(name: &str, total: i64, counted: i64) -> GroupCount {
        GroupCount::new(name.into(), name.into(), total, total, counted)
    }

    #[test]
    fn areas_are_ordered_by_share_either_way() {
        let areas = vec![g("a", 10, 1), g("b", 20, 2), g("c", 4, 2), g("d", 30, 0)];
        let names = |v: Vec<GroupCount>| v.into_iter().map(|g| g.name).collect::<Vec<_>>();
        assert_eq!(
            names(order_areas(areas.clone(), AreaOrder::High)),
            ["c", "b", "a", "d"]
        );
        assert_eq!(
            names(order_areas(areas.clone(), AreaOrder::Low)),
            ["d", "b", "a", "c"]
        );
        assert_eq!(
            names(order_areas(areas, AreaOrder::Name)),
            ["a", "b", "c", "d"]
        );
    }
}
