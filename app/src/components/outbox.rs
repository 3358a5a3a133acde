//! The roll-call outbox: roll calls taken while the network is down are kept on the phone and
//! sent when it comes back (an island; without JavaScript the roll-call form is a plain post).
//!
//! With JavaScript, submitting the roll-call form (`form`, whose `data-api` is the lesson's
//! `PUT …/roll-call` URL) first stores the roll call in `localStorage`, then sends it to the
//! API. Sent: it leaves the outbox and the page reloads showing it saved. No network: it stays,
//! the page says plainly that it is waiting, and it is sent again when the browser is back
//! online, every 20 seconds, and whenever a page with this island opens (the teacher's day, any
//! roll call), even after the phone was locked or the tab closed. The PUT is idempotent, so a
//! replay is harmless. Refused (a 4xx other than 401): it leaves the outbox and the form is
//! posted the plain way, so the server shows its message in the user's language with the marks
//! kept. 401: kept until the teacher signs in again.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The `localStorage` key of the outbox.
pub const OUTBOX_KEY: &str = "lophoc.outbox.v1";

/// One roll call waiting to be sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pending {
    /// The API URL (`/api/v1/classes/…/lessons/…/…/roll-call`).
    pub url: String,
    /// The JSON body.
    pub body: String,
    /// What to show ("5A1 · tiết 2 · 30/11/2026").
    pub label: String,
    /// Where to go once it is sent (the lesson's page with `?saved=1`).
    pub done: String,
    /// When the teacher saved it on the phone (RFC 3339; empty in an outbox of an older build).
    #[serde(default)]
    pub saved_at: String,
}

/// The texts the island shows (islands get their strings from the server's language).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutboxTexts {
    /// Heading of the waiting list.
    pub waiting: String,
    /// Explanation while offline.
    pub offline: String,
    /// "Sending…".
    pub sending: String,
    /// The button that tries again now.
    pub retry: String,
    /// Signed out: sign in again to send.
    pub signed_out: String,
    /// A roll call the server refused.
    pub refused: String,
    /// "saved at {time}", after each roll call waiting.
    pub since: String,
}

impl OutboxTexts {
    /// The texts in the page's language.
    pub fn here() -> OutboxTexts {
        use crate::i18n::tr;
        OutboxTexts {
            waiting: tr("outbox.waiting").to_owned(),
            offline: tr("outbox.offline").to_owned(),
            sending: tr("outbox.sending").to_owned(),
            retry: tr("outbox.retry").to_owned(),
            signed_out: tr("outbox.signed_out").to_owned(),
            refused: tr("outbox.refused").to_owned(),
            since: tr("outbox.since").to_owned(),
        }
    }
}

/// The island [`RollCallOutbox`] in a module of its own: leptos_macro 0.8 generates a public
/// `RollCallOutboxPropsSerialized` struct without docs next to an island with props, which
/// `missing_docs` would refuse; the allowance stays this narrow.
#[allow(missing_docs)]
mod roll_call_outbox_island {
    use super::*;

    /// The outbox island. `form` is the id of the roll-call form on this page ("" on pages that
    /// only send what is waiting).
    #[island]
    pub fn RollCallOutbox(
        /// The id of the roll-call form on this page ("" when only sending what waits).
        form: String,
        /// The texts the island shows, in the page's language.
        texts: OutboxTexts,
    ) -> impl IntoView {
        let pending = RwSignal::new(Vec::<Pending>::new());
        let note = RwSignal::new(None::<String>);
        let busy = RwSignal::new(false);
        #[cfg(feature = "hydrate")]
        client::start(form, texts.clone(), pending, note, busy);
        #[cfg(not(feature = "hydrate"))]
        let _ = form;
        let waiting = texts.waiting.clone();
        let retry = texts.retry.clone();
        let sending = texts.sending.clone();
        let since = texts.since.clone();
        view! {
            <div class="outbox" aria-live="polite">
                {move || note.get().map(|n| view! { <p class="alert alert-warning">{n}</p> })}
                <Show when=move || !pending.read().is_empty()>
                    <section class="card outbox-list">
                        <div class="card-header">
                            <h2>{waiting.clone()} " (" {move || pending.read().len()} ")"</h2>
                        </div>
                        <div class="card-body stack-sm">
                            <ul>
                                {
                                    let since = since.clone();
                                    move || {
                                    pending
                                        .get()
                                        .into_iter()
                                        .map(|p| {
                                            let since = (!p.saved_at.is_empty())
                                                .then(|| {
                                                    since
                                                        .replace(
                                                            "{time}",
                                                            &lophoc::dates::display_timestamp(&p.saved_at),
                                                        )
                                                });
                                            view! {
                                                <li>
                                                    {p.label} " "
                                                    <span class="muted small">{since}</span>
                                                </li>
                                            }
                                        })
                                        .collect_view()
                                }}
                            </ul>
                            <button
                                type="button"
                                class="btn btn-secondary btn-sm"
                                disabled=move || busy.get()
                                on:click=move |_| {
                                    #[cfg(feature = "hydrate")]
                                    client::flush(pending, note, busy, None);
                                }
                            >
                                {
                                    let (sending, retry) = (sending.clone(), retry.clone());
                                    move || if busy.get() { sending.clone() } else { retry.clone() }
                                }
                            </button>
                        </div>
                    </section>
                </Show>
            </div>
        }
    }
}
pub use roll_call_outbox_island::RollCallOutbox;

