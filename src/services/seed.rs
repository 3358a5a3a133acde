//! The demo province: deterministic, realistic, and easy to extend.
//!
//! `seed demo` builds the same province every time (a fixed pseudo-random sequence): areas
//! (communes and wards with their former districts), schools of every level, a department
//! account, one administrator per school and a few teachers each. Later features add their
//! own step to [`demo`] (devices, classes, activity). Every account shares one demo password,
//! hashed once: hashing thousands of accounts one by one would take minutes.

use crate::error::Error;
use crate::model::SchoolLevel;
use crate::services::auth::hash_password_blocking;
use crate::services::ctx::Ctx;
use crate::services::db::internal;
use crate::services::schools::{NewSchool, upsert};
use crate::text::fold;
use sqlx::Row;

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "lophoc2026";

/// What to build.
#[derive(Debug, Clone, Copy)]
pub struct DemoOptions {
    /// How many schools (about 120 is a province's share of pilot candidates; 2,000 for scale).
    pub schools: usize,
    /// Teachers per school.
    pub teachers_per_school: usize,
}

impl Default for DemoOptions {
    fn default() -> Self {
        DemoOptions {
            schools: 120,
            teachers_per_school: 3,
        }
    }
}

/// A demo account to print.
#[derive(Debug, Clone)]
pub struct DemoAccount {
    /// Login name.
    pub username: String,
    /// Role code.
    pub role: &'static str,
    /// What it is.
    pub description: String,
}

/// What was built.
#[derive(Debug, Clone, Default)]
pub struct DemoReport {
    /// Schools created (0 when they were there already).
    pub schools_created: u64,
    /// Accounts created.
    pub users_created: u64,
    /// The accounts worth trying first.
    pub accounts: Vec<DemoAccount>,
}

/// A small deterministic generator (a linear congruential sequence): the demo must not change
/// between runs, and it needs no cryptographic quality.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn pick<'a>(&mut self, items: &'a [&'a str]) -> &'a str {
        items[(self.next() as usize) % items.len()]
    }
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() as i64) % (hi - lo + 1)
    }
}

/// Communes and wards after the July 2025 merger, with the district each used to be in.
const AREAS: &[(&str, &str)] = &[
    ("Phường Hạc Thành", "TP Thanh Hóa"),
    ("Phường Quảng Phú", "TP Thanh Hóa"),
    ("Phường Đông Quang", "TP Thanh Hóa"),
    ("Phường Đông Sơn", "TP Thanh Hóa"),
    ("Phường Đông Tiến", "TP Thanh Hóa"),
    ("Phường Hàm Rồng", "TP Thanh Hóa"),
    ("Phường Nguyệt Viên", "TP Thanh Hóa"),
    ("Phường Sầm Sơn", "TP Sầm Sơn"),
    ("Phường Nam Sầm Sơn", "TP Sầm Sơn"),
    ("Phường Bỉm Sơn", "TX Bỉm Sơn"),
    ("Phường Quang Trung", "TX Bỉm Sơn"),
    ("Phường Ngọc Sơn", "TX Nghi Sơn"),
    ("Phường Tân Dân", "TX Nghi Sơn"),
    ("Phường Hải Lĩnh", "TX Nghi Sơn"),
    ("Phường Tĩnh Gia", "TX Nghi Sơn"),
    ("Xã Hoằng Hóa", "Huyện Hoằng Hóa"),
    ("Xã Hoằng Tiến", "Huyện Hoằng Hóa"),
    ("Xã Hậu Lộc", "Huyện Hậu Lộc"),
    ("Xã Triệu Lộc", "Huyện Hậu Lộc"),
    ("Xã Nga Sơn", "Huyện Nga Sơn"),
    ("Xã Hà Trung", "Huyện Hà Trung"),
    ("Xã Vĩnh Lộc", "Huyện Vĩnh Lộc"),
    ("Xã Yên Định", "Huyện Yên Định"),
    ("Xã Thọ Xuân", "Huyện Thọ Xuân"),
    ("Xã Thiệu Hóa", "Huyện Thiệu Hóa"),
    ("Xã Nông Cống", "Huyện Nông Cống"),
    ("Xã Quảng Xương", "Huyện Quảng Xương"),
    ("Xã Triệu Sơn", "Huyện Triệu Sơn"),
    ("Xã Ngọc Lặc", "Huyện Ngọc Lặc"),
    ("Xã Cẩm Thủy", "Huyện Cẩm Thủy"),
    ("Xã Bá Thước", "Huyện Bá Thước"),
];

