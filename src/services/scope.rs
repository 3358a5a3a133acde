//! Which schools an actor sees, as the services' queries ask it. One place for the rule that
//! [`Actor::can_read_school`] states for one school: sysadmins and the province-wide department
//! see every school, an **area officer** (a department account scoped to one area) that area's
//! schools, everyone else their own school.

use crate::error::Error;
use crate::ids::{AreaId, SchoolId, UserId};
use crate::model::{Actor, AreaScope, Role};
use crate::services::db::{Where, internal};

/// The area a department account is scoped to, with the area's schools now; `None` for a
/// province-wide one. Read with every session (see `auth::session_user`), so a change of scope
/// applies at the officer's next request.
pub async fn officer_area<'e, E>(exec: E, user: UserId) -> Result<Option<AreaScope>, Error>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let rows: Vec<(AreaId, Option<SchoolId>)> = sqlx::query_as(
        "SELECT o.area_id, s.id AS school_id FROM officer_areas o \
         LEFT JOIN schools s ON s.area_id = o.area_id WHERE o.user_id = $1 ORDER BY s.id",
    )
    .bind(user)
    .fetch_all(exec)
    .await
    .map_err(internal)?;
    let Some((id, _)) = rows.first().copied() else {
        return Ok(None);
    };
    // An area without schools yet: one row, no school.
    let schools = rows.into_iter().filter_map(|(_, s)| s).collect();
    Ok(Some(AreaScope { id, schools }))
}

/// Limits a query to the schools `actor` sees, by its school column (`s.id`, `d.school_id`, …).
/// False when the actor sees no school at all (a teacher without one): the caller answers
/// an empty list.
pub fn restrict(w: &mut Where, actor: &Actor, school_column: &str) -> bool {
    if actor.sees_all_schools() {
        return true;
    }
    match (&actor.area, actor.role) {
        (Some(area), Role::Department) => {
            w.and(
                &format!("{school_column} IN (SELECT id FROM schools WHERE area_id = {{}})"),
                area.id.0,
            );
            true
        }
        _ => match actor.school_id {
            Some(own) => {
                w.and(&format!("{school_column} = {{}}"), own.0);
                true
            }
            None => false,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role, school: Option<i64>, area: Option<i64>) -> Actor {
        Actor {
            user_id: UserId(1),
            username: "a".into(),
            role,
            school_id: school.map(SchoolId),
            area: area.map(|a| AreaScope {
                id: AreaId(a),
                schools: vec![SchoolId(10), SchoolId(11)],
            }),
        }
    }

    #[test]
    fn each_actor_is_limited_to_the_schools_they_see() {
        let mut w = Where::new();
        assert!(restrict(&mut w, &actor(Role::Sysadmin, None, None), "s.id"));
        assert!(restrict(
            &mut w,
            &actor(Role::Department, None, None),
            "s.id"
        ));
        assert_eq!(w.sql(), "", "province-wide: no condition");
        assert!(restrict(
            &mut w,
            &actor(Role::Department, None, Some(7)),
            "d.school_id"
        ));
        assert_eq!(
            w.sql(),
            " WHERE d.school_id IN (SELECT id FROM schools WHERE area_id = $1)"
        );
        let mut w = Where::new();
        assert!(restrict(
            &mut w,
            &actor(Role::Teacher, Some(3), None),
            "s.id"
        ));
        assert_eq!(w.sql(), " WHERE s.id = $1");
        assert!(!restrict(
            &mut Where::new(),
            &actor(Role::Teacher, None, None),
            "s.id"
        ));
        let officer = actor(Role::Department, None, Some(7));
        assert!(officer.can_read_school(SchoolId(10)));
        assert!(
            !officer.can_read_school(SchoolId(12)),
            "another area's school"
        );
        assert!(!officer.sees_all_schools());
    }
}
