-- The history of a roll call as domain data, no longer parsed out of the audit log: one row per
-- student whose state or note a save changed. `revision` numbers the saves of a roll call (rows
-- of one save share it); `old_status`/`old_note` are NULL on the first take (the students left
-- out of a roll call are present without a note). `changed_by_name` is the name the audit log
-- stores for the actor (their username). The audit log stays the audit log: every save still
-- writes its record there.
--
-- Backfilled from the audit log's `roll_call.create` (new value: the entries) and
-- `roll_call.update` records (old value: the entries before; new value: `{entries, changes}`).
-- A record whose JSON does not parse, or whose roll call, student or actor is gone, is left
-- out: it stays readable in the audit log.
--
-- Also an index on audit_log(object, at): the log of one object no longer scans the table.
-- Same in ../sqlite and ../postgres (only the JSON functions differ).
CREATE TABLE roll_call_changes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    roll_call_id BIGINT NOT NULL REFERENCES roll_calls(id),
    revision BIGINT NOT NULL,
    student_id BIGINT NOT NULL REFERENCES students(id),
    changed_by BIGINT NOT NULL REFERENCES users(id),
    changed_by_name TEXT NOT NULL,
    at BIGINT NOT NULL,
    old_status TEXT CHECK (old_status IN ('present', 'late', 'excused', 'unexcused')),
    new_status TEXT NOT NULL CHECK (new_status IN ('present', 'late', 'excused', 'unexcused')),
    old_note TEXT,
    new_note TEXT,
    UNIQUE (roll_call_id, revision, student_id)
);
CREATE INDEX roll_call_changes_roll_call_at ON roll_call_changes(roll_call_id, at);
CREATE INDEX audit_log_object_at ON audit_log(object, at);

-- The saves recorded in the audit log, numbered per roll call in the order they were written.
CREATE TEMP TABLE rc_saves AS
SELECT a.id AS audit_id, a.action, a.at, a.actor_id, COALESCE(a.actor_name, '') AS actor_name,
       a.old_value, a.new_value, r.id AS roll_call_id,
       ROW_NUMBER() OVER (PARTITION BY r.id ORDER BY a.id) AS revision
FROM audit_log a
JOIN roll_calls r ON a.object = 'roll_call:' || CAST(r.id AS TEXT)
WHERE a.action IN ('roll_call.create', 'roll_call.update')
  AND a.actor_id IN (SELECT id FROM users)
  AND json_valid(a.new_value)
  AND (a.action = 'roll_call.create' OR json_valid(a.old_value));

-- Each save's entries before and after (`student_id`, `status`, `note`).
CREATE TEMP TABLE rc_before AS
SELECT s.audit_id, CAST(json_extract(e.value, '$.student_id') AS INTEGER) AS student_id,
       json_extract(e.value, '$.status') AS status, json_extract(e.value, '$.note') AS note
FROM rc_saves s, json_each(s.old_value) e
WHERE s.action = 'roll_call.update';

CREATE TEMP TABLE rc_after AS
SELECT s.audit_id, CAST(json_extract(e.value, '$.student_id') AS INTEGER) AS student_id,
       json_extract(e.value, '$.status') AS status, json_extract(e.value, '$.note') AS note
FROM rc_saves s, json_each(s.new_value) e
WHERE s.action = 'roll_call.create'
UNION ALL
SELECT s.audit_id, CAST(json_extract(e.value, '$.student_id') AS INTEGER),
       json_extract(e.value, '$.status'), json_extract(e.value, '$.note')
FROM rc_saves s, json_each(s.new_value, '$.entries') e
WHERE s.action = 'roll_call.update';

-- First takes: every entry, from nothing.
INSERT INTO roll_call_changes (roll_call_id, revision, student_id, changed_by, changed_by_name, at,
    old_status, new_status, old_note, new_note)
SELECT s.roll_call_id, s.revision, n.student_id, s.actor_id, s.actor_name, s.at,
       NULL, n.status, NULL, n.note
FROM rc_saves s JOIN rc_after n ON n.audit_id = s.audit_id
WHERE s.action = 'roll_call.create'
  AND n.student_id IN (SELECT id FROM students)
  AND n.status IN ('present', 'late', 'excused', 'unexcused');

-- Changes: every student on either side whose status or note differs (absent = present).
INSERT INTO roll_call_changes (roll_call_id, revision, student_id, changed_by, changed_by_name, at,
    old_status, new_status, old_note, new_note)
SELECT s.roll_call_id, s.revision, k.student_id, s.actor_id, s.actor_name, s.at,
       COALESCE(o.status, 'present'), COALESCE(n.status, 'present'), o.note, n.note
FROM rc_saves s
JOIN (SELECT audit_id, student_id FROM rc_before UNION SELECT audit_id, student_id FROM rc_after) k
  ON k.audit_id = s.audit_id
LEFT JOIN rc_before o ON o.audit_id = k.audit_id AND o.student_id = k.student_id
LEFT JOIN rc_after n ON n.audit_id = k.audit_id AND n.student_id = k.student_id
WHERE s.action = 'roll_call.update'
  AND k.student_id IN (SELECT id FROM students)
  AND COALESCE(o.status, 'present') IN ('present', 'late', 'excused', 'unexcused')
  AND COALESCE(n.status, 'present') IN ('present', 'late', 'excused', 'unexcused')
  AND (COALESCE(o.status, 'present') <> COALESCE(n.status, 'present') OR o.note IS NOT n.note);

DROP TABLE rc_saves;
DROP TABLE rc_before;
DROP TABLE rc_after;
