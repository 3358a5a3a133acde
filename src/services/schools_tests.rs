//! The school registry: who sees what, filters, search, the CSV import, on both engines.

use crate::both_engines;
use crate::error::{Details, ErrorCode};
use crate::model::{Actor, SchoolFilter, SchoolLevel};
use crate::services::schools::{self, NewSchool};
use crate::services::testing::TestDb;
use crate::text::matches_all;
use std::collections::{BTreeMap, BTreeSet};

fn ns(code: &str, name: &str, level: SchoolLevel, area: &str, former: Option<&str>) -> NewSchool {
    NewSchool {
        code: code.into(),
        name: name.into(),
        level,
        area: area.into(),
        former_district: former.map(str::to_owned),
        students: 500,
    }
}

fn registry() -> Vec<NewSchool> {
    use SchoolLevel::*;
    vec![
        ns(
            "TH0001",
            "Trường Tiểu học Đống Đa",
            TieuHoc,
            "Phường Đống Đa",
            Some("Quận Đống Đa"),
        ),
        ns(
            "CS0002",
            "Trường THCS Đống Đa",
            Thcs,
            "Phường Đống Đa",
            None,
        ),
        ns(
            "TH0003",
            "Trường Tiểu học Hàm Rồng",
            TieuHoc,
            "Phường Hàm Rồng",
            Some("TP Thanh Hóa"),
        ),
        ns(
            "PT0004",
            "Trường THPT Lê Lợi",
            Thpt,
            "Xã Đông Sơn",
            Some("Huyện Đông Sơn"),
        ),
        ns(
            "MN0005",
            "Trường Mầm non Hoa Sen",
            MamNon,
            "Xã Đông Sơn",
            None,
        ),
    ]
}

/// The codes `actor` gets for a filter, checking `total` against the items.
async fn codes(t: &TestDb, actor: &Actor, f: SchoolFilter) -> BTreeSet<String> {
    let page = schools::list(&t.ctx, actor, &f).await.unwrap();
    assert_eq!(page.total, page.items.len() as i64, "{f:?}");
    page.items.into_iter().map(|s| s.code).collect()
}

async fn search(t: &TestDb, actor: &Actor, q: &str) -> BTreeSet<String> {
    codes(
        t,
        actor,
        SchoolFilter {
            q: Some(q.into()),
            ..Default::default()
        },
    )
    .await
}

fn set(codes: &[&str]) -> BTreeSet<String> {
    codes.iter().map(|c| c.to_string()).collect()
}

/// The codes of `rows` a search for `q` must find: every folded word inside the school's code,
/// name, area or former district.
fn oracle(rows: &[NewSchool], q: &str) -> BTreeSet<String> {
    rows.iter()
        .filter(|s| {
            let hay = format!(
                "{} {} {} {}",
                s.code,
                s.name,
                s.area,
                s.former_district.as_deref().unwrap_or("")
            );
            matches_all(&hay, q)
        })
        .map(|s| s.code.clone())
        .collect()
}

both_engines!(visibility_by_role, |t| async move {
    t.schools(&registry()).await;
    let th1 = schools::id_by_code(&t.ctx, "th0001")
        .await
        .unwrap()
        .expect("TH0001");
    let cs2 = schools::id_by_code(&t.ctx, "CS0002")
        .await
        .unwrap()
        .expect("CS0002");
    let teacher = t.teacher(th1).await;
    let admin = t.school_admin(cs2).await;
    let dept = t.department().await;
    let sys = t.sysadmin().await;
    let all: BTreeSet<String> = registry().into_iter().map(|s| s.code).collect();
    assert_eq!(
        codes(&t, &teacher, SchoolFilter::default()).await,
        set(&["TH0001"])
    );
    assert_eq!(
        codes(&t, &admin, SchoolFilter::default()).await,
        set(&["CS0002"])
    );
    assert_eq!(codes(&t, &dept, SchoolFilter::default()).await, all);
    assert_eq!(codes(&t, &sys, SchoolFilter::default()).await, all);
    // A search cannot reach past the actor's school.
    assert_eq!(search(&t, &teacher, "dong da").await, set(&["TH0001"]));
    assert_eq!(search(&t, &teacher, "ham rong").await, set(&[]));
    // get(): own school yes, another school is "not found", like a school that does not exist.
    assert_eq!(
        schools::get(&t.ctx, &teacher, th1).await.unwrap().code,
        "TH0001"
    );
    let e = schools::get(&t.ctx, &teacher, cs2).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);
    let e = schools::get(&t.ctx, &admin, th1).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);
    let e = schools::get(&t.ctx, &dept, crate::ids::SchoolId(987_654))
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);
    let s = schools::get(&t.ctx, &dept, cs2).await.unwrap();
    assert_eq!(
        (s.name.as_str(), s.area.as_str()),
        ("Trường THCS Đống Đa", "Phường Đống Đa")
    );
    assert!(!s.pilot.enrolled);
    // Areas are for those who see every school.
    assert_eq!(
        schools::areas(&t.ctx, &teacher).await.unwrap_err().code,
        ErrorCode::Forbidden
    );
    let areas = schools::areas(&t.ctx, &dept).await.unwrap();
    let counts: BTreeMap<_, _> = areas.iter().map(|a| (a.name.as_str(), a.schools)).collect();
    let want = BTreeMap::from([
        ("Phường Hàm Rồng", 1),
        ("Phường Đống Đa", 2),
        ("Xã Đông Sơn", 2),
    ]);
    assert_eq!(counts, want);
});

