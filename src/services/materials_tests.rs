//! The materials library on both engines: uploads stored by content and refused by content,
//! nothing left behind by a refused upload, who sees and changes what, search that ignores case
//! and diacritics with the same results on SQLite and PostgreSQL, versions, attachments to
//! lessons, storage use and quota.

use crate::both_engines;
use crate::classes::ClassInput;
use crate::error::{Details, ErrorCode};
use crate::ids::{ClassId, MaterialId};
use crate::materials::{Material, MaterialFilter, MaterialForm, Scope};
use crate::model::Actor;
use crate::services::materials::{self, Upload};
use crate::services::testing::TestDb;
use crate::services::{classes, roll_calls, timetable};
use crate::timetable::{TimetableInput, TimetableItemInput};
use chrono::NaiveDate;
use sha2::{Digest, Sha256};

/// A small but real PDF header followed by `body`.
pub fn pdf(body: &str) -> Vec<u8> {
    format!("%PDF-1.4\n% {body}\n%%EOF\n").into_bytes()
}

fn form(title: &str, subject: &str, grade: i64, scope: Scope) -> MaterialForm {
    MaterialForm {
        title: title.into(),
        subject: subject.into(),
        grade: grade.to_string(),
        scope: scope.as_str().into(),
        ..Default::default()
    }
}

async fn upload(t: &TestDb, name: &str, bytes: &[u8]) -> Upload {
    let mut staged = t.ctx.files.stage().await.unwrap();
    // In chunks, as a request body arrives.
    for chunk in bytes.chunks(7) {
        staged.write(chunk).await.unwrap();
    }
    Upload {
        filename: name.into(),
        staged,
    }
}

async fn add_file(t: &TestDb, who: &Actor, title: &str, scope: Scope, bytes: &[u8]) -> Material {
    let up = upload(t, "bai.pdf", bytes).await;
    materials::create(&t.ctx, who, &form(title, "toan", 6, scope), Some(up))
        .await
        .unwrap()
}

async fn read_all(t: &TestDb, who: &Actor, id: MaterialId) -> Vec<u8> {
    let f = materials::open_file(&t.ctx, who, id, None, true)
        .await
        .unwrap();
    let len = f.file.len;
    let out = f.file.bytes().await.unwrap();
    assert_eq!(out.len() as u64, len);
    out
}

fn tmp_files(t: &TestDb) -> usize {
    let dir = t.ctx.files.root_for_tests().join("tmp");
    std::fs::read_dir(dir).map(|d| d.count()).unwrap_or(0)
}

both_engines!(
    upload_round_trip_is_byte_identical_and_stored_once,
    |t| async move {
        let s = t.school("TH0001").await;
        let a = t.teacher(s.id).await;
        let b = t.teacher(s.id).await;
        let bytes = pdf(&"Phân số ".repeat(5000));
        let m = add_file(&t, &a, "Toán lớp 6: Phân số", Scope::School, &bytes).await;
        assert_eq!(
            m.sha256.as_deref(),
            Some(hex::encode(Sha256::digest(&bytes)).as_str())
        );
        assert_eq!(m.size, Some(bytes.len() as i64));
        assert_eq!(m.content_type.as_deref(), Some("application/pdf"));
        assert_eq!(m.filename.as_deref(), Some("bai.pdf"));
        assert_eq!(read_all(&t, &b, m.id).await, bytes);
        // The same bytes again: another material, one blob.
        let m2 = add_file(&t, &b, "Bản sao", Scope::Private, &bytes).await;
        assert_eq!(m2.sha256, m.sha256);
        // Deleting one keeps the bytes the other still uses.
        materials::delete(&t.ctx, &a, m.id).await.unwrap();
        assert_eq!(read_all(&t, &b, m2.id).await, bytes);
        assert_eq!(materials::sweep(&t.ctx).await.unwrap(), 0);
        assert_eq!(
            materials::get(&t.ctx, &a, m.id).await.unwrap_err().code,
            ErrorCode::NotFound
        );
        assert_eq!(t.audit("material.delete").await.len(), 1);
        assert_eq!(tmp_files(&t), 0);
        // Opens were counted (one read each).
        assert_eq!(materials::get(&t.ctx, &b, m2.id).await.unwrap().opens, 1);
    }
);

