//! Logins, sessions, throttling and their audit records (RELIABILITY.md #4, #8), on both engines.

use crate::ErrorCode;
use crate::both_engines;
use crate::services::auth;
use crate::services::testing::FIXTURE_PASSWORD;
use crate::services::throttle;
use crate::services::users;

const IP: &str = "203.0.113.7";
const OTHER_IP: &str = "198.51.100.20";

both_engines!(login_opens_a_session, |t| async move {
    let s = t.school("TH0001").await;
    let a = t.teacher(s.id).await;
    let (u, tok) = auth::login(&t.ctx, &a.username, FIXTURE_PASSWORD, IP, None)
        .await
        .unwrap();
    assert_eq!(u.id, a.user_id);
    assert_eq!(u.school_id, Some(s.id));
    let me = auth::session_user(&t.ctx, &tok.0)
        .await
        .unwrap()
        .expect("a live session");
    assert_eq!(me, u);
    // The username ignores case and surrounding spaces.
    let shouted = format!("  {}  ", a.username.to_uppercase());
    let (u2, tok2) = auth::login(&t.ctx, &shouted, FIXTURE_PASSWORD, IP, None)
        .await
        .unwrap();
    assert_eq!(u2.id, u.id);
    assert_ne!(tok2, tok, "every login gets its own token");
    assert_eq!(t.sessions_of(a.user_id).await, 2);
    // An unknown token is no session.
    assert!(
        auth::session_user(&t.ctx, "not-a-token")
            .await
            .unwrap()
            .is_none()
    );
});

both_engines!(
    wrong_password_unknown_user_and_disabled_get_the_same_answer,
    |t| async move {
        let s = t.school("TH0001").await;
        let admin = t.school_admin(s.id).await;
        let a = t.teacher(s.id).await;
        let off = t.teacher(s.id).await;
        users::set_active(&t.ctx, &admin, off.user_id, false, None)
            .await
            .unwrap();
        let wrong = auth::login(&t.ctx, &a.username, "wrong password!", IP, None)
            .await
            .unwrap_err();
        let unknown = auth::login(&t.ctx, "nobody.here", FIXTURE_PASSWORD, IP, None)
            .await
            .unwrap_err();
        let disabled = auth::login(&t.ctx, &off.username, FIXTURE_PASSWORD, IP, None)
            .await
            .unwrap_err();
        assert_eq!(wrong.code, ErrorCode::InvalidCredentials);
        assert_eq!(
            wrong, unknown,
            "message and details must not tell the cases apart"
        );
        assert_eq!(wrong, disabled);
        assert_eq!(t.count("sessions").await, 0);
        let failed = t.audit("login_failed").await;
        let tried: Vec<_> = failed
            .iter()
            .rev()
            .map(|e| e.actor.clone().unwrap_or_default())
            .collect();
        assert_eq!(
            tried,
            vec![
                a.username.clone(),
                "nobody.here".into(),
                off.username.clone()
            ]
        );
        assert!(t.audit("login").await.is_empty());
    }
);

