//! Pilot-dashboard benchmark: prints numbers, asserts nothing about speed.
//!
//! `cargo bench -p server --bench pilot` (SQLite, a province), `-- --pg` (PostgreSQL as well),
//! `-- --nation` (PostgreSQL, 54,000 schools). A province is the demo registry's 2,000 schools
//! with a quarter enrolled and a full term of activity (from the start of the school year to
//! yesterday) at 600 of them — 3 devices, 6 teachers, 2 classes with 25 lessons a week, every
//! lesson's roll call (on time 55–99% by school), checked-in device bookings, materials attached
//! to lessons — written straight to the tables in batches. A nation is 54,000 schools with the
//! same activity at 2,000. Then, through the services the pages and the API call:
//! - making every school's status (a run): the cold recomputation, and again;
//! - the dashboard's numbers (`summary`) and the list's first page (`schools`), and one school's
//!   evidence, p50/p99 over repeated reads of the fresh run;
//! - the 12-month trend from cold (one run per month end).

#![allow(clippy::unwrap_used)] // a test crate: a failed unwrap is a failed test

mod harness;

use chrono::{Datelike, Duration as Days, NaiveDate};
use harness::percentile;
use lophoc::model::{Actor, Role};
use lophoc::services::db::Where;
use lophoc::services::pilot::{self, StatusFilter};
use lophoc::services::schools;
use lophoc::services::{Ctx, Db, seed};
use std::time::Instant;

/// Rows to insert into one table, written in statements of at most 500 rows.
struct Batch {
    table: &'static str,
    cols: &'static [&'static str],
    rows: Vec<Vec<lophoc::services::db::Bind>>,
}

