-- Pilot adoption: the criteria in force over time, the statuses computed from use, and the
-- department officers scoped to an area. postgres flavour; keep in step with the other (only the
-- id columns differ). The targets are one JSON value in `settings` (key `pilot.targets`).

-- Every version of the criteria the department set, in force from `set_at` until the next one
-- (none yet: the built-in defaults, lophoc::pilot::Criteria::default).
CREATE TABLE pilot_criteria (
    id BIGSERIAL PRIMARY KEY,
    window_days BIGINT NOT NULL CHECK (window_days BETWEEN 7 AND 365),
    -- JSON: [{key, threshold, required}]
    criteria TEXT NOT NULL,
    set_by BIGINT REFERENCES users(id),
    set_by_name TEXT NOT NULL,
    set_at BIGINT NOT NULL
);

-- One computation of every school's status on a date, under the criteria version in force on
-- that date (0: the defaults).
CREATE TABLE pilot_runs (
    as_of TEXT PRIMARY KEY,
    criteria_id BIGINT NOT NULL,
    computed_at BIGINT NOT NULL,
    millis BIGINT NOT NULL
);

-- A school's measured use over the window ending on `as_of`, and its status under the run's
-- criteria. Only schools open on the date (the denominator) have a row.
CREATE TABLE pilot_status (
    as_of TEXT NOT NULL REFERENCES pilot_runs(as_of) ON DELETE CASCADE,
    school_id BIGINT NOT NULL REFERENCES schools(id),
    enrolled BIGINT NOT NULL CHECK (enrolled IN (0, 1)),
    counted BIGINT NOT NULL CHECK (counted IN (0, 1)),
    met BIGINT NOT NULL,
    devices BIGINT NOT NULL,
    device_periods BIGINT NOT NULL,
    teachers BIGINT NOT NULL,
    teachers_with_materials BIGINT NOT NULL,
    lessons BIGINT NOT NULL,
    roll_calls_on_time BIGINT NOT NULL,
    last_activity TEXT,
    PRIMARY KEY (as_of, school_id)
);
CREATE INDEX pilot_status_rank ON pilot_status(as_of, counted, met);

-- A department officer who sees only one area's schools (none: the whole province).
CREATE TABLE officer_areas (
    user_id BIGINT PRIMARY KEY REFERENCES users(id),
    area_id BIGINT NOT NULL REFERENCES areas(id)
);

-- The window scans of the computation: use by date across schools.
CREATE INDEX booking_slots_date ON booking_slots(date);
CREATE INDEX lesson_materials_date ON lesson_materials(date, attached_by);
CREATE INDEX roll_calls_date ON roll_calls(date, school_id, on_time);
