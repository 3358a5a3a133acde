//! Bookings: reserve a device (or units of a pool) for periods of a day, recurring weekly
//! bookings, cancel, check in and out, release of no-shows, the week view and the utilisation
//! report.
//!
//! The promise (RELIABILITY.md #1): a tagged device has at most one live booking per date and
//! period, a pool never has more units booked than it owns. Every booking is written in one
//! transaction that first takes the device: `BEGIN IMMEDIATE` on SQLite (writers queue on the
//! busy timeout instead of failing with "database is locked"), a row lock on the device
//! (`SELECT … FOR UPDATE`) on PostgreSQL, so requests for one device queue and each sees what
//! the one before committed. The capacity check ([`taken_slots`]) runs inside that transaction;
//! a unique index on the live slots of tagged devices holds the rule in the database too.

use crate::bookings::{
    BookOutcome, Booking, BookingFilter, BookingForm, BookingList, BookingRequest, BookingSetup,
    BookingStatus, ClassChoice, PAST_DAYS, RecurringOutcome, RecurringRequest, SkippedDay,
    TakenSlot, taken_slots,
};
use crate::dates::{display_date, parse_date, school_tz, today_at};
use crate::devices::{Device, DeviceFilter, DeviceKind, DeviceStatus};
use crate::error::{Error, ErrorCode, FieldErrors, Msg};
use crate::ids::{BookingId, ClassId, DeviceId, SchoolId, SeriesId, UserId};
use crate::model::{Actor, Role};
use crate::periods::{Period, PeriodGrid};
use crate::services::audit::{self, Action, Record};
use crate::services::ctx::Ctx;
use crate::services::db::{
    Bind, Engine, Where, decode, decode_date, internal, is_unique_violation,
};
use crate::services::{devices, periods};
use chrono::{Datelike, Duration, NaiveDate, TimeZone, Weekday};
use sqlx::{Any, Transaction};
use std::collections::HashMap;

/// The longest note (characters).
pub const MAX_NOTE: usize = 500;

pub use crate::bookings::CHECK_IN_EARLY_MINUTES;

/// The most weeks a recurring booking spans.
pub const MAX_WEEKS: i64 = 53;

/// The most bookings one list answers; a query matching more is refused (see [`list`]).
pub const MAX_LIST: usize = 5000;

const SELECT: &str = "SELECT b.id, b.device_id, b.teacher_id, b.date, b.periods, b.quantity, b.class_id, \
     b.note, b.status, b.checked_in_at, b.checked_out_at, b.school_id, b.series_id, \
     b.created_at AS made_at, d.name AS device_name, d.kind AS device_kind, u.full_name AS teacher_name \
     FROM bookings b JOIN devices d ON d.id = b.device_id JOIN users u ON u.id = b.teacher_id";

/// A row of [`SELECT`], as stored.
#[derive(sqlx::FromRow)]
struct BookingRow {
    id: BookingId,
    device_id: DeviceId,
    teacher_id: UserId,
    date: String,
    periods: String,
    quantity: i64,
    class_id: Option<ClassId>,
    note: Option<String>,
    status: String,
    checked_in_at: Option<i64>,
    checked_out_at: Option<i64>,
    school_id: SchoolId,
    series_id: Option<SeriesId>,
    /// When it was made (the release rule's grace for a late booking).
    made_at: i64,
    device_name: String,
    device_kind: String,
    teacher_name: String,
}

impl TryFrom<BookingRow> for Booking {
    type Error = sqlx::Error;
    /// Strict: an unknown status or kind, a bad day or period list is an error, never a default.
    fn try_from(r: BookingRow) -> Result<Booking, sqlx::Error> {
        Ok(Booking {
            id: r.id,
            device_id: r.device_id,
            teacher_id: r.teacher_id,
            date: decode_date(&r.date)?,
            periods: r
                .periods
                .split(',')
                .map(|p| decode("period", p, |p| p.trim().parse().ok()))
                .collect::<Result<_, _>>()?,
            quantity: r.quantity,
            class_id: r.class_id,
            note: r.note,
            status: decode("booking status", &r.status, BookingStatus::parse)?,
            checked_in_at: r.checked_in_at.map(crate::dates::rfc3339),
            checked_out_at: r.checked_out_at.map(crate::dates::rfc3339),
            device_name: r.device_name,
            device_kind: decode("device kind", &r.device_kind, DeviceKind::parse)?,
            teacher_name: r.teacher_name,
            school_id: r.school_id,
            series_id: r.series_id,
        })
    }
}

/// One booking by id, inside a transaction, as stored.
async fn stored(tx: &mut Transaction<'static, Any>, id: BookingId) -> Result<Booking, Error> {
    let row: BookingRow = sqlx::query_as(&format!("{SELECT} WHERE b.id = $1"))
        .bind(id)
        .fetch_one(&mut **tx)
        .await
        .map_err(internal)?;
    Booking::try_from(row).map_err(internal)
}