both_engines!(disabling_kills_sessions_at_once, |t| async move {
    let s = t.school("TH0001").await;
    let admin = t.school_admin(s.id).await;
    let a = t.teacher(s.id).await;
    let bystander = t.teacher(s.id).await;
    let (_, phone) = auth::login(&t.ctx, &a.username, FIXTURE_PASSWORD, IP, None)
        .await
        .unwrap();
    let (_, pc) = auth::login(&t.ctx, &a.username, FIXTURE_PASSWORD, OTHER_IP, None)
        .await
        .unwrap();
    let (_, other) = auth::login(&t.ctx, &bystander.username, FIXTURE_PASSWORD, IP, None)
        .await
        .unwrap();
    let acc = users::set_active(&t.ctx, &admin, a.user_id, false, Some(IP))
        .await
        .unwrap();
    assert!(!acc.active);
    // The rows are gone, not merely hidden while the account is off.
    assert_eq!(t.sessions_of(a.user_id).await, 0);
    assert!(
        auth::session_user(&t.ctx, &phone.0)
            .await
            .unwrap()
            .is_none()
    );
    assert!(auth::session_user(&t.ctx, &pc.0).await.unwrap().is_none());
    assert!(
        auth::session_user(&t.ctx, &other.0)
            .await
            .unwrap()
            .is_some(),
        "others keep theirs"
    );
    let e = auth::login(&t.ctx, &a.username, FIXTURE_PASSWORD, IP, None)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidCredentials);
    let rec = t.audit("user.disable").await;
    assert_eq!(rec.len(), 1);
    assert_eq!(rec[0].object, format!("user:{}", a.user_id));
    assert_eq!(rec[0].actor.as_deref(), Some(admin.username.as_str()));
    assert_eq!(rec[0].school_id, Some(s.id));
    assert!(
        rec[0]
            .old_value
            .as_deref()
            .unwrap_or("")
            .contains("\"active\":true")
    );
    assert!(
        rec[0]
            .new_value
            .as_deref()
            .unwrap_or("")
            .contains("\"active\":false")
    );
    // Enabling again lets the user in with a new session; the old ones stay dead.
    users::set_active(&t.ctx, &admin, a.user_id, true, None)
        .await
        .unwrap();
    assert!(
        auth::session_user(&t.ctx, &phone.0)
            .await
            .unwrap()
            .is_none()
    );
    let (_, fresh) = auth::login(&t.ctx, &a.username, FIXTURE_PASSWORD, IP, None)
        .await
        .unwrap();
    assert!(
        auth::session_user(&t.ctx, &fresh.0)
            .await
            .unwrap()
            .is_some()
    );
    assert_eq!(t.audit("user.enable").await.len(), 1);
});

both_engines!(session_idle_timeout, |t| async move {
    let s = t.school("TH0001").await;
    let a = t.teacher(s.id).await;
    let idle = t.ctx.sessions.idle_timeout;
    assert!(idle < t.ctx.sessions.absolute_timeout);
    let (_, used) = auth::login(&t.ctx, &a.username, FIXTURE_PASSWORD, IP, None)
        .await
        .unwrap();
    let (_, unused) = auth::login(&t.ctx, &a.username, FIXTURE_PASSWORD, IP, None)
        .await
        .unwrap();
    // Use keeps a session alive past the idle timeout.
    t.advance(idle - 1);
    assert!(auth::session_user(&t.ctx, &used.0).await.unwrap().is_some());
    t.advance(idle - 1);
    assert!(auth::session_user(&t.ctx, &used.0).await.unwrap().is_some());
    // The one left alone died at the idle timeout.
    assert!(
        auth::session_user(&t.ctx, &unused.0)
            .await
            .unwrap()
            .is_none()
    );
    // Exactly the idle timeout after the last use is too late.
    t.advance(idle);
    assert!(auth::session_user(&t.ctx, &used.0).await.unwrap().is_none());
    assert_eq!(
        t.sessions_of(a.user_id).await,
        0,
        "dead sessions are removed"
    );
    // And a dead session stays dead.
    t.advance(-idle);
    assert!(auth::session_user(&t.ctx, &used.0).await.unwrap().is_none());
});

both_engines!(session_absolute_timeout, |t| async move {
    let s = t.school("TH0001").await;
    let a = t.teacher(s.id).await;
    let idle = t.ctx.sessions.idle_timeout;
    let absolute = t.ctx.sessions.absolute_timeout;
    let (_, tok) = auth::login(&t.ctx, &a.username, FIXTURE_PASSWORD, IP, None)
        .await
        .unwrap();
    let step = idle / 2;
    let mut elapsed = 0;
    // Used every half idle period, it lives until the absolute timeout and not a second more.
    while elapsed + step < absolute {
        t.advance(step);
        elapsed += step;
        assert!(
            auth::session_user(&t.ctx, &tok.0).await.unwrap().is_some(),
            "alive after {elapsed} s"
        );
    }
    t.advance(absolute - elapsed - 1);
    assert!(
        auth::session_user(&t.ctx, &tok.0).await.unwrap().is_some(),
        "alive 1 s before"
    );
    t.advance(1);
    assert!(
        auth::session_user(&t.ctx, &tok.0).await.unwrap().is_none(),
        "dead at the timeout"
    );
});

