-- A delivery being sent is claimed until a time (unix ms): a process that stops mid-send leaves a claim that runs
-- out, and only then is the delivery sent again — so in cluster mode a node that restarts never resends what a
-- live node is sending. NULL: claimed by a version without claim times (resumed at once, as before).
ALTER TABLE notification_outbox ADD COLUMN claimed_until INTEGER;
