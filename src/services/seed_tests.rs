//! The demo province, on both engines.

use crate::both_engines;
use crate::model::{Role, SchoolFilter, SchoolLevel};
use crate::services::seed::{self, DEMO_PASSWORD, DemoOptions};
use crate::services::{auth, schools, users};
use std::collections::BTreeSet;

both_engines!(demo_builds_a_province_and_is_idempotent, |t| async move {
    assert!(seed::is_empty(&t.ctx).await.unwrap());
    let opts = DemoOptions::default();
    let want_schools = seed::demo_schools(opts.schools);
    let report = seed::demo(&t.ctx, opts).await.unwrap();
    assert_eq!(report.schools_created, want_schools.len() as u64);
    assert_eq!(want_schools.len(), 120);
    // admin + sogd + one administrator and the teachers of every school.
    let want_users = 2 + want_schools.len() * (1 + opts.teachers_per_school);
    assert_eq!(report.users_created, want_users as u64);
    assert_eq!(t.count("schools").await, 120);
    assert_eq!(t.count("users").await, want_users as i64);
    let enrolled = t.count("pilot_enrollments").await;
    assert!(enrolled > 0 && enrolled < 120, "{enrolled} enrolled");
    assert!(!seed::is_empty(&t.ctx).await.unwrap());

    // Every demo account in the report signs in with the demo password, with its role.
    for acc in &report.accounts {
        let (u, _) = auth::login(&t.ctx, &acc.username, DEMO_PASSWORD, "127.0.0.1", None)
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", acc.username));
        assert_eq!(u.role.as_str(), acc.role);
        assert!(
            !u.must_change_password,
            "{}: demo accounts sign in directly",
            acc.username
        );
    }
    let roles: BTreeSet<_> = report.accounts.iter().map(|a| a.role).collect();
    assert_eq!(roles.len(), 4, "one account of every role to try");

    // The department sees the whole province, of every level; a school's people see theirs.
    let (sogd, _) = auth::login(&t.ctx, "sogd", DEMO_PASSWORD, "127.0.0.1", None)
        .await
        .unwrap();
    let dept = crate::model::Actor::from(&sogd);
    let all = schools::list(&t.ctx, &dept, &SchoolFilter::default())
        .await
        .unwrap();
    assert_eq!(all.total, 120);
    let codes: BTreeSet<_> = all.items.iter().map(|s| s.code.clone()).collect();
    assert_eq!(codes, want_schools.iter().map(|s| s.code.clone()).collect());
    for level in SchoolLevel::ALL {
        assert!(all.items.iter().any(|s| s.level == level), "{level:?}");
    }
    let first = &all.items[0];
    let staff = users::list(&t.ctx, &dept, first.id, None, None)
        .await
        .unwrap();
    let roles: Vec<_> = staff.items.iter().map(|u| u.user.role).collect();
    assert_eq!(roles.iter().filter(|r| **r == Role::SchoolAdmin).count(), 1);
    assert_eq!(
        roles.iter().filter(|r| **r == Role::Teacher).count(),
        opts.teachers_per_school
    );

    // Devices for the pilot schools, a term of bookings that keeps the rules: no tagged device
    // has two live bookings in a period, no pool is over capacity; used, no-shows and future.
    assert!(
        report.devices_created >= 30 * 6,
        "{} devices",
        report.devices_created
    );
    assert!(
        report.bookings_created > 5_000,
        "{} bookings",
        report.bookings_created
    );
    assert_eq!(t.count("bookings").await, report.bookings_created as i64);
    let over: i64 = sqlx::query(
        "SELECT COUNT(*) AS n FROM (SELECT s.device_id, s.date, s.period, SUM(s.quantity) AS q, COUNT(*) AS c, \
         MAX(d.quantity) AS cap FROM booking_slots s JOIN devices d ON d.id = s.device_id WHERE s.live = 1 \
         GROUP BY s.device_id, s.date, s.period) x WHERE x.q > x.cap",
    )
    .fetch_one(&t.ctx.db.pool)
    .await
    .and_then(|r| sqlx::Row::try_get(&r, "n"))
    .unwrap();
    assert_eq!(over, 0, "the demo keeps the booking rules");
    for status in ["booked", "returned", "released", "cancelled"] {
        let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM bookings WHERE status = $1")
            .bind(status.to_owned())
            .fetch_one(&t.ctx.db.pool)
            .await
            .and_then(|r| sqlx::Row::try_get(&r, "n"))
            .unwrap();
        assert!(n > 0, "no {status} bookings");
    }
    // The first school's accounts are printed: it has devices, and its mornings are free from
    // today on (the browser tests book them).
    let first_code = &want_schools[0].code;
    let first_id = schools::id_by_code(&t.ctx, first_code)
        .await
        .unwrap()
        .unwrap();
    let devs = crate::services::devices::list(&t.ctx, &dept, first_id, &Default::default())
        .await
        .unwrap();
    assert!(devs.len() >= 5);
    let today = crate::dates::today_at(t.now()).to_string();
    let morning: i64 = sqlx::query(
        "SELECT COUNT(*) AS n FROM booking_slots s JOIN bookings b ON b.id = s.booking_id \
         WHERE b.school_id = $1 AND s.date >= $2 AND s.period <= 5",
    )
    .bind(first_id.0)
    .bind(today)
    .fetch_one(&t.ctx.db.pool)
    .await
    .and_then(|r| sqlx::Row::try_get(&r, "n"))
    .unwrap();
    assert_eq!(morning, 0);

    // Classes, rosters, timetables and three weeks of roll calls for the first equipped schools;
    // the first school's first teacher teaches today (the fixed clock's Monday).
    assert!(
        report.classes_created >= 3 * 4,
        "{} classes",
        report.classes_created
    );
    assert!(
        report.roll_calls_created > 500,
        "{} roll calls",
        report.roll_calls_created
    );
    assert_eq!(
        t.count("roll_calls").await,
        report.roll_calls_created as i64
    );
    // The class log: a signed entry for each lesson with a roll call, weeks before last closed
    // twice, and every school's chains intact.
    assert_eq!(
        t.count("class_log_entries").await,
        report.roll_calls_created as i64
    );
    assert!(t.count("class_log_weeks").await > 0);
    let logged: Vec<i64> =
        sqlx::query_scalar("SELECT DISTINCT school_id FROM class_log_records ORDER BY school_id")
            .fetch_all(&t.ctx.db.pool)
            .await
            .unwrap();
    assert!(!logged.is_empty());
    for school in logged {
        let r = crate::services::class_log::verify_school(
            &t.ctx,
            crate::ids::SchoolId(school),
            String::new(),
        )
        .await
        .unwrap();
        assert!(r.intact, "school {school}: {:?}", r.broken);
    }
    let gv: i64 = sqlx::query("SELECT id FROM users WHERE username = $1")
        .bind(format!("gv.{}.1", first_code.to_lowercase()))
        .fetch_one(&t.ctx.db.pool)
        .await
        .and_then(|r| sqlx::Row::try_get(&r, "id"))
        .unwrap();
    let gv = crate::model::Actor {
        user_id: crate::ids::UserId(gv),
        username: "gv".into(),
        role: Role::Teacher,
        school_id: Some(first_id),
        area: None,
    };
    let day = crate::services::roll_calls::my_day(&t.ctx, &gv, None)
        .await
        .unwrap();
    assert!(!day.is_empty(), "the demo teacher has lessons today");
    let last_week = crate::services::roll_calls::my_day(
        &t.ctx,
        &gv,
        Some(crate::dates::today_at(t.now()) - chrono::Duration::days(7)),
    )
    .await
    .unwrap();
    assert!(last_week.iter().filter(|l| l.roll_call.is_some()).count() >= 1);

    // A second run creates nothing and changes nothing.
    let audit = t.count("audit_log").await;
    let again = seed::demo(&t.ctx, opts).await.unwrap();
    assert_eq!((again.schools_created, again.users_created), (0, 0));
    assert_eq!((again.devices_created, again.bookings_created), (0, 0));
    assert_eq!((again.classes_created, again.roll_calls_created), (0, 0));
    assert_eq!(t.count("schools").await, 120);
    assert_eq!(t.count("users").await, want_users as i64);
    assert_eq!(t.count("pilot_enrollments").await, enrolled);
    assert_eq!(t.count("audit_log").await, audit);
    assert_eq!(
        schools::list(&t.ctx, &dept, &SchoolFilter::default())
            .await
            .unwrap(),
        all
    );
});

