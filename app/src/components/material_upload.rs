//! An upload's progress (an island): the bar, the bytes sent, a Cancel button, and several files
//! one after another.
//!
//! Without JavaScript the upload form is a plain `multipart/form-data` post of one file, and the
//! server answers with a redirect. With it, this island takes over the form's submit: it posts
//! the same fields to the same server function with `XMLHttpRequest` (fetch cannot report an
//! upload's progress), asking for JSON, and shows how far the file is (`upload.onprogress`) in a
//! `<progress>` bar; Cancel aborts the request, and the server, whose body ends early, stores
//! nothing. With several files chosen (the island lets the file input take several), each is
//! its own material, titled after its file name, sent one after the other; the first refusal or
//! a cancel stops the rest. Once done the browser goes to what was made.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The texts the island shows, in the page's language (`{…}` filled in the browser).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UploadTexts {
    /// "Uploading {name}" (one file).
    pub sending: String,
    /// "File {i} of {n}: {name}" (several).
    pub sending_n: String,
    /// Saving a link (no file).
    pub saving: String,
    /// "{loaded} of {total}".
    pub of: String,
    /// The Cancel button.
    pub cancel: String,
    /// Cancelled, nothing kept.
    pub cancelled: String,
    /// Cancelled after `{done}` files were kept.
    pub cancelled_after: String,
    /// Done, opening what was made.
    pub done: String,
    /// "{name}: {error}", for one of several files.
    pub failed_file: String,
    /// The connection failed.
    pub network: String,
    /// Shown once the island runs: several files may be chosen.
    pub several: String,
    /// The fields' labels by name, for the field errors.
    pub labels: Vec<(String, String)>,
}

impl UploadTexts {
    /// The texts in the page's language.
    pub fn here() -> UploadTexts {
        use crate::i18n::tr;
        let labels = [
            ("title", "materials.title_field"),
            ("subject", "materials.subject"),
            ("grade", "materials.grade"),
            ("topic", "materials.topic"),
            ("description", "materials.description"),
            ("scope", "materials.scope"),
            ("file", "materials.file"),
            ("url", "materials.url"),
        ]
        .into_iter()
        .map(|(name, key)| (name.to_owned(), tr(key).to_owned()))
        .collect();
        UploadTexts {
            sending: tr("materials.upload.sending").to_owned(),
            sending_n: tr("materials.upload.sending_n").to_owned(),
            saving: tr("materials.upload.saving").to_owned(),
            of: tr("materials.upload.of").to_owned(),
            cancel: tr("materials.upload.cancel").to_owned(),
            cancelled: tr("materials.upload.cancelled").to_owned(),
            cancelled_after: tr("materials.upload.cancelled_after").to_owned(),
            done: tr("materials.upload.done").to_owned(),
            failed_file: tr("materials.upload.failed_file").to_owned(),
            network: tr("materials.upload.network").to_owned(),
            several: tr("materials.upload.several").to_owned(),
            labels,
        }
    }
}

/// Fills `{name}` placeholders.
fn fill(text: &str, args: &[(&str, String)]) -> String {
    args.iter().fold(text.to_owned(), |t, (k, v)| {
        t.replace(&format!("{{{k}}}"), v)
    })
}

/// The title of a material made from one of several files: its name without the extension.
pub fn title_from_file_name(name: &str) -> String {
    let name = name.trim();
    match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.trim().is_empty() && !ext.contains(' ') => stem.trim(),
        _ => name,
    }
    .to_owned()
}

/// How far one file is.
#[derive(Debug, Clone, PartialEq)]
struct Progress {
    /// Which file (from 0), of how many.
    index: usize,
    count: usize,
    /// Its name (empty for a link).
    name: String,
    /// Bytes sent, of how many (0 until the browser knows).
    loaded: f64,
    total: f64,
}

impl Progress {
    fn percent(&self) -> f64 {
        if self.total > 0.0 {
            (self.loaded / self.total * 100.0).clamp(0.0, 100.0)
        } else {
            0.0
        }
    }

    fn label(&self, t: &UploadTexts) -> String {
        if self.name.is_empty() {
            t.saving.clone()
        } else if self.count > 1 {
            fill(
                &t.sending_n,
                &[
                    ("i", (self.index + 1).to_string()),
                    ("n", self.count.to_string()),
                    ("name", self.name.clone()),
                ],
            )
        } else {
            fill(&t.sending, &[("name", self.name.clone())])
        }
    }

