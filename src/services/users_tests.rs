//! Accounts: who may create whom, uniqueness, validation, the CSV import, on both engines.

use crate::error::Details;
use crate::ids::SchoolId;
use crate::model::{Actor, Role};
use crate::services::testing::{FIXTURE_PASSWORD, TestDb};
use crate::services::users::{self, NewUser};
use crate::services::{auth, testing};
use crate::{ErrorCode, both_engines};
use std::collections::BTreeSet;

const IP: &str = "203.0.113.7";

fn new_user(username: &str, role: Role, school: Option<SchoolId>) -> NewUser {
    NewUser {
        username: username.into(),
        full_name: "Nguyễn Thị Hoà".into(),
        role: role.as_str().into(),
        school_id: school,
        password: "mat-khau-moi-1".into(),
    }
}

fn lines_of(e: &crate::Error) -> Vec<u64> {
    match &e.details {
        Details::Lines(l) => l.iter().map(|l| l.line).collect(),
        d => panic!("expected line errors, got {d:?} ({e})"),
    }
}

fn fields_of(e: &crate::Error) -> BTreeSet<String> {
    match &e.details {
        Details::Fields(f) => f.iter().map(|f| f.field.clone()).collect(),
        d => panic!("expected field errors, got {d:?} ({e})"),
    }
}

async fn can_login(t: &TestDb, username: &str, password: &str) -> bool {
    match auth::login(&t.ctx, username, password, IP, None).await {
        Ok(_) => true,
        Err(e) if e.code == ErrorCode::InvalidCredentials => false,
        Err(e) => panic!("login {username}: {e}"),
    }
}

/// Who acts, the role created, the school named, and the new account's school or the error.
type Case<'a> = (
    &'a Actor,
    Role,
    Option<SchoolId>,
    Result<Option<SchoolId>, ErrorCode>,
);

both_engines!(create_permission_matrix, |t| async move {
    let a = t.school("TH0001").await;
    let b = t.school("TH0002").await;
    let teacher = t.teacher(a.id).await;
    let sa = t.school_admin(a.id).await;
    let dept = t.department().await;
    let sys = t.sysadmin().await;
    use Role::*;
    let cases: Vec<Case> = vec![
        (&teacher, Teacher, Some(a.id), Err(ErrorCode::Forbidden)),
        (&teacher, SchoolAdmin, Some(a.id), Err(ErrorCode::Forbidden)),
        (&teacher, Department, None, Err(ErrorCode::Forbidden)),
        (&sa, Teacher, Some(a.id), Ok(Some(a.id))),
        (&sa, Teacher, None, Ok(Some(a.id))),
        (&sa, Teacher, Some(b.id), Err(ErrorCode::Forbidden)),
        (
            &sa,
            Teacher,
            Some(SchoolId(999_999)),
            Err(ErrorCode::Forbidden),
        ),
        (&sa, SchoolAdmin, Some(a.id), Err(ErrorCode::Forbidden)),
        (&sa, SchoolAdmin, Some(b.id), Err(ErrorCode::Forbidden)),
        (&sa, Department, None, Err(ErrorCode::Forbidden)),
        (&sa, Sysadmin, None, Err(ErrorCode::Forbidden)),
        (&dept, SchoolAdmin, Some(a.id), Ok(Some(a.id))),
        (&dept, SchoolAdmin, Some(b.id), Ok(Some(b.id))),
        // Only a sysadmin creates department and sysadmin accounts.
        (&dept, Department, None, Err(ErrorCode::Forbidden)),
        (&dept, Teacher, Some(a.id), Err(ErrorCode::Forbidden)),
        (&dept, Sysadmin, None, Err(ErrorCode::Forbidden)),
        (&sys, Teacher, Some(b.id), Ok(Some(b.id))),
        (&sys, SchoolAdmin, Some(a.id), Ok(Some(a.id))),
        (&sys, Department, None, Ok(None)),
        (&sys, Sysadmin, None, Ok(None)),
    ];
    for (i, (actor, role, school, expected)) in cases.into_iter().enumerate() {
        let username = format!("new.{i}");
        let what = format!("{:?} creates {role:?} at {school:?}", actor.role);
        let users_before = t.count("users").await;
        let audit_before = t.audit("user.create").await.len();
        let got = users::create(&t.ctx, actor, &new_user(&username, role, school), Some(IP)).await;
        match (got, expected) {
            (Ok(u), Ok(school)) => {
                assert_eq!((u.role, u.school_id), (role, school), "{what}");
                assert_eq!(u.username, username);
                assert_eq!(t.count("users").await, users_before + 1, "{what}");
                let rec = t.audit("user.create").await;
                assert_eq!(rec.len(), audit_before + 1, "{what}");
                assert_eq!(
                    rec[0].actor.as_deref(),
                    Some(actor.username.as_str()),
                    "{what}"
                );
                assert_eq!(rec[0].object, format!("user:{}", u.id), "{what}");
                assert_eq!(rec[0].school_id, school, "{what}");
                assert!(
                    !rec[0]
                        .new_value
                        .as_deref()
                        .unwrap_or("")
                        .contains("mat-khau")
                );
            }
            (Err(e), Err(code)) => {
                assert_eq!(e.code, code, "{what}: {e}");
                assert_eq!(t.count("users").await, users_before, "{what} wrote a user");
                assert_eq!(t.audit("user.create").await.len(), audit_before, "{what}");
            }
            (got, expected) => panic!("{what}: got {got:?}, expected {expected:?}"),
        }
    }
    // The new accounts work.
    assert!(can_login(&t, "new.3", "mat-khau-moi-1").await);
});

