-- Roll calls queued offline (API.md: the PUT's optional `taken_at`): `taken_at` is when the
-- teacher saved it on the device, judged for on-time when plausible; `received_at` is when the
-- server got it (unix seconds). Rows from before keep their one time in both.
-- Same in ../sqlite and ../postgres.
ALTER TABLE roll_calls ADD COLUMN received_at BIGINT;
UPDATE roll_calls SET received_at = taken_at;
