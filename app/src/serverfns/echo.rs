//! What the user typed, sent back to a form without JavaScript: derived from the form's struct.
//!
//! A plain HTML form that fails comes back (a redirect, see `serverfns::form`) with the error and
//! what was typed in the page's query string, so the page refills the form. The keys are not
//! listed by hand: an [`Echo`] serializes the form's struct (usually the server function's own
//! input struct, which the `#[server]` macro derives `Serialize` and `Deserialize` for) into
//! `prefix + field` pairs, and reads them back into that struct; the keys a new answer drops are
//! the same struct's serde field names ([`field_names`]). A field whose name contains `password`
//! is never echoed: a password is never put in a URL.
//!
//! Each module's keys are declared once with [`answer_keys!`]: its success notes and its forms'
//! echoes, from which the module's `is_answer` (every key a new answer replaces) is generated.

use leptos_router::params::ParamsMap;
use serde::de::{self, DeserializeOwned, Visitor};
use serde::{Deserializer, Serialize};
use std::marker::PhantomData;

/// The longest value echoed, in characters: every text field of the app allows far less (names
/// 120, descriptions 2,000), so a longer value is refused anyway and comes back cut, which keeps
/// the redirect's `Location` (and the page's URL) a size every browser and proxy accepts — a
/// field of a megabyte would otherwise make a header no client follows.
pub const MAX_ECHO_CHARS: usize = 4_000;

/// `v` cut to at most `max` characters (on a character boundary).
fn at_most(mut v: String, max: usize) -> String {
    if let Some((i, _)) = v.char_indices().nth(max) {
        v.truncate(i);
    }
    v
}

/// Whether a field may never travel in a URL (a password, whatever the form calls it).
pub fn is_secret(field: &str) -> bool {
    field.contains("password")
}

/// The echo of one form of type `T` under its page's keys `prefix + field` (two forms of one
/// page with the same fields stay apart: `new_name`, `edit_name`).
pub struct Echo<T> {
    prefix: &'static str,
    form: PhantomData<fn() -> T>,
}

impl<T> Echo<T> {
    /// The echo of `T`'s fields under `prefix + field`.
    pub const fn new(prefix: &'static str) -> Self {
        Self {
            prefix,
            form: PhantomData,
        }
    }
}

impl<T: Serialize + DeserializeOwned> Echo<T> {
    /// Whether `key` is one of this echo's keys (a field of `T`, secret or not, under the
    /// prefix).
    pub fn is_key(&self, key: &str) -> bool {
        key.strip_prefix(self.prefix)
            .is_some_and(|f| field_names::<T>().contains(&f))
    }

    /// What the user typed: every field of `form` but the secret ones, as (key, value) pairs,
    /// empty values included (so they read back into the struct). A field `None` is left out.
    pub fn pairs(&self, form: &T) -> Vec<(String, String)> {
        let Ok(encoded) = serde_urlencoded::to_string(form) else {
            // A form whose struct does not flatten to pairs (a list field) has no echo; a
            // unit test per form keeps this from happening.
            return Vec::new();
        };
        serde_urlencoded::from_str::<Vec<(String, String)>>(&encoded)
            .unwrap_or_default()
            .into_iter()
            .filter(|(k, _)| !is_secret(k))
            .map(|(k, v)| (format!("{}{k}", self.prefix), at_most(v, MAX_ECHO_CHARS)))
            .collect()
    }

    /// The form as the user typed it, from `get(key)`; `None` when the page carries no echo of
    /// this form (or an incomplete one). Secret fields read back empty.
    pub fn read_with(&self, get: impl Fn(&str) -> Option<String>) -> Option<T> {
        let mut pairs = Vec::new();
        let mut any = false;
        for f in field_names::<T>() {
            if is_secret(f) {
                pairs.push((*f, String::new()));
            } else if let Some(v) = get(&format!("{}{f}", self.prefix)) {
                any = true;
                pairs.push((*f, v));
            }
        }
        if !any {
            return None;
        }
        let encoded = serde_urlencoded::to_string(&pairs).ok()?;
        serde_urlencoded::from_str(&encoded).ok()
    }

    /// [`Self::read_with`] from a page's query.
    pub fn read(&self, query: &ParamsMap) -> Option<T> {
        self.read_with(|k| query.get(k))
    }
}

/// The serde field names of a struct, as its derived `Deserialize` names them.
pub fn field_names<T: DeserializeOwned>() -> &'static [&'static str] {
    let mut names = None;
    let _ = T::deserialize(FieldNames(&mut names));
    names.unwrap_or(&[])
}

/// A deserializer that only records the field names a struct asks for, then stops.
struct FieldNames<'a>(&'a mut Option<&'static [&'static str]>);

