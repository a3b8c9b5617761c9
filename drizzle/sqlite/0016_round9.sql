CREATE TABLE `search_recent_terms` (
	`scope_id` integer NOT NULL,
	`term` integer NOT NULL,
	`entry_id` integer NOT NULL,
	PRIMARY KEY(`scope_id`, `term`, `entry_id`),
	FOREIGN KEY (`entry_id`) REFERENCES `search_entries`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `search_recent_terms_entry_idx` ON `search_recent_terms` (`entry_id`);