both_engines!(filter_by_level_and_area, |t| async move {
    t.schools(&registry()).await;
    let dept = t.department().await;
    let f = |level: Option<SchoolLevel>, area: Option<&str>| SchoolFilter {
        level,
        area: area.map(str::to_owned),
        ..Default::default()
    };
    let primary = codes(&t, &dept, f(Some(SchoolLevel::TieuHoc), None)).await;
    assert_eq!(primary, set(&["TH0001", "TH0003"]));
    assert_eq!(
        codes(&t, &dept, f(Some(SchoolLevel::LienCap), None)).await,
        set(&[])
    );
    // An area by name, ignoring case and diacritics…
    assert_eq!(
        codes(&t, &dept, f(None, Some("xa dong son"))).await,
        set(&["PT0004", "MN0005"])
    );
    assert_eq!(
        codes(&t, &dept, f(None, Some("PHƯỜNG ĐỐNG ĐA"))).await,
        set(&["TH0001", "CS0002"])
    );
    // …but the whole name, not a part of it.
    assert_eq!(codes(&t, &dept, f(None, Some("dong"))).await, set(&[]));
    // …or by id.
    let areas = schools::areas(&t.ctx, &dept).await.unwrap();
    let dong_da = areas
        .iter()
        .find(|a| a.name == "Phường Đống Đa")
        .unwrap()
        .id;
    let by_id = codes(&t, &dept, f(None, Some(&dong_da.to_string()))).await;
    assert_eq!(by_id, set(&["TH0001", "CS0002"]));
    // Level, area and words together.
    let both = codes(
        &t,
        &dept,
        f(Some(SchoolLevel::Thcs), Some("Phường Đống Đa")),
    )
    .await;
    assert_eq!(both, set(&["CS0002"]));
    let mut with_q = f(Some(SchoolLevel::TieuHoc), None);
    with_q.q = Some("rong".into());
    assert_eq!(codes(&t, &dept, with_q).await, set(&["TH0003"]));
    // Paging keeps the total and orders by code.
    let page = schools::list(
        &t.ctx,
        &dept,
        &SchoolFilter {
            limit: Some(2),
            offset: Some(1),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(page.total, 5);
    let got: Vec<_> = page.items.iter().map(|s| s.code.as_str()).collect();
    assert_eq!(got, vec!["MN0005", "PT0004"]);

    // The summary agrees with the list, for every filter above, and sees only what the actor
    // may see.
    let mut filters = vec![SchoolFilter::default(), f(Some(SchoolLevel::TieuHoc), None)];
    filters.push(f(None, Some("xa dong son")));
    filters.push(SchoolFilter {
        q: Some("dong".into()),
        ..f(Some(SchoolLevel::Thcs), None)
    });
    for filter in filters {
        let sum = schools::summary(&t.ctx, &dept, &filter).await.unwrap();
        let all = schools::list(
            &t.ctx,
            &dept,
            &SchoolFilter {
                level: None,
                ..filter.clone()
            },
        )
        .await
        .unwrap()
        .items;
        for (level, n) in &sum.by_level {
            assert_eq!(*n, all.iter().filter(|s| s.level == *level).count() as i64);
        }
        let matching: Vec<_> = all
            .iter()
            .filter(|s| filter.level.is_none_or(|l| s.level == l))
            .collect();
        assert_eq!(sum.total, matching.len() as i64, "{filter:?}");
        assert_eq!(
            sum.in_pilot,
            matching.iter().filter(|s| s.pilot.enrolled).count() as i64
        );
        assert_eq!(
            sum.students,
            matching.iter().map(|s| s.students).sum::<i64>()
        );
    }
    let own = schools::list(&t.ctx, &dept, &SchoolFilter::default())
        .await
        .unwrap()
        .items[0]
        .clone();
    let teacher = t.teacher(own.id).await;
    let sum = schools::summary(&t.ctx, &teacher, &SchoolFilter::default())
        .await
        .unwrap();
    assert_eq!(sum.total, 1);
    assert_eq!(sum.students, own.students);
});

both_engines!(
    the_registry_page_is_one_call_and_its_counts_follow_an_import,
    |t| async move {
        let rows = registry();
        t.schools(&rows).await;
        let dept = t.department().await;
        let by_name = SchoolFilter {
            area: Some("phuong dong da".into()),
            limit: Some(1),
            ..Default::default()
        };
        for filter in [SchoolFilter::default(), by_name] {
            let r = schools::registry(&t.ctx, &dept, &filter).await.unwrap();
            let list = schools::list(&t.ctx, &dept, &filter).await.unwrap();
            assert_eq!(r.page, list, "{filter:?}");
            assert_eq!(
                r.summary,
                schools::summary(&t.ctx, &dept, &filter).await.unwrap()
            );
            assert_eq!(r.areas, schools::areas(&t.ctx, &dept).await.unwrap());
        }
        // Counts read once are reused, and read again as soon as the registry changes here.
        let before = schools::registry(&t.ctx, &dept, &SchoolFilter::default())
            .await
            .unwrap();
        t.schools(&[ns(
            "TH0099",
            "Trường Tiểu học Mới",
            SchoolLevel::TieuHoc,
            "Xã Mới Lập",
            None,
        )])
        .await;
        let after = schools::registry(&t.ctx, &dept, &SchoolFilter::default())
            .await
            .unwrap();
        assert_eq!(after.summary.total, before.summary.total + 1);
        assert_eq!(after.page.total, before.page.total + 1);
        assert_eq!(after.areas.len(), before.areas.len() + 1);
        // A write by another process is seen once the counts are older than `MAX_AGE`.
        sqlx::query("DELETE FROM schools WHERE code = 'TH0099'")
            .execute(&t.ctx.db.pool)
            .await
            .unwrap();
        let cached = schools::summary(&t.ctx, &dept, &SchoolFilter::default())
            .await
            .unwrap();
        assert_eq!(cached.total, after.summary.total, "reused");
        t.advance(crate::services::aggregates::MAX_AGE);
        let fresh = schools::summary(&t.ctx, &dept, &SchoolFilter::default())
            .await
            .unwrap();
        assert_eq!(fresh.total, before.summary.total);
        // Only the department and sysadmins have the registry page.
        let teacher = t.teacher(before.page.items[0].id).await;
        let e = schools::registry(&t.ctx, &teacher, &SchoolFilter::default())
            .await
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::Forbidden);
    }
);

both_engines!(search_ignores_case_and_diacritics, |t| async move {
    let rows = registry();
    t.schools(&rows).await;
    let dept = t.department().await;
    let cases: [(&str, &[&str]); 11] = [
        ("dong da", &["TH0001", "CS0002"]),
        ("ĐỐNG ĐA", &["TH0001", "CS0002"]),
        ("Đống Đa", &["TH0001", "CS0002"]),
        ("da dong", &["TH0001", "CS0002"]),
        ("dong", &["TH0001", "CS0002", "PT0004", "MN0005"]),
        ("dong thpt", &["PT0004"]),
        ("dong da thpt", &[]),
        ("th0003", &["TH0003"]),
        ("thanh hoa", &["TH0003"]),
        ("%", &[]),
        ("_", &[]),
    ];
    for (q, want) in cases {
        assert_eq!(search(&t, &dept, q).await, set(want), "q = {q:?}");
        assert_eq!(oracle(&rows, q), set(want), "the oracle disagrees on {q:?}");
    }
    // Blank queries are no filter.
    assert_eq!(search(&t, &dept, "   ").await.len(), rows.len());
});

/// A deterministic pseudo-random sequence for the property test.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.next() % items.len()]
    }
}

