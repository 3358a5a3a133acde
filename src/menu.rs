//! What each role finds in the navigation and on the home page: one list, decided here, so the
//! top bar, the home page's cards and the tests agree (the pages only draw it).

use crate::model::{Actor, Role};
use serde::{Deserialize, Serialize};

/// One place the user can go.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MenuEntry {
    /// The page.
    pub href: String,
    /// Translation key of its name.
    pub label: &'static str,
    /// The icon's name in the sprite.
    pub icon: &'static str,
    /// Translation key of the line that explains it on the home page; `None` keeps the entry
    /// out of the home page's cards (it is in the top bar only).
    pub home_text: Option<&'static str>,
    /// Translation key of the group the top bar shows it in (one drop-down per group, placed
    /// where its first entry is); `None`: a link of its own.
    pub group: Option<&'static str>,
}

fn entry(href: impl Into<String>, label: &'static str, icon: &'static str) -> MenuEntry {
    MenuEntry {
        href: href.into(),
        label,
        icon,
        home_text: None,
        group: None,
    }
}

fn card(
    href: impl Into<String>,
    label: &'static str,
    icon: &'static str,
    text: &'static str,
) -> MenuEntry {
    MenuEntry {
        home_text: Some(text),
        ..entry(href, label, icon)
    }
}

