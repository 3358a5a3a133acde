//! The login page.

use crate::components::error_alert::ErrorAlert;
use crate::components::field::SubmitButton;
use crate::components::icon::Icon;
use crate::components::lang_switch::LangSwitch;
use crate::components::page_title::PageTitle;
use crate::components::session::use_session;
use crate::i18n::tr;
use crate::serverfns::auth::Login;
use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_query_map;

/// Username and password; errors in the user's language; works without JavaScript.
#[component]
pub fn LoginPage() -> impl IntoView {
    let session = use_session();
    let login = ServerAction::<Login>::new();
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_else(|| "/".to_owned());
    let error = move || login.value().get().and_then(Result::err);
    view! {
        <PageTitle text=tr("login.title") />
        <Suspense>
            {move || Suspend::new(async move {
                if let Ok(Some(_)) = session.0.await {
                    return view! { <Redirect path="/" /> }.into_any();
                }
                view! {
                    <main id="main" class="auth-page">
                        <div class="auth-card">
                            <div class="brand">
                                <Icon name="school" />
                                <span>{tr("app.name")}</span>
                            </div>
                            <p class="muted">{tr("app.tagline")}</p>
                            <h1>{tr("login.title")}</h1>
                            {move || error().map(|e| view! { <ErrorAlert error=e /> })}
                            <ActionForm action=login attr:class="form">
                                <input type="hidden" name="next" value=next />
                                <div class="field">
                                    <label for="username">{tr("login.username")}</label>
                                    <input
                                        id="username"
                                        name="username"
                                        type="text"
                                        autocomplete="username"
                                        autocapitalize="none"
                                        spellcheck="false"
                                        required
                                    />
                                </div>
                                <div class="field">
                                    <label for="password">{tr("login.password")}</label>
                                    <input
                                        id="password"
                                        name="password"
                                        type="password"
                                        autocomplete="current-password"
                                        required
                                    />
                                </div>
                                <div class="form-actions">
                                    <SubmitButton icon="login" label=tr("login.submit") pending=login.pending() />
                                </div>
                            </ActionForm>
                            <div class="auth-footer">
                                <LangSwitch />
                            </div>
                        </div>
                    </main>
                }
                    .into_any()
            })}
        </Suspense>
    }
}