impl Batch {
    fn new(table: &'static str, cols: &'static [&'static str]) -> Batch {
        Batch {
            table,
            cols,
            rows: Vec::new(),
        }
    }

    fn push(&mut self, row: Vec<lophoc::services::db::Bind>) {
        self.rows.push(row);
    }

    async fn write(self, ctx: &Ctx) -> usize {
        let n = self.rows.len();
        let mut tx = ctx.db.pool.begin().await.expect("begin");
        for chunk in self.rows.chunks(500) {
            let mut w = Where::new();
            let values: Vec<String> = chunk
                .iter()
                .map(|r| {
                    let ps: Vec<String> = r.iter().map(|v| w.param(v.clone())).collect();
                    format!("({})", ps.join(", "))
                })
                .collect();
            let sql = format!(
                "INSERT INTO {} ({}) VALUES {}",
                self.table,
                self.cols.join(", "),
                values.join(", ")
            );
            w.query(&sql).execute(&mut *tx).await.expect("insert");
        }
        tx.commit().await.expect("commit");
        n
    }
}

fn int(v: i64) -> lophoc::services::db::Bind {
    lophoc::services::db::Bind::Int(v)
}

fn text(v: impl Into<String>) -> lophoc::services::db::Bind {
    lophoc::services::db::Bind::Text(v.into())
}

async fn ids(ctx: &Ctx, sql: &str) -> Vec<i64> {
    sqlx::query(sql)
        .fetch_all(&ctx.db.pool)
        .await
        .expect("ids")
        .iter()
        .map(|r| sqlx::Row::try_get(r, 0).expect("id"))
        .collect()
}

/// The registry, the enrolments and a term of activity at `active` schools.
async fn setup(ctx: &Ctx, schools_n: usize, active: usize) -> (usize, NaiveDate) {
    let t = Instant::now();
    let rows = seed::demo_schools(schools_n);
    for chunk in rows.chunks(5_000) {
        schools::upsert(ctx, None, chunk, None)
            .await
            .expect("schools");
    }
    let school_ids = ids(ctx, "SELECT id FROM schools ORDER BY code").await;
    let now = chrono::Utc::now().timestamp();
    let today = lophoc::dates::today_at(now);
    let year_start = {
        let y = if today.month() >= 8 {
            today.year()
        } else {
            today.year() - 1
        };
        NaiveDate::from_ymd_opt(y, 9, 5).expect("date")
    };
    let created = now - 200 * 86_400;
    let mut enrol = Batch::new("pilot_enrollments", &["school_id", "since", "created_at"]);
    for (i, id) in school_ids.iter().enumerate() {
        if i % 4 == 0 {
            enrol.push(vec![int(*id), text(year_start.to_string()), int(created)]);
        }
    }
    enrol.write(ctx).await;
    // The active schools: three of every four enrolled ones, then others.
    let mut busy: Vec<i64> = school_ids.iter().step_by(4).copied().collect();
    busy.truncate(active * 3 / 4);
    busy.extend(
        school_ids
            .iter()
            .skip(1)
            .step_by(4)
            .take(active - busy.len()),
    );
    let mut rows_written = 0;
    // Devices, teachers, a year and two classes per busy school.
    let mut devices = Batch::new(
        "devices",
        &[
            "school_id",
            "name",
            "kind",
            "quantity",
            "status",
            "search_key",
            "created_at",
            "updated_at",
        ],
    );
    let mut users = Batch::new(
        "users",
        &[
            "username",
            "full_name",
            "role",
            "school_id",
            "password_hash",
            "active",
            "search_key",
            "created_at",
            "updated_at",
        ],
    );
    let mut years = Batch::new(
        "school_years",
        &["school_id", "name", "starts", "term2_starts", "ends"],
    );
    let yname = format!("{}-{}", year_start.year(), year_start.year() + 1);
    for (n, s) in busy.iter().enumerate() {
        for d in 0..3 {
            devices.push(vec![
                int(*s),
                text(format!("Máy chiếu {d}")),
                text("projector"),
                int(1),
                text("available"),
                text("may chieu"),
                int(created),
                int(created),
            ]);
        }
        for u in 0..6 {
            let name = format!("bench.{n}.{u}");
            users.push(vec![
                text(name.clone()),
                text(format!("Giáo viên {n} {u}")),
                text("teacher"),
                int(*s),
                text("x"),
                int(1),
                text(name),
                int(created),
                int(created),
            ]);
        }
        years.push(vec![
            int(*s),
            text(yname.clone()),
            text(year_start.to_string()),
            text(format!("{}-01-15", year_start.year() + 1)),
            text(format!("{}-05-31", year_start.year() + 1)),
        ]);
    }
    rows_written += devices.write(ctx).await + users.write(ctx).await + years.write(ctx).await;
    let teachers: std::collections::HashMap<i64, Vec<i64>> = {
        let mut m: std::collections::HashMap<i64, Vec<i64>> = Default::default();
        for r in
            sqlx::query("SELECT id, school_id FROM users WHERE username LIKE 'bench.%' ORDER BY id")
                .fetch_all(&ctx.db.pool)
                .await
                .expect("teachers")
        {
            let id: i64 = sqlx::Row::try_get(&r, "id").expect("id");
            let s: i64 = sqlx::Row::try_get(&r, "school_id").expect("school");
            m.entry(s).or_default().push(id);
        }
        m
    };
    let year_of: std::collections::HashMap<i64, i64> =
        sqlx::query("SELECT id, school_id FROM school_years")
            .fetch_all(&ctx.db.pool)
            .await
            .expect("years")
            .iter()
            .map(|r| {
                (
                    sqlx::Row::try_get(r, "school_id").expect("school"),
                    sqlx::Row::try_get(r, "id").expect("id"),
                )
            })
            .collect();
    let mut classes = Batch::new(
        "classes",
        &[
            "school_id",
            "year_id",
            "name",
            "grade",
            "homeroom_teacher_id",
            "created_at",
        ],
    );
    for s in &busy {
        for (c, homeroom) in teachers[s].iter().take(2).enumerate() {
            classes.push(vec![
                int(*s),
                int(year_of[s]),
                text(format!("6A{c}")),
                int(6),
                int(*homeroom),
                int(created),
            ]);
        }
    }
    rows_written += classes.write(ctx).await;
    let class_rows = sqlx::query("SELECT id, school_id FROM classes ORDER BY id")
        .fetch_all(&ctx.db.pool)
        .await
        .expect("classes");
    let classes: Vec<(i64, i64)> = class_rows
        .iter()
        .map(|r| {
            (
                sqlx::Row::try_get(r, "id").expect("id"),
                sqlx::Row::try_get(r, "school_id").expect("school"),
            )
        })
        .collect();
    let mut versions = Batch::new("timetable_versions", &["class_id", "starts", "created_at"]);
    for (c, _) in &classes {
        versions.push(vec![int(*c), text(year_start.to_string()), int(created)]);
    }
    rows_written += versions.write(ctx).await;
    let version_of: std::collections::HashMap<i64, i64> =
        sqlx::query("SELECT id, class_id FROM timetable_versions")
            .fetch_all(&ctx.db.pool)
            .await
            .expect("versions")
            .iter()
            .map(|r| {
                (
                    sqlx::Row::try_get(r, "class_id").expect("class"),
                    sqlx::Row::try_get(r, "id").expect("id"),
                )
            })
            .collect();
    let mut items = Batch::new(
        "timetable_items",
        &["version_id", "weekday", "period", "subject", "teacher_id"],
    );
    for (c, s) in &classes {
        for wd in 1..=5 {
            for p in 1..=5 {
                items.push(vec![
                    int(version_of[c]),
                    int(wd),
                    int(p),
                    text("toan"),
                    int(teachers[s][(p as usize) % 6]),
                ]);
            }
        }
    }
    rows_written += items.write(ctx).await;
    // Materials: one per teacher.
    let mut mats = Batch::new(
        "materials",
        &[
            "owner_id",
            "school_id",
            "title",
            "subject",
            "grade",
            "topic",
            "description",
            "scope",
            "kind",
            "url",
            "search_key",
            "version",
            "created_at",
            "updated_at",
        ],
    );
    for (s, ts) in &teachers {
        for tch in ts {
            mats.push(vec![
                int(*tch),
                int(*s),
                text("Bài giảng"),
                text("toan"),
                int(6),
                text(""),
                text(""),
                text("school"),
                text("link"),
                text("https://example.org/bai-giang"),
                text("bai giang"),
                int(1),
                int(created),
                int(created),
            ]);
        }
    }
    rows_written += mats.write(ctx).await;
    let material_of: std::collections::HashMap<i64, i64> =
        sqlx::query("SELECT id, owner_id FROM materials")
            .fetch_all(&ctx.db.pool)
            .await
            .expect("materials")
            .iter()
            .map(|r| {
                (
                    sqlx::Row::try_get(r, "owner_id").expect("owner"),
                    sqlx::Row::try_get(r, "id").expect("id"),
                )
            })
            .collect();
    let device_of: std::collections::HashMap<i64, i64> =
        sqlx::query("SELECT MIN(id) AS id, school_id FROM devices GROUP BY school_id")
            .fetch_all(&ctx.db.pool)
            .await
            .expect("devices")
            .iter()
            .map(|r| {
                (
                    sqlx::Row::try_get(r, "school_id").expect("school"),
                    sqlx::Row::try_get(r, "id").expect("id"),
                )
            })
            .collect();
    // Every school day of the term: roll calls, bookings, materials attached.
    let mut rng = 12345u64;
    let mut next = move |m: u64| {
        rng = rng
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (rng >> 33) % m
    };
    let mut day = year_start;
    let mut bookings_n = 0;
    while day < today {
        let wd = day.weekday().number_from_monday() as i64;
        if wd <= 5 {
            let mut rc = Batch::new(
                "roll_calls",
                &[
                    "school_id",
                    "class_id",
                    "date",
                    "period",
                    "teacher_id",
                    "taken_by",
                    "taken_at",
                    "updated_by",
                    "updated_at",
                    "on_time",
                    "present",
                    "late",
                    "excused",
                    "unexcused",
                ],
            );
            let mut lm = Batch::new(
                "lesson_materials",
                &[
                    "class_id",
                    "date",
                    "period",
                    "material_id",
                    "attached_by",
                    "attached_at",
                ],
            );
            let mut bk = Batch::new(
                "bookings",
                &[
                    "school_id",
                    "device_id",
                    "teacher_id",
                    "date",
                    "quantity",
                    "status",
                    "periods",
                    "first_period",
                    "created_at",
                    "updated_at",
                    "checked_in_at",
                ],
            );
            let ts = lophoc::dates::school_tz()
                .from_local_datetime(&day.and_hms_opt(9, 0, 0).expect("time"))
                .single()
                .expect("ts")
                .timestamp();
            for (c, s) in &classes {
                let on_time_rate = 55 + (*s as u64 % 45);
                for p in 1..=5 {
                    let tch = teachers[s][(p as usize) % 6];
                    rc.push(vec![
                        int(*s),
                        int(*c),
                        text(day.to_string()),
                        int(p),
                        int(tch),
                        int(tch),
                        int(ts),
                        int(tch),
                        int(ts),
                        int(i64::from(next(100) < on_time_rate)),
                        int(40),
                        int(0),
                        int(0),
                        int(0),
                    ]);
                    // Teachers attach a material to about one lesson in ten.
                    if next(10) == 0 {
                        lm.push(vec![
                            int(*c),
                            text(day.to_string()),
                            int(p),
                            int(material_of[&tch]),
                            int(tch),
                            int(ts),
                        ]);
                    }
                }
            }
            for s in &busy {
                for _ in 0..(*s as u64 % 4) {
                    bk.push(vec![
                        int(*s),
                        int(device_of[s]),
                        int(teachers[s][0]),
                        text(day.to_string()),
                        int(1),
                        text("returned"),
                        text("1,2"),
                        int(1),
                        int(ts),
                        int(ts),
                        int(ts),
                    ]);
                }
            }
            bookings_n += bk.rows.len();
            rows_written += rc.write(ctx).await + lm.write(ctx).await + bk.write(ctx).await;
        }
        day += Days::days(1);
    }
    // Each booking's two periods (a tagged device can hold one booking a period: one device
    // each, bookings of the same day at different periods would clash, so each booking of a
    // day uses the next two periods).
    let all = sqlx::query("SELECT id, device_id, date FROM bookings ORDER BY device_id, date, id")
        .fetch_all(&ctx.db.pool)
        .await
        .expect("bookings");
    let mut slots = Batch::new(
        "booking_slots",
        &[
            "booking_id",
            "device_id",
            "date",
            "period",
            "quantity",
            "pooled",
            "live",
        ],
    );
    let mut last: Option<(i64, String)> = None;
    let mut k = 0;
    for r in &all {
        let id: i64 = sqlx::Row::try_get(r, "id").expect("id");
        let dev: i64 = sqlx::Row::try_get(r, "device_id").expect("device");
        let date: String = sqlx::Row::try_get(r, "date").expect("date");
        if last.as_ref() != Some(&(dev, date.clone())) {
            k = 0;
            last = Some((dev, date.clone()));
        }
        for p in 0..2 {
            slots.push(vec![
                int(id),
                int(dev),
                text(date.clone()),
                int(k * 2 + p + 1),
                int(1),
                int(0),
                int(1),
            ]);
        }
        k += 1;
    }
    rows_written += slots.write(ctx).await;
    println!(
        "  setup: {} schools, {} active, {} bookings, {rows_written} rows of activity in {:.1} s",
        schools_n,
        busy.len(),
        bookings_n,
        t.elapsed().as_secs_f64()
    );
    (busy.len(), today)
}

use chrono::TimeZone;

async fn run_engine(label: &str, url: &str, schools_n: usize, active: usize) {
    println!("{label}: {schools_n} schools");
    let db = Db::connect(url, 8).await.expect("connect");
    db.migrate().await.expect("migrate");
    let ctx = Ctx::new(db);
    let (_, today) = setup(&ctx, schools_n, active).await;
    let dept = Actor {
        user_id: lophoc::ids::UserId(0),
        username: "bench".into(),
        role: Role::Sysadmin,
        school_id: None,
        area: None,
    };
    let r = pilot::recompute(&ctx, today).await.expect("run");
    println!(
        "  recompute all statuses (cold): {} schools in {} ms",
        r.schools, r.millis
    );
    let r = pilot::recompute(&ctx, today).await.expect("run");
    println!(
        "  recompute all statuses (warm): {} schools in {} ms",
        r.schools, r.millis
    );
    let mut lat = Vec::new();
    let mut last = None;
    for _ in 0..30 {
        let t = Instant::now();
        let s = pilot::summary(&ctx, &dept, None).await.expect("summary");
        lat.push(t.elapsed());
        last = Some(s);
    }
    lat.sort();
    let s = last.expect("a summary");
    println!(
        "  dashboard summary: p50 {:.1} ms  p99 {:.1} ms  ({} of {} schools count, {}%, {} areas)",
        percentile(&lat, 0.5).as_secs_f64() * 1e3,
        percentile(&lat, 0.99).as_secs_f64() * 1e3,
        s.counted_schools,
        s.total_schools,
        s.percent,
        s.by_area.len()
    );
    let mut lat = Vec::new();
    let mut first = None;
    for _ in 0..30 {
        let t = Instant::now();
        let p = pilot::schools(
            &ctx,
            &dept,
            &StatusFilter {
                limit: Some(50),
                ..Default::default()
            },
        )
        .await
        .expect("list");
        lat.push(t.elapsed());
        first = p.items.first().map(|x| x.school_id);
    }
    lat.sort();
    println!(
        "  ranking, first page of 50: p50 {:.1} ms  p99 {:.1} ms",
        percentile(&lat, 0.5).as_secs_f64() * 1e3,
        percentile(&lat, 0.99).as_secs_f64() * 1e3,
    );
    let mut lat = Vec::new();
    for _ in 0..30 {
        let t = Instant::now();
        pilot::school(&ctx, &dept, first.expect("a school"), None)
            .await
            .expect("evidence");
        lat.push(t.elapsed());
    }
    lat.sort();
    println!(
        "  one school's evidence: p50 {:.1} ms  p99 {:.1} ms",
        percentile(&lat, 0.5).as_secs_f64() * 1e3,
        percentile(&lat, 0.99).as_secs_f64() * 1e3,
    );
    let t = Instant::now();
    let tr = pilot::trend(&ctx, &dept, true).await.expect("trend");
    println!(
        "  trend from cold: {} points in {:.0} ms",
        tr.points.len(),
        t.elapsed().as_secs_f64() * 1e3
    );
    let t = Instant::now();
    pilot::trend(&ctx, &dept, false).await.expect("trend");
    println!(
        "  trend when made: {:.1} ms",
        t.elapsed().as_secs_f64() * 1e3
    );
}

fn main() {
    let nation = harness::has_arg("--nation");
    let pg = harness::has_arg("--pg") || nation;
    let rt = harness::runtime();
    if !nation {
        harness::on_sqlite(&rt, "pilot", |url| async move {
            run_engine("SQLite (WAL)", &url, 2_000, 600).await
        });
    }
    if pg {
        harness::on_postgres(&rt, "pilot", |url| async move {
            if nation {
                run_engine("PostgreSQL, a nation", &url, 54_000, 2_000).await;
            } else {
                run_engine("PostgreSQL, a province", &url, 2_000, 600).await;
            }
        });
    }
}
