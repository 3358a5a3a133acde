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
    auth::logout(&t.ctx, &tok.0).await.unwrap();
    assert!(auth::session_user(&t.ctx, &tok.0).await.unwrap().is_none());
    assert_eq!(t.sessions_of(a.user_id).await, 1);
    assert!(
        auth::session_user(&t.ctx, &other.0)
            .await
            .unwrap()
            .is_some(),
        "other device kept"
    );
    // Logging out twice, or with a made-up token, is harmless.
    auth::logout(&t.ctx, &tok.0).await.unwrap();
    auth::logout(&t.ctx, "made-up").await.unwrap();
    assert_eq!(t.sessions_of(a.user_id).await, 1);
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
    for i in 0..throttle::PER_ACCOUNT_ADDR {
        let e = auth::login(&t.ctx, &a.username, "wrong password!", IP, None)
            .await
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidCredentials, "attempt {}", i + 1);
    }
    // Now even the right password is refused from this address, with a time to wait.
    let e = auth::login(&t.ctx, &a.username, FIXTURE_PASSWORD, IP, None)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::RateLimited);
    assert_eq!(e.code.status(), 429);
    let wait = e.retry_after.expect("retry_after");
    assert!(wait > 0 && wait <= throttle::WINDOW as u64, "wait {wait}");
    assert_eq!(t.count("sessions").await, 0);
    let rec = t.audit("login_throttled").await;
    assert_eq!(rec.len(), 1);
    assert_eq!(rec[0].actor.as_deref(), Some(a.username.as_str()));
    // The wait shrinks as time passes.
    t.advance(60);
    let e = auth::login(&t.ctx, &a.username, FIXTURE_PASSWORD, IP, None)
        .await
        .unwrap_err();
    assert_eq!(e.retry_after, Some(wait - 60));
    assert_eq!(t.audit("login_throttled").await.len(), 2);
    // A colleague behind the same school address, and the same teacher elsewhere, get in.
    auth::login(&t.ctx, &neighbour.username, FIXTURE_PASSWORD, IP, None)
        .await
        .unwrap();
    auth::login(&t.ctx, &a.username, FIXTURE_PASSWORD, OTHER_IP, None)
        .await
        .unwrap();
    // Once the wait is over, so does the teacher from the first address.
    t.advance(wait as i64 - 60);
    auth::login(&t.ctx, &a.username, FIXTURE_PASSWORD, IP, None)
        .await
        .unwrap();
});

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
