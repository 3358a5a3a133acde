-- A pilot run remembers what the data looked like when it was made (its fingerprint: cheap
-- indexed aggregates of every table a criterion or the denominator reads), so a write by any
-- process, or by hand, makes the run stale at the next read (lophoc::services::pilot::runs).
-- `fingerprint` covers the registry (schools, enrolments, users, classes, years, timetables,
-- holidays), `activity` the use (devices, notes, bookings, materials attached, roll calls).
-- Runs made before keep '' and are made again when next read.
-- Same in ../sqlite and ../postgres.
ALTER TABLE pilot_runs ADD COLUMN fingerprint TEXT NOT NULL DEFAULT '';
ALTER TABLE pilot_runs ADD COLUMN activity TEXT NOT NULL DEFAULT '';
-- MAX(updated_at) read by index, not by scanning the table.
CREATE INDEX schools_updated ON schools(updated_at);
CREATE INDEX users_updated ON users(updated_at);
CREATE INDEX devices_updated ON devices(updated_at);
CREATE INDEX bookings_updated ON bookings(updated_at);
CREATE INDEX roll_calls_updated ON roll_calls(updated_at);
