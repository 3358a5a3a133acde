//! The demo province: deterministic, realistic, and easy to extend.
//!
//! `seed demo` builds the same province every time (a fixed pseudo-random sequence): areas
//! (communes and wards with their former districts), schools of every level, a department
//! account, one administrator per school and a few teachers each. Later features add their
//! own step to [`demo`] (devices, classes, activity). Every account shares one demo password,
//! hashed once: hashing thousands of accounts one by one would take minutes.

use crate::dates::today_at;
use crate::devices::DeviceKind;
use crate::error::Error;
use crate::ids::{SchoolId, UserId};
use crate::model::SchoolLevel;
use crate::periods::default_grid;
use crate::services::auth::hash_password_blocking;
use crate::services::ctx::Ctx;
use crate::services::db::internal;
use crate::services::schools::{NewSchool, upsert};
use crate::text::fold;

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
    /// Devices created.
    pub devices_created: u64,
    /// Bookings created.
    pub bookings_created: u64,
    /// Classes created.
    pub classes_created: u64,
    /// Roll calls written.
    pub roll_calls_created: u64,
    /// Materials of the demo library.
    pub materials_created: u64,
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
    let ids: Vec<(i64, String)> = sqlx::query_as("SELECT id, code FROM schools ORDER BY code")
        .fetch_all(&ctx.db.pool)
        .await
        .map_err(internal)?
        .into_iter()
        .collect();
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
        .bind(now - SEEDED_BEFORE)
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
    ctx.aggregates.changed();
    // Devices for the pilot schools (and the first school, whose accounts are printed), and a
    // term of bookings for some of them.
    let first = schools.first().map(|s| s.code.clone());
    let mut equipped = Vec::new();
    for (i, (id, code)) in ids
        .iter()
        .enumerate()
        .filter(|(_, (_, c))| wanted.contains(c.as_str()))
    {
        if i % 4 == 0 || Some(code) == first.as_ref() {
            equipped.push((*id, code.clone(), Some(code) == first.as_ref()));
        }
    }
    // The first school first, so it always has bookings.
    equipped.sort_by_key(|(_, _, is_first)| !is_first);
    let (devices_created, bookings_created) = demo_devices(ctx, &equipped).await?;
    let (classes_created, roll_calls_created) = demo_classes(ctx, &equipped).await?;
    let materials_created = demo_materials(ctx, &equipped).await?;
    // The pilot: the plan's target and a later one, and the statuses (today and the trend's
    // month ends) made, so the dashboard opens at once.
    crate::services::pilot::seed_targets(ctx).await?;
    crate::services::pilot::refresh(ctx, crate::services::pilot::TREND_MONTHS as usize).await?;
    let accounts = demo_accounts(opts);
    Ok(DemoReport {
        schools_created: created,
        users_created,
        devices_created,
        bookings_created,
        classes_created,
        roll_calls_created,
        materials_created,
        accounts,
    })
}

/// The demo library's titles: (title, subject, grade, topic).
const DEMO_MATERIALS: [(&str, &str, i64, &str); 24] = [
    ("Toán lớp 6: Phân số và số thập phân", "toan", 6, "Phân số"),
    (
        "Toán lớp 6: Bài tập ôn tập chương I",
        "toan",
        6,
        "Số tự nhiên",
    ),
    (
        "Toán lớp 7: Tỉ lệ thức và dãy tỉ số bằng nhau",
        "toan",
        7,
        "Tỉ lệ thức",
    ),
    (
        "Toán lớp 9: Hệ phương trình bậc nhất hai ẩn",
        "toan",
        9,
        "Đại số",
    ),
    (
        "Ngữ văn 6: Bài thơ Đêm nay Bác không ngủ",
        "ngu_van",
        6,
        "Thơ",
    ),
    (
        "Ngữ văn 9: Truyện Kiều – Chị em Thuý Kiều",
        "ngu_van",
        9,
        "Truyện thơ Nôm",
    ),
    (
        "KHTN 6: Tế bào – đơn vị cơ sở của sự sống",
        "khtn",
        6,
        "Tế bào",
    ),
    ("KHTN 7: Tốc độ chuyển động", "khtn", 7, "Chuyển động"),
    (
        "Tiếng Anh 6 Unit 1: My new school",
        "ngoai_ngu",
        6,
        "Unit 1",
    ),
    (
        "Tiếng Anh 9 Unit 3: Teen stress and pressure",
        "ngoai_ngu",
        9,
        "Unit 3",
    ),
    (
        "Lịch sử và Địa lý 6: Trái Đất trong hệ Mặt Trời",
        "lich_su_dia_ly",
        6,
        "Trái Đất",
    ),
    ("Tiếng Việt 1: Học vần – bài 12", "tieng_viet", 1, "Học vần"),
    (
        "Tiếng Việt 3: Đọc hiểu – Chiếc áo len",
        "tieng_viet",
        3,
        "Đọc hiểu",
    ),
    (
        "Toán lớp 1: Phép cộng trong phạm vi 10",
        "toan",
        1,
        "Phép cộng",
    ),
    ("Toán lớp 3: Bảng nhân 6", "toan", 3, "Bảng nhân"),
    (
        "Tự nhiên và Xã hội 3: Các bộ phận của cây",
        "tu_nhien_xa_hoi",
        3,
        "Thực vật",
    ),
    (
        "Tin học 5: Soạn thảo văn bản đơn giản",
        "tin_hoc",
        5,
        "Soạn thảo",
    ),
    (
        "Vật lý 10: Chuyển động thẳng biến đổi đều",
        "vat_ly",
        10,
        "Động học",
    ),
    ("Ngữ văn 10: Văn bản thông tin", "ngu_van", 10, "Đọc hiểu"),
    ("Toán 11: Giới hạn của dãy số", "toan", 11, "Giới hạn"),
    (
        "Tiếng Anh 12 Unit 5: Cultural identity",
        "ngoai_ngu",
        12,
        "Unit 5",
    ),
    ("Âm nhạc: Bài hát Quê hương tươi đẹp", "am_nhac", 0, "Hát"),
    (
        "Mỹ thuật: Vẽ tranh đề tài gia đình",
        "my_thuat",
        0,
        "Vẽ tranh",
    ),
    (
        "Hoạt động trải nghiệm: Kỹ năng thoát hiểm",
        "hdtn",
        0,
        "Kỹ năng sống",
    ),
];

