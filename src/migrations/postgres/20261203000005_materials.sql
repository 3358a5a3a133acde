-- Lesson materials: files and links, their file versions, the lessons they are attached to,
-- and a school's storage quota. postgres flavour; keep in step with the other (only the id columns
-- differ).

-- A material. The current file's fields are kept on the row (the library lists them without a
-- join); every version, the current one included, is in material_versions. Files are stored
-- by content (sha256), so two materials may share bytes.
CREATE TABLE materials (
    id BIGSERIAL PRIMARY KEY,
    owner_id BIGINT NOT NULL REFERENCES users(id),
    school_id BIGINT REFERENCES schools(id),
    title TEXT NOT NULL,
    subject TEXT NOT NULL,
    grade BIGINT NOT NULL CHECK (grade BETWEEN 0 AND 12),
    topic TEXT NOT NULL,
    description TEXT NOT NULL,
    scope TEXT NOT NULL CHECK (scope IN ('private', 'school', 'province')),
    kind TEXT NOT NULL CHECK (kind IN ('file', 'link')),
    url TEXT,
    -- The folded words of title, topic, description and file name (text::fold, in Rust), so
    -- both engines find the same rows.
    search_key TEXT NOT NULL,
    version BIGINT NOT NULL,
    filename TEXT,
    size BIGINT,
    sha256 TEXT,
    content_type TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CHECK ((kind = 'file' AND sha256 IS NOT NULL AND url IS NULL)
        OR (kind = 'link' AND sha256 IS NULL AND url IS NOT NULL))
);
CREATE INDEX materials_scope ON materials(scope, updated_at);
CREATE INDEX materials_school ON materials(school_id, scope);
CREATE INDEX materials_owner ON materials(owner_id);

CREATE TABLE material_versions (
    id BIGSERIAL PRIMARY KEY,
    material_id BIGINT NOT NULL REFERENCES materials(id),
    version BIGINT NOT NULL,
    filename TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    content_type TEXT NOT NULL,
    created_by BIGINT NOT NULL REFERENCES users(id),
    created_at BIGINT NOT NULL,
    UNIQUE (material_id, version)
);
CREATE INDEX material_versions_sha ON material_versions(sha256);

-- A material attached to a lesson (class × date × period).
CREATE TABLE lesson_materials (
    id BIGSERIAL PRIMARY KEY,
    class_id BIGINT NOT NULL REFERENCES classes(id),
    date TEXT NOT NULL,
    period BIGINT NOT NULL,
    material_id BIGINT NOT NULL REFERENCES materials(id),
    attached_by BIGINT NOT NULL REFERENCES users(id),
    attached_at BIGINT NOT NULL,
    UNIQUE (class_id, date, period, material_id)
);
CREATE INDEX lesson_materials_material ON lesson_materials(material_id);
CREATE INDEX lesson_materials_teacher ON lesson_materials(attached_by, date);

-- Each opening of a material (a download, the start of a preview, a link followed): a log
-- like the audit log, so reading a material changes no material's row.
CREATE TABLE material_opens (
    id BIGSERIAL PRIMARY KEY,
    material_id BIGINT NOT NULL REFERENCES materials(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    at BIGINT NOT NULL
);
CREATE INDEX material_opens_material ON material_opens(material_id);

-- A school's storage quota for materials (none: no limit but the upload size).
CREATE TABLE storage_quotas (
    school_id BIGINT PRIMARY KEY REFERENCES schools(id),
    quota_bytes BIGINT NOT NULL CHECK (quota_bytes > 0)
);
