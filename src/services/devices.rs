//! A school's device inventory: tagged devices and pools, their maintenance history, CSV import
//! and export, and the QR labels that link a device to its page.
//!
//! Everyone of the school (and the department) reads the inventory; the school's administrators
//! (and sysadmins) change it. A device of another school is "not found".

use crate::devices::{
    Device, DeviceAccess, DeviceFilter, DeviceInput, DeviceKind, DeviceNote, DevicePatch,
    DeviceStatus, Inventory,
};
use crate::error::{Error, ErrorCode, FieldErrors, Msg};
use crate::ids::{DeviceId, DeviceNoteId, SchoolId};
use crate::model::{Actor, ImportOutcome, SchoolRef};
use crate::services::audit::{self, Action, Record};
use crate::services::csv_import::{self, OncePerFile, cell_error};
use crate::services::ctx::Ctx;
use crate::services::db::{Where, decode, internal, is_unique_violation};
use crate::text::{clean, fold, query_words};
use crate::validate;

/// The header of a devices CSV (API.md).
pub const CSV_HEADER: [&str; 5] = ["name", "kind", "serial", "room", "quantity"];

/// The most units a pool may have.
pub const MAX_QUANTITY: i64 = 500;

/// Each device with the units checked in now (`in_use`: picked up, not given back).
const SELECT: &str = "SELECT id, school_id, name, kind, serial, room, quantity, status, \
     (SELECT CAST(COALESCE(SUM(b.quantity), 0) AS BIGINT) FROM bookings b \
      WHERE b.device_id = devices.id AND b.status = 'in_use') AS in_use FROM devices";

/// A row of [`SELECT`], as stored.
#[derive(sqlx::FromRow)]
pub(crate) struct DeviceRow {
    id: DeviceId,
    school_id: SchoolId,
    name: String,
    kind: String,
    serial: Option<String>,
    room: Option<String>,
    quantity: i64,
    status: String,
    in_use: i64,
}

impl TryFrom<DeviceRow> for Device {
    type Error = sqlx::Error;
    /// Strict: an unknown kind or status is an error, never a default.
    fn try_from(r: DeviceRow) -> Result<Device, sqlx::Error> {
        Ok(Device {
            id: r.id,
            school_id: r.school_id,
            name: r.name,
            kind: decode("device kind", &r.kind, DeviceKind::parse)?,
            serial: r.serial,
            room: r.room,
            quantity: r.quantity,
            status: decode("device status", &r.status, DeviceStatus::parse)?,
            in_use: r.in_use,
        })
    }
}

/// A row of the maintenance history, as stored.
#[derive(sqlx::FromRow)]
struct NoteRow {
    id: DeviceNoteId,
    at: i64,
    author_name: String,
    /// The author's current name; none once the account is gone.
    full_name: Option<String>,
    status: Option<String>,
    text: String,
}

impl TryFrom<NoteRow> for DeviceNote {
    type Error = sqlx::Error;
    fn try_from(r: NoteRow) -> Result<DeviceNote, sqlx::Error> {
        Ok(DeviceNote {
            id: r.id,
            at: crate::dates::rfc3339(r.at),
            // The name at the time is kept for an author whose account is gone.
            author: r.full_name.unwrap_or(r.author_name),
            status: r
                .status
                .as_deref()
                .map(|s| decode("device status", s, DeviceStatus::parse))
                .transpose()?,
            text: r.text,
        })
    }
}

/// Decodes rows strictly (see [`DeviceRow`]).
fn devices_of(rows: Vec<DeviceRow>) -> Result<Vec<Device>, Error> {
    rows.into_iter()
        .map(Device::try_from)
        .collect::<Result<_, _>>()
        .map_err(internal)
}

fn search_key(name: &str, serial: Option<&str>, room: Option<&str>) -> String {
    fold(&format!(
        "{name} {} {}",
        serial.unwrap_or(""),
        room.unwrap_or("")
    ))
}

fn device_json(d: &Device) -> String {
    serde_json::json!({
        "name": d.name, "kind": d.kind.as_str(), "serial": d.serial, "room": d.room,
        "quantity": d.quantity, "status": d.status.as_str(),
    })
    .to_string()
}

