//! A material's fields in a form (the library's upload form and a material's edit form): title,
//! subject, grade, topic, description and who sees it, each with its error and what was typed.

use crate::components::field::{Field, SelectField, TextAreaField};
use crate::components::material_info::{ScopeChoice, grade_options, subject_options};
use crate::error::{UiError, field_error};
use crate::i18n::tr;
use leptos::prelude::*;
use lophoc::materials::MaterialForm;

/// What the file input offers to pick (the server checks every file by its content anyway).
pub const ACCEPT: &str = ".pdf,.doc,.docx,.ppt,.pptx,.xls,.xlsx,.png,.jpg,.jpeg,.gif,.webp,\
     .mp3,.wav,.ogg,.m4a,.mp4,.m4v,.mov,.webm";

/// The fields, named as the server functions read them. `id` prefixes the element ids (unique
/// on the page); `values` shows what the form holds (what was typed, after an error).
#[component]
pub fn MaterialFields(
    /// A prefix for the element ids.
    id: &'static str,
    /// The values shown.
    values: MaterialForm,
    /// The error a post of this form came back with.
    error: Option<UiError>,
    /// The title's hint (the upload form says how several files are titled).
    #[prop(optional)]
    title_hint: Option<&'static str>,
) -> impl IntoView {
    let field = |name: &str| field_error(&error, name);
    view! {
        <Field
            id=format!("{id}-title")
            name="title"
            label=tr("materials.title_field")
            hint=title_hint.unwrap_or(tr("materials.title_example"))
            autocomplete="off"
            value=values.title.clone()
            error=field("title")
        />
        <div class="form-row">
            <SelectField id=format!("{id}-subject") name="subject" label=tr("materials.subject") error=field("subject")>
                {subject_options(&values.subject, tr("materials.choose_subject"))}
            </SelectField>
            <SelectField id=format!("{id}-grade") name="grade" label=tr("materials.grade") error=field("grade")>
                {grade_options(&values.grade, tr("materials.choose_grade"))}
            </SelectField>
        </div>
        <Field
            id=format!("{id}-topic")
            name="topic"
            label=tr("materials.topic")
            hint=tr("materials.topic_hint")
            autocomplete="off"
            value=values.topic.clone()
            error=field("topic")
            required=false
        />
        <TextAreaField
            id=format!("{id}-description")
            name="description"
            label=tr("materials.description")
            value=values.description.clone()
            error=field("description")
            rows=3
        />
        <ScopeChoice id=format!("{id}-scope") chosen=values.scope.clone() error=field("scope") />
    }
}
