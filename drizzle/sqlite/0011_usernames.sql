ALTER TABLE `sign_in_settings` ADD `users_may_change_username` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `users` ADD `username_ciphertext` text;--> statement-breakpoint
ALTER TABLE `users` ADD `username_index` text;--> statement-breakpoint
CREATE UNIQUE INDEX `users_account_username_unique` ON `users` (`account_id`,`username_index`);