//! Area officers stay in their area (issue: an officer scoped to one area read the whole
//! registry and took over province-wide accounts), and who manages whom, on both engines.

use crate::ErrorCode;
use crate::both_engines;
use crate::devices::{DeviceFilter, DeviceInput};
use crate::ids::SchoolId;
use crate::model::{Role, SchoolFilter, SchoolLevel};
use crate::services::schools::NewSchool;
use crate::services::testing::TestDb;
use crate::services::users::{self, NewUser};
use crate::services::{devices, materials, pilot, roll_calls, schools, utilisation};
use crate::utilisation::UtilisationFilter;

/// Two schools in the officer's area (A1, A2) and one in another (B).
async fn province(t: &TestDb) -> (SchoolId, SchoolId, SchoolId) {
    let in_area = |code: &str, area: &str| NewSchool {
        code: code.to_owned(),
        name: format!("Trường {code}"),
        level: SchoolLevel::TieuHoc,
        area: area.to_owned(),
        former_district: None,
        students: 300,
    };
    let a1 = t.school_with(in_area("TH-A1", "Xã Trong Vùng")).await;
    let a2 = t.school_with(in_area("TH-A2", "Xã Trong Vùng")).await;
    let b = t.school_with(in_area("TH-B", "Xã Ngoài Vùng")).await;
    assert_eq!(a1.area_id, a2.area_id);
    assert_ne!(a1.area_id, b.area_id);
    (a1.id, a2.id, b.id)
}

fn new_user(username: &str, role: Role, school: Option<SchoolId>) -> NewUser {
    NewUser {
        username: username.into(),
        full_name: "Cán Bộ Thử".into(),
        role: role.as_str().into(),
        school_id: school,
        password: "mat-khau-moi-1".into(),
    }
}

both_engines!(an_officer_reads_only_their_area, |t| async move {
    let (a1, a2, b) = province(&t).await;
    let area = t.refreshed(&t.department().await).await;
    assert!(
        area.area.is_none(),
        "a new department account is province-wide"
    );
    let officer = t
        .officer(schools::get(&t.ctx, &area, a1).await.unwrap().area_id)
        .await;
    assert_eq!(officer.area.as_ref().map(|a| a.schools.len()), Some(2));

    // The registry: the area's schools only, counted as such; another area's school is 404.
    let list = schools::list(&t.ctx, &officer, &SchoolFilter::default())
        .await
        .unwrap();
    let ids: Vec<SchoolId> = list.items.iter().map(|s| s.id).collect();
    assert_eq!((ids, list.total), (vec![a1, a2], 2));
    let reg = schools::registry(&t.ctx, &officer, &SchoolFilter::default())
        .await
        .unwrap();
    assert_eq!((reg.page.total, reg.areas.len()), (2, 1));
    let e = schools::get(&t.ctx, &officer, b).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);

    // Staff, devices and their CSV, storage of another area: not found.
    let e = users::list(&t.ctx, &officer, b, None, None)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);
    assert!(users::list(&t.ctx, &officer, a2, None, None).await.is_ok());
    let admin_b = t.school_admin(b).await;
    let input = DeviceInput {
        name: "Màn hình tương tác".into(),
        kind: "interactive_display".into(),
        ..Default::default()
    };
    let dev_b = devices::create(&t.ctx, &admin_b, b, &input, None)
        .await
        .unwrap();
    let e = devices::list(&t.ctx, &officer, b, &DeviceFilter::default())
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);
    let e = devices::get(&t.ctx, &officer, dev_b.id).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);
    let e = devices::export_csv(&t.ctx, &officer, b).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);
    let e = materials::storage(&t.ctx, &officer, b).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);

    // Utilisation of every school the officer sees: not B's device; B named: not found.
    let all = utilisation::utilisation(&t.ctx, &officer, &UtilisationFilter::default())
        .await
        .unwrap();
    assert!(all.devices.iter().all(|d| d.school_id != b), "{all:?}");
    let dept = t.department().await;
    let whole = utilisation::utilisation(&t.ctx, &dept, &UtilisationFilter::default())
        .await
        .unwrap();
    assert!(whole.devices.iter().any(|d| d.school_id == b));
    let e = utilisation::utilisation(
        &t.ctx,
        &officer,
        &UtilisationFilter {
            school_id: Some(b),
            ..Default::default()
        },
    )
    .await
    .unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);

    // The on-time ranking names no school of another area.
    let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
    let ranking = roll_calls::on_time_by_school(&t.ctx, &officer, day, day)
        .await
        .unwrap();
    assert!(ranking.iter().all(|r| r.school_id != b));

    // The pilot's province-wide settings are not the officer's.
    let e = pilot::officers(&t.ctx, &officer).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::Forbidden);
});