both_engines!(
    search_matches_the_folding_rule_on_random_data,
    |t| async move {
        const WORDS: &[&str] = &[
            "Đống", "Đa", "Đông", "Hoà", "Hòa", "Hóa", "Lợi", "Lê", "Sơn", "Rồng", "Hàm", "Quảng",
            "Xương", "Nguyễn", "Trãi", "Thọ", "Xuân", "Yên", "Định", "Cẩm", "Thủy", "Ngọc", "Lặc",
            "Bá", "Thước", "Hậu", "Lộc", "Nga", "Vĩnh", "Đào", "Duy", "Từ", "Bà", "Triệu", "An",
        ];
        const AREAS: &[&str] = &[
            "Phường Hạc Thành",
            "Xã Đông Tiến",
            "Phường Quảng Phú",
            "Xã Ngọc Lặc",
        ];
        let mut rng = Lcg(2026);
        let rows: Vec<NewSchool> = (0..60)
            .map(|i| {
                let words: Vec<&str> = (0..1 + rng.next() % 3).map(|_| rng.pick(WORDS)).collect();
                let level = SchoolLevel::ALL[rng.next() % SchoolLevel::ALL.len()];
                let former = rng
                    .next()
                    .is_multiple_of(2)
                    .then(|| format!("Huyện {}", rng.pick(WORDS)));
                let mut s = ns(&format!("S{i:04}"), "", level, rng.pick(AREAS), None);
                s.name = format!("Trường {}", words.join(" "));
                s.former_district = former;
                s
            })
            .collect();
        t.schools(&rows).await;
        let dept = t.department().await;
        let mut nonempty = 0;
        for _ in 0..150 {
            let n = 1 + rng.next() % 3;
            let words: Vec<String> = (0..n)
                .map(|_| {
                    let w = match rng.next() % 10 {
                        0 => rng
                            .pick(AREAS)
                            .split(' ')
                            .next_back()
                            .unwrap_or("")
                            .to_owned(),
                        1 => format!("s{:03}", rng.next() % 70),
                        2 => rng.pick(&["%", "_", "\\", "o%a", "h_a"]).to_owned(),
                        _ => rng.pick(WORDS).to_owned(),
                    };
                    // Type it the way people do: without accents, in capitals, or partly.
                    match rng.next() % 4 {
                        0 => crate::text::fold(&w),
                        1 => w.to_uppercase(),
                        2 => w.chars().take(2).collect(),
                        _ => w,
                    }
                })
                .collect();
            let q = words.join(" ");
            let want = oracle(&rows, &q);
            nonempty += usize::from(!want.is_empty());
            assert_eq!(search(&t, &dept, &q).await, want, "q = {q:?}");
        }
        assert!(
            nonempty > 50,
            "the random queries should mostly find something ({nonempty})"
        );
    }
);