/// A serial number: up to 64 visible characters, no spaces inside; empty means none.
fn check_serial(s: &str) -> Result<Option<String>, Msg> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    if s.chars().count() > 64 || s.chars().any(char::is_whitespace) {
        return Err(Msg::new("validation.serial"));
    }
    Ok(Some(s.to_owned()))
}

fn check_room(s: &str) -> Result<Option<String>, Msg> {
    let r = clean(s);
    if r.is_empty() {
        return Ok(None);
    }
    validate::name(&r, 60).map(Some)
}

fn check_quantity(q: i64) -> Result<i64, Msg> {
    if (1..=MAX_QUANTITY).contains(&q) {
        Ok(q)
    } else {
        Err(Msg::new("validation.quantity").arg("max", MAX_QUANTITY))
    }
}

fn parse_quantity(s: &str) -> Result<i64, Msg> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(1);
    }
    s.parse::<i64>()
        .map_err(|_| Msg::new("validation.quantity").arg("max", MAX_QUANTITY))
        .and_then(check_quantity)
}

/// A validated new device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDevice {
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: DeviceKind,
    /// Serial.
    pub serial: Option<String>,
    /// Room.
    pub room: Option<String>,
    /// Units.
    pub quantity: i64,
}

/// Checks a device as typed, reporting every bad field at once.
pub fn check_input(input: &DeviceInput) -> Result<NewDevice, Error> {
    let mut errs = FieldErrors::new();
    let name = errs.check("name", validate::name(&input.name, 120));
    let kind = errs.check(
        "kind",
        DeviceKind::parse(&input.kind).ok_or_else(|| Msg::new("validation.kind")),
    );
    let serial = errs.check(
        "serial",
        check_serial(input.serial.as_deref().unwrap_or("")),
    );
    let room = errs.check("room", check_room(input.room.as_deref().unwrap_or("")));
    let quantity = errs.check("quantity", check_quantity(input.quantity.unwrap_or(1)));
    errs.finish()?;
    Ok(NewDevice {
        name: name.unwrap_or_default(),
        kind: kind.unwrap_or(DeviceKind::Other),
        serial: serial.flatten(),
        room: room.flatten(),
        quantity: quantity.unwrap_or(1),
    })
}

fn serial_taken() -> Error {
    Error::field("serial", Msg::new("error.serial_taken")).with_code(ErrorCode::Conflict)
}

/// What the caller may do with a school's inventory (the caller's own school, or `school` for
/// the department and sysadmins); "not found" for a school they may not see.
pub async fn access(
    ctx: &Ctx,
    actor: &Actor,
    school: Option<SchoolId>,
) -> Result<DeviceAccess, Error> {
    let school = actor.school_or(school)?;
    crate::services::schools::get(ctx, actor, school).await?;
    Ok(DeviceAccess {
        may_manage: actor.can_manage_school(school),
        may_export: actor.role != crate::model::Role::Teacher,
    })
}

/// The inventory page of a school: its devices matching the filter, and whether the caller
/// manages them.
pub async fn inventory(
    ctx: &Ctx,
    actor: &Actor,
    school: SchoolId,
    f: &DeviceFilter,
) -> Result<Inventory, Error> {
    let s = crate::services::schools::get(ctx, actor, school).await?;
    Ok(Inventory {
        school: SchoolRef::from(&s),
        devices: list(ctx, actor, school, f).await?,
        may_manage: actor.can_manage_school(school),
    })
}

/// The devices of a school, by kind then name.
pub async fn list(
    ctx: &Ctx,
    actor: &Actor,
    school: SchoolId,
    f: &DeviceFilter,
) -> Result<Vec<Device>, Error> {
    if !actor.can_read_school(school) {
        return Err(Error::not_found());
    }
    let mut w = Where::new();
    w.and("school_id = {}", school.0);
    if let Some(k) = f.kind {
        w.and("kind = {}", k.as_str());
    }
    if let Some(s) = f.status {
        w.and("status = {}", s.as_str());
    }
    let words = f.q.as_deref().map(query_words).transpose()?;
    w.and_words("search_key", &words.unwrap_or_default());
    let sql = format!("{SELECT}{} ORDER BY kind, name, id", w.sql());
    let rows: Vec<DeviceRow> = w
        .query_as(&sql)
        .fetch_all(&ctx.db.pool)
        .await
        .map_err(internal)?;
    let mut out = devices_of(rows)?;
    // The UI's order of kinds, not the alphabet of their codes.
    out.sort_by(|a, b| a.kind.cmp(&b.kind).then_with(|| a.name.cmp(&b.name)));
    Ok(out)
}

