-- The token that made an access token for its own user (lib/tokens/personal-tokens.ts): deleting it deletes
-- what it made, so a leaked token can't leave behind a copy that outlives its deletion. (drizzle-kit leaves
-- ON DELETE out of an added column's REFERENCES on SQLite: written here.)
ALTER TABLE `access_tokens` ADD `made_by_token_id` text REFERENCES access_tokens(id) ON DELETE cascade;--> statement-breakpoint
CREATE INDEX `access_tokens_made_by_token_id_idx` ON `access_tokens` (`made_by_token_id`);
