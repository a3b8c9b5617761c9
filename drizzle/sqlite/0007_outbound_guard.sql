ALTER TABLE `identity_providers` ADD `allow_internal_addresses` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `ldap_sources` ADD `allow_unencrypted` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `ldap_sources` ADD `allow_internal_addresses` integer DEFAULT false NOT NULL;