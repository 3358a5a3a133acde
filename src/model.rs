//! The records the services return and the enums they are built from. All are `serde` types so
//! the UI (server functions) and the REST API send the same shapes.

use crate::ids::{AreaId, AuditId, SchoolId, UserId};
use crate::text::fold;
use serde::{Deserialize, Serialize};

/// What a user may do; see API.md "Roles".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Own school; own bookings, lessons and the classes they teach.
    Teacher,
    /// Everything inside their school.
    SchoolAdmin,
    /// Every school read-only; owns the registry, pilot enrolment, criteria and targets.
    Department,
    /// Everything.
    Sysadmin,
}

impl Role {
    /// All roles, in the order the UI lists them.
    pub const ALL: [Role; 4] = [
        Role::Teacher,
        Role::SchoolAdmin,
        Role::Department,
        Role::Sysadmin,
    ];

    /// The API code (`teacher`, `school_admin`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Teacher => "teacher",
            Role::SchoolAdmin => "school_admin",
            Role::Department => "department",
            Role::Sysadmin => "sysadmin",
        }
    }

    /// Parses the API code.
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s.trim())
    }

    /// The department and sysadmins see every school.
    pub fn sees_all_schools(self) -> bool {
        matches!(self, Role::Department | Role::Sysadmin)
    }

    /// Roles that belong to one school (and so must have a school).
    pub fn is_school_scoped(self) -> bool {
        matches!(self, Role::Teacher | Role::SchoolAdmin)
    }

    /// The translation key of the role's name.
    pub fn label_key(self) -> &'static str {
        match self {
            Role::Teacher => "role.teacher",
            Role::SchoolAdmin => "role.school_admin",
            Role::Department => "role.department",
            Role::Sysadmin => "role.sysadmin",
        }
    }
}

/// A school's level (cấp học).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SchoolLevel {
    /// Mầm non (preschool).
    MamNon,
    /// Tiểu học (primary, grades 1–5).
    TieuHoc,
    /// THCS (lower secondary, 6–9).
    Thcs,
    /// THPT (upper secondary, 10–12).
    Thpt,
    /// Liên cấp (several levels, e.g. TH&THCS).
    LienCap,
}

impl SchoolLevel {
    /// All levels, youngest first.
    pub const ALL: [SchoolLevel; 5] = [
        SchoolLevel::MamNon,
        SchoolLevel::TieuHoc,
        SchoolLevel::Thcs,
        SchoolLevel::Thpt,
        SchoolLevel::LienCap,
    ];

    /// The API code (`mam_non`, `tieu_hoc`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            SchoolLevel::MamNon => "mam_non",
            SchoolLevel::TieuHoc => "tieu_hoc",
            SchoolLevel::Thcs => "thcs",
            SchoolLevel::Thpt => "thpt",
            SchoolLevel::LienCap => "lien_cap",
        }
    }

    /// Parses the API code, or the Vietnamese name as people write it in spreadsheets
    /// ("Tiểu học", "tieu hoc", "THCS", "Liên cấp"), ignoring case and diacritics.
    pub fn parse(s: &str) -> Option<SchoolLevel> {
        let key = fold(s).replace(['_', '-'], " ");
        let key = key.split_whitespace().collect::<Vec<_>>().join(" ");
        match key.as_str() {
            "mam non" | "mn" => Some(SchoolLevel::MamNon),
            "tieu hoc" | "th" => Some(SchoolLevel::TieuHoc),
            "thcs" | "trung hoc co so" => Some(SchoolLevel::Thcs),
            "thpt" | "trung hoc pho thong" => Some(SchoolLevel::Thpt),
            "lien cap" | "lc" => Some(SchoolLevel::LienCap),
            _ => None,
        }
    }

    /// The translation key of the level's name.
    pub fn label_key(self) -> &'static str {
        match self {
            SchoolLevel::MamNon => "level.mam_non",
            SchoolLevel::TieuHoc => "level.tieu_hoc",
            SchoolLevel::Thcs => "level.thcs",
            SchoolLevel::Thpt => "level.thpt",
            SchoolLevel::LienCap => "level.lien_cap",
        }
    }
}

