-- review 31: the person or invite a queued mail is for; it goes with them (drizzle-kit left out ON DELETE cascade here).
ALTER TABLE `outbox` ADD `user_id` text REFERENCES users(id) ON DELETE cascade;--> statement-breakpoint
ALTER TABLE `outbox` ADD `invite_id` text REFERENCES invites(id) ON DELETE cascade;--> statement-breakpoint
CREATE INDEX `outbox_user_idx` ON `outbox` (`user_id`);--> statement-breakpoint
CREATE INDEX `outbox_invite_idx` ON `outbox` (`invite_id`);