impl<'de> Deserializer<'de> for FieldNames<'_> {
    type Error = de::value::Error;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
        Err(de::Error::custom("not a struct"))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value, Self::Error> {
        *self.0 = Some(fields);
        Err(de::Error::custom("field names read"))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
        ignored_any
    }
}

/// Declares a module's answer keys once: its success notes (`NAME = "key";`, each a constant)
/// and its forms' echoes (`NAME: Form = "prefix";`, each an [`Echo`]), and generates
/// `is_answer(key)`: whether a key is any of them, so a new answer replaces the previous one.
macro_rules! answer_keys {
    (
        notes { $( $(#[$nm:meta])* $note:ident = $key:literal; )* }
        echoes { $( $(#[$em:meta])* $echo:ident : $form:ty = $prefix:literal; )* }
    ) => {
        $( $(#[$nm])* pub const $note: &str = $key; )*
        $( $(#[$em])* pub const $echo: $crate::serverfns::echo::Echo<$form> =
            $crate::serverfns::echo::Echo::new($prefix); )*
        /// Whether `key` is one of this module's answers (a note or what a form echoes): a new
        /// answer replaces the previous one.
        pub fn is_answer(key: &str) -> bool {
            [$($note),*].contains(&key) $( || $echo.is_key(key) )*
        }
    };
}
pub(crate) use answer_keys;

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    struct NewAccount {
        full_name: String,
        username: String,
        password: String,
        school: Option<i64>,
        quantity: i64,
    }

    const NEW: Echo<NewAccount> = Echo::new("new_");

    fn typed() -> NewAccount {
        NewAccount {
            full_name: "Nguyễn Thị Hoa & Co".into(),
            username: "".into(),
            password: "bí mật".into(),
            school: None,
            quantity: 3,
        }
    }

    #[test]
    fn a_megabyte_field_comes_back_cut_to_a_url_sized_echo() {
        let mut form = typed();
        form.full_name = "Đ".repeat(1_000_000);
        let pairs = NEW.pairs(&form);
        let name = &pairs[0].1;
        assert_eq!(name.chars().count(), MAX_ECHO_CHARS);
        assert!(name.chars().all(|c| c == 'Đ'));
        // Short values are untouched.
        assert_eq!(at_most("Hoa".into(), 2), "Ho");
        assert_eq!(at_most("Hoa".into(), 3), "Hoa");
    }

    #[test]
    fn field_names_are_the_structs() {
        assert_eq!(
            field_names::<NewAccount>(),
            ["full_name", "username", "password", "school", "quantity"]
        );
    }

    #[test]
    fn a_form_round_trips_but_its_password() {
        let pairs = NEW.pairs(&typed());
        assert_eq!(
            pairs,
            [
                ("new_full_name".to_owned(), "Nguyễn Thị Hoa & Co".to_owned()),
                ("new_username".to_owned(), String::new()),
                ("new_quantity".to_owned(), "3".to_owned()),
            ]
        );
        let get = |k: &str| pairs.iter().find(|(p, _)| p == k).map(|(_, v)| v.clone());
        let back = NEW.read_with(get).expect("the echo reads back");
        assert_eq!(
            back,
            NewAccount {
                password: String::new(),
                ..typed()
            }
        );
        let with_school = NewAccount {
            school: Some(7),
            ..typed()
        };
        let pairs = NEW.pairs(&with_school);
        let get = |k: &str| pairs.iter().find(|(p, _)| p == k).map(|(_, v)| v.clone());
        assert_eq!(NEW.read_with(get).unwrap().school, Some(7));
    }

    #[test]
    fn a_secret_field_is_never_echoed() {
        let pairs = NEW.pairs(&typed());
        assert!(
            pairs
                .iter()
                .all(|(k, v)| !k.contains("password") && v != "bí mật")
        );
        assert!(is_secret("password") && is_secret("new_password"));
    }

    #[test]
    fn keys_are_the_fields_under_the_prefix() {
        assert!(NEW.is_key("new_full_name") && NEW.is_key("new_quantity"));
        assert!(!NEW.is_key("full_name") && !NEW.is_key("new_other") && !NEW.is_key("q"));
    }

    #[test]
    fn no_echo_reads_as_none() {
        assert_eq!(NEW.read_with(|_| None), None);
        // Another form's keys, or an incomplete echo, are not this form.
        assert_eq!(
            NEW.read_with(|k| (k == "new_full_name").then(String::new)),
            None
        );
    }

    mod back {
        use super::NewAccount;
        crate::serverfns::echo::answer_keys! {
            notes {
                /// Added.
                ADDED = "added";
            }
            echoes {
                /// The new account.
                NEW: NewAccount = "new_";
            }
        }
    }

    #[test]
    fn a_modules_answers_are_its_notes_and_its_echoes() {
        assert!(back::is_answer(back::ADDED));
        assert!(back::is_answer("new_username") && back::is_answer("new_password"));
        assert!(!back::is_answer("page") && !back::is_answer("username"));
        assert!(back::NEW.is_key("new_school"));
    }

    /// Every form's echo reads back into the form as typed (a field that does not flatten to
    /// a query pair would leave the echo empty).
    #[test]
    fn every_form_echoes_and_reads_back() {
        use crate::serverfns::{classes, devices, materials, periods, pilot, users};
        use lophoc::ids::{ClassId, DeviceId, SchoolId};
        fn round_trip<T: Serialize + DeserializeOwned>(echo: &Echo<T>, form: &T) {
            let pairs = echo.pairs(form);
            assert!(!pairs.is_empty(), "{}", std::any::type_name::<T>());
            assert!(pairs.iter().all(|(k, _)| echo.is_key(k)));
            let get = |k: &str| pairs.iter().find(|(p, _)| p == k).map(|(_, v)| v.clone());
            let back = echo
                .read_with(get)
                .unwrap_or_else(|| panic!("{}", std::any::type_name::<T>()));
            assert_eq!(echo.pairs(&back), pairs, "{}", std::any::type_name::<T>());
        }
        let s = |v: &str| v.to_owned();
        round_trip(
            &users::back::NEW_TEACHER,
            &users::CreateTeacher {
                full_name: s("Lê Văn An"),
                username: s("an"),
                password: s("secret"),
            },
        );
        round_trip(
            &users::back::NEW_ACCOUNT,
            &users::CreateAccount {
                full_name: s("Lê Văn An"),
                username: s("an"),
                role: s("school_admin"),
                school_code: Some(s("THCS01")),
                password: s("secret"),
            },
        );
        round_trip(
            &devices::back::NEW,
            &devices::CreateDevice {
                school: Some(SchoolId(3)),
                name: s("Máy chiếu"),
                kind: s("projector"),
                serial: s(""),
                room: s("P.201"),
                quantity: s("1"),
            },
        );
        round_trip(
            &devices::back::EDIT,
            &devices::UpdateDevice {
                id: DeviceId(9),
                name: s("Máy chiếu"),
                kind: s("projector"),
                serial: s("SN&1"),
                room: s(""),
                quantity: s("x"),
                status: s("in_service"),
                note: s("hỏng bóng"),
            },
        );
        round_trip(
            &periods::back::GRID,
            &periods::GridDraft {
                draft: s("morning,07:00,07:45,"),
                release: s("10"),
            },
        );
        round_trip(
            &periods::back::HOLIDAY,
            &periods::AddHoliday {
                school: None,
                starts: s("01/01/2027"),
                ends: s(""),
                name: s("Tết Dương lịch"),
            },
        );
        round_trip(
            &classes::back::CLASS,
            &classes::CreateClass {
                name: s("6A"),
                grade: s("sáu"),
                school_year: s("2026-2027"),
                homeroom: None,
            },
        );
        round_trip(
            &classes::back::YEAR,
            &classes::SetSchoolYear {
                name: s("2026-2027"),
                starts: s("05/09/2026"),
                term2_starts: s(""),
                ends: s("31/05/2027"),
            },
        );
        round_trip(
            &classes::back::STUDENT,
            &classes::AddStudent {
                class: ClassId(4),
                code: s("HS1"),
                full_name: s("Trần Thị Bình"),
                gender: Some(s("Nữ")),
                birth_date: None,
            },
        );
        round_trip(
            &classes::back::TIMETABLE,
            &classes::TimetableDraft {
                cells: s("1-1:Toán:7"),
                from: s(""),
            },
        );
        let material = lophoc::materials::MaterialForm {
            title: s("Phân số"),
            subject: s("toan"),
            grade: s("6"),
            scope: s("school"),
            ..Default::default()
        };
        round_trip(&materials::back::NEW, &material);
        round_trip(&materials::back::EDIT, &material);
        round_trip(
            &materials::back::QUOTA,
            &materials::QuotaTyped { quota_mb: s("1,5") },
        );
        round_trip(
            &pilot::back::CRITERIA,
            &pilot::CriteriaDraft {
                window: s("30"),
                draft: s("devices_in_service,2,1"),
            },
        );
        round_trip(
            &pilot::back::TARGETS,
            &pilot::TargetsDraft {
                draft: s("20,31/12/2026,0"),
            },
        );
        round_trip(
            &pilot::back::ENROL,
            &pilot::EnrolPilotSchool {
                school: SchoolId(5),
                since: s("01/09/2026"),
                name: s("THCS Đông Tiến"),
            },
        );
    }
}
