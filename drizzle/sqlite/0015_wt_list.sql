DROP INDEX `users_account_role_idx`;--> statement-breakpoint
DROP INDEX `users_account_service_role_idx`;--> statement-breakpoint
CREATE INDEX `users_account_role_created_idx` ON `users` (`account_id`,`role`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `users_account_service_role_created_idx` ON `users` (`account_id`,`is_service_user`,`role`,`created_at`,`id`);