both_engines!(bad_uploads_are_refused_and_leave_nothing, |t| async move {
    let s = t.school("TH0001").await;
    let a = t.teacher(s.id).await;
    let f = form("Bài giảng", "toan", 6, Scope::School);
    let cases: Vec<(&str, Vec<u8>, ErrorCode)> = vec![
        (
            "trang.pdf",
            b"<html><script>alert(1)</script></html>".to_vec(),
            ErrorCode::UnsupportedMediaType,
        ),
        (
            "anh.png",
            b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>".to_vec(),
            ErrorCode::UnsupportedMediaType,
        ),
        (
            "setup.docx",
            b"MZ\x90\x00\x03\x00\x00\x00".to_vec(),
            ErrorCode::UnsupportedMediaType,
        ),
        ("rong.pdf", Vec::new(), ErrorCode::Validation),
        ("../../etc/passwd.pdf", pdf("x"), ErrorCode::Validation),
        ("a\\b.pdf", pdf("x"), ErrorCode::Validation),
    ];
    for (name, bytes, code) in cases {
        let up = upload(&t, name, &bytes).await;
        let e = materials::create(&t.ctx, &a, &f, Some(up))
            .await
            .unwrap_err();
        assert_eq!(e.code, code, "{name}");
    }
    // Bad fields: every one named, nothing stored.
    let up = upload(&t, "bai.pdf", &pdf("x")).await;
    let bad = MaterialForm {
        title: "x".into(),
        subject: "bơi".into(),
        grade: "13".into(),
        scope: "all".into(),
        ..Default::default()
    };
    let e = materials::create(&t.ctx, &a, &bad, Some(up))
        .await
        .unwrap_err();
    let Details::Fields(fields) = &e.details else {
        panic!("{e:?}")
    };
    assert_eq!(fields.len(), 4);
    // Over the cap while streaming.
    let small = t.ctx.files.with_max_bytes(100);
    let mut staged = small.stage().await.unwrap();
    staged.write(&[b'%'; 60]).await.unwrap();
    assert_eq!(
        staged.write(&[b'%'; 60]).await.unwrap_err().code,
        ErrorCode::PayloadTooLarge
    );
    drop(staged);
    assert_eq!(t.count("materials").await, 0);
    assert_eq!(t.count("material_versions").await, 0);
    assert_eq!(tmp_files(&t), 0, "no temporary file left");
    let stored = std::fs::read_dir(t.ctx.files.root_for_tests())
        .map(|d| {
            d.filter(|e| e.as_ref().is_ok_and(|e| e.file_name() != "tmp"))
                .count()
        })
        .unwrap_or(0);
    assert_eq!(stored, 0, "no blob stored");
    // A link and a file at once, or neither.
    let up = upload(&t, "bai.pdf", &pdf("x")).await;
    let both = MaterialForm {
        url: "https://www.youtube.com/watch?v=1".into(),
        ..f.clone()
    };
    assert_eq!(
        materials::create(&t.ctx, &a, &both, Some(up))
            .await
            .unwrap_err()
            .code,
        ErrorCode::Validation
    );
    assert_eq!(
        materials::create(&t.ctx, &a, &f, None)
            .await
            .unwrap_err()
            .code,
        ErrorCode::Validation
    );
});