const SCHOOLS_CSV: &str = "code,name,level,area,former_district,students
TH0101,Trường Tiểu học Quảng Phú,tieu_hoc,Phường Quảng Phú,TP Thanh Hóa,650
CS0102,Trường THCS Quảng Phú,THCS,Phường Quảng Phú,,520
PT0104,\"Trường THPT Lam Sơn, cơ sở 2\",Trung học phổ thông,Phường Hạc Thành,TP Thanh Hóa,1.250
LC0105,Trường TH&THCS Ngọc Lặc,Liên cấp,Xã Ngọc Lặc,Huyện Ngọc Lặc,
";

fn lines_of(e: &crate::Error) -> Vec<u64> {
    match &e.details {
        Details::Lines(l) => l.iter().map(|l| l.line).collect(),
        d => panic!("expected line errors, got {d:?} ({e})"),
    }
}

both_engines!(import_lists_bad_lines_and_writes_nothing, |t| async move {
    let dept = t.department().await;
    let bad = "code,name,level,area,former_district,students
TH0101,Trường Tiểu học Quảng Phú,tieu_hoc,Phường Quảng Phú,TP Thanh Hóa,650
CS0102,Trường THCS Quảng Phú,trung cap,Phường Quảng Phú,,520

MN0103,Trường Mầm non Quảng Phú,Mầm non,Phường Quảng Phú,,-5
TH0101,Trường Tiểu học trùng mã,tieu_hoc,Phường Quảng Phú,,100
PT0104,\"Trường THPT Lam Sơn, cơ sở 2\",THPT,Phường Hạc Thành,TP Thanh Hóa,1.250
X,,tieu_hoc,,,abc
MN0106,Trường Mầm non Thiếu Cột,mam_non
";
    let want = vec![3, 5, 6, 8, 8, 8, 8, 9];
    for (label, text) in [("LF", bad.to_owned()), ("CRLF", bad.replace('\n', "\r\n"))] {
        let e = schools::import_csv(&t.ctx, &dept, text.as_bytes(), None)
            .await
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::Validation, "{label}");
        let mut got = lines_of(&e);
        got.sort();
        assert_eq!(got, want, "{label}: {e:?}");
        // Every message names what is wrong, in both languages.
        for lang in [crate::Lang::Vi, crate::Lang::En] {
            let loc = e.localize(lang);
            assert_eq!(loc.lines.len(), want.len());
            assert!(
                loc.lines
                    .iter()
                    .all(|(_, m)| !m.contains("import.") && !m.is_empty())
            );
        }
    }
    assert_eq!(t.count("schools").await, 0);
    assert_eq!(t.count("areas").await, 0);
    assert_eq!(t.count("audit_log").await, 0);
    // A wrong header is line 1.
    let e = schools::import_csv(&t.ctx, &dept, b"ma,ten\nTH1,A\n", None)
        .await
        .unwrap_err();
    assert_eq!(lines_of(&e), vec![1]);
    // Only the department and sysadmins import.
    let s = t.school("TH0900").await;
    let before = t.count("schools").await;
    for actor in [t.school_admin(s.id).await, t.teacher(s.id).await] {
        let e = schools::import_csv(&t.ctx, &actor, SCHOOLS_CSV.as_bytes(), None)
            .await
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::Forbidden);
    }
    assert_eq!(t.count("schools").await, before);
});

