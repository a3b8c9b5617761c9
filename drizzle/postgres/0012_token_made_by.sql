-- The token that made an access token for its own user (lib/tokens/personal-tokens.ts): deleting it deletes
-- what it made, so a leaked token can't leave behind a copy that outlives its deletion.
ALTER TABLE "access_tokens" ADD COLUMN "made_by_token_id" text;--> statement-breakpoint
ALTER TABLE "access_tokens" ADD CONSTRAINT "access_tokens_made_by_token_id_access_tokens_id_fk" FOREIGN KEY ("made_by_token_id") REFERENCES "public"."access_tokens"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "access_tokens_made_by_token_id_idx" ON "access_tokens" USING btree ("made_by_token_id");
