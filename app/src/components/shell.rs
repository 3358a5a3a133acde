//! The page frame for a logged-in user: top bar with the brand, navigation by role, the
//! user's name, logout and the language switch; the page below. Without a session it sends the
//! visitor to the login page.

use crate::components::icon::Icon;
use crate::components::lang_switch::LangSwitch;
use crate::components::session::use_session;
use crate::i18n::tr;
use crate::serverfns::auth::Logout;
use leptos::prelude::*;
use leptos_router::components::{A, Outlet, Redirect};
use leptos_router::hooks::use_location;
use lophoc::model::{Role, User};
use server_fn::ServerFn;

/// A navigation entry.
struct NavItem {
    href: String,
    label: &'static str,
    icon: &'static str,
}

/// What a role finds in the navigation.
fn nav_items(user: &User) -> Vec<NavItem> {
    let mut items = vec![NavItem {
        href: "/".into(),
        label: tr("nav.home"),
        icon: "home",
    }];
    match user.role {
        Role::Department | Role::Sysadmin => {
            items.push(NavItem {
                href: "/schools".into(),
                label: tr("nav.schools"),
                icon: "school",
            });
            items.push(NavItem {
                href: "/schools/import".into(),
                label: tr("nav.import_schools"),
                icon: "upload",
            });
            items.push(NavItem {
                href: "/accounts".into(),
                label: tr("nav.accounts"),
                icon: "users",
            });
        }
        Role::SchoolAdmin => {
            if let Some(s) = user.school_id {
                items.push(NavItem {
                    href: format!("/schools/{s}"),
                    label: tr("nav.my_school"),
                    icon: "school",
                });
            }
            items.push(NavItem {
                href: "/teachers".into(),
                label: tr("nav.teachers"),
                icon: "users",
            });
        }
        Role::Teacher => {
            if let Some(s) = user.school_id {
                items.push(NavItem {
                    href: format!("/schools/{s}"),
                    label: tr("nav.my_school"),
                    icon: "school",
                });
            }
        }
    }
    // The inventory: everyone reads it (the department picks a school); the school's
    // administrators also keep its period grid and holidays.
    items.push(NavItem {
        href: "/devices".into(),
        label: tr("nav.devices"),
        icon: "device",
    });
    if user.role == Role::SchoolAdmin {
        items.push(NavItem {
            href: "/periods".into(),
            label: tr("nav.periods"),
            icon: "clock",
        });
    }
    // Bookings: the school's staff book devices; those who run an inventory (or look across
    // schools) read its utilisation.
    if matches!(user.role, Role::Teacher | Role::SchoolAdmin) {
        items.push(NavItem {
            href: "/book".into(),
            label: tr("nav.book"),
            icon: "calendar",
        });
        items.push(NavItem {
            href: "/bookings".into(),
            label: tr("nav.my_bookings"),
            icon: "clipboard",
        });
    }
    if matches!(
        user.role,
        Role::SchoolAdmin | Role::Department | Role::Sysadmin
    ) {
        items.push(NavItem {
            href: "/utilisation".into(),
            label: tr("nav.utilisation"),
            icon: "chart",
        });
    }
    items
}

/// The frame around every page of a logged-in user.
#[component]
pub fn AppShell() -> impl IntoView {
    let session = use_session();
    let location = use_location();
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                match session.0.await {
                    Ok(Some(user)) => view! { <Frame user /> }.into_any(),
                    _ => {
                        let next = location.pathname.get_untracked();
                        let to = if next == "/" { "/login".to_owned() } else { format!("/login?next={}", urlencode(&next)) };
                        view! { <Redirect path=to /> }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[component]
fn Frame(user: User) -> impl IntoView {
    let items = nav_items(&user);
    let links = {
        items
            .into_iter()
            .map(|i| {
                view! {
                    <A href=i.href exact=true>
                        <Icon name=i.icon />
                        <span>{i.label}</span>
                    </A>
                }
            })
            .collect_view()
    };
    let role = tr(user.role.label_key());
    view! {
        <a class="skip-link" href="#main">{tr("nav.skip")}</a>
        <div class="app">
            <header class="topbar">
                <a class="brand" href="/">
                    <span class="brand-mark">
                        <Icon name="school" />
                    </span>
                    <span>
                        <span class="brand-name">{tr("app.name")}</span>
                    </span>
                </a>
                <details class="nav-drawer">
                    <summary class="nav-toggle">
                        <Icon name="menu" class="icon-menu" />
                        <Icon name="close" class="icon-close" />
                        <span class="sr-only">{tr("nav.menu")}</span>
                    </summary>
                    <div class="nav-panel">
                        <nav class="nav" aria-label=tr("nav.main")>{links}</nav>
                        <div class="user-menu">
                            <span class="user-name">
                                // The name opens the page to change one's own password.
                                <a
                                    class="user-full"
                                    href="/password"
                                    title=format!("{} — {}", user.full_name, tr("password.title"))
                                >
                                    {user.full_name.clone()}
                                </a>
                                <small>{role}</small>
                            </span>
                            <form method="post" action=Logout::PATH>
                                <button type="submit" class="btn btn-ghost btn-sm">
                                    <Icon name="logout" />
                                    <span>{tr("nav.logout")}</span>
                                </button>
                            </form>
                        </div>
                        <LangSwitch />
                    </div>
                </details>
            </header>
            <main id="main" class="main" tabindex="-1">
                <Outlet />
            </main>
            <footer class="footer">
                <span>{tr("app.name")} " — " {tr("app.tagline")}</span>
            </footer>
        </div>
    }
}