both_engines!(usernames_are_unique_ignoring_case, |t| async move {
    let a = t.school("TH0001").await;
    let sys = t.sysadmin().await;
    users::create(
        &t.ctx,
        &sys,
        &new_user("gv.hoa", Role::Teacher, Some(a.id)),
        None,
    )
    .await
    .unwrap();
    let before = t.count("users").await;
    let e = users::create(
        &t.ctx,
        &sys,
        &new_user(" GV.Hoa ", Role::Teacher, Some(a.id)),
        None,
    )
    .await
    .unwrap_err();
    assert_eq!(e.code, ErrorCode::Conflict);
    assert_eq!(fields_of(&e), BTreeSet::from(["username".to_owned()]));
    // Also against an account of another role or school.
    let e = users::create(
        &t.ctx,
        &sys,
        &new_user("gv.hoa", Role::Department, None),
        None,
    )
    .await
    .unwrap_err();
    assert_eq!(e.code, ErrorCode::Conflict);
    assert_eq!(t.count("users").await, before);
    assert_eq!(t.audit("user.create").await.len(), 1);
});

both_engines!(
    concurrent_creates_of_one_username_make_one_account,
    |t| async move {
        let a = t.school("TH0001").await;
        let sa = t.school_admin(a.id).await;
        let mut tasks = Vec::new();
        for _ in 0..8 {
            let ctx = t.ctx.clone();
            let sa = sa.clone();
            tasks.push(tokio::spawn(async move {
                users::create(&ctx, &sa, &new_user("gv.trung", Role::Teacher, None), None).await
            }));
        }
        let mut ok = 0;
        for task in tasks {
            match task.await.unwrap() {
                Ok(_) => ok += 1,
                Err(e) => assert_eq!(e.code, ErrorCode::Conflict, "{e}"),
            }
        }
        assert_eq!(ok, 1);
        assert_eq!(t.audit("user.create").await.len(), 1);
    }
);

both_engines!(validation_reports_every_bad_field_at_once, |t| async move {
    let sys = t.sysadmin().await;
    let bad = NewUser {
        username: "x".into(),
        full_name: "   ".into(),
        role: "principal".into(),
        school_id: None,
        password: "short".into(),
    };
    let e = users::create(&t.ctx, &sys, &bad, None).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::Validation);
    let want = ["username", "full_name", "role", "password"].map(String::from);
    assert_eq!(fields_of(&e), BTreeSet::from(want));
    // A teacher needs a school that exists; a department account has none.
    let mut n = new_user("gv.lan", Role::Teacher, None);
    n.password = "1234567".into();
    let e = users::create(&t.ctx, &sys, &n, None).await.unwrap_err();
    assert_eq!(
        fields_of(&e),
        BTreeSet::from(["school_id", "password"].map(String::from))
    );
    let n = new_user("gv.lan", Role::Teacher, Some(SchoolId(424_242)));
    let e = users::create(&t.ctx, &sys, &n, None).await.unwrap_err();
    assert_eq!(fields_of(&e), BTreeSet::from(["school_id".to_owned()]));
    let s = t.school("TH0001").await;
    let n = new_user("so.lan", Role::Department, Some(s.id));
    let e = users::create(&t.ctx, &sys, &n, None).await.unwrap_err();
    assert_eq!(fields_of(&e), BTreeSet::from(["school_id".to_owned()]));
    // Every message is translated.
    let loc = e.localize(crate::Lang::En);
    assert!(
        loc.fields
            .iter()
            .all(|(_, m)| !m.is_empty() && !m.starts_with("validation."))
    );
    assert_eq!(t.count("users").await, 1);
});

