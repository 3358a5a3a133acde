//! Lesson materials (học liệu): files and links teachers share, the rules of who sees them, and
//! the checks an upload passes before a byte is kept (type by content, never by name).

use crate::error::{Error, FieldErrors, Msg};
use crate::ids::{ClassId, MaterialId, SchoolId, UserId};
use crate::model::{Actor, Role};
use crate::subjects::{SUBJECTS, parse_subject};
use crate::text::clean;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Who may see a material.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Its owner only.
    Private,
    /// Everyone of the owner's school.
    School,
    /// Everyone in the province (the shared library).
    Province,
}

impl Scope {
    /// Every scope, narrowest first.
    pub const ALL: [Scope; 3] = [Scope::Private, Scope::School, Scope::Province];

    /// The API code.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Private => "private",
            Scope::School => "school",
            Scope::Province => "province",
        }
    }

    /// Parses an API code.
    pub fn parse(s: &str) -> Option<Scope> {
        Scope::ALL.into_iter().find(|k| k.as_str() == s.trim())
    }

    /// The translation key of its name.
    pub fn label_key(self) -> &'static str {
        match self {
            Scope::Private => "materials.scope.private",
            Scope::School => "materials.scope.school",
            Scope::Province => "materials.scope.province",
        }
    }
}

/// A file or a link.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// An uploaded file, stored by its content hash.
    File,
    /// A saved address (a YouTube lesson, a website).
    Link,
}

impl Kind {
    /// The API code.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::File => "file",
            Kind::Link => "link",
        }
    }

    /// Parses an API code.
    pub fn parse(s: &str) -> Option<Kind> {
        match s {
            "file" => Some(Kind::File),
            "link" => Some(Kind::Link),
            _ => None,
        }
    }
}

/// The kinds of file the library takes, recognised by their first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FileType {
    /// PDF.
    Pdf,
    /// PNG image.
    Png,
    /// JPEG image.
    Jpeg,
    /// GIF image.
    Gif,
    /// WebP image.
    Webp,
    /// MP3 audio.
    Mp3,
    /// WAV audio.
    Wav,
    /// Ogg audio.
    Ogg,
    /// MP4 video (also M4A audio and MOV, which share the container).
    Mp4,
    /// WebM video.
    Webm,
    /// Word (.docx).
    Docx,
    /// PowerPoint (.pptx).
    Pptx,
    /// Excel (.xlsx).
    Xlsx,
    /// Word 97–2003 (.doc).
    Doc,
    /// PowerPoint 97–2003 (.ppt).
    Ppt,
    /// Excel 97–2003 (.xls).
    Xls,
}

/// How many first bytes [`sniff`] needs.
pub const SNIFF_BYTES: usize = 64;

impl FileType {
    /// The content type it is served with (chosen from the content, never from the client).
    pub fn content_type(self) -> &'static str {
        match self {
            FileType::Pdf => "application/pdf",
            FileType::Png => "image/png",
            FileType::Jpeg => "image/jpeg",
            FileType::Gif => "image/gif",
            FileType::Webp => "image/webp",
            FileType::Mp3 => "audio/mpeg",
            FileType::Wav => "audio/wav",
            FileType::Ogg => "audio/ogg",
            FileType::Mp4 => "video/mp4",
            FileType::Webm => "video/webm",
            FileType::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            FileType::Pptx => {
                "application/vnd.openxmlformats-officedocument.presentationml.presentation"
            }
            FileType::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            FileType::Doc => "application/msword",
            FileType::Ppt => "application/vnd.ms-powerpoint",
            FileType::Xls => "application/vnd.ms-excel",
        }
    }

    /// The type a stored content type names.
    pub fn from_content_type(ct: &str) -> Option<FileType> {
        ALL_TYPES.into_iter().find(|t| t.content_type() == ct)
    }
}

const ALL_TYPES: [FileType; 16] = [
    FileType::Pdf,
    FileType::Png,
    FileType::Jpeg,
    FileType::Gif,
    FileType::Webp,
    FileType::Mp3,
    FileType::Wav,
    FileType::Ogg,
    FileType::Mp4,
    FileType::Webm,
    FileType::Docx,
    FileType::Pptx,
    FileType::Xlsx,
    FileType::Doc,
    FileType::Ppt,
    FileType::Xls,
];