/// A user as every layer shows it (API.md: `{id, username, full_name, role, school_id|null}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    /// Opaque id.
    pub id: UserId,
    /// Login name, lower case.
    pub username: String,
    /// Full name, NFC.
    pub full_name: String,
    /// Role.
    pub role: Role,
    /// The user's school for teachers and school admins.
    pub school_id: Option<SchoolId>,
    /// Someone else set the password (an administrator's reset): the user must choose their own
    /// before doing anything else.
    pub must_change_password: bool,
    /// An area officer's area: a department account scoped to one area reads and changes only
    /// that area's schools. Absent for everyone else (a province-wide department account too).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub area: Option<AreaScope>,
}

/// The area an officer is scoped to, with its schools as they are now (read with the session,
/// so a change of scope or a school moving to another area applies at the next request).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AreaScope {
    /// The area.
    pub id: AreaId,
    /// Its schools.
    pub schools: Vec<SchoolId>,
}

/// A user with the fields administrators see.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserAccount {
    /// The user.
    #[serde(flatten)]
    pub user: User,
    /// False once disabled; a disabled user cannot log in and has no sessions.
    pub active: bool,
    /// When the account was created (RFC 3339).
    pub created_at: String,
}

/// Who is asking: the authenticated user as the services see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    /// The user's id.
    pub user_id: UserId,
    /// The user's login name (for the audit log).
    pub username: String,
    /// Role.
    pub role: Role,
    /// School of a teacher or school admin.
    pub school_id: Option<SchoolId>,
    /// An area officer's area (see [`User::area`]).
    #[serde(default)]
    pub area: Option<AreaScope>,
}

impl Actor {
    /// Sysadmins and the province-wide department see every school of the province; an area
    /// officer sees their area's (see [`Actor::area_id`]), everyone else their own school.
    pub fn sees_all_schools(&self) -> bool {
        self.role.sees_all_schools() && self.area.is_none()
    }

    /// The area an officer is scoped to: lists of schools are limited to it.
    pub fn area_id(&self) -> Option<AreaId> {
        self.area.as_ref().map(|a| a.id)
    }

    /// A role above the schools (department, sysadmin), whether province-wide or one area's.
    pub fn is_above_schools(&self) -> bool {
        self.role.sees_all_schools()
    }

    /// **Who manages whom**, the one rule every account change asks (create, change, disable,
    /// reset a password, import): only a sysadmin manages department and sysadmin accounts;
    /// the department manages school administrators of the schools it sees (an officer: of
    /// their area); a school administrator the teachers of their school. Nobody acts on their
    /// own account through it (see [`Actor::may_act_on`]).
    pub fn may_manage_account(&self, role: Role, school: Option<SchoolId>) -> bool {
        match self.role {
            Role::Sysadmin => true,
            Role::Department => {
                role == Role::SchoolAdmin && school.is_some_and(|s| self.can_read_school(s))
            }
            Role::SchoolAdmin => {
                role == Role::Teacher && school.is_some() && school == self.school_id
            }
            Role::Teacher => false,
        }
    }

    /// Whether the actor may set officers' areas: sysadmins and the province-wide department.
    pub fn may_set_officer_areas(&self) -> bool {
        self.role == Role::Sysadmin || (self.role == Role::Department && self.area.is_none())
    }

    /// The roles of the accounts this actor may create, in the order a form offers them.
    pub fn creatable_roles(&self) -> Vec<Role> {
        [
            Role::SchoolAdmin,
            Role::Department,
            Role::Teacher,
            Role::Sysadmin,
        ]
        .into_iter()
        .filter(|&r| {
            // Roles above the schools name the school in the form: a role is offered when the
            // rule allows it at some school they see (any school, for the province-wide).
            let school = match (self.school_id, &self.area) {
                (Some(own), _) => Some(own),
                (None, Some(area)) => area.schools.first().copied(),
                (None, None) => self.sees_all_schools().then_some(SchoolId(0)),
            };
            self.may_manage_account(r, None) || self.may_manage_account(r, school)
        })
        .collect()
    }

    /// Whether the actor is offered actions (disable, reset the password) on an account: one
    /// they manage, never their own.
    pub fn may_act_on(&self, account: &User) -> bool {
        account.id != self.user_id && self.may_manage_account(account.role, account.school_id)
    }