fn booking_json(b: &Booking) -> String {
    serde_json::json!({
        "device_id": b.device_id.0, "teacher_id": b.teacher_id.0, "date": b.date,
        "periods": b.periods, "class_id": b.class_id, "quantity": b.quantity, "note": b.note, "status": b.status.as_str(),
    })
    .to_string()
}

/// Minutes since midnight, school time.
pub(crate) fn minutes_now(now: i64) -> i64 {
    let t = school_tz().timestamp_opt(now, 0).single();
    t.map(|t| {
        use chrono::Timelike;
        (t.hour() * 60 + t.minute()) as i64
    })
    .unwrap_or(0)
}

/// Whether the actor may book this school's devices: its teachers and administrators.
pub(crate) fn may_book(actor: &Actor, school: SchoolId) -> bool {
    matches!(actor.role, Role::Teacher | Role::SchoolAdmin) && actor.school_id == Some(school)
}

/// Whether the actor may act on this booking (cancel, check in/out): its teacher, the school's
/// administrators, sysadmins.
pub(crate) fn may_handle(actor: &Actor, b: &Booking) -> bool {
    b.teacher_id == actor.user_id || actor.can_manage_school(b.school_id)
}

/// A request that passed every check but the capacity one.
#[derive(Debug, Clone)]
struct Checked {
    device: Device,
    periods: Vec<i64>,
    quantity: i64,
    class_id: Option<ClassId>,
    note: Option<String>,
    grid: PeriodGrid,
}

/// Checks what does not depend on the day: the device is visible and bookable by the actor,
/// the periods exist, the quantity fits, the note is short. Every bad field at once.
async fn check_common(
    ctx: &Ctx,
    actor: &Actor,
    device_id: DeviceId,
    periods_in: &[i64],
    quantity: Option<i64>,
    class_id: Option<ClassId>,
    note: Option<&str>,
) -> Result<Checked, Error> {
    let device = devices::get(ctx, actor, device_id).await?;
    if !may_book(actor, device.school_id) {
        return Err(Error::forbidden());
    }
    let grid = periods::load_grid(ctx, device.school_id).await?;
    let mut errs = FieldErrors::new();
    if device.status != DeviceStatus::Available {
        errs.add(
            "device_id",
            Msg::new("error.device_unavailable")
                .arg("status", format!("@{}", device.status.label_key())),
        );
    }
    let mut ps: Vec<i64> = periods_in.to_vec();
    ps.sort_unstable();
    ps.dedup();
    if ps.is_empty() {
        errs.add("periods", Msg::new("validation.periods_required"));
    } else if let Some(bad) = ps
        .iter()
        .find(|p| !grid.items.iter().any(|g| g.number == **p))
    {
        errs.add(
            "periods",
            Msg::new("validation.unknown_period").arg("period", bad),
        );
    }
    let q = quantity.unwrap_or(1);
    if q < 1 || q > device.quantity {
        errs.add(
            "quantity",
            Msg::new("validation.booking_quantity").arg("max", device.quantity),
        );
    }
    if let Some(class) = class_id
        && !crate::services::classes::may_book_for(ctx, actor, class, device.school_id).await?
    {
        errs.add("class_id", Msg::new("validation.unknown_class"));
    }
    let note = note.map(crate::text::clean).filter(|n| !n.is_empty());
    if note.as_ref().is_some_and(|n| n.chars().count() > MAX_NOTE) {
        errs.add("note", Msg::new("validation.too_long").arg("max", MAX_NOTE));
    }
    errs.finish()?;
    Ok(Checked {
        device,
        periods: ps,
        quantity: q,
        class_id,
        note,
        grid,
    })
}

/// Why a day cannot be booked at all, if it cannot: in the past, a Sunday, a holiday, or (for
/// today) one of the periods is over.
fn day_problem(
    c: &Checked,
    date: NaiveDate,
    now: i64,
    holidays: &[crate::periods::Holiday],
) -> Option<(&'static str, Msg)> {
    let today = today_at(now);
    if date < today {
        return Some(("past", Msg::new("validation.date_past")));
    }
    if date.weekday() == Weekday::Sun {
        return Some(("sunday", Msg::new("validation.date_sunday")));
    }
    if let Some(h) = periods::holiday_on(holidays, date) {
        return Some((
            "holiday",
            Msg::new("validation.date_holiday").arg("name", &h.name),
        ));
    }
    let over = crate::bookings::periods_over(&c.grid.items, date, today, minutes_now(now));
    if let Some(p) = c.periods.iter().find(|p| over.contains(p)) {
        return Some(("past", Msg::new("validation.period_over").arg("period", p)));
    }
    None
}

