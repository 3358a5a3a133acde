-- Classes, students, timetables and roll calls. postgres flavour; keep in step with the other
-- (only the id columns differ).

-- A school year (`2026-2027`) and its two terms: học kỳ I from `starts`, học kỳ II from
-- `term2_starts`, the year over after `ends`.
CREATE TABLE school_years (
    id BIGSERIAL PRIMARY KEY,
    school_id BIGINT NOT NULL REFERENCES schools(id),
    name TEXT NOT NULL,
    starts TEXT NOT NULL,
    term2_starts TEXT NOT NULL,
    ends TEXT NOT NULL,
    CHECK (starts < term2_starts AND term2_starts <= ends),
    UNIQUE (school_id, name)
);

CREATE TABLE classes (
    id BIGSERIAL PRIMARY KEY,
    school_id BIGINT NOT NULL REFERENCES schools(id),
    year_id BIGINT NOT NULL REFERENCES school_years(id),
    name TEXT NOT NULL,
    grade BIGINT NOT NULL CHECK (grade BETWEEN 0 AND 12),
    homeroom_teacher_id BIGINT REFERENCES users(id),
    created_at BIGINT NOT NULL,
    UNIQUE (year_id, name)
);
CREATE INDEX classes_school ON classes(school_id, year_id);
CREATE INDEX classes_homeroom ON classes(homeroom_teacher_id);

-- A school's students, by their code in the school's records (SMAS / VnEdu).
CREATE TABLE students (
    id BIGSERIAL PRIMARY KEY,
    school_id BIGINT NOT NULL REFERENCES schools(id),
    code TEXT NOT NULL,
    full_name TEXT NOT NULL,
    gender TEXT CHECK (gender IN ('nam', 'nu')),
    birth_date TEXT,
    search_key TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (school_id, code)
);

-- A student's place in a class from `since` up to the day before `until` (NULL: still there).
-- A move closes one row and opens another, so the history stays.
CREATE TABLE class_members (
    id BIGSERIAL PRIMARY KEY,
    class_id BIGINT NOT NULL REFERENCES classes(id),
    student_id BIGINT NOT NULL REFERENCES students(id),
    since TEXT NOT NULL,
    until TEXT,
    CHECK (until IS NULL OR since < until)
);
CREATE INDEX class_members_class ON class_members(class_id, since);
CREATE UNIQUE INDEX class_members_open ON class_members(student_id, class_id) WHERE until IS NULL;

-- A class's timetable (thời khóa biểu) in versions: each is in force from `starts` until the
-- next version of the class starts.
CREATE TABLE timetable_versions (
    id BIGSERIAL PRIMARY KEY,
    class_id BIGINT NOT NULL REFERENCES classes(id),
    starts TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    created_by BIGINT REFERENCES users(id),
    UNIQUE (class_id, starts)
);

CREATE TABLE timetable_items (
    version_id BIGINT NOT NULL REFERENCES timetable_versions(id),
    weekday BIGINT NOT NULL CHECK (weekday BETWEEN 1 AND 7),
    period BIGINT NOT NULL CHECK (period BETWEEN 1 AND 10),
    subject TEXT NOT NULL,
    teacher_id BIGINT NOT NULL REFERENCES users(id),
    PRIMARY KEY (version_id, weekday, period)
);
CREATE INDEX timetable_items_teacher ON timetable_items(teacher_id, weekday);

-- One roll call per lesson (class × date × period): the unique key makes a replayed or
-- concurrent duplicate PUT land on the same row. Counts kept with it for reports.
CREATE TABLE roll_calls (
    id BIGSERIAL PRIMARY KEY,
    school_id BIGINT NOT NULL REFERENCES schools(id),
    class_id BIGINT NOT NULL REFERENCES classes(id),
    date TEXT NOT NULL,
    period BIGINT NOT NULL,
    teacher_id BIGINT REFERENCES users(id),
    taken_by BIGINT NOT NULL REFERENCES users(id),
    taken_at BIGINT NOT NULL,
    updated_by BIGINT NOT NULL REFERENCES users(id),
    updated_at BIGINT NOT NULL,
    on_time BIGINT NOT NULL CHECK (on_time IN (0, 1)),
    present BIGINT NOT NULL,
    late BIGINT NOT NULL,
    excused BIGINT NOT NULL,
    unexcused BIGINT NOT NULL,
    UNIQUE (class_id, date, period)
);
CREATE INDEX roll_calls_school_date ON roll_calls(school_id, date);

-- The students who were not simply present (or have a note); everyone else was present.
CREATE TABLE roll_call_entries (
    roll_call_id BIGINT NOT NULL REFERENCES roll_calls(id),
    student_id BIGINT NOT NULL REFERENCES students(id),
    status TEXT NOT NULL CHECK (status IN ('present', 'late', 'excused', 'unexcused')),
    note TEXT,
    PRIMARY KEY (roll_call_id, student_id)
);
CREATE INDEX roll_call_entries_student ON roll_call_entries(student_id);
