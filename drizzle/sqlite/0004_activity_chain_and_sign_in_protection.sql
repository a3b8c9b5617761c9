CREATE TABLE `activity_anchors` (
	`account_id` text PRIMARY KEY NOT NULL,
	`first_seq` integer NOT NULL,
	`prev_hash` text NOT NULL,
	`pruned_count` integer DEFAULT 0 NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `sign_in_backoffs` (
	`key` text PRIMARY KEY NOT NULL,
	`email_index` text,
	`failures` integer NOT NULL,
	`last_failure_at` integer NOT NULL,
	`last_throttled_at` integer
);
--> statement-breakpoint
CREATE INDEX `sign_in_backoffs_email_idx` ON `sign_in_backoffs` (`email_index`);--> statement-breakpoint
CREATE INDEX `sign_in_backoffs_last_idx` ON `sign_in_backoffs` (`last_failure_at`);--> statement-breakpoint
CREATE TABLE `sign_in_lockouts` (
	`account_id` text NOT NULL,
	`email_index` text NOT NULL,
	`window_started_at` integer NOT NULL,
	`failures` integer NOT NULL,
	`locked_until` integer,
	PRIMARY KEY(`account_id`, `email_index`)
);
--> statement-breakpoint
CREATE INDEX `sign_in_lockouts_locked_idx` ON `sign_in_lockouts` (`account_id`,`locked_until`);--> statement-breakpoint
DROP INDEX `activity_account_time_idx`;--> statement-breakpoint
DROP INDEX `activity_account_action_idx`;--> statement-breakpoint
ALTER TABLE `activity_events` ADD `seq` integer;--> statement-breakpoint
ALTER TABLE `activity_events` ADD `prev_hash` text;--> statement-breakpoint
ALTER TABLE `activity_events` ADD `hash` text;--> statement-breakpoint
CREATE UNIQUE INDEX `activity_account_seq_unique` ON `activity_events` (`account_id`,`seq`);--> statement-breakpoint
CREATE INDEX `activity_account_actor_idx` ON `activity_events` (`account_id`,`actor_id`,`seq`);--> statement-breakpoint
CREATE INDEX `activity_account_target_idx` ON `activity_events` (`account_id`,`target_id`,`seq`);--> statement-breakpoint
CREATE INDEX `activity_account_ip_idx` ON `activity_events` (`account_id`,`ip`,`seq`);--> statement-breakpoint
CREATE INDEX `activity_account_time_idx` ON `activity_events` (`account_id`,`occurred_at`,`seq`);--> statement-breakpoint
CREATE INDEX `activity_account_action_idx` ON `activity_events` (`account_id`,`action`,`seq`);