//! Accounts: a school's teachers (school admins), school administrators and department
//! accounts (department, sysadmin); enable and disable, password resets, the CSV import.
//!
//! Each function is also the target of a plain HTML form (no JavaScript yet, or none at all on
//! a weak connection). It then answers with a redirect back to the page the form was on,
//! carrying the outcome in the query string (the keys in [`back`]): a short success note, or
//! the error (`__err`, which `ServerAction` reads) plus what the user typed, so nothing is lost.
//! Passwords are never put in a URL, returned, or logged.

use crate::error::UiError;
use leptos::prelude::*;
use lophoc::ids::UserId;
pub use lophoc::model::SchoolAdmins;
use lophoc::model::{ImportOutcome, Page, User, UserAccount};
use server_fn::codec::{MultipartData, MultipartFormData};

/// The largest CSV file the import accepts (the router's own limit is far higher, for lesson
/// materials; a province-wide users file is well under 1 MiB).
pub const MAX_IMPORT_BYTES: usize = 10 * 1024 * 1024;

/// Query-string keys of a form's answer without JavaScript.
pub mod back {
    crate::serverfns::echo::answer_keys! {
        notes {
            /// An account was created: its full name.
            ADDED = "added";
            /// An account was disabled: its full name.
            DISABLED = "disabled";
            /// An account was enabled: its full name.
            ENABLED = "enabled";
            /// A password was reset: the account's full name.
            RESET = "reset";
            /// An import created this many accounts.
            CREATED = "created";
            /// An import updated this many accounts.
            UPDATED = "updated";
        }
        echoes {
            /// What the user typed into the teacher form that failed (never the password).
            NEW_TEACHER: super::CreateTeacher = "";
            /// What the user typed into the account form that failed (never the password).
            NEW_ACCOUNT: super::CreateAccount = "";
        }
    }
}

/// The teachers of the school admin's own school, optionally matching `q` (name or username,
/// case and diacritics ignored).
#[server(prefix = "/fn", endpoint = "list_teachers")]
pub async fn list_teachers(
    /// Words to find in the name or username (empty: every teacher).
    q: Option<String>,
) -> Result<Page<UserAccount>, UiError> {
    let (c, actor) = crate::ssr::actor()?;
    let ctx = crate::ssr::ctx()?;
    lophoc::services::users::list_teachers(&ctx, &actor, q.as_deref())
        .await
        .map_err(|e| crate::ssr::fail(&c, e))
}

/// Adds a teacher to the school admin's own school.
#[server(prefix = "/fn", endpoint = "create_teacher")]
pub async fn create_teacher(
    /// The teacher's full name.
    full_name: String,
    /// The teacher's username.
    username: String,
    /// The teacher's first password.
    password: String,
) -> Result<User, UiError> {
    use lophoc::services::users::NewUser;
    use server_fn::ServerFn;
    let typed = back::NEW_TEACHER.pairs(&CreateTeacher {
        full_name: full_name.clone(),
        username: username.clone(),
        password: String::new(),
    });
    let r = async {
        let (c, actor) = crate::ssr::actor()?;
        let ctx = crate::ssr::ctx()?;
        let n = NewUser {
            username,
            full_name,
            role: "teacher".into(),
            school_id: None,
            password,
        };
        lophoc::services::users::create(&ctx, &actor, &n, Some(&c.ip))
            .await
            .map_err(|e| crate::ssr::fail(&c, e))
    }
    .await;
    form::answer(
        r,
        CreateTeacher::PATH,
        |u| vec![(back::ADDED, u.full_name.clone())],
        typed,
    )
}

/// Enables or disables an account; disabling ends its sessions at once.
#[server(prefix = "/fn", endpoint = "set_user_active")]
pub async fn set_user_active(
    /// The account enabled or disabled.
    user_id: UserId,
    /// Whether the account is enabled.
    active: bool,
) -> Result<UserAccount, UiError> {
    use server_fn::ServerFn;
    let r = async {
        let (c, actor) = crate::ssr::actor()?;
        let ctx = crate::ssr::ctx()?;
        lophoc::services::users::set_active(&ctx, &actor, user_id, active, Some(&c.ip))
            .await
            .map_err(|e| crate::ssr::fail(&c, e))
    }
    .await;
    form::answer(
        r,
        SetUserActive::PATH,
        |a| {
            vec![(
                if a.active {
                    back::ENABLED
                } else {
                    back::DISABLED
                },
                a.user.full_name.clone(),
            )]
        },
        vec![],
    )
}