both_engines!(
    import_creates_then_changes_nothing_then_updates,
    |t| async move {
        let dept = t.department().await;
        let out = schools::import_csv(&t.ctx, &dept, SCHOOLS_CSV.as_bytes(), Some("10.0.0.9"))
            .await
            .unwrap();
        assert_eq!((out.created, out.updated), (4, 0));
        let created = t.audit("school.create").await;
        assert_eq!(created.len(), 4);
        assert!(
            created
                .iter()
                .all(|r| r.actor.as_deref() == Some(dept.username.as_str()))
        );
        let objects: BTreeSet<_> = created.iter().map(|r| r.object.clone()).collect();
        let want = [
            "school:TH0101",
            "school:CS0102",
            "school:PT0104",
            "school:LC0105",
        ];
        assert_eq!(objects, want.iter().map(|s| s.to_string()).collect());
        let everything = SchoolFilter::default();
        let first = schools::list(&t.ctx, &dept, &everything).await.unwrap();
        let pt = first.items.iter().find(|s| s.code == "PT0104").unwrap();
        assert_eq!(pt.name, "Trường THPT Lam Sơn, cơ sở 2");
        assert_eq!((pt.level, pt.students), (SchoolLevel::Thpt, 1250));
        let lc = first.items.iter().find(|s| s.code == "LC0105").unwrap();
        assert_eq!((lc.level, lc.students), (SchoolLevel::LienCap, 0));
        assert_eq!(lc.former_district.as_deref(), Some("Huyện Ngọc Lặc"));
        let cs = first.items.iter().find(|s| s.code == "CS0102").unwrap();
        assert_eq!(cs.former_district, None);
        // The same file again changes nothing at all.
        let audit = t.count("audit_log").await;
        t.advance(3600);
        let out = schools::import_csv(&t.ctx, &dept, SCHOOLS_CSV.as_bytes(), None)
            .await
            .unwrap();
        assert_eq!((out.created, out.updated), (0, 0));
        assert_eq!(t.count("audit_log").await, audit);
        assert_eq!(
            schools::list(&t.ctx, &dept, &everything).await.unwrap(),
            first
        );
        // A changed row counts as updated, with old and new in the audit log.
        let changed = SCHOOLS_CSV
            .replace(",520", ",540")
            .replace("Liên cấp", "tieu_hoc");
        let out = schools::import_csv(&t.ctx, &dept, changed.as_bytes(), None)
            .await
            .unwrap();
        assert_eq!((out.created, out.updated), (0, 2));
        let cs = schools::get(&t.ctx, &dept, cs.id).await.unwrap();
        assert_eq!(cs.students, 540);
        let updates = t.audit("school.update").await;
        assert_eq!(updates.len(), 2);
        let cs_rec = updates
            .iter()
            .find(|r| r.object == "school:CS0102")
            .unwrap();
        assert!(
            cs_rec
                .old_value
                .as_deref()
                .unwrap()
                .contains("\"students\":520")
        );
        assert!(
            cs_rec
                .new_value
                .as_deref()
                .unwrap()
                .contains("\"students\":540")
        );
        assert_eq!(cs_rec.school_id, Some(cs.id));
        // A new row next to known ones: one created.
        let more =
            format!("{changed}TH0107,Trường Tiểu học Hạc Thành,tieu_hoc,Phường Hạc Thành,,300\n");
        let out = schools::import_csv(&t.ctx, &dept, more.as_bytes(), None)
            .await
            .unwrap();
        assert_eq!((out.created, out.updated), (1, 0));
        assert_eq!(t.count("schools").await, 5);
        assert_eq!(t.count("areas").await, 3);
    }
);