both_engines!(who_sees_and_changes_what, |t| async move {
    let s1 = t.school("TH0001").await;
    let s2 = t.school("TH0002").await;
    let owner = t.teacher(s1.id).await;
    let colleague = t.teacher(s1.id).await;
    let admin = t.school_admin(s1.id).await;
    let stranger = t.teacher(s2.id).await;
    let other_admin = t.school_admin(s2.id).await;
    let dept = t.department().await;
    let sys = t.sysadmin().await;
    let private = add_file(&t, &owner, "Riêng", Scope::Private, &pdf("a")).await;
    let school = add_file(&t, &owner, "Trường", Scope::School, &pdf("b")).await;
    let province = add_file(&t, &owner, "Tỉnh", Scope::Province, &pdf("c")).await;
    let sees = |who: &Actor, m: &Material| {
        let (ctx, who, id) = (t.ctx.clone(), who.clone(), m.id);
        async move { materials::get(&ctx, &who, id).await.is_ok() }
    };
    assert!(sees(&owner, &private).await);
    for who in [&colleague, &admin, &stranger, &dept, &sys] {
        assert!(
            !sees(who, &private).await,
            "private is the owner's: {}",
            who.username
        );
        let e = materials::open_file(&t.ctx, who, private.id, None, true)
            .await
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::NotFound);
    }
    for who in [&colleague, &admin, &sys] {
        assert!(sees(who, &school).await);
    }
    for who in [&stranger, &dept, &other_admin] {
        assert!(!sees(who, &school).await);
    }
    for who in [&colleague, &stranger, &dept, &sys] {
        assert!(sees(who, &province).await);
    }
    // The list shows the same.
    let listed = |who: &Actor| {
        let (ctx, who) = (t.ctx.clone(), who.clone());
        async move {
            let mut v: Vec<String> = materials::list(&ctx, &who, &MaterialFilter::default())
                .await
                .unwrap()
                .items
                .into_iter()
                .map(|m| m.title)
                .collect();
            v.sort();
            v
        }
    };
    assert_eq!(listed(&owner).await, ["Riêng", "Trường", "Tỉnh"]);
    assert_eq!(listed(&colleague).await, ["Trường", "Tỉnh"]);
    assert_eq!(listed(&stranger).await, ["Tỉnh"]);
    assert_eq!(listed(&dept).await, ["Tỉnh"]);
    assert_eq!(listed(&sys).await, ["Trường", "Tỉnh"]);
    // Changing: the owner, the school's admin, sysadmins; a colleague who sees it: 403;
    // another school's admin, who does not: 404.
    let edit = form("Tỉnh (sửa)", "toan", 7, Scope::Province);
    assert_eq!(
        materials::update(&t.ctx, &colleague, province.id, &edit)
            .await
            .unwrap_err()
            .code,
        ErrorCode::Forbidden
    );
    assert_eq!(
        materials::delete(&t.ctx, &other_admin, school.id)
            .await
            .unwrap_err()
            .code,
        ErrorCode::NotFound
    );
    assert_eq!(
        materials::delete(&t.ctx, &stranger, province.id)
            .await
            .unwrap_err()
            .code,
        ErrorCode::Forbidden
    );
    let m = materials::update(&t.ctx, &admin, province.id, &edit)
        .await
        .unwrap();
    assert_eq!((m.title.as_str(), m.grade), ("Tỉnh (sửa)", 7));
    materials::delete(&t.ctx, &sys, school.id).await.unwrap();
    assert_eq!(t.count("materials").await, 2);
    // The department has no school: "my school" is refused with a field error.
    let e = materials::create(
        &t.ctx,
        &dept,
        &MaterialForm {
            url: "https://hoc.vn".into(),
            ..form("Liên kết", "toan", 6, Scope::School)
        },
        None,
    )
    .await
    .unwrap_err();
    assert_eq!(e.code, ErrorCode::Validation);
});

