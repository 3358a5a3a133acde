-- Foundation: areas, schools, users, sessions, audit. PostgreSQL flavour; keep in step with
-- ../sqlite/ (same tables, columns, constraints and indexes).
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE areas (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    former_district TEXT,
    search_key TEXT NOT NULL
);

CREATE TABLE schools (
    id BIGSERIAL PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    level TEXT NOT NULL CHECK (level IN ('mam_non', 'tieu_hoc', 'thcs', 'thpt', 'lien_cap')),
    area_id BIGINT NOT NULL REFERENCES areas(id),
    former_district TEXT,
    students BIGINT NOT NULL DEFAULT 0 CHECK (students >= 0),
    opened_on TEXT,
    closed_on TEXT,
    merged_into BIGINT REFERENCES schools(id),
    search_key TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX schools_area ON schools(area_id);
CREATE INDEX schools_level ON schools(level);

CREATE TABLE pilot_enrollments (
    school_id BIGINT PRIMARY KEY REFERENCES schools(id),
    since TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE users (
    id BIGSERIAL PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    full_name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('teacher', 'school_admin', 'department', 'sysadmin')),
    school_id BIGINT REFERENCES schools(id),
    password_hash TEXT NOT NULL,
    active BIGINT NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    search_key TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CHECK ((role IN ('teacher', 'school_admin')) = (school_id IS NOT NULL))
);
CREATE INDEX users_school ON users(school_id);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE audit_log (
    id BIGSERIAL PRIMARY KEY,
    at BIGINT NOT NULL,
    actor_id BIGINT,
    actor_name TEXT,
    school_id BIGINT,
    action TEXT NOT NULL,
    object TEXT NOT NULL,
    old_value TEXT,
    new_value TEXT,
    ip TEXT
);
CREATE INDEX audit_log_school_at ON audit_log(school_id, at);
CREATE INDEX audit_log_at ON audit_log(at);