both_engines!(import_accepts_semicolons_and_a_bom, |t| async move {
    let sys = t.sysadmin().await;
    // Excel in a Vietnamese locale: `;`, a BOM, CRLF, quotes only where needed.
    let excel = format!(
        "\u{feff}{}",
        SCHOOLS_CSV
            .replace(',', ";")
            .replace(
                "\"Trường THPT Lam Sơn; cơ sở 2\"",
                "Trường THPT Lam Sơn, cơ sở 2"
            )
            .replace('\n', "\r\n")
    );
    let out = schools::import_csv(&t.ctx, &sys, excel.as_bytes(), None)
        .await
        .unwrap();
    assert_eq!((out.created, out.updated), (4, 0));
    let id = schools::id_by_code(&t.ctx, "PT0104")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        schools::get(&t.ctx, &sys, id).await.unwrap().name,
        "Trường THPT Lam Sơn, cơ sở 2"
    );
    // The comma file says the same thing, so it changes nothing.
    let out = schools::import_csv(&t.ctx, &sys, SCHOOLS_CSV.as_bytes(), None)
        .await
        .unwrap();
    assert_eq!((out.created, out.updated), (0, 0));
    // A header in capitals is fine too.
    let shouting = SCHOOLS_CSV.replacen("code,name,level", "Code,NAME,Level", 1);
    let out = schools::import_csv(&t.ctx, &sys, shouting.as_bytes(), None)
        .await
        .unwrap();
    assert_eq!((out.created, out.updated), (0, 0));
});

both_engines!(concurrent_imports_all_succeed, |t| async move {
    // Four people import at once: disjoint schools, one new area they all name, and one file
    // twice. Every import must succeed (no "database is locked", no unique violation as a 500)
    // and every school be created exactly once.
    let dept = t.department().await;
    let file = |k: usize| {
        let mut s = String::from("code,name,level,area,former_district,students\n");
        for j in 0..20 {
            s.push_str(&format!(
                "C{k}{j:03},Trường Tiểu học Số {k}-{j},tieu_hoc,Phường Mới,TP Thanh Hóa,{}\n",
                100 + j
            ));
        }
        s
    };
    let mut tasks = Vec::new();
    for k in [1, 2, 3, 4, 4] {
        let (ctx, dept, text) = (t.ctx.clone(), dept.clone(), file(k));
        tasks.push(tokio::spawn(async move {
            schools::import_csv(&ctx, &dept, text.as_bytes(), None).await
        }));
    }
    let mut created = 0;
    for task in tasks {
        let out = task
            .await
            .unwrap()
            .unwrap_or_else(|e| panic!("an import failed: {e:?}"));
        assert_eq!(out.updated, 0);
        created += out.created;
    }
    assert_eq!(created, 80);
    assert_eq!(t.count("schools").await, 80);
    assert_eq!(t.count("areas").await, 1);
    assert_eq!(t.audit("school.create").await.len(), 80);
});