/// Sets a new password for an account and ends its sessions. Returns the account (for the
/// confirmation), never the password.
#[server(prefix = "/fn", endpoint = "reset_user_password")]
pub async fn reset_user_password(
    /// The account whose password is reset.
    user_id: UserId,
    /// The new password.
    password: String,
) -> Result<UserAccount, UiError> {
    use server_fn::ServerFn;
    let r = async {
        let (c, actor) = crate::ssr::actor()?;
        let ctx = crate::ssr::ctx()?;
        // Read first: it is also the permission check, and it names the account.
        let account = lophoc::services::users::get(&ctx, &actor, user_id)
            .await
            .map_err(|e| crate::ssr::fail(&c, e))?;
        lophoc::services::users::reset_password(&ctx, &actor, user_id, &password, Some(&c.ip))
            .await
            .map_err(|e| crate::ssr::fail(&c, e))?;
        Ok(account)
    }
    .await;
    form::answer(
        r,
        ResetUserPassword::PATH,
        |a| vec![(back::RESET, a.user.full_name.clone())],
        vec![],
    )
}

/// Imports a users CSV (`username,full_name,role,school_code,password`) sent as the `file` part
/// of a multipart form: all or nothing, every bad line listed. At most [`MAX_IMPORT_BYTES`],
/// counted while the upload streams in.
#[server(input = MultipartFormData, prefix = "/fn", endpoint = "import_users")]
pub async fn import_users(
    /// The import form, as posted, with the CSV `file`.
    data: MultipartData,
) -> Result<ImportOutcome, UiError> {
    use server_fn::ServerFn;
    let r = async {
        let (c, actor) = crate::ssr::actor()?;
        let ctx = crate::ssr::ctx()?;
        let bytes = form::file_part(data, "file", MAX_IMPORT_BYTES)
            .await
            .map_err(|e| crate::ssr::fail(&c, e))?;
        lophoc::services::users::import_csv(&ctx, &actor, &bytes, Some(&c.ip))
            .await
            .map_err(|e| crate::ssr::fail(&c, e))
    }
    .await;
    form::answer(
        r,
        ImportUsers::PATH,
        |o| {
            vec![
                (back::CREATED, o.created.to_string()),
                (back::UPDATED, o.updated.to_string()),
            ]
        },
        vec![],
    )
}

/// The department and sysadmin accounts.
#[server(prefix = "/fn", endpoint = "list_department_accounts")]
pub async fn list_department_accounts() -> Result<Page<UserAccount>, UiError> {
    let (c, actor) = crate::ssr::actor()?;
    let ctx = crate::ssr::ctx()?;
    lophoc::services::users::list_department(&ctx, &actor)
        .await
        .map_err(|e| crate::ssr::fail(&c, e))
}

/// A school, found by its code, and its administrators (department and sysadmin).
#[server(prefix = "/fn", endpoint = "list_school_admins")]
pub async fn list_school_admins(
    /// The school's code.
    school_code: String,
) -> Result<SchoolAdmins, UiError> {
    let (c, actor) = crate::ssr::actor()?;
    let ctx = crate::ssr::ctx()?;
    lophoc::services::users::school_admins(&ctx, &actor, &school_code)
        .await
        .map_err(|e| crate::ssr::fail(&c, e))
}

/// Creates an account of any role the actor may manage (department: school administrators and
/// department users; sysadmin: anyone). `school_code` names the school of a school role.
#[server(prefix = "/fn", endpoint = "create_account")]
pub async fn create_account(
    /// The account's full name.
    full_name: String,
    /// The account's username.
    username: String,
    /// The account's role (a role code).
    role: String,
    /// The code of the account's school (for a school role).
    school_code: Option<String>,
    /// The account's first password.
    password: String,
) -> Result<User, UiError> {
    use lophoc::services::users;
    use server_fn::ServerFn;
    let code = school_code.unwrap_or_default().trim().to_owned();
    let typed = back::NEW_ACCOUNT.pairs(&CreateAccount {
        full_name: full_name.clone(),
        username: username.clone(),
        role: role.clone(),
        school_code: Some(code.clone()),
        password: String::new(),
    });
    let r = async {
        let (c, actor) = crate::ssr::actor()?;
        let ctx = crate::ssr::ctx()?;
        let n = users::NewUser {
            username,
            full_name,
            role,
            school_id: None,
            password,
        };
        users::create_in_school_with_code(&ctx, &actor, &n, &code, Some(&c.ip))
            .await
            .map_err(|e| crate::ssr::fail(&c, e))
    }
    .await;
    form::answer(
        r,
        CreateAccount::PATH,
        |u| vec![(back::ADDED, u.full_name.clone())],
        typed,
    )
}

/// Plain-form answers and multipart reading (server only): the shared helpers, with this
/// module's answer keys.
#[cfg(feature = "ssr")]
mod form {
    use crate::error::UiError;
    pub use crate::serverfns::form::file_part;

    /// [`crate::serverfns::form::answer`], replacing any earlier answer of these forms.
    pub fn answer<T>(
        r: Result<T, UiError>,
        fn_path: &str,
        ok: impl FnOnce(&T) -> Vec<(&'static str, String)>,
        typed: Vec<(String, String)>,
    ) -> Result<T, UiError> {
        crate::serverfns::form::answer(r, fn_path, super::back::is_answer, ok, typed)
    }
}
