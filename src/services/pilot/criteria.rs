//! The criteria in force and their history, and the targets.

use super::*;

/// The settings key of the targets.
const TARGETS_KEY: &str = "pilot.targets";
/// The province's name as its reports print it ("Thanh Hóa"), in `settings`.
const PROVINCE_KEY: &str = "province.name";

/// The province's name, if set (`settings` key `province.name`).
pub(super) async fn province_name(ctx: &Ctx) -> Result<Option<String>, Error> {
    sqlx::query_scalar::<_, String>("SELECT value FROM settings WHERE key = $1")
        .bind(PROVINCE_KEY)
        .fetch_optional(&ctx.db.pool)
        .await
        .map_err(internal)
}

/// A stored version of the criteria (`pilot_criteria`).
#[derive(sqlx::FromRow)]
struct CriteriaRow {
    id: i64,
    window_days: i64,
    /// The criteria as JSON.
    criteria: String,
    /// Unix seconds.
    set_at: i64,
    set_by_name: String,
}

const CRITERIA_SELECT: &str =
    "SELECT id, window_days, criteria, set_at, set_by_name FROM pilot_criteria";

impl TryFrom<&CriteriaRow> for Criteria {
    type Error = Error;
    /// The stored JSON decoded strictly: unreadable is an internal error.
    fn try_from(r: &CriteriaRow) -> Result<Criteria, Error> {
        let criteria = serde_json::from_str(&r.criteria).map_err(|e| {
            tracing::error!(error = %e, id = r.id, "stored pilot criteria unreadable");
            Error::internal()
        })?;
        Ok(Criteria {
            window_days: r.window_days,
            criteria,
        })
    }
}

/// The criteria in force at the end of `on`: (version id, criteria).
pub(crate) async fn criteria_on(ctx: &Ctx, on: NaiveDate) -> Result<(i64, Criteria), Error> {
    let row = sqlx::query_as::<_, CriteriaRow>(&format!(
        "{CRITERIA_SELECT} WHERE set_at < $1 ORDER BY set_at DESC, id DESC LIMIT 1"
    ))
    .bind(day_end(on).min(ctx.now() + 1))
    .fetch_optional(&ctx.db.pool)
    .await
    .map_err(internal)?;
    match row {
        Some(r) => Ok((r.id, Criteria::try_from(&r)?)),
        None => Ok((0, Criteria::default())),
    }
}

pub(super) async fn criteria_by_id(ctx: &Ctx, id: i64) -> Result<Criteria, Error> {
    if id == 0 {
        return Ok(Criteria::default());
    }
    let r = sqlx::query_as::<_, CriteriaRow>(&format!("{CRITERIA_SELECT} WHERE id = $1"))
        .bind(id)
        .fetch_one(&ctx.db.pool)
        .await
        .map_err(internal)?;
    Criteria::try_from(&r)
}

/// The criteria in force now (the department and sysadmins; area officers read them too).
pub async fn criteria(ctx: &Ctx, actor: &Actor) -> Result<CriteriaVersion, Error> {
    scope(ctx, actor).await?;
    let mut h = history(ctx).await?;
    Ok(h.pop().unwrap_or_else(default_version))
}

fn default_version() -> CriteriaVersion {
    CriteriaVersion {
        id: 0,
        criteria: Criteria::default(),
        set_by: String::new(),
        set_at: None,
        until: None,
    }
}

async fn history(ctx: &Ctx) -> Result<Vec<CriteriaVersion>, Error> {
    let rows = sqlx::query_as::<_, CriteriaRow>(&format!("{CRITERIA_SELECT} ORDER BY set_at, id"))
        .fetch_all(&ctx.db.pool)
        .await
        .map_err(internal)?;
    let mut out = vec![default_version()];
    for r in rows {
        let criteria = Criteria::try_from(&r)?;
        let (id, by) = (r.id, r.set_by_name);
        let at = crate::dates::rfc3339(r.set_at);
        if let Some(prev) = out.last_mut() {
            prev.until = Some(at.clone());
        }
        out.push(CriteriaVersion {
            id,
            criteria,
            set_by: by,
            set_at: Some(at),
            until: None,
        });
    }
    Ok(out)
}

/// Every version of the criteria, oldest first, the defaults first: which were in force when.
pub async fn criteria_history(ctx: &Ctx, actor: &Actor) -> Result<Vec<CriteriaVersion>, Error> {
    scope(ctx, actor).await?;
    history(ctx).await
}

/// What setting the criteria did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CriteriaSet {
    /// The version now in force.
    pub version: CriteriaVersion,
    /// Schools whose status today was recomputed.
    pub schools: i64,
    /// How long the recomputation took (ms).
    pub millis: i64,
}