/// The Vietnamese corpus of the search-parity test: (title, subject, grade).
pub const CORPUS: [(&str, &str, i64); 12] = [
    ("Toán lớp 6: Phân số", "toan", 6),
    ("TOÁN LỚP 6 – Số nguyên âm", "toan", 6),
    ("Toán lớp 7: Tỉ lệ thức", "toan", 7),
    ("Địa lý Việt Nam: Đồng bằng sông Hồng", "dia_ly", 8),
    ("Địa lí tự nhiên – khí hậu", "dia_ly", 8),
    ("Lịch sử: Chiến thắng Điện Biên Phủ", "lich_su", 9),
    ("Tiếng Việt lớp 2: Đọc hiểu", "tieng_viet", 2),
    ("Ngữ văn 10: Truyện Kiều", "ngu_van", 10),
    ("Hoá học: Phản ứng oxi hoá – khử", "hoa_hoc", 10),
    ("Vật lý: Định luật Ôm", "vat_ly", 11),
    ("Tin học: Lập trình Python cơ bản", "tin_hoc", 8),
    ("Âm nhạc: Bài hát Quê hương", "am_nhac", 3),
];

/// The queries of the search-parity test and the titles each must find.
pub const QUERIES: [(&str, &[&str]); 9] = [
    (
        "toan lop 6",
        &["Toán lớp 6: Phân số", "TOÁN LỚP 6 – Số nguyên âm"],
    ),
    // A subject's name finds its materials too (geography), not only the words of titles.
    (
        "dia ly",
        &[
            "Địa lý Việt Nam: Đồng bằng sông Hồng",
            "Địa lí tự nhiên – khí hậu",
        ],
    ),
    (
        "dia",
        &[
            "Địa lý Việt Nam: Đồng bằng sông Hồng",
            "Địa lí tự nhiên – khí hậu",
        ],
    ),
    ("dong", &["Địa lý Việt Nam: Đồng bằng sông Hồng"]),
    ("ĐIỆN BIÊN", &["Lịch sử: Chiến thắng Điện Biên Phủ"]),
    ("hoa", &["Hoá học: Phản ứng oxi hoá – khử"]),
    ("kieu", &["Ngữ văn 10: Truyện Kiều"]),
    ("50%_", &[]),
    ("que huong", &["Âm nhạc: Bài hát Quê hương"]),
];

