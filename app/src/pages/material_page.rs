//! `/materials/:id`: one material. Its details; the preview (a PDF in a frame, an image, an
//! audio or video player that seeks, since the file is served with ranges); download, or open
//! a link; the lessons it was used in and how often it was opened; earlier versions of its file;
//! attaching it to one of the caller's coming lessons. Whoever may change it (the service says:
//! `may_change`) also edits its fields, uploads a new version and deletes it, with a
//! confirmation that is a page of its own (`?delete=1`), so it works without JavaScript.

use crate::components::error_alert::ErrorAlert;
use crate::components::field::Field;
use crate::components::format::size_text as human_size;
use crate::components::format::{day_label, group_digits};
use crate::components::icon::Icon;
use crate::components::loading::Loading;
use crate::components::material_fields::{ACCEPT, MaterialFields};
use crate::components::material_info::{ScopeBadge, grade_label, type_and_size, type_of};
use crate::components::material_upload::{UploadProgress, UploadTexts};
use crate::components::notice::{NotFound, SuccessNote};
use crate::components::page_title::PageTitle;
use crate::error::{UiError, field_error, from_query};
use crate::i18n::{tr, trf};
use crate::serverfns::materials::{
    AttachMaterial, DeleteMaterial, UpdateMaterial, UploadMaterialVersion, back, lesson_key,
    material_page,
};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};
use lophoc::dates::display_timestamp;
use lophoc::materials::{Kind, Material, MaterialForm, MaterialView, Preview};
use lophoc::roll_calls::roll_call_href;
use lophoc::subjects::subject_label_key;
use server_fn::ServerFn;

