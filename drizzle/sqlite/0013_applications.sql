CREATE TABLE `application_groups` (
	`application_id` text NOT NULL,
	`group_id` text NOT NULL,
	`account_id` text NOT NULL,
	PRIMARY KEY(`application_id`, `group_id`),
	FOREIGN KEY (`application_id`) REFERENCES `applications`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`group_id`) REFERENCES `groups`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `application_groups_group_idx` ON `application_groups` (`group_id`);--> statement-breakpoint
CREATE TABLE `applications` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`name` text NOT NULL,
	`type` text NOT NULL,
	`client_id` text NOT NULL,
	`client_secret_digest` text,
	`redirect_uris` text DEFAULT '[]' NOT NULL,
	`post_logout_redirect_uris` text DEFAULT '[]' NOT NULL,
	`restricted_to_groups` integer DEFAULT false NOT NULL,
	`access_token_ttl_seconds` integer DEFAULT 600 NOT NULL,
	`refresh_token_ttl_seconds` integer DEFAULT 2592000 NOT NULL,
	`require_consent` integer DEFAULT false NOT NULL,
	`created_by` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `applications_client_id_unique` ON `applications` (`client_id`);--> statement-breakpoint
CREATE INDEX `applications_account_created_idx` ON `applications` (`account_id`,`created_at`);