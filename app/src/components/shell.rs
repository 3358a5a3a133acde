//! The page frame for a logged-in user: top bar with the brand, the navigation (`lophoc::menu`), the
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
use lophoc::menu::{MenuEntry, menu};
use lophoc::model::{Actor, User};
use server_fn::ServerFn;

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
                        let to = if next == "/" { "/login".to_owned() } else { format!("/login?next={}", lophoc::text::percent_encode(&next)) };
                        view! { <Redirect path=to /> }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

/// The top bar's places: a link, or a group of links shown as one drop-down (on a phone, a
/// heading over its links).
enum Slot {
    Link(MenuEntry),
    Group(&'static str, Vec<MenuEntry>),
}

/// The menu's entries in slots: a group where its first entry is, holding all of its entries.
fn slots(entries: Vec<MenuEntry>) -> Vec<Slot> {
    let mut out: Vec<Slot> = Vec::new();
    for e in entries {
        match e.group {
            None => out.push(Slot::Link(e)),
            Some(g) => {
                let found = out.iter_mut().find_map(|s| match s {
                    Slot::Group(k, v) if *k == g => Some(v),
                    _ => None,
                });
                match found {
                    Some(v) => v.push(e),
                    None => out.push(Slot::Group(g, vec![e])),
                }
            }
        }
    }
    out
}

fn link(i: MenuEntry) -> impl IntoView {
    view! {
        <A href=i.href exact=true>
            <Icon name=i.icon />
            <span>{tr(i.label)}</span>
        </A>
    }
}

#[component]
fn Frame(user: User) -> impl IntoView {
    let here = use_location().pathname.get_untracked();
    let links = slots(menu(&Actor::from(&user)))
        .into_iter()
        .map(|s| match s {
            Slot::Link(i) => link(i).into_any(),
            Slot::Group(label, items) => {
                let current = items.iter().any(|i| i.href == here).then_some("true");
                let icon = items.first().map_or("menu", |i| i.icon);
                view! {
                    <details class="nav-group">
                        <summary data-current=current>
                            <Icon name=icon />
                            <span>{tr(label)}</span>
                            <Icon name="chevron-right" class="nav-caret" />
                        </summary>
                        <div class="nav-sub">{items.into_iter().map(link).collect_view()}</div>
                    </details>
                }
                .into_any()
            }
        })
        .collect_view();
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
