ALTER TABLE "activity_events" ADD COLUMN "ip_ciphertext" text;--> statement-breakpoint
ALTER TABLE "activity_events" ADD COLUMN "user_agent_ciphertext" text;--> statement-breakpoint
ALTER TABLE "activity_events" ADD COLUMN "ip_index" text;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "user_agent_ciphertext" text;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "ip_ciphertext" text;--> statement-breakpoint
CREATE INDEX "activity_account_ip_index_idx" ON "activity_events" USING btree ("account_id","ip_index","seq");--> statement-breakpoint
-- review 17: a session's address and browser are sealed from now on; the ones kept in the clear before are forgotten (the sessions list shows them as unknown until the next sign-in).
UPDATE "sessions" SET "ip" = NULL, "user_agent" = NULL;
