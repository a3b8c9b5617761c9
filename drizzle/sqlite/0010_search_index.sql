CREATE TABLE `search_entries` (
	`id` integer PRIMARY KEY NOT NULL,
	`scope_id` integer NOT NULL,
	`entity_id` text NOT NULL,
	FOREIGN KEY (`scope_id`) REFERENCES `search_scopes`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `search_entries_entity_unique` ON `search_entries` (`scope_id`,`entity_id`);--> statement-breakpoint
CREATE TABLE `search_scopes` (
	`id` integer PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`scope` text NOT NULL,
	`backfill_cursor` text,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `search_scopes_account_scope_unique` ON `search_scopes` (`account_id`,`scope`);--> statement-breakpoint
CREATE TABLE `search_terms` (
	`scope_id` integer NOT NULL,
	`term` integer NOT NULL,
	`entry_id` integer NOT NULL,
	PRIMARY KEY(`scope_id`, `term`, `entry_id`),
	FOREIGN KEY (`entry_id`) REFERENCES `search_entries`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `search_terms_entry_idx` ON `search_terms` (`entry_id`);--> statement-breakpoint
CREATE INDEX `users_account_created_idx` ON `users` (`account_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `users_account_service_created_idx` ON `users` (`account_id`,`is_service_user`,`created_at`,`id`);