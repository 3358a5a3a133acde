//! Choosing a school, for the department and sysadmins on a page about one school's records
//! (devices, periods): a GET search form (`find`) and the matching schools as links to
//! `{base}?school={id}`. Works without JavaScript; a filtered list is a link.

use crate::components::error_alert::ErrorAlert;
use crate::components::icon::Icon;
use crate::components::loading::Loading;
use crate::components::session::use_session;
use crate::error::UiError;
use crate::i18n::{tr, trf};

use crate::serverfns::schools::list_schools;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use lophoc::ids::SchoolId;
use lophoc::model::{Page, School};

/// The schools the picker lists: the first page of those matching `find`; nothing for anyone
/// with a school of their own, or once a school is chosen.
pub type PickerSchools = Resource<Result<Option<Page<School>>, UiError>>;

/// Creates the picker's data (where the page creates its other resources).
pub fn picker_schools(school: Memo<Option<SchoolId>>) -> PickerSchools {
    let session = use_session();
    let query = use_query_map();
    Resource::new(
        move || (school.get(), query.read().get("find").unwrap_or_default()),
        move |(school, find)| async move {
            if school.is_some() {
                return Ok(None);
            }
            let user = session.0.await.ok().flatten();
            if !user.is_some_and(|u| u.role.sees_all_schools()) {
                return Ok(None);
            }
            let find = find.trim().to_owned();
            list_schools(None, None, (!find.is_empty()).then_some(find), Some(1))
                .await
                .map(Some)
        },
    )
}

/// The search and the first page of matching schools.
#[component]
pub fn SchoolPicker(
    /// The page the links open, with `?school=ID`.
    base: &'static str,
    /// The schools to list (see [`picker_schools`]).
    schools: PickerSchools,
) -> impl IntoView {
    let query = use_query_map();
    let find = move || query.read().get("find").unwrap_or_default();
    view! {
        <section class="card" aria-labelledby="pick-school-title">
            <div class="card-header">
                <h2 id="pick-school-title">{tr("picker.title")}</h2>
            </div>
            <div class="card-body stack">
                <p class="muted">{tr("picker.intro")}</p>
                <form class="filters" role="search" method="get" action=base>
                    <div class="field grow">
                        <label for="pick-school">{tr("picker.search")}</label>
                        <input
                            id="pick-school"
                            name="find"
                            type="search"
                            autocomplete="off"
                            placeholder=tr("schools.search_placeholder")
                            value=find
                        />
                    </div>
                    <button type="submit" class="btn btn-secondary">
                        <Icon name="search" />
                        <span>{tr("accounts.search_submit")}</span>
                    </button>
                </form>
                <Transition fallback=|| view! { <Loading /> }>
                    {move || Suspend::new(async move {
                        match schools.await {
                            Ok(None) => ().into_any(),
                            Ok(Some(page)) if page.items.is_empty() => {
                                view! { <p class="muted" role="status">{tr("schools.empty_title")}</p> }
                                    .into_any()
                            }
                            Ok(Some(page)) => {
                                let more = (page.total > page.items.len() as i64).then(|| {
                                    view! {
                                        <p class="small muted">
                                            {trf("picker.more", &[("n", page.total.to_string())])}
                                        </p>
                                    }
                                });
                                view! {
                                    <ul class="pick-list">
                                        {page
                                            .items
                                            .into_iter()
                                            .map(|s| {
                                                view! {
                                                    <li>
                                                        <a href=format!("{base}?school={}", s.id)>
                                                            <span>{s.name}</span>
                                                            <span class="small muted">{s.code} " · " {s.area}</span>
                                                        </a>
                                                    </li>
                                                }
                                            })
                                            .collect_view()}
                                    </ul>
                                    {more}
                                }
                                    .into_any()
                            }
                            Err(e) => view! { <ErrorAlert error=e /> }.into_any(),
                        }
                    })}
                </Transition>
            </div>
        </section>
    }
}
