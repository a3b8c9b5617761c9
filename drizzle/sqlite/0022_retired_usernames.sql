CREATE TABLE `retired_usernames` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`username_ciphertext` text NOT NULL,
	`username_index` text NOT NULL,
	`former_user_id` text NOT NULL,
	`retired_at` integer NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `retired_usernames_account_username_unique` ON `retired_usernames` (`account_id`,`username_index`);--> statement-breakpoint
CREATE INDEX `retired_usernames_retired_at_idx` ON `retired_usernames` (`retired_at`);