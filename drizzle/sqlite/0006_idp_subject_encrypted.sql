DROP INDEX `users_account_idp_subject_unique`;--> statement-breakpoint
ALTER TABLE `users` ADD `idp_subject_ciphertext` text;--> statement-breakpoint
ALTER TABLE `users` ADD `idp_subject_index` text;--> statement-breakpoint
CREATE UNIQUE INDEX `users_account_idp_subject_index_unique` ON `users` (`account_id`,`idp_id`,`idp_subject_index`);