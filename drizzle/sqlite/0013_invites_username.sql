-- Hand-edited: drizzle-kit copied the two new columns from the old table, which has none.
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_invites` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`email_ciphertext` text,
	`email_index` text,
	`name_ciphertext` text NOT NULL,
	`role` text NOT NULL,
	`auto_groups` text NOT NULL,
	`token_digest` text NOT NULL,
	`expires_at` integer NOT NULL,
	`created_by` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`username_ciphertext` text,
	`username_index` text,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
INSERT INTO `__new_invites`("id", "account_id", "email_ciphertext", "email_index", "name_ciphertext", "role", "auto_groups", "token_digest", "expires_at", "created_by", "created_at") SELECT "id", "account_id", "email_ciphertext", "email_index", "name_ciphertext", "role", "auto_groups", "token_digest", "expires_at", "created_by", "created_at" FROM `invites`;--> statement-breakpoint
DROP TABLE `invites`;--> statement-breakpoint
ALTER TABLE `__new_invites` RENAME TO `invites`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE UNIQUE INDEX `invites_account_email_unique` ON `invites` (`account_id`,`email_index`);--> statement-breakpoint
CREATE UNIQUE INDEX `invites_token_digest_unique` ON `invites` (`token_digest`);--> statement-breakpoint
CREATE UNIQUE INDEX `invites_account_username_unique` ON `invites` (`account_id`,`username_index`);