-- The activity log is append-only from the application, as on SQLite
-- (drizzle/sqlite/0005_activity_append_only.sql): every new event is sealed
-- into the hash chain…
CREATE FUNCTION "activity_events_sealed_insert"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW."seq" IS NULL OR NEW."hash" IS NULL OR NEW."prev_hash" IS NULL THEN
    RAISE EXCEPTION 'activity events must be recorded through the hash chain';
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "activity_events_sealed_insert" BEFORE INSERT ON "activity_events"
FOR EACH ROW EXECUTE FUNCTION "activity_events_sealed_insert"();
--> statement-breakpoint
-- …a sealed event never changes (only an unsealed legacy row is sealed, once)…
CREATE FUNCTION "activity_events_no_update"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD."hash" IS NOT NULL THEN
    RAISE EXCEPTION 'activity events are append-only';
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "activity_events_no_update" BEFORE UPDATE ON "activity_events"
FOR EACH ROW EXECUTE FUNCTION "activity_events_no_update"();
--> statement-breakpoint
-- …and only retention deletes, and only below the anchor it moved first.
CREATE FUNCTION "activity_events_no_delete"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD."seq" IS NULL
    OR OLD."seq" >= coalesce((SELECT "first_seq" FROM "activity_anchors" WHERE "account_id" = OLD."account_id"), 1) THEN
    RAISE EXCEPTION 'activity events are append-only; retention removes only the oldest';
  END IF;
  RETURN OLD;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "activity_events_no_delete" BEFORE DELETE ON "activity_events"
FOR EACH ROW EXECUTE FUNCTION "activity_events_no_delete"();
--> statement-breakpoint
-- SQLite has no TRUNCATE; here it would skip the row triggers, so it is refused outright.
CREATE FUNCTION "activity_events_no_truncate"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'activity events are append-only; retention removes only the oldest';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "activity_events_no_truncate" BEFORE TRUNCATE ON "activity_events"
FOR EACH STATEMENT EXECUTE FUNCTION "activity_events_no_truncate"();