/// Names upper-secondary schools are given.
const THPT_NAMES: &[&str] = &[
    "Lê Lợi",
    "Hàm Rồng",
    "Đào Duy Từ",
    "Nguyễn Trãi",
    "Lam Sơn",
    "Đông Sơn",
    "Lê Văn Hưu",
    "Nguyễn Hoàng",
    "Bà Triệu",
    "Hoằng Hóa 4",
    "Hậu Lộc 2",
    "Yên Định 1",
    "Thọ Xuân 5",
    "Triệu Sơn 3",
    "Nông Cống 1",
    "Quảng Xương 2",
    "Ba Đình",
    "Tống Duy Tân",
    "Cẩm Thủy 1",
];

const FAMILY: &[&str] = &[
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý",
    "Đinh", "Mai", "Trịnh",
];
const MIDDLE: &[&str] = &[
    "Thị", "Văn", "Minh", "Thu", "Hữu", "Ngọc", "Thanh", "Đức", "Quang", "Thùy", "Hải", "Bảo",
];
const GIVEN: &[&str] = &[
    "Hoà", "Lan", "Hương", "Đông", "Tuấn", "Hùng", "Mai", "Linh", "Trang", "Dũng", "Nga", "Thảo",
    "Phương", "Hạnh", "Sơn", "Yến", "Đức", "Quỳnh", "Châu", "Khánh",
];

fn area_short(area: &str) -> &str {
    area.strip_prefix("Phường ")
        .or_else(|| area.strip_prefix("Xã "))
        .unwrap_or(area)
}

/// The schools of the demo province, deterministic for a given count.
pub fn demo_schools(count: usize) -> Vec<NewSchool> {
    let mut rng = Lcg(20_251_128);
    let mut out = Vec::with_capacity(count);
    let mut per_level = [0usize; 5];
    // Most schools are primary and lower secondary, as in the real registry.
    let cycle = [
        SchoolLevel::MamNon,
        SchoolLevel::TieuHoc,
        SchoolLevel::Thcs,
        SchoolLevel::TieuHoc,
        SchoolLevel::MamNon,
        SchoolLevel::Thcs,
        SchoolLevel::Thpt,
        SchoolLevel::TieuHoc,
        SchoolLevel::Thcs,
        SchoolLevel::LienCap,
    ];
    for i in 0..count {
        let (area, district) = AREAS[i % AREAS.len()];
        let level = cycle[(i / AREAS.len() + i) % cycle.len()];
        let idx = SchoolLevel::ALL
            .iter()
            .position(|l| *l == level)
            .unwrap_or(0);
        per_level[idx] += 1;
        let round = i / AREAS.len();
        let place = area_short(area);
        let suffix = if round >= cycle.len() {
            format!(" {}", round / cycle.len() + 1)
        } else {
            String::new()
        };
        let (prefix, name, lo, hi) = match level {
            SchoolLevel::MamNon => ("MN", format!("Trường Mầm non {place}{suffix}"), 120, 420),
            SchoolLevel::TieuHoc => ("TH", format!("Trường Tiểu học {place}{suffix}"), 350, 1_200),
            SchoolLevel::Thcs => ("CS", format!("Trường THCS {place}{suffix}"), 300, 1_000),
            SchoolLevel::Thpt => {
                let n = THPT_NAMES[per_level[idx] % THPT_NAMES.len()];
                let s = if per_level[idx] > THPT_NAMES.len() {
                    format!(" ({place})")
                } else {
                    String::new()
                };
                ("PT", format!("Trường THPT {n}{s}"), 800, 1_700)
            }
            SchoolLevel::LienCap => ("LC", format!("Trường TH&THCS {place}{suffix}"), 300, 900),
        };
        out.push(NewSchool {
            code: format!("{prefix}{:04}", i + 1),
            name,
            level,
            area: area.to_owned(),
            former_district: Some(district.to_owned()),
            students: rng.range(lo, hi),
        });
    }
    out
}

fn person_name(rng: &mut Lcg) -> String {
    format!(
        "{} {} {}",
        rng.pick(FAMILY),
        rng.pick(MIDDLE),
        rng.pick(GIVEN)
    )
}

