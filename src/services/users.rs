//! Accounts: create, import, list, disable, reset password.
//!
//! Who may manage whom: a school admin manages the teachers of their school; the department
//! manages school admins and department users; a sysadmin manages anyone. Someone you may not
//! see is "not found".

use crate::error::{Error, ErrorCode, FieldErrors, Msg};
use crate::ids::{SchoolId, UserId};
use crate::model::{Actor, ImportOutcome, Page, Role, SchoolAdmins, User, UserAccount};
use crate::services::audit::{self, Action, Record};
use crate::services::auth::{UserRow, end_sessions_of, hash_password};
use crate::services::csv_import::{self, OncePerFile, cell_error};
use crate::services::ctx::Ctx;
use crate::services::db::{Bind, Where, decode_flag, internal, is_unique_violation};
use crate::services::schools;
use crate::text::{fold, query_words};
use crate::validate;
use std::collections::HashMap;

/// The header of a users CSV (API.md).
pub const CSV_HEADER: [&str; 5] = ["username", "full_name", "role", "school_code", "password"];

/// A new account, as a form or the API sends it.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct NewUser {
    /// Login name.
    pub username: String,
    /// Full name.
    pub full_name: String,
    /// Role code (`teacher`, …).
    pub role: String,
    /// School, for teachers and school admins (a school admin's own school when absent).
    pub school_id: Option<SchoolId>,
    /// Initial password.
    pub password: String,
}

/// Whether `actor` may see the account list of `school`: the department and sysadmins for the
/// schools they see (an area officer: their area's), a school administrator their own.
fn may_list(actor: &Actor, school: SchoolId) -> bool {
    (actor.is_above_schools() && actor.can_read_school(school))
        || (actor.role == Role::SchoolAdmin && actor.school_id == Some(school))
}

/// A row of [`SELECT`], as stored.
#[derive(sqlx::FromRow)]
struct AccountRow {
    #[sqlx(flatten)]
    user: UserRow,
    active: i64,
    created_at: i64,
}

impl TryFrom<AccountRow> for UserAccount {
    type Error = sqlx::Error;
    fn try_from(r: AccountRow) -> Result<UserAccount, sqlx::Error> {
        Ok(UserAccount {
            user: User::try_from(r.user)?,
            active: decode_flag("active", r.active)?,
            created_at: crate::dates::rfc3339(r.created_at),
        })
    }
}

/// Decodes account rows strictly.
fn accounts_of(rows: Vec<AccountRow>) -> Result<Vec<UserAccount>, Error> {
    rows.into_iter()
        .map(UserAccount::try_from)
        .collect::<Result<_, _>>()
        .map_err(internal)
}

const SELECT: &str = "SELECT id, username, full_name, role, school_id, active, must_change_password, created_at FROM users";

/// Validates a new account and decides its school; every bad field at once.
async fn check_new(
    ctx: &Ctx,
    actor: &Actor,
    n: &NewUser,
) -> Result<(String, String, Role, Option<SchoolId>, String), Error> {
    if actor.role == Role::Teacher {
        return Err(Error::forbidden());
    }
    let mut errs = FieldErrors::new();
    let username = errs.check("username", validate::username(&n.username));
    let full_name = errs.check("full_name", validate::full_name(&n.full_name));
    let password = errs.check("password", validate::password(&n.password));
    let role = Role::parse(&n.role);
    if role.is_none() {
        errs.add("role", Msg::new("validation.role"));
    }
    let mut school = n.school_id;
    if actor.role == Role::SchoolAdmin && school.is_none() {
        school = actor.school_id;
    }
    if let Some(role) = role {
        if role.is_school_scoped() {
            match school {
                None => errs.add("school_id", Msg::new("validation.school_required")),
                Some(s) => {
                    let exists = sqlx::query("SELECT 1 AS one FROM schools WHERE id = $1")
                        .bind(s.0)
                        .fetch_optional(&ctx.db.pool)
                        .await
                        .map_err(internal)?
                        .is_some();
                    if !exists {
                        errs.add("school_id", Msg::new("validation.school_unknown"));
                    }
                }
            }
        } else if school.is_some() {
            errs.add("school_id", Msg::new("validation.school_not_allowed"));
        }
        if !actor.may_manage_account(role, school) {
            // Refused outright (403, API.md "Roles"), whatever else is wrong: a school admin
            // naming another school, or anyone creating a role they may not manage (the
            // message says so, for the form).
            if actor.role == Role::SchoolAdmin && school != actor.school_id {
                return Err(Error::forbidden());
            }
            return Err(Error::with_msg(
                ErrorCode::Forbidden,
                Msg::new("validation.role_not_allowed"),
            ));
        }
    }
    errs.finish()?;
    Ok((
        username.unwrap_or_default(),
        full_name.unwrap_or_default(),
        role.unwrap_or(Role::Teacher),
        if role.is_some_and(Role::is_school_scoped) {
            school
        } else {
            None
        },
        password.unwrap_or_default(),
    ))
}