/// Sets the criteria (province-wide department, sysadmin): checked (422 naming each bad
/// field), stored as a new version with an audit record, and today's statuses recomputed under
/// them. Setting the same criteria again changes nothing.
pub async fn set_criteria(
    ctx: &Ctx,
    actor: &Actor,
    input: Criteria,
    ip: Option<&str>,
) -> Result<CriteriaSet, Error> {
    must_manage(ctx, actor).await?;
    let c = input.check()?;
    let (_, old) = criteria_on(ctx, today(ctx)).await?;
    if old != c {
        let now = ctx.now();
        let json = serde_json::to_string(&c.criteria).map_err(|_| Error::internal())?;
        let mut tx = ctx.db.pool.begin().await.map_err(internal)?;
        sqlx::query(
            "INSERT INTO pilot_criteria (window_days, criteria, set_by, set_by_name, set_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(c.window_days)
        .bind(json)
        .bind(actor.user_id)
        .bind(actor.username.clone())
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
        audit::write(
            &mut *tx,
            now,
            Action::PilotCriteria,
            Record {
                actor: Some(actor),
                object: "pilot:criteria".into(),
                old: serde_json::to_string(&old).ok(),
                new: serde_json::to_string(&c).ok(),
                ip,
                ..Record::default()
            },
        )
        .await?;
        tx.commit().await.map_err(internal)?;
    }
    let run = ensure_run(ctx, today(ctx)).await?;
    Ok(CriteriaSet {
        version: criteria(ctx, actor).await?,
        schools: run.schools,
        millis: run.millis,
    })
}

/// The targets (everyone with a province view).
pub async fn targets(ctx: &Ctx, actor: &Actor) -> Result<Targets, Error> {
    scope(ctx, actor).await?;
    load_targets(ctx).await
}

pub(super) async fn load_targets(ctx: &Ctx) -> Result<Targets, Error> {
    let v: Option<String> =
        sqlx::query_scalar::<_, String>("SELECT value FROM settings WHERE key = $1")
            .bind(TARGETS_KEY)
            .fetch_optional(&ctx.db.pool)
            .await
            .map_err(internal)?;
    match v {
        None => Ok(Targets::default()),
        Some(s) => serde_json::from_str(&s).map_err(|e| {
            tracing::error!(error = %e, "stored pilot targets unreadable");
            Error::internal()
        }),
    }
}

/// The demo province's targets, unless some are set: the plan's 20% by the end of 2025 and 35%
/// by the end of 2030; and its name, unless one is set.
pub(crate) async fn seed_targets(ctx: &Ctx) -> Result<(), Error> {
    let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default();
    let t = Targets {
        items: vec![
            crate::pilot::Target {
                percent: 20.0,
                due: d(2025, 12, 31),
            },
            crate::pilot::Target {
                percent: 35.0,
                due: d(2030, 12, 31),
            },
        ],
    };
    let json = serde_json::to_string(&t).map_err(|_| Error::internal())?;
    sqlx::query("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING")
        .bind(TARGETS_KEY)
        .bind(json)
        .execute(&ctx.db.pool)
        .await
        .map_err(internal)?;
    sqlx::query("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING")
        .bind(PROVINCE_KEY)
        .bind("Thanh Hóa")
        .execute(&ctx.db.pool)
        .await
        .map_err(internal)?;
    Ok(())
}

/// Sets the targets (province-wide department, sysadmin), audited.
pub async fn set_targets(
    ctx: &Ctx,
    actor: &Actor,
    input: Targets,
    ip: Option<&str>,
) -> Result<Targets, Error> {
    must_manage(ctx, actor).await?;
    let t = input.check()?;
    let old = load_targets(ctx).await?;
    if old == t {
        return Ok(t);
    }
    let json = serde_json::to_string(&t).map_err(|_| Error::internal())?;
    let now = ctx.now();
    let mut tx = ctx.db.pool.begin().await.map_err(internal)?;
    sqlx::query(
        "INSERT INTO settings (key, value) VALUES ($1, $2) \
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )
    .bind(TARGETS_KEY)
    .bind(json.clone())
    .execute(&mut *tx)
    .await
    .map_err(internal)?;
    audit::write(
        &mut *tx,
        now,
        Action::PilotTargets,
        Record {
            actor: Some(actor),
            object: "pilot:targets".into(),
            old: serde_json::to_string(&old).ok(),
            new: Some(json),
            ip,
            ..Record::default()
        },
    )
    .await?;
    tx.commit().await.map_err(internal)?;
    Ok(t)
}