/// `/materials/:id`.
#[component]
pub fn MaterialPage() -> impl IntoView {
    let params = use_params_map();
    let id =
        params.with_untracked(|p| p.get("id").and_then(|s| s.parse().ok()).unwrap_or_default());
    let data = OnceResource::new(material_page(id));
    view! {
        <Suspense fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(v) => view! { <MaterialDetails v /> }.into_any(),
                    Err(e) if e.code == lophoc::ErrorCode::NotFound => view! { <NotFound /> }.into_any(),
                    Err(e) => view! { <ErrorAlert error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The note a plain form post left in the query, if any.
fn note_from_query() -> Option<String> {
    let query = use_query_map();
    query.with_untracked(|q| {
        let on = |k: &str| q.get(k).is_some_and(|v| !v.is_empty());
        if on(back::UPLOADED) {
            Some(tr("materials.uploaded").to_owned())
        } else if on(back::SAVED) {
            Some(tr("materials.saved").to_owned())
        } else if on(back::REPLACED) {
            Some(tr("materials.replaced").to_owned())
        } else if on(back::DETACHED) {
            Some(tr("materials.detached").to_owned())
        } else {
            // Attaching answers next to its own form (see `UsesCard`).
            None
        }
    })
}

#[component]
fn MaterialDetails(v: MaterialView) -> impl IntoView {
    let m = v.material.clone();
    let note = note_from_query();
    let confirm_delete = use_query_map()
        .with_untracked(|q| q.get(back::CONFIRM_DELETE).is_some_and(|v| !v.is_empty()));
    let sub = format!(
        "{} · {}",
        tr(&subject_label_key(&m.subject)),
        grade_label(m.grade)
    );
    let action = match m.kind {
        Kind::Link => view! {
            // Through the API, which counts the opening and sends the browser on (303).
            <a
                class="btn btn-primary"
                href=format!("/api/v1/materials/{}/link", m.id)
                target="_blank"
                rel="noopener noreferrer"
            >
                <Icon name="external" />
                <span>{tr("materials.open_link")}</span>
            </a>
        }
        .into_any(),
        Kind::File => view! {
            <a class="btn btn-primary" href=m.file_href() download=m.filename.clone().unwrap_or_default()>
                <Icon name="download" />
                <span>{tr("materials.download")}</span>
            </a>
        }
        .into_any(),
    };
    let manage = v.may_change.then(|| {
        let m = m.clone();
        view! {
            <EditCard m=m.clone() />
            {(m.kind == Kind::File).then(|| view! { <ReplaceCard m=m.clone() /> })}
            <DeleteCard m=m.clone() uses=v.use_count confirm=confirm_delete />
        }
    });
    view! {
        <PageTitle text=m.title.clone() />
        <div class="page-header">
            <div class="page-header-text">
                <h1>{m.title.clone()}</h1>
                <p class="cluster">
                    <span>{sub}</span>
                    <ScopeBadge scope=m.scope />
                </p>
            </div>
            <div class="page-header-actions">
                {action}
                <a class="btn btn-ghost" href="/materials">
                    <Icon name="book" />
                    <span>{tr("materials.back")}</span>
                </a>
            </div>
        </div>
        <div class="stack stack-lg">
            <SuccessNote message=Signal::derive(move || note.clone()) />
            <div class="material-layout">
                <MaterialPreview m=m.clone() />
                <Details m=m.clone() uses=v.use_count />
            </div>
            <UsesCard v=v.clone() />
            {(!v.versions.is_empty()).then(|| view! { <VersionsCard v=v.clone() /> })}
            {manage}
        </div>
    }
}

/// The preview: what the browser can show in the page, else a way to download.
#[component]
fn MaterialPreview(m: Material) -> impl IntoView {
    let label = trf("materials.preview_of", &[("title", m.title.clone())]);
    let src = m.file_href();
    let body = match (m.kind, m.preview()) {
        (Kind::Link, _) => {
            let url = m.url.clone().unwrap_or_default();
            view! {
                <div class="preview-link">
                    <Icon name="link" class="icon-lg" />
                    <p class="preview-url">{url}</p>
                    <p class="small muted">{tr("materials.link_note")}</p>
                </div>
            }
            .into_any()
        }
        (_, Preview::Pdf) => view! {
            <iframe class="preview-pdf" src=src.clone() title=label.clone()></iframe>
            <p class="small">
                <a href=src.clone() target="_blank" rel="noopener">{tr("materials.open_pdf")}</a>
            </p>
        }
        .into_any(),
        (_, Preview::Image) => view! {
            <img class="preview-image" src=src.clone() alt=label.clone() loading="lazy" />
        }
        .into_any(),
        (_, Preview::Audio) => view! {
            <audio class="preview-audio" controls preload="metadata" src=src.clone() aria-label=label.clone()>
                <a href=src.clone()>{tr("materials.download")}</a>
            </audio>
        }
        .into_any(),
        (_, Preview::Video) => view! {
            <div class="preview-video">
                <video controls preload="metadata" playsinline src=src.clone() aria-label=label.clone()>
                    <a href=src.clone()>{tr("materials.download")}</a>
                </video>
            </div>
        }
        .into_any(),
        (_, Preview::None) => {
            let (icon, word) = type_of(&m);
            view! {
                <div class="empty">
                    <Icon name=icon />
                    <p class="empty-title">{trf("materials.no_preview", &[("type", word.to_owned())])}</p>
                    <p>{tr("materials.no_preview_text")}</p>
                </div>
            }
            .into_any()
        }
    };
    view! {
        <section class="card preview" aria-labelledby="preview-title">
            <div class="card-header">
                <h2 id="preview-title">{tr("materials.preview")}</h2>
            </div>
            <div class="card-body">{body}</div>
        </section>
    }
}

#[component]
fn Details(m: Material, uses: i64) -> impl IntoView {
    let row = |label: &'static str, value: String| {
        (!value.is_empty()).then(|| {
            view! {
                <div>
                    <dt>{label}</dt>
                    <dd>{value}</dd>
                </div>
            }
        })
    };
    view! {
        <section class="card" aria-labelledby="details-title">
            <div class="card-header">
                <h2 id="details-title">{tr("materials.details")}</h2>
            </div>
            <div class="card-body">
                <dl class="dl">
                    {row(tr("materials.subject"), tr(&subject_label_key(&m.subject)).to_owned())}
                    {row(tr("materials.grade"), grade_label(m.grade))}
                    {row(tr("materials.topic"), m.topic.clone())}
                    {row(tr("materials.description"), m.description.clone())}
                    {row(tr("materials.scope"), tr(m.scope.label_key()).to_owned())}
                    {row(tr("materials.type"), type_and_size(&m))}
                    {row(tr("materials.file"), m.filename.clone().unwrap_or_default())}
                    {(m.kind == Kind::File).then(|| row(tr("materials.version"), m.version.to_string()))}
                    {row(tr("materials.owner"), m.owner_name.clone())}
                    {row(tr("materials.created"), display_timestamp(&m.created_at))}
                    {(m.updated_at != m.created_at)
                        .then(|| row(tr("materials.updated"), display_timestamp(&m.updated_at)))}
                    {row(tr("materials.opens"), group_digits(m.opens))}
                    {row(tr("materials.used_in"), trf("materials.lessons_n", &[("n", group_digits(uses))]))}
                </dl>
            </div>
        </section>
    }
}

/// Where it was used, and attaching it to one of the caller's coming lessons.
#[component]
fn UsesCard(v: MaterialView) -> impl IntoView {
    let error = use_query_map().with_untracked(|q| from_query(q, AttachMaterial::PATH));
    // Attaching answers next to its form (the page comes back at `#attach`).
    let note = use_query_map().with_untracked(|q| {
        q.get(back::ATTACHED).map(|v| {
            tr(if v == "0" {
                "materials.already_attached"
            } else {
                "materials.attached"
            })
            .to_owned()
        })
    });
    let list = if v.uses.is_empty() {
        view! { <p class="muted">{tr("materials.no_uses")}</p> }.into_any()
    } else {
        let items = v
            .uses
            .iter()
            .map(|u| {
                let what = format!(
                    "{} · {} · {}",
                    u.class_name,
                    trf("day.period", &[("period", u.period.to_string())]),
                    day_label(u.date)
                );
                view! {
                    <li>
                        <a href=roll_call_href(u.class_id, u.date, u.period)>
                            <span>{what}</span>
                            <span class="small muted">{trf("materials.attached_by", &[("name", u.attached_by.clone())])}</span>
                        </a>
                    </li>
                }
            })
            .collect_view();
        let more = (v.use_count > v.uses.len() as i64).then(|| {
            view! {
                <p class="small muted">
                    {trf("materials.more_uses", &[("n", group_digits(v.use_count - v.uses.len() as i64))])}
                </p>
            }
        });
        view! {
            <ul class="pick-list">{items}</ul>
            {more}
        }
        .into_any()
    };
    let attach = (!(v.lessons.is_empty() && v.lessons_over.is_empty())).then(|| {
        let option = |l: &lophoc::lessons::Lesson, on: bool| {
            let mut text = format!(
                "{} · {} · {} · {}",
                day_label(l.date),
                trf("day.period", &[("period", l.period.to_string())]),
                l.class_name,
                tr(&subject_label_key(&l.subject))
            );
            if let Some(s) = &l.starts {
                text = format!("{text} ({s})");
            }
            view! { <option value=lesson_key(l.class_id, l.date, l.period) selected=on>{text}</option> }
        };
        let subject = v.material.subject.clone();
        let (same, other): (Vec<_>, Vec<_>) = v
            .lessons
            .iter()
            .enumerate()
            .map(|(i, l)| (Some(i), l))
            .partition(|(_, l)| l.subject == subject);
        // `(index in v.lessons, lesson)`; today's lessons that are over have no index.
        let group = |label: String, items: Vec<(Option<usize>, &lophoc::lessons::Lesson)>| {
            (!items.is_empty()).then(|| {
                let opts = items
                    .into_iter()
                    .map(|(i, l)| option(l, i.is_some() && v.suggested == i))
                    .collect_view();
                view! { <optgroup label=label>{opts}</optgroup> }
            })
        };
        let subject_name = tr(&subject_label_key(&subject)).to_owned();
        let same = group(
            trf("materials.attach_same_subject", &[("subject", subject_name)]),
            same,
        );
        let other = group(tr("materials.attach_other_lessons").to_owned(), other);
        let over = group(
            tr("materials.attach_over").to_owned(),
            v.lessons_over.iter().map(|l| (None, l)).collect(),
        );
        let none_chosen = v.suggested.is_none();
        let lesson_error = field_error(&error, "lesson");
        view! {
            <div id="attach" class="stack">
                <h3>{tr("materials.attach")}</h3>
                <SuccessNote message=Signal::derive(move || note.clone()) />
                {error.clone().filter(|e| e.fields.is_empty()).map(|e| view! { <ErrorAlert error=e /> })}
                <form class="form wide filters" method="post" action=AttachMaterial::PATH>
                    <input type="hidden" name="material" value=v.material.id.to_string() />
                    <div class="field grow" class:invalid=move || lesson_error.get().is_some()>
                        <label for="attach-lesson">{tr("materials.attach_lesson")}</label>
                        <select id="attach-lesson" name="lesson" aria-describedby="attach-lesson-hint">
                            <option value="" selected=none_chosen>{tr("materials.attach_choose")}</option>
                            {same}
                            {other}
                            {over}
                        </select>
                        <p class="hint" id="attach-lesson-hint">{tr("materials.attach_hint")}</p>
                        {move || lesson_error.get().map(|m| view! { <p class="field-error">{m}</p> })}
                    </div>
                    <button type="submit" class="btn btn-secondary">
                        <Icon name="calendar" />
                        <span>{tr("materials.attach_submit")}</span>
                    </button>
                </form>
            </div>
        }
    });
    view! {
        <section class="card" aria-labelledby="uses-title">
            <div class="card-header">
                <h2 id="uses-title">{tr("materials.uses")}</h2>
            </div>
            <div class="card-body stack">
                {list}
                {attach}
            </div>
        </section>
    }
}

/// Earlier versions of the file, each downloadable.
#[component]
fn VersionsCard(v: MaterialView) -> impl IntoView {
    let id = v.material.id;
    let rows = v
        .versions
        .into_iter()
        .map(|ver| {
            let href = format!("/api/v1/materials/{id}/file?version={}", ver.version);
            let label = trf("materials.download_version", &[("n", ver.version.to_string())]);
            view! {
                <tr>
                    <td data-label=tr("materials.version") class="num">{ver.version}</td>
                    <td data-label=tr("materials.file")>{ver.filename.clone()}</td>
                    <td data-label=tr("materials.size") class="num">{human_size(ver.size)}</td>
                    <td data-label=tr("materials.created")>{display_timestamp(&ver.created_at)}</td>
                    <td class="actions">
                        <a class="btn btn-secondary btn-sm" href=href download=ver.filename.clone() aria-label=label>
                            <Icon name="download" />
                            <span>{tr("materials.download")}</span>
                        </a>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card" aria-labelledby="versions-title">
            <div class="card-header">
                <h2 id="versions-title">{tr("materials.versions")}</h2>
            </div>
            <div class="table-wrap flush">
                <table class="table stack">
                    <caption class="sr-only">{tr("materials.versions")}</caption>
                    <thead>
                        <tr>
                            <th scope="col" class="num">{tr("materials.version")}</th>
                            <th scope="col">{tr("materials.file")}</th>
                            <th scope="col" class="num">{tr("materials.size")}</th>
                            <th scope="col">{tr("materials.created")}</th>
                            <th scope="col"><span class="sr-only">{tr("materials.download")}</span></th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    }
}

/// The edit form: the fields as they are, or as typed after an error.
#[component]
fn EditCard(m: Material) -> impl IntoView {
    let (error, typed): (Option<UiError>, Option<MaterialForm>) =
        use_query_map().with_untracked(|q| {
            let error = from_query(q, UpdateMaterial::PATH);
            let typed = error.as_ref().and_then(|_| back::EDIT.read(q));
            (error, typed)
        });
    let values = typed.unwrap_or_else(|| MaterialForm {
        title: m.title.clone(),
        subject: m.subject.clone(),
        grade: m.grade.to_string(),
        topic: m.topic.clone(),
        description: m.description.clone(),
        scope: m.scope.as_str().to_owned(),
        url: m.url.clone().unwrap_or_default(),
    });
    let url_error = field_error(&error, "url");
    let url = (m.kind == Kind::Link).then(|| {
        view! {
            <Field
                id="edit-url"
                name="url"
                kind="url"
                label=tr("materials.url")
                autocomplete="off"
                value=values.url.clone()
                error=url_error
            />
        }
    });
    view! {
        <section class="card" aria-labelledby="edit-card-title">
            <div class="card-header">
                <h2 id="edit-card-title">{tr("materials.edit")}</h2>
            </div>
            <div class="card-body">
                {error.clone().filter(|e| e.fields.is_empty()).map(|e| view! { <ErrorAlert error=e /> })}
                <form class="form" method="post" action=UpdateMaterial::PATH novalidate>
                    <input type="hidden" name="id" value=m.id.to_string() />
                    <MaterialFields id="edit" values=values.clone() error=error.clone() />
                    {url}
                    <div class="form-actions">
                        <button type="submit" class="btn btn-primary">
                            <Icon name="check" />
                            <span>{tr("materials.save")}</span>
                        </button>
                    </div>
                </form>
            </div>
        </section>
    }
}

/// A new version of the file (the earlier ones stay downloadable).
#[component]
fn ReplaceCard(m: Material) -> impl IntoView {
    let error = use_query_map().with_untracked(|q| from_query(q, UploadMaterialVersion::PATH));
    let file_error = field_error(&error, "file");
    view! {
        <section class="card" aria-labelledby="replace-title">
            <div class="card-header">
                <h2 id="replace-title">{tr("materials.replace")}</h2>
            </div>
            <div class="card-body">
                {error.clone().filter(|e| e.fields.is_empty()).map(|e| view! { <ErrorAlert error=e /> })}
                <form
                    id="replace-form"
                    class="form"
                    method="post"
                    action=UploadMaterialVersion::PATH
                    enctype="multipart/form-data"
                    novalidate
                >
                    <input type="hidden" name="material" value=m.id.to_string() />
                    <label class="file-drop" for="replace-file">
                        <Icon name="upload" />
                        <span class="file-drop-title" id="replace-file-label">{tr("materials.new_version_file")}</span>
                        <span class="hint" id="replace-file-hint">
                            {trf("materials.replace_hint", &[("n", (m.version + 1).to_string())])}
                        </span>
                        <input
                            id="replace-file"
                            type="file"
                            name="file"
                            accept=ACCEPT
                            aria-labelledby="replace-file-label"
                            aria-describedby="replace-file-hint"
                            aria-invalid=move || file_error.get().is_some().to_string()
                        />
                    </label>
                    {move || file_error.get().map(|m| view! { <p class="field-error">{m}</p> })}
                    <div class="form-actions">
                        <button type="submit" class="btn btn-secondary">
                            <Icon name="upload" />
                            <span>{tr("materials.replace_submit")}</span>
                        </button>
                    </div>
                    <UploadProgress
                        form="replace-form".to_owned()
                        texts=UploadTexts::here()
                        done="/materials/{id}?replaced=1".to_owned()
                        done_many=m.href()
                        multiple=false
                    />
                </form>
            </div>
        </section>
    }
}

/// Deleting: a button that asks first (a page of its own, `?delete=1`), then the real one.
#[component]
fn DeleteCard(m: Material, uses: i64, confirm: bool) -> impl IntoView {
    let error = use_query_map().with_untracked(|q| from_query(q, DeleteMaterial::PATH));
    let body = if confirm {
        view! {
            <div class="alert alert-warning" role="alert">
                <Icon name="alert" />
                <div class="alert-body">
                    <p class="alert-title">{trf("materials.delete_confirm", &[("title", m.title.clone())])}</p>
                    <p>
                        {if uses > 0 {
                            trf("materials.delete_uses", &[("n", group_digits(uses))])
                        } else {
                            tr("materials.delete_final").to_owned()
                        }}
                    </p>
                </div>
            </div>
            <form class="cluster" method="post" action=DeleteMaterial::PATH>
                <input type="hidden" name="id" value=m.id.to_string() />
                <input type="hidden" name="title" value=m.title.clone() />
                <button type="submit" class="btn btn-danger">
                    <Icon name="trash" />
                    <span>{tr("materials.delete_submit")}</span>
                </button>
                <a class="btn btn-ghost" href=m.href()>{tr("materials.delete_cancel")}</a>
            </form>
        }
        .into_any()
    } else {
        view! {
            <p class="small">{tr("materials.delete_intro")}</p>
            <p>
                <a class="btn btn-secondary" href=format!("{}?{}=1#delete-title", m.href(), back::CONFIRM_DELETE)>
                    <Icon name="trash" />
                    <span>{tr("materials.delete")}</span>
                </a>
            </p>
        }
        .into_any()
    };
    view! {
        <section class="card" aria-labelledby="delete-title">
            <div class="card-header">
                <h2 id="delete-title" tabindex="-1">{tr("materials.delete")}</h2>
            </div>
            <div class="card-body stack">
                {error.map(|e| view! { <ErrorAlert error=e /> })}
                {body}
            </div>
        </section>
    }
}