/// Books a device for periods of a day: all or nothing. 409 `conflict` lists every period that
/// is taken (`details.taken: [{date, period, booked, available}]`).
pub async fn create(
    ctx: &Ctx,
    actor: &Actor,
    req: &BookingRequest,
    ip: Option<&str>,
) -> Result<Booking, Error> {
    let c = check_common(
        ctx,
        actor,
        req.device_id,
        &req.periods,
        req.quantity,
        req.class_id,
        req.note.as_deref(),
    )
    .await?;
    let Some(date) = parse_date(&req.date) else {
        return Err(Error::field("date", Msg::new("validation.date")));
    };
    let now = ctx.now();
    let holidays = periods::load_holidays(ctx, c.device.school_id, Some(date), Some(date)).await?;
    if let Some((_, msg)) = day_problem(&c, date, now, &holidays) {
        return Err(Error::field("date", msg));
    }
    release_due_for(ctx, Some(c.device.school_id)).await?;
    book_day(ctx, actor, &c, date, None, ip).await
}

/// The transaction of one booking (see the module's documentation).
async fn book_day(
    ctx: &Ctx,
    actor: &Actor,
    c: &Checked,
    date: NaiveDate,
    series: Option<SeriesId>,
    ip: Option<&str>,
) -> Result<Booking, Error> {
    let now = ctx.now();
    let date_s = date.to_string();
    let mut tx = ctx.db.begin_exclusive(&[]).await.map_err(internal)?;
    let lock = match ctx.db.engine {
        Engine::Postgres => "SELECT status, quantity FROM devices WHERE id = $1 FOR UPDATE",
        Engine::Sqlite => "SELECT status, quantity FROM devices WHERE id = $1",
    };
    // What the device is now, not what it was when the request was checked.
    let (status, capacity): (String, i64) = sqlx::query_as(lock)
        .bind(c.device.id.0)
        .fetch_optional(&mut *tx)
        .await
        .map_err(internal)?
        .ok_or_else(Error::not_found)?;
    if status != DeviceStatus::Available.as_str() {
        return Err(Error::field(
            "device_id",
            Msg::new("error.device_unavailable").arg(
                "status",
                format!(
                    "@{}",
                    decode("device status", &status, DeviceStatus::parse)
                        .map_err(internal)?
                        .label_key()
                ),
            ),
        ));
    }
    if c.quantity > capacity {
        return Err(Error::field(
            "quantity",
            Msg::new("validation.booking_quantity").arg("max", capacity),
        ));
    }
    let booked: HashMap<i64, i64> = sqlx::query_as::<_, (i64, i64)>(
        "SELECT period, CAST(SUM(quantity) AS BIGINT) AS n FROM booking_slots \
         WHERE device_id = $1 AND date = $2 AND live = 1 GROUP BY period",
    )
    .bind(c.device.id.0)
    .bind(date_s.clone())
    .fetch_all(&mut *tx)
    .await
    .map_err(internal)?
    .into_iter()
    .collect();
    let taken = taken_slots(capacity, c.quantity, &c.periods, |p| {
        booked.get(&p).copied().unwrap_or(0)
    });
    if !taken.is_empty() {
        drop(tx);
        return Err(conflict(date, capacity, &taken));
    }
    let periods_s = c
        .periods
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(",");
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO bookings (school_id, device_id, teacher_id, date, quantity, class_id, note, status, series_id, \
         periods, first_period, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'booked', $8, $9, $10, $11, $12) RETURNING id",
    )
    .bind(c.device.school_id.0)
    .bind(c.device.id.0)
    .bind(actor.user_id.0)
    .bind(date_s.clone())
    .bind(c.quantity)
    .bind(c.class_id)
    .bind(c.note.clone())
    .bind(series)
    .bind(periods_s)
    .bind(c.periods[0])
    .bind(now)
    .bind(now)
    .fetch_one(&mut *tx)
    .await
    .map_err(internal)?;
    for p in &c.periods {
        let res = sqlx::query(
            "INSERT INTO booking_slots (booking_id, device_id, date, period, quantity, pooled, live) \
             VALUES ($1, $2, $3, $4, $5, $6, 1)",
        )
        .bind(id)
        .bind(c.device.id.0)
        .bind(date_s.clone())
        .bind(*p)
        .bind(c.quantity)
        .bind(i64::from(capacity > 1))
        .execute(&mut *tx)
        .await;
        match res {
            Ok(_) => {}
            // The database's own guard: never reached while the lock above holds, kept so a
            // bug there is a clean 409 and not a double booking.
            Err(e) if is_unique_violation(&e) => {
                drop(tx);
                return Err(conflict(date, capacity, &[(*p, 1)]));
            }
            Err(e) => return Err(internal(e)),
        }
    }
    let booking = stored(&mut tx, BookingId(id)).await?;
    audit::write(
        &mut *tx,
        now,
        Action::BookingCreate,
        Record {
            actor: Some(actor),
            school_id: Some(booking.school_id),
            object: format!("booking:{id}"),
            new: Some(booking_json(&booking)),
            ip,
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await.map_err(internal)?;
    Ok(booking)
}

fn conflict(date: NaiveDate, capacity: i64, taken: &[(i64, i64)]) -> Error {
    let slots: Vec<TakenSlot> = taken
        .iter()
        .map(|(p, b)| TakenSlot {
            date,
            period: *p,
            booked: *b,
            available: (capacity - b).max(0),
        })
        .collect();
    let list = taken
        .iter()
        .map(|(p, _)| p.to_string())
        .collect::<Vec<_>>()
        .join(", ");
    let day = display_date(date);
    let msg = if capacity > 1 {
        let left = slots.iter().map(|s| s.available).min().unwrap_or(0);
        Msg::new("error.pool_taken")
            .arg("periods", list)
            .arg("date", day)
            .arg("available", left)
    } else {
        Msg::new("error.booking_taken")
            .arg("periods", list)
            .arg("date", day)
    };
    Error::conflict(msg, serde_json::json!({ "taken": slots }).to_string())
}

/// A recurring booking: the same periods every week on `from`'s weekday until `until`. Each day
/// is booked on its own (all of its periods or none); days that are taken, holidays or past
/// are listed, not fatal. Fails only when the request itself is bad or nothing could be booked
/// because of it.
pub async fn create_recurring(
    ctx: &Ctx,
    actor: &Actor,
    req: &RecurringRequest,
    ip: Option<&str>,
) -> Result<RecurringOutcome, Error> {
    let c = check_common(
        ctx,
        actor,
        req.device_id,
        &req.periods,
        req.quantity,
        req.class_id,
        req.note.as_deref(),
    )
    .await?;
    let mut errs = FieldErrors::new();
    let from = errs.check(
        "from",
        parse_date(&req.from).ok_or_else(|| Msg::new("validation.date")),
    );
    let until = errs.check(
        "until",
        parse_date(&req.until).ok_or_else(|| Msg::new("validation.date")),
    );
    if let (Some(f), Some(u)) = (from, until) {
        if u < f || (u - f).num_days() > 7 * MAX_WEEKS {
            errs.add(
                "until",
                Msg::new("validation.recurring_range").arg("weeks", MAX_WEEKS),
            );
        }
        if f.weekday() == Weekday::Sun {
            errs.add("from", Msg::new("validation.date_sunday"));
        }
        if u < today_at(ctx.now()) {
            errs.add("until", Msg::new("validation.date_past"));
        }
    }
    errs.finish()?;
    let (from, until) = (from.unwrap_or_default(), until.unwrap_or_default());
    let holidays = periods::load_holidays(ctx, c.device.school_id, Some(from), Some(until)).await?;
    release_due_for(ctx, Some(c.device.school_id)).await?;
    let mut out = RecurringOutcome {
        series_id: None,
        booked: Vec::new(),
        skipped: Vec::new(),
    };
    let mut day = from;
    while day <= until {
        let now = ctx.now();
        if let Some((reason, _)) = day_problem(&c, day, now, &holidays) {
            out.skipped.push(SkippedDay {
                date: day,
                reason: reason.to_owned(),
                periods: vec![],
            });
        } else {
            match book_day(ctx, actor, &c, day, out.series_id, ip).await {
                Ok(b) => {
                    if out.series_id.is_none() {
                        // The series is named after its first booking.
                        sqlx::query("UPDATE bookings SET series_id = $1 WHERE id = $1")
                            .bind(b.id.0)
                            .execute(&ctx.db.pool)
                            .await
                            .map_err(internal)?;
                        out.series_id = Some(SeriesId(b.id.0));
                        out.booked.push(Booking {
                            series_id: Some(SeriesId(b.id.0)),
                            ..b
                        });
                    } else {
                        out.booked.push(b);
                    }
                }
                Err(e) if e.code == ErrorCode::Conflict => {
                    let periods = match &e.details {
                        crate::error::Details::Conflict(j) => {
                            serde_json::from_str::<serde_json::Value>(j)
                                .ok()
                                .and_then(|v| {
                                    v["taken"].as_array().map(|a| {
                                        a.iter().filter_map(|s| s["period"].as_i64()).collect()
                                    })
                                })
                                .unwrap_or_default()
                        }
                        _ => vec![],
                    };
                    out.skipped.push(SkippedDay {
                        date: day,
                        reason: "taken".into(),
                        periods,
                    });
                }
                Err(e) => return Err(e),
            }
        }
        day += Duration::days(7);
    }
    Ok(out)
}

/// Bookings the actor may see matching the filter, by date and first period. Teachers and
/// school administrators see their school's bookings (a teacher's `mine` narrows to their
/// own); the department and sysadmins see every school's. More than [`MAX_LIST`] matching
/// bookings is a 422 on `from`/`to` that gives the count: the caller narrows the range.
pub async fn list(ctx: &Ctx, actor: &Actor, f: &BookingFilter) -> Result<Vec<Booking>, Error> {
    list_at_most(ctx, actor, f, MAX_LIST).await
}

/// [`list`] with another bound (tests: the refusal without thousands of rows).
pub(crate) async fn list_at_most(
    ctx: &Ctx,
    actor: &Actor,
    f: &BookingFilter,
    max: usize,
) -> Result<Vec<Booking>, Error> {
    let mut w = Where::new();
    if let Some(s) = f.school_id {
        if !actor.can_read_school(s) {
            return Err(Error::not_found());
        }
        w.and("b.school_id = {}", s.0);
    } else if !crate::services::scope::restrict(&mut w, actor, "b.school_id") {
        return Ok(vec![]);
    }
    if let Some(d) = f.device_id {
        devices::get(ctx, actor, d).await?;
        w.and("b.device_id = {}", d.0);
    }
    let mut errs = FieldErrors::new();
    for (field, v, op) in [("from", &f.from, ">="), ("to", &f.to, "<=")] {
        if let Some(v) = v.as_deref().map(str::trim).filter(|v| !v.is_empty())
            && let Some(d) = errs.check(
                field,
                parse_date(v).ok_or_else(|| Msg::new("validation.date")),
            )
        {
            w.and(&format!("b.date {op} {{}}"), d.to_string());
        }
    }
    errs.finish()?;
    if f.mine {
        w.and("b.teacher_id = {}", actor.user_id.0);
    }
    if !f.status.is_empty() {
        // A stored `booked` may show as `released` (see `effective`): ask for both, keep what
        // matches once the status is the effective one.
        let mut stored = f.status.clone();
        if stored.contains(&BookingStatus::Released) && !stored.contains(&BookingStatus::Booked) {
            stored.push(BookingStatus::Booked);
        }
        w.and_in("b.status", stored.iter().map(|s| Bind::from(s.as_str())));
    }
    // Never a silent cut: more than a list carries is refused with the count, naming the
    // range to narrow (a department query without dates over a whole province, say).
    let sql = format!("SELECT COUNT(*) AS n FROM bookings b{}", w.sql());
    let matching: i64 = w
        .query_scalar(&sql)
        .fetch_one(&ctx.db.pool)
        .await
        .map_err(internal)?;
    if matching > max as i64 {
        let msg = || {
            Msg::new("validation.bookings_too_many")
                .arg("count", matching)
                .arg("max", max)
        };
        let mut errs = FieldErrors::new();
        errs.add("from", msg());
        errs.add("to", msg());
        errs.finish()?;
    }
    let sql = format!("{SELECT}{} ORDER BY b.date, b.first_period, b.id", w.sql());
    let rows: Vec<BookingRow> = w
        .query_as(&sql)
        .fetch_all(&ctx.db.pool)
        .await
        .map_err(internal)?;
    let mut out = effective(ctx, rows).await?;
    if !f.status.is_empty() {
        out.retain(|b| f.status.contains(&b.status));
    }
    Ok(out)
}

/// The booking form: one day ([`create`]) or, with `until`, weekly ([`create_recurring`]).
/// A device id or quantity that is not a number is a field error like the others; a weekly
/// booking's first day is reported on the form's `date`.
pub async fn book(
    ctx: &Ctx,
    actor: &Actor,
    form: &BookingForm,
    ip: Option<&str>,
) -> Result<BookOutcome, Error> {
    let device = form
        .device_id
        .trim()
        .parse::<DeviceId>()
        .map_err(|_| Error::field("device_id", Msg::new("book.device_required")))?;
    let quantity = match form.quantity.trim() {
        "" => None,
        q => Some(
            q.parse::<i64>()
                .map_err(|_| Error::field("quantity", Msg::new("book.quantity_number")))?,
        ),
    };
    let class_id = match form.class_id.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(c) => Some(
            c.parse::<ClassId>()
                .map_err(|_| Error::field("class_id", Msg::new("validation.unknown_class")))?,
        ),
    };
    let note = form.note.clone().filter(|n| !n.trim().is_empty());
    let until = form
        .until
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty());
    let Some(until) = until else {
        let req = BookingRequest {
            device_id: device,
            date: form.date.clone(),
            periods: form.periods.clone(),
            quantity,
            class_id,
            note,
        };
        let b = create(ctx, actor, &req, ip).await?;
        return Ok(BookOutcome {
            device: b.device_name,
            periods: b.periods,
            quantity: b.quantity,
            dates: vec![b.date.to_string()],
            weekly: false,
            skipped: vec![],
        });
    };
    let req = RecurringRequest {
        device_id: device,
        from: form.date.clone(),
        until: until.to_owned(),
        periods: form.periods.clone(),
        quantity,
        class_id,
        note,
    };
    let o = create_recurring(ctx, actor, &req, ip)
        .await
        .map_err(|mut e| {
            // The form's field is the date, not the API's `from`.
            if let crate::error::Details::Fields(fields) = &mut e.details {
                for f in fields.iter_mut().filter(|f| f.field == "from") {
                    f.field = "date".into();
                }
            }
            e
        })?;
    let name = match o.booked.first() {
        Some(b) => b.device_name.clone(),
        None => devices::get(ctx, actor, device).await?.name,
    };
    let mut periods = form.periods.clone();
    periods.sort_unstable();
    periods.dedup();
    Ok(BookOutcome {
        device: name,
        periods,
        quantity: quantity.unwrap_or(1),
        dates: o.booked.into_iter().map(|b| b.date.to_string()).collect(),
        weekly: true,
        skipped: o.skipped,
    })
}