both_engines!(logout_kills_the_session, |t| async move {
    let s = t.school("TH0001").await;
    let a = t.teacher(s.id).await;
    let (_, tok) = auth::login(&t.ctx, &a.username, FIXTURE_PASSWORD, IP, None)
        .await
        .unwrap();
    let (_, other) = auth::login(&t.ctx, &a.username, FIXTURE_PASSWORD, IP, None)
        .await
        .unwrap();
    auth::logout(&t.ctx, &tok.0, Some(IP)).await.unwrap();
    assert!(auth::session_user(&t.ctx, &tok.0).await.unwrap().is_none());
    assert_eq!(t.sessions_of(a.user_id).await, 1);
    // Who left, and from where, is in the audit log.
    let out = t.audit("logout").await;
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].actor.as_deref(), Some(a.username.as_str()));
    assert!(
        auth::session_user(&t.ctx, &other.0)
            .await
            .unwrap()
            .is_some(),
        "other device kept"
    );
    // Logging out twice, or with a made-up token, is harmless.
    auth::logout(&t.ctx, &tok.0, Some(IP)).await.unwrap();
    auth::logout(&t.ctx, "made-up", Some(IP)).await.unwrap();
    assert_eq!(t.sessions_of(a.user_id).await, 1);
    assert_eq!(
        t.audit("logout").await.len(),
        1,
        "no record without a live session"
    );
});

both_engines!(login_rotates_the_session_id, |t| async move {
    let s = t.school("TH0001").await;
    let a = t.teacher(s.id).await;
    let b = t.teacher(s.id).await;
    let (_, old) = auth::login(&t.ctx, &a.username, FIXTURE_PASSWORD, IP, None)
        .await
        .unwrap();
    let (_, new) = auth::login(&t.ctx, &a.username, FIXTURE_PASSWORD, IP, Some(&old.0))
        .await
        .unwrap();
    assert_ne!(old, new);
    assert!(auth::session_user(&t.ctx, &old.0).await.unwrap().is_none());
    assert!(auth::session_user(&t.ctx, &new.0).await.unwrap().is_some());
    assert_eq!(t.sessions_of(a.user_id).await, 1);
    // Signing in as someone else on the same browser ends the previous user's session too.
    let (u, third) = auth::login(&t.ctx, &b.username, FIXTURE_PASSWORD, IP, Some(&new.0))
        .await
        .unwrap();
    assert_eq!(u.id, b.user_id);
    assert!(auth::session_user(&t.ctx, &new.0).await.unwrap().is_none());
    assert_eq!(
        auth::session_user(&t.ctx, &third.0)
            .await
            .unwrap()
            .map(|u| u.id),
        Some(b.user_id)
    );
});

both_engines!(throttling_after_repeated_failures, |t| async move {
    let s = t.school("TH0001").await;
    let a = t.teacher(s.id).await;
    let neighbour = t.teacher(s.id).await;
    for i in 0..throttle::PER_ACCOUNT_ADDR.free {
        let e = auth::login(&t.ctx, &a.username, "wrong password!", IP, None)
            .await
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidCredentials, "attempt {}", i + 1);
    }
    // One more wrong one is still checked, and starts the delay.
    let e = auth::login(&t.ctx, &a.username, "wrong password!", IP, None)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidCredentials);
    // Now even the right password waits, with a time to wait.
    let e = auth::login(&t.ctx, &a.username, FIXTURE_PASSWORD, IP, None)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::RateLimited);
    assert_eq!(e.code.status(), 429);
    let wait = e.retry_after.expect("retry_after");
    assert_eq!(wait, throttle::PER_ACCOUNT_ADDR.step as u64);
    assert_eq!(t.count("sessions").await, 0);
    let rec = t.audit("login_throttled").await;
    assert_eq!(rec.len(), 1);
    assert_eq!(rec[0].actor.as_deref(), Some(a.username.as_str()));
    // A refused attempt does not grow the wait.
    for _ in 0..5 {
        let e = auth::login(&t.ctx, &a.username, "wrong password!", IP, None)
            .await
            .unwrap_err();
        assert_eq!(e.retry_after, Some(wait));
    }
    // A colleague behind the same school address, and the same teacher elsewhere, get in.
    auth::login(&t.ctx, &neighbour.username, FIXTURE_PASSWORD, IP, None)
        .await
        .unwrap();
    auth::login(&t.ctx, &a.username, FIXTURE_PASSWORD, OTHER_IP, None)
        .await
        .unwrap();
    // Once the wait is over, so does the teacher from the first address; a success forgets.
    t.advance(wait as i64);
    auth::login(&t.ctx, &a.username, FIXTURE_PASSWORD, IP, None)
        .await
        .unwrap();
    let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM login_throttle WHERE key LIKE 'u%'")
        .fetch_one(&t.ctx.db.pool)
        .await
        .unwrap();
    assert_eq!(left, 0, "the account's counters are gone after a success");
});