/// Reads a device without checking who asks (the services' own use).
pub(crate) async fn load(ctx: &Ctx, id: DeviceId) -> Result<Option<Device>, Error> {
    let row: Option<DeviceRow> = sqlx::query_as(&format!("{SELECT} WHERE id = $1"))
        .bind(id)
        .fetch_optional(&ctx.db.pool)
        .await
        .map_err(internal)?;
    row.map(Device::try_from).transpose().map_err(internal)
}

/// One device; a device of a school the actor may not see is "not found".
pub async fn get(ctx: &Ctx, actor: &Actor, id: DeviceId) -> Result<Device, Error> {
    match load(ctx, id).await? {
        Some(d) if actor.can_read_school(d.school_id) => Ok(d),
        _ => Err(Error::not_found()),
    }
}

/// Adds a device to a school (its administrators, sysadmins).
pub async fn create(
    ctx: &Ctx,
    actor: &Actor,
    school: SchoolId,
    input: &DeviceInput,
    ip: Option<&str>,
) -> Result<Device, Error> {
    actor.must_manage_school(school)?;
    let n = check_input(input)?;
    let now = ctx.now();
    let mut tx = ctx.db.pool.begin().await.map_err(internal)?;
    let device = insert(&mut tx, now, school, &n).await?;
    audit::write(
        &mut *tx,
        now,
        Action::DeviceCreate,
        Record {
            actor: Some(actor),
            school_id: Some(school),
            object: format!("device:{}", device.id),
            new: Some(device_json(&device)),
            ip,
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await.map_err(internal)?;
    Ok(device)
}

async fn insert(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    now: i64,
    school: SchoolId,
    n: &NewDevice,
) -> Result<Device, Error> {
    let res = sqlx::query_scalar::<_, i64>(
        "INSERT INTO devices (school_id, name, kind, serial, room, quantity, status, search_key, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 'available', $7, $8, $9) RETURNING id",
    )
    .bind(school.0)
    .bind(n.name.clone())
    .bind(n.kind.as_str().to_owned())
    .bind(n.serial.clone())
    .bind(n.room.clone())
    .bind(n.quantity)
    .bind(search_key(&n.name, n.serial.as_deref(), n.room.as_deref()))
    .bind(now)
    .bind(now)
    .fetch_one(&mut **tx)
    .await;
    let id: i64 = match res {
        Ok(id) => id,
        Err(e) if is_unique_violation(&e) => return Err(serial_taken()),
        Err(e) => return Err(internal(e)),
    };
    Ok(Device {
        id: DeviceId(id),
        school_id: school,
        name: n.name.clone(),
        kind: n.kind,
        serial: n.serial.clone(),
        room: n.room.clone(),
        quantity: n.quantity,
        status: DeviceStatus::Available,
        in_use: 0,
    })
}

/// Changes a device (its school's administrators, sysadmins). A status change or a note adds an
/// entry to the maintenance history. Retiring or sending to repair does not cancel bookings
/// already made; the week view shows them and new ones are refused.
pub async fn update(
    ctx: &Ctx,
    actor: &Actor,
    id: DeviceId,
    p: &DevicePatch,
    ip: Option<&str>,
) -> Result<Device, Error> {
    let old = get(ctx, actor, id).await?;
    if !actor.can_manage_school(old.school_id) {
        return Err(Error::forbidden());
    }
    let mut errs = FieldErrors::new();
    let mut new = old.clone();
    if let Some(n) = &p.name
        && let Some(v) = errs.check("name", validate::name(n, 120))
    {
        new.name = v;
    }
    if let Some(k) = &p.kind
        && let Some(v) = errs.check(
            "kind",
            DeviceKind::parse(k).ok_or_else(|| Msg::new("validation.kind")),
        )
    {
        new.kind = v;
    }
    if let Some(s) = &p.serial
        && let Some(v) = errs.check("serial", check_serial(s))
    {
        new.serial = v;
    }
    if let Some(r) = &p.room
        && let Some(v) = errs.check("room", check_room(r))
    {
        new.room = v;
    }
    if let Some(q) = p.quantity
        && let Some(v) = errs.check("quantity", check_quantity(q))
    {
        new.quantity = v;
    }
    if let Some(s) = &p.status
        && let Some(v) = errs.check(
            "status",
            DeviceStatus::parse(s).ok_or_else(|| Msg::new("validation.device_status")),
        )
    {
        new.status = v;
    }
    let note = p.note.as_deref().map(str::trim).filter(|n| !n.is_empty());
    if let Some(n) = note
        && n.chars().count() > 1000
    {
        errs.add("note", Msg::new("validation.too_long").arg("max", 1000));
    }
    errs.finish()?;
    let now = ctx.now();
    let mut tx = ctx.db.pool.begin().await.map_err(internal)?;
    if new != old {
        let res = sqlx::query(
            "UPDATE devices SET name = $1, kind = $2, serial = $3, room = $4, quantity = $5, status = $6, \
             search_key = $7, updated_at = $8 WHERE id = $9",
        )
        .bind(new.name.clone())
        .bind(new.kind.as_str().to_owned())
        .bind(new.serial.clone())
        .bind(new.room.clone())
        .bind(new.quantity)
        .bind(new.status.as_str().to_owned())
        .bind(search_key(&new.name, new.serial.as_deref(), new.room.as_deref()))
        .bind(now)
        .bind(id.0)
        .execute(&mut *tx)
        .await;
        match res {
            Ok(_) => {}
            Err(e) if is_unique_violation(&e) => return Err(serial_taken()),
            Err(e) => return Err(internal(e)),
        }
        audit::write(
            &mut *tx,
            now,
            Action::DeviceUpdate,
            Record {
                actor: Some(actor),
                school_id: Some(new.school_id),
                object: format!("device:{id}"),
                old: Some(device_json(&old)),
                new: Some(device_json(&new)),
                ip,
                ..Default::default()
            },
        )
        .await?;
    }
    let status_changed = new.status != old.status;
    if note.is_some() || status_changed {
        let text = note.map(str::to_owned).unwrap_or_default();
        sqlx::query(
            "INSERT INTO device_notes (device_id, at, author_id, author_name, status, text) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id.0)
        .bind(now)
        .bind(actor.user_id.0)
        .bind(actor.username.clone())
        .bind(status_changed.then(|| new.status.as_str().to_owned()))
        .bind(text)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
    }
    tx.commit().await.map_err(internal)?;
    Ok(new)
}

/// A device's maintenance history, newest first.
pub async fn notes(ctx: &Ctx, actor: &Actor, id: DeviceId) -> Result<Vec<DeviceNote>, Error> {
    get(ctx, actor, id).await?;
    let rows: Vec<NoteRow> = sqlx::query_as(
        "SELECT n.id, n.at, n.author_name, u.full_name, n.status, n.text FROM device_notes n \
         LEFT JOIN users u ON u.id = n.author_id WHERE n.device_id = $1 ORDER BY n.at DESC, n.id DESC",
    )
    .bind(id)
    .fetch_all(&ctx.db.pool)
    .await
    .map_err(internal)?;
    rows.into_iter()
        .map(DeviceNote::try_from)
        .collect::<Result<_, sqlx::Error>>()
        .map_err(internal)
}

/// Imports a devices CSV (`name,kind,serial,room,quantity`) into a school: all or nothing,
/// every bad line listed. A line whose serial matches a device of the school updates it (name,
/// kind, room, quantity); other lines add devices; an identical line changes nothing.
pub async fn import_csv(
    ctx: &Ctx,
    actor: &Actor,
    school: SchoolId,
    bytes: &[u8],
    ip: Option<&str>,
) -> Result<ImportOutcome, Error> {
    actor.must_manage_school(school)?;
    let (lines, mut errors) = csv_import::read_lines(bytes, &CSV_HEADER)?;
    let mut rows = Vec::new();
    let mut serials = OncePerFile::new();
    for l in &lines {
        let before = errors.len();
        let name = validate::name(l.get(0), 120)
            .map_err(|m| errors.push(cell_error(l.line, "name", m)))
            .ok();
        let kind = DeviceKind::parse(l.get(1));
        if kind.is_none() {
            errors.push(cell_error(l.line, "kind", Msg::new("validation.kind")));
        }
        let serial = check_serial(l.get(2))
            .map_err(|m| errors.push(cell_error(l.line, "serial", m)))
            .ok()
            .flatten();
        let room = check_room(l.get(3))
            .map_err(|m| errors.push(cell_error(l.line, "room", m)))
            .ok()
            .flatten();
        let quantity = parse_quantity(l.get(4))
            .map_err(|m| errors.push(cell_error(l.line, "quantity", m)))
            .ok();
        if let Some(s) = &serial {
            errors.extend(serials.check(s.clone(), l.line, "serial"));
        }
        if errors.len() == before {
            rows.push(NewDevice {
                name: name.unwrap_or_default(),
                kind: kind.unwrap_or(DeviceKind::Other),
                serial,
                room,
                quantity: quantity.unwrap_or(1),
            });
        }
    }
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.line);
        return Err(Error::lines(errors));
    }
    upsert(ctx, Some(actor), school, &rows, ip).await
}

/// Writes validated devices in one transaction (import and seeding): matched by serial within
/// the school, else added.
pub async fn upsert(
    ctx: &Ctx,
    actor: Option<&Actor>,
    school: SchoolId,
    rows: &[NewDevice],
    ip: Option<&str>,
) -> Result<ImportOutcome, Error> {
    let now = ctx.now();
    let mut tx = ctx
        .db
        .begin_exclusive(&["devices"])
        .await
        .map_err(internal)?;
    let mut out = ImportOutcome::default();
    for n in rows {
        let existing = match &n.serial {
            Some(s) => sqlx::query_as::<_, DeviceRow>(&format!(
                "{SELECT} WHERE school_id = $1 AND serial = $2"
            ))
            .bind(school.0)
            .bind(s.clone())
            .fetch_optional(&mut *tx)
            .await
            .map_err(internal)?
            .map(Device::try_from)
            .transpose()
            .map_err(internal)?,
            None => None,
        };
        match existing {
            None => {
                let d = insert(&mut tx, now, school, n).await?;
                out.created += 1;
                audit::write(
                    &mut *tx,
                    now,
                    Action::DeviceCreate,
                    Record {
                        actor,
                        school_id: Some(school),
                        object: format!("device:{}", d.id),
                        new: Some(device_json(&d)),
                        ip,
                        ..Default::default()
                    },
                )
                .await?;
            }
            Some(old) => {
                let new = Device {
                    name: n.name.clone(),
                    kind: n.kind,
                    room: n.room.clone(),
                    quantity: n.quantity,
                    ..old.clone()
                };
                if new == old {
                    continue;
                }
                sqlx::query(
                    "UPDATE devices SET name = $1, kind = $2, room = $3, quantity = $4, search_key = $5, updated_at = $6 WHERE id = $7",
                )
                .bind(new.name.clone())
                .bind(new.kind.as_str().to_owned())
                .bind(new.room.clone())
                .bind(new.quantity)
                .bind(search_key(&new.name, new.serial.as_deref(), new.room.as_deref()))
                .bind(now)
                .bind(old.id.0)
                .execute(&mut *tx)
                .await
                .map_err(internal)?;
                out.updated += 1;
                audit::write(
                    &mut *tx,
                    now,
                    Action::DeviceUpdate,
                    Record {
                        actor,
                        school_id: Some(school),
                        object: format!("device:{}", old.id),
                        old: Some(device_json(&old)),
                        new: Some(device_json(&new)),
                        ip,
                        ..Default::default()
                    },
                )
                .await?;
            }
        }
    }
    tx.commit().await.map_err(internal)?;
    Ok(out)
}

/// A school's inventory as CSV in the import's format plus `id` and `status` columns (so an
/// export can be edited and imported back), formulas neutralised.
pub async fn export_csv(ctx: &Ctx, actor: &Actor, school: SchoolId) -> Result<Vec<u8>, Error> {
    let devices = list(ctx, actor, school, &DeviceFilter::default()).await?;
    let rows: Vec<Vec<String>> = devices
        .iter()
        .map(|d| {
            vec![
                d.name.clone(),
                d.kind.as_str().to_owned(),
                d.serial.clone().unwrap_or_default(),
                d.room.clone().unwrap_or_default(),
                d.quantity.to_string(),
                d.id.to_string(),
                d.status.as_str().to_owned(),
            ]
        })
        .collect();
    Ok(csv_import::write(
        &["name", "kind", "serial", "room", "quantity", "id", "status"],
        &rows,
    ))
}

/// A printable A4 sheet of QR labels (SVG, 3 × 8 labels of 70 × 37 mm per page, as the common
/// label paper), one per device: the QR code of `{base_url}/devices/{id}`, the name, serial and
/// room. Several pages are stacked vertically in one SVG, each 297 mm tall.
pub fn labels_svg(devices: &[Device], base_url: &str) -> String {
    use qrcode::QrCode;
    use qrcode::render::svg;
    const COLS: usize = 3;
    const ROWS: usize = 8;
    let per_page = COLS * ROWS;
    let pages = devices.len().div_ceil(per_page).max(1);
    let height = 297 * pages;
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"210mm\" height=\"{height}mm\" viewBox=\"0 0 210 {height}\" \
         font-family=\"sans-serif\" role=\"img\">"
    );
    for (i, d) in devices.iter().enumerate() {
        let page = i / per_page;
        let slot = i % per_page;
        let x = (slot % COLS) as f64 * 70.0;
        let y = (page * 297) as f64 + 0.5 + (slot / COLS) as f64 * 37.0;
        let url = format!("{}/devices/{}", base_url.trim_end_matches('/'), d.id);
        out.push_str(&format!(
            "<g transform=\"translate({x} {y})\"><rect x=\"1\" y=\"1\" width=\"68\" height=\"35\" rx=\"2\" fill=\"#fff\" stroke=\"#bbb\" stroke-width=\"0.2\"/>"
        ));
        if let Ok(code) = QrCode::new(url.as_bytes()) {
            let inner = code
                .render::<svg::Color<'_>>()
                .quiet_zone(false)
                .min_dimensions(31, 31)
                .max_dimensions(31, 31)
                .build();
            // Nest the QR's own <svg> at 3,3 in a 31 mm box. Its own width and height give way:
            // an attribute given twice is not XML, and an SVG image with one does not render.
            let inner = inner
                .split_once("<svg")
                .map(|(_, rest)| {
                    let (tag, body) = rest.split_once('>').unwrap_or((rest, ""));
                    let tag = without_attr(&without_attr(tag, "width"), "height");
                    format!("<svg x=\"3\" y=\"3\" width=\"31\" height=\"31\"{tag}>{body}")
                })
                .unwrap_or_default();
            let inner = inner
                .split_once("?>")
                .map(|(_, r)| r.to_owned())
                .unwrap_or(inner);
            out.push_str(&inner);
        }
        // The text column is 33 mm wide: about 17 bold characters of 3.2 mm, 20 of 2.8 mm.
        // The name wraps at words over two lines at most, an ellipsis marking a cut.
        for (i, line) in wrap_words(&d.name, 17, 2).iter().enumerate() {
            out.push_str(&format!(
                "<text x=\"36\" y=\"{}\" font-size=\"3.2\" font-weight=\"bold\">{}</text>",
                8.5 + 4.0 * i as f64,
                xml_escape(line)
            ));
        }
        let mut ty = 19.0;
        for line in [
            d.serial.as_deref().map(|s| format!("S/N {s}")),
            d.room.clone(),
            Some(format!("#{}", d.id)),
        ]
        .into_iter()
        .flatten()
        {
            let line = wrap_words(&line, 20, 1).pop().unwrap_or_default();
            out.push_str(&format!(
                "<text x=\"36\" y=\"{ty}\" font-size=\"2.8\">{}</text>",
                xml_escape(&line)
            ));
            ty += 4.5;
        }
        out.push_str("</g>");
    }
    out.push_str("</svg>");
    out
}