/// What the booking form needs: the caller's school's devices that are not retired, its
/// periods, today, who is booking, and the classes they may book for, with the one their
/// timetable has on `date` in one of `periods` (a lesson's "book a device" link asks so). Only
/// a teacher or administrator of a school books (403 for anyone else).
pub async fn setup(
    ctx: &Ctx,
    actor: &Actor,
    date: Option<NaiveDate>,
    periods: &[i64],
) -> Result<BookingSetup, Error> {
    let school = actor
        .school_id
        .filter(|s| may_book(actor, *s))
        .ok_or_else(Error::forbidden)?;
    let devices = devices::list(ctx, actor, school, &DeviceFilter::default())
        .await?
        .into_iter()
        .filter(|d| d.status != DeviceStatus::Retired)
        .collect();
    let grid = periods::grid(ctx, actor, school).await?;
    let (classes, suggested_class) = class_choices(ctx, actor, school, date, periods).await?;
    let now = ctx.now();
    let today = today_at(now);
    let over =
        crate::bookings::periods_over(&grid.items, date.unwrap_or(today), today, minutes_now(now));
    Ok(BookingSetup {
        school_id: school,
        devices,
        periods: grid.items,
        today,
        me: actor.user_id,
        classes,
        suggested_class,
        over,
    })
}