    /// Whether the actor may read this school's records.
    pub fn can_read_school(&self, school: SchoolId) -> bool {
        match (&self.area, self.role.sees_all_schools()) {
            (Some(a), true) => a.schools.contains(&school),
            (None, true) => true,
            (_, false) => self.school_id == Some(school),
        }
    }

    /// Whether the actor may change this school's own records (inventory, rosters, teachers).
    /// The department is read-only on school records.
    pub fn can_manage_school(&self, school: SchoolId) -> bool {
        self.role == Role::Sysadmin
            || (self.role == Role::SchoolAdmin && self.school_id == Some(school))
    }

    /// The school a request is about: the one named, else the actor's own. The department and
    /// sysadmins have none of their own and must name one (422 asking to pick a school).
    pub fn school_or(&self, school: Option<SchoolId>) -> Result<SchoolId, crate::Error> {
        school.or(self.school_id).ok_or_else(|| {
            crate::Error::with_msg(
                crate::ErrorCode::Validation,
                crate::Msg::new("devices.pick_school"),
            )
        })
    }

    /// Ok when the actor may change this school's records; else "not found" for a school they
    /// may not even see (its existence does not leak), "forbidden" for one they only read.
    pub fn must_manage_school(&self, school: SchoolId) -> Result<(), crate::Error> {
        if !self.can_read_school(school) {
            Err(crate::Error::not_found())
        } else if !self.can_manage_school(school) {
            Err(crate::Error::forbidden())
        } else {
            Ok(())
        }
    }
}

impl From<&User> for Actor {
    fn from(u: &User) -> Actor {
        Actor {
            user_id: u.id,
            username: u.username.clone(),
            role: u.role,
            school_id: u.school_id,
            area: u.area.clone(),
        }
    }
}

/// A school's pilot enrolment (API.md `pilot: {enrolled, since}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PilotStatus {
    /// Enrolled in the smart-classroom pilot.
    pub enrolled: bool,
    /// Since when (YYYY-MM-DD), if enrolled.
    pub since: Option<String>,
}

/// A school of the registry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct School {
    /// Opaque id.
    pub id: SchoolId,
    /// The registry code (unique in the province).
    pub code: String,
    /// Name, NFC.
    pub name: String,
    /// Level.
    pub level: SchoolLevel,
    /// The commune or ward's name.
    pub area: String,
    /// The area's id.
    pub area_id: AreaId,
    /// The district it belonged to before July 2025, kept as history.
    pub former_district: Option<String>,
    /// Number of pupils.
    pub students: i64,
    /// Opened (YYYY-MM-DD), when known.
    pub opened_on: Option<String>,
    /// Closed or merged (YYYY-MM-DD), when it happened.
    pub closed_on: Option<String>,
    /// The pilot enrolment.
    pub pilot: PilotStatus,
}

/// A commune or ward of the province.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Area {
    /// Opaque id.
    pub id: AreaId,
    /// Name ("Phường Hạc Thành", "Xã Đông Tiến").
    pub name: String,
    /// How many schools it has.
    pub schools: i64,
}

/// What the school registry's summary counts (`services::schools::summary`), over a filter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchoolSummary {
    /// Schools per level, every level listed (the filter's level ignored).
    pub by_level: Vec<(SchoolLevel, i64)>,
    /// Schools matching the filter.
    pub total: i64,
    /// Of those, enrolled in the pilot.
    pub in_pilot: i64,
    /// Their pupils.
    pub students: i64,
}

/// A filter for the school list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchoolFilter {
    /// Only this level.
    pub level: Option<SchoolLevel>,
    /// Only this area: its id, or its name (case and diacritics ignored).
    pub area: Option<String>,
    /// Words that must all match code, name or area (case and diacritics ignored).
    pub q: Option<String>,
    /// At most this many (all when absent).
    pub limit: Option<i64>,
    /// Skip this many.
    pub offset: Option<i64>,
}

/// A page of results (API.md: `{"items": [...], "total": n}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// How many match in all.
    pub total: i64,
}