both_engines!(managing_accounts_respects_schools, |t| async move {
    let a = t.school("TH0001").await;
    let b = t.school("TH0002").await;
    let sa = t.school_admin(a.id).await;
    let sb = t.school_admin(b.id).await;
    let dept = t.department().await;
    let ta = t.teacher(a.id).await;
    // Another school's teacher is not even visible.
    let e = users::set_active(&t.ctx, &sb, ta.user_id, false, None)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);
    let e = users::get(&t.ctx, &sb, ta.user_id).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);
    // The department sees teachers but does not manage them.
    let e = users::set_active(&t.ctx, &dept, ta.user_id, false, None)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Forbidden);
    // Nobody disables themselves.
    let sys = t.sysadmin().await;
    let e = users::set_active(&t.ctx, &sys, sys.user_id, false, None)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Validation);
    assert!(t.audit("user.disable").await.is_empty());
    // Lists: a school admin sees their own school only.
    let page = users::list(&t.ctx, &sa, a.id, None, None).await.unwrap();
    let names: BTreeSet<_> = page.items.iter().map(|u| u.user.username.clone()).collect();
    assert_eq!(
        names,
        BTreeSet::from([sa.username.clone(), ta.username.clone()])
    );
    assert_eq!(page.total, 2);
    let e = users::list(&t.ctx, &sa, b.id, None, None)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);
    let e = users::list(&t.ctx, &ta, a.id, None, None)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Forbidden);
    let page = users::list(&t.ctx, &dept, b.id, Some(Role::SchoolAdmin), None)
        .await
        .unwrap();
    assert_eq!(
        page.items.iter().map(|u| u.user.id).collect::<Vec<_>>(),
        vec![sb.user_id]
    );
    // Reset password: the old one stops working and sessions end.
    let (_, tok) = auth::login(&t.ctx, &ta.username, FIXTURE_PASSWORD, IP, None)
        .await
        .unwrap();
    users::reset_password(&t.ctx, &sa, ta.user_id, "mot-mat-khau-moi", None)
        .await
        .unwrap();
    assert!(auth::session_user(&t.ctx, &tok.0).await.unwrap().is_none());
    assert!(!can_login(&t, &ta.username, FIXTURE_PASSWORD).await);
    assert!(can_login(&t, &ta.username, "mot-mat-khau-moi").await);
    let rec = t.audit("user.reset_password").await;
    assert_eq!(rec.len(), 1);
    assert!(format!("{rec:?}").find("mot-mat-khau-moi").is_none());
});

both_engines!(users_search_ignores_case_and_diacritics, |t| async move {
    let a = t.school("TH0001").await;
    let sa = t.school_admin(a.id).await;
    let hoa = t
        .user_named("gv.hoa", "Nguyễn Thị Hoà", Role::Teacher, Some(a.id))
        .await;
    let dong = t
        .user_named("gv.dong", "Trần Văn Đông", Role::Teacher, Some(a.id))
        .await;
    let school = a.id;
    let find = |q: &'static str| {
        let (ctx, sa) = (t.ctx.clone(), sa.clone());
        async move {
            let page = users::list(&ctx, &sa, school, Some(Role::Teacher), Some(q))
                .await
                .unwrap();
            page.items
                .iter()
                .map(|u| u.user.id)
                .collect::<BTreeSet<_>>()
        }
    };
    assert_eq!(find("HOA").await, BTreeSet::from([hoa.user_id]));
    assert_eq!(find("đông trần").await, BTreeSet::from([dong.user_id]));
    assert_eq!(find("nguyen dong").await, BTreeSet::new());
    assert_eq!(
        find("gv.").await,
        BTreeSet::from([hoa.user_id, dong.user_id])
    );
    assert_eq!(
        find("%").await,
        BTreeSet::new(),
        "LIKE wildcards are escaped"
    );
});

const GOOD: &str = "username,full_name,role,school_code,password
gv.lan,Trần Thị Lan,teacher,TH0001,matkhau-lan
gv.hung,Lê Văn Hùng,teacher,th0001,matkhau-hung
qt.th0002,Phạm Thị Mai,school_admin,TH0002,matkhau-mai
";

