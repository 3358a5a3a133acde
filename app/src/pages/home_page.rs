//! The home page: what each role can do from here.

use crate::components::icon::Icon;
use crate::components::session::use_session;
use crate::i18n::{tr, trf};
use leptos::prelude::*;
use leptos_meta::Title;
use lophoc::model::Role;

/// A greeting and the way to the user's main tasks.
#[component]
pub fn HomePage() -> impl IntoView {
    let session = use_session();
    view! {
        <Title text=tr("nav.home") />
        <Suspense>
            {move || Suspend::new(async move {
                let user = session.0.await.ok().flatten()?;
                let cards = match user.role {
                    Role::Department | Role::Sysadmin => vec![
                        ("/schools".to_owned(), "school", "home.registry", "home.registry_text"),
                        ("/schools/import".to_owned(), "upload", "nav.import_schools", "home.import_text"),
                        ("/accounts".to_owned(), "users", "nav.accounts", "home.accounts_text"),
                    ],
                    Role::SchoolAdmin => vec![
                        (format!("/schools/{}", user.school_id.map(|s| s.0).unwrap_or(0)), "school", "nav.my_school", "home.my_school_text"),
                        ("/teachers".to_owned(), "users", "nav.teachers", "home.teachers_text"),
                    ],
                    Role::Teacher => vec![
                        (format!("/schools/{}", user.school_id.map(|s| s.0).unwrap_or(0)), "school", "nav.my_school", "home.my_school_text"),
                    ],
                };
                Some(view! {
                    <div class="page-header">
                        <h1>{trf("home.hello", &[("name", user.full_name.clone())])}</h1>
                    </div>
                    <div class="cards">
                        {cards
                            .into_iter()
                            .map(|(href, icon, title, text)| {
                                view! {
                                    <a class="card" href=href>
                                        <div class="card-body">
                                            <h2><Icon name=icon /> " " {tr(title)}</h2>
                                            <p class="muted">{tr(text)}</p>
                                        </div>
                                    </a>
                                }
                            })
                            .collect_view()}
                    </div>
                })
            })}
        </Suspense>
    }
}
