ALTER TABLE `identity_providers` ADD `require_approval` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `users` ADD `pending_approval` integer DEFAULT false NOT NULL;