both_engines!(an_officer_cannot_take_over_accounts, |t| async move {
    let (a1, _, b) = province(&t).await;
    let area_id = t
        .school_with(NewSchool {
            code: "TH-X".into(),
            name: "Trường TH-X".into(),
            level: SchoolLevel::Thcs,
            area: "Xã Trong Vùng".into(),
            former_district: None,
            students: 1,
        })
        .await
        .area_id;
    let officer = t.officer(area_id).await;
    let sogd = t.department().await;
    let sys = t.sysadmin().await;
    let users_before = t.count("users").await;

    // No province-wide account, no sysadmin, no school admin outside the area.
    for (i, (role, school)) in [
        (Role::Department, None),
        (Role::Sysadmin, None),
        (Role::SchoolAdmin, Some(b)),
        (Role::Teacher, Some(a1)),
    ]
    .into_iter()
    .enumerate()
    {
        let e = users::create(
            &t.ctx,
            &officer,
            &new_user(&format!("x{i}"), role, school),
            None,
        )
        .await
        .unwrap_err();
        assert_eq!(e.code, ErrorCode::Forbidden, "{role:?} at {school:?}");
    }
    assert_eq!(t.count("users").await, users_before, "nothing written");
    // A school admin inside the area: yes.
    let admin = users::create(
        &t.ctx,
        &officer,
        &new_user("admin.a1", Role::SchoolAdmin, Some(a1)),
        None,
    )
    .await
    .unwrap();
    assert_eq!(admin.school_id, Some(a1));

    // Another department account: not disabled, not reset, not read.
    let e = users::set_active(&t.ctx, &officer, sogd.user_id, false, None)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);
    let e = users::reset_password(&t.ctx, &officer, sogd.user_id, "mat-khau-chiem", None)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);
    // Nor by the province-wide department: only a sysadmin manages department accounts.
    let e = users::set_active(&t.ctx, &sogd, officer.user_id, false, None)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Forbidden);
    // Its own scope and active flag: nobody changes them.
    let e = pilot::set_officer_area(&t.ctx, &officer, officer.user_id, None, None)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Forbidden);
    let e = users::set_active(&t.ctx, &sys, sys.user_id, true, None)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Validation);
    // The province-wide department sets officers' areas; a sysadmin disables the officer.
    pilot::set_officer_area(&t.ctx, &sogd, officer.user_id, None, None)
        .await
        .unwrap();
    users::set_active(&t.ctx, &sys, officer.user_id, false, None)
        .await
        .unwrap();
});

both_engines!(
    the_utilisation_overview_sums_areas_in_the_database,
    |t| async move {
        let (a1, a2, b) = province(&t).await;
        let input = |name: &str| DeviceInput {
            name: name.into(),
            kind: "projector".into(),
            ..Default::default()
        };
        for (school, n) in [(a1, 2), (a2, 1), (b, 3)] {
            let admin = t.school_admin(school).await;
            for i in 0..n {
                devices::create(
                    &t.ctx,
                    &admin,
                    school,
                    &input(&format!("Máy chiếu {i}")),
                    None,
                )
                .await
                .unwrap();
            }
        }
        let dept = t.department().await;
        let v = utilisation::view(&t.ctx, &dept, &UtilisationFilter::default())
            .await
            .unwrap();
        assert!(
            v.report.devices.is_empty(),
            "no per-device rows across schools"
        );
        let areas: Vec<(String, i64, i64)> = v
            .report
            .areas
            .iter()
            .map(|a| (a.name.clone(), a.schools, a.devices))
            .collect();
        assert_eq!(
            areas,
            [
                ("Xã Ngoài Vùng".to_owned(), 1, 3),
                ("Xã Trong Vùng".to_owned(), 2, 3)
            ]
        );
        assert_eq!(v.report.areas_total, 2);
        assert_eq!(v.report.kinds.iter().map(|k| k.devices).sum::<i64>(), 6);
        // One area's schools.
        let area_a = schools::get(&t.ctx, &dept, a1).await.unwrap().area_id;
        let f = UtilisationFilter {
            area: Some(area_a),
            ..Default::default()
        };
        let v = utilisation::view(&t.ctx, &dept, &f).await.unwrap();
        let schools: Vec<(SchoolId, i64)> = v
            .report
            .schools
            .iter()
            .map(|s| (s.school_id, s.devices))
            .collect();
        assert_eq!(schools, [(a1, 2), (a2, 1)]);
        // An officer of the other area sees their area's schools at once, not this area.
        let area_b = schools::get(&t.ctx, &dept, b).await.unwrap().area_id;
        let officer = t.officer(area_b).await;
        let v = utilisation::view(&t.ctx, &officer, &UtilisationFilter::default())
            .await
            .unwrap();
        assert_eq!(v.area.as_ref().map(|a| a.0), Some(area_b));
        let schools: Vec<(SchoolId, i64)> = v
            .report
            .schools
            .iter()
            .map(|s| (s.school_id, s.devices))
            .collect();
        assert_eq!(schools, [(b, 3)]);
        let e = utilisation::view(&t.ctx, &officer, &f).await.unwrap_err();
        assert_eq!(e.code, ErrorCode::NotFound);
    }
);