/// How a browser shows a stored content type: in the page (preview or player) or only as a
/// download. Only these are ever served `inline`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Preview {
    /// A PDF in a frame.
    Pdf,
    /// An image.
    Image,
    /// An audio player.
    Audio,
    /// A video player.
    Video,
    /// Download only (Office files).
    None,
}

/// How a file of this content type is shown (see [`Preview`]).
pub fn preview_of(content_type: &str) -> Preview {
    if content_type == "application/pdf" {
        Preview::Pdf
    } else if content_type.starts_with("image/") {
        Preview::Image
    } else if content_type.starts_with("audio/") {
        Preview::Audio
    } else if content_type.starts_with("video/") {
        Preview::Video
    } else {
        Preview::None
    }
}

/// The lower-case extension of a file name.
fn extension(name: &str) -> String {
    name.rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default()
}

/// Recognises an accepted file by its first bytes (at least [`SNIFF_BYTES`] when the file has
/// them). The name only tells apart formats that share a container: the Office formats (a
/// zip, or an OLE compound file) by their extension. Anything else — HTML, SVG, scripts,
/// executables, plain zips, text — is `None` (415), whatever it is called.
pub fn sniff(head: &[u8], filename: &str) -> Option<FileType> {
    let ext = extension(filename);
    let at = |offset: usize, magic: &[u8]| head.get(offset..offset + magic.len()) == Some(magic);
    if at(0, b"%PDF-") {
        Some(FileType::Pdf)
    } else if at(0, b"\x89PNG\r\n\x1a\n") {
        Some(FileType::Png)
    } else if at(0, b"\xff\xd8\xff") {
        Some(FileType::Jpeg)
    } else if at(0, b"GIF87a") || at(0, b"GIF89a") {
        Some(FileType::Gif)
    } else if at(0, b"RIFF") && at(8, b"WEBP") {
        Some(FileType::Webp)
    } else if at(0, b"RIFF") && at(8, b"WAVE") {
        Some(FileType::Wav)
    } else if at(0, b"ID3")
        || head.len() >= 2 && head[0] == 0xff && (head[1] & 0xe0) == 0xe0 && head[1] & 0x06 != 0
    {
        Some(FileType::Mp3)
    } else if at(0, b"OggS") {
        Some(FileType::Ogg)
    } else if at(4, b"ftyp") {
        Some(FileType::Mp4)
    } else if at(0, b"\x1a\x45\xdf\xa3") {
        Some(FileType::Webm)
    } else if at(0, b"PK\x03\x04") {
        match ext.as_str() {
            "docx" => Some(FileType::Docx),
            "pptx" => Some(FileType::Pptx),
            "xlsx" => Some(FileType::Xlsx),
            _ => None,
        }
    } else if at(0, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1") {
        match ext.as_str() {
            "doc" => Some(FileType::Doc),
            "ppt" => Some(FileType::Ppt),
            "xls" => Some(FileType::Xls),
            _ => None,
        }
    } else {
        None
    }
}

/// The longest file name kept, in characters.
pub const MAX_FILENAME: usize = 200;

/// Checks an uploaded file's name: a plain name, no folders (`/`, `\`), no `..`, no control
/// characters, not empty, at most [`MAX_FILENAME`] characters. The name is only shown and
/// offered back on download; bytes are stored under their hash, never under a client's path.
pub fn check_filename(name: &str) -> Result<String, Msg> {
    let name = clean(name);
    if name.is_empty() || name == "." || name == ".." {
        return Err(Msg::new("materials.bad_filename"));
    }
    if name.contains(['/', '\\', '\0'])
        || name.contains("..")
        || name.chars().any(char::is_control)
        || name.starts_with('.')
    {
        return Err(Msg::new("materials.bad_filename"));
    }
    if name.chars().count() > MAX_FILENAME {
        return Err(Msg::new("validation.too_long").arg("max", MAX_FILENAME));
    }
    crate::validate::visible(&name)?;
    Ok(name)
}

/// The longest title, topic and address.
pub const MAX_TITLE: usize = 200;
/// The longest topic.
pub const MAX_TOPIC: usize = 120;
/// The longest description.
pub const MAX_DESCRIPTION: usize = 2000;
/// The longest address of a link.
pub const MAX_URL: usize = 2000;