both_engines!(
    a_burst_of_wrong_passwords_is_mostly_refused_unverified,
    |t| async move {
        let s = t.school("TH0001").await;
        let a = t.teacher(s.id).await;
        // 40 wrong passwords at once, as a script sends them.
        let tries = (0..40).map(|_| {
            let ctx = t.ctx.clone();
            let name = a.username.clone();
            tokio::spawn(async move { auth::login(&ctx, &name, "wrong password!", IP, None).await })
        });
        let mut verified = 0;
        let mut refused = 0;
        for r in futures_join(tries).await {
            match r.unwrap_err().code {
                ErrorCode::InvalidCredentials => verified += 1,
                ErrorCode::RateLimited => refused += 1,
                c => panic!("unexpected {c:?}"),
            }
        }
        // At most the free attempts and the first delayed one were checked.
        assert!(
            verified <= throttle::PER_ACCOUNT_ADDR.free + 1,
            "{verified} hashes computed"
        );
        assert_eq!(verified + refused, 40);
        assert_eq!(t.audit("login_failed").await.len() as i64, verified);
        // The teacher's right password gets in within a minute of the burst.
        let e = auth::login(&t.ctx, &a.username, FIXTURE_PASSWORD, IP, None)
            .await
            .unwrap_err();
        let wait = e.retry_after.expect("a wait");
        assert!(wait < 60, "waits {wait} s");
        t.advance(wait as i64);
        auth::login(&t.ctx, &a.username, FIXTURE_PASSWORD, IP, None)
            .await
            .unwrap();
    }
);

both_engines!(
    a_hundred_failures_behind_one_nat_lock_out_nobody_else,
    |t| async move {
        let s = t.school("TH0001").await;
        let colleague = t.teacher(s.id).await;
        // A hundred failures from the school's one address, over many accounts (pupils trying
        // names, a teacher's typos, a guesser), none throttled per address.
        for i in 0..100 {
            let e = auth::login(
                &t.ctx,
                &format!("hs.{}", i % 20),
                "wrong password!",
                IP,
                None,
            )
            .await
            .unwrap_err();
            assert_eq!(e.code, ErrorCode::InvalidCredentials, "attempt {i}");
        }
        auth::login(&t.ctx, &colleague.username, FIXTURE_PASSWORD, IP, None)
            .await
            .expect("a colleague behind the same address signs in");
        // The counters are in the database: another process (a fresh context on the same
        // database, as after a restart or behind a load balancer) sees them.
        let other_process = crate::services::Ctx {
            db: t.ctx.db.clone(),
            clock: t.ctx.clock.clone(),
            sessions: t.ctx.sessions,
            aggregates: Default::default(),
            files: t.ctx.files.clone(),
            pilot_runs: Default::default(),
            hashing: Default::default(),
        };
        let e = auth::login(&other_process, "hs.0", "wrong password!", IP, None)
            .await
            .unwrap_err();
        assert_eq!(
            e.code,
            ErrorCode::RateLimited,
            "hs.0 already failed 5 times"
        );
    }
);

both_engines!(quiet_counters_are_forgotten, |t| async move {
    auth::login(&t.ctx, "khong.ai", "wrong password!", IP, None)
        .await
        .unwrap_err();
    assert_eq!(t.count("login_throttle").await, 3);
    assert_eq!(
        throttle::forget_quiet(&t.ctx).await.unwrap(),
        0,
        "still fresh"
    );
    t.advance(throttle::QUIET + 1);
    assert_eq!(throttle::forget_quiet(&t.ctx).await.unwrap(), 3);
    assert_eq!(t.count("login_throttle").await, 0);
});

