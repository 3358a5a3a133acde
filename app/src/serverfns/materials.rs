//! The materials library (học liệu): the library and one material's page, uploading (a file or
//! a link), editing, replacing the file, deleting, attaching to a lesson and taking it off, and a
//! school's storage with its quota. Each is one call of [`lophoc::services::materials`], which
//! decides who may do what.
//!
//! Uploads are multipart posts to endpoints named `upload_*`, the only server functions the
//! server's middleware gives the large body limit; the file part is streamed to the store as it
//! arrives ([`lophoc::services::materials::read_multipart`]), never held in memory. The same
//! endpoint answers the browser's plain form (no JavaScript: a redirect) and the upload island's
//! `XMLHttpRequest` (with JavaScript: the material as JSON, or the error with its own status).
//!
//! Every mutation is also the target of a plain HTML form and answers it with a redirect (see
//! [`crate::serverfns::form`]): back to the page with the keys in [`back`], or on to the page
//! that now shows the outcome (a new material's page; the library after a delete).

// A server function takes one argument per form field (the edit form has eight), and the
// `#[server]` macro does not carry an `allow` on the function over to the browser's stub.
#![allow(clippy::too_many_arguments)]

use crate::error::UiError;
use chrono::NaiveDate;
use leptos::prelude::*;
use lophoc::ids::{ClassId, MaterialId, SchoolId};
use lophoc::materials::{Material, MaterialView, StorageUse};
use lophoc::model::Page;
use serde::{Deserialize, Serialize};
use server_fn::codec::{MultipartData, MultipartFormData};

/// Query-string keys of a form's answer without JavaScript.
pub mod back {
    crate::serverfns::echo::answer_keys! {
        notes {
            /// A material was uploaded: `1` on its page; on the library, how many (the island's
            /// several files).
            UPLOADED = "uploaded";
            /// A material's fields were saved.
            SAVED = "saved";
            /// A material's file was replaced.
            REPLACED = "replaced";
            /// A material was deleted: its title (on the library).
            DELETED = "deleted";
            /// A material was attached to a lesson (`1`), or was already (`0`).
            ATTACHED = "attached";
            /// A material was taken off a lesson.
            DETACHED = "detached";
            /// The school's storage quota was saved.
            QUOTA_SAVED = "quota_saved";
            /// On a material's page: show the delete confirmation (a link, so it works without
            /// JavaScript).
            CONFIRM_DELETE = "delete";
        }
        echoes {
            /// What the user typed into the upload form that failed (`new_title`, …).
            NEW: lophoc::materials::MaterialForm = "new_";
            /// What the user typed into the edit form that failed (`edit_title`, …).
            EDIT: lophoc::materials::MaterialForm = "edit_";
            /// What the user typed into the quota form that failed.
            QUOTA: super::QuotaTyped = "";
        }
    }
}

/// The quota form as typed (its school travels in the page's own query, not in the echo).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuotaTyped {
    /// Megabytes as typed.
    pub quota_mb: String,
}

/// How a form names a lesson in one value (a select of lessons posts one):
/// `<class>_<YYYY-MM-DD>_<period>`.
pub fn lesson_key(class: ClassId, date: NaiveDate, period: i64) -> String {
    format!("{class}_{date}_{period}")
}

/// Reads a [`lesson_key`].
pub fn parse_lesson_key(key: &str) -> Option<(ClassId, NaiveDate, i64)> {
    let mut it = key.trim().splitn(3, '_');
    let class = it.next()?.parse().ok()?;
    let date = NaiveDate::parse_from_str(it.next()?, "%Y-%m-%d").ok()?;
    let period = it.next()?.parse().ok()?;
    Some((class, date, period))
}

/// Megabytes as typed (`500`, `1,5`) in bytes (decimal, as sizes are shown); empty is none.
/// What is not a number is the quota field's error.
pub fn quota_bytes(mb: &str) -> Result<Option<i64>, lophoc::Error> {
    let bad = || lophoc::Error::field("quota_mb", lophoc::Msg::new("materials.bad_quota"));
    let mb = mb.trim().replace(',', ".");
    if mb.is_empty() {
        return Ok(None);
    }
    let v: f64 = mb.parse().map_err(|_| bad())?;
    if !v.is_finite() {
        return Err(bad());
    }
    // Saturates far beyond any quota the service accepts, which then refuses it.
    Ok(Some((v * 1_000_000.0).round() as i64))
}

