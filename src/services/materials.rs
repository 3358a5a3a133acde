//! The materials library: upload and save links, browse and search, open and download, replace
//! a file (earlier versions kept), delete, attach to lessons, a school's storage use.
//!
//! Who sees a material is [`may_see`]; who changes it, [`may_change`]; both decided here for
//! the REST API and the pages alike. A material the caller may not see is a 404, whatever it
//! is. Search folds case and diacritics in Rust (`text::fold`) into a stored key matched with
//! `LIKE` on both engines, so SQLite and PostgreSQL find the same rows in the same order.
//!
//! Bytes go through [`Files`](crate::services::files::Files): the caller (REST handler or server
//! function) streams the upload into a [`Staged`] file; this module checks the fields, the
//! name, the type (by content), the school's quota, and only then commits the bytes and writes
//! the rows in one transaction.
//!
//! The quota holds under concurrent uploads: a first check refuses a file that cannot fit
//! before its bytes are stored, and the transaction that writes the rows checks again under a
//! per-school lock ([`Db::begin_locking_row`](crate::services::db::Db::begin_locking_row) on
//! the school's `storage_quotas` row; `BEGIN IMMEDIATE` on SQLite), so of uploads racing for
//! the last room exactly those that fit are kept. Before it, 20 uploads of 200 KB at once into
//! room for 4 kept 6 on SQLite and 7 on PostgreSQL (issue 18); without the second check, all
//! 20 pass the first one (`concurrent_uploads_never_exceed_the_quota`). A refused upload's new
//! bytes are removed again.

use crate::error::{Error, ErrorCode, Msg};
use crate::ids::{ClassId, MaterialId, SchoolId, UserId};
use crate::lessons::{Lesson, MaterialRef};
use crate::materials::{
    Attachment, Kind, MAX_PAGE, Material, MaterialFilter, MaterialForm, MaterialInput,
    MaterialPatch, MaterialVersion, MaterialView, PAGE_SIZE, Scope, StorageLine, StorageUse, Use,
    check_filename, may_change, may_see, sniff, understand_query,
};
use crate::model::{Actor, Page, Role};
use crate::services::audit::{self, Action, Record};
use crate::services::classes::{self, today};
use crate::services::ctx::Ctx;
use crate::services::db::{Where, decode, decode_date, internal, is_unique_violation, like_escape};
use crate::services::files::{Blob, Staged};
use crate::services::{lesson_access, timetable};
use crate::text::{fold, query_words};
use chrono::NaiveDate;
use std::collections::{HashMap, HashSet};

/// The columns of a material row (alias `m`, the owner `u`).
macro_rules! material_columns {
    () => {
        "m.id, m.owner_id, m.school_id, m.title, m.subject, m.grade, m.topic, \
     m.description, m.scope, m.kind, m.url, m.version, m.filename, m.size, m.sha256, \
     m.content_type, \
     (SELECT COUNT(*) FROM material_opens o WHERE o.material_id = m.id) AS opens, m.created_at, m.updated_at, u.full_name AS owner_name \
    "
    };
}

const SELECT: &str = concat!(
    "SELECT ",
    material_columns!(),
    " FROM materials m JOIN users u ON u.id = m.owner_id"
);

#[derive(sqlx::FromRow)]
struct MaterialRow {
    id: MaterialId,
    owner_id: UserId,
    school_id: Option<SchoolId>,
    title: String,
    subject: String,
    grade: i64,
    topic: String,
    description: String,
    scope: String,
    kind: String,
    url: Option<String>,
    version: i64,
    filename: Option<String>,
    size: Option<i64>,
    sha256: Option<String>,
    content_type: Option<String>,
    opens: i64,
    created_at: i64,
    updated_at: i64,
    owner_name: String,
}

/// An earlier version of a file, as stored.
#[derive(sqlx::FromRow)]
struct VersionRow {
    version: i64,
    filename: String,
    size: i64,
    sha256: String,
    content_type: String,
    created_at: i64,
}

impl From<VersionRow> for MaterialVersion {
    fn from(r: VersionRow) -> MaterialVersion {
        MaterialVersion {
            version: r.version,
            filename: r.filename,
            size: r.size,
            sha256: r.sha256,
            content_type: r.content_type,
            created_at: crate::dates::rfc3339(r.created_at),
        }
    }
}

/// A lesson a material is attached to, as stored.
#[derive(sqlx::FromRow)]
struct UseRow {
    class_id: ClassId,
    class_name: String,
    date: String,
    period: i64,
    full_name: String,
}

impl TryFrom<UseRow> for Use {
    type Error = sqlx::Error;
    fn try_from(r: UseRow) -> Result<Use, sqlx::Error> {
        Ok(Use {
            class_id: r.class_id,
            class_name: r.class_name,
            date: decode_date(&r.date)?,
            period: r.period,
            attached_by: r.full_name,
        })
    }
}

/// A material attached to a lesson, as the lessons' lists name it.
#[derive(sqlx::FromRow)]
struct AttachedRefRow {
    class_id: ClassId,
    date: String,
    period: i64,
    id: MaterialId,
    title: String,
    owner_id: UserId,
    school_id: Option<SchoolId>,
    scope: String,
}

/// A material attached to a lesson, with who attached it and when.
#[derive(sqlx::FromRow)]
struct AttachedRow {
    attached_by: UserId,
    attached_at: i64,
    #[sqlx(flatten)]
    material: MaterialRow,
}

impl TryFrom<MaterialRow> for Material {
    type Error = sqlx::Error;
    fn try_from(r: MaterialRow) -> Result<Material, sqlx::Error> {
        Ok(Material {
            id: r.id,
            title: r.title,
            subject: r.subject,
            grade: r.grade,
            topic: r.topic,
            description: r.description,
            scope: decode("scope", &r.scope, Scope::parse)?,
            kind: decode("kind", &r.kind, Kind::parse)?,
            url: r.url,
            filename: r.filename,
            size: r.size,
            sha256: r.sha256,
            content_type: r.content_type,
            version: r.version,
            owner_id: r.owner_id,
            owner_name: r.owner_name,
            school_id: r.school_id,
            opens: r.opens,
            created_at: crate::dates::rfc3339(r.created_at),
            updated_at: crate::dates::rfc3339(r.updated_at),
        })
    }
}

