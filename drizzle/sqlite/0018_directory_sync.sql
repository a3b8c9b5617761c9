-- The periodic directory check (lib/idp/ldap/directory-sync.ts): when it blocked a person whose entry is gone
-- (lifted at their next directory sign-in), and the LDAP source's last run and its outcome.
ALTER TABLE `ldap_sources` ADD `last_sync_at` integer;--> statement-breakpoint
ALTER TABLE `ldap_sources` ADD `last_sync_outcome` text;--> statement-breakpoint
ALTER TABLE `users` ADD `directory_suspended_at` integer;