both_engines!(
    oversized_logins_are_refused_before_any_work,
    |t| async move {
        let long_name = "a".repeat(1024 * 1024);
        let e = auth::login(&t.ctx, &long_name, "whatever!", IP, None)
            .await
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::Validation);
        let long_password = "p".repeat(1024 * 1024);
        let e = auth::login(&t.ctx, "gv.hoa", &long_password, IP, None)
            .await
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::Validation);
        // Nothing written: no audit row, no counter.
        assert_eq!(t.count("audit_log").await, 0);
        assert_eq!(t.count("login_throttle").await, 0);
    }
);

both_engines!(
    a_password_set_by_an_administrator_is_one_time,
    |t| async move {
        let s = t.school("TH0001").await;
        let admin = t.school_admin(s.id).await;
        let a = t.teacher(s.id).await;
        let (_, phone) = auth::login(&t.ctx, &a.username, FIXTURE_PASSWORD, IP, None)
            .await
            .unwrap();
        users::reset_password(&t.ctx, &admin, a.user_id, "dat-boi-admin", Some(IP))
            .await
            .unwrap();
        assert!(
            auth::session_user(&t.ctx, &phone.0)
                .await
                .unwrap()
                .is_none()
        );
        let (u, tok) = auth::login(&t.ctx, &a.username, "dat-boi-admin", IP, None)
            .await
            .unwrap();
        assert!(u.must_change_password);
        // Signed in, but nothing is allowed until the password is the user's own.
        let caller = crate::services::Caller {
            user: auth::session_user(&t.ctx, &tok.0).await.unwrap(),
            token: Some(tok.0.clone()),
            ..Default::default()
        };
        let e = caller.actor().unwrap_err();
        assert_eq!(e.code, ErrorCode::Forbidden);
        assert_eq!(e.msg.key, "error.password_change_required");
        // The current password is required, and the new one must differ.
        let me = caller.user.clone().unwrap();
        let e = auth::change_password(&t.ctx, &me, "not it", "mat-khau-cua-toi", Some(&tok.0), IP)
            .await
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::Validation);
        let e = auth::change_password(
            &t.ctx,
            &me,
            "dat-boi-admin",
            "dat-boi-admin",
            Some(&tok.0),
            IP,
        )
        .await
        .unwrap_err();
        assert_eq!(e.code, ErrorCode::Validation);
        let (_, second) = auth::login(&t.ctx, &a.username, "dat-boi-admin", OTHER_IP, None)
            .await
            .unwrap();
        auth::change_password(
            &t.ctx,
            &me,
            "dat-boi-admin",
            "mat-khau-cua-toi",
            Some(&tok.0),
            IP,
        )
        .await
        .unwrap();
        // This session goes on, now allowed; the other one is over.
        let now_me = auth::session_user(&t.ctx, &tok.0)
            .await
            .unwrap()
            .expect("kept");
        assert!(!now_me.must_change_password);
        assert!(
            auth::session_user(&t.ctx, &second.0)
                .await
                .unwrap()
                .is_none()
        );
        auth::login(&t.ctx, &a.username, "mat-khau-cua-toi", IP, None)
            .await
            .unwrap();
        auth::login(&t.ctx, &a.username, "dat-boi-admin", IP, None)
            .await
            .unwrap_err();
        assert_eq!(t.audit("user.change_password").await.len(), 1);
        assert_eq!(t.audit("password_change_failed").await.len(), 1);
    }
);

/// Awaits every task.
async fn futures_join<T>(tasks: impl Iterator<Item = tokio::task::JoinHandle<T>>) -> Vec<T> {
    let mut out = Vec::new();
    for h in tasks {
        out.push(h.await.expect("task"));
    }
    out
}