/// The library: the materials the caller may see matching the filters (empty ones ignored;
/// `subject` a code, `grade` 0–12, `scope` a code, `mine` only the caller's own), 20 a page
/// (`page` from 1).
#[server(prefix = "/fn", endpoint = "material_library")]
pub async fn material_library(
    /// Words to find in the materials (empty: any).
    q: Option<String>,
    /// Only this subject (a subject code; empty: any).
    subject: Option<String>,
    /// Only this grade (0–12, as typed; empty: any).
    grade: Option<String>,
    /// Only this scope (a scope code; empty: any).
    scope: Option<String>,
    /// Only the caller's own materials.
    mine: bool,
    /// The page of results (from 1).
    page: Option<i64>,
) -> Result<Page<Material>, UiError> {
    use lophoc::materials::{MaterialFilter, PAGE_SIZE, Scope};
    let (c, actor) = crate::ssr::actor()?;
    let ctx = crate::ssr::ctx()?;
    let present = |v: Option<String>| v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    // Values the page's own selects cannot send are ignored, as an unknown filter would be.
    let filter = MaterialFilter {
        q: present(q),
        subject: present(subject).filter(|s| lophoc::subjects::SUBJECTS.contains(&s.as_str())),
        grade: present(grade)
            .and_then(|g| g.parse().ok())
            .filter(|g| (0..=12).contains(g)),
        scope: present(scope).as_deref().and_then(Scope::parse),
        mine,
        offset: (page.unwrap_or(1).clamp(1, 1_000_000) - 1) * PAGE_SIZE,
        limit: Some(PAGE_SIZE),
    };
    lophoc::services::materials::list(&ctx, &actor, &filter)
        .await
        .map_err(|e| crate::ssr::fail(&c, e))
}

/// A material's page: the material, its earlier versions, where it was used, what the caller
/// may do, and the caller's coming lessons to attach it to.
#[server(prefix = "/fn", endpoint = "material_page")]
pub async fn material_page(
    /// The material shown.
    id: MaterialId,
) -> Result<MaterialView, UiError> {
    let (c, actor) = crate::ssr::actor()?;
    let ctx = crate::ssr::ctx()?;
    lophoc::services::materials::view(&ctx, &actor, id)
        .await
        .map_err(|e| crate::ssr::fail(&c, e))
}

/// Uploads a material from the library's form: `title`, `subject`, `grade`, `topic`,
/// `description`, `scope` and either one `file` or a link's `url`. A plain form post goes on to
/// the new material's page (`?uploaded=1`), or back with the error and what was typed.
#[server(input = MultipartFormData, prefix = "/fn", endpoint = "upload_material")]
pub async fn upload_material(
    /// The upload form, as posted: its fields and the file or link.
    data: MultipartData,
) -> Result<Material, UiError> {
    use server_fn::ServerFn;
    let mut typed = lophoc::materials::MaterialForm::default();
    let r = async {
        let (c, actor) = crate::ssr::actor()?;
        let ctx = crate::ssr::ctx()?;
        let fail = |e| crate::ssr::fail(&c, e);
        let body = data
            .into_inner()
            .ok_or_else(|| fail(lophoc::Error::internal()))?;
        let parts = lophoc::services::materials::read_multipart(&ctx, body)
            .await
            .map_err(fail)?;
        typed = parts.form();
        lophoc::services::materials::create(&ctx, &actor, &typed, parts.upload)
            .await
            .map_err(fail)
    }
    .await;
    if let Ok(m) = &r {
        form::go_to(&format!("{}?{}=1", m.href(), back::UPLOADED));
        return r;
    }
    form::answer(r, UploadMaterial::PATH, |_| vec![], back::NEW.pairs(&typed))
}

/// Replaces a file material's file (`material`, `file`): a new version, the earlier ones kept.
#[server(input = MultipartFormData, prefix = "/fn", endpoint = "upload_material_version")]
pub async fn upload_material_version(
    /// The new version's form, as posted: the `material` and its `file`.
    data: MultipartData,
) -> Result<Material, UiError> {
    use server_fn::ServerFn;
    let r = async {
        let (c, actor) = crate::ssr::actor()?;
        let ctx = crate::ssr::ctx()?;
        let fail = |e| crate::ssr::fail(&c, e);
        let body = data
            .into_inner()
            .ok_or_else(|| fail(lophoc::Error::internal()))?;
        let parts = lophoc::services::materials::read_multipart(&ctx, body)
            .await
            .map_err(fail)?;
        let id: MaterialId = parts
            .field("material")
            .and_then(|v| v.trim().parse().ok())
            .ok_or_else(|| fail(lophoc::Error::not_found()))?;
        let upload = parts.upload.ok_or_else(|| {
            fail(lophoc::Error::field(
                "file",
                lophoc::Msg::new("validation.required"),
            ))
        })?;
        lophoc::services::materials::replace_file(&ctx, &actor, id, upload)
            .await
            .map_err(fail)
    }
    .await;
    form::answer(
        r,
        UploadMaterialVersion::PATH,
        |_| vec![(back::REPLACED, "1".to_owned())],
        vec![],
    )
}

