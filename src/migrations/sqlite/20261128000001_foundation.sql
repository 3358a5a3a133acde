-- Foundation: areas, schools, users, sessions, audit. SQLite flavour; keep in step with
-- ../postgres/ (same tables, columns, constraints and indexes).
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE areas (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    former_district TEXT,
    search_key TEXT NOT NULL
);

CREATE TABLE schools (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    level TEXT NOT NULL CHECK (level IN ('mam_non', 'tieu_hoc', 'thcs', 'thpt', 'lien_cap')),
    area_id INTEGER NOT NULL REFERENCES areas(id),
    former_district TEXT,
    students INTEGER NOT NULL DEFAULT 0 CHECK (students >= 0),
    opened_on TEXT,
    closed_on TEXT,
    merged_into INTEGER REFERENCES schools(id),
    search_key TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX schools_area ON schools(area_id);
CREATE INDEX schools_level ON schools(level);

CREATE TABLE pilot_enrollments (
    school_id INTEGER PRIMARY KEY REFERENCES schools(id),
    since TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    username TEXT NOT NULL UNIQUE,
    full_name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('teacher', 'school_admin', 'department', 'sysadmin')),
    school_id INTEGER REFERENCES schools(id),
    password_hash TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    search_key TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    CHECK ((role IN ('teacher', 'school_admin')) = (school_id IS NOT NULL))
);
CREATE INDEX users_school ON users(school_id);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at INTEGER NOT NULL,
    actor_id INTEGER,
    actor_name TEXT,
    school_id INTEGER,
    action TEXT NOT NULL,
    object TEXT NOT NULL,
    old_value TEXT,
    new_value TEXT,
    ip TEXT
);
CREATE INDEX audit_log_school_at ON audit_log(school_id, at);
CREATE INDEX audit_log_at ON audit_log(at);
