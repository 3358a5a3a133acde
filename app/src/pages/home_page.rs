//! The home page: what each role can do from here.

use crate::components::icon::Icon;
use crate::components::session::use_session;
use crate::i18n::{tr, trf};
use leptos::prelude::*;
use leptos_meta::Title;
use lophoc::menu::menu;
use lophoc::model::Actor;

/// A greeting and the way to the user's main tasks.
#[component]
pub fn HomePage() -> impl IntoView {
    let session = use_session();
    view! {
        <Title text=tr("nav.home") />
        <Suspense>
            {move || Suspend::new(async move {
                let user = session.0.await.ok().flatten()?;
                let cards: Vec<_> = menu(&Actor::from(&user))
                    .into_iter()
                    .filter_map(|e| Some((e.href, e.icon, e.label, e.home_text?)))
                    .collect();
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