/// `text` in at most `lines` lines of at most `width` characters, broken between words (a
/// word longer than a line is cut); `…` ends the last line when something is left out.
fn wrap_words(text: &str, width: usize, lines: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut cut = false;
    for word in text.split_whitespace() {
        let len = current.chars().count();
        let wlen = word.chars().count();
        if len > 0 && len + 1 + wlen <= width {
            current.push(' ');
            current.push_str(word);
            continue;
        }
        if len > 0 {
            out.push(std::mem::take(&mut current));
        }
        if out.len() == lines {
            cut = true;
            break;
        }
        current = word.chars().take(width).collect();
        cut |= wlen > width;
    }
    if !current.is_empty() {
        if out.len() < lines {
            out.push(current);
        } else {
            cut = true;
        }
    }
    if cut && let Some(last) = out.last_mut() {
        let keep: String = last.chars().take(width.saturating_sub(1)).collect();
        *last = format!("{}…", keep.trim_end());
    }
    out
}

/// An opening tag's attributes without `name="…"`.
fn without_attr(tag: &str, name: &str) -> String {
    let key = format!(" {name}=\"");
    let Some(i) = tag.find(&key) else {
        return tag.to_owned();
    };
    let after = &tag[i + key.len()..];
    match after.find('"') {
        Some(j) => format!("{}{}", &tag[..i], &after[j + 1..]),
        None => tag.to_owned(),
    }
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The labels of a school's devices (all, or the given ids), for [`labels_svg`].
pub async fn for_labels(
    ctx: &Ctx,
    actor: &Actor,
    school: SchoolId,
    ids: &[DeviceId],
) -> Result<Vec<Device>, Error> {
    actor.must_manage_school(school)?;
    let all = list(ctx, actor, school, &DeviceFilter::default()).await?;
    Ok(all
        .into_iter()
        .filter(|d| d.status != DeviceStatus::Retired)
        .filter(|d| ids.is_empty() || ids.contains(&d.id))
        .collect())
}

#[cfg(test)]
mod label_tests {
    use super::*;

    /// The sheet is served as an SVG image, which a browser renders only if it is XML: no tag
    /// may carry an attribute twice (the nested QR code's own size used to).
    #[test]
    fn every_tag_of_a_label_sheet_has_each_attribute_once() {
        let d = Device {
            id: DeviceId(7),
            school_id: SchoolId(1),
            name: "Máy chiếu <A&B> phòng 201".into(),
            kind: DeviceKind::InteractiveDisplay,
            serial: Some("MH-201".into()),
            room: Some("201".into()),
            quantity: 1,
            status: DeviceStatus::Available,
            in_use: 0,
        };
        let svg = labels_svg(&[d.clone(), d], "https://lophoc.example.vn");
        assert_eq!(svg.matches("<svg").count(), 3, "the sheet and two QR codes");
        for tag in svg.split('<').skip(1) {
            let tag = tag.split('>').next().unwrap_or("");
            let mut names: Vec<&str> = tag
                .split('"')
                .step_by(2)
                .filter_map(|part| part.trim_end().strip_suffix('='))
                .map(|n| n.rsplit(' ').next().unwrap_or(n))
                .collect();
            let all = names.len();
            names.sort();
            names.dedup();
            assert_eq!(names.len(), all, "an attribute twice in <{tag}>");
        }
        assert!(svg.contains("&lt;A&amp;B&gt;"));
    }

    #[test]
    fn names_wrap_between_words_and_a_cut_is_marked() {
        assert_eq!(
            wrap_words("Màn hình tương tác phòng 201", 17, 2),
            vec!["Màn hình tương", "tác phòng 201"]
        );
        assert_eq!(
            wrap_words("Ti vi thông minh phòng Hội đồng với tên rất dài", 17, 2),
            vec!["Ti vi thông minh", "phòng Hội đồng…"]
        );
        assert_eq!(wrap_words("Máy chiếu", 17, 2), vec!["Máy chiếu"]);
        assert_eq!(
            wrap_words("ABCDEFGHIJKLMNOPQRSTUV", 10, 1),
            vec!["ABCDEFGHI…"]
        );
        assert!(wrap_words("   ", 10, 2).is_empty());
    }
}