/// A material's fields as a form or the API sends them, unchecked.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaterialForm {
    /// Title.
    pub title: String,
    /// Subject (a code, or its name).
    pub subject: String,
    /// Grade 0–12 as typed.
    pub grade: String,
    /// Topic (chủ đề), optional.
    pub topic: String,
    /// Description, optional.
    pub description: String,
    /// `private | school | province`.
    pub scope: String,
    /// The address of a link material (empty for a file).
    pub url: String,
}

/// A partial change of a material's fields (API `PATCH`): an absent field keeps its value.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaterialPatch {
    /// Title.
    pub title: Option<String>,
    /// Subject (a code, or its name).
    pub subject: Option<String>,
    /// Grade 0–12.
    pub grade: Option<i64>,
    /// Topic.
    pub topic: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// `private | school | province`.
    pub scope: Option<String>,
    /// A link's new address.
    pub url: Option<String>,
}

impl MaterialPatch {
    /// The whole form: each given field over `m`'s value.
    pub fn over(&self, m: &Material) -> MaterialForm {
        MaterialForm {
            title: self.title.clone().unwrap_or_else(|| m.title.clone()),
            subject: self.subject.clone().unwrap_or_else(|| m.subject.clone()),
            grade: self.grade.unwrap_or(m.grade).to_string(),
            topic: self.topic.clone().unwrap_or_else(|| m.topic.clone()),
            description: self
                .description
                .clone()
                .unwrap_or_else(|| m.description.clone()),
            scope: self
                .scope
                .clone()
                .unwrap_or_else(|| m.scope.as_str().to_owned()),
            url: self
                .url
                .clone()
                .or_else(|| m.url.clone())
                .unwrap_or_default(),
        }
    }
}

/// A material's fields, checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaterialInput {
    /// Title, NFC.
    pub title: String,
    /// A subject code.
    pub subject: String,
    /// Grade (khối) 0–12; 0 is preschool.
    pub grade: i64,
    /// Topic.
    pub topic: String,
    /// Description.
    pub description: String,
    /// Who sees it.
    pub scope: Scope,
    /// The address, for a link.
    pub url: Option<String>,
}

fn capped(errs: &mut FieldErrors, field: &str, v: &str, max: usize) -> String {
    let v = clean(v);
    if v.chars().count() > max {
        errs.add(field, Msg::new("validation.too_long").arg("max", max));
    }
    v
}

/// Checks a link's address: `http://` or `https://` with a host, no spaces, at most
/// [`MAX_URL`] characters (a `javascript:` or `data:` address is refused).
pub fn check_url(url: &str) -> Result<String, Msg> {
    let u = url.trim();
    if u.chars().count() > MAX_URL {
        return Err(Msg::new("validation.too_long").arg("max", MAX_URL));
    }
    let lower = u.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"));
    match rest {
        Some(r)
            if !r.is_empty()
                && !r.starts_with('/')
                && !u.chars().any(|c| c.is_whitespace() || c.is_control()) =>
        {
            Ok(u.to_owned())
        }
        _ => Err(Msg::new("materials.bad_url")),
    }
}

impl MaterialForm {
    /// Checks every field at once (422 listing them all). `link` says whether the material is a
    /// link (then `url` is required) or a file (then `url` must be empty).
    pub fn check(&self, link: bool) -> Result<MaterialInput, Error> {
        let mut errs = FieldErrors::new();
        let title = capped(&mut errs, "title", &self.title, MAX_TITLE);
        if title.chars().count() < 2 {
            errs.add("title", Msg::new("materials.title_required"));
        } else if let Err(m) = crate::validate::visible(&title) {
            errs.add("title", m);
        }
        let subject = parse_subject(&self.subject);
        if subject.is_none() {
            errs.add("subject", Msg::new("validation.subject"));
        }
        let grade = self
            .grade
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|g| (0..=12).contains(g));
        if grade.is_none() {
            errs.add("grade", Msg::new("validation.grade"));
        }
        let topic = capped(&mut errs, "topic", &self.topic, MAX_TOPIC);
        let description = capped(&mut errs, "description", &self.description, MAX_DESCRIPTION);
        let scope = Scope::parse(&self.scope);
        if scope.is_none() {
            errs.add("scope", Msg::new("materials.bad_scope"));
        }
        let url = if link {
            errs.check("url", check_url(&self.url))
        } else {
            None
        };
        errs.finish()?;
        Ok(MaterialInput {
            title,
            subject: subject.unwrap_or(SUBJECTS[0]).to_owned(),
            grade: grade.unwrap_or(0),
            topic,
            description,
            scope: scope.unwrap_or(Scope::Private),
            url,
        })
    }
}

