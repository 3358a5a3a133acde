-- The digital class log (sổ đầu bài số). Same in ../sqlite and ../postgres (only the keys' type
-- differs).
--
-- class_log_entries: one row per lesson (class × date × period) once written: the lesson title,
--   tiết PPCT, remarks, the class's grade (A–D); once signed, who and when (`signed_at`: the
--   device's time for a signature sent later, `received_at`: the server's), minutes late against
--   the period's end + 5 minutes, and the absentees frozen from the roll call (JSON). A signed row
--   is never updated: changes are corrections.
-- class_log_weeks: a class's week closed by the homeroom teacher, then by the principal.
-- class_log_corrections: a new version of an entry with a reason, in force once approved.
-- class_log_records: the hash chain, per class (a class belongs to one school year): each
--   signature, closing, correction and approval, numbered from 1; `content` is the canonical JSON
--   of what it covers; `hash` = SHA-256(prev_hash | seq | kind | content), hex. Verification
--   recomputes each hash and compares the content with the rows above.
CREATE TABLE class_log_entries (
    id BIGSERIAL PRIMARY KEY,
    school_id BIGINT NOT NULL REFERENCES schools(id),
    class_id BIGINT NOT NULL REFERENCES classes(id),
    date TEXT NOT NULL,
    period BIGINT NOT NULL,
    teacher_id BIGINT NOT NULL REFERENCES users(id),
    title TEXT NOT NULL,
    ppct BIGINT,
    remarks TEXT,
    grade TEXT,
    updated_by BIGINT NOT NULL REFERENCES users(id),
    updated_at BIGINT NOT NULL,
    signed_by BIGINT REFERENCES users(id),
    signed_at BIGINT,
    received_at BIGINT,
    late_minutes BIGINT,
    absentees TEXT,
    UNIQUE (class_id, date, period)
);
CREATE INDEX class_log_entries_school_date ON class_log_entries(school_id, date);

CREATE TABLE class_log_weeks (
    id BIGSERIAL PRIMARY KEY,
    school_id BIGINT NOT NULL REFERENCES schools(id),
    class_id BIGINT NOT NULL REFERENCES classes(id),
    monday TEXT NOT NULL,
    homeroom_by BIGINT NOT NULL REFERENCES users(id),
    homeroom_at BIGINT NOT NULL,
    principal_by BIGINT REFERENCES users(id),
    principal_at BIGINT,
    UNIQUE (class_id, monday)
);

CREATE TABLE class_log_corrections (
    id BIGSERIAL PRIMARY KEY,
    school_id BIGINT NOT NULL REFERENCES schools(id),
    class_id BIGINT NOT NULL REFERENCES classes(id),
    date TEXT NOT NULL,
    period BIGINT NOT NULL,
    reason TEXT NOT NULL,
    title TEXT NOT NULL,
    ppct BIGINT,
    remarks TEXT,
    grade TEXT,
    requested_by BIGINT NOT NULL REFERENCES users(id),
    requested_at BIGINT NOT NULL,
    approved_by BIGINT REFERENCES users(id),
    approved_at BIGINT
);
CREATE INDEX class_log_corrections_lesson ON class_log_corrections(class_id, date, period);

CREATE TABLE class_log_records (
    id BIGSERIAL PRIMARY KEY,
    school_id BIGINT NOT NULL REFERENCES schools(id),
    class_id BIGINT NOT NULL REFERENCES classes(id),
    seq BIGINT NOT NULL,
    kind TEXT NOT NULL,
    reference TEXT NOT NULL,
    content TEXT NOT NULL,
    actor_id BIGINT NOT NULL REFERENCES users(id),
    at BIGINT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    UNIQUE (class_id, seq)
);
CREATE INDEX class_log_records_school ON class_log_records(school_id, class_id, seq);
CREATE INDEX class_log_entries_received ON class_log_entries(received_at);

-- The pilot criterion `log_signed_on_time_pct`: the class-log entries of the window signed on
-- time, measured with the other counts of a pilot run.
ALTER TABLE pilot_status ADD COLUMN logs_on_time BIGINT NOT NULL DEFAULT 0;
