//! Area officers: who is scoped to which area.

use super::*;

/// A department officer with their area, if any.
#[derive(sqlx::FromRow)]
struct OfficerRow {
    id: UserId,
    username: String,
    full_name: String,
    area_id: Option<AreaId>,
    area: Option<String>,
}

impl From<OfficerRow> for Officer {
    fn from(r: OfficerRow) -> Officer {
        Officer {
            user_id: r.id,
            username: r.username,
            full_name: r.full_name,
            area_id: r.area_id,
            area: r.area,
        }
    }
}

/// The department's officers and their areas (province-wide department, sysadmin).
pub async fn officers(ctx: &Ctx, actor: &Actor) -> Result<Vec<Officer>, Error> {
    must_manage(ctx, actor).await?;
    Ok(sqlx::query_as::<_, OfficerRow>(
        "SELECT u.id, u.username, u.full_name, o.area_id, a.name AS area FROM users u \
         LEFT JOIN officer_areas o ON o.user_id = u.id LEFT JOIN areas a ON a.id = o.area_id \
         WHERE u.role = 'department' AND u.active = 1 ORDER BY u.username",
    )
    .fetch_all(&ctx.db.pool)
    .await
    .map_err(internal)?
    .into_iter()
    .map(Officer::from)
    .collect())
}

/// Scopes a department officer to an area, or (none) gives them the whole province again
/// (province-wide department, sysadmin; not oneself). Audited.
pub async fn set_officer_area(
    ctx: &Ctx,
    actor: &Actor,
    user: UserId,
    area: Option<AreaId>,
    ip: Option<&str>,
) -> Result<Officer, Error> {
    must_manage(ctx, actor).await?;
    if user == actor.user_id {
        return Err(Error::field("user", Msg::new("pilot.error.own_scope")));
    }
    let role: Option<String> = sqlx::query_scalar("SELECT role FROM users WHERE id = $1")
        .bind(user)
        .fetch_optional(&ctx.db.pool)
        .await
        .map_err(internal)?;
    if role.as_deref() != Some("department") {
        return Err(Error::not_found());
    }
    if let Some(a) = area {
        let exists = sqlx::query("SELECT 1 AS x FROM areas WHERE id = $1")
            .bind(a.0)
            .fetch_optional(&ctx.db.pool)
            .await
            .map_err(internal)?;
        if exists.is_none() {
            return Err(Error::field("area", Msg::new("pilot.error.unknown_area")));
        }
    }
    let old = crate::services::scope::officer_area(&ctx.db.pool, user)
        .await?
        .map(|a| a.id);
    let mut tx = ctx.db.pool.begin().await.map_err(internal)?;
    sqlx::query("DELETE FROM officer_areas WHERE user_id = $1")
        .bind(user)
        .execute(&mut *tx)
        .await
        .map_err(internal)?;
    if let Some(a) = area {
        sqlx::query("INSERT INTO officer_areas (user_id, area_id) VALUES ($1, $2)")
            .bind(user)
            .bind(a.0)
            .execute(&mut *tx)
            .await
            .map_err(internal)?;
    }
    if old != area {
        audit::write(
            &mut *tx,
            ctx.now(),
            Action::PilotOfficerArea,
            Record {
                actor: Some(actor),
                object: format!("user:{}", user.0),
                old: old.map(|a| a.0.to_string()),
                new: area.map(|a| a.0.to_string()),
                ip,
                ..Record::default()
            },
        )
        .await?;
    }
    tx.commit().await.map_err(internal)?;
    officers(ctx, actor)
        .await?
        .into_iter()
        .find(|o| o.user_id == user)
        .ok_or_else(Error::not_found)
}