/// Saves a material's fields from its page's edit form (`url` only for a link).
#[server(prefix = "/fn", endpoint = "update_material")]
pub async fn update_material(
    /// The material changed.
    id: MaterialId,
    /// The material's title.
    title: String,
    /// The subject code.
    subject: String,
    /// The grade (0–12), as typed.
    grade: String,
    /// The topic (empty: none).
    topic: Option<String>,
    /// The description (empty: none).
    description: Option<String>,
    /// Who sees the material (a scope code).
    scope: String,
    /// The link's address (only for a link material).
    url: Option<String>,
) -> Result<Material, UiError> {
    use server_fn::ServerFn;
    let f = lophoc::materials::MaterialForm {
        title,
        subject,
        grade,
        topic: topic.unwrap_or_default(),
        description: description.unwrap_or_default(),
        scope,
        url: url.unwrap_or_default(),
    };
    let r = async {
        let (c, actor) = crate::ssr::actor()?;
        let ctx = crate::ssr::ctx()?;
        lophoc::services::materials::update(&ctx, &actor, id, &f)
            .await
            .map_err(|e| crate::ssr::fail(&c, e))
    }
    .await;
    form::answer(
        r,
        UpdateMaterial::PATH,
        |_| vec![(back::SAVED, "1".to_owned())],
        back::EDIT.pairs(&f),
    )
}

/// Deletes a material (its versions and lesson attachments go with it). A plain form post goes
/// on to the library, which names what was deleted (`title`, the form's own copy: only shown).
#[server(prefix = "/fn", endpoint = "delete_material")]
pub async fn delete_material(
    /// The material deleted.
    id: MaterialId,
    /// The material's title, echoed back for the confirmation only.
    title: Option<String>,
) -> Result<(), UiError> {
    use server_fn::ServerFn;
    let r = async {
        let (c, actor) = crate::ssr::actor()?;
        let ctx = crate::ssr::ctx()?;
        lophoc::services::materials::delete(&ctx, &actor, id)
            .await
            .map_err(|e| crate::ssr::fail(&c, e))
    }
    .await;
    if r.is_ok() {
        let title = title.unwrap_or_default();
        form::go_to(&format!(
            "/materials?{}={}",
            back::DELETED,
            lophoc::text::percent_encode(&title)
        ));
        return r;
    }
    form::answer(r, DeleteMaterial::PATH, |_| vec![], vec![])
}

/// Attaches a material to one of the caller's lessons (`lesson`, a [`lesson_key`]). Returns
/// whether it was attached now (false: it already was).
#[server(prefix = "/fn", endpoint = "attach_material")]
pub async fn attach_material(
    /// The material attached.
    material: MaterialId,
    /// The lesson it is attached to (a [`lesson_key`]).
    lesson: String,
) -> Result<bool, UiError> {
    use server_fn::ServerFn;
    let r = async {
        let (c, actor) = crate::ssr::actor()?;
        let ctx = crate::ssr::ctx()?;
        let fail = |e| crate::ssr::fail(&c, e);
        let (class, date, period) = parse_lesson_key(&lesson).ok_or_else(|| {
            fail(lophoc::Error::field(
                "lesson",
                lophoc::Msg::new("validation.required"),
            ))
        })?;
        lophoc::services::materials::attach(&ctx, &actor, class, date, period, material)
            .await
            .map(|(_, attached)| attached)
            .map_err(fail)
    }
    .await;
    // Back at the form, where the answer is shown (not at the page's top).
    crate::serverfns::form::answer_at(
        r,
        AttachMaterial::PATH,
        "attach",
        back::is_answer,
        |new| vec![(back::ATTACHED, if *new { "1" } else { "0" }.to_owned())],
        vec![],
    )
}