/// A library search as typed, understood: a grade it names (`lớp 7`, `khối 7`, `lop7`), the
/// subjects it names by name or code (`ngữ văn`, `toan`, `khtn`), and its other words. Each
/// named subject or grade is matched as itself *or* as the words typed, so understanding a
/// query never loses a material its words alone would find.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchTerms {
    /// The grade named, with the words that named it (folded).
    pub grade: Option<(i64, Vec<String>)>,
    /// The subjects named (codes), each with the words that named it (folded).
    pub subjects: Vec<(&'static str, Vec<String>)>,
    /// The other words (folded), each to be found in the material's words.
    pub words: Vec<String>,
}

/// The words that name a grade before its number.
const GRADE_WORDS: [&str; 3] = ["lop", "khoi", "grade"];

/// A grade 0–12 as typed.
fn grade_number(s: &str) -> Option<i64> {
    s.parse::<i64>().ok().filter(|g| (0..=12).contains(g))
}

/// Understands a search's folded words (see [`SearchTerms`]). A subject is its longest phrase
/// of up to five words that [`parse_subject`] knows; a single word needs four letters or more
/// (`toan`, `khtn`), so that `ly` or `su` inside a title stay plain words.
pub fn understand_query(words: &[String]) -> SearchTerms {
    let mut out = SearchTerms::default();
    let mut i = 0;
    while i < words.len() {
        let w = words[i].as_str();
        if out.grade.is_none() {
            if GRADE_WORDS.contains(&w)
                && let Some(g) = words.get(i + 1).and_then(|n| grade_number(n))
            {
                out.grade = Some((g, words[i..i + 2].to_vec()));
                i += 2;
                continue;
            }
            if let Some(g) = GRADE_WORDS
                .iter()
                .find_map(|p| w.strip_prefix(p))
                .and_then(grade_number)
            {
                out.grade = Some((g, vec![w.to_owned()]));
                i += 1;
                continue;
            }
        }
        let longest = (1..=5.min(words.len() - i)).rev().find_map(|n| {
            let phrase = words[i..i + n].join(" ");
            if n == 1 && phrase.chars().count() < 4 {
                return None;
            }
            parse_subject(&phrase).map(|code| (code, n))
        });
        match longest {
            Some((code, n)) => {
                out.subjects.push((code, words[i..i + n].to_vec()));
                i += n;
            }
            None => {
                out.words.push(w.to_owned());
                i += 1;
            }
        }
    }
    out
}

/// A material (API.md `{id, title, subject, grade, scope, kind, url, filename, size, sha256,
/// content_type, owner_id, school_id, created_at}`), with what the library page shows too.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Material {
    /// Opaque id.
    pub id: MaterialId,
    /// Title.
    pub title: String,
    /// Subject code.
    pub subject: String,
    /// Grade 0–12.
    pub grade: i64,
    /// Topic.
    pub topic: String,
    /// Description.
    pub description: String,
    /// Who sees it.
    pub scope: Scope,
    /// File or link.
    pub kind: Kind,
    /// The address of a link.
    pub url: Option<String>,
    /// The file's name as uploaded (current version).
    pub filename: Option<String>,
    /// Bytes.
    pub size: Option<i64>,
    /// SHA-256 of the content, hex.
    pub sha256: Option<String>,
    /// The content type, from the content.
    pub content_type: Option<String>,
    /// The current version (1 for the first upload; a replaced file counts up).
    pub version: i64,
    /// Who uploaded it.
    pub owner_id: UserId,
    /// Their name.
    pub owner_name: String,
    /// Their school (none for department staff).
    pub school_id: Option<SchoolId>,
    /// How often it was opened (downloads, previews, links followed).
    pub opens: i64,
    /// When (RFC 3339).
    pub created_at: String,
    /// Last change (RFC 3339).
    pub updated_at: String,
}

impl Material {
    /// How the file is shown in the page.
    pub fn preview(&self) -> Preview {
        self.content_type
            .as_deref()
            .map(preview_of)
            .unwrap_or(Preview::None)
    }

