-- The periodic directory check (lib/idp/ldap/directory-sync.ts): when it blocked a person whose entry is gone
-- (lifted at their next directory sign-in), and the LDAP source's last run and its outcome.
ALTER TABLE "ldap_sources" ADD COLUMN "last_sync_at" bigint;--> statement-breakpoint
ALTER TABLE "ldap_sources" ADD COLUMN "last_sync_outcome" text;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "directory_suspended_at" bigint;
