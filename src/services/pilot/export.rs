//! Exports of the school list: CSV and Excel, every page.

use super::*;

fn yes_no(lang: crate::Lang, b: bool) -> &'static str {
    crate::i18n::t(lang, if b { "pilot.yes" } else { "pilot.no" })
}

fn export_header(lang: crate::Lang, criteria: &Criteria) -> Vec<String> {
    let t = |k: &str| crate::i18n::t(lang, k).to_owned();
    let mut h = vec![
        t("pilot.col.code"),
        t("pilot.col.name"),
        t("pilot.col.level"),
        t("pilot.col.area"),
        t("pilot.col.enrolled"),
        t("pilot.col.since"),
        t("pilot.col.counted"),
        t("pilot.col.met"),
    ];
    for c in &criteria.criteria {
        h.push(t(c.key.label_key()));
    }
    h.push(t("pilot.col.last_activity"));
    h
}

fn export_cells(lang: crate::Lang, s: &SchoolStatus) -> Vec<String> {
    let mut row = vec![
        s.code.clone(),
        s.name.clone(),
        crate::i18n::t(lang, s.level.label_key()).to_owned(),
        s.area.clone(),
        yes_no(lang, s.enrolled).to_owned(),
        s.since.map(crate::dates::display_date).unwrap_or_default(),
        yes_no(lang, s.counted).to_owned(),
        format!("{}/{}", s.met, s.criteria.len()),
    ];
    for c in &s.criteria {
        row.push(crate::text::numbers::decimal(lang, c.value, 1));
    }
    row.push(
        s.last_activity
            .map(crate::dates::display_date)
            .unwrap_or_default(),
    );
    row
}

/// The statuses as CSV (column names in `lang`, formulas neutralised).
pub fn export_csv(page: &StatusPage, lang: crate::Lang) -> Vec<u8> {
    let header = export_header(lang, &page.criteria);
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let rows: Vec<Vec<String>> = page.items.iter().map(|s| export_cells(lang, s)).collect();
    csv_import::write(&header, &rows)
}

/// The statuses as an Excel workbook: the schools, and the criteria they were judged by.
pub fn export_xlsx(page: &StatusPage, lang: crate::Lang) -> Result<Vec<u8>, Error> {
    use crate::services::xlsx::{self, Cell, Sheet};
    let t = |k: &str| crate::i18n::t(lang, k);
    let mut schools = Sheet::new(
        t("pilot.sheet.schools"),
        export_header(lang, &page.criteria),
    );
    for s in &page.items {
        let mut cells = export_cells(lang, s);
        let last = cells.pop().unwrap_or_default();
        // The first eight columns as text, each criterion's value as a number, then the last
        // activity as text.
        let mut row: Vec<Cell> = cells.into_iter().take(8).map(Cell::from).collect();
        row.extend(s.criteria.iter().map(|c| Cell::from(c.value)));
        row.push(last.into());
        schools.row(row);
    }
    let mut criteria = Sheet::new(
        t("pilot.sheet.criteria"),
        [
            "pilot.col.criterion",
            "pilot.col.threshold",
            "pilot.col.required",
        ]
        .map(t),
    );
    for c in &page.criteria.criteria {
        criteria.row([
            t(c.key.label_key()).into(),
            c.threshold.into(),
            yes_no(lang, c.required).into(),
        ]);
    }
    criteria.row([]);
    criteria.row([
        t("pilot.col.window").into(),
        (page.criteria.window_days as f64).into(),
    ]);
    xlsx::workbook(&[schools, criteria])
}

/// The statuses of a filter, every page of them, for an export (at most a nation).
pub async fn export(ctx: &Ctx, actor: &Actor, f: &StatusFilter) -> Result<StatusPage, Error> {
    let mut f = f.clone();
    f.offset = Some(0);
    f.limit = Some(MAX_PAGE);
    let mut page = schools(ctx, actor, &f).await?;
    while (page.items.len() as i64) < page.total {
        f.offset = Some(page.items.len() as i64);
        let more = schools(ctx, actor, &f).await?;
        if more.items.is_empty() {
            break;
        }
        page.items.extend(more.items);
    }
    Ok(page)
}

/// Schools still to enrol: open schools of the registry not enrolled, matching `q` (for the
/// enrolment form's search), at most `limit`.
pub async fn candidates(
    ctx: &Ctx,
    actor: &Actor,
    q: &str,
    limit: i64,
) -> Result<Vec<crate::model::School>, Error> {
    must_manage(ctx, actor).await?;
    let f = crate::model::SchoolFilter {
        q: Some(q.to_owned()),
        limit: Some(limit.clamp(1, 100)),
        ..Default::default()
    };
    let found = crate::services::schools::list(ctx, actor, &f).await?;
    let enrolled: HashSet<SchoolId> = found
        .items
        .iter()
        .filter(|s| s.pilot.enrolled || s.closed_on.is_some())
        .map(|s| s.id)
        .collect();
    Ok(found
        .items
        .into_iter()
        .filter(|s| !enrolled.contains(&s.id))
        .collect())
}