/// Takes a material off a lesson (`lesson`, a [`lesson_key`]).
#[server(prefix = "/fn", endpoint = "detach_material")]
pub async fn detach_material(
    /// The material taken off.
    material: MaterialId,
    /// The lesson it is taken off (a [`lesson_key`]).
    lesson: String,
) -> Result<(), UiError> {
    use server_fn::ServerFn;
    let r = async {
        let (c, actor) = crate::ssr::actor()?;
        let ctx = crate::ssr::ctx()?;
        let fail = |e| crate::ssr::fail(&c, e);
        let (class, date, period) =
            parse_lesson_key(&lesson).ok_or_else(|| fail(lophoc::Error::not_found()))?;
        lophoc::services::materials::detach(&ctx, &actor, class, date, period, material)
            .await
            .map(|_| ())
            .map_err(fail)
    }
    .await;
    form::answer(
        r,
        DetachMaterial::PATH,
        |_| vec![(back::DETACHED, "1".to_owned())],
        vec![],
    )
}

/// A school's storage use by teacher against its quota: the caller's school, or `school` for
/// the department and sysadmins.
#[server(prefix = "/fn", endpoint = "material_storage")]
pub async fn material_storage(
    /// The school whose storage is shown (a department or sysadmin pick; else the caller's own).
    school: Option<SchoolId>,
) -> Result<StorageUse, UiError> {
    let (c, actor) = crate::ssr::actor()?;
    let ctx = crate::ssr::ctx()?;
    let fail = |e| crate::ssr::fail(&c, e);
    let school = actor.school_or(school).map_err(fail)?;
    lophoc::services::materials::storage(&ctx, &actor, school)
        .await
        .map_err(fail)
}

/// Sets a school's storage quota in MB (`quota_mb`; empty removes it).
#[server(prefix = "/fn", endpoint = "set_material_quota")]
pub async fn set_material_quota(
    /// The school whose quota is set (a department or sysadmin pick; else the caller's own).
    school: Option<SchoolId>,
    /// The quota in MB, as typed (empty removes it).
    quota_mb: String,
) -> Result<StorageUse, UiError> {
    use server_fn::ServerFn;
    let r = async {
        let (c, actor) = crate::ssr::actor()?;
        let ctx = crate::ssr::ctx()?;
        let fail = |e| crate::ssr::fail(&c, e);
        let school = actor.school_or(school).map_err(fail)?;
        let quota = quota_bytes(&quota_mb).map_err(fail)?;
        lophoc::services::materials::set_quota(&ctx, &actor, school, quota)
            .await
            .map_err(fail)
    }
    .await;
    form::answer(
        r,
        SetMaterialQuota::PATH,
        |_| vec![(back::QUOTA_SAVED, "1".to_owned())],
        back::QUOTA.pairs(&QuotaTyped { quota_mb }),
    )
}

/// Plain-form answers with this module's keys (server only).
#[cfg(feature = "ssr")]
mod form {
    use crate::error::UiError;

    /// [`crate::serverfns::form::answer`], replacing any earlier answer of the materials forms.
    pub fn answer<T>(
        r: Result<T, UiError>,
        fn_path: &str,
        ok: impl FnOnce(&T) -> Vec<(&'static str, String)>,
        typed: Vec<(String, String)>,
    ) -> Result<T, UiError> {
        crate::serverfns::form::answer(r, fn_path, super::back::is_answer, ok, typed)
    }

    /// For a plain form post, on to `to` (a local path) instead of back to the form's page.
    pub fn go_to(to: &str) {
        if crate::ssr::is_plain_form_post() {
            leptos_axum::redirect(to);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lesson_travels_as_one_value() {
        let d = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
        let k = lesson_key(ClassId(12), d, 3);
        assert_eq!(k, "12_2026-12-07_3");
        assert_eq!(parse_lesson_key(&k), Some((ClassId(12), d, 3)));
        for bad in [
            "",
            "12",
            "12_2026-13-01_3",
            "x_2026-12-07_3",
            "12_2026-12-07_",
        ] {
            assert_eq!(parse_lesson_key(bad), None, "{bad}");
        }
    }

    #[test]
    fn quotas_are_typed_in_megabytes() {
        assert_eq!(quota_bytes("").ok(), Some(None));
        assert_eq!(quota_bytes(" 500 ").ok(), Some(Some(500_000_000)));
        assert_eq!(quota_bytes("1,5").ok(), Some(Some(1_500_000)));
        assert_eq!(quota_bytes("0").ok(), Some(Some(0)));
        assert!(quota_bytes("nhiều").is_err());
        assert!(quota_bytes("inf").is_err());
    }
}
