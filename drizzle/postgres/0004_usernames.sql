ALTER TABLE "sign_in_settings" ADD COLUMN "users_may_change_username" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "username_ciphertext" text;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "username_index" text;--> statement-breakpoint
CREATE UNIQUE INDEX "users_account_username_unique" ON "users" USING btree ("account_id","username_index");