CREATE TABLE `invites` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`email_ciphertext` text NOT NULL,
	`email_index` text NOT NULL,
	`name_ciphertext` text NOT NULL,
	`role` text NOT NULL,
	`auto_groups` text NOT NULL,
	`token_digest` text NOT NULL,
	`expires_at` integer NOT NULL,
	`created_by` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `invites_account_email_unique` ON `invites` (`account_id`,`email_index`);--> statement-breakpoint
CREATE UNIQUE INDEX `invites_token_digest_unique` ON `invites` (`token_digest`);--> statement-breakpoint
CREATE TABLE `retired_invite_tokens` (
	`token_digest` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`reason` text NOT NULL,
	`retired_at` integer NOT NULL
);