/// The teachers of a school administrator's own school, optionally matching `q` (name or
/// username, case and diacritics ignored). Anyone else: 403.
pub async fn list_teachers(
    ctx: &Ctx,
    actor: &Actor,
    q: Option<&str>,
) -> Result<Page<UserAccount>, Error> {
    let school = match (actor.role, actor.school_id) {
        (Role::SchoolAdmin, Some(s)) => s,
        _ => return Err(Error::forbidden()),
    };
    list(ctx, actor, school, Some(Role::Teacher), q).await
}

/// A school, found by its registry code, and its administrators (the department and
/// sysadmins; anyone else 403). An unknown code is a field error on `school_code`.
pub async fn school_admins(ctx: &Ctx, actor: &Actor, code: &str) -> Result<SchoolAdmins, Error> {
    if !actor.is_above_schools() {
        return Err(Error::forbidden());
    }
    let id = schools::id_by_code(ctx, code)
        .await?
        .ok_or_else(|| Error::field("school_code", Msg::new("validation.school_unknown")))?;
    Ok(SchoolAdmins {
        school: schools::get(ctx, actor, id).await?,
        admins: list(ctx, actor, id, Some(Role::SchoolAdmin), None).await?,
    })
}

/// [`create`] with the school named by its registry code, as the department's form asks for
/// it (empty: no school). An unknown code is reported on `school_code` with every other bad
/// field, in one answer.
pub async fn create_in_school_with_code(
    ctx: &Ctx,
    actor: &Actor,
    n: &NewUser,
    code: &str,
    ip: Option<&str>,
) -> Result<User, Error> {
    let code = code.trim();
    let school_id = if code.is_empty() {
        None
    } else {
        // An id no school has, so `create` reports it with the other fields.
        Some(
            schools::id_by_code(ctx, code)
                .await?
                .unwrap_or(SchoolId(-1)),
        )
    };
    let n = NewUser {
        school_id,
        ..n.clone()
    };
    create(ctx, actor, &n, ip).await.map_err(|mut e| {
        // The form's field is the code, not the id.
        if let crate::error::Details::Fields(fields) = &mut e.details {
            for f in fields {
                if f.field == "school_id" {
                    f.field = "school_code".into();
                }
            }
        }
        e
    })
}

/// Creates an account. Its password was chosen by the creator, not the user: it lets the user in
/// once, to choose their own (as after [`reset_password`]).
pub async fn create(
    ctx: &Ctx,
    actor: &Actor,
    n: &NewUser,
    ip: Option<&str>,
) -> Result<User, Error> {
    create_with(ctx, actor, n, ip, true).await
}

/// Creates an account whose password its user chose: the operator's `lophoc user add` on the
/// server (typically their own first administrator account). No change is asked at sign-in.
pub async fn create_by_operator(
    ctx: &Ctx,
    actor: &Actor,
    n: &NewUser,
    ip: Option<&str>,
) -> Result<User, Error> {
    create_with(ctx, actor, n, ip, false).await
}