both_engines!(demo_scales_to_2000_schools, |t| async move {
    let opts = DemoOptions {
        schools: 2000,
        teachers_per_school: 2,
    };
    let report = seed::demo(&t.ctx, opts).await.unwrap();
    assert_eq!(report.schools_created, 2000);
    assert_eq!(report.users_created, 2 + 2000 * 3);
    assert_eq!(t.count("schools").await, 2000);
    let sys = t.sysadmin().await;
    let page = schools::list(
        &t.ctx,
        &sys,
        &SchoolFilter {
            limit: Some(50),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!((page.total, page.items.len()), (2000, 50));
    // Every area has schools, and the level filter splits the whole province.
    let areas = schools::areas(&t.ctx, &sys).await.unwrap();
    assert!(areas.iter().all(|a| a.schools > 0));
    assert_eq!(areas.iter().map(|a| a.schools).sum::<i64>(), 2000);
    let mut by_level = 0;
    for level in SchoolLevel::ALL {
        let f = SchoolFilter {
            level: Some(level),
            limit: Some(1),
            ..Default::default()
        };
        by_level += schools::list(&t.ctx, &sys, &f).await.unwrap().total;
    }
    assert_eq!(by_level, 2000);
    // A second run adds nothing.
    let again = seed::demo(&t.ctx, opts).await.unwrap();
    assert_eq!((again.schools_created, again.users_created), (0, 0));
});

both_engines!(demo_grows_without_touching_what_exists, |t| async move {
    let small = DemoOptions {
        schools: 40,
        teachers_per_school: 1,
    };
    seed::demo(&t.ctx, small).await.unwrap();
    let big = DemoOptions {
        schools: 60,
        ..small
    };
    let report = seed::demo(&t.ctx, big).await.unwrap();
    assert_eq!(report.schools_created, 20);
    assert_eq!(report.users_created, 20 * 2);
    assert_eq!(t.count("schools").await, 60);
});

both_engines!(demo_tells_a_pilot_story, |t| async move {
    use crate::services::pilot::{self, StatusFilter};
    seed::demo(&t.ctx, DemoOptions::default()).await.unwrap();
    let (sogd, _) = auth::login(&t.ctx, "sogd", DEMO_PASSWORD, "127.0.0.1", None)
        .await
        .unwrap();
    let dept = crate::model::Actor::from(&sogd);
    let s = pilot::summary(&t.ctx, &dept, None).await.unwrap();
    // Some schools count, some are close (one criterion short), some are silent.
    assert_eq!((s.total_schools, s.enrolled_schools), (120, 30));
    assert_eq!(s.counted_schools, 5, "{s:?}");
    assert_eq!(s.silent_schools, 6);
    assert_eq!(s.targets.len(), 2, "the plan's target and 2030's");
    let enrolled = pilot::schools(
        &t.ctx,
        &dept,
        &StatusFilter {
            enrolled: Some(true),
            counted: Some(false),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let close = enrolled
        .items
        .iter()
        .filter(|x| x.met + 1 == x.criteria.len() as i64)
        .count();
    assert_eq!(close, 3);
    // The trend's month ends were made with the seed.
    let tr = pilot::trend(&t.ctx, &dept, false).await.unwrap();
    assert_eq!(tr.pending, 0);
    assert_eq!(tr.points.last().map(|p| p.counted), Some(5));
});
