//! The class log's hash chain: one per class (a class belongs to one school year). Each
//! signature, closing, correction and approval appends a record whose hash covers its number,
//! kind, content and the previous record's hash; [`verify`] recomputes every hash and compares
//! each record's content with the rows it stands for, so a row changed behind the service's back
//! (plain SQL) is found, with the first record that no longer matches.

use super::{CorrectionRow, EntryRow, WeekRow};
use crate::class_log::{BreakReason, BrokenChain, ChainReport, RecordKind};
use crate::error::Error;
use crate::ids::{ClassId, SchoolId, StudentId, UserId};
use crate::model::Actor;
use crate::services::ctx::Ctx;
use crate::services::db::{decode, internal};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::HashMap;

/// The previous hash of a chain's first record.
pub(super) const GENESIS: &str = "0";

/// What a signature record covers: the entry as signed.
#[derive(Serialize)]
pub(super) struct SignContent<'a> {
    pub date: &'a str,
    pub period: i64,
    pub teacher_id: UserId,
    pub title: &'a str,
    pub ppct: Option<i64>,
    pub remarks: Option<&'a str>,
    pub grade: Option<&'a str>,
    pub absentees: Vec<(StudentId, &'static str)>,
    pub signed_by: UserId,
    pub signed_at: i64,
    pub late_minutes: i64,
}

/// What a closing record covers.
#[derive(Serialize)]
pub(super) struct CloseContent<'a> {
    pub monday: &'a str,
    pub by: UserId,
    pub at: i64,
}

/// What a correction record covers.
#[derive(Serialize)]
pub(super) struct CorrectionContent<'a> {
    pub id: i64,
    pub date: &'a str,
    pub period: i64,
    pub reason: &'a str,
    pub title: &'a str,
    pub ppct: Option<i64>,
    pub remarks: Option<&'a str>,
    pub grade: Option<&'a str>,
    pub requested_by: UserId,
    pub requested_at: i64,
}

/// What an approval record covers.
#[derive(Serialize)]
pub(super) struct ApproveContent {
    pub id: i64,
    pub approved_by: UserId,
    pub approved_at: i64,
}

/// Canonical JSON of a record's content (field order fixed by the struct).
pub(super) fn content<T: Serialize>(c: &T) -> String {
    serde_json::to_string(c).unwrap_or_default()
}

/// The record's hash: SHA-256 of the previous hash, number, kind and content, hex.
pub(super) fn hash(prev: &str, seq: i64, kind: RecordKind, content: &str) -> String {
    let mut h = Sha256::new();
    h.update(prev.as_bytes());
    h.update(b"|");
    h.update(seq.to_string().as_bytes());
    h.update(b"|");
    h.update(kind.as_str().as_bytes());
    h.update(b"|");
    h.update(content.as_bytes());
    hex::encode(h.finalize())
}

/// The reference of a lesson (`YYYY-MM-DD/period`).
pub(super) fn lesson_ref(date: &str, period: i64) -> String {
    format!("{date}/{period}")
}

/// The reference of a correction (`YYYY-MM-DD/period#id`).
pub(super) fn correction_ref(date: &str, period: i64, id: i64) -> String {
    format!("{date}/{period}#{id}")
}