async fn create_with(
    ctx: &Ctx,
    actor: &Actor,
    n: &NewUser,
    ip: Option<&str>,
    must_change_password: bool,
) -> Result<User, Error> {
    let (username, full_name, role, school, password) = check_new(ctx, actor, n).await?;
    let hash = hash_password(ctx, password).await?;
    let now = ctx.now();
    let mut tx = ctx.db.pool.begin().await.map_err(internal)?;
    let res = sqlx::query_scalar::<_, i64>(
        "INSERT INTO users (username, full_name, role, school_id, password_hash, active, search_key, created_at, updated_at, must_change_password) \
         VALUES ($1, $2, $3, $4, $5, 1, $6, $7, $8, $9) RETURNING id",
    )
    .bind(username.clone())
    .bind(full_name.clone())
    .bind(role.as_str().to_owned())
    .bind(school.map(|s| s.0))
    .bind(hash)
    .bind(fold(&format!("{username} {full_name}")))
    .bind(now)
    .bind(now)
    .bind(i64::from(must_change_password))
    .fetch_one(&mut *tx)
    .await;
    let id: i64 = match res {
        Ok(id) => id,
        Err(e) if is_unique_violation(&e) => {
            return Err(Error::field("username", Msg::new("error.username_taken"))
                .with_code(ErrorCode::Conflict));
        }
        Err(e) => return Err(internal(e)),
    };
    let user = User {
        id: UserId(id),
        username,
        full_name,
        role,
        school_id: school,
        must_change_password,
        area: None,
    };
    audit::write(
        &mut *tx,
        now,
        Action::UserCreate,
        Record {
            actor: Some(actor),
            school_id: school,
            object: format!("user:{id}"),
            new: Some(user_json(&user, true)),
            ip,
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await.map_err(internal)?;
    Ok(user)
}

fn user_json(u: &User, active: bool) -> String {
    serde_json::json!({
        "username": u.username, "full_name": u.full_name, "role": u.role.as_str(),
        "school_id": u.school_id.map(|s| s.0), "active": active,
    })
    .to_string()
}

/// The accounts of a school (school admin: their own; department and sysadmin: any), optionally
/// only one role and matching `q` (name or username, ignoring case and diacritics).
pub async fn list(
    ctx: &Ctx,
    actor: &Actor,
    school: SchoolId,
    role: Option<Role>,
    q: Option<&str>,
) -> Result<Page<UserAccount>, Error> {
    if !may_list(actor, school) {
        return Err(if actor.can_read_school(school) {
            Error::forbidden()
        } else {
            Error::not_found()
        });
    }
    let mut w = Where::new();
    w.and("school_id = {}", school.0);
    if let Some(r) = role {
        w.and("role = {}", r.as_str());
    }
    w.and_words(
        "search_key",
        &q.map(query_words).transpose()?.unwrap_or_default(),
    );
    let sql = format!("{SELECT}{} ORDER BY full_name, username", w.sql());
    let rows: Vec<AccountRow> = w
        .query_as(&sql)
        .fetch_all(&ctx.db.pool)
        .await
        .map_err(internal)?;
    let mut items = accounts_of(rows)?;
    // Vietnamese name order (not paged: a school's staff, the department's accounts).
    crate::names::sort_by_name(&mut items, |a| &a.user.full_name);
    Ok(Page {
        total: items.len() as i64,
        items,
    })
}

/// The department and sysadmin accounts (for sysadmins and the department).
pub async fn list_department(ctx: &Ctx, actor: &Actor) -> Result<Page<UserAccount>, Error> {
    // An area officer reads the list too (colleagues, no school's staff); acting on those
    // accounts is a sysadmin's (see `Actor::may_manage_account`).
    if !actor.is_above_schools() {
        return Err(Error::forbidden());
    }
    let rows: Vec<AccountRow> = sqlx::query_as(&format!(
        "{SELECT} WHERE school_id IS NULL ORDER BY full_name, username"
    ))
    .fetch_all(&ctx.db.pool)
    .await
    .map_err(internal)?;
    let mut items = accounts_of(rows)?;
    // Vietnamese name order (not paged: a school's staff, the department's accounts).
    crate::names::sort_by_name(&mut items, |a| &a.user.full_name);
    Ok(Page {
        total: items.len() as i64,
        items,
    })
}

/// One account the actor may manage, or "not found".
async fn managed(ctx: &Ctx, actor: &Actor, id: UserId) -> Result<UserAccount, Error> {
    let row: AccountRow = sqlx::query_as(&format!("{SELECT} WHERE id = $1"))
        .bind(id)
        .fetch_optional(&ctx.db.pool)
        .await
        .map_err(internal)?
        .ok_or_else(Error::not_found)?;
    let acc = UserAccount::try_from(row).map_err(internal)?;
    if !actor.may_manage_account(acc.user.role, acc.user.school_id) {
        let visible = acc.user.school_id.is_some_and(|s| actor.can_read_school(s))
            || actor.sees_all_schools();
        return Err(if visible {
            Error::forbidden()
        } else {
            Error::not_found()
        });
    }
    Ok(acc)
}

/// Reads one account the actor may manage.
pub async fn get(ctx: &Ctx, actor: &Actor, id: UserId) -> Result<UserAccount, Error> {
    managed(ctx, actor, id).await
}

/// Enables or disables an account (disabling ends its sessions); nobody their own.
pub async fn set_active(
    ctx: &Ctx,
    actor: &Actor,
    id: UserId,
    active: bool,
    ip: Option<&str>,
) -> Result<UserAccount, Error> {
    let change = AccountChange {
        active: Some(active),
        password: None,
    };
    update(ctx, actor, id, &change, ip).await
}

/// Sets a new password for an account and ends its sessions.
pub async fn reset_password(
    ctx: &Ctx,
    actor: &Actor,
    id: UserId,
    password: &str,
    ip: Option<&str>,
) -> Result<(), Error> {
    let change = AccountChange {
        active: None,
        password: Some(password.to_owned()),
    };
    update(ctx, actor, id, &change, ip).await.map(|_| ())
}

/// What an administrator changes of an account at once (API `PATCH /users/{id}`).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct AccountChange {
    /// Enable or disable (disabling ends its sessions).
    pub active: Option<bool>,
    /// A new password the user replaces at the next sign-in (ends its sessions).
    pub password: Option<String>,
}

/// Changes an account's active flag and/or password in one transaction: every check first (who
/// may, a bad password, disabling oneself, nothing to change: every bad field at once), then
/// both changes or neither.
pub async fn update(
    ctx: &Ctx,
    actor: &Actor,
    id: UserId,
    change: &AccountChange,
    ip: Option<&str>,
) -> Result<UserAccount, Error> {
    let acc = managed(ctx, actor, id).await?;
    if change.active.is_none() && change.password.is_none() {
        let mut errs = FieldErrors::new();
        errs.add("active", Msg::new("validation.required"));
        errs.add("password", Msg::new("validation.required"));
        errs.finish()?;
    }
    let password = change
        .password
        .as_deref()
        .map(|p| validate::password(p).map_err(|m| Error::field("password", m)))
        .transpose()?;
    // Nobody changes their own active flag (a sysadmin re-enabling themselves included).
    if change.active.is_some() && id == actor.user_id {
        return Err(Error::with_msg(
            ErrorCode::Validation,
            Msg::new("error.cannot_disable_self"),
        ));
    }
    let active = change.active.unwrap_or(acc.active);
    if password.is_none() && acc.active == active {
        return Ok(acc);
    }
    // Argon2 is slow by design: outside the transaction.
    let hash = match password {
        Some(p) => Some(hash_password(ctx, p).await?),
        None => None,
    };
    let now = ctx.now();
    let mut tx = ctx.db.pool.begin().await.map_err(internal)?;
    if let Some(hash) = hash {
        // Someone else chose this password: it lets the user in once, to choose their own.
        sqlx::query(
            "UPDATE users SET password_hash = $1, must_change_password = 1, updated_at = $2 WHERE id = $3",
        )
        .bind(hash)
        .bind(now)
        .bind(id.0)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
        end_sessions_of(&mut *tx, id).await?;
        // The password itself is never recorded.
        audit::write(
            &mut *tx,
            now,
            Action::UserResetPassword,
            Record {
                actor: Some(actor),
                school_id: acc.user.school_id,
                object: format!("user:{id}"),
                ip,
                ..Default::default()
            },
        )
        .await?;
    }
    if active != acc.active {
        sqlx::query("UPDATE users SET active = $1, updated_at = $2 WHERE id = $3")
            .bind(i64::from(active))
            .bind(now)
            .bind(id.0)
            .execute(&mut *tx)
            .await
            .map_err(internal)?;
        if !active {
            end_sessions_of(&mut *tx, id).await?;
        }
        audit::write(
            &mut *tx,
            now,
            if active {
                Action::UserEnable
            } else {
                Action::UserDisable
            },
            Record {
                actor: Some(actor),
                school_id: acc.user.school_id,
                object: format!("user:{id}"),
                old: Some(user_json(&acc.user, acc.active)),
                new: Some(user_json(&acc.user, active)),
                ip,
                ..Default::default()
            },
        )
        .await?;
    }
    tx.commit().await.map_err(internal)?;
    let must_change_password = acc.user.must_change_password || change.password.is_some();
    Ok(UserAccount {
        active,
        user: User {
            must_change_password,
            ..acc.user
        },
        ..acc
    })
}

/// Imports a users CSV (`username,full_name,role,school_code,password`): all or nothing, every
/// bad line listed. An existing username of a school the actor manages is updated (name,
/// role); its password is left alone so re-importing a file never resets anyone's password.
pub async fn import_csv(
    ctx: &Ctx,
    actor: &Actor,
    bytes: &[u8],
    ip: Option<&str>,
) -> Result<ImportOutcome, Error> {
    if actor.role == Role::Teacher {
        return Err(Error::forbidden());
    }
    let (lines, mut errors) = csv_import::read_lines(bytes, &CSV_HEADER)?;
    let mut seen = OncePerFile::new();
    // Every school the file names, read at once.
    let schools_by_code = school_ids_by_code(
        ctx,
        lines
            .iter()
            .map(|l| l.get(3).trim().to_uppercase())
            .filter(|c| !c.is_empty()),
    )
    .await?;
    let mut valid = Vec::new();
    for l in &lines {
        let before = errors.len();
        let username = validate::username(l.get(0))
            .map_err(|m| errors.push(cell_error(l.line, "username", m)))
            .ok();
        let full_name = validate::full_name(l.get(1))
            .map_err(|m| errors.push(cell_error(l.line, "full_name", m)))
            .ok();
        let role = Role::parse(l.get(2));
        if role.is_none() {
            errors.push(cell_error(l.line, "role", Msg::new("validation.role")));
        }
        let code = l.get(3).trim().to_uppercase();
        let school = if code.is_empty() {
            if actor.role == Role::SchoolAdmin {
                actor.school_id
            } else {
                None
            }
        } else {
            let s = schools_by_code.get(&code).copied();
            if s.is_none() {
                errors.push(cell_error(
                    l.line,
                    "school_code",
                    Msg::new("validation.school_unknown"),
                ));
            }
            s
        };
        let password = validate::password(l.get(4))
            .map_err(|m| errors.push(cell_error(l.line, "password", m)))
            .ok();
        if let Some(role) = role {
            if role.is_school_scoped() && school.is_none() && !code.is_empty() {
                // Already reported as an unknown school.
            } else if role.is_school_scoped() && school.is_none() {
                errors.push(cell_error(
                    l.line,
                    "school_code",
                    Msg::new("validation.school_required"),
                ));
            } else if !role.is_school_scoped() && !code.is_empty() {
                errors.push(cell_error(
                    l.line,
                    "school_code",
                    Msg::new("validation.school_not_allowed"),
                ));
            } else if !actor.may_manage_account(role, school) {
                errors.push(cell_error(
                    l.line,
                    "role",
                    Msg::new("validation.role_not_allowed"),
                ));
            }
        }
        if let Some(u) = &username {
            errors.extend(seen.check(u.clone(), l.line, "username"));
        }
        if errors.len() == before {
            let role = role.unwrap_or(Role::Teacher);
            valid.push((
                l.line,
                username.unwrap_or_default(),
                full_name.unwrap_or_default(),
                role,
                if role.is_school_scoped() {
                    school
                } else {
                    None
                },
                password.unwrap_or_default(),
            ));
        }
    }
    // Existing accounts: one the actor may not manage is a bad line, not a silent takeover.
    let mut existing = accounts_by_username(ctx, valid.iter().map(|(_, u, ..)| u.clone())).await?;
    for (line, username, ..) in &valid {
        if let Some(acc) = existing.get(username) {
            // Nobody changes their own role or school, not even through a file.
            if acc.user.id == actor.user_id
                || !actor.may_manage_account(acc.user.role, acc.user.school_id)
            {
                errors.push(cell_error(
                    *line,
                    "username",
                    Msg::new("import.username_other_school"),
                ));
                existing.remove(username);
            }
        }
    }
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.line);
        return Err(Error::lines(errors));
    }
    // Hash first, outside the transaction: Argon2 is slow by design.
    let to_hash: Vec<(String, String)> = valid
        .iter()
        .filter(|v| !existing.contains_key(&v.1))
        .map(|v| (v.1.clone(), v.5.clone()))
        .collect();
    let mut hashes = hash_all(ctx, to_hash).await?;
    let now = ctx.now();
    let mut out = ImportOutcome::default();
    let mut tx = ctx.db.pool.begin().await.map_err(internal)?;
    for (_, username, full_name, role, school, _) in &valid {
        let user = User {
            id: UserId(0),
            username: username.clone(),
            full_name: full_name.clone(),
            role: *role,
            school_id: *school,
            must_change_password: false,
            area: None,
        };
        match existing.get(username) {
            Some(acc)
                if acc.user.full_name == *full_name
                    && acc.user.role == *role
                    && acc.user.school_id == *school => {}
            Some(acc) => {
                sqlx::query("UPDATE users SET full_name = $1, role = $2, school_id = $3, search_key = $4, updated_at = $5 WHERE id = $6")
                    .bind(full_name.clone())
                    .bind(role.as_str().to_owned())
                    .bind(school.map(|s| s.0))
                    .bind(fold(&format!("{username} {full_name}")))
                    .bind(now)
                    .bind(acc.user.id.0)
                    .execute(&mut *tx)
                    .await
                    .map_err(internal)?;
                out.updated += 1;
                audit::write(
                    &mut *tx,
                    now,
                    Action::UserUpdate,
                    Record {
                        actor: Some(actor),
                        school_id: *school,
                        object: format!("user:{}", acc.user.id),
                        old: Some(user_json(&acc.user, acc.active)),
                        new: Some(user_json(&user, acc.active)),
                        ip,
                        ..Default::default()
                    },
                )
                .await?;
            }
            None => {
                // The importer chose the password: the user replaces it at the first sign-in.
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO users (username, full_name, role, school_id, password_hash, active, search_key, created_at, updated_at, must_change_password) \
                     VALUES ($1, $2, $3, $4, $5, 1, $6, $7, $8, 1) RETURNING id",
                )
                .bind(username.clone())
                .bind(full_name.clone())
                .bind(role.as_str().to_owned())
                .bind(school.map(|s| s.0))
                .bind(hashes.remove(username).ok_or_else(|| {
                    tracing::error!("an imported account's password was not hashed");
                    Error::internal()
                })?)
                .bind(fold(&format!("{username} {full_name}")))
                .bind(now)
                .bind(now)
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| if is_unique_violation(&e) {
                    Error::field("username", Msg::new("error.username_taken")).with_code(ErrorCode::Conflict)
                } else { internal(e) })?;
                out.created += 1;
                audit::write(
                    &mut *tx,
                    now,
                    Action::UserCreate,
                    Record {
                        actor: Some(actor),
                        school_id: *school,
                        object: format!("user:{id}"),
                        new: Some(user_json(&user, true)),
                        ip,
                        ..Default::default()
                    },
                )
                .await?;
            }
        }
    }
    tx.commit().await.map_err(internal)?;
    Ok(out)
}

