CREATE TABLE `oidc_models` (
	`name` text NOT NULL,
	`id` text NOT NULL,
	`account_id` text NOT NULL,
	`payload_ciphertext` text NOT NULL,
	`grant_id` text,
	`user_code` text,
	`uid` text,
	`user_id` text,
	`client_id` text,
	`expires_at` integer,
	`consumed_at` integer,
	PRIMARY KEY(`name`, `id`),
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `oidc_models_grant_idx` ON `oidc_models` (`grant_id`);--> statement-breakpoint
CREATE INDEX `oidc_models_user_code_idx` ON `oidc_models` (`user_code`);--> statement-breakpoint
CREATE INDEX `oidc_models_uid_idx` ON `oidc_models` (`uid`);--> statement-breakpoint
CREATE INDEX `oidc_models_user_idx` ON `oidc_models` (`account_id`,`user_id`);--> statement-breakpoint
CREATE INDEX `oidc_models_expires_idx` ON `oidc_models` (`expires_at`);--> statement-breakpoint
CREATE TABLE `oidc_signing_keys` (
	`kid` text PRIMARY KEY NOT NULL,
	`alg` text NOT NULL,
	`private_jwk_ciphertext` text NOT NULL,
	`created_at` integer NOT NULL,
	`retires_at` integer NOT NULL,
	`expires_at` integer NOT NULL
);