both_engines!(
    search_ignores_case_and_diacritics_the_same_on_both_engines,
    |t| async move {
        let s = t.school("TH0001").await;
        let a = t.teacher(s.id).await;
        for (i, (title, subject, grade)) in CORPUS.iter().enumerate() {
            materials::create(
                &t.ctx,
                &a,
                &MaterialForm {
                    url: format!("https://hoc.vn/{i}"),
                    ..form(title, subject, *grade, Scope::Province)
                },
                None,
            )
            .await
            .unwrap();
            t.advance(1);
        }
        for (q, want) in QUERIES {
            let page = materials::list(
                &t.ctx,
                &a,
                &MaterialFilter {
                    q: Some(q.into()),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
            let mut got: Vec<&str> = page.items.iter().map(|m| m.title.as_str()).collect();
            got.sort();
            let mut want = want.to_vec();
            want.sort();
            assert_eq!(got, want, "query {q:?}");
            assert_eq!(page.total, want.len() as i64);
        }
        // Filters and paging: newest change first.
        let p = materials::list(
            &t.ctx,
            &a,
            &MaterialFilter {
                subject: Some("toan".into()),
                grade: Some(6),
                limit: Some(1),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(p.total, 2);
        assert_eq!(p.items[0].title, "TOÁN LỚP 6 – Số nguyên âm");
        let e = materials::list(
            &t.ctx,
            &a,
            &MaterialFilter {
                q: Some("a ".repeat(11)),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
        assert_eq!(e.code, ErrorCode::Validation);
    }
);

both_engines!(a_replaced_file_keeps_its_versions, |t| async move {
    let s = t.school("TH0001").await;
    let a = t.teacher(s.id).await;
    let m = add_file(&t, &a, "Giáo án", Scope::School, &pdf("v1")).await;
    let up = upload(&t, "giao-an-v2.pdf", &pdf("v2")).await;
    let m2 = materials::replace_file(&t.ctx, &a, m.id, up).await.unwrap();
    assert_eq!(m2.version, 2);
    assert_eq!(m2.filename.as_deref(), Some("giao-an-v2.pdf"));
    assert_eq!(read_all(&t, &a, m.id).await, pdf("v2"));
    let old = materials::open_file(&t.ctx, &a, m.id, Some(1), false)
        .await
        .unwrap();
    let bytes = old.file.bytes().await.unwrap();
    assert_eq!(bytes, pdf("v1"));
    let v = materials::view(&t.ctx, &a, m.id).await.unwrap();
    assert_eq!(v.versions.len(), 1);
    assert_eq!(v.versions[0].version, 1);
    assert!(v.may_change);
    // A replacement of another type by content is refused and changes nothing.
    let up = upload(&t, "x.pdf", b"<html>").await;
    assert_eq!(
        materials::replace_file(&t.ctx, &a, m.id, up)
            .await
            .unwrap_err()
            .code,
        ErrorCode::UnsupportedMediaType
    );
    assert_eq!(materials::get(&t.ctx, &a, m.id).await.unwrap().version, 2);
});

both_engines!(materials_attach_to_lessons_once, |t| async move {
    let s = t.school("TH0001").await;
    let admin = t.school_admin(s.id).await;
    let maths = t.teacher(s.id).await;
    let other = t.teacher(s.id).await;
    let stranger = t.teacher(t.school("TH0002").await.id).await;
    let class = classes::create(
        &t.ctx,
        &admin,
        s.id,
        &ClassInput {
            name: "6A1".into(),
            grade: 6,
            school_year: "2026-2027".into(),
            homeroom_teacher_id: None,
        },
        None,
    )
    .await
    .unwrap();
    timetable::put(
        &t.ctx,
        &admin,
        class.id,
        &TimetableInput {
            items: vec![TimetableItemInput {
                weekday: 1,
                period: 1,
                subject: "toan".into(),
                teacher_id: maths.user_id,
            }],
            from: None,
        },
        None,
    )
    .await
    .unwrap();
    let mon = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
    let next_mon = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
    let m = add_file(&t, &maths, "Phân số", Scope::School, &pdf("a")).await;
    let mine = add_file(
        &t,
        &other,
        "Riêng của người khác",
        Scope::Private,
        &pdf("b"),
    )
    .await;
    let attach = |who: &Actor, class: ClassId, date, period, id| {
        let (ctx, who) = (t.ctx.clone(), who.clone());
        async move { materials::attach(&ctx, &who, class, date, period, id).await }
    };
    // Twice, and ahead of time: one attachment.
    let (list, new) = attach(&maths, class.id, next_mon, 1, m.id).await.unwrap();
    assert!(new);
    assert_eq!(list.len(), 1);
    let (list, new) = attach(&maths, class.id, next_mon, 1, m.id).await.unwrap();
    assert!(!new);
    assert_eq!(list.len(), 1);
    attach(&maths, class.id, mon, 1, m.id).await.unwrap();
    assert_eq!(t.count("lesson_materials").await, 2);
    assert_eq!(t.audit("material.attach").await.len(), 2);
    // Not a lesson, not theirs, not visible, another school.
    assert_eq!(
        attach(&maths, class.id, mon, 3, m.id)
            .await
            .unwrap_err()
            .code,
        ErrorCode::Validation
    );
    assert_eq!(
        attach(&other, class.id, mon, 1, m.id)
            .await
            .unwrap_err()
            .code,
        ErrorCode::Forbidden
    );
    assert_eq!(
        attach(&maths, class.id, mon, 1, mine.id)
            .await
            .unwrap_err()
            .code,
        ErrorCode::Validation
    );
    assert_eq!(
        attach(&stranger, class.id, mon, 1, m.id)
            .await
            .unwrap_err()
            .code,
        ErrorCode::NotFound
    );
    // The teacher's day and the lesson show it; the material shows where it was used.
    let day = roll_calls::my_day(&t.ctx, &maths, Some(mon)).await.unwrap();
    assert_eq!(day[0].materials.len(), 1);
    assert_eq!(day[0].materials[0].title, "Phân số");
    let v = materials::view(&t.ctx, &maths, m.id).await.unwrap();
    assert_eq!(v.use_count, 2);
    assert_eq!(v.uses[0].date, next_mon);
    assert!(
        v.lessons
            .iter()
            .any(|l| l.date == next_mon && l.period == 1)
    );
    let got = materials::lesson_materials(&t.ctx, &admin, class.id, mon, 1)
        .await
        .unwrap();
    assert_eq!(got.len(), 1);
    // Detach; deleting the material takes it off every lesson.
    let left = materials::detach(&t.ctx, &maths, class.id, mon, 1, m.id)
        .await
        .unwrap();
    assert!(left.is_empty());
    materials::delete(&t.ctx, &maths, m.id).await.unwrap();
    assert_eq!(t.count("lesson_materials").await, 0);
});

both_engines!(storage_use_by_teacher_and_quota, |t| async move {
    let s = t.school("TH0001").await;
    let admin = t.school_admin(s.id).await;
    let a = t.teacher(s.id).await;
    let b = t.teacher(s.id).await;
    add_file(&t, &a, "Một", Scope::School, &pdf(&"x".repeat(1000))).await;
    add_file(&t, &b, "Hai", Scope::School, &pdf("y")).await;
    let u = materials::storage(&t.ctx, &admin, s.id).await.unwrap();
    assert_eq!(u.by_teacher.len(), 2);
    assert_eq!(u.by_teacher[0].user_id, a.user_id);
    assert_eq!(
        u.total_bytes,
        u.by_teacher.iter().map(|l| l.bytes).sum::<i64>()
    );
    assert_eq!(u.quota_bytes, None);
    assert_eq!(
        materials::storage(&t.ctx, &a, s.id).await.unwrap_err().code,
        ErrorCode::Forbidden
    );
    assert_eq!(
        materials::set_quota(&t.ctx, &admin, s.id, Some(0))
            .await
            .unwrap_err()
            .code,
        ErrorCode::Validation
    );
    let u = materials::set_quota(&t.ctx, &admin, s.id, Some(u.total_bytes + 10))
        .await
        .unwrap();
    assert!(u.percent().unwrap() > 90.0);
    let up = upload(&t, "ba.pdf", &pdf(&"z".repeat(100))).await;
    let e = materials::create(&t.ctx, &a, &form("Ba", "toan", 6, Scope::School), Some(up))
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::PayloadTooLarge);
    assert_eq!(t.count("materials").await, 2);
    assert_eq!(tmp_files(&t), 0);
    materials::set_quota(&t.ctx, &admin, s.id, None)
        .await
        .unwrap();
    assert_eq!(t.audit("material.quota").await.len(), 2);
});

both_engines!(
    the_s3_backend_stores_reads_ranges_and_sweeps,
    |t| async move {
        let staging = t.ctx.files.root_for_tests().join("s3-staging");
        let ctx = t.ctx.clone().with_files(crate::services::testing::s3_files(
            &staging,
            64 * 1024 * 1024,
        ));
        assert_eq!(ctx.files.backend_name(), "s3");
        let s = t.school("TH0001").await;
        let a = t.teacher(s.id).await;
        // 20 MB: sent in parts (multipart upload).
        let mut bytes = pdf("lớn");
        bytes.resize(20 * 1024 * 1024 + 17, b'x');
        for (i, b) in bytes.iter_mut().enumerate().skip(100) {
            *b = (i % 251) as u8;
        }
        let up = |b: Vec<u8>| {
            let files = ctx.files.clone();
            async move {
                let mut st = files.stage().await.unwrap();
                for c in b.chunks(1 << 20) {
                    st.write(c).await.unwrap();
                }
                Upload {
                    filename: "bai.pdf".into(),
                    staged: st,
                }
            }
        };
        let m = materials::create(
            &ctx,
            &a,
            &form("Lớn", "toan", 6, Scope::School),
            Some(up(bytes.clone()).await),
        )
        .await
        .unwrap();
        let small = materials::create(
            &ctx,
            &a,
            &form("Nhỏ", "toan", 6, Scope::School),
            Some(up(pdf("nhỏ")).await),
        )
        .await
        .unwrap();
        let f = materials::open_file(&ctx, &a, m.id, None, false)
            .await
            .unwrap();
        assert_eq!(f.file.len, bytes.len() as u64);
        assert_eq!(
            f.file.bytes().await.unwrap(),
            bytes,
            "byte-identical through the bucket"
        );
        let f = materials::open_file(&ctx, &a, m.id, None, false)
            .await
            .unwrap();
        let part: Vec<u8> = {
            use futures::TryStreamExt;
            let chunks: Vec<bytes::Bytes> = f
                .file
                .range(5_000_000, 5_000_099)
                .await
                .unwrap()
                .try_collect()
                .await
                .unwrap();
            chunks.concat()
        };
        assert_eq!(part, bytes[5_000_000..5_000_100]);
        // Nothing staged is left; deleting one material and sweeping removes only its bytes.
        assert_eq!(std::fs::read_dir(staging.join("tmp")).unwrap().count(), 0);
        materials::delete(&ctx, &a, m.id).await.unwrap();
        let referenced: std::collections::HashSet<String> = [small.sha256.clone().unwrap()].into();
        assert_eq!(
            ctx.files
                .sweep(&referenced, std::time::Duration::ZERO)
                .await
                .unwrap(),
            1
        );
        assert!(!ctx.files.exists(m.sha256.as_deref().unwrap()).await);
        assert!(ctx.files.exists(small.sha256.as_deref().unwrap()).await);
        assert_eq!(
            materials::open_file(&ctx, &a, small.id, None, false)
                .await
                .unwrap()
                .file
                .bytes()
                .await
                .unwrap(),
            pdf("nhỏ")
        );
    }
);

// The quota under concurrent uploads: 20 files of 200 KB at once into room for 4. Before the
// per-school lock, SQLite kept 6 and PostgreSQL 7 (each checked the use before any had written
// its rows). Now exactly 4 are kept, the 16 others are 413 with no row, no version, no
// temporary file and no stored bytes of their own left; a file replaced over the quota too.
both_engines!(concurrent_uploads_never_exceed_the_quota, |t| async move {
    const SIZE: usize = 200 * 1024;
    let s = t.school("TH0001").await;
    let admin = t.school_admin(s.id).await;
    let a = t.teacher(s.id).await;
    let first = add_file(&t, &a, "Đầu tiên", Scope::School, &pdf("0")).await;
    let used = materials::storage(&t.ctx, &admin, s.id)
        .await
        .unwrap()
        .total_bytes;
    let room = 4 * SIZE as i64 + SIZE as i64 / 2;
    materials::set_quota(&t.ctx, &admin, s.id, Some(used + room))
        .await
        .unwrap();
    let file = |i: usize| {
        let mut b = pdf(&format!("tệp {i}"));
        b.resize(SIZE, b'a' + (i % 26) as u8);
        b
    };
    let mut staged = Vec::new();
    for i in 0..20 {
        staged.push(upload(&t, &format!("bai-{i}.pdf"), &file(i)).await);
    }
    let tasks: Vec<_> = staged
        .into_iter()
        .enumerate()
        .map(|(i, up)| {
            let (ctx, a) = (t.ctx.clone(), a.clone());
            tokio::spawn(async move {
                let f = form(&format!("Bài {i}"), "toan", 6, Scope::School);
                materials::create(&ctx, &a, &f, Some(up)).await
            })
        })
        .collect();
    let mut kept = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(_) => kept += 1,
            Err(e) => assert_eq!(e.code, ErrorCode::PayloadTooLarge, "{e:?}"),
        }
    }
    assert_eq!(kept, 4, "of 20 concurrent uploads with room for 4");
    assert_eq!(t.count("materials").await, 5);
    assert_eq!(t.count("material_versions").await, 5);
    let u = materials::storage(&t.ctx, &admin, s.id).await.unwrap();
    assert!(
        u.total_bytes <= used + room,
        "{} over {}",
        u.total_bytes,
        used + room
    );
    assert_eq!(tmp_files(&t), 0);
    // Bytes: the first file's and the 4 kept, nothing of the refused ones.
    let referenced: std::collections::HashSet<String> =
        sqlx::query("SELECT sha256 FROM material_versions")
            .fetch_all(&t.ctx.db.pool)
            .await
            .unwrap()
            .iter()
            .map(|r| sqlx::Row::get::<String, _>(r, "sha256"))
            .collect();
    for i in 0..20 {
        let sha = hex::encode(Sha256::digest(file(i)));
        assert_eq!(
            t.ctx.files.exists(&sha).await,
            referenced.contains(&sha),
            "file {i}: stored bytes only for a kept upload"
        );
    }
    // Replacing a file is a new version: it counts too, under the same lock.
    let up = upload(&t, "thay.pdf", &file(99)).await;
    let e = materials::replace_file(&t.ctx, &a, first.id, up)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::PayloadTooLarge);
    assert_eq!(t.count("material_versions").await, 5);
    assert_eq!(tmp_files(&t), 0);
});

both_engines!(
    fifty_concurrent_patches_of_one_material_lose_no_field,
    |t| async move {
        let s = t.school("TH0001").await;
        let a = t.teacher(s.id).await;
        let m = add_file(&t, &a, "T0", Scope::School, &pdf("x")).await;
        // 25 patches of the title and 25 of the subject at once: each reads, merges and writes
        // holding the row, so no patch writes back a field another changed meanwhile.
        let patches = (0..50).map(|i| {
            let patch = if i % 2 == 0 {
                crate::materials::MaterialPatch {
                    title: Some(format!("T{i}")),
                    ..Default::default()
                }
            } else {
                crate::materials::MaterialPatch {
                    subject: Some(if i % 4 == 1 { "ngu_van" } else { "tin_hoc" }.into()),
                    ..Default::default()
                }
            };
            let (ctx, a) = (t.ctx.clone(), a.clone());
            tokio::spawn(async move { materials::patch(&ctx, &a, m.id, &patch).await })
        });
        for h in patches.collect::<Vec<_>>() {
            h.await.unwrap().unwrap();
        }
        // In the order they were written, each change differs from the one before in at most
        // the field its patch set: a lost update shows as a change that also reverts the other.
        let mut changes: Vec<(String, String)> = t
            .audit("material.update")
            .await
            .into_iter()
            .rev()
            .map(|e| {
                let v: serde_json::Value = serde_json::from_str(&e.new_value.unwrap()).unwrap();
                (
                    v["title"].as_str().unwrap().to_string(),
                    v["subject"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        assert_eq!(changes.len(), 50);
        changes.insert(0, ("T0".into(), "toan".into()));
        for pair in changes.windows(2) {
            let (before, after) = (&pair[0], &pair[1]);
            assert!(
                before.0 == after.0 || before.1 == after.1,
                "a patch reverted another's field: {before:?} -> {after:?}"
            );
        }
        let last = changes.last().unwrap().clone();
        let now = materials::get(&t.ctx, &a, m.id).await.unwrap();
        assert_eq!((now.title, now.subject), last);
        assert_ne!(last.1, "toan", "25 subject changes, none kept");
    }
);
