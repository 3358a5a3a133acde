//! Substitutes on both engines: who assigns them, what is refused (each bad field named), and
//! what a substitution changes: the substitute takes and signs the roll call and sees the
//! lesson in their day; the absent teacher only reads it. On `classes_tests`' fixture.

use super::classes_tests::{Fixture, MON, absent, d, fields, fixture};
use super::roll_calls_tests::full_name;
use crate::both_engines;
use crate::error::ErrorCode;
use crate::ids::UserId;
use crate::lessons::ReadOnly;
use crate::model::Actor;
use crate::services::roll_calls;
use crate::services::substitutes::{self, may_take_roll};
use crate::services::testing::TestDb;
use crate::substitutes::SubstituteInput;

fn input(from: &str, to: Option<&str>, period: Option<i64>, sub: &Actor) -> SubstituteInput {
    SubstituteInput {
        from: from.into(),
        to: to.map(str::to_owned),
        period,
        teacher_id: None,
        substitute_id: sub.user_id,
        reason: Some("  Nghỉ   ốm ".into()),
    }
}

async fn may(t: &TestDb, f: &Fixture, who: &Actor, date: &str, period: i64) -> bool {
    may_take_roll(&t.ctx, who, f.class, d(date), period)
        .await
        .unwrap()
}

both_engines!(a_substitute_takes_the_roll_call, |t| async move {
    let f = fixture(&t).await;
    // Before: the maths teacher takes Monday's first lesson, a colleague does not.
    assert!(may(&t, &f, &f.maths, MON, 1).await);
    assert!(!may(&t, &f, &f.other, MON, 1).await);
    // A teacher cannot assign; another school's cannot even see the class.
    let one = input(MON, None, Some(1), &f.other);
    let e = substitutes::assign(&t.ctx, &f.maths, f.class, &one, None)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Forbidden);
    let e = substitutes::assign(&t.ctx, &f.stranger, f.class, &one, None)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);
    // The admin assigns a colleague to period 1: the absent teacher found from the timetable.
    let s = substitutes::assign(&t.ctx, &f.admin, f.class, &one, None)
        .await
        .unwrap();
    assert_eq!(
        (s.teacher_id, s.substitute_id),
        (f.maths.user_id, f.other.user_id)
    );
    assert_eq!(s.reason.as_deref(), Some("Nghỉ ốm"));
    assert_eq!(s.substitute_name, full_name(&t, &f.other).await);
    assert_eq!(t.audit("substitute.assign").await.len(), 1);
    // The substitute now takes it, the absent teacher no longer (the homeroom teacher still).
    assert!(may(&t, &f, &f.other, MON, 1).await);
    assert!(!may(&t, &f, &f.other, MON, 2).await);
    assert!(!may(&t, &f, &f.maths, MON, 1).await);
    assert!(may(&t, &f, &f.homeroom, MON, 1).await);
    let day = roll_calls::my_day(&t.ctx, &f.other, None).await.unwrap();
    assert_eq!(day.iter().map(|l| l.period).collect::<Vec<_>>(), [1]);
    // The week on the substitute's home page holds it too, on its day.
    let week = roll_calls::my_week(&t.ctx, &f.other, Some(MON))
        .await
        .unwrap();
    let monday = week.days.iter().find(|x| x.date == d(MON)).unwrap();
    let stood: Vec<_> = monday.lessons.iter().map(|l| l.lesson.period).collect();
    assert_eq!(stood, [1]);
    let e = roll_calls::put(&t.ctx, &f.maths, f.class, d(MON), 1, &absent(&f, &[]), None)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Forbidden);
    let (rc, _) = roll_calls::put(&t.ctx, &f.other, f.class, d(MON), 1, &absent(&f, &[]), None)
        .await
        .unwrap();
    assert_eq!(rc.taken_by, f.other.user_id);
    let v = roll_calls::view(&t.ctx, &f.maths, f.class, d(MON), 1)
        .await
        .unwrap();
    assert_eq!(v.read_only, Some(ReadOnly::NotTaker));
    assert_eq!(v.substitute, Some(full_name(&t, &f.other).await));
    assert_eq!(v.takers[0], full_name(&t, &f.other).await);
    // Listed; removed by the admin only; then the maths teacher takes their lessons again.
    let list = substitutes::list(&t.ctx, &f.maths, f.class).await.unwrap();
    assert_eq!(list, std::slice::from_ref(&s));
    let e = substitutes::remove(&t.ctx, &f.maths, f.class, s.id, None)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Forbidden);
    substitutes::remove(&t.ctx, &f.admin, f.class, s.id, None)
        .await
        .unwrap();
    assert!(may(&t, &f, &f.maths, MON, 1).await);
    assert!(!may(&t, &f, &f.other, MON, 1).await);
    let e = substitutes::remove(&t.ctx, &f.admin, f.class, s.id, None)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);
    // A range: every lesson of the maths teacher from Tuesday to next Monday.
    let mut week = input("2026-12-01", Some("2026-12-07"), None, &f.other);
    week.teacher_id = Some(f.maths.user_id);
    substitutes::assign(&t.ctx, &f.admin, f.class, &week, None)
        .await
        .unwrap();
    assert!(may(&t, &f, &f.other, "2026-12-01", 1).await);
    assert!(may(&t, &f, &f.other, "2026-12-07", 1).await);
    assert!(
        !may(&t, &f, &f.other, "2026-12-07", 2).await,
        "the homeroom's lesson"
    );
    assert!(!may(&t, &f, &f.other, MON, 1).await);
});