both_engines!(
    audit_of_logins_names_the_user_and_never_a_secret,
    |t| async move {
        let s = t.school("TH0001").await;
        let a = t.teacher(s.id).await;
        let (u, tok) = auth::login(&t.ctx, &a.username, FIXTURE_PASSWORD, IP, None)
            .await
            .unwrap();
        auth::login(&t.ctx, &a.username, "a wrong secret", IP, None)
            .await
            .unwrap_err();
        let login = t.audit("login").await;
        assert_eq!(login.len(), 1);
        assert_eq!(login[0].actor.as_deref(), Some(a.username.as_str()));
        assert_eq!(login[0].school_id, Some(s.id));
        assert_eq!(login[0].object, format!("user:{}", u.id));
        assert_eq!(login[0].at, crate::dates::rfc3339(t.now()));
        let failed = t.audit("login_failed").await;
        assert_eq!(failed.len(), 1);
        assert_eq!(failed[0].actor.as_deref(), Some(a.username.as_str()));
        let ip: Option<String> =
            sqlx::query_scalar("SELECT ip FROM audit_log WHERE action = 'login'")
                .fetch_one(&t.ctx.db.pool)
                .await
                .unwrap();
        assert_eq!(ip.as_deref(), Some(IP));
        for e in t.audit_all().await {
            let text = format!("{e:?}");
            for secret in [FIXTURE_PASSWORD, "a wrong secret", tok.0.as_str()] {
                assert!(!text.contains(secret), "{secret:?} in {text}");
            }
        }
    }
);

/// A sign-in from the browser that carries `device` (a device cookie), at `addr`.
fn on_device<'a>(
    username: &'a str,
    password: &'a str,
    addr: &'a str,
    device: &'a str,
) -> auth::Attempt<'a> {
    auth::Attempt {
        username,
        password,
        addr,
        old_session: None,
        device: Some(device),
    }
}

both_engines!(
    the_owners_browser_signs_in_during_an_attack_on_the_account,
    |t| async move {
        let s = t.school("TH0001").await;
        let owner = t.teacher(s.id).await;
        let guesser = t.teacher(s.id).await;
        // The owner's browser has signed in before: it carries a device cookie.
        let first = auth::sign_in(
            &t.ctx,
            auth::Attempt {
                username: &owner.username,
                password: FIXTURE_PASSWORD,
                addr: IP,
                old_session: None,
                device: None,
            },
        )
        .await
        .unwrap();
        let mut device = first.device.0.clone();
        // The guesser has a device cookie too, for an account of their own.
        let theirs = auth::sign_in(
            &t.ctx,
            auth::Attempt {
                username: &guesser.username,
                password: FIXTURE_PASSWORD,
                addr: OTHER_IP,
                old_session: None,
                device: None,
            },
        )
        .await
        .unwrap()
        .device;
        // 300 wrong passwords, each from a new address; every 30 the owner signs in.
        let (mut tries, mut ok) = (0, 0);
        for i in 0..300 {
            let addr = format!("10.{}.{}.1", i / 250, i % 250);
            let e = auth::login(&t.ctx, &owner.username, "doan-mo-ne", &addr, None)
                .await
                .unwrap_err();
            assert!(
                matches!(
                    e.code,
                    ErrorCode::InvalidCredentials | ErrorCode::RateLimited
                ),
                "{e:?}"
            );
            if i % 30 == 29 {
                tries += 1;
                match auth::sign_in(
                    &t.ctx,
                    on_device(&owner.username, FIXTURE_PASSWORD, IP, &device),
                )
                .await
                {
                    Ok(s) => {
                        assert_eq!(s.user.id, owner.user_id);
                        assert_ne!(s.device.0, device, "a new device token at every sign-in");
                        device = s.device.0;
                        ok += 1;
                    }
                    Err(e) => panic!("owner try {tries}: {e:?}"),
                }
            }
        }
        assert_eq!((ok, tries), (10, 10), "every owner try gets in");
        // The attack itself stayed throttled: few passwords checked, and a browser without the
        // owner's cookie (or with another account's, or a replaced one) waits.
        let checked = t.audit("login_failed").await.len() as i64;
        assert!(
            checked <= throttle::PER_ACCOUNT.free + 1,
            "{checked} checked"
        );
        for cookie in [None, Some(theirs.0.as_str()), Some(first.device.0.as_str())] {
            let e = auth::sign_in(
                &t.ctx,
                auth::Attempt {
                    username: &owner.username,
                    password: FIXTURE_PASSWORD,
                    addr: IP,
                    old_session: None,
                    device: cookie,
                },
            )
            .await
            .unwrap_err();
            assert_eq!(e.code, ErrorCode::RateLimited);
        }
        // The device's own counter: a stolen cookie guesses a few times, then waits too.
        for _ in 0..throttle::PER_DEVICE.free {
            let e = auth::sign_in(
                &t.ctx,
                on_device(&owner.username, "doan-mo-ne", IP, &device),
            )
            .await
            .unwrap_err();
            assert_eq!(e.code, ErrorCode::InvalidCredentials);
        }
        auth::sign_in(
            &t.ctx,
            on_device(&owner.username, "doan-mo-ne", IP, &device),
        )
        .await
        .unwrap_err();
        let e = auth::sign_in(
            &t.ctx,
            on_device(&owner.username, FIXTURE_PASSWORD, IP, &device),
        )
        .await
        .unwrap_err();
        assert_eq!(e.code, ErrorCode::RateLimited);
        // Only hashes are stored, never a device token.
        let stored: Vec<String> = sqlx::query_scalar("SELECT token_hash FROM login_devices")
            .fetch_all(&t.ctx.db.pool)
            .await
            .unwrap();
        assert!(!stored.contains(&device) && !stored.is_empty());
    }
);