    fn bytes(&self, t: &UploadTexts) -> String {
        if self.total <= 0.0 {
            return String::new();
        }
        fill(
            &t.of,
            &[
                (
                    "loaded",
                    crate::components::format::size_text(self.loaded as i64),
                ),
                (
                    "total",
                    crate::components::format::size_text(self.total as i64),
                ),
            ],
        )
    }
}

/// What the server said to one upload.
#[derive(Debug, Clone, PartialEq)]
pub enum Sent {
    /// Made: the material's id.
    Done(i64),
    /// Refused: the message and the fields' messages (field, message).
    Refused(String, Vec<(String, String)>),
    /// Cancelled by the user.
    Cancelled,
    /// No answer (the connection failed).
    Offline,
}

/// Reads an answer: the server function's (the material, or `{code, message, fields}`) or, from
/// the server's own limits before the function runs, the API's `{"error": {message, details}}`.
pub fn outcome(status: u16, body: &str, cancelled: bool) -> Sent {
    if status == 0 {
        return if cancelled {
            Sent::Cancelled
        } else {
            Sent::Offline
        };
    }
    let v: serde_json::Value = serde_json::from_str(body).unwrap_or_default();
    if (200..300).contains(&status)
        && let Some(id) = v.get("id").and_then(serde_json::Value::as_i64)
    {
        return Sent::Done(id);
    }
    let e = v.get("error").unwrap_or(&v);
    let message = e
        .get("message")
        .and_then(serde_json::Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let pair = |f: &serde_json::Value, m: &serde_json::Value| {
        Some((f.as_str()?.to_owned(), m.as_str()?.to_owned()))
    };
    let fields = e
        .get("fields")
        .and_then(serde_json::Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|p| pair(p.get(0)?, p.get(1)?))
                .collect::<Vec<_>>()
        })
        .or_else(|| {
            e.get("details")
                .and_then(serde_json::Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|d| pair(d.get("field")?, d.get("message")?))
                        .collect()
                })
        })
        .unwrap_or_default();
    if message.is_empty() {
        // Not an answer of ours (a proxy's page): the status is all there is.
        Sent::Refused(format!("HTTP {status}"), fields)
    } else {
        Sent::Refused(message, fields)
    }
}

/// The island [`UploadProgress`] in a module of its own: leptos_macro 0.8 generates a public
/// `UploadProgressPropsSerialized` struct without docs next to an island with props, which
/// `missing_docs` would refuse; the allowance stays this narrow.
#[allow(missing_docs)]
mod upload_progress_island {
    use super::*;

