-- Events recorded before the hash chain existed get their place in it (seq, in
-- time order per account); lib/audit/chain.ts seals them (prev_hash, hash) at start.
UPDATE `activity_events` SET `seq` = r.n
FROM (
  SELECT rowid AS rid, row_number() OVER (PARTITION BY `account_id` ORDER BY `occurred_at`, rowid) AS n
  FROM `activity_events`
) AS r
WHERE `activity_events`.rowid = r.rid AND `activity_events`.`seq` IS NULL;
--> statement-breakpoint
-- Append-only from the application: every new event is sealed into the chain…
CREATE TRIGGER `activity_events_sealed_insert` BEFORE INSERT ON `activity_events`
WHEN NEW.`seq` IS NULL OR NEW.`hash` IS NULL OR NEW.`prev_hash` IS NULL
BEGIN
  SELECT RAISE(ABORT, 'activity events must be recorded through the hash chain');
END;
--> statement-breakpoint
-- …a sealed event never changes (only an unsealed legacy row is sealed, once)…
CREATE TRIGGER `activity_events_no_update` BEFORE UPDATE ON `activity_events`
WHEN OLD.`hash` IS NOT NULL
BEGIN
  SELECT RAISE(ABORT, 'activity events are append-only');
END;
--> statement-breakpoint
-- …and only retention deletes, and only below the anchor it moved first.
CREATE TRIGGER `activity_events_no_delete` BEFORE DELETE ON `activity_events`
WHEN OLD.`seq` IS NULL
  OR OLD.`seq` >= coalesce((SELECT `first_seq` FROM `activity_anchors` WHERE `account_id` = OLD.`account_id`), 1)
BEGIN
  SELECT RAISE(ABORT, 'activity events are append-only; retention removes only the oldest');
END;