fn rows_to_materials(rows: Vec<MaterialRow>) -> Result<Vec<Material>, Error> {
    rows.into_iter()
        .map(Material::try_from)
        .collect::<Result<_, _>>()
        .map_err(internal)
}

/// The condition "visible to `actor`" (see [`may_see`]) on the alias `m`.
fn visible(w: &mut Where, actor: &Actor) {
    let me = w.param(actor.user_id.0);
    if actor.role == Role::Sysadmin {
        w.and_sql(&format!("(m.owner_id = {me} OR m.scope <> 'private')"));
    } else if let Some(school) = actor.school_id {
        let s = w.param(school.0);
        w.and_sql(&format!(
            "(m.owner_id = {me} OR m.scope = 'province' OR (m.scope = 'school' AND m.school_id = {s}))"
        ));
    } else {
        w.and_sql(&format!("(m.owner_id = {me} OR m.scope = 'province')"));
    }
}

/// The search key of a material: its words, folded.
fn search_key(input: &MaterialInput, filename: Option<&str>) -> String {
    fold(&format!(
        "{} {} {} {}",
        input.title,
        input.topic,
        input.description,
        filename.unwrap_or("")
    ))
}

/// Reads a material the caller may see; 404 otherwise.
pub async fn get(ctx: &Ctx, actor: &Actor, id: MaterialId) -> Result<Material, Error> {
    let row: Option<MaterialRow> = sqlx::query_as(&format!("{SELECT} WHERE m.id = $1"))
        .bind(id)
        .fetch_optional(&ctx.db.pool)
        .await
        .map_err(internal)?;
    let m = Material::try_from(row.ok_or_else(Error::not_found)?).map_err(internal)?;
    if !may_see(actor, m.owner_id, m.school_id, m.scope) {
        return Err(Error::not_found());
    }
    Ok(m)
}

/// A material the caller may change: 404 when they may not see it, 403 when they only see it.
async fn get_changeable(ctx: &Ctx, actor: &Actor, id: MaterialId) -> Result<Material, Error> {
    let m = get(ctx, actor, id).await?;
    if !may_change(actor, m.owner_id, m.school_id) {
        return Err(Error::forbidden());
    }
    Ok(m)
}

/// `LIKE` patterns of words on the search key, joined by `AND` (`1 = 1` for none).
fn key_has_all(w: &mut Where, words: &[String]) -> String {
    let conds: Vec<String> = words
        .iter()
        .map(|word| {
            let p = w.param(format!("%{}%", like_escape(word)));
            format!("m.search_key LIKE {p} ESCAPE '\\'")
        })
        .collect();
    if conds.is_empty() {
        "1 = 1".to_owned()
    } else {
        conds.join(" AND ")
    }
}

/// The search's conditions (see [`understand_query`]): a grade it names is the material's
/// grade or the words typed; a subject it names is the material's subject or the words typed;
/// every other word is in the material's words. The same SQL on both engines.
fn search(w: &mut Where, words: &[String]) {
    let t = understand_query(words);
    if let Some((grade, typed)) = &t.grade {
        let g = w.param(*grade);
        let typed = key_has_all(w, std::slice::from_ref(&typed.join(" ")));
        w.and_sql(&format!("(m.grade = {g} OR ({typed}))"));
    }
    for (code, typed) in &t.subjects {
        let c = w.param(*code);
        let typed = key_has_all(w, typed);
        w.and_sql(&format!("(m.subject = {c} OR ({typed}))"));
    }
    w.and_words("m.search_key", &t.words);
}

/// The library: the materials the caller may see that match the filter, newest change first
/// (API.md `GET /materials?q=&subject=&grade=&scope=`).
pub async fn list(ctx: &Ctx, actor: &Actor, f: &MaterialFilter) -> Result<Page<Material>, Error> {
    let words = query_words(f.q.as_deref().unwrap_or(""))?;
    let mut w = Where::new();
    visible(&mut w, actor);
    if let Some(s) = &f.subject {
        w.and("m.subject = {}", s.as_str());
    }
    if let Some(g) = f.grade {
        w.and("m.grade = {}", g);
    }
    if let Some(s) = f.scope {
        w.and("m.scope = {}", s.as_str());
    }
    if f.mine {
        w.and("m.owner_id = {}", actor.user_id.0);
    }
    search(&mut w, &words);
    // One scan: the page's ids with the number of matches beside them (a window count, which
    // both engines have), then the page's rows by id. A page past the end has no row to carry
    // the count: then it is counted on its own.
    let limit = f.limit.unwrap_or(PAGE_SIZE).clamp(1, MAX_PAGE);
    let offset = f.offset.max(0);
    let mut paged = w.clone();
    let l = paged.param(limit);
    let o = paged.param(offset);
    let sql = format!(
        "SELECT m.id, COUNT(*) OVER () AS total_n FROM materials m{} \
         ORDER BY m.updated_at DESC, m.id DESC LIMIT {l} OFFSET {o}",
        paged.sql()
    );
    let page: Vec<(MaterialId, i64)> = paged
        .query_as(&sql)
        .fetch_all(&ctx.db.pool)
        .await
        .map_err(internal)?;
    let mut total = page.first().map_or(0, |(_, n)| *n);
    let ids: Vec<MaterialId> = page.into_iter().map(|(id, _)| id).collect();
    if ids.is_empty() {
        if offset > 0 {
            let count_sql = format!("SELECT COUNT(*) AS n FROM materials m{}", w.sql());
            total = w
                .query_scalar(&count_sql)
                .fetch_one(&ctx.db.pool)
                .await
                .map_err(internal)?;
        }
        return Ok(Page {
            items: Vec::new(),
            total,
        });
    }
    let mut by_id = Where::new();
    by_id.and_in("m.id", ids.iter().map(|i| i.0.into()));
    let rows = by_id
        .query(&format!("{SELECT}{}", by_id.sql()))
        .fetch_all(&ctx.db.pool)
        .await
        .map_err(internal)?
        .iter()
        .map(<MaterialRow as sqlx::FromRow<sqlx::any::AnyRow>>::from_row)
        .collect::<Result<Vec<_>, _>>()
        .map_err(internal)?;
    let mut items = rows_to_materials(rows)?;
    items.sort_by_key(|m| ids.iter().position(|i| *i == m.id));
    Ok(Page { items, total })
}