    /// The island. `form` is the id of the upload form on the page; `done` the page to open once a
    /// material is made (`{id}` filled in), `done_many` after several (`{n}`); `multiple` lets the
    /// file input take several files.
    #[island]
    pub fn UploadProgress(
        /// The id of the upload form on the page.
        form: String,
        /// The texts the island shows, in the page's language.
        texts: UploadTexts,
        /// The page to open once a material is made (`{id}` filled in).
        done: String,
        /// The page to open once several materials are made (`{n}` filled in).
        done_many: String,
        /// Whether the file input takes several files.
        multiple: bool,
    ) -> impl IntoView {
        let progress = RwSignal::new(None::<Progress>);
        let error = RwSignal::new(None::<(String, Vec<String>)>);
        // What a screen reader hears when a file starts (the bar's own label is not announced).
        let said = RwSignal::new(String::new());
        // The end of an upload that went nowhere (cancelled), or that is done and opening.
        let note = RwSignal::new(String::new());
        let cancelled = RwSignal::new(false);
        // Whether the island runs (a hint that is only true with JavaScript waits for it).
        let ready = RwSignal::new(false);
        #[cfg(feature = "hydrate")]
        let xhr = StoredValue::new_local(None::<web_sys::XmlHttpRequest>);
        #[cfg(feature = "hydrate")]
        client::start(client::Island {
            form: form.clone(),
            texts: texts.clone(),
            done,
            done_many,
            multiple,
            progress,
            error,
            said,
            note,
            cancelled,
            ready,
            xhr,
        });
        #[cfg(not(feature = "hydrate"))]
        let _ = (done, done_many);
        let cancel = move |_| {
            cancelled.set(true);
            #[cfg(feature = "hydrate")]
            xhr.with_value(|x| {
                if let Some(x) = x {
                    let _ = x.abort();
                }
            });
        };
        let label_id = format!("{form}-progress-label");
        let pct = move || {
            progress
                .read()
                .as_ref()
                .map(Progress::percent)
                .unwrap_or(0.0)
        };
        let (t1, t2) = (texts.clone(), texts.clone());
        let several = texts.several.clone();
        let cancel_text = texts.cancel.clone();
        view! {
            <div class="upload-island">
                <Show when=move || ready.get() && multiple>
                    <p class="hint">{several.clone()}</p>
                </Show>
                <Show when=move || progress.read().is_some()>
                    <div class="upload-status">
                        <div class="progress-label" id=label_id.clone()>
                            <span class="upload-file">
                                {
                                    let t = t1.clone();
                                    move || progress.read().as_ref().map(|p| p.label(&t))
                                }
                            </span>
                            <span>{move || format!("{:.0}%", pct())}</span>
                        </div>
                        <progress
                            class="progress"
                            max="100"
                            value=move || format!("{:.1}", pct())
                            aria-labelledby=label_id.clone()
                        ></progress>
                        <div class="upload-actions">
                            <span class="small muted">
                                {
                                    let t = t2.clone();
                                    move || progress.read().as_ref().map(|p| p.bytes(&t))
                                }
                            </span>
                            <button type="button" class="btn btn-secondary btn-sm" on:click=cancel>
                                {cancel_text.clone()}
                            </button>
                        </div>
                    </div>
                </Show>
                <p class="sr-only" aria-live="polite">{move || said.get()}</p>
                <p class="upload-note" role="status">{move || note.get()}</p>
                {move || {
                    error
                        .get()
                        .map(|(message, lines)| {
                            view! {
                                <div class="alert alert-error" role="alert">
                                    <div class="alert-body">
                                        <p class="alert-title">{message}</p>
                                        {(!lines.is_empty())
                                            .then(|| {
                                                view! {
                                                    <ul>
                                                        {lines.into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}
                                                    </ul>
                                                }
                                            })}
                                    </div>
                                </div>
                            }
                        })
                }}
            </div>
        }
    }
}
pub use upload_progress_island::UploadProgress;

#[cfg(feature = "hydrate")]
mod client {
    use super::{Progress, Sent, UploadTexts, fill, outcome, title_from_file_name};
    use leptos::prelude::*;
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen_futures::JsFuture;
    use web_sys::{FormData, HtmlFormElement, HtmlInputElement, ProgressEvent, XmlHttpRequest};

    /// The island's props and state.
    #[derive(Clone)]
    pub struct Island {
        pub form: String,
        pub texts: UploadTexts,
        pub done: String,
        pub done_many: String,
        pub multiple: bool,
        pub progress: RwSignal<Option<Progress>>,
        pub error: RwSignal<Option<(String, Vec<String>)>>,
        pub said: RwSignal<String>,
        pub note: RwSignal<String>,
        pub cancelled: RwSignal<bool>,
        pub ready: RwSignal<bool>,
        pub xhr: StoredValue<Option<XmlHttpRequest>, LocalStorage>,
    }

    /// One request: a file's name (empty for a link) and the form's fields.
    struct Job {
        name: String,
        body: FormData,
    }

    fn file_input(form: &HtmlFormElement) -> Option<HtmlInputElement> {
        form.query_selector("input[type=file][name=file]")
            .ok()
            .flatten()
            .and_then(|e| e.dyn_into().ok())
    }

    /// The requests a submit makes: the form as it is for one file (or a link); for several,
    /// one per file, each titled after its file.
    fn jobs(form: &HtmlFormElement) -> Option<Vec<Job>> {
        let files: Vec<web_sys::File> = file_input(form)
            .and_then(|i| i.files())
            .map(|l| (0..l.length()).filter_map(|i| l.get(i)).collect())
            .unwrap_or_default();
        if files.len() <= 1 {
            let name = files.first().map(web_sys::File::name).unwrap_or_default();
            let body = FormData::new_with_form(form).ok()?;
            return Some(vec![Job { name, body }]);
        }
        files
            .into_iter()
            .map(|f| {
                let body = FormData::new_with_form(form).ok()?;
                body.delete("file");
                body.append_with_blob_and_filename("file", &f, &f.name())
                    .ok()?;
                body.set_with_str("title", &title_from_file_name(&f.name()))
                    .ok()?;
                Some(Job {
                    name: f.name(),
                    body,
                })
            })
            .collect()
    }