/// The classes `actor` may book for (see [`BookingRequest::class_id`]): a teacher's own (taught
/// or homeroom), the whole school's for its administrators; and the class of the caller's
/// timetabled lesson on `date` in the first of `periods` that has one.
async fn class_choices(
    ctx: &Ctx,
    actor: &Actor,
    school: SchoolId,
    date: Option<NaiveDate>,
    periods: &[i64],
) -> Result<(Vec<ClassChoice>, Option<ClassId>), Error> {
    let classes = if actor.can_manage_school(school) {
        crate::services::classes::list(ctx, actor, school, None).await?
    } else {
        crate::services::classes::taught_by(ctx, actor).await?
    };
    let suggested = match date {
        Some(d) if !periods.is_empty() => {
            crate::services::timetable::timetabled(ctx, school, d, d, Some(actor.user_id))
                .await?
                .into_iter()
                .filter(|s| periods.contains(&s.item.period))
                .min_by_key(|s| s.item.period)
                .map(|s| s.class_id)
        }
        _ => None,
    };
    let choices = classes
        .into_iter()
        .map(|c| ClassChoice {
            id: c.id,
            name: c.name,
        })
        .collect();
    Ok((choices, suggested))
}

/// "My bookings": the caller's bookings from [`PAST_DAYS`] ago on, upcoming first (ascending),
/// then the past (most recent first). A school administrator may ask for the whole school's
/// (`all`); `can_see_all` says whether they may.
pub async fn my_list(ctx: &Ctx, actor: &Actor, all: bool) -> Result<BookingList, Error> {
    let school = actor.school_id.ok_or_else(Error::forbidden)?;
    let can_see_all = actor.role == Role::SchoolAdmin;
    let all = can_see_all && all;
    let today = today_at(ctx.now());
    let f = BookingFilter {
        school_id: Some(school),
        from: Some((today - Duration::days(PAST_DAYS)).to_string()),
        mine: !all,
        ..Default::default()
    };
    let (upcoming, mut past): (Vec<Booking>, Vec<Booking>) = list(ctx, actor, &f)
        .await?
        .into_iter()
        .partition(|b| b.date >= today);
    past.reverse();
    Ok(BookingList {
        today,
        all,
        can_see_all,
        items: upcoming.into_iter().chain(past).collect(),
    })
}

