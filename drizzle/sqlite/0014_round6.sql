CREATE TABLE `user_counts` (
	`account_id` text NOT NULL,
	`is_service_user` integer NOT NULL,
	`count` integer NOT NULL,
	PRIMARY KEY(`account_id`, `is_service_user`),
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
ALTER TABLE `applications` ADD `id_token_signed_response_alg` text DEFAULT 'RS256' NOT NULL;--> statement-breakpoint
ALTER TABLE `users` ADD `locale` text;