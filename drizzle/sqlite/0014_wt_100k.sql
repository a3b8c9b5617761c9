CREATE TABLE `user_counts` (
	`account_id` text NOT NULL,
	`is_service_user` integer NOT NULL,
	`count` integer NOT NULL,
	PRIMARY KEY(`account_id`, `is_service_user`),
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade
);