/// Appends a record to a class's chain inside the caller's transaction (which holds the class's
/// lock: `begin_locking_row("classes", …)`). Returns its hash.
#[allow(clippy::too_many_arguments)]
pub(super) async fn append(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    school: SchoolId,
    class: ClassId,
    kind: RecordKind,
    reference: &str,
    content: &str,
    actor: UserId,
    at: i64,
) -> Result<String, Error> {
    let last: Option<(i64, String)> = sqlx::query_as(
        "SELECT seq, hash FROM class_log_records WHERE class_id = $1 ORDER BY seq DESC LIMIT 1",
    )
    .bind(class)
    .fetch_optional(&mut **tx)
    .await
    .map_err(internal)?;
    let (seq, prev) = match last {
        Some((s, h)) => (s + 1, h),
        None => (1, GENESIS.to_owned()),
    };
    let h = hash(&prev, seq, kind, content);
    sqlx::query(
        "INSERT INTO class_log_records (school_id, class_id, seq, kind, reference, content, \
         actor_id, at, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(school)
    .bind(class)
    .bind(seq)
    .bind(kind.as_str())
    .bind(reference)
    .bind(content)
    .bind(actor)
    .bind(at)
    .bind(&prev)
    .bind(&h)
    .execute(&mut **tx)
    .await
    .map_err(internal)?;
    Ok(h)
}

/// The hash of a class's last record.
pub(super) async fn head(ctx: &Ctx, class: ClassId) -> Result<Option<String>, Error> {
    sqlx::query_scalar(
        "SELECT hash FROM class_log_records WHERE class_id = $1 ORDER BY seq DESC LIMIT 1",
    )
    .bind(class)
    .fetch_optional(&ctx.db.pool)
    .await
    .map_err(internal)
}

#[derive(sqlx::FromRow)]
struct RecordRow {
    class_id: ClassId,
    seq: i64,
    kind: String,
    reference: String,
    content: String,
    prev_hash: String,
    hash: String,
}

/// The content a signed entry's record must hold, from the row as it is now.
pub(super) fn sign_content_of(e: &EntryRow) -> Result<Option<String>, sqlx::Error> {
    let (Some(by), Some(at)) = (e.signed_by, e.signed_at) else {
        return Ok(None);
    };
    let absentees = super::decode_absentees(e.absentees.as_deref())?;
    Ok(Some(content(&SignContent {
        date: &e.date,
        period: e.period,
        teacher_id: e.teacher_id,
        title: &e.title,
        ppct: e.ppct,
        remarks: e.remarks.as_deref(),
        grade: e.grade.as_deref(),
        absentees: absentees
            .iter()
            .map(|a| (a.student_id, a.status.as_str()))
            .collect(),
        signed_by: by,
        signed_at: at,
        late_minutes: e.late_minutes.unwrap_or(0),
    })))
}

/// Verifies every class chain of a school (API `GET /api/v1/schools/{id}/log/verify`): the
/// school's administrators, the department that sees the school, sysadmins.
pub async fn verify(ctx: &Ctx, actor: &Actor, school: SchoolId) -> Result<ChainReport, Error> {
    if !(actor.can_manage_school(school)
        || (actor.is_above_schools() && actor.can_read_school(school)))
    {
        return if actor.can_read_school(school) {
            Err(Error::forbidden())
        } else {
            Err(Error::not_found())
        };
    }
    let Some(school_name) = school_name(ctx, school).await? else {
        return Err(Error::not_found());
    };
    verify_school(ctx, school, school_name).await
}

/// A school's name (the command line).
pub async fn school_name(ctx: &Ctx, school: SchoolId) -> Result<Option<String>, Error> {
    sqlx::query_scalar("SELECT name FROM schools WHERE id = $1")
        .bind(school)
        .fetch_optional(&ctx.db.pool)
        .await
        .map_err(internal)
}

/// The schools with at least one chain record, by id (the command line).
pub async fn schools_with_log(ctx: &Ctx) -> Result<Vec<(SchoolId, String)>, Error> {
    sqlx::query_as(
        "SELECT s.id, s.name FROM schools s WHERE EXISTS \
         (SELECT 1 FROM class_log_records r WHERE r.school_id = s.id) ORDER BY s.id",
    )
    .fetch_all(&ctx.db.pool)
    .await
    .map_err(internal)
}

/// [`verify`] without the caller's check (the command line).
pub async fn verify_school(
    ctx: &Ctx,
    school: SchoolId,
    school_name: String,
) -> Result<ChainReport, Error> {
    let pool = &ctx.db.pool;
    let records: Vec<RecordRow> = sqlx::query_as(
        "SELECT class_id, seq, kind, reference, content, prev_hash, hash FROM class_log_records \
         WHERE school_id = $1 ORDER BY class_id, seq",
    )
    .bind(school)
    .fetch_all(pool)
    .await
    .map_err(internal)?;
    let entries: Vec<EntryRow> = sqlx::query_as(&format!(
        "{} WHERE e.school_id = $1 AND e.signed_by IS NOT NULL",
        super::ENTRY_SELECT
    ))
    .bind(school)
    .fetch_all(pool)
    .await
    .map_err(internal)?;
    let weeks: Vec<WeekRow> =
        sqlx::query_as(&format!("{} WHERE w.school_id = $1", super::WEEK_SELECT))
            .bind(school)
            .fetch_all(pool)
            .await
            .map_err(internal)?;
    let corrections: Vec<CorrectionRow> = sqlx::query_as(&format!(
        "{} WHERE c.school_id = $1",
        super::CORRECTION_SELECT
    ))
    .bind(school)
    .fetch_all(pool)
    .await
    .map_err(internal)?;
    let names: HashMap<ClassId, String> =
        sqlx::query_as::<_, (ClassId, String)>("SELECT id, name FROM classes WHERE school_id = $1")
            .bind(school)
            .fetch_all(pool)
            .await
            .map_err(internal)?
            .into_iter()
            .collect();

    // What each record must hold now, by (class, kind, reference), from the rows.
    let mut expected: HashMap<(ClassId, RecordKind, String), String> = HashMap::new();
    for e in &entries {
        if let Some(c) = sign_content_of(e).map_err(internal)? {
            expected.insert(
                (e.class_id, RecordKind::Sign, lesson_ref(&e.date, e.period)),
                c,
            );
        }
    }
    for w in &weeks {
        expected.insert(
            (w.class_id, RecordKind::CloseHomeroom, w.monday.clone()),
            content(&CloseContent {
                monday: &w.monday,
                by: w.homeroom_by,
                at: w.homeroom_at,
            }),
        );
        if let (Some(by), Some(at)) = (w.principal_by, w.principal_at) {
            expected.insert(
                (w.class_id, RecordKind::ClosePrincipal, w.monday.clone()),
                content(&CloseContent {
                    monday: &w.monday,
                    by,
                    at,
                }),
            );
        }
    }
    for c in &corrections {
        let reference = correction_ref(&c.date, c.period, c.id);
        expected.insert(
            (c.class_id, RecordKind::Correction, reference.clone()),
            content(&CorrectionContent {
                id: c.id,
                date: &c.date,
                period: c.period,
                reason: &c.reason,
                title: &c.title,
                ppct: c.ppct,
                remarks: c.remarks.as_deref(),
                grade: c.grade.as_deref(),
                requested_by: c.requested_by,
                requested_at: c.requested_at,
            }),
        );
        if let (Some(by), Some(at)) = (c.approved_by, c.approved_at) {
            expected.insert(
                (c.class_id, RecordKind::Approve, reference),
                content(&ApproveContent {
                    id: c.id,
                    approved_by: by,
                    approved_at: at,
                }),
            );
        }
    }

    let mut broken: Vec<BrokenChain> = Vec::new();
    let mut chains = 0i64;
    let mut bad_class: Option<ClassId> = None;
    let mut prev: (Option<ClassId>, String, i64) = (None, GENESIS.to_owned(), 0);
    let class_name = |c: ClassId| names.get(&c).cloned().unwrap_or_default();
    for r in &records {
        if prev.0 != Some(r.class_id) {
            chains += 1;
            prev = (Some(r.class_id), GENESIS.to_owned(), 0);
        }
        let kind = decode("kind", &r.kind, RecordKind::parse).map_err(internal)?;
        let key = (r.class_id, kind, r.reference.clone());
        let stands_for = expected.remove(&key);
        if bad_class == Some(r.class_id) {
            continue;
        }
        let reason = if r.prev_hash != prev.1 || r.seq != prev.2 + 1 {
            Some(BreakReason::LinkMismatch)
        } else if hash(&r.prev_hash, r.seq, kind, &r.content) != r.hash {
            Some(BreakReason::HashMismatch)
        } else if stands_for.as_deref() != Some(r.content.as_str()) {
            Some(BreakReason::DataChanged)
        } else {
            None
        };
        if let Some(reason) = reason {
            bad_class = Some(r.class_id);
            broken.push(BrokenChain {
                class_id: r.class_id,
                class_name: class_name(r.class_id),
                seq: r.seq,
                kind: Some(kind),
                reference: r.reference.clone(),
                reason,
            });
        }
        prev = (Some(r.class_id), r.hash.clone(), r.seq);
    }
    // Signed data no record stands for: written behind the service's back.
    let mut unrecorded: Vec<_> = expected
        .into_iter()
        .filter(|((class, _, _), _)| !broken.iter().any(|b| b.class_id == *class))
        .collect();
    unrecorded.sort_by(|a, b| (a.0.0, &a.0.2).cmp(&(b.0.0, &b.0.2)));
    for ((class, kind, reference), _) in unrecorded {
        if broken.iter().any(|b| b.class_id == class) {
            continue;
        }
        broken.push(BrokenChain {
            class_id: class,
            class_name: class_name(class),
            seq: 0,
            kind: Some(kind),
            reference,
            reason: BreakReason::Unrecorded,
        });
    }
    broken.sort_by(|a, b| {
        crate::names::cmp_names(&a.class_name, &b.class_name).then(a.class_id.cmp(&b.class_id))
    });
    Ok(ChainReport {
        school_id: school,
        school_name,
        chains,
        records: records.len() as i64,
        intact: broken.is_empty(),
        broken,
        checked_at: crate::dates::rfc3339(ctx.now()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_covers_everything_it_names() {
        let h = hash(GENESIS, 1, RecordKind::Sign, "{}");
        assert_eq!(h.len(), 64);
        assert_ne!(h, hash(GENESIS, 2, RecordKind::Sign, "{}"));
        assert_ne!(h, hash(GENESIS, 1, RecordKind::Approve, "{}"));
        assert_ne!(h, hash(GENESIS, 1, RecordKind::Sign, "{ }"));
        assert_ne!(h, hash("1", 1, RecordKind::Sign, "{}"));
        assert_eq!(h, hash(GENESIS, 1, RecordKind::Sign, "{}"));
    }
}