    /// The page of the material.
    pub fn href(&self) -> String {
        format!("/materials/{}", self.id)
    }

    /// The address of its bytes (API.md `GET /api/v1/materials/{id}/file`).
    pub fn file_href(&self) -> String {
        format!("/api/v1/materials/{}/file", self.id)
    }
}

/// Whether `actor` may see a material of this owner, school and scope: its owner; for
/// `school`, everyone of that school; for `province`, everyone signed in. Sysadmins see all
/// but private ones. Anyone else gets a 404, as if it did not exist.
pub fn may_see(actor: &Actor, owner: UserId, school: Option<SchoolId>, scope: Scope) -> bool {
    owner == actor.user_id
        || match scope {
            Scope::Private => false,
            Scope::School => {
                actor.role == Role::Sysadmin || (school.is_some() && actor.school_id == school)
            }
            Scope::Province => true,
        }
}

/// Whether `actor` may change or delete it: its owner, the administrators of its school,
/// sysadmins.
pub fn may_change(actor: &Actor, owner: UserId, school: Option<SchoolId>) -> bool {
    owner == actor.user_id
        || actor.role == Role::Sysadmin
        || (actor.role == Role::SchoolAdmin && school.is_some() && actor.school_id == school)
}

/// The library's filters (API.md `?q=&subject=&grade=&scope=`), plus `mine`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaterialFilter {
    /// Words; every one must occur in the title, topic, description or file name (case and
    /// diacritics ignored).
    pub q: Option<String>,
    /// A subject code.
    pub subject: Option<String>,
    /// A grade.
    pub grade: Option<i64>,
    /// A scope.
    pub scope: Option<Scope>,
    /// Only the caller's own.
    pub mine: bool,
    /// Skip this many (paging).
    pub offset: i64,
    /// At most this many (default [`PAGE_SIZE`], at most [`MAX_PAGE`]).
    pub limit: Option<i64>,
}

/// Materials per library page.
pub const PAGE_SIZE: i64 = 20;
/// The largest page a client may ask for.
pub const MAX_PAGE: i64 = 200;

/// A previous version of a material's file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaterialVersion {
    /// Its number.
    pub version: i64,
    /// The file's name.
    pub filename: String,
    /// Bytes.
    pub size: i64,
    /// SHA-256, hex.
    pub sha256: String,
    /// Content type.
    pub content_type: String,
    /// When it was uploaded (RFC 3339).
    pub created_at: String,
}

/// A lesson a material is attached to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Use {
    /// The class.
    pub class_id: ClassId,
    /// Its name.
    pub class_name: String,
    /// The day.
    pub date: NaiveDate,
    /// The period.
    pub period: i64,
    /// Who attached it.
    pub attached_by: String,
}

/// A material's page: the material, its versions, where it was used, what the caller may do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaterialView {
    /// The material.
    pub material: Material,
    /// Earlier versions of the file, newest first.
    pub versions: Vec<MaterialVersion>,
    /// Lessons it is attached to (those the caller may see), newest first.
    pub uses: Vec<Use>,
    /// How many lessons in all.
    pub use_count: i64,
    /// Whether the caller may edit, replace and delete it.
    pub may_change: bool,
    /// The caller's lessons of today (those not over) and the coming week it may be attached
    /// to, in time order.
    pub lessons: Vec<crate::lessons::Lesson>,
    /// The one of `lessons` to offer first (its index): the caller's next lesson of the
    /// material's subject, of its grade when there is one; none when no lesson is of its subject.
    #[serde(default)]
    pub suggested: Option<usize>,
    /// The caller's lessons of today that are over (still attachable, offered last).
    #[serde(default)]
    pub lessons_over: Vec<crate::lessons::Lesson>,
}

/// A material attached to a lesson.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    /// The material.
    pub material: Material,
    /// Who attached it.
    pub attached_by: UserId,
    /// When (RFC 3339).
    pub attached_at: String,
}

/// One teacher's share of a school's storage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StorageLine {
    /// The teacher.
    pub user_id: UserId,
    /// Their name.
    pub full_name: String,
    /// How many materials.
    pub materials: i64,
    /// Bytes of every version of their files.
    pub bytes: i64,
}

