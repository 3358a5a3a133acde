//! Who may read and write a lesson's records (its roll call, the materials attached to it). A
//! floor below the roll calls and the materials, which both ask it.

use crate::ids::SchoolId;
use crate::model::{Actor, Role};
use crate::services::timetable::Slot;
use chrono::NaiveDate;

/// Whether the actor may take or change the roll of this lesson: its timetabled teacher, the
/// class's homeroom teacher, the school's administrators, sysadmins.
pub(crate) fn may_write(actor: &Actor, school: SchoolId, slot: &Slot) -> bool {
    actor.can_manage_school(school)
        || (actor.school_id == Some(school)
            && (slot.item.teacher_id == actor.user_id || slot.homeroom == Some(actor.user_id)))
}

/// Whether the actor may take (and sign) the roll of this lesson, given the substitute who
/// stands in on it, if any: the substitute instead of the timetabled teacher, the class's
/// homeroom teacher, the school's administrators, sysadmins. The absent teacher still reads it.
/// Asked through `substitutes::may_take_roll`, which finds the substitute.
pub(crate) fn may_take(
    actor: &Actor,
    school: SchoolId,
    slot: &Slot,
    substitute: Option<crate::ids::UserId>,
) -> bool {
    let teacher = substitute.unwrap_or(slot.item.teacher_id);
    actor.can_manage_school(school)
        || (actor.school_id == Some(school)
            && (teacher == actor.user_id || slot.homeroom == Some(actor.user_id)))
}

/// Whether the actor may read a class's roll calls: the school's own staff and sysadmins
/// (attendance is personal data; the department sees rates, not names).
pub(crate) fn may_read(actor: &Actor, school: SchoolId) -> bool {
    actor.role == Role::Sysadmin || actor.school_id == Some(school)
}

/// A teacher changes a roll call on the lesson's day; administrators at any time.
pub(crate) fn may_edit_taken(
    actor: &Actor,
    school: SchoolId,
    date: NaiveDate,
    today: NaiveDate,
) -> bool {
    actor.can_manage_school(school) || date == today
}