/// One booking the actor may see.
pub async fn get(ctx: &Ctx, actor: &Actor, id: BookingId) -> Result<Booking, Error> {
    let rows: Vec<BookingRow> = sqlx::query_as(&format!("{SELECT} WHERE b.id = $1"))
        .bind(id)
        .fetch_all(&ctx.db.pool)
        .await
        .map_err(internal)?;
    match effective(ctx, rows).await?.pop() {
        Some(b) if actor.can_read_school(b.school_id) => Ok(b),
        _ => Err(Error::not_found()),
    }
}

/// Moves a booking from one status to another if it is still in `from` (so two clicks, or a
/// click racing the release, change it once), freeing its periods when it stops being live.
async fn transition(
    ctx: &Ctx,
    actor: Option<&Actor>,
    b: &Booking,
    from: &[BookingStatus],
    to: BookingStatus,
    action: Action,
    ip: Option<&str>,
) -> Result<Option<Booking>, Error> {
    let now = ctx.now();
    let mut tx = ctx.db.begin_exclusive(&[]).await.map_err(internal)?;
    let ps: Vec<String> = (0..from.len()).map(|i| format!("${}", i + 3)).collect();
    let stamp = match to {
        BookingStatus::InUse => ", checked_in_at = $2",
        BookingStatus::Returned => ", checked_out_at = $2",
        _ => "",
    };
    let sql = format!(
        "UPDATE bookings SET status = $1, updated_at = $2{stamp} WHERE id = ${} AND status IN ({})",
        from.len() + 3,
        ps.join(", ")
    );
    let mut q = sqlx::query(&sql).bind(to.as_str().to_owned()).bind(now);
    for s in from {
        q = q.bind(s.as_str().to_owned());
    }
    let done = q
        .bind(b.id.0)
        .execute(&mut *tx)
        .await
        .map_err(internal)?
        .rows_affected();
    if done == 0 {
        return Ok(None);
    }
    if !to.is_live() {
        sqlx::query("UPDATE booking_slots SET live = 0 WHERE booking_id = $1")
            .bind(b.id.0)
            .execute(&mut *tx)
            .await
            .map_err(internal)?;
    }
    let new = stored(&mut tx, b.id).await?;
    audit::write(
        &mut *tx,
        now,
        action,
        Record {
            actor,
            actor_name: actor.is_none().then_some("system"),
            school_id: Some(b.school_id),
            object: format!("booking:{}", b.id),
            old: Some(booking_json(b)),
            new: Some(booking_json(&new)),
            ip,
        },
    )
    .await?;
    tx.commit().await.map_err(internal)?;
    Ok(Some(new))
}

