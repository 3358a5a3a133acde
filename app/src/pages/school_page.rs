//! One school's page (`/schools/:id`): its registry record and pilot enrolment, and for its
//! administrators and the department the link to the class log's verification. A school the
//! user may not see is "not found", like one that does not exist.

use crate::components::badges::PilotBadge;
use crate::components::error_alert::ErrorAlert;
use crate::components::format::group_digits;
use crate::components::icon::Icon;
use crate::components::loading::Loading;
use crate::components::notice::NotFound;
use crate::components::session::use_session;
use crate::i18n::tr;

use crate::components::page_title::PageTitle;
use crate::serverfns::schools::get_school;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use lophoc::ErrorCode;
use lophoc::ids::SchoolId;
use lophoc::model::School;

/// `/schools/:id`.
#[component]
pub fn SchoolPage() -> impl IntoView {
    let params = use_params_map();
    let session = use_session();
    let id = Memo::new(move |_| {
        params
            .read()
            .get("id")
            .and_then(|s| s.parse::<SchoolId>().ok())
    });
    let school = Resource::new(
        move || id.get(),
        |id| async move {
            match id {
                Some(id) => get_school(id).await.map(Some),
                None => Ok(None),
            }
        },
    );
    view! {
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                let user = session.0.await.ok().flatten();
                let sees_all = user.as_ref().is_some_and(|u| u.role.sees_all_schools());
                // The verification is the principal's and the department's (the service
                // refuses a teacher anyway).
                let verify = user.as_ref().is_some_and(|u| u.role != lophoc::model::Role::Teacher);
                match school.await {
                    Ok(Some(s)) => view! { <SchoolDetails school=s back=sees_all verify /> }.into_any(),
                    Ok(None) => view! { <NotFound /> }.into_any(),
                    Err(e) if e.code == ErrorCode::NotFound => view! { <NotFound /> }.into_any(),
                    Err(e) => view! { <ErrorAlert error=e /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn SchoolDetails(school: School, back: bool, verify: bool) -> impl IntoView {
    let former = school
        .former_district
        .clone()
        .unwrap_or_else(|| tr("school.none").to_owned());
    view! {
        <PageTitle text=school.name.clone() />
        {back
            .then(|| {
                view! {
                    <p>
                        <a class="btn btn-ghost btn-sm" href="/schools">
                            <Icon name="chevron-left" />
                            <span>{tr("school.back")}</span>
                        </a>
                    </p>
                }
            })}
        <div class="page-header">
            <div class="page-header-text">
                <h1>{school.name.clone()}</h1>
                <p>{tr(school.level.label_key())} " · " {school.area.clone()}</p>
            </div>
            {verify.then(|| view! {
                <div class="page-header-actions">
                    <a class="btn btn-secondary" href=format!("/schools/{}/log/verify", school.id)>
                        <Icon name="lock" />
                        <span>{tr("log.verify_link")}</span>
                    </a>
                </div>
            })}
        </div>
        <section class="card">
            <div class="card-body">
                <dl class="dl">
                    <div>
                        <dt>{tr("school.code")}</dt>
                        <dd>{school.code.clone()}</dd>
                    </div>
                    <div>
                        <dt>{tr("schools.level")}</dt>
                        <dd>{tr(school.level.label_key())}</dd>
                    </div>
                    <div>
                        <dt>{tr("schools.area")}</dt>
                        <dd>{school.area.clone()}</dd>
                    </div>
                    <div>
                        <dt>{tr("school.former_district")}</dt>
                        <dd>{former}</dd>
                    </div>
                    <div>
                        <dt>{tr("schools.students")}</dt>
                        <dd>{group_digits(school.students)}</dd>
                    </div>
                    <div>
                        <dt>{tr("school.pilot")}</dt>
                        <dd>
                            <PilotBadge school=school.clone() />
                        </dd>
                    </div>
                </dl>
            </div>
        </section>
    }
}
