-- Substitutes (dạy thay): the school admin assigns another teacher of the school to a class's
-- lessons of an absent teacher. One row covers the lessons of `class_id` taught by `teacher_id`
-- (the absent teacher, as the timetable in force that day has it) from `from_date` to `to_date`
-- (inclusive, `YYYY-MM-DD`), in period `period`, or in every period when `period` is NULL.
-- While it holds, `substitute_id` takes those roll calls instead of the absent teacher (who still
-- reads them). Two rows covering the same lesson are refused by the service (in one transaction);
-- a removed row is deleted, its record kept in the audit log.
-- Same in ../sqlite and ../postgres (only the key's type differs).
CREATE TABLE lesson_substitutes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    school_id BIGINT NOT NULL REFERENCES schools(id),
    class_id BIGINT NOT NULL REFERENCES classes(id),
    teacher_id BIGINT NOT NULL REFERENCES users(id),
    from_date TEXT NOT NULL,
    to_date TEXT NOT NULL,
    period BIGINT,
    substitute_id BIGINT NOT NULL REFERENCES users(id),
    reason TEXT,
    assigned_by BIGINT NOT NULL REFERENCES users(id),
    assigned_at BIGINT NOT NULL,
    CHECK (from_date <= to_date),
    CHECK (substitute_id <> teacher_id)
);
CREATE INDEX lesson_substitutes_class ON lesson_substitutes(class_id, from_date);
CREATE INDEX lesson_substitutes_school_to ON lesson_substitutes(school_id, to_date);
CREATE INDEX lesson_substitutes_substitute ON lesson_substitutes(substitute_id, to_date);