    /// Marks the fields the server named (and only those) and moves the focus to the first.
    fn mark_fields(form: &HtmlFormElement, fields: &[(String, String)]) {
        if let Ok(list) = form.query_selector_all("[aria-invalid=\"true\"]") {
            for i in 0..list.length() {
                if let Some(e) = list
                    .item(i)
                    .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
                {
                    let _ = e.set_attribute("aria-invalid", "false");
                }
            }
        }
        let mut first = true;
        for (name, _) in fields {
            if !name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
                continue;
            }
            let Ok(Some(e)) = form.query_selector(&format!("[name=\"{name}\"]")) else {
                continue;
            };
            let _ = e.set_attribute("aria-invalid", "true");
            if first && let Ok(h) = e.dyn_into::<web_sys::HtmlElement>() {
                let _ = h.focus();
                first = false;
            }
        }
    }

    async fn send(url: &str, job: &Job, s: &Island, index: usize, count: usize) -> Sent {
        let Ok(xhr) = XmlHttpRequest::new() else {
            return Sent::Offline;
        };
        if xhr.open_with_async("POST", url, true).is_err() {
            return Sent::Offline;
        }
        // Not `text/html`: the server function answers with data, not a redirect.
        let _ = xhr.set_request_header("Accept", "application/json");
        let progress = s.progress;
        let name = job.name.clone();
        let on_progress = Closure::<dyn FnMut(ProgressEvent)>::new(move |e: ProgressEvent| {
            if e.length_computable() {
                progress.set(Some(Progress {
                    index,
                    count,
                    name: name.clone(),
                    loaded: e.loaded(),
                    total: e.total(),
                }));
            }
        });
        if let Ok(up) = xhr.upload() {
            up.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
        }
        // `loadend` comes once, after a load, an error or an abort alike.
        let ended = js_sys::Promise::new(&mut |resolve, _| xhr.set_onloadend(Some(&resolve)));
        s.xhr.set_value(Some(xhr.clone()));
        if xhr.send_with_opt_form_data(Some(&job.body)).is_err() {
            s.xhr.set_value(None);
            return Sent::Offline;
        }
        let _ = JsFuture::from(ended).await;
        s.xhr.set_value(None);
        drop(on_progress);
        let status = xhr.status().unwrap_or(0);
        let body = xhr.response_text().ok().flatten().unwrap_or_default();
        outcome(status, &body, s.cancelled.get_untracked())
    }

    async fn run(s: Island, form: HtmlFormElement, jobs: Vec<Job>) {
        let t = &s.texts;
        s.error.set(None);
        s.note.set(String::new());
        s.cancelled.set(false);
        // The marks of an earlier refusal go: this is a new try.
        mark_fields(&form, &[]);
        let url = form.action();
        let count = jobs.len();
        let mut made = Vec::new();
        for (index, job) in jobs.iter().enumerate() {
            let p = Progress {
                index,
                count,
                name: job.name.clone(),
                loaded: 0.0,
                total: 0.0,
            };
            s.said.set(p.label(t));
            s.progress.set(Some(p));
            match send(&url, job, &s, index, count).await {
                Sent::Done(id) => made.push(id),
                Sent::Refused(message, fields) => {
                    mark_fields(&form, &fields);
                    let label = |f: &str| {
                        t.labels
                            .iter()
                            .find(|(n, _)| n == f)
                            .map(|(_, l)| l.clone())
                    };
                    let lines = fields
                        .iter()
                        .map(|(f, m)| match label(f) {
                            Some(l) => format!("{l}: {m}"),
                            None => m.clone(),
                        })
                        .collect();
                    let message = if count > 1 {
                        fill(
                            &t.failed_file,
                            &[("name", job.name.clone()), ("error", message)],
                        )
                    } else {
                        message
                    };
                    s.progress.set(None);
                    s.error.set(Some((message, lines)));
                    return;
                }
                Sent::Cancelled => {
                    s.progress.set(None);
                    // The Cancel button is gone: the focus goes back to the form's own.
                    if let Ok(Some(b)) = form.query_selector("[type=submit]")
                        && let Ok(b) = b.dyn_into::<web_sys::HtmlElement>()
                    {
                        let _ = b.focus();
                    }
                    s.note.set(if made.is_empty() {
                        t.cancelled.clone()
                    } else {
                        fill(&t.cancelled_after, &[("done", made.len().to_string())])
                    });
                    return;
                }
                Sent::Offline => {
                    s.progress.set(None);
                    s.error.set(Some((t.network.clone(), Vec::new())));
                    return;
                }
            }
        }
        s.note.set(t.done.clone());
        let to = match made.as_slice() {
            [id] => s.done.replace("{id}", &id.to_string()),
            _ => s.done_many.replace("{n}", &made.len().to_string()),
        };
        if let Some(w) = web_sys::window() {
            let _ = w.location().assign(&to);
        }
    }

    /// Takes over the form's submit once the island runs.
    pub fn start(s: Island) {
        let form_id = s.form.clone();
        if s.multiple
            && let Some(input) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.get_element_by_id(&form_id))
                .and_then(|f| f.dyn_into::<HtmlFormElement>().ok())
                .and_then(|f| file_input(&f))
        {
            input.set_multiple(true);
        }
        let ready = s.ready;
        Effect::new(move |_| ready.set(true));
        let progress = s.progress;
        let handle = window_event_listener(leptos::ev::submit, move |ev| {
            let Some(form) = ev
                .target()
                .and_then(|t| t.dyn_into::<HtmlFormElement>().ok())
                .filter(|f| f.id() == form_id)
            else {
                return;
            };
            ev.prevent_default();
            if s.progress.get_untracked().is_some() {
                return;
            }
            match jobs(&form) {
                Some(jobs) => leptos::task::spawn_local(run(s.clone(), form, jobs)),
                // The browser cannot build the request: post the form the plain way.
                None => {
                    let _ = form.submit();
                }
            }
        });
        // Coming back to the page from the history: nothing is on its way any more.
        let shown = window_event_listener(leptos::ev::pageshow, move |_| progress.set(None));
        on_cleanup(move || {
            handle.remove();
            shown.remove();
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn several_files_are_titled_after_their_names() {
        assert_eq!(
            title_from_file_name("Bài 3 - Phân số.pdf"),
            "Bài 3 - Phân số"
        );
        assert_eq!(title_from_file_name("slides.v2.pptx"), "slides.v2");
        assert_eq!(title_from_file_name("README"), "README");
        assert_eq!(title_from_file_name(".pdf"), ".pdf");
    }

    #[test]
    fn answers_of_the_function_and_of_the_server_are_read() {
        assert_eq!(
            outcome(200, r#"{"id":42,"title":"x"}"#, false),
            Sent::Done(42)
        );
        assert_eq!(
            outcome(
                422,
                r#"{"code":"validation","message":"Sửa các ô","fields":[["title","Tiêu đề gồm 2–200 ký tự."]],"lines":[]}"#,
                false
            ),
            Sent::Refused(
                "Sửa các ô".into(),
                vec![("title".into(), "Tiêu đề gồm 2–200 ký tự.".into())]
            )
        );
        assert_eq!(
            outcome(
                413,
                r#"{"error":{"code":"payload_too_large","message":"Tệp quá lớn","details":[]}}"#,
                false
            ),
            Sent::Refused("Tệp quá lớn".into(), vec![])
        );
        assert_eq!(
            outcome(502, "<html>Bad gateway</html>", false),
            Sent::Refused("HTTP 502".into(), vec![])
        );
        assert_eq!(outcome(0, "", true), Sent::Cancelled);
        assert_eq!(outcome(0, "", false), Sent::Offline);
    }

    #[test]
    fn the_bar_says_which_file_and_how_far() {
        let t = UploadTexts {
            sending: "Uploading {name}".into(),
            sending_n: "File {i} of {n}: {name}".into(),
            saving: "Saving".into(),
            of: "{loaded} of {total}".into(),
            cancel: String::new(),
            cancelled: String::new(),
            cancelled_after: String::new(),
            done: String::new(),
            failed_file: String::new(),
            network: String::new(),
            several: String::new(),
            labels: vec![],
        };
        let p = Progress {
            index: 1,
            count: 3,
            name: "b.pdf".into(),
            loaded: 500_000.0,
            total: 2_000_000.0,
        };
        assert_eq!(p.percent(), 25.0);
        assert_eq!(p.label(&t), "File 2 of 3: b.pdf");
        assert_eq!(p.bytes(&t), "500 KB of 2 MB");
        let link = Progress {
            name: String::new(),
            count: 1,
            ..p
        };
        assert_eq!(link.label(&t), "Saving");
    }
}
