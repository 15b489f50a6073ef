-- A delivery being sent is claimed until a time (unix ms): only an expired claim is sent again (see SQLite's 019).
ALTER TABLE notification_outbox ADD COLUMN claimed_until bigint;
