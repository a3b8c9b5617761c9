CREATE TABLE `mfa_pending_steps` (
	`token_digest` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`user_id` text NOT NULL,
	`method` text NOT NULL,
	`enrol` integer DEFAULT false NOT NULL,
	`verified_at` integer,
	`expires_at` integer NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `mfa_pending_steps_user_idx` ON `mfa_pending_steps` (`user_id`);--> statement-breakpoint
CREATE INDEX `mfa_pending_steps_expires_idx` ON `mfa_pending_steps` (`expires_at`);--> statement-breakpoint
CREATE TABLE `mfa_policies` (
	`account_id` text PRIMARY KEY NOT NULL,
	`require_for` text DEFAULT 'nobody' NOT NULL,
	`group_ids` text NOT NULL,
	`grace_days` integer DEFAULT 0 NOT NULL,
	`enforced_since` integer NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `mfa_recovery_codes` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`user_id` text NOT NULL,
	`code_digest` text NOT NULL,
	`used_at` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `mfa_recovery_codes_user_digest_unique` ON `mfa_recovery_codes` (`user_id`,`code_digest`);--> statement-breakpoint
CREATE TABLE `mfa_totp` (
	`user_id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`secret_ciphertext` text NOT NULL,
	`confirmed_at` integer,
	`last_used_step` integer,
	`last_used_at` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