/// The school a new material belongs to, and a check of its scope: `school` needs a school.
fn owner_school(actor: &Actor, scope: Scope) -> Result<Option<SchoolId>, Error> {
    if scope == Scope::School && actor.school_id.is_none() {
        return Err(Error::field(
            "scope",
            Msg::new("materials.scope_needs_school"),
        ));
    }
    Ok(actor.school_id)
}

/// Checks an uploaded file before it is kept: a plain name, not empty, an accepted type by its
/// content (415 otherwise), and room in the school's quota (413). Returns the name and type.
async fn check_upload(
    ctx: &Ctx,
    school: Option<SchoolId>,
    filename: &str,
    staged: &Staged,
) -> Result<(String, &'static str), Error> {
    let name = check_filename(filename).map_err(|m| Error::field("file", m))?;
    if staged.size() == 0 {
        return Err(Error::field("file", Msg::new("materials.empty_file")));
    }
    let ty = sniff(staged.head(), &name).ok_or_else(|| {
        Error::with_msg(
            ErrorCode::UnsupportedMediaType,
            Msg::new("materials.bad_type"),
        )
    })?;
    if let Some(school) = school {
        let mut conn = ctx.db.pool.acquire().await.map_err(internal)?;
        check_quota(&mut conn, school, staged.size() as i64).await?;
    }
    Ok((name, ty.content_type()))
}

/// 413 when `adding` bytes do not fit in `school`'s quota (none: everything fits).
async fn check_quota(
    conn: &mut sqlx::AnyConnection,
    school: SchoolId,
    adding: i64,
) -> Result<(), Error> {
    let (used, quota) = usage_and_quota(conn, school).await?;
    match quota {
        Some(q) if used + adding > q => Err(Error::with_msg(
            ErrorCode::PayloadTooLarge,
            Msg::new("materials.over_quota")
                .size_arg("quota", q)
                .size_arg("used", used),
        )),
        _ => Ok(()),
    }
}

/// Begins the transaction that writes a new file (`adding` bytes) of `school`'s: locked
/// against every other one of the school's (see the module's opening comment), the quota
/// checked again under the lock, so its commit never takes the school over it.
async fn begin_storage_write(
    ctx: &Ctx,
    school: Option<SchoolId>,
    adding: i64,
) -> Result<sqlx::Transaction<'static, sqlx::Any>, Error> {
    let Some(school) = school else {
        return ctx.db.pool.begin().await.map_err(internal);
    };
    let mut tx = ctx
        .db
        .begin_locking_row("storage_quotas", "school_id", school.0)
        .await
        .map_err(internal)?;
    check_quota(&mut tx, school, adding).await?;
    Ok(tx)
}

/// Removes bytes this call stored when the rows naming them could not be written (best effort;
/// the sweep removes whatever is left).
async fn forget_new_blob(ctx: &Ctx, blob: &Blob, created: bool) {
    if created {
        let still_named = sqlx::query("SELECT 1 FROM material_versions WHERE sha256 = $1")
            .bind(&blob.sha256)
            .fetch_optional(&ctx.db.pool)
            .await;
        if matches!(still_named, Ok(None)) {
            let _ = ctx.files.remove(&blob.sha256).await;
        }
    }
}

/// An upload: the file's name as the client sent it and its bytes, staged.
#[derive(Debug)]
pub struct Upload {
    /// The name (only shown and offered back; never a path).
    pub filename: String,
    /// The bytes, streamed to a temporary file.
    pub staged: Staged,
}

/// Saves a new material (API.md `POST /materials`): a file (`upload`) or a link (`form.url`),
/// never both. Every signed-in user may; `school` scope needs a school. 422 for bad fields,
/// 415 for a file type the library does not take, 413 over the size or the school's quota.
pub async fn create(
    ctx: &Ctx,
    actor: &Actor,
    form: &MaterialForm,
    upload: Option<Upload>,
) -> Result<Material, Error> {
    let has_url = !form.url.trim().is_empty();
    if upload.is_some() && has_url {
        return Err(Error::field("url", Msg::new("materials.file_or_link")));
    }
    if upload.is_none() && !has_url {
        return Err(Error::field("file", Msg::new("materials.file_or_link")));
    }
    let input = form.check(upload.is_none())?;
    let school = owner_school(actor, input.scope)?;
    let now = ctx.now();
    let Some(Upload { filename, staged }) = upload else {
        let key = search_key(&input, None);
        let mut tx = ctx.db.pool.begin().await.map_err(internal)?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO materials (owner_id, school_id, title, subject, grade, topic, description, \
             scope, kind, url, search_key, version, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'link', $9, $10, 1, $11, $11) RETURNING id",
        )
        .bind(actor.user_id)
        .bind(school)
        .bind(&input.title)
        .bind(&input.subject)
        .bind(input.grade)
        .bind(&input.topic)
        .bind(&input.description)
        .bind(input.scope.as_str())
        .bind(input.url.clone())
        .bind(key)
        .bind(now)
        .fetch_one(&mut *tx)
        .await
        .map_err(internal)?;
        audit_material(
            &mut tx,
            actor,
            school,
            now,
            Action::MaterialCreate,
            id,
            &input,
            None,
        )
        .await?;
        tx.commit().await.map_err(internal)?;
        return get(ctx, actor, MaterialId(id)).await;
    };
    let (name, content_type) = check_upload(ctx, school, &filename, &staged).await?;
    let (blob, created) = staged.commit().await?;
    metrics::counter!("lophoc_upload_bytes_total").increment(blob.size);
    let key = search_key(&input, Some(&name));
    let written = async {
        let mut tx = begin_storage_write(ctx, school, blob.size as i64).await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO materials (owner_id, school_id, title, subject, grade, topic, description, \
             scope, kind, search_key, version, filename, size, sha256, content_type, \
             created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'file', $9, 1, $10, $11, $12, $13, $14, $14) \
             RETURNING id",
        )
        .bind(actor.user_id)
        .bind(school)
        .bind(&input.title)
        .bind(&input.subject)
        .bind(input.grade)
        .bind(&input.topic)
        .bind(&input.description)
        .bind(input.scope.as_str())
        .bind(key)
        .bind(&name)
        .bind(blob.size as i64)
        .bind(&blob.sha256)
        .bind(content_type)
        .bind(now)
        .fetch_one(&mut *tx)
        .await
        .map_err(internal)?;
        insert_version(&mut tx, id, 1, &name, &blob, content_type, actor, now).await?;
        audit_material(
            &mut tx,
            actor,
            school,
            now,
            Action::MaterialCreate,
            id,
            &input,
            Some(&blob),
        )
        .await?;
        tx.commit().await.map_err(internal)?;
        Ok::<i64, Error>(id)
    }
    .await;
    match written {
        Ok(id) => get(ctx, actor, MaterialId(id)).await,
        Err(e) => {
            forget_new_blob(ctx, &blob, created).await;
            Err(e)
        }
    }
}