/// A small real PDF of one page that says `title` (its letters folded to ASCII: the standard
/// PDF fonts have no Vietnamese glyphs). Made here, nothing downloaded.
pub fn tiny_pdf(title: &str) -> Vec<u8> {
    let text: String = fold(title)
        .chars()
        .filter(|c| c.is_ascii() && *c != '(' && *c != ')' && *c != '\\')
        .collect();
    let stream = format!("BT /F1 18 Tf 50 780 Td ({text}) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R \
         /Resources << /Font << /F1 5 0 R >> >> >>"
            .to_owned(),
        format!(
            "<< /Length {} >>\nstream\n{stream}\nendstream",
            stream.len()
        ),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// A demo library for the schools with classes: every teacher shares a few lessons (small PDFs
/// made here, and video links), some with the school, some with the province, one private; and
/// attaches some to their lessons of the last weeks, so "where it was used" and the pilot's
/// "teachers attaching materials" have something to show. Skipped where a school has materials.
async fn demo_materials(ctx: &Ctx, schools: &[(i64, String, bool)]) -> Result<u64, Error> {
    use crate::materials::{MaterialForm, Scope};
    use crate::services::materials::{self, Upload};
    let mut created = 0;
    let mut k = 0usize;
    let today = today_at(ctx.now());
    for (school, _, _) in schools.iter().take(SCHOOLS_WITH_CLASSES) {
        let has: i64 =
            sqlx::query_scalar("SELECT COUNT(*) AS n FROM materials WHERE school_id = $1")
                .bind(*school)
                .fetch_one(&ctx.db.pool)
                .await
                .map_err(internal)?;
        if has > 0 {
            continue;
        }
        let teachers: Vec<(UserId, String)> = sqlx::query_as(
            "SELECT id, username FROM users WHERE school_id = $1 AND role = 'teacher' ORDER BY username",
        )
        .bind(*school)
        .fetch_all(&ctx.db.pool)
        .await
        .map_err(internal)?
        .into_iter()
        .collect();
        for (t, (id, username)) in teachers.iter().enumerate() {
            let actor = crate::model::Actor {
                user_id: *id,
                username: username.clone(),
                role: crate::model::Role::Teacher,
                school_id: Some(SchoolId(*school)),
                area: None,
            };
            let mut mine = Vec::new();
            for j in 0..4 {
                let (title, subject, grade, topic) = DEMO_MATERIALS[k % DEMO_MATERIALS.len()];
                k += 1;
                let scope = match (t + j) % 4 {
                    0 | 1 => Scope::School,
                    2 => Scope::Province,
                    _ => Scope::Private,
                };
                let link = j == 3;
                let form = MaterialForm {
                    title: title.to_owned(),
                    subject: subject.to_owned(),
                    grade: grade.to_string(),
                    topic: topic.to_owned(),
                    description: format!("Học liệu chia sẻ bởi giáo viên ({topic})."),
                    scope: scope.as_str().to_owned(),
                    url: if link {
                        format!("https://www.youtube.com/watch?v=demo{k:04}")
                    } else {
                        String::new()
                    },
                };
                let upload = if link {
                    None
                } else {
                    let mut staged = ctx.files.stage().await?;
                    staged.write(&tiny_pdf(title)).await?;
                    Some(Upload {
                        filename: format!("{}.pdf", fold(title).replace([' ', ':'], "-")),
                        staged,
                    })
                };
                let m = materials::create(ctx, &actor, &form, upload).await?;
                mine.push(m.id);
                created += 1;
            }
            // The first two teachers of a school attach materials to their lessons of the
            // last two weeks (every other lesson).
            if t < 2 {
                let from = today - chrono::Duration::days(14);
                let slots = crate::services::timetable::timetabled(
                    ctx,
                    SchoolId(*school),
                    from,
                    today,
                    Some(*id),
                )
                .await?;
                for (n, s) in slots.iter().enumerate().filter(|(n, _)| n % 2 == 0) {
                    materials::attach(
                        ctx,
                        &actor,
                        s.class_id,
                        s.date,
                        s.item.period,
                        mine[n % mine.len()],
                    )
                    .await?;
                }
            }
        }
    }
    Ok(created)
}

/// How many equipped schools get classes, rosters, a timetable and weeks of roll calls.
pub const SCHOOLS_WITH_CLASSES: usize = 8;

/// The demo's accounts and devices date from the start of the school year (seconds before now),
/// so the pilot's trend counts them on its earlier month ends.
const SEEDED_BEFORE: i64 = 100 * 86_400;
/// Weeks of roll calls before today.
const ROLL_CALL_WEEKS: i64 = 5;

/// Classes with rosters and a timetable (Monday to Friday, the morning's first four periods, the
/// school's teachers in turn) for the first [`SCHOOLS_WITH_CLASSES`] equipped schools, and roll
/// calls for their lessons of the last weeks: most taken on time, some late, a few never (the
/// missing report has something to show), a few absences each.
async fn demo_classes(ctx: &Ctx, schools: &[(i64, String, bool)]) -> Result<(u64, u64), Error> {
    use crate::classes::SchoolYear;
    use crate::services::classes::{self as cls, NewClass, NewStudent};
    use crate::services::timetable;
    use crate::timetable::TimetableItem;
    let now = ctx.now();
    let today = today_at(now);
    let year_name = SchoolYear::name_of(today);
    let mut rng = Lcg(11);
    let (mut classes_created, mut roll_calls) = (0, 0);
    for (position, (school, code, _)) in schools.iter().take(SCHOOLS_WITH_CLASSES).enumerate() {
        let school = SchoolId(*school);
        let has: i64 = sqlx::query_scalar("SELECT COUNT(*) AS n FROM classes WHERE school_id = $1")
            .bind(school)
            .fetch_one(&ctx.db.pool)
            .await
            .map_err(internal)?;
        if has > 0 {
            continue;
        }
        let level_s: String = sqlx::query_scalar("SELECT level FROM schools WHERE id = $1")
            .bind(school)
            .fetch_one(&ctx.db.pool)
            .await
            .map_err(internal)?;
        let level = crate::services::db::decode("school level", &level_s, SchoolLevel::parse)
            .map_err(internal)?;
        let teachers: Vec<UserId> = sqlx::query_scalar(
            "SELECT id FROM users WHERE school_id = $1 AND role = 'teacher' ORDER BY username",
        )
        .bind(school)
        .fetch_all(&ctx.db.pool)
        .await
        .map_err(internal)?
        .into_iter()
        .collect();
        if teachers.is_empty() {
            continue;
        }
        let (grades, subjects): (&[i64], &[&str]) = match level {
            SchoolLevel::MamNon => (&[0, 0, 0], &["khac", "hdtn", "am_nhac", "my_thuat"]),
            SchoolLevel::TieuHoc => (
                &[1, 3, 5],
                &["tieng_viet", "toan", "tu_nhien_xa_hoi", "tin_hoc"],
            ),
            SchoolLevel::Thcs | SchoolLevel::LienCap => {
                (&[6, 7, 9], &["toan", "ngu_van", "khtn", "ngoai_ngu"])
            }
            SchoolLevel::Thpt => (&[10, 11, 12], &["toan", "ngu_van", "vat_ly", "ngoai_ngu"]),
        };
        let rows: Vec<NewClass> = grades
            .iter()
            .enumerate()
            .map(|(i, g)| NewClass {
                name: if *g == 0 {
                    format!("Lá {}", i + 1)
                } else {
                    format!("{g}A{}", i + 1)
                },
                grade: *g,
                school_year: year_name.clone(),
                homeroom: Some(teachers[i % teachers.len()]),
            })
            .collect();
        classes_created += cls::upsert_classes(ctx, None, school, &rows, None)
            .await?
            .created;
        let year = {
            let mut tx = ctx.db.pool.begin().await.map_err(internal)?;
            let y = cls::ensure_year(&mut tx, school, &year_name).await?;
            tx.commit().await.map_err(internal)?;
            y
        };
        let ids: Vec<(crate::ids::ClassId, String)> =
            sqlx::query_as("SELECT id, name FROM classes WHERE school_id = $1 ORDER BY name")
                .bind(school)
                .fetch_all(&ctx.db.pool)
                .await
                .map_err(internal)?
                .into_iter()
                .collect();
        for (k, (class, _)) in ids.iter().enumerate() {
            let size = rng.range(26, 36);
            let kids: Vec<NewStudent> = (1..=size)
                .map(|i| NewStudent {
                    code: format!("{}{}{:02}", code, k + 1, i),
                    full_name: person_name(&mut rng),
                    gender: Some(if rng.range(0, 1) == 0 {
                        crate::classes::Gender::Nam
                    } else {
                        crate::classes::Gender::Nu
                    }),
                    birth_date: None,
                })
                .collect();
            cls::enrol(ctx, None, *class, &kids, Some(year.starts), None).await?;
            // Monday to Friday, periods 1–4: the school's teachers in turn (the first
            // teacher has lessons every day, so the demo teacher's day is never empty).
            let mut items = Vec::new();
            for weekday in 1..=5 {
                for period in 1..=4i64 {
                    let t = (weekday as usize + period as usize + k) % teachers.len();
                    items.push(TimetableItem {
                        weekday,
                        period,
                        subject: subjects[(period as usize + k) % subjects.len()].to_owned(),
                        teacher_id: teachers[t],
                        teacher_name: None,
                    });
                }
            }
            timetable::write(ctx, None, *class, &year, None, &items, None).await?;
        }
        // The pilot's story: the first five schools take roll on time, the last three are
        // close (late too often) — see `demo_roll_calls`.
        let late_by = if position < 5 { 12 } else { 24 };
        roll_calls += demo_roll_calls(ctx, school, &mut rng, today, late_by).await?;
        demo_class_log(ctx, school, &mut rng, today, late_by).await?;
    }
    Ok((classes_created, roll_calls))
}

/// Lesson titles a demo class log cycles through, by subject code.
fn demo_topics(subject: &str) -> &'static [&'static str] {
    match subject {
        "toan" => &[
            "Ôn tập các số đến 100 000",
            "Phép cộng có nhớ",
            "Phép trừ có nhớ",
            "Nhân với số có một chữ số",
            "Chia cho số có một chữ số",
            "Giải bài toán có lời văn",
        ],
        "tieng_viet" | "ngu_van" => &[
            "Đọc hiểu: Quê hương",
            "Luyện từ và câu: Từ chỉ sự vật",
            "Tập làm văn: Kể về gia đình",
            "Chính tả: Nghe – viết",
            "Viết đoạn văn ngắn",
        ],
        "khtn" | "tu_nhien_xa_hoi" | "vat_ly" => &[
            "Các thể của chất",
            "Ánh sáng và sự truyền ánh sáng",
            "Thực hành: đo nhiệt độ",
            "Năng lượng và cuộc sống",
        ],
        "ngoai_ngu" => &[
            "Unit 1: Hello",
            "Unit 2: My family",
            "Unit 3: At school",
            "Review 1",
        ],
        "tin_hoc" => &[
            "Làm quen với máy tính",
            "Gõ phím đúng cách",
            "Vẽ hình đơn giản",
        ],
        _ => &[
            "Hoạt động trải nghiệm",
            "Hát và vận động",
            "Vẽ tranh theo chủ đề",
        ],
    }
}

/// The demo's class log (sổ đầu bài) for a school's lessons of the last [`ROLL_CALL_WEEKS`]
/// weeks with a roll call: signed by their teacher (most on time, `late_by` as for the roll
/// calls makes some late), the absentees from the roll call; every week before last closed by
/// the homeroom teacher and the principal. Written through the class log's own chain code, so
/// `lophoc log verify` finds every chain intact.
async fn demo_class_log(
    ctx: &Ctx,
    school: SchoolId,
    rng: &mut Lcg,
    today: chrono::NaiveDate,
    late_by: i64,
) -> Result<(), Error> {
    use crate::class_log::{Absentee, Grade, week_of};
    use crate::roll_calls::Status;
    use crate::services::class_log::{SeedEntry, seed_close, seed_signed};
    use crate::services::{periods, timetable};
    use std::collections::HashMap;
    let from = today - chrono::Duration::days(7 * ROLL_CALL_WEEKS);
    let Some(yesterday) = today.pred_opt() else {
        return Ok(());
    };
    let mut slots = timetable::timetabled(ctx, school, from, yesterday, None).await?;
    slots.sort_by(|a, b| {
        (a.class_id, a.date, a.item.period).cmp(&(b.class_id, b.date, b.item.period))
    });
    let grid = periods::load_grid(ctx, school).await?;
    let taken: Vec<(crate::ids::ClassId, String, i64)> = sqlx::query_as(
        "SELECT class_id, date, period FROM roll_calls WHERE school_id = $1 AND date >= $2",
    )
    .bind(school)
    .bind(from.to_string())
    .fetch_all(&ctx.db.pool)
    .await
    .map_err(internal)?;
    let taken: std::collections::HashSet<_> = taken.into_iter().collect();
    let absent: Vec<(
        crate::ids::ClassId,
        String,
        i64,
        crate::ids::StudentId,
        String,
        String,
    )> = sqlx::query_as(
        "SELECT r.class_id, r.date, r.period, e.student_id, s.full_name, e.status \
             FROM roll_calls r JOIN roll_call_entries e ON e.roll_call_id = r.id \
             JOIN students s ON s.id = e.student_id WHERE r.school_id = $1 AND r.date >= $2 \
             AND e.status IN ('excused', 'unexcused')",
    )
    .bind(school)
    .bind(from.to_string())
    .fetch_all(&ctx.db.pool)
    .await
    .map_err(internal)?;
    let mut absentees: HashMap<(crate::ids::ClassId, String, i64), Vec<Absentee>> = HashMap::new();
    for (class, date, period, student, name, status) in absent {
        let status =
            crate::services::db::decode("status", &status, Status::parse).map_err(internal)?;
        absentees
            .entry((class, date, period))
            .or_default()
            .push(Absentee {
                student_id: student,
                full_name: name,
                status,
            });
    }
    let homerooms: HashMap<crate::ids::ClassId, Option<UserId>> =
        sqlx::query_as::<_, (crate::ids::ClassId, Option<UserId>)>(
            "SELECT id, homeroom_teacher_id FROM classes WHERE school_id = $1",
        )
        .bind(school)
        .fetch_all(&ctx.db.pool)
        .await
        .map_err(internal)?
        .into_iter()
        .collect();
    let principal: Option<UserId> = sqlx::query_scalar(
        "SELECT id FROM users WHERE school_id = $1 AND role = 'school_admin' ORDER BY id LIMIT 1",
    )
    .bind(school)
    .fetch_optional(&ctx.db.pool)
    .await
    .map_err(internal)?;
    // Every week before last is closed; last week waits for its homeroom teacher.
    let last_closed = week_of(today) - chrono::Duration::days(14);
    let mut ppct: HashMap<(crate::ids::ClassId, String), i64> = HashMap::new();
    let mut tx = ctx.db.pool.begin().await.map_err(internal)?;
    let mut week: Option<(crate::ids::ClassId, chrono::NaiveDate)> = None;
    let close = |w: Option<(crate::ids::ClassId, chrono::NaiveDate)>| {
        w.filter(|(_, monday)| *monday <= last_closed)
            .and_then(|(class, monday)| {
                let homeroom = homerooms.get(&class).copied().flatten()?;
                Some((class, monday, homeroom, principal?))
            })
    };
    for s in &slots {
        let this = (s.class_id, week_of(s.date));
        if week.is_some_and(|w| w != this)
            && let Some((class, monday, h, p)) = close(week)
        {
            let saturday = crate::dates::midnight(monday + chrono::Duration::days(5));
            seed_close(&mut tx, school, class, monday, h, p, saturday + 10 * 3600).await?;
        }
        week = Some(this);
        let date = s.date.to_string();
        if !taken.contains(&(s.class_id, date.clone(), s.item.period)) {
            continue;
        }
        let n = ppct
            .entry((s.class_id, s.item.subject.clone()))
            .or_insert(0);
        *n += 1;
        let topics = demo_topics(&s.item.subject);
        let title = format!("Bài {}: {}", *n, topics[(*n as usize - 1) % topics.len()]);
        let end = grid
            .items
            .iter()
            .find(|p| p.number == s.item.period)
            .map(|p| p.ends.minutes())
            .unwrap_or(12 * 60);
        let midnight = crate::dates::midnight(s.date);
        let deadline = midnight + (end + crate::class_log::SIGN_GRACE_MINUTES) * 60;
        let signed_at = midnight + (end + rng.range(-4, late_by / 2)) * 60;
        let mut away = absentees
            .remove(&(s.class_id, date, s.item.period))
            .unwrap_or_default();
        crate::names::sort_by_name(&mut away, |a| &a.full_name);
        seed_signed(
            &mut tx,
            SeedEntry {
                school,
                class: s.class_id,
                date: s.date,
                period: s.item.period,
                teacher: s.item.teacher_id,
                title: &title,
                ppct: *n,
                grade: Grade::ALL[(rng.next() % 3) as usize],
                signed_at,
                deadline,
                absentees: away,
            },
        )
        .await?;
    }
    if let Some((class, monday, h, p)) = close(week) {
        let saturday = crate::dates::midnight(monday + chrono::Duration::days(5));
        seed_close(&mut tx, school, class, monday, h, p, saturday + 10 * 3600).await?;
    }
    tx.commit().await.map_err(internal)?;
    Ok(())
}

/// Roll calls for a school's lessons of the last [`ROLL_CALL_WEEKS`] weeks (not today's):
/// written straight in one transaction, as the service would store them.
async fn demo_roll_calls(
    ctx: &Ctx,
    school: SchoolId,
    rng: &mut Lcg,
    today: chrono::NaiveDate,
    late_by: i64,
) -> Result<u64, Error> {
    use crate::services::{classes as cls, periods, timetable};
    let from = today - chrono::Duration::days(7 * ROLL_CALL_WEEKS);
    let Some(yesterday) = today.pred_opt() else {
        return Ok(0);
    };
    let slots = timetable::timetabled(ctx, school, from, yesterday, None).await?;
    let grid = periods::load_grid(ctx, school).await?;
    let mut rosters: std::collections::HashMap<crate::ids::ClassId, Vec<crate::ids::StudentId>> =
        Default::default();
    for s in &slots {
        if let std::collections::hash_map::Entry::Vacant(e) = rosters.entry(s.class_id) {
            let m = cls::members_on(ctx, s.class_id, s.date).await?;
            e.insert(m.into_iter().map(|s| s.id).collect());
        }
    }
    let mut tx = ctx.db.pool.begin().await.map_err(internal)?;
    let mut n = 0;
    for s in &slots {
        // About one lesson in twelve is never taken.
        if rng.range(0, 11) == 0 {
            continue;
        }
        let members = &rosters[&s.class_id];
        let end = grid
            .items
            .iter()
            .find(|p| p.number == s.item.period)
            .map(|p| p.ends.minutes())
            .unwrap_or(12 * 60);
        // Taken from 10 minutes before the end of the period to `late_by` minutes after it
        // (on time up to 15 minutes after: 12 → always, 24 → three in four).
        let delay = rng.range(-10, late_by);
        let midnight = crate::dates::midnight(s.date);
        let taken_at = midnight + (end + delay) * 60;
        let on_time = delay <= crate::roll_calls::ON_TIME_GRACE_MINUTES;
        let mut entries = Vec::new();
        let absentees = if members.is_empty() {
            0
        } else {
            rng.range(0, 3)
        };
        for _ in 0..absentees {
            let who = members[(rng.next() as usize) % members.len()];
            if !entries.iter().any(|(w, _)| *w == who) {
                let st = ["late", "excused", "unexcused"][(rng.next() % 3) as usize];
                entries.push((who, st));
            }
        }
        let count = |st: &str| entries.iter().filter(|(_, s)| *s == st).count() as i64;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO roll_calls (school_id, class_id, date, period, teacher_id, taken_by, taken_at, \
             updated_by, updated_at, on_time, present, late, excused, unexcused) \
             VALUES ($1, $2, $3, $4, $5, $5, $6, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
        )
        .bind(school)
        .bind(s.class_id)
        .bind(s.date.to_string())
        .bind(s.item.period)
        .bind(s.item.teacher_id)
        .bind(taken_at)
        .bind(i64::from(on_time))
        .bind(members.len() as i64 - entries.len() as i64)
        .bind(count("late"))
        .bind(count("excused"))
        .bind(count("unexcused"))
        .fetch_one(&mut *tx)
        .await
        .map_err(internal)?;
        for (who, st) in &entries {
            sqlx::query(
                "INSERT INTO roll_call_entries (roll_call_id, student_id, status) VALUES ($1, $2, $3)",
            )
            .bind(id)
            .bind(*who)
            .bind(st.to_string())
            .execute(&mut *tx)
            .await
            .map_err(internal)?;
        }
        n += 1;
    }
    tx.commit().await.map_err(internal)?;
    Ok(n)
}

/// How many equipped schools get a term of bookings (the rest only their devices): enough to
/// make the department's report meaningful without making `seed demo --schools 2000` slow.
pub const SCHOOLS_WITH_BOOKINGS: usize = 40;

/// The devices a demo school owns: (name, kind, room, quantity, serial prefix).
fn demo_inventory(
    level: SchoolLevel,
    rng: &mut Lcg,
) -> Vec<(String, DeviceKind, Option<String>, i64)> {
    let mut out = vec![(
        "Màn hình tương tác 86\" — Phòng học thông minh".to_owned(),
        DeviceKind::InteractiveDisplay,
        Some("Phòng học thông minh".to_owned()),
        1,
    )];
    for n in 0..rng.range(1, 2) {
        let room = format!("Phòng {}", 201 + n);
        out.push((
            format!("Màn hình tương tác 75\" {room}"),
            DeviceKind::InteractiveDisplay,
            Some(room),
            1,
        ));
    }
    for n in 0..rng.range(1, 2) {
        out.push((
            format!("Máy chiếu Epson EB-X{}", 50 + n),
            DeviceKind::Projector,
            None,
            1,
        ));
    }
    out.push((
        "Máy chiếu vật thể Elmo".to_owned(),
        DeviceKind::DocumentCamera,
        Some("Phòng thiết bị".to_owned()),
        1,
    ));
    out.push((
        "Xe máy tính bảng".to_owned(),
        DeviceKind::TabletCart,
        Some("Phòng thiết bị".to_owned()),
        30,
    ));
    if level != SchoolLevel::MamNon {
        out.push((
            "Bộ kính thực tế ảo".to_owned(),
            DeviceKind::VrKit,
            Some("Phòng thiết bị".to_owned()),
            10,
        ));
    }
    if matches!(
        level,
        SchoolLevel::Thcs | SchoolLevel::Thpt | SchoolLevel::LienCap
    ) {
        out.push((
            "Bộ robot STEM (6 bộ)".to_owned(),
            DeviceKind::StemKit,
            Some("Phòng STEM".to_owned()),
            6,
        ));
        out.push((
            "Xe máy tính xách tay (24 máy)".to_owned(),
            DeviceKind::LaptopCart,
            Some("Phòng tin học".to_owned()),
            24,
        ));
    }
    out.push((
        "Ti vi thông minh 65\" phòng hội đồng".to_owned(),
        DeviceKind::Tv,
        Some("Phòng hội đồng".to_owned()),
        1,
    ));
    out
}

/// Adds devices to the given schools (those that have none yet), and a term of bookings (eight
/// weeks back, two ahead) to the first [`SCHOOLS_WITH_BOOKINGS`] of them: past bookings were
/// mostly used (checked in and out), some released as no-shows, a few cancelled; future ones are
/// booked. Written straight to the tables in one transaction per school (the services refuse
/// bookings in the past, which history needs); the slots respect the same rules. The first
/// school (`first == true`) keeps its mornings (periods 1–5) free from today on, so the browser
/// tests can book them.
async fn demo_devices(ctx: &Ctx, schools: &[(i64, String, bool)]) -> Result<(u64, u64), Error> {
    let now = ctx.now();
    let today = today_at(now);
    let mut devices_created = 0;
    let mut bookings_created = 0;
    for (n, (school, code, first)) in schools.iter().enumerate() {
        let has: i64 = sqlx::query_scalar("SELECT COUNT(*) AS n FROM devices WHERE school_id = $1")
            .bind(*school)
            .fetch_one(&ctx.db.pool)
            .await
            .map_err(internal)?;
        if has > 0 {
            continue;
        }
        let level_s: String = sqlx::query_scalar("SELECT level FROM schools WHERE id = $1")
            .bind(*school)
            .fetch_one(&ctx.db.pool)
            .await
            .map_err(internal)?;
        let level = crate::services::db::decode("school level", &level_s, SchoolLevel::parse)
            .map_err(internal)?;
        let teachers: Vec<i64> = sqlx::query_scalar(
            "SELECT id FROM users WHERE school_id = $1 AND role = 'teacher' ORDER BY username",
        )
        .bind(*school)
        .fetch_all(&ctx.db.pool)
        .await
        .map_err(internal)?
        .into_iter()
        .collect();
        let admin: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM users WHERE school_id = $1 AND role = 'school_admin' ORDER BY id",
        )
        .bind(*school)
        .fetch_optional(&ctx.db.pool)
        .await
        .map_err(internal)?;
        let mut rng = Lcg(1_000 + *school as u64);
        let grid = default_grid(level);
        let mut tx = ctx.db.pool.begin().await.map_err(internal)?;
        let mut devs = Vec::new();
        for (i, (name, kind, room, quantity)) in
            demo_inventory(level, &mut rng).into_iter().enumerate()
        {
            let serial = format!("{code}-{:02}", i + 1);
            // One projector is at the repairer, with its history.
            let status = if kind == DeviceKind::Projector && i % 3 == 0 && n % 2 == 0 {
                "in_repair"
            } else {
                "available"
            };
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO devices (school_id, name, kind, serial, room, quantity, status, search_key, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
            )
            .bind(*school)
            .bind(name.clone())
            .bind(kind.as_str().to_owned())
            .bind(serial.clone())
            .bind(room.clone())
            .bind(quantity)
            .bind(status.to_owned())
            .bind(fold(&format!("{name} {serial} {}", room.as_deref().unwrap_or(""))))
            .bind(now - SEEDED_BEFORE)
            .bind(now)
            .fetch_one(&mut *tx)
            .await
            .map_err(internal)?;
            devices_created += 1;
            if status == "in_repair" {
                sqlx::query(
                    "INSERT INTO device_notes (device_id, at, author_id, author_name, status, text) VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(id)
                .bind(now - 3 * 86_400)
                .bind(admin)
                .bind(format!("qt.{}", code.to_lowercase()))
                .bind("in_repair".to_owned())
                .bind("Bóng đèn yếu, gửi bảo hành / Lamp failing, sent for warranty repair".to_owned())
                .execute(&mut *tx)
                .await
                .map_err(internal)?;
            }
            if status == "available" {
                devs.push((id, quantity));
            }
        }
        // Some enrolled schools stopped using their devices three weeks ago: the dashboard's
        // silent schools.
        let silent = n >= SCHOOLS_WITH_CLASSES && n % 4 == 1;
        if n < SCHOOLS_WITH_BOOKINGS && !teachers.is_empty() {
            let now_min = {
                use chrono::Timelike;
                chrono::TimeZone::timestamp_opt(&crate::dates::school_tz(), now, 0)
                    .single()
                    .map(|t| (t.hour() * 60 + t.minute()) as i64)
                    .unwrap_or(0)
            };
            let mut day = today - chrono::Duration::days(56);
            let last = if silent {
                today - chrono::Duration::days(21)
            } else {
                today + chrono::Duration::days(14)
            };
            while day <= last {
                if chrono::Datelike::weekday(&day) == chrono::Weekday::Sun {
                    day += chrono::Duration::days(1);
                    continue;
                }
                let date = day.to_string();
                for (dev, capacity) in &devs {
                    let mut used = vec![0i64; grid.len() + 1];
                    let mut p = 0usize;
                    while p < grid.len() {
                        let roll = rng.range(0, 99);
                        let want = if *capacity > 1 { 22 } else { 28 };
                        if roll >= want {
                            p += 1;
                            continue;
                        }
                        let len = if rng.range(0, 3) == 0 && p + 1 < grid.len() {
                            2
                        } else {
                            1
                        };
                        let periods: Vec<usize> = (p..p + len).collect();
                        let future_or_today = day >= today;
                        if *first && future_or_today && periods.iter().any(|q| grid[*q].number <= 5)
                        {
                            p += len;
                            continue;
                        }
                        let qty = if *capacity > 1 {
                            rng.range(*capacity / 4, *capacity / 2).max(1)
                        } else {
                            1
                        };
                        if periods.iter().any(|q| used[*q] + qty > *capacity) {
                            p += 1;
                            continue;
                        }
                        let start = grid[periods[0]].starts.minutes();
                        let end = grid[periods[len - 1]].ends.minutes();
                        let over = day < today || (day == today && end <= now_min);
                        let fate = rng.range(0, 99);
                        let status = if over {
                            if fate < 80 {
                                "returned"
                            } else if fate < 92 {
                                "released"
                            } else {
                                "cancelled"
                            }
                        } else if fate < 95 {
                            "booked"
                        } else {
                            "cancelled"
                        };
                        let live = matches!(status, "booked" | "returned");
                        let midnight = crate::dates::midnight(day);
                        let (cin, cout) = if status == "returned" {
                            (Some(midnight + (start - 5) * 60), Some(midnight + end * 60))
                        } else {
                            (None, None)
                        };
                        let teacher = teachers[rng.range(0, teachers.len() as i64 - 1) as usize];
                        let numbers: Vec<i64> = periods.iter().map(|q| grid[*q].number).collect();
                        let id: i64 = sqlx::query_scalar(
                            "INSERT INTO bookings (school_id, device_id, teacher_id, date, quantity, class_id, note, status, series_id, \
                             periods, first_period, created_at, updated_at, checked_in_at, checked_out_at) \
                             VALUES ($1, $2, $3, $4, $5, NULL, NULL, $6, NULL, $7, $8, $9, $10, $11, $12) RETURNING id",
                        )
                        .bind(*school)
                        .bind(*dev)
                        .bind(teacher)
                        .bind(date.clone())
                        .bind(qty)
                        .bind(status.to_owned())
                        .bind(numbers.iter().map(i64::to_string).collect::<Vec<_>>().join(","))
                        .bind(numbers[0])
                        .bind(midnight - 2 * 86_400)
                        .bind(midnight - 2 * 86_400)
                        .bind(cin)
                        .bind(cout)
                        .fetch_one(&mut *tx)
                        .await
                        .map_err(internal)?;
                        for (q, number) in periods.iter().zip(&numbers) {
                            if live {
                                used[*q] += qty;
                            }
                            sqlx::query(
                                "INSERT INTO booking_slots (booking_id, device_id, date, period, quantity, pooled, live) \
                                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
                            )
                            .bind(id)
                            .bind(*dev)
                            .bind(date.clone())
                            .bind(*number)
                            .bind(qty)
                            .bind(i64::from(*capacity > 1))
                            .bind(i64::from(live))
                            .execute(&mut *tx)
                            .await
                            .map_err(internal)?;
                        }
                        bookings_created += 1;
                        // Pools take several bookings in a period; tagged devices move on.
                        if *capacity == 1 {
                            p += len;
                        }
                    }
                }
                day += chrono::Duration::days(1);
            }
        }
        tx.commit().await.map_err(internal)?;
    }
    Ok((devices_created, bookings_created))
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
    let n: i64 = sqlx::query_scalar(
        "SELECT (SELECT COUNT(*) FROM schools) + (SELECT COUNT(*) FROM users) AS n",
    )
    .fetch_one(&ctx.db.pool)
    .await
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
