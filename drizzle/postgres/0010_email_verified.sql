-- email_verified_at: when a person's address was proven (a link mailed to it) or vouched for by someone
-- who could have set it directly (review 6, finding 10). Everyone who has an address today keeps being
-- vouched for (verified at their creation), so no app sign-in that relies on email_verified changes;
-- only addresses set from now on by an unproven road (an invite by someone who may not create people)
-- start unverified.
ALTER TABLE "users" ADD COLUMN "email_verified_at" bigint;
--> statement-breakpoint
UPDATE "users" SET "email_verified_at" = "created_at" WHERE "email_index" IS NOT NULL;