#[cfg(feature = "hydrate")]
mod client {
    use super::{OUTBOX_KEY, OutboxTexts, Pending};
    use leptos::prelude::*;
    use lophoc::ids::StudentId;
    use lophoc::roll_calls::{RollCallEntry, RollCallInput, Status};
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;

    thread_local! {
        static TEXTS: std::cell::RefCell<Option<OutboxTexts>> = const { std::cell::RefCell::new(None) };
    }

    fn text(f: impl Fn(&OutboxTexts) -> String) -> String {
        TEXTS.with(|t| t.borrow().as_ref().map(f).unwrap_or_default())
    }

    fn storage() -> Option<web_sys::Storage> {
        web_sys::window()?.local_storage().ok()?
    }

    pub fn load() -> Vec<Pending> {
        storage()
            .and_then(|s| s.get_item(OUTBOX_KEY).ok()?)
            .and_then(|v| serde_json::from_str(&v).ok())
            .unwrap_or_default()
    }

    fn save(items: &[Pending]) {
        if let Some(s) = storage() {
            let _ = s.set_item(
                OUTBOX_KEY,
                &serde_json::to_string(items).unwrap_or_default(),
            );
        }
    }

    /// Keeps one roll call per lesson: a newer one replaces what was waiting for that URL.
    fn put_in(p: Pending) -> Vec<Pending> {
        let mut items: Vec<Pending> = load().into_iter().filter(|i| i.url != p.url).collect();
        items.push(p);
        save(&items);
        items
    }

    fn take_out(url: &str) -> Vec<Pending> {
        let items: Vec<Pending> = load().into_iter().filter(|i| i.url != url).collect();
        save(&items);
        items
    }

    enum Sent {
        Ok,
        Offline,
        SignedOut,
        Refused,
    }

    async fn send(p: &Pending) -> Sent {
        let Some(window) = web_sys::window() else {
            return Sent::Offline;
        };
        let init = web_sys::RequestInit::new();
        init.set_method("PUT");
        init.set_credentials(web_sys::RequestCredentials::SameOrigin);
        init.set_body(&wasm_bindgen::JsValue::from_str(&p.body));
        let headers = web_sys::Headers::new().ok();
        if let Some(h) = &headers {
            let _ = h.set("content-type", "application/json");
            init.set_headers(h);
        }
        let Ok(req) = web_sys::Request::new_with_str_and_init(&p.url, &init) else {
            return Sent::Refused;
        };
        match JsFuture::from(window.fetch_with_request(&req)).await {
            Err(_) => Sent::Offline,
            Ok(v) => match v.dyn_into::<web_sys::Response>().map(|r| r.status()) {
                Ok(200..=299) => Sent::Ok,
                Ok(401) => Sent::SignedOut,
                Ok(408 | 429 | 500..=599) | Err(_) => Sent::Offline,
                Ok(_) => Sent::Refused,
            },
        }
    }

    /// Sends everything waiting; `current` is the lesson on this page, whose page reloads
    /// (saved) once it is sent, or is posted the plain way when refused.
    pub fn flush(
        pending: RwSignal<Vec<Pending>>,
        note: RwSignal<Option<String>>,
        busy: RwSignal<bool>,
        current: Option<web_sys::HtmlFormElement>,
    ) {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        leptos::task::spawn_local(async move {
            let mut go_to = None;
            for p in load() {
                match send(&p).await {
                    Sent::Ok => {
                        pending.set(take_out(&p.url));
                        if current.is_some() && same_page(&p) {
                            go_to = Some(p.done.clone());
                        }
                    }
                    Sent::Offline => note.set(Some(text(|t| t.offline.clone()))),
                    Sent::SignedOut => note.set(Some(text(|t| t.signed_out.clone()))),
                    Sent::Refused => {
                        pending.set(take_out(&p.url));
                        match (&current, same_page(&p)) {
                            // The server's message, in the user's language, with the marks.
                            (Some(form), true) => {
                                let _ = form.submit();
                                return;
                            }
                            _ => note.set(Some(format!(
                                "{} {}",
                                text(|t| t.refused.clone()),
                                p.label
                            ))),
                        }
                    }
                }
            }
            busy.set(false);
            if let Some(to) = go_to
                && let Some(w) = web_sys::window()
            {
                let _ = w.location().assign(&to);
            }
        });
    }

