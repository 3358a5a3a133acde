//! The audit log: who, when, which school, what, old → new.

use crate::model::{Actor, AuditEntry};
use crate::services::db::internal;
use crate::{Error, ids::SchoolId};
use sqlx::{Any, Executor};

/// A record of the log, as stored.
#[derive(sqlx::FromRow)]
struct EntryRow {
    id: crate::ids::AuditId,
    at: i64,
    actor_name: Option<String>,
    school_id: Option<SchoolId>,
    action: String,
    object: String,
    old_value: Option<String>,
    new_value: Option<String>,
}

impl From<EntryRow> for AuditEntry {
    fn from(r: EntryRow) -> AuditEntry {
        AuditEntry {
            id: r.id,
            at: crate::dates::rfc3339(r.at),
            actor: r.actor_name,
            school_id: r.school_id,
            action: r.action,
            object: r.object,
            old_value: r.old_value,
            new_value: r.new_value,
        }
    }
}

/// Defines [`Action`]: each variant with its stored name.
macro_rules! actions {
    ($($variant:ident = $name:literal,)*) => {
        /// What an audit record says happened. The string forms are stored in
        /// `audit_log.action` and read back by the admin's view and the tests: never change one,
        /// add a variant instead.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Action {
            $(
                #[doc = concat!("`", $name, "`.")]
                $variant,
            )*
        }

        impl Action {
            /// Every action.
            pub const ALL: &[Action] = &[$(Action::$variant),*];

            /// The stored name.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Action::$variant => $name,)*
                }
            }
        }
    };
}

actions! {
    AccessDenied = "access_denied",
    BookingCancel = "booking.cancel",
    BookingCheckIn = "booking.check_in",
    BookingCheckOut = "booking.check_out",
    BookingCreate = "booking.create",
    BookingRelease = "booking.release",
    ClassCreate = "class.create",
    ClassImport = "class.import",
    ClassLogApprove = "class_log.approve",
    ClassLogClose = "class_log.close",
    ClassLogCorrect = "class_log.correct",
    ClassLogSign = "class_log.sign",
    ClassLogWrite = "class_log.write",
    DeviceCreate = "device.create",
    DeviceUpdate = "device.update",
    HolidayCreate = "holiday.create",
    HolidayDelete = "holiday.delete",
    Login = "login",
    LoginFailed = "login_failed",
    LoginThrottled = "login_throttled",
    Logout = "logout",
    MaterialAttach = "material.attach",
    MaterialCreate = "material.create",
    MaterialDelete = "material.delete",
    MaterialDetach = "material.detach",
    MaterialQuota = "material.quota",
    MaterialReplace = "material.replace",
    MaterialUpdate = "material.update",
    PasswordChangeFailed = "password_change_failed",
    PeriodsUpdate = "periods.update",
    PilotCriteria = "pilot.criteria",
    PilotEnrol = "pilot.enrol",
    PilotOfficerArea = "pilot.officer_area",
    PilotTargets = "pilot.targets",
    PilotUnenrol = "pilot.unenrol",
    RollCallCreate = "roll_call.create",
    RollCallUpdate = "roll_call.update",
    SchoolCreate = "school.create",
    SchoolUpdate = "school.update",
    StudentImport = "student.import",
    StudentMove = "student.move",
    SubstituteAssign = "substitute.assign",
    SubstituteRemove = "substitute.remove",
    TimetableSet = "timetable.set",
    UserChangePassword = "user.change_password",
    UserCreate = "user.create",
    UserDisable = "user.disable",
    UserEnable = "user.enable",
    UserResetPassword = "user.reset_password",
    UserUpdate = "user.update",
    YearUpdate = "year.update",
}

impl std::fmt::Display for Action {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One audit record to write (what happened is the [`Action`] given to [`write`]).
#[derive(Debug, Clone, Default)]
pub struct Record<'a> {
    /// Who acted (none for a failed login).
    pub actor: Option<&'a Actor>,
    /// A name when there is no actor (the username tried at a failed login).
    pub actor_name: Option<&'a str>,
    /// The school concerned.
    pub school_id: Option<SchoolId>,
    /// The object (`user:12`, `school:TH001`).
    pub object: String,
    /// The value before (JSON text).
    pub old: Option<String>,
    /// The value after (JSON text).
    pub new: Option<String>,
    /// The client's address.
    pub ip: Option<&'a str>,
}

/// Writes a record, inside the caller's transaction when given one, so the change and its
/// record commit together.
pub async fn write<'e, E>(exec: E, now: i64, action: Action, r: Record<'_>) -> Result<(), Error>
where
    E: Executor<'e, Database = Any>,
{
    let actor_name = r.actor.map(|a| a.username.as_str()).or(r.actor_name);
    sqlx::query(
        "INSERT INTO audit_log (at, actor_id, actor_name, school_id, action, object, old_value, new_value, ip) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(now)
    .bind(r.actor.map(|a| a.user_id.0))
    .bind(actor_name.map(str::to_owned))
    .bind(r.school_id.map(|s| s.0))
    .bind(action.as_str().to_owned())
    .bind(r.object)
    .bind(r.old)
    .bind(r.new)
    .bind(r.ip.map(str::to_owned))
    .execute(exec)
    .await
    .map_err(internal)?;
    Ok(())
}

/// The newest records, for tests and the admin's view: at most `limit`, optionally for one
/// action.
pub async fn recent(
    ctx: &crate::services::Ctx,
    action: Option<&str>,
    limit: i64,
) -> Result<Vec<AuditEntry>, Error> {
    let rows: Vec<EntryRow> = match action {
        Some(a) => {
            sqlx::query_as(
                "SELECT id, at, actor_name, school_id, action, object, old_value, new_value \
             FROM audit_log WHERE action = $1 ORDER BY id DESC LIMIT $2",
            )
            .bind(a.to_owned())
            .bind(limit)
            .fetch_all(&ctx.db.pool)
            .await
        }
        None => {
            sqlx::query_as(
                "SELECT id, at, actor_name, school_id, action, object, old_value, new_value \
             FROM audit_log ORDER BY id DESC LIMIT $1",
            )
            .bind(limit)
            .fetch_all(&ctx.db.pool)
            .await
        }
    }
    .map_err(internal)?;
    Ok(rows.into_iter().map(AuditEntry::from).collect())
}

#[cfg(test)]
mod tests {
    use super::Action;

    #[test]
    fn action_names_are_the_stored_ones() {
        let names: Vec<&str> = Action::ALL.iter().map(|a| a.as_str()).collect();
        let unique: std::collections::HashSet<&&str> = names.iter().collect();
        assert_eq!(unique.len(), names.len(), "one name per action");
        assert_eq!(Action::RollCallUpdate.as_str(), "roll_call.update");
        assert_eq!(Action::AccessDenied.as_str(), "access_denied");
        assert_eq!(
            Action::UserChangePassword.to_string(),
            "user.change_password"
        );
    }
}
