CREATE TABLE `search_backfills` (
	`account_id` text NOT NULL,
	`scope` text NOT NULL,
	`cursor` text DEFAULT '' NOT NULL,
	PRIMARY KEY(`account_id`, `scope`),
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `search_entries` (
	`id` integer PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`scope` text NOT NULL,
	`entity_id` text NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `search_entries_entity_unique` ON `search_entries` (`account_id`,`scope`,`entity_id`);--> statement-breakpoint
CREATE TABLE `search_terms` (
	`term` integer NOT NULL,
	`entry_id` integer NOT NULL,
	PRIMARY KEY(`term`, `entry_id`),
	FOREIGN KEY (`entry_id`) REFERENCES `search_entries`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `search_terms_entry_idx` ON `search_terms` (`entry_id`);