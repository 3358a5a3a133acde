//! Substitutes (dạy thay) on the class page: the list with what the form offers, assigning one
//! and removing one. Each is one service call; the forms answer a plain form with a redirect
//! back to the class page's substitutes section and the keys of [`back`].

use crate::error::UiError;
use leptos::prelude::*;
use lophoc::ids::{ClassId, SubstituteId};
use lophoc::substitutes::SubstitutesView;

/// Query-string keys of the substitutes forms' answers.
pub mod back {
    crate::serverfns::echo::answer_keys! {
        notes {
            /// A substitute was assigned: their name.
            ASSIGNED = "sub_assigned";
            /// A substitution was removed.
            REMOVED = "sub_removed";
        }
        echoes {
            /// What the admin typed into the form that failed.
            ASSIGN: super::AssignSubstitute = "sub_";
        }
    }
}

/// The anchor of the class page's substitutes section.
pub const ANCHOR: &str = "substitutes";

/// A class's current and future substitutions, and for its school's administrators what the
/// form offers.
#[server(prefix = "/fn", endpoint = "class_substitutes")]
pub async fn class_substitutes(
    /// The class.
    class: ClassId,
) -> Result<SubstitutesView, UiError> {
    let (c, actor) = crate::ssr::actor()?;
    let ctx = crate::ssr::ctx()?;
    lophoc::services::substitutes::view(&ctx, &actor, class)
        .await
        .map_err(|e| crate::ssr::fail(&c, e))
}

/// Assigns a substitute from the class page's form (every field as typed; empty = not given).
#[server(prefix = "/fn", endpoint = "assign_substitute")]
pub async fn assign_substitute(
    /// The class.
    class: ClassId,
    /// The first day.
    from: String,
    /// The last day (empty: `from` only).
    to: String,
    /// One period (empty: every period of the absent teacher).
    period: String,
    /// The absent teacher's id (empty: found from the timetable).
    teacher: String,
    /// The substitute's id.
    substitute: String,
    /// Why (optional).
    reason: String,
) -> Result<String, UiError> {
    use server_fn::ServerFn;
    let typed = AssignSubstitute {
        class,
        from,
        to,
        period,
        teacher,
        substitute,
        reason,
    };
    let form = lophoc::substitutes::SubstituteForm {
        from: typed.from.clone(),
        to: typed.to.clone(),
        period: typed.period.clone(),
        teacher: typed.teacher.clone(),
        substitute: typed.substitute.clone(),
        reason: typed.reason.clone(),
    };
    let r = async {
        let (c, actor) = crate::ssr::actor()?;
        let ctx = crate::ssr::ctx()?;
        let fail = |e| crate::ssr::fail(&c, e);
        let input = form.input().map_err(fail)?;
        lophoc::services::substitutes::assign(&ctx, &actor, class, &input, Some(&c.ip))
            .await
            .map(|s| s.substitute_name)
            .map_err(fail)
    }
    .await;
    crate::serverfns::form::answer_at(
        r,
        AssignSubstitute::PATH,
        ANCHOR,
        is_answer,
        |name| vec![(back::ASSIGNED, name.clone())],
        back::ASSIGN.pairs(&typed),
    )
}

/// Removes a substitution of a class.
#[server(prefix = "/fn", endpoint = "remove_substitute")]
pub async fn remove_substitute(
    /// The class.
    class: ClassId,
    /// The substitution.
    id: SubstituteId,
) -> Result<(), UiError> {
    use server_fn::ServerFn;
    let r = async {
        let (c, actor) = crate::ssr::actor()?;
        let ctx = crate::ssr::ctx()?;
        lophoc::services::substitutes::remove(&ctx, &actor, class, id, Some(&c.ip))
            .await
            .map_err(|e| crate::ssr::fail(&c, e))
    }
    .await;
    crate::serverfns::form::answer_at(
        r,
        RemoveSubstitute::PATH,
        ANCHOR,
        is_answer,
        |_| vec![(back::REMOVED, "1".into())],
        vec![],
    )
}

/// Every answer of the class page's forms (these and the class forms'): a new one replaces it.
#[cfg(feature = "ssr")]
fn is_answer(key: &str) -> bool {
    back::is_answer(key) || super::classes::back::is_answer(key)
}