both_engines!(
    a_colleague_who_has_not_failed_is_never_refused_behind_a_busy_address,
    |t| async move {
        let s = t.school("TH0001").await;
        let a = t.teacher(s.id).await;
        let colleague = t.teacher(s.id).await;
        // From the school's address: a guesser tries many names (each counted, none refused)
        // and hammers A.
        for i in 0..throttle::PER_ADDR.free + 20 {
            throttle::reserve(&t.ctx, &format!("hs.{i}"), IP)
                .await
                .unwrap();
        }
        for _ in 0..20 {
            auth::login(&t.ctx, &a.username, "doan-mo-ne", IP, None)
                .await
                .unwrap_err();
        }
        let counted: i64 = sqlx::query_scalar("SELECT failures FROM login_throttle WHERE key = $1")
            .bind(format!("a:{IP}"))
            .fetch_one(&t.ctx.db.pool)
            .await
            .unwrap();
        assert!(
            counted > throttle::PER_ADDR.free,
            "{counted} failures from the address"
        );
        // The colleague has not failed: in at once, whatever the address did.
        auth::login(&t.ctx, &colleague.username, FIXTURE_PASSWORD, IP, None)
            .await
            .expect("a colleague behind the same address signs in");
        // A name that has already failed from there waits for the address, as before.
        let e = auth::login(&t.ctx, "hs.0", "doan-mo-ne", IP, None)
            .await
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::RateLimited);
    }
);

both_engines!(
    fifty_correct_logins_from_one_address_ten_at_a_time_all_get_in,
    |t| async move {
        let s = t.school("TH0001").await;
        let mut names = Vec::new();
        for _ in 0..50 {
            names.push(t.teacher(s.id).await.username);
        }
        // The real clock (whole seconds tick during the burst) and the real hashing threads.
        let ctx = crate::services::Ctx {
            clock: crate::services::ctx::Clock::System,
            ..t.ctx.clone()
        };
        let mut got = Vec::new();
        for batch in names.chunks(10) {
            let tries = batch.iter().map(|name| {
                let ctx = ctx.clone();
                let name = name.clone();
                tokio::spawn(async move {
                    auth::login(&ctx, &name, FIXTURE_PASSWORD, IP, None)
                        .await
                        .map(|_| ())
                        .map_err(|e| e.code)
                })
            });
            got.extend(futures_join(tries).await);
        }
        let refused: Vec<_> = got.iter().filter_map(|r| r.err()).collect();
        assert!(refused.is_empty(), "refused: {refused:?}");
        assert_eq!(got.len(), 50);
    }
);

both_engines!(
    a_login_that_read_the_clock_before_a_concurrent_one_is_not_refused,
    |t| async move {
        let s = t.school("TH0001").await;
        let x = t.teacher(s.id).await;
        let y = t.teacher(s.id).await;
        // X's login read 07:00:01 and was counted first; Y's had read 07:00:00 and then waited
        // for the counter's row (another process, a second boundary between the two reads).
        t.advance(1);
        auth::login(&t.ctx, &x.username, FIXTURE_PASSWORD, IP, None)
            .await
            .unwrap();
        t.advance(-1);
        auth::login(&t.ctx, &y.username, FIXTURE_PASSWORD, IP, None)
            .await
            .expect("no second owed to a counter that owes no delay");
        assert!(t.audit("login_throttled").await.is_empty());
    }
);