/// What a CSV import did (API.md: `{"created": n, "updated": n}`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportOutcome {
    /// Rows that created a record.
    pub created: u64,
    /// Rows that changed an existing record (identical rows count in neither).
    pub updated: u64,
}

/// An entry of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// Opaque id.
    pub id: AuditId,
    /// When (RFC 3339).
    pub at: String,
    /// Who (username), if anyone was logged in.
    pub actor: Option<String>,
    /// The school concerned.
    pub school_id: Option<SchoolId>,
    /// What happened (`login`, `login_failed`, `user.create`, …).
    pub action: String,
    /// The object (`user:12`, `school:TH001`).
    pub object: String,
    /// The value before, as JSON text.
    pub old_value: Option<String>,
    /// The value after, as JSON text.
    pub new_value: Option<String>,
}

/// What a page says about the school it shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchoolRef {
    /// Id.
    pub id: SchoolId,
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
}

impl From<&School> for SchoolRef {
    fn from(s: &School) -> Self {
        SchoolRef {
            id: s.id,
            code: s.code.clone(),
            name: s.name.clone(),
        }
    }
}

/// A school and its administrators (the department's accounts page).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchoolAdmins {
    /// The school.
    pub school: School,
    /// Its school administrators.
    pub admins: Page<UserAccount>,
}

/// `part` of `whole` in percent with one decimal (0 when `whole` is 0).
pub fn percent(part: i64, whole: i64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        (part as f64 * 1000.0 / whole as f64).round() / 10.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role, school: Option<i64>) -> Actor {
        Actor {
            user_id: UserId(1),
            username: "a".into(),
            role,
            school_id: school.map(SchoolId),
            area: None,
        }
    }

    fn user(id: i64, role: Role, school: Option<i64>) -> User {
        User {
            id: UserId(id),
            username: format!("u{id}"),
            full_name: String::new(),
            role,
            school_id: school.map(SchoolId),
            must_change_password: false,
            area: None,
        }
    }

    #[test]
    fn who_creates_which_accounts() {
        use Role::*;
        assert_eq!(
            actor(Sysadmin, None).creatable_roles(),
            [SchoolAdmin, Department, Teacher, Sysadmin]
        );
        assert_eq!(actor(Department, None).creatable_roles(), [SchoolAdmin]);
        let officer = Actor {
            area: Some(AreaScope {
                id: AreaId(1),
                schools: vec![SchoolId(4)],
            }),
            ..actor(Department, None)
        };
        assert_eq!(officer.creatable_roles(), [SchoolAdmin]);
        assert!(officer.may_manage_account(SchoolAdmin, Some(SchoolId(4))));
        assert!(
            !officer.may_manage_account(SchoolAdmin, Some(SchoolId(5))),
            "a school outside the area"
        );
        let empty_area = Actor {
            area: Some(AreaScope {
                id: AreaId(1),
                schools: vec![],
            }),
            ..actor(Department, None)
        };
        assert!(empty_area.creatable_roles().is_empty());
        assert_eq!(actor(SchoolAdmin, Some(4)).creatable_roles(), [Teacher]);
        assert!(actor(Teacher, Some(4)).creatable_roles().is_empty());
    }

    #[test]
    fn actions_are_offered_on_managed_accounts_but_never_ones_own() {
        use Role::*;
        let dept = actor(Department, None);
        assert!(!dept.may_act_on(&user(1, Department, None)), "own account");
        assert!(
            !dept.may_act_on(&user(2, Department, None)),
            "only a sysadmin manages department accounts"
        );
        assert!(actor(Sysadmin, None).may_act_on(&user(2, Department, None)));
        assert!(dept.may_act_on(&user(3, SchoolAdmin, Some(4))));
        assert!(!dept.may_act_on(&user(4, Sysadmin, None)));
        assert!(!dept.may_act_on(&user(5, Teacher, Some(4))));
        let admin = actor(SchoolAdmin, Some(4));
        assert!(admin.may_act_on(&user(6, Teacher, Some(4))));
        assert!(
            !admin.may_act_on(&user(7, Teacher, Some(5))),
            "another school"
        );
        assert!(!admin.may_act_on(&user(8, SchoolAdmin, Some(4))));
    }
}
