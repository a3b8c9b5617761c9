CREATE TABLE `identity_providers` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`type` text NOT NULL,
	`name` text NOT NULL,
	`issuer` text NOT NULL,
	`client_id` text NOT NULL,
	`client_secret_ciphertext` text NOT NULL,
	`scopes` text NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`signup_policy` text DEFAULT 'open' NOT NULL,
	`allowed_domains` text DEFAULT '[]' NOT NULL,
	`default_role` text DEFAULT 'user' NOT NULL,
	`default_groups` text DEFAULT '[]' NOT NULL,
	`allow_linking` integer DEFAULT false NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `identity_providers_account_name_unique` ON `identity_providers` (`account_id`,`name`);--> statement-breakpoint
CREATE TABLE `ldap_sources` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`name` text NOT NULL,
	`enabled` integer DEFAULT false NOT NULL,
	`url` text NOT NULL,
	`start_tls` integer DEFAULT false NOT NULL,
	`bind_dn` text NOT NULL,
	`bind_password_ciphertext` text,
	`search_base` text NOT NULL,
	`user_filter` text NOT NULL,
	`username_attribute` text NOT NULL,
	`email_attribute` text NOT NULL,
	`name_attribute` text NOT NULL,
	`group_search_base` text,
	`group_filter` text NOT NULL,
	`group_name_attribute` text NOT NULL,
	`group_mapping` text DEFAULT '[]' NOT NULL,
	`auto_create` integer DEFAULT true NOT NULL,
	`default_role` text DEFAULT 'user' NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `ldap_sources_account_unique` ON `ldap_sources` (`account_id`);--> statement-breakpoint
CREATE TABLE `sign_in_settings` (
	`account_id` text PRIMARY KEY NOT NULL,
	`local_login_enabled` integer DEFAULT true NOT NULL,
	`header_enabled` integer DEFAULT false NOT NULL,
	`header_trusted_ranges` text DEFAULT '[]' NOT NULL,
	`header_user` text DEFAULT 'Remote-User' NOT NULL,
	`header_email` text,
	`header_name` text,
	`header_auto_create` integer DEFAULT false NOT NULL,
	`header_default_role` text DEFAULT 'user' NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
ALTER TABLE `users` ADD `idp_subject` text;--> statement-breakpoint
CREATE UNIQUE INDEX `users_account_idp_subject_unique` ON `users` (`account_id`,`idp_id`,`idp_subject`);