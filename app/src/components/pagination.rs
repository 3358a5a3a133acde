//! Page links for a long list (the school registry, the materials library): plain links, so
//! paging works without JavaScript and a page is a URL.

use crate::components::icon::Icon;
use crate::i18n::{tr, trf};
use leptos::prelude::*;

/// How many pages `total` items make at `per_page` a page.
pub fn page_count(total: i64, per_page: i64) -> i64 {
    if per_page <= 0 {
        return 0;
    }
    (total.max(0) + per_page - 1) / per_page
}

/// Links to the first and last page, and two either side of the current one, with "previous"
/// and "next", and a line saying which items these are (`info`, e.g. "Schools 51–100 of 812").
#[component]
pub fn Pagination(
    /// The current page, from 1.
    current: i64,
    /// How many pages.
    pages: i64,
    /// The URL of a page (the list's filters kept).
    href: Callback<i64, String>,
    /// Which items this page shows, in words.
    info: String,
) -> impl IntoView {
    let mut shown: Vec<i64> = (1..=pages)
        .filter(|p| *p == 1 || *p == pages || (p - current).abs() <= 2)
        .collect();
    shown.dedup();
    let mut items = Vec::new();
    let mut prev_shown = 0;
    for p in shown {
        if p > prev_shown + 1 {
            items.push(view! { <span class="gap" aria-hidden="true">"…"</span> }.into_any());
        }
        prev_shown = p;
        let label = trf("pagination.page_n", &[("n", p.to_string())]);
        items.push(if p == current {
            view! { <span aria-current="page" aria-label=label>{p}</span> }.into_any()
        } else {
            view! { <a href=href.run(p) aria-label=label>{p}</a> }.into_any()
        });
    }
    let prev = if current > 1 {
        view! {
            <a href=href.run(current - 1) rel="prev">
                <Icon name="chevron-left" />
                <span class="sr-only">{tr("pagination.prev")}</span>
            </a>
        }
        .into_any()
    } else {
        view! {
            <span aria-disabled="true">
                <Icon name="chevron-left" />
                <span class="sr-only">{tr("pagination.prev")}</span>
            </span>
        }
        .into_any()
    };
    let next = if current < pages {
        view! {
            <a href=href.run(current + 1) rel="next">
                <Icon name="chevron-right" />
                <span class="sr-only">{tr("pagination.next")}</span>
            </a>
        }
        .into_any()
    } else {
        view! {
            <span aria-disabled="true">
                <Icon name="chevron-right" />
                <span class="sr-only">{tr("pagination.next")}</span>
            </span>
        }
        .into_any()
    };
    view! {
        <nav class="pagination" aria-label=tr("pagination.pages")>
            {prev}
            {items}
            {next}
            <span class="pagination-info">{info}</span>
        </nav>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_round_up() {
        assert_eq!(page_count(0, 20), 0);
        assert_eq!(page_count(1, 20), 1);
        assert_eq!(page_count(20, 20), 1);
        assert_eq!(page_count(21, 20), 2);
        assert_eq!(page_count(100_000, 20), 5_000);
    }
}