/// Builds the demo province, or completes it: schools that exist are left as they are, and
/// existing accounts are kept.
pub async fn demo(ctx: &Ctx, opts: DemoOptions) -> Result<DemoReport, Error> {
    let schools = demo_schools(opts.schools);
    let created = upsert(ctx, None, &schools, None).await?.created;
    let hash = tokio::task::spawn_blocking(|| hash_password_blocking(DEMO_PASSWORD))
        .await
        .map_err(|_| Error::internal())??;
    let ids: Vec<(i64, String)> = sqlx::query("SELECT id, code FROM schools ORDER BY code")
        .fetch_all(&ctx.db.pool)
        .await
        .map_err(internal)?
        .iter()
        .map(|r| Ok((r.try_get("id")?, r.try_get("code")?)))
        .collect::<Result<_, sqlx::Error>>()
        .map_err(internal)?;
    let mut rng = Lcg(7);
    let now = ctx.now();
    let mut users: Vec<(String, String, &str, Option<i64>)> = vec![
        ("admin".into(), "Quản trị hệ thống".into(), "sysadmin", None),
        (
            "sogd".into(),
            "Phòng Giáo dục phổ thông — Sở GD&ĐT".into(),
            "department",
            None,
        ),
    ];
    let wanted: std::collections::HashSet<&str> = schools.iter().map(|s| s.code.as_str()).collect();
    for (id, code) in ids.iter().filter(|(_, c)| wanted.contains(c.as_str())) {
        let c = code.to_lowercase();
        users.push((
            format!("qt.{c}"),
            person_name(&mut rng),
            "school_admin",
            Some(*id),
        ));
        for t in 1..=opts.teachers_per_school {
            users.push((
                format!("gv.{c}.{t}"),
                person_name(&mut rng),
                "teacher",
                Some(*id),
            ));
        }
    }
    let mut users_created = 0;
    let mut tx = ctx.db.pool.begin().await.map_err(internal)?;
    for (username, full_name, role, school) in &users {
        let r = sqlx::query(
            "INSERT INTO users (username, full_name, role, school_id, password_hash, active, search_key, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, 1, $6, $7, $8) ON CONFLICT (username) DO NOTHING",
        )
        .bind(username.clone())
        .bind(full_name.clone())
        .bind(role.to_string())
        .bind(*school)
        .bind(hash.clone())
        .bind(fold(&format!("{username} {full_name}")))
        .bind(now)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
        users_created += r.rows_affected();
    }
    // A quarter of the schools are enrolled in the pilot since the start of the 2025-26 year.
    for (i, (id, _)) in ids
        .iter()
        .enumerate()
        .filter(|(_, (_, c))| wanted.contains(c.as_str()))
    {
        if i % 4 == 0 {
            sqlx::query(
                "INSERT INTO pilot_enrollments (school_id, since, created_at) VALUES ($1, $2, $3) ON CONFLICT (school_id) DO NOTHING",
            )
            .bind(*id)
            .bind("2025-09-05".to_owned())
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(internal)?;
        }
    }
    tx.commit().await.map_err(internal)?;
    let accounts = demo_accounts(opts);
    Ok(DemoReport {
        schools_created: created,
        users_created,
        accounts,
    })
}

/// The accounts worth trying first in a demo built with `opts`, without touching the database.
pub fn demo_accounts(opts: DemoOptions) -> Vec<DemoAccount> {
    let schools = demo_schools(opts.schools.min(1));
    let mut accounts = vec![
        DemoAccount {
            username: "admin".into(),
            role: "sysadmin",
            description: "Quản trị hệ thống / System administrator".into(),
        },
        DemoAccount {
            username: "sogd".into(),
            role: "department",
            description: "Sở GD&ĐT / Education department".into(),
        },
    ];
    if let Some(first) = schools.first() {
        let code = first.code.to_lowercase();
        accounts.push(DemoAccount {
            username: format!("qt.{code}"),
            role: "school_admin",
            description: first.name.clone(),
        });
        if opts.teachers_per_school > 0 {
            accounts.push(DemoAccount {
                username: format!("gv.{code}.1"),
                role: "teacher",
                description: first.name.clone(),
            });
        }
    }
    accounts
}

/// Whether the database has no schools and no users (so `serve --demo` may load the demo).
pub async fn is_empty(ctx: &Ctx) -> Result<bool, Error> {
    let n: i64 =
        sqlx::query("SELECT (SELECT COUNT(*) FROM schools) + (SELECT COUNT(*) FROM users) AS n")
            .fetch_one(&ctx.db.pool)
            .await
            .and_then(|r| r.try_get("n"))
            .map_err(internal)?;
    Ok(n == 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_is_deterministic_and_covers_every_level() {
        let a = demo_schools(120);
        assert_eq!(a, demo_schools(120));
        assert_eq!(a.len(), 120);
        for level in SchoolLevel::ALL {
            assert!(a.iter().any(|s| s.level == level), "{level:?} missing");
        }
        let codes: std::collections::HashSet<_> = a.iter().map(|s| &s.code).collect();
        assert_eq!(codes.len(), 120);
        let areas: std::collections::HashSet<_> = a.iter().map(|s| &s.area).collect();
        assert!(areas.len() >= 30);
        let big = demo_schools(2000);
        let codes: std::collections::HashSet<_> = big.iter().map(|s| &s.code).collect();
        assert_eq!(codes.len(), 2000);
    }
}
