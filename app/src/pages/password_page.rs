//! Changing one's own password; the only page open to a user whose password an administrator
//! set, until they choose their own.

use crate::components::error_alert::ErrorAlert;
use crate::components::field::SubmitButton;
use crate::components::icon::Icon;
use crate::components::page_title::PageTitle;
use crate::components::session::use_session;
use crate::i18n::tr;
use crate::serverfns::auth::ChangePassword;
use leptos::prelude::*;
use leptos_router::components::Redirect;

/// Current and new password; works without JavaScript.
#[component]
pub fn PasswordPage() -> impl IntoView {
    let session = use_session();
    let change = ServerAction::<ChangePassword>::new();
    let error = move || change.value().get().and_then(Result::err);
    let field = move |name: &'static str| move || error().and_then(|e| e.field(name));
    view! {
        <PageTitle text=tr("password.title") />
        <Suspense>
            {move || Suspend::new(async move {
                let forced = match session.0.await {
                    Ok(Some(u)) => u.must_change_password,
                    _ => return view! { <Redirect path="/login?next=/password" /> }.into_any(),
                };
                view! {
                    <main id="main" class="auth-page">
                        <div class="auth-card">
                            <div class="brand">
                                <Icon name="school" />
                                <span>{tr("app.name")}</span>
                            </div>
                            <h1>{tr("password.title")}</h1>
                            {forced
                                .then(|| {
                                    view! {
                                        <div class="alert alert-warning" role="status">
                                            <p>{tr("password.forced")}</p>
                                        </div>
                                    }
                                })}
                            <p class="muted">{tr("password.intro")}</p>
                            {move || error().map(|e| view! { <ErrorAlert error=e /> })}
                            <ActionForm action=change attr:class="form" attr:novalidate=true>
                                <div class="field">
                                    <label for="current_password">{tr("password.current")}</label>
                                    <input
                                        id="current_password"
                                        name="current_password"
                                        type="password"
                                        autocomplete="current-password"
                                        required
                                    />
                                    {move || field("current_password")().map(|m| view! { <p class="field-error">{m}</p> })}
                                </div>
                                <div class="field">
                                    <label for="new_password">{tr("password.new")}</label>
                                    <input
                                        id="new_password"
                                        name="new_password"
                                        type="password"
                                        autocomplete="new-password"
                                        minlength="8"
                                        maxlength="128"
                                        required
                                    />
                                    {move || field("new_password")().map(|m| view! { <p class="field-error">{m}</p> })}
                                </div>
                                <div class="form-actions">
                                    <SubmitButton icon="check" label=tr("password.submit") pending=change.pending() />
                                </div>
                            </ActionForm>
                        </div>
                    </main>
                }
                    .into_any()
            })}
        </Suspense>
    }
}