both_engines!(users_import_is_all_or_nothing, |t| async move {
    t.school("TH0001").await;
    t.school("TH0002").await;
    let dept = t.department().await;
    let sys = t.sysadmin().await;
    let bad = "username,full_name,role,school_code,password
gv.lan,Trần Thị Lan,teacher,TH0001,matkhau-lan
x,Nguyễn Văn An,teacher,TH0001,matkhau-an
gv.hung,Lê Văn Hùng,teacher,TH0001,matkhau-hung
gv.mai,Phạm Thị Mai,teacher,TH9999,short
gv.hung,Lê Văn Hùng,teacher,TH0001,matkhau-hung
";
    let users_before = t.count("users").await;
    let audit_before = t.count("audit_log").await;
    let e = users::import_csv(&t.ctx, &sys, bad.as_bytes(), None)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Validation);
    assert_eq!(lines_of(&e), vec![3, 5, 5, 6], "{e:?}");
    assert_eq!(t.count("users").await, users_before);
    assert_eq!(t.count("audit_log").await, audit_before);
    // Two bad lines, two line numbers.
    let two_bad = GOOD
        .replace("gv.hung,", "?,")
        .replace(",school_admin,", ",boss,");
    let e = users::import_csv(&t.ctx, &sys, two_bad.as_bytes(), None)
        .await
        .unwrap_err();
    assert_eq!(lines_of(&e), vec![3, 4]);
    assert_eq!(t.count("users").await, users_before);
    // The department may not import teachers: every teacher line is refused, nothing written.
    let e = users::import_csv(&t.ctx, &dept, GOOD.as_bytes(), None)
        .await
        .unwrap_err();
    assert_eq!(lines_of(&e), vec![2, 3]);
    assert_eq!(t.count("users").await, users_before);
    assert_eq!(t.count("audit_log").await, audit_before);
});

both_engines!(
    users_reimport_changes_nothing_and_keeps_passwords,
    |t| async move {
        let a = t.school("TH0001").await;
        t.school("TH0002").await;
        let sys = t.sysadmin().await;
        let out = users::import_csv(&t.ctx, &sys, GOOD.as_bytes(), Some(IP))
            .await
            .unwrap();
        assert_eq!((out.created, out.updated), (3, 0));
        assert_eq!(t.audit("user.create").await.len(), 3);
        let lan = users::list(&t.ctx, &sys, a.id, None, Some("lan"))
            .await
            .unwrap();
        assert_eq!(lan.items.len(), 1);
        assert_eq!(lan.items[0].user.full_name, "Trần Thị Lan");
        assert!(can_login(&t, "gv.lan", "matkhau-lan").await);
        // The same file again: nothing changes, not even the audit log.
        let audit = t.count("audit_log").await;
        let out = users::import_csv(&t.ctx, &sys, GOOD.as_bytes(), Some(IP))
            .await
            .unwrap();
        assert_eq!((out.created, out.updated), (0, 0));
        assert_eq!(t.count("audit_log").await, audit);
        // New passwords in the file never reset existing accounts.
        let other_pw = GOOD.replace("matkhau-", "khac-");
        let out = users::import_csv(&t.ctx, &sys, other_pw.as_bytes(), None)
            .await
            .unwrap();
        assert_eq!((out.created, out.updated), (0, 0));
        assert!(can_login(&t, "gv.lan", "matkhau-lan").await);
        assert!(!can_login(&t, "gv.lan", "khac-lan").await);
        // A changed name counts as one update, password still kept.
        let renamed = other_pw.replace("Trần Thị Lan", "Trần Thị Lan Anh");
        let out = users::import_csv(&t.ctx, &sys, renamed.as_bytes(), None)
            .await
            .unwrap();
        assert_eq!((out.created, out.updated), (0, 1));
        let rec = t.audit("user.update").await;
        assert_eq!(rec.len(), 1);
        assert!(
            rec[0]
                .new_value
                .as_deref()
                .unwrap_or("")
                .contains("Trần Thị Lan Anh")
        );
        assert!(can_login(&t, "gv.lan", "matkhau-lan").await);
    }
);

both_engines!(school_admin_imports_into_own_school_only, |t| async move {
    let a = t.school("TH0001").await;
    let b = t.school("TH0002").await;
    let sa = t.school_admin(a.id).await;
    let tb = t.teacher(b.id).await;
    let own = "username;full_name;role;school_code;password\r\n\
               gv.an;Đỗ Văn An;teacher;;matkhau-an\r\n\
               gv.binh;Ngô Thị Bình;teacher;TH0001;matkhau-binh\r\n";
    let out = users::import_csv(&t.ctx, &sa, own.as_bytes(), None)
        .await
        .unwrap();
    assert_eq!((out.created, out.updated), (2, 0));
    let page = users::list(&t.ctx, &sa, a.id, Some(Role::Teacher), None)
        .await
        .unwrap();
    assert_eq!(page.total, 2);
    // Another school's code, or another school's existing account, is a bad line.
    let other = format!(
        "username,full_name,role,school_code,password\n\
         gv.cuong,Vũ Văn Cường,teacher,TH0002,matkhau-cuong\n\
         {},Người Khác,teacher,,matkhau-khac\n",
        tb.username
    );
    let before = t.count("users").await;
    let e = users::import_csv(&t.ctx, &sa, other.as_bytes(), None)
        .await
        .unwrap_err();
    assert_eq!(lines_of(&e), vec![2, 3]);
    assert_eq!(t.count("users").await, before);
    assert!(
        can_login(&t, &tb.username, testing::FIXTURE_PASSWORD).await,
        "not taken over"
    );
});
