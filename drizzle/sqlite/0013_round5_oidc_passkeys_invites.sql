CREATE TABLE `application_groups` (
	`application_id` text NOT NULL,
	`group_id` text NOT NULL,
	`account_id` text NOT NULL,
	PRIMARY KEY(`application_id`, `group_id`),
	FOREIGN KEY (`application_id`) REFERENCES `applications`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`group_id`) REFERENCES `groups`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `application_groups_group_idx` ON `application_groups` (`group_id`);--> statement-breakpoint
CREATE TABLE `applications` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`name` text NOT NULL,
	`type` text NOT NULL,
	`client_id` text NOT NULL,
	`client_secret_digest` text,
	`redirect_uris` text DEFAULT '[]' NOT NULL,
	`post_logout_redirect_uris` text DEFAULT '[]' NOT NULL,
	`restricted_to_groups` integer DEFAULT false NOT NULL,
	`access_token_ttl_seconds` integer DEFAULT 600 NOT NULL,
	`refresh_token_ttl_seconds` integer DEFAULT 2592000 NOT NULL,
	`require_consent` integer DEFAULT false NOT NULL,
	`created_by` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `applications_client_id_unique` ON `applications` (`client_id`);--> statement-breakpoint
CREATE INDEX `applications_account_created_idx` ON `applications` (`account_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `mfa_passkeys` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`user_id` text NOT NULL,
	`credential_id` text NOT NULL,
	`public_key_ciphertext` text NOT NULL,
	`counter` integer DEFAULT 0 NOT NULL,
	`transports` text NOT NULL,
	`name_ciphertext` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`last_used_at` integer,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `mfa_passkeys_credential_unique` ON `mfa_passkeys` (`credential_id`);--> statement-breakpoint
CREATE INDEX `mfa_passkeys_user_idx` ON `mfa_passkeys` (`user_id`);--> statement-breakpoint
CREATE TABLE `mfa_webauthn_challenges` (
	`challenge_digest` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`purpose` text NOT NULL,
	`user_id` text,
	`binding_digest` text,
	`expires_at` integer NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `mfa_webauthn_challenges_expires_idx` ON `mfa_webauthn_challenges` (`expires_at`);--> statement-breakpoint
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
--> statement-breakpoint
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