    fn same_page(p: &Pending) -> bool {
        web_sys::window()
            .and_then(|w| w.location().pathname().ok())
            .is_some_and(|path| p.done.starts_with(&path))
    }

    /// The roll call the form holds: every checked pill and every note.
    fn read_form(form: &web_sys::HtmlFormElement) -> RollCallInput {
        let mut entries = Vec::new();
        let Ok(nodes) = form.query_selector_all("input") else {
            return RollCallInput {
                entries,
                taken_at: None,
            };
        };
        let mut notes = std::collections::HashMap::new();
        let mut marks = Vec::new();
        for i in 0..nodes.length() {
            let Some(input) = nodes
                .item(i)
                .and_then(|n| n.dyn_into::<web_sys::HtmlInputElement>().ok())
            else {
                continue;
            };
            let name = input.name();
            if let Some(id) = name.strip_prefix('s').and_then(|s| s.parse::<i64>().ok()) {
                if input.checked()
                    && let Some(st) = Status::parse(&input.value())
                {
                    marks.push((id, st));
                }
            } else if let Some(id) = name.strip_prefix('n').and_then(|s| s.parse::<i64>().ok())
                && !input.value().trim().is_empty()
            {
                notes.insert(id, input.value());
            }
        }
        for (id, status) in marks {
            entries.push(RollCallEntry {
                student_id: StudentId(id),
                status,
                note: notes.remove(&id),
            });
        }
        // When the teacher saved it, so a roll call sent later is judged by this time
        // (`Date.toISOString()`, RFC 3339 in UTC).
        let taken_at = js_sys::Date::new_0().to_iso_string().as_string();
        RollCallInput { entries, taken_at }
    }

    pub fn start(
        form: String,
        texts: OutboxTexts,
        pending: RwSignal<Vec<Pending>>,
        note: RwSignal<Option<String>>,
        busy: RwSignal<bool>,
    ) {
        TEXTS.with(|t| *t.borrow_mut() = Some(texts));
        pending.set(load());
        let document = web_sys::window().and_then(|w| w.document());
        let form_el = document
            .as_ref()
            .and_then(|d| d.get_element_by_id(&form))
            .and_then(|e| e.dyn_into::<web_sys::HtmlFormElement>().ok());
        if let Some(f) = &form_el {
            let f2 = f.clone();
            let submit = window_event_listener(leptos::ev::submit, move |ev| {
                let is_ours = ev
                    .target()
                    .and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok())
                    .is_some_and(|t| t == f2);
                if !is_ours {
                    return;
                }
                ev.prevent_default();
                let api = f2.get_attribute("data-api").unwrap_or_default();
                let input = read_form(&f2);
                let p = Pending {
                    url: api,
                    body: serde_json::to_string(&input).unwrap_or_default(),
                    saved_at: input.taken_at.clone().unwrap_or_default(),
                    label: f2.get_attribute("data-label").unwrap_or_default(),
                    done: f2.get_attribute("data-done").unwrap_or_default(),
                };
                pending.set(put_in(p));
                note.set(None);
                flush(pending, note, busy, Some(f2.clone()));
            });
            on_cleanup(move || submit.remove());
        }
        // Whatever is waiting goes now, when the network comes back, and every 20 seconds.
        let current = form_el.clone();
        let online = window_event_listener(leptos::ev::online, move |_| {
            flush(pending, note, busy, current.clone());
        });
        on_cleanup(move || online.remove());
        let current = form_el.clone();
        if let Ok(h) = set_interval_with_handle(
            move || {
                if !pending.get_untracked().is_empty() {
                    flush(pending, note, busy, current.clone());
                }
            },
            std::time::Duration::from_secs(20),
        ) {
            on_cleanup(move || h.clear());
        }
        if !pending.get_untracked().is_empty() {
            flush(pending, note, busy, form_el);
        }
    }
}