both_engines!(
    a_hashing_queue_without_a_free_thread_answers_busy_not_too_many_attempts,
    |t| async move {
        let s = t.school("TH0001").await;
        let a = t.teacher(s.id).await;
        // One hashing thread whose slot is taken for the whole test: nothing gets a thread
        // within the (short) bound.
        let ctx = crate::services::Ctx {
            hashing: auth::Hashing::new(1, std::time::Duration::from_millis(20)),
            ..t.ctx.clone()
        };
        let held = ctx.hashing.occupy_all().await;
        for _ in 0..2 * throttle::PER_ACCOUNT_ADDR.free {
            let e = auth::login(&ctx, &a.username, FIXTURE_PASSWORD, IP, None)
                .await
                .unwrap_err();
            assert_eq!(e.code, ErrorCode::Unavailable);
            assert_eq!(e.code.status(), 503);
            assert_eq!(e.msg.key, "error.login_busy");
            assert!(e.retry_after.is_some_and(|s| (1..60).contains(&s)));
        }
        assert!(t.audit("login_failed").await.is_empty());
        assert!(t.audit("login_throttled").await.is_empty());
        // Unchecked attempts were not counted: once a thread is free, the password gets in.
        drop(held);
        auth::login(&ctx, &a.username, FIXTURE_PASSWORD, IP, None)
            .await
            .expect("not throttled by busy answers");
    }
);

both_engines!(
    accounts_an_administrator_creates_must_change_their_password_first,
    |t| async move {
        let s = t.school("TH0001").await;
        let admin = t.school_admin(s.id).await;
        let new = |username: &str| users::NewUser {
            username: username.into(),
            full_name: "Giáo Viên Mới".into(),
            role: "teacher".into(),
            school_id: Some(s.id),
            password: "admin-chon-cho".into(),
        };
        let created = users::create(&t.ctx, &admin, &new("gv.moi"), Some(IP))
            .await
            .unwrap();
        assert!(created.must_change_password);
        let csv = "username,full_name,role,school_code,password\ngv.nhap,Giáo Viên Nhập,teacher,TH0001,admin-chon-cho\n";
        users::import_csv(&t.ctx, &admin, csv.as_bytes(), Some(IP))
            .await
            .unwrap();
        for name in ["gv.moi", "gv.nhap"] {
            let (u, tok) = auth::login(&t.ctx, name, "admin-chon-cho", IP, None)
                .await
                .unwrap();
            assert!(u.must_change_password, "{name}");
            let caller = crate::services::Caller {
                user: auth::session_user(&t.ctx, &tok.0).await.unwrap(),
                ..Default::default()
            };
            let e = caller.actor().unwrap_err();
            assert_eq!(e.msg.key, "error.password_change_required", "{name}");
            auth::change_password(
                &t.ctx,
                &u,
                "admin-chon-cho",
                "cua-rieng-toi",
                Some(&tok.0),
                IP,
            )
            .await
            .unwrap();
            let caller = crate::services::Caller {
                user: auth::session_user(&t.ctx, &tok.0).await.unwrap(),
                ..Default::default()
            };
            caller
                .actor()
                .expect("allowed once the password is the user's own");
        }
        // The operator's `lophoc user add`: the password is theirs, no change asked.
        let sys = crate::model::Actor {
            user_id: crate::ids::UserId(0),
            username: "cli".into(),
            role: crate::model::Role::Sysadmin,
            school_id: None,
            area: None,
        };
        let op = users::create_by_operator(&t.ctx, &sys, &new("gv.van.hanh"), Some("cli"))
            .await
            .unwrap();
        assert!(!op.must_change_password);
        let (u, _) = auth::login(&t.ctx, "gv.van.hanh", "admin-chon-cho", IP, None)
            .await
            .unwrap();
        assert!(!u.must_change_password);
    }
);
