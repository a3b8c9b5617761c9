CREATE TABLE `instance_appearance` (
	`account_id` text PRIMARY KEY NOT NULL,
	`name` text,
	`logo_type` text,
	`logo_data` text,
	`logo_digest` text,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
DROP INDEX `users_account_role_idx`;--> statement-breakpoint
DROP INDEX `users_account_service_role_idx`;--> statement-breakpoint
CREATE INDEX `users_account_role_created_idx` ON `users` (`account_id`,`role`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `users_account_service_role_created_idx` ON `users` (`account_id`,`is_service_user`,`role`,`created_at`,`id`);