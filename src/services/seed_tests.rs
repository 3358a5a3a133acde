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

    // A second run creates nothing and changes nothing.
    let audit = t.count("audit_log").await;
    let again = seed::demo(&t.ctx, opts).await.unwrap();
    assert_eq!((again.schools_created, again.users_created), (0, 0));
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