#[allow(clippy::too_many_arguments)]
async fn insert_version(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    material: i64,
    version: i64,
    filename: &str,
    blob: &Blob,
    content_type: &str,
    actor: &Actor,
    now: i64,
) -> Result<(), Error> {
    sqlx::query(
        "INSERT INTO material_versions (material_id, version, filename, size, sha256, content_type, \
         created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(material)
    .bind(version)
    .bind(filename)
    .bind(blob.size as i64)
    .bind(&blob.sha256)
    .bind(content_type)
    .bind(actor.user_id)
    .bind(now)
    .execute(&mut **tx)
    .await
    .map_err(|e| {
        if is_unique_violation(&e) {
            Error::conflict(Msg::new("materials.replaced_meanwhile"), "null".into())
        } else {
            internal(e)
        }
    })?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
async fn audit_material(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    actor: &Actor,
    school: Option<SchoolId>,
    now: i64,
    action: Action,
    id: i64,
    input: &MaterialInput,
    blob: Option<&Blob>,
) -> Result<(), Error> {
    audit::write(
        &mut **tx,
        now,
        action,
        Record {
            actor: Some(actor),
            school_id: school,
            object: format!("material:{id}"),
            new: Some(
                serde_json::json!({
                    "title": input.title, "subject": input.subject, "grade": input.grade,
                    "scope": input.scope.as_str(), "url": input.url,
                    "sha256": blob.map(|b| b.sha256.clone()), "size": blob.map(|b| b.size),
                })
                .to_string(),
            ),
            ..Default::default()
        },
    )
    .await
}

/// Changes a material's fields (title, subject, grade, topic, description, scope, and a link's
/// address). Its owner, its school's administrators, sysadmins.
pub async fn update(
    ctx: &Ctx,
    actor: &Actor,
    id: MaterialId,
    form: &MaterialForm,
) -> Result<Material, Error> {
    write_fields(ctx, actor, id, |_| form.clone()).await
}

/// Changes some of a material's fields (API `PATCH`), the others kept as they are when the
/// change is written: the read, the merge and the write are one transaction that holds the
/// material's row, so two concurrent patches of different fields both land.
pub async fn patch(
    ctx: &Ctx,
    actor: &Actor,
    id: MaterialId,
    patch: &MaterialPatch,
) -> Result<Material, Error> {
    write_fields(ctx, actor, id, |m| patch.over(m)).await
}

/// Writes the form `form_of` makes from the material as it is inside the transaction.
async fn write_fields(
    ctx: &Ctx,
    actor: &Actor,
    id: MaterialId,
    form_of: impl FnOnce(&Material) -> MaterialForm,
) -> Result<Material, Error> {
    // Who may change it: answered before any lock is taken.
    get_changeable(ctx, actor, id).await?;
    let mut tx = ctx
        .db
        .begin_locking_row("materials", "id", id.0)
        .await
        .map_err(internal)?;
    let row: Option<MaterialRow> = sqlx::query_as(&format!("{SELECT} WHERE m.id = $1"))
        .bind(id)
        .fetch_optional(&mut *tx)
        .await
        .map_err(internal)?;
    // Deleted meanwhile: gone.
    let m = Material::try_from(row.ok_or_else(Error::not_found)?).map_err(internal)?;
    let input = form_of(&m).check(m.kind == Kind::Link)?;
    if input.scope == Scope::School && m.school_id.is_none() {
        return Err(Error::field(
            "scope",
            Msg::new("materials.scope_needs_school"),
        ));
    }
    let now = ctx.now();
    let key = search_key(&input, m.filename.as_deref());
    sqlx::query(
        "UPDATE materials SET title = $1, subject = $2, grade = $3, topic = $4, description = $5, \
         scope = $6, url = $7, search_key = $8, updated_at = $9 WHERE id = $10",
    )
    .bind(&input.title)
    .bind(&input.subject)
    .bind(input.grade)
    .bind(&input.topic)
    .bind(&input.description)
    .bind(input.scope.as_str())
    .bind(if m.kind == Kind::Link {
        input.url.clone()
    } else {
        None
    })
    .bind(key)
    .bind(now)
    .bind(id)
    .execute(&mut *tx)
    .await
    .map_err(internal)?;
    audit_material(
        &mut tx,
        actor,
        m.school_id,
        now,
        Action::MaterialUpdate,
        id.0,
        &input,
        None,
    )
    .await?;
    tx.commit().await.map_err(internal)?;
    get(ctx, actor, id).await
}

/// Replaces a file material's file: a new version, the earlier ones kept (and downloadable).
pub async fn replace_file(
    ctx: &Ctx,
    actor: &Actor,
    id: MaterialId,
    upload: Upload,
) -> Result<Material, Error> {
    let m = get_changeable(ctx, actor, id).await?;
    if m.kind != Kind::File {
        return Err(Error::field("file", Msg::new("materials.link_has_no_file")));
    }
    let (name, content_type) =
        check_upload(ctx, m.school_id, &upload.filename, &upload.staged).await?;
    let (blob, created) = upload.staged.commit().await?;
    metrics::counter!("lophoc_upload_bytes_total").increment(blob.size);
    let now = ctx.now();
    let written = async {
        let mut tx = begin_storage_write(ctx, m.school_id, blob.size as i64).await?;
        let version = m.version + 1;
        insert_version(
            &mut tx,
            id.0,
            version,
            &name,
            &blob,
            content_type,
            actor,
            now,
        )
        .await?;
        let input = MaterialInput {
            title: m.title.clone(),
            subject: m.subject.clone(),
            grade: m.grade,
            topic: m.topic.clone(),
            description: m.description.clone(),
            scope: m.scope,
            url: None,
        };
        sqlx::query(
            "UPDATE materials SET version = $1, filename = $2, size = $3, sha256 = $4, \
             content_type = $5, search_key = $6, updated_at = $7 WHERE id = $8 AND version = $9",
        )
        .bind(version)
        .bind(&name)
        .bind(blob.size as i64)
        .bind(&blob.sha256)
        .bind(content_type)
        .bind(search_key(&input, Some(&name)))
        .bind(now)
        .bind(id)
        .bind(m.version)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
        audit_material(
            &mut tx,
            actor,
            m.school_id,
            now,
            Action::MaterialReplace,
            id.0,
            &input,
            Some(&blob),
        )
        .await?;
        tx.commit().await.map_err(internal)?;
        Ok::<(), Error>(())
    }
    .await;
    match written {
        Ok(()) => get(ctx, actor, id).await,
        Err(e) => {
            forget_new_blob(ctx, &blob, created).await;
            Err(e)
        }
    }
}

/// Deletes a material, its versions and its lesson attachments (the audit log keeps what it
/// was). Bytes another material still uses stay; the sweep removes the rest later.
pub async fn delete(ctx: &Ctx, actor: &Actor, id: MaterialId) -> Result<(), Error> {
    let m = get_changeable(ctx, actor, id).await?;
    let now = ctx.now();
    let mut tx = ctx.db.pool.begin().await.map_err(internal)?;
    for sql in [
        "DELETE FROM lesson_materials WHERE material_id = $1",
        "DELETE FROM material_opens WHERE material_id = $1",
        "DELETE FROM material_versions WHERE material_id = $1",
        "DELETE FROM materials WHERE id = $1",
    ] {
        sqlx::query(sql)
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(internal)?;
    }
    audit::write(
        &mut *tx,
        now,
        Action::MaterialDelete,
        Record {
            actor: Some(actor),
            school_id: m.school_id,
            object: format!("material:{id}"),
            old: Some(
                serde_json::json!({"title": m.title, "sha256": m.sha256, "url": m.url}).to_string(),
            ),
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await.map_err(internal)?;
    Ok(())
}

/// What a download needs: the open file, its length, and how to label it.
#[derive(Debug)]
pub struct FileOpen {
    /// The bytes, opened (with their length).
    pub file: crate::services::files::Opened,
    /// SHA-256 (the ETag).
    pub sha256: String,
    /// Content type (from the content).
    pub content_type: String,
    /// The name to offer.
    pub filename: String,
}

/// Opens a material's file (the current version, or `version`) for a caller who may see it.
/// `count` records an opening (a download or the start of a preview; a player's later range
/// requests do not count again).
pub async fn open_file(
    ctx: &Ctx,
    actor: &Actor,
    id: MaterialId,
    version: Option<i64>,
    count: bool,
) -> Result<FileOpen, Error> {
    let m = get(ctx, actor, id).await?;
    if m.kind != Kind::File {
        return Err(Error::not_found());
    }
    let (sha, content_type, filename) = match version {
        None => (
            m.sha256.clone().unwrap_or_default(),
            m.content_type.clone().unwrap_or_default(),
            m.filename.clone().unwrap_or_default(),
        ),
        Some(v) => sqlx::query_as::<_, (String, String, String)>(
            "SELECT sha256, content_type, filename FROM material_versions \
                 WHERE material_id = $1 AND version = $2",
        )
        .bind(id)
        .bind(v)
        .fetch_optional(&ctx.db.pool)
        .await
        .map_err(internal)?
        .ok_or_else(Error::not_found)?,
    };
    let file = ctx.files.open(&sha).await?;
    if count {
        count_open(ctx, actor, id).await?;
    }
    Ok(FileOpen {
        file,
        sha256: sha,
        content_type,
        filename,
    })
}

/// Records an opening in the log (see the migration: reading changes no material's row).
async fn count_open(ctx: &Ctx, actor: &Actor, id: MaterialId) -> Result<(), Error> {
    sqlx::query("INSERT INTO material_opens (material_id, user_id, at) VALUES ($1, $2, $3)")
        .bind(id)
        .bind(actor.user_id)
        .bind(ctx.now())
        .execute(&ctx.db.pool)
        .await
        .map_err(internal)?;
    Ok(())
}

/// A link material's address for a caller who may see it, counted as an opening.
pub async fn follow_link(ctx: &Ctx, actor: &Actor, id: MaterialId) -> Result<String, Error> {
    let m = get(ctx, actor, id).await?;
    let url = m
        .url
        .filter(|_| m.kind == Kind::Link)
        .ok_or_else(Error::not_found)?;
    count_open(ctx, actor, id).await?;
    Ok(url)
}

/// A material's page: the material, its earlier versions, the lessons it is attached to (of the
/// caller's school, unless the caller sees every school), what the caller may do, and the
/// caller's lessons of the coming week to attach it to.
pub async fn view(ctx: &Ctx, actor: &Actor, id: MaterialId) -> Result<MaterialView, Error> {
    let material = get(ctx, actor, id).await?;
    let versions = sqlx::query_as::<_, VersionRow>(
        "SELECT version, filename, size, sha256, content_type, created_at FROM material_versions \
         WHERE material_id = $1 AND version < $2 ORDER BY version DESC",
    )
    .bind(id)
    .bind(material.version)
    .fetch_all(&ctx.db.pool)
    .await
    .map_err(internal)?
    .into_iter()
    .map(MaterialVersion::from)
    .collect();
    let use_count: i64 =
        sqlx::query_scalar("SELECT COUNT(*) AS n FROM lesson_materials WHERE material_id = $1")
            .bind(id)
            .fetch_one(&ctx.db.pool)
            .await
            .map_err(internal)?;
    let mut w = Where::new();
    w.and("lm.material_id = {}", id.0);
    if !crate::services::scope::restrict(&mut w, actor, "c.school_id") {
        w.and_sql("1 = 0");
    }
    let sql = format!(
        "SELECT lm.class_id, c.name AS class_name, lm.date, lm.period, u.full_name \
         FROM lesson_materials lm JOIN classes c ON c.id = lm.class_id \
         JOIN users u ON u.id = lm.attached_by{} ORDER BY lm.date DESC, lm.period, c.name LIMIT 50",
        w.sql()
    );
    let uses = w
        .query_as::<UseRow>(&sql)
        .fetch_all(&ctx.db.pool)
        .await
        .map_err(internal)?
        .into_iter()
        .map(Use::try_from)
        .collect::<Result<Vec<_>, sqlx::Error>>()
        .map_err(internal)?;
    let (lessons, lessons_over, suggested) = match actor.school_id {
        Some(school) => attachable_lessons(ctx, actor, school, &material).await?,
        None => (Vec::new(), Vec::new(), None),
    };
    Ok(MaterialView {
        may_change: may_change(actor, material.owner_id, material.school_id),
        material,
        versions,
        uses,
        use_count,
        lessons,
        suggested,
        lessons_over,
    })
}

/// The most lessons a material's page offers to attach it to.
const MAX_ATTACHABLE: usize = 40;

/// The caller's lessons of today and the coming week, for attaching `m`: those still to come
/// (in time order), those of today that are over, and which of the first to offer (see
/// [`MaterialView::suggested`]).
async fn attachable_lessons(
    ctx: &Ctx,
    actor: &Actor,
    school: SchoolId,
    m: &Material,
) -> Result<(Vec<Lesson>, Vec<Lesson>, Option<usize>), Error> {
    let from = today(ctx);
    let to = from + chrono::Duration::days(7);
    let grid = crate::services::periods::load_grid(ctx, school).await?;
    let over = crate::bookings::periods_over(
        &grid.items,
        from,
        from,
        crate::services::bookings::minutes_now(ctx.now()),
    );
    let grades: HashMap<ClassId, i64> = classes::taught_by(ctx, actor)
        .await?
        .into_iter()
        .map(|c| (c.id, c.grade))
        .collect();
    let (mut coming, mut done) = (Vec::new(), Vec::new());
    for s in timetable::timetabled(ctx, school, from, to, Some(actor.user_id)).await? {
        let period = grid.items.iter().find(|p| p.number == s.item.period);
        let lesson = Lesson {
            class_id: s.class_id,
            class_name: s.class_name,
            date: s.date,
            period: s.item.period,
            starts: period.map(|p| p.starts.to_string()),
            ends: period.map(|p| p.ends.to_string()),
            subject: s.item.subject,
            teacher_id: s.item.teacher_id,
            teacher_name: s.item.teacher_name.unwrap_or_default(),
            roll_call: None,
            devices: Vec::new(),
            materials: Vec::new(),
        };
        if s.date == from && over.contains(&lesson.period) {
            done.push(lesson);
        } else if coming.len() < MAX_ATTACHABLE {
            coming.push(lesson);
        }
    }
    let of_subject = |l: &Lesson| l.subject == m.subject.as_str();
    let of_grade = |l: &Lesson| grades.get(&l.class_id) == Some(&m.grade);
    let suggested = coming
        .iter()
        .position(|l| of_subject(l) && of_grade(l))
        .or_else(|| coming.iter().position(of_subject));
    Ok((coming, done, suggested))
}

/// The lesson behind an attachment request: the class readable by the caller's school (404
/// otherwise) and a lesson on that day and period in its timetable (422 otherwise). Future
/// lessons are fine: teachers prepare ahead.
async fn checked_lesson(
    ctx: &Ctx,
    actor: &Actor,
    class: ClassId,
    date: NaiveDate,
    period: i64,
) -> Result<(SchoolId, timetable::Slot), Error> {
    let (c, _) = classes::get(ctx, actor, class).await?;
    if !lesson_access::may_read(actor, c.school_id) {
        return Err(Error::not_found());
    }
    let slot = timetable::lesson(ctx, c.school_id, class, date, period)
        .await?
        .ok_or_else(|| Error::field("period", Msg::new("roll_call.no_lesson")))?;
    Ok((c.school_id, slot))
}

/// Attaches a material the caller may see to a lesson (API.md `POST …/lessons/{date}/{period}/
/// materials`). Attaching the same one again changes nothing. Returns the lesson's materials
/// and whether this call attached it.
pub async fn attach(
    ctx: &Ctx,
    actor: &Actor,
    class: ClassId,
    date: NaiveDate,
    period: i64,
    material: MaterialId,
) -> Result<(Vec<Attachment>, bool), Error> {
    let (school, slot) = checked_lesson(ctx, actor, class, date, period).await?;
    if !lesson_access::may_write(actor, school, &slot) {
        return Err(Error::forbidden());
    }
    let m = get(ctx, actor, material).await.map_err(|e| match e.code {
        ErrorCode::NotFound => Error::field("material_id", Msg::new("materials.not_found")),
        _ => e,
    })?;
    let now = ctx.now();
    let mut tx = ctx.db.pool.begin().await.map_err(internal)?;
    let inserted = sqlx::query(
        "INSERT INTO lesson_materials (class_id, date, period, material_id, attached_by, attached_at) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (class_id, date, period, material_id) DO NOTHING",
    )
    .bind(class)
    .bind(date.to_string())
    .bind(period)
    .bind(material)
    .bind(actor.user_id)
    .bind(now)
    .execute(&mut *tx)
    .await
    .map_err(internal)?
    .rows_affected()
        > 0;
    if inserted {
        audit::write(
            &mut *tx,
            now,
            Action::MaterialAttach,
            Record {
                actor: Some(actor),
                school_id: Some(school),
                object: format!("lesson:{class}:{date}:{period}"),
                new: Some(serde_json::json!({"material_id": m.id, "title": m.title}).to_string()),
                ..Default::default()
            },
        )
        .await?;
    }
    tx.commit().await.map_err(internal)?;
    Ok((attached(ctx, actor, class, date, period).await?, inserted))
}

/// Takes a material off a lesson (the same people who attach). Not attached: nothing changes.
pub async fn detach(
    ctx: &Ctx,
    actor: &Actor,
    class: ClassId,
    date: NaiveDate,
    period: i64,
    material: MaterialId,
) -> Result<Vec<Attachment>, Error> {
    let (school, slot) = checked_lesson(ctx, actor, class, date, period).await?;
    if !lesson_access::may_write(actor, school, &slot) {
        return Err(Error::forbidden());
    }
    let now = ctx.now();
    let mut tx = ctx.db.pool.begin().await.map_err(internal)?;
    let gone = sqlx::query(
        "DELETE FROM lesson_materials WHERE class_id = $1 AND date = $2 AND period = $3 \
         AND material_id = $4",
    )
    .bind(class)
    .bind(date.to_string())
    .bind(period)
    .bind(material)
    .execute(&mut *tx)
    .await
    .map_err(internal)?
    .rows_affected();
    if gone > 0 {
        audit::write(
            &mut *tx,
            now,
            Action::MaterialDetach,
            Record {
                actor: Some(actor),
                school_id: Some(school),
                object: format!("lesson:{class}:{date}:{period}"),
                old: Some(serde_json::json!({"material_id": material}).to_string()),
                ..Default::default()
            },
        )
        .await?;
    }
    tx.commit().await.map_err(internal)?;
    attached(ctx, actor, class, date, period).await
}

/// The materials attached to a lesson that the caller may see (API.md `GET …/materials`): the
/// school's staff and sysadmins.
pub async fn lesson_materials(
    ctx: &Ctx,
    actor: &Actor,
    class: ClassId,
    date: NaiveDate,
    period: i64,
) -> Result<Vec<Attachment>, Error> {
    checked_lesson(ctx, actor, class, date, period).await?;
    attached(ctx, actor, class, date, period).await
}

async fn attached(
    ctx: &Ctx,
    actor: &Actor,
    class: ClassId,
    date: NaiveDate,
    period: i64,
) -> Result<Vec<Attachment>, Error> {
    let rows: Vec<AttachedRow> = sqlx::query_as(&format!(
        "SELECT lm.attached_by, lm.attached_at, {} FROM lesson_materials lm \
         JOIN materials m ON m.id = lm.material_id JOIN users u ON u.id = m.owner_id \
         WHERE lm.class_id = $1 AND lm.date = $2 AND lm.period = $3 ORDER BY lm.attached_at, m.id",
        material_columns!()
    ))
    .bind(class)
    .bind(date.to_string())
    .bind(period)
    .fetch_all(&ctx.db.pool)
    .await
    .map_err(internal)?;
    let mut out = Vec::new();
    for r in rows {
        let m = Material::try_from(r.material).map_err(internal)?;
        if may_see(actor, m.owner_id, m.school_id, m.scope) {
            out.push(Attachment {
                material: m,
                attached_by: r.attached_by,
                attached_at: crate::dates::rfc3339(r.attached_at),
            });
        }
    }
    Ok(out)
}

/// The materials attached to a school's lessons from `from` to `to` that `actor` may see, by
/// lesson (for the teacher's day and a class's week).
pub async fn attached_in(
    ctx: &Ctx,
    actor: &Actor,
    school: SchoolId,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<HashMap<(ClassId, NaiveDate, i64), Vec<MaterialRef>>, Error> {
    let rows: Vec<AttachedRefRow> = sqlx::query_as(
        "SELECT lm.class_id, lm.date, lm.period, m.id, m.title, m.owner_id, m.school_id, m.scope \
         FROM lesson_materials lm JOIN classes c ON c.id = lm.class_id \
         JOIN materials m ON m.id = lm.material_id \
         WHERE c.school_id = $1 AND lm.date >= $2 AND lm.date <= $3 ORDER BY lm.attached_at, m.id",
    )
    .bind(school)
    .bind(from.to_string())
    .bind(to.to_string())
    .fetch_all(&ctx.db.pool)
    .await
    .map_err(internal)?;
    let mut out: HashMap<(ClassId, NaiveDate, i64), Vec<MaterialRef>> = HashMap::new();
    for r in rows {
        let scope = decode("scope", &r.scope, Scope::parse).map_err(internal)?;
        if !may_see(actor, r.owner_id, r.school_id, scope) {
            continue;
        }
        let key = (
            r.class_id,
            decode_date(&r.date).map_err(internal)?,
            r.period,
        );
        out.entry(key).or_default().push(MaterialRef {
            id: r.id,
            title: r.title,
        });
    }
    Ok(out)
}

async fn usage_and_quota(
    conn: &mut sqlx::AnyConnection,
    school: SchoolId,
) -> Result<(i64, Option<i64>), Error> {
    let used: i64 = sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(v.size), 0) AS BIGINT) AS n FROM material_versions v \
         JOIN materials m ON m.id = v.material_id WHERE m.school_id = $1",
    )
    .bind(school)
    .fetch_one(&mut *conn)
    .await
    .map_err(internal)?;
    let quota: Option<i64> =
        sqlx::query_scalar("SELECT quota_bytes FROM storage_quotas WHERE school_id = $1")
            .bind(school)
            .fetch_optional(&mut *conn)
            .await
            .map_err(internal)?;
    Ok((used, quota))
}

/// A school's storage use by teacher (every version of their files counts), against its quota.
/// The school's administrators, the department and sysadmins.
pub async fn storage(ctx: &Ctx, actor: &Actor, school: SchoolId) -> Result<StorageUse, Error> {
    if !actor.can_read_school(school) {
        return Err(Error::not_found());
    }
    if actor.role == Role::Teacher {
        return Err(Error::forbidden());
    }
    let by_teacher: Vec<StorageLine> = sqlx::query_as::<_, (UserId, String, i64, i64)>(
        "SELECT u.id, u.full_name, COUNT(DISTINCT m.id) AS materials, \
         CAST(COALESCE(SUM(v.size), 0) AS BIGINT) AS bytes FROM materials m JOIN users u ON u.id = m.owner_id \
         LEFT JOIN material_versions v ON v.material_id = m.id WHERE m.school_id = $1 \
         GROUP BY u.id, u.full_name ORDER BY bytes DESC, u.full_name",
    )
    .bind(school)
    .fetch_all(&ctx.db.pool)
    .await
    .map_err(internal)?
    .into_iter()
    .map(|(user_id, full_name, materials, bytes)| StorageLine {
        user_id,
        full_name,
        materials,
        bytes,
    })
    .collect();
    let mut conn = ctx.db.pool.acquire().await.map_err(internal)?;
    let (total_bytes, quota_bytes) = usage_and_quota(&mut conn, school).await?;
    drop(conn);
    Ok(StorageUse {
        school_id: school,
        total_bytes,
        quota_bytes,
        by_teacher,
        may_set_quota: actor.can_manage_school(school),
    })
}

/// The largest quota one can set (10 TB): beyond any school, small enough for every engine.
pub const MAX_QUOTA_BYTES: i64 = 10_000_000_000_000;

/// Sets (or with `None` removes) a school's storage quota. Its administrators and sysadmins.
pub async fn set_quota(
    ctx: &Ctx,
    actor: &Actor,
    school: SchoolId,
    quota_bytes: Option<i64>,
) -> Result<StorageUse, Error> {
    actor.must_manage_school(school)?;
    if quota_bytes.is_some_and(|q| q <= 0 || q > MAX_QUOTA_BYTES) {
        return Err(Error::field("quota_mb", Msg::new("materials.bad_quota")));
    }
    let now = ctx.now();
    let mut tx = ctx.db.pool.begin().await.map_err(internal)?;
    sqlx::query("DELETE FROM storage_quotas WHERE school_id = $1")
        .bind(school)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
    if let Some(q) = quota_bytes {
        sqlx::query("INSERT INTO storage_quotas (school_id, quota_bytes) VALUES ($1, $2)")
            .bind(school)
            .bind(q)
            .execute(&mut *tx)
            .await
            .map_err(internal)?;
    }
    audit::write(
        &mut *tx,
        now,
        Action::MaterialQuota,
        Record {
            actor: Some(actor),
            school_id: Some(school),
            object: format!("school:{school}"),
            new: Some(serde_json::json!({"quota_bytes": quota_bytes}).to_string()),
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await.map_err(internal)?;
    storage(ctx, actor, school).await
}

/// Removes stored bytes no material version names any more (after the store's grace period).
pub async fn sweep(ctx: &Ctx) -> Result<u64, Error> {
    let referenced: HashSet<String> =
        sqlx::query_scalar::<_, String>("SELECT DISTINCT sha256 FROM material_versions")
            .fetch_all(&ctx.db.pool)
            .await
            .map_err(internal)?
            .into_iter()
            .collect();
    ctx.files
        .sweep(&referenced, crate::services::files::SWEEP_GRACE)
        .await
}

/// The longest text part of a material's form (a description of 2,000 characters is at most
/// 8 KB in UTF-8): a longer one is a 422 before anything is stored.
pub const MAX_TEXT_PART: usize = 16 * 1024;

/// A material's multipart form, read as it streams: its text parts and, when a `file` part
/// with a name and bytes came, the upload staged in the store (its size cap enforced while
/// streaming). An empty file input (a browser sends one with no name) is no upload.
#[derive(Debug, Default)]
pub struct Parts {
    /// Text parts (name, value), in order.
    pub fields: Vec<(String, String)>,
    /// The file.
    pub upload: Option<Upload>,
}

impl Parts {
    /// A text part's value.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The material's fields.
    pub fn form(&self) -> MaterialForm {
        let f = |n: &str| self.field(n).unwrap_or("").to_owned();
        MaterialForm {
            title: f("title"),
            subject: f("subject"),
            grade: f("grade"),
            topic: f("topic"),
            description: f("description"),
            scope: f("scope"),
            url: f("url"),
        }
    }
}

/// A multipart read failure: a body cut off by the server's size limit is 413, anything else
/// (a malformed body, a dropped connection) 422.
fn multipart_error(e: multer::Error) -> Error {
    // The server's body limit (http_body_util's `LengthLimitError`) arrives wrapped in
    // multer's and axum's errors; it is told by its name.
    let mut text = String::new();
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(&e);
    while let Some(c) = cause {
        text.push_str(&format!("{c} {c:?} ").to_ascii_lowercase());
        cause = c.source();
    }
    if text.contains("length limit")
        || text.contains("lengthlimit")
        || matches!(e, multer::Error::StreamSizeExceeded { .. })
    {
        Error::new(ErrorCode::PayloadTooLarge)
    } else if text.contains(crate::error::BODY_IDLE) {
        Error::new(ErrorCode::RequestTimeout)
    } else {
        tracing::info!(error = %e, "unreadable material upload");
        Error::with_msg(ErrorCode::Validation, Msg::new("materials.unreadable"))
    }
}

/// Reads a material's multipart form (see [`Parts`]). The file part is written to the store
/// chunk by chunk, never held in memory; over the store's cap it stops at once with 413 and the
/// partial file is removed.
pub async fn read_multipart(ctx: &Ctx, mut mp: multer::Multipart<'static>) -> Result<Parts, Error> {
    let mut out = Parts::default();
    while let Some(mut field) = mp.next_field().await.map_err(multipart_error)? {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "file" {
            let filename = field.file_name().unwrap_or_default().to_owned();
            let mut staged = ctx.files.stage().await?;
            while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
                staged.write(&chunk).await?;
            }
            if filename.is_empty() && staged.size() == 0 {
                continue;
            }
            if out.upload.is_some() {
                return Err(Error::field("file", Msg::new("materials.one_file")));
            }
            out.upload = Some(Upload { filename, staged });
            continue;
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
            if bytes.len() + chunk.len() > MAX_TEXT_PART {
                return Err(Error::field(
                    &name.chars().take(40).collect::<String>(),
                    Msg::new("validation.too_long").arg("max", MAX_TEXT_PART),
                ));
            }
            bytes.extend_from_slice(&chunk);
        }
        if out.fields.len() >= 32 {
            return Err(Error::with_msg(
                ErrorCode::Validation,
                Msg::new("materials.unreadable"),
            ));
        }
        out.fields
            .push((name, String::from_utf8_lossy(&bytes).into_owned()));
    }
    Ok(out)
}