fn wrong_state(b: &Booking) -> Error {
    Error::with_msg(
        ErrorCode::Conflict,
        Msg::new("error.booking_state").arg("status", format!("@{}", b.status.label_key())),
    )
}

/// Moves one booking the actor may handle (see [`may_handle`]) from `from` to `to`; 409 when
/// it is no longer in `from`.
async fn handle(
    ctx: &Ctx,
    actor: &Actor,
    id: BookingId,
    from: BookingStatus,
    to: BookingStatus,
    action: Action,
    ip: Option<&str>,
) -> Result<Booking, Error> {
    let b = get(ctx, actor, id).await?;
    if !may_handle(actor, &b) {
        return Err(Error::forbidden());
    }
    transition(ctx, Some(actor), &b, &[from], to, action, ip)
        .await?
        .ok_or_else(|| wrong_state(&b))
}

/// Cancels a booking that has not started being used: its teacher, the school's administrators
/// or sysadmins. Its periods are free at once.
pub async fn cancel(
    ctx: &Ctx,
    actor: &Actor,
    id: BookingId,
    ip: Option<&str>,
) -> Result<Booking, Error> {
    handle(
        ctx,
        actor,
        id,
        BookingStatus::Booked,
        BookingStatus::Cancelled,
        Action::BookingCancel,
        ip,
    )
    .await
}

/// The minutes (school time, since midnight) of a booking's first start and last end.
pub(crate) fn span(grid: &PeriodGrid, b: &Booking) -> (i64, i64) {
    let find = |n: i64| grid.items.iter().find(|p: &&Period| p.number == n);
    let start = b
        .periods
        .first()
        .and_then(|n| find(*n))
        .map(|p| p.starts.minutes())
        .unwrap_or(0);
    let end = b
        .periods
        .last()
        .and_then(|n| find(*n))
        .map(|p| p.ends.minutes())
        .unwrap_or(24 * 60);
    (start, end)
}

/// Whether `now` is in a booking's check-in window: on its day, from
/// [`CHECK_IN_EARLY_MINUTES`] before its first period until its last period ends.
pub(crate) fn in_check_in_window(grid: &PeriodGrid, b: &Booking, now: i64) -> bool {
    let (start, end) = span(grid, b);
    let m = minutes_now(now);
    b.date == today_at(now) && start - CHECK_IN_EARLY_MINUTES <= m && m < end
}