/// A school's storage use, by teacher, against its quota.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StorageUse {
    /// The school.
    pub school_id: SchoolId,
    /// Bytes in all.
    pub total_bytes: i64,
    /// The quota in bytes, if one is set.
    pub quota_bytes: Option<i64>,
    /// By teacher, most first.
    pub by_teacher: Vec<StorageLine>,
    /// Whether the caller may set the quota.
    pub may_set_quota: bool,
}

impl StorageUse {
    /// The share of the quota used, in percent (one decimal), when a quota is set.
    pub fn percent(&self) -> Option<f64> {
        self.quota_bytes
            .filter(|q| *q > 0)
            .map(|q| crate::model::percent(self.total_bytes, q))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(q: &str) -> Vec<String> {
        crate::text::query_words(q).unwrap()
    }

    #[test]
    fn a_search_names_grades_and_subjects() {
        let t = understand_query(&words("Ngữ văn lớp 7"));
        assert_eq!(t.grade, Some((7, words("lop 7"))));
        assert_eq!(t.subjects, vec![("ngu_van", words("ngu van"))]);
        assert!(t.words.is_empty());
        let t = understand_query(&words("khoi 6 toan phan so"));
        assert_eq!(t.grade.map(|g| g.0), Some(6));
        assert_eq!(t.subjects[0].0, "toan");
        assert_eq!(t.words, words("phan so"));
        assert_eq!(understand_query(&words("lop7")).grade.map(|g| g.0), Some(7));
        // Not a grade, not a subject: plain words.
        let t = understand_query(&words("lớp 15 ly do"));
        assert_eq!((t.grade, t.subjects.len()), (None, 0));
        assert_eq!(t.words, words("lop 15 ly do"));
    }

    fn pad(b: &[u8]) -> Vec<u8> {
        let mut v = b.to_vec();
        v.resize(SNIFF_BYTES, 0);
        v
    }

    #[test]
    fn types_are_told_by_content_not_name() {
        assert_eq!(sniff(&pad(b"%PDF-1.7\n"), "bai.pdf"), Some(FileType::Pdf));
        assert_eq!(sniff(&pad(b"%PDF-1.7\n"), "bai.png"), Some(FileType::Pdf));
        assert_eq!(
            sniff(&pad(b"\x89PNG\r\n\x1a\n...."), "a.png"),
            Some(FileType::Png)
        );
        assert_eq!(
            sniff(&pad(b"\xff\xd8\xff\xe0"), "a.jpg"),
            Some(FileType::Jpeg)
        );
        assert_eq!(
            sniff(&pad(b"\0\0\0\x18ftypmp42"), "bai-giang.mp4"),
            Some(FileType::Mp4)
        );
        assert_eq!(sniff(&pad(b"ID3\x04"), "a.mp3"), Some(FileType::Mp3));
        assert_eq!(
            sniff(&pad(b"RIFF\0\0\0\0WAVEfmt "), "a.wav"),
            Some(FileType::Wav)
        );
        assert_eq!(
            sniff(&pad(b"PK\x03\x04"), "Giao an.DOCX"),
            Some(FileType::Docx)
        );
        assert_eq!(sniff(&pad(b"PK\x03\x04"), "de.pptx"), Some(FileType::Pptx));
        // A plain zip, or a zip that calls itself a PDF, is refused.
        assert_eq!(sniff(&pad(b"PK\x03\x04"), "tai-lieu.zip"), None);
        assert_eq!(sniff(&pad(b"PK\x03\x04"), "bai.pdf"), None);
        assert_eq!(
            sniff(&pad(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"), "cu.xls"),
            Some(FileType::Xls)
        );
        // Disguised pages and scripts.
        assert_eq!(
            sniff(&pad(b"<html><script>alert(1)</script>"), "bai.pdf"),
            None
        );
        assert_eq!(
            sniff(
                &pad(b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>"),
                "a.png"
            ),
            None
        );
        assert_eq!(sniff(b"", "a.pdf"), None);
        assert_eq!(sniff(&pad(b"MZ\x90\0"), "setup.docx"), None);
        for t in ALL_TYPES {
            assert_eq!(FileType::from_content_type(t.content_type()), Some(t));
        }
    }

    #[test]
    fn only_media_and_pdf_are_shown_inline() {
        assert_eq!(preview_of("application/pdf"), Preview::Pdf);
        assert_eq!(preview_of("image/png"), Preview::Image);
        assert_eq!(preview_of("video/mp4"), Preview::Video);
        assert_eq!(preview_of("audio/mpeg"), Preview::Audio);
        assert_eq!(preview_of(FileType::Docx.content_type()), Preview::None);
    }

    #[test]
    fn file_names_are_plain_names() {
        assert_eq!(check_filename(" Bài 1.pdf ").unwrap(), "Bài 1.pdf");
        for bad in [
            "",
            "..",
            "../etc/passwd",
            "a/b.pdf",
            "a\\b.pdf",
            "..\\x.pdf",
            ".htaccess",
            "a\u{0}.pdf",
            "a\u{7}.pdf",
        ] {
            assert!(check_filename(bad).is_err(), "{bad:?}");
        }
        assert!(check_filename(&"a".repeat(201)).is_err());
    }

    #[test]
    fn names_and_titles_refuse_bidi_and_zero_width_characters() {
        // `Bài giảng\u{202E}fdp.exe` is shown as `Bài giảngexe.pdf`.
        for bad in [
            "Bài giảng\u{202E}fdp.exe",
            "a\u{200B}.pdf",
            "\u{FEFF}a.pdf",
            "a\u{2067}.pdf",
        ] {
            assert_eq!(
                check_filename(bad).unwrap_err().key,
                "validation.invisible_chars"
            );
            let f = MaterialForm {
                title: bad.into(),
                subject: "toan".into(),
                grade: "6".into(),
                scope: "private".into(),
                url: "https://hoc.vn/".into(),
                ..Default::default()
            };
            let e = f.check(true).unwrap_err();
            let crate::error::Details::Fields(fields) = e.details else {
                panic!("fields")
            };
            assert_eq!(fields.len(), 1, "{fields:?}");
            assert_eq!(fields[0].field, "title");
            assert_eq!(fields[0].msg.key, "validation.invisible_chars");
        }
    }

    #[test]
    fn links_are_web_addresses() {
        assert!(check_url("https://www.youtube.com/watch?v=abc").is_ok());
        assert!(check_url("http://hoc.vn/bai-1").is_ok());
        for bad in [
            "javascript:alert(1)",
            "data:text/html,<script>",
            "ftp://x",
            "https://",
            "https:///x",
            "https://a b",
            "youtube.com",
        ] {
            assert!(check_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn every_field_is_checked_at_once() {
        let f = MaterialForm {
            title: "x".into(),
            subject: "bơi lội".into(),
            grade: "13".into(),
            scope: "everyone".into(),
            url: "javascript:1".into(),
            ..Default::default()
        };
        let e = f.check(true).unwrap_err();
        let crate::error::Details::Fields(fields) = e.details else {
            panic!("fields")
        };
        let names: Vec<&str> = fields.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(names, ["title", "subject", "grade", "scope", "url"]);
        let ok = MaterialForm {
            title: "  Toán lớp 6: Phân số ".into(),
            subject: "Toán".into(),
            grade: "6".into(),
            scope: "province".into(),
            ..Default::default()
        }
        .check(false)
        .unwrap();
        assert_eq!(ok.title, "Toán lớp 6: Phân số");
        assert_eq!(ok.subject, "toan");
        assert_eq!(ok.url, None);
    }

    #[test]
    fn who_sees_what() {
        let me = Actor {
            user_id: UserId(1),
            username: "a".into(),
            role: Role::Teacher,
            school_id: Some(SchoolId(1)),
            area: None,
        };
        let s1 = Some(SchoolId(1));
        let s2 = Some(SchoolId(2));
        assert!(may_see(&me, UserId(1), s1, Scope::Private));
        assert!(!may_see(&me, UserId(2), s1, Scope::Private));
        assert!(may_see(&me, UserId(2), s1, Scope::School));
        assert!(!may_see(&me, UserId(2), s2, Scope::School));
        assert!(may_see(&me, UserId(2), s2, Scope::Province));
        assert!(!may_change(&me, UserId(2), s1));
        let admin = Actor {
            role: Role::SchoolAdmin,
            user_id: UserId(9),
            ..me.clone()
        };
        assert!(may_change(&admin, UserId(2), s1));
        assert!(!may_change(&admin, UserId(2), s2));
    }
}
