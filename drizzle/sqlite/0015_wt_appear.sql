CREATE TABLE `instance_appearance` (
	`account_id` text PRIMARY KEY NOT NULL,
	`name` text,
	`logo_type` text,
	`logo_data` text,
	`logo_digest` text,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade
);