/// Checks a booking in (the device is picked up): on its day, from 15 minutes before its first
/// period until its last period ends, by its teacher or a school administrator.
pub async fn check_in(
    ctx: &Ctx,
    actor: &Actor,
    id: BookingId,
    ip: Option<&str>,
) -> Result<Booking, Error> {
    let b = get(ctx, actor, id).await?;
    if !may_handle(actor, &b) {
        return Err(Error::forbidden());
    }
    release_due_for(ctx, Some(b.school_id)).await?;
    let b = get(ctx, actor, id).await?;
    if b.status != BookingStatus::Booked {
        return Err(wrong_state(&b));
    }
    let now = ctx.now();
    let grid = periods::load_grid(ctx, b.school_id).await?;
    let (start, end) = span(&grid, &b);
    if !in_check_in_window(&grid, &b, now) {
        return Err(Error::with_msg(
            ErrorCode::Conflict,
            Msg::new("error.check_in_window")
                .arg("date", display_date(b.date))
                .arg(
                    "from",
                    crate::periods::format_hhmm((start - CHECK_IN_EARLY_MINUTES).max(0)),
                )
                .arg("until", crate::periods::format_hhmm(end)),
        ));
    }
    transition(
        ctx,
        Some(actor),
        &b,
        &[BookingStatus::Booked],
        BookingStatus::InUse,
        Action::BookingCheckIn,
        ip,
    )
    .await?
    .ok_or_else(|| wrong_state(&b))
}

/// Checks a booking out (the device is given back).
pub async fn check_out(
    ctx: &Ctx,
    actor: &Actor,
    id: BookingId,
    ip: Option<&str>,
) -> Result<Booking, Error> {
    handle(
        ctx,
        actor,
        id,
        BookingStatus::InUse,
        BookingStatus::Returned,
        Action::BookingCheckOut,
        ip,
    )
    .await
}

/// Releases every booking not checked in within its school's `release_after_minutes` of its
/// first period's start, freeing its periods; returns how many. Run by the server every minute
/// and before bookings are read or made, so a released period is free when someone looks.
pub async fn release_due(ctx: &Ctx) -> Result<u64, Error> {
    release_due_for(ctx, None).await
}

/// Whether a booking still `booked` is past its pick-up time, i.e. released: its day is over,
/// or `release_after_minutes` have passed since its first period started, or since it was made
/// if that was later the same day (a booking made at 08:55 for a period that began at 08:35
/// gets its full delay to be picked up, rather than being released seconds after the teacher
/// was told it was theirs). The job and the write paths store it; reads show it.
pub(crate) fn due_for_release(
    grid: &PeriodGrid,
    date: NaiveDate,
    first_period: Option<i64>,
    made_at: i64,
    now: i64,
) -> bool {
    let today = today_at(now);
    let start = first_period
        .and_then(|n| grid.items.iter().find(|p| p.number == n))
        .map(|p| p.starts.minutes())
        .unwrap_or(0);
    let made = if today_at(made_at) == date {
        minutes_now(made_at)
    } else {
        0
    };
    date < today
        || (date == today && minutes_now(now) >= start.max(made) + grid.release_after_minutes)
}

/// Bookings as they stand now: one still `booked` past its pick-up time shows as `released`
/// even before the job has stored it, so a read never writes and never shows a stale state.
async fn effective(ctx: &Ctx, rows: Vec<BookingRow>) -> Result<Vec<Booking>, Error> {
    let now = ctx.now();
    let mut grids: HashMap<SchoolId, PeriodGrid> = HashMap::new();
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let made_at = r.made_at;
        let mut b = Booking::try_from(r).map_err(internal)?;
        if b.status == BookingStatus::Booked && b.date <= today_at(now) {
            if let std::collections::hash_map::Entry::Vacant(e) = grids.entry(b.school_id) {
                e.insert(periods::load_grid(ctx, b.school_id).await?);
            }
            let grid = &grids[&b.school_id];
            if due_for_release(grid, b.date, b.periods.first().copied(), made_at, now) {
                b.status = BookingStatus::Released;
            }
        }
        out.push(b);
    }
    Ok(out)
}

async fn release_due_for(ctx: &Ctx, school: Option<SchoolId>) -> Result<u64, Error> {
    let now = ctx.now();
    let today = today_at(now);
    let mut sql = format!("{SELECT} WHERE b.status = 'booked' AND b.date <= $1");
    if school.is_some() {
        sql.push_str(" AND b.school_id = $2");
    }
    let mut q = sqlx::query_as::<_, BookingRow>(&sql).bind(today.to_string());
    if let Some(s) = school {
        q = q.bind(s.0);
    }
    let rows = q.fetch_all(&ctx.db.pool).await.map_err(internal)?;
    let mut released = 0;
    for b in effective(ctx, rows).await? {
        if b.status != BookingStatus::Released {
            continue;
        }
        let stored = Booking {
            status: BookingStatus::Booked,
            ..b
        };
        if transition(
            ctx,
            None,
            &stored,
            &[BookingStatus::Booked],
            BookingStatus::Released,
            Action::BookingRelease,
            None,
        )
        .await?
        .is_some()
        {
            released += 1;
        }
    }
    Ok(released)
}
