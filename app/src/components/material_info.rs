//! How a material is named on a page: its scope badge, its type (icon and word), its grade, a
//! lesson's materials as links, and the options of the subject, grade and scope selects the
//! library's forms share.

use crate::components::icon::Icon;
use crate::i18n::{tr, trf};
use leptos::prelude::*;
use lophoc::lessons::MaterialRef;
use lophoc::materials::{FileType, Kind, Material, Scope};
use lophoc::subjects::{SUBJECTS, subject_label_key};

/// Grades a material may be for: 0 (preschool) to 12.
pub const GRADES: std::ops::RangeInclusive<i64> = 0..=12;

/// A grade for people: "Mầm non" for 0, else "Khối 6".
pub fn grade_label(grade: i64) -> String {
    if grade == 0 {
        tr("materials.grade_0").to_owned()
    } else {
        trf("materials.grade_n", &[("n", grade.to_string())])
    }
}

/// The badge of who sees a material (the text carries the meaning; the colour repeats it).
#[component]
pub fn ScopeBadge(
    /// Who sees the material.
    scope: Scope,
) -> impl IntoView {
    let class = match scope {
        Scope::Private => "badge badge-neutral",
        Scope::School => "badge badge-info",
        Scope::Province => "badge badge-success",
    };
    view! { <span class=class>{tr(scope.label_key())}</span> }
}

/// The icon and the word of a material's type: PDF, Word, an image, a video, a link…
pub fn type_of(m: &Material) -> (&'static str, &'static str) {
    if m.kind == Kind::Link {
        return ("link", tr("materials.type.link"));
    }
    let ty = m
        .content_type
        .as_deref()
        .and_then(FileType::from_content_type);
    match ty {
        Some(FileType::Pdf) => ("file-text", "PDF"),
        Some(FileType::Png | FileType::Jpeg | FileType::Gif | FileType::Webp) => {
            ("image", tr("materials.type.image"))
        }
        Some(FileType::Mp3 | FileType::Wav | FileType::Ogg) => {
            ("music", tr("materials.type.audio"))
        }
        Some(FileType::Mp4 | FileType::Webm) => ("film", tr("materials.type.video")),
        Some(FileType::Docx | FileType::Doc) => ("file-text", "Word"),
        Some(FileType::Pptx | FileType::Ppt) => ("file", "PowerPoint"),
        Some(FileType::Xlsx | FileType::Xls) => ("file", "Excel"),
        None => ("file", tr("materials.type.file")),
    }
}

/// "PDF · 1,2 MB", or "Liên kết".
pub fn type_and_size(m: &Material) -> String {
    let (_, word) = type_of(m);
    match m.size {
        Some(n) if m.kind == Kind::File => {
            format!("{word} · {}", crate::components::format::size_text(n))
        }
        _ => word.to_owned(),
    }
}

/// The options of a subject select, `chosen` (a code) selected; `empty` labels the first
/// option, whose value is empty ("all" in a filter, "choose" in a form).
pub fn subject_options(chosen: &str, empty: &'static str) -> impl IntoView + use<> {
    let chosen = chosen.trim().to_owned();
    // The form's own value is a code; one typed elsewhere (the API takes names) still shows.
    let chosen = lophoc::subjects::parse_subject(&chosen)
        .map(str::to_owned)
        .unwrap_or(chosen);
    let first = view! { <option value="" selected=chosen.is_empty()>{empty}</option> };
    let rest = SUBJECTS
        .into_iter()
        .map(|code| {
            view! {
                <option value=code selected=chosen == code>
                    {tr(&subject_label_key(code))}
                </option>
            }
        })
        .collect_view();
    view! {
        {first}
        {rest}
    }
}

/// The options of a grade select, like [`subject_options`].
pub fn grade_options(chosen: &str, empty: &'static str) -> impl IntoView + use<> {
    let chosen = chosen.trim().to_owned();
    let first = view! { <option value="" selected=chosen.is_empty()>{empty}</option> };
    let rest = GRADES
        .map(|g| {
            let value = g.to_string();
            let on = chosen == value;
            view! {
                <option value=value selected=on>
                    {grade_label(g)}
                </option>
            }
        })
        .collect_view();
    view! {
        {first}
        {rest}
    }
}

/// The radio buttons of a scope, `chosen` (a code) checked.
#[component]
pub fn ScopeChoice(
    /// A prefix for the inputs' ids (unique on the page).
    #[prop(into)]
    id: String,
    /// The code checked.
    chosen: String,
    /// The error of the field, if any.
    #[prop(into)]
    error: Signal<Option<String>>,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    let options = Scope::ALL
        .into_iter()
        .map(|s| {
            let input_id = format!("{id}-{}", s.as_str());
            let hint_id = format!("{input_id}-hint");
            view! {
                <label class="check scope-option" for=input_id.clone()>
                    <input
                        id=input_id.clone()
                        type="radio"
                        name="scope"
                        value=s.as_str()
                        checked=chosen == s.as_str()
                        aria-describedby=hint_id.clone()
                    />
                    <span>
                        <span class="scope-name">{tr(s.label_key())}</span>
                        <span class="hint" id=hint_id>{tr(scope_hint_key(s))}</span>
                    </span>
                </label>
            }
        })
        .collect_view();
    view! {
        <fieldset class="field scope-choice" class:invalid=move || error.get().is_some()>
            <legend>{tr("materials.scope")}</legend>
            {options}
            {move || error.get().map(|m| view! { <p class="field-error" id=error_id.clone()>{m}</p> })}
        </fieldset>
    }
}

fn scope_hint_key(s: Scope) -> &'static str {
    match s {
        Scope::Private => "materials.scope_hint.private",
        Scope::School => "materials.scope_hint.school",
        Scope::Province => "materials.scope_hint.province",
    }
}

/// The options of a scope filter: all, then each scope.
pub fn scope_options(chosen: &str) -> impl IntoView + use<> {
    let chosen = chosen.trim().to_owned();
    let first = view! { <option value="" selected=chosen.is_empty()>{tr("schools.all")}</option> };
    let rest = Scope::ALL
        .into_iter()
        .map(|s| {
            view! {
                <option value=s.as_str() selected=chosen == s.as_str()>
                    {tr(s.label_key())}
                </option>
            }
        })
        .collect_view();
    view! {
        {first}
        {rest}
    }
}

/// A lesson's materials as links to their pages ("Học liệu: Bài 3 – Phân số, Phiếu bài tập").
#[component]
pub fn LessonMaterialLinks(
    /// The lesson's materials, linked in this order.
    materials: Vec<MaterialRef>,
) -> impl IntoView {
    let links = materials
        .into_iter()
        .map(|m| {
            view! {
                <li>
                    <a href=format!("/materials/{}", m.id)>{m.title}</a>
                </li>
            }
        })
        .collect_view();
    view! {
        <div class="lesson-materials small">
            <Icon name="book" class="icon-sm" />
            <span class="sr-only">{tr("materials.of_lesson")}</span>
            <ul>{links}</ul>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_scope_has_its_words() {
        for s in Scope::ALL {
            assert!(lophoc::i18n::has_key(s.label_key()));
            assert!(lophoc::i18n::has_key(scope_hint_key(s)));
        }
        for k in [
            "materials.type.link",
            "materials.type.image",
            "materials.type.audio",
            "materials.type.video",
            "materials.type.file",
            "materials.grade_0",
            "materials.grade_n",
        ] {
            assert!(lophoc::i18n::has_key(k), "{k}");
        }
    }
}