/// The schools of these registry codes (upper case), read in a few queries whatever the
/// number of lines: code → id; an unknown code is absent.
async fn school_ids_by_code(
    ctx: &Ctx,
    codes: impl Iterator<Item = String>,
) -> Result<HashMap<String, SchoolId>, Error> {
    let codes: std::collections::BTreeSet<String> = codes.collect();
    let codes: Vec<String> = codes.into_iter().collect();
    let mut out = HashMap::new();
    for chunk in codes.chunks(IN_CHUNK) {
        let mut w = Where::new();
        w.and_in("code", chunk.iter().map(|c| Bind::from(c.as_str())));
        let sql = format!("SELECT code, id FROM schools{}", w.sql());
        let rows: Vec<(String, SchoolId)> = w
            .query_as(&sql)
            .fetch_all(&ctx.db.pool)
            .await
            .map_err(internal)?;
        out.extend(rows);
    }
    Ok(out)
}

/// The existing accounts of these usernames, read in a few queries: username → account.
async fn accounts_by_username(
    ctx: &Ctx,
    usernames: impl Iterator<Item = String>,
) -> Result<HashMap<String, UserAccount>, Error> {
    let names: Vec<String> = usernames.collect();
    let mut out = HashMap::new();
    for chunk in names.chunks(IN_CHUNK) {
        let mut w = Where::new();
        w.and_in("username", chunk.iter().map(|u| Bind::from(u.as_str())));
        let sql = format!("{SELECT}{}", w.sql());
        let rows: Vec<AccountRow> = w
            .query_as(&sql)
            .fetch_all(&ctx.db.pool)
            .await
            .map_err(internal)?;
        for acc in accounts_of(rows)? {
            out.insert(acc.user.username.clone(), acc);
        }
    }
    Ok(out)
}

/// Hashes each (username, password) on the hashing threads, as many at once as there are
/// threads, so a large file neither waits one hash at a time nor queues more work than the
/// threads take (a sign-in still finds its turn between them): username → hash.
async fn hash_all(
    ctx: &Ctx,
    pairs: Vec<(String, String)>,
) -> Result<HashMap<String, String>, Error> {
    use futures::{StreamExt, TryStreamExt};
    let jobs = pairs.into_iter().map(|(username, password)| async move {
        hash_password(ctx, password).await.map(|h| (username, h))
    });
    futures::stream::iter(jobs)
        .buffer_unordered(ctx.hashing.threads())
        .try_collect()
        .await
}

/// How many values one `IN (…)` lists (well under both engines' limits on parameters).
const IN_CHUNK: usize = 500;