both_engines!(a_substitution_is_checked_field_by_field, |t| async move {
    let f = fixture(&t).await;
    let assign = |i: SubstituteInput| {
        let (ctx, admin, class) = (t.ctx.clone(), f.admin.clone(), f.class);
        async move { substitutes::assign(&ctx, &admin, class, &i, None).await }
    };
    let bad = |i: SubstituteInput| {
        let a = assign(i);
        async move { fields(&a.await.unwrap_err()) }
    };
    // Days: not a date, outside the school year, the last before the first.
    assert_eq!(
        bad(input("hôm nay", None, Some(1), &f.other)).await,
        ["from"]
    );
    assert_eq!(
        bad(input("2027-07-05", None, Some(1), &f.other)).await,
        ["from"]
    );
    assert_eq!(
        bad(input(MON, Some("2026-11-29"), Some(1), &f.other)).await,
        ["to"]
    );
    // The substitute: another school's teacher, the absent teacher themself, an unknown account.
    assert_eq!(
        bad(input(MON, None, Some(1), &f.stranger)).await,
        ["substitute_id"]
    );
    assert_eq!(
        bad(input(MON, None, Some(1), &f.maths)).await,
        ["substitute_id"]
    );
    let mut nobody = input(MON, None, Some(1), &f.other);
    nobody.substitute_id = UserId(999_999);
    assert_eq!(bad(nobody).await, ["substitute_id"]);
    // No such lesson; Monday has two teachers, so the absent one must be chosen.
    assert_eq!(bad(input(MON, None, Some(4), &f.other)).await, ["period"]);
    assert_eq!(
        bad(input("2026-11-25", None, None, &f.other)).await,
        ["from"]
    );
    assert_eq!(bad(input(MON, None, None, &f.other)).await, ["teacher_id"]);
    let mut wrong = input(MON, None, Some(1), &f.other);
    wrong.teacher_id = Some(f.homeroom.user_id);
    assert_eq!(bad(wrong).await, ["teacher_id"]);
    assert_eq!(t.count("lesson_substitutes").await, 0, "nothing written");
    // A lesson covered twice: refused, naming the field that overlaps.
    let mut all_day = input(MON, Some("2026-12-04"), None, &f.other);
    all_day.teacher_id = Some(f.maths.user_id);
    assign(all_day.clone()).await.unwrap();
    let admin2 = t.school_admin(f.admin.school_id.unwrap()).await;
    assert_eq!(
        bad(input("2026-12-01", None, Some(1), &admin2)).await,
        ["period"]
    );
    assert_eq!(bad(all_day).await, ["from"]);
    // Another lesson of the same days (the homeroom teacher's) is fine.
    let mut other_teacher = input(MON, None, Some(2), &f.other);
    other_teacher.teacher_id = Some(f.homeroom.user_id);
    assign(other_teacher).await.unwrap();
    assert_eq!(t.count("lesson_substitutes").await, 2);
});