/// The navigation of this user, in order: home first.
pub fn menu(actor: &Actor) -> Vec<MenuEntry> {
    let mut items = vec![entry("/", "nav.home", "home")];
    if actor.is_above_schools() {
        items.push(card(
            "/schools",
            "nav.schools",
            "school",
            "home.registry_text",
        ));
        // The registry's import and the pilot's settings are province-wide: not for an area
        // officer (the services refuse them too).
        if actor.sees_all_schools() {
            items.push(card(
                "/schools/import",
                "nav.import_schools",
                "upload",
                "home.import_text",
            ));
        }
        items.push(card(
            "/accounts",
            "nav.accounts",
            "users",
            "home.accounts_text",
        ));
        // The pilot: the dashboard (an area officer's shows their area), the list, and the
        // province-wide settings.
        items.push(card(
            "/pilot",
            "pilot.nav.dashboard",
            "chart",
            "pilot.home.dashboard_text",
        ));
        items.push(entry("/pilot/schools", "pilot.nav.schools", "school"));
        if actor.may_set_officer_areas() {
            items.push(entry("/pilot/settings", "pilot.nav.settings", "edit"));
        }
    } else if let Some(s) = actor.school_id {
        items.push(card(
            format!("/schools/{s}"),
            "nav.my_school",
            "school",
            "home.my_school_text",
        ));
    }
    // A school's administrators follow their school's pilot status (its teachers may open the
    // same page; it is not in their menu).
    if actor.role == Role::SchoolAdmin
        && let Some(s) = actor.school_id
    {
        items.push(card(
            format!("/pilot/schools/{s}"),
            "pilot.nav.my_school",
            "check-circle",
            "pilot.home.my_school_text",
        ));
    }
    if actor.role == Role::SchoolAdmin {
        items.push(card(
            "/teachers",
            "nav.teachers",
            "users",
            "home.teachers_text",
        ));
    }
    if actor.role == Role::SchoolAdmin {
        items.push(card(
            "/classes",
            "nav.classes",
            "users",
            "home.classes_text",
        ));
    } else if actor.role == Role::Teacher {
        items.push(entry("/classes", "nav.classes", "users"));
    }
    if actor.role == Role::SchoolAdmin {
        items.push(card(
            "/attendance",
            "nav.attendance",
            "clipboard",
            "home.attendance_text",
        ));
    }
    // The materials library: everyone signed in; a school's administrators also watch its
    // storage against the quota.
    items.push(card(
        "/materials",
        "nav.materials",
        "book",
        "home.materials_text",
    ));
    if actor.role == Role::SchoolAdmin {
        items.push(entry("/materials/storage", "nav.storage", "box"));
    }
    // The inventory: everyone reads it (the department picks a school); the school's
    // administrators also keep its period grid and holidays.
    items.push(entry("/devices", "nav.devices", "device"));
    if actor.role == Role::SchoolAdmin {
        items.push(entry("/periods", "nav.periods", "clock"));
    }
    // The school's staff book devices; those who run an inventory (or look across schools) read
    // its utilisation.
    if actor.school_id.is_some() {
        items.push(entry("/book", "nav.book", "calendar"));
        items.push(entry("/bookings", "nav.my_bookings", "clipboard"));
    }
    if actor.role != Role::Teacher {
        items.push(entry("/utilisation", "nav.utilisation", "chart"));
    }
    if actor.is_above_schools() {
        items.push(entry("/attendance/on-time", "nav.on_time", "clipboard"));
        items.push(entry("/log/on-time", "nav.log_on_time", "book"));
        // Twelve pages: the top bar groups the registry, the pilot and the reports, so it fits
        // one row on a laptop.
        for e in &mut items {
            e.group = match e.href.as_str() {
                "/schools" | "/schools/import" | "/accounts" => Some("nav.group.registry"),
                "/pilot" | "/pilot/schools" | "/pilot/settings" => Some("nav.group.pilot"),
                "/utilisation" | "/attendance/on-time" | "/log/on-time" => {
                    Some("nav.group.reports")
                }
                _ => None,
            };
        }
    }
    items
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{SchoolId, UserId};

    fn actor(role: Role, school: Option<i64>) -> Actor {
        Actor {
            user_id: UserId(1),
            username: "u".into(),
            role,
            school_id: school.map(SchoolId),
            area: None,
        }
    }

    fn hrefs(a: &Actor) -> Vec<String> {
        menu(a).into_iter().map(|e| e.href).collect()
    }

    #[test]
    fn each_role_sees_its_own_pages() {
        assert_eq!(
            hrefs(&actor(Role::Teacher, Some(7))),
            [
                "/",
                "/schools/7",
                "/classes",
                "/materials",
                "/devices",
                "/book",
                "/bookings"
            ]
        );
        assert_eq!(
            hrefs(&actor(Role::SchoolAdmin, Some(7))),
            [
                "/",
                "/schools/7",
                "/pilot/schools/7",
                "/teachers",
                "/classes",
                "/attendance",
                "/materials",
                "/materials/storage",
                "/devices",
                "/periods",
                "/book",
                "/bookings",
                "/utilisation"
            ]
        );
        for role in [Role::Department, Role::Sysadmin] {
            assert_eq!(
                hrefs(&actor(role, None)),
                [
                    "/",
                    "/schools",
                    "/schools/import",
                    "/accounts",
                    "/pilot",
                    "/pilot/schools",
                    "/pilot/settings",
                    "/materials",
                    "/devices",
                    "/utilisation",
                    "/attendance/on-time",
                    "/log/on-time"
                ]
            );
        }
    }

    #[test]
    fn the_department_top_bar_groups_its_pages() {
        let groups: Vec<_> = menu(&actor(Role::Department, None))
            .into_iter()
            .map(|e| e.group.unwrap_or("-"))
            .collect();
        assert_eq!(
            groups,
            [
                "-",
                "nav.group.registry",
                "nav.group.registry",
                "nav.group.registry",
                "nav.group.pilot",
                "nav.group.pilot",
                "nav.group.pilot",
                "-",
                "-",
                "nav.group.reports",
                "nav.group.reports",
                "nav.group.reports"
            ]
        );
        assert!(
            menu(&actor(Role::Teacher, Some(1)))
                .iter()
                .all(|e| e.group.is_none())
        );
    }

    #[test]
    fn an_area_officer_is_offered_no_province_wide_settings() {
        let officer = Actor {
            area: Some(crate::model::AreaScope {
                id: crate::ids::AreaId(2),
                schools: vec![SchoolId(5)],
            }),
            ..actor(Role::Department, None)
        };
        let h = hrefs(&officer);
        assert!(h.contains(&"/schools".to_owned()) && h.contains(&"/pilot".to_owned()));
        assert!(!h.contains(&"/schools/import".to_owned()));
        assert!(!h.contains(&"/pilot/settings".to_owned()));
    }

    #[test]
    fn the_home_page_shows_the_main_tasks_only() {
        let cards: Vec<_> = menu(&actor(Role::SchoolAdmin, Some(3)))
            .into_iter()
            .filter(|e| e.home_text.is_some())
            .map(|e| e.href)
            .collect();
        assert_eq!(
            cards,
            [
                "/schools/3",
                "/pilot/schools/3",
                "/teachers",
                "/classes",
                "/attendance",
                "/materials"
            ]
        );
    }
}
