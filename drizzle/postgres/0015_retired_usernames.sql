CREATE TABLE "retired_usernames" (
	"id" text PRIMARY KEY NOT NULL,
	"account_id" text NOT NULL,
	"username_ciphertext" text NOT NULL,
	"username_index" text NOT NULL,
	"former_user_id" text NOT NULL,
	"retired_at" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "retired_usernames" ADD CONSTRAINT "retired_usernames_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "retired_usernames_account_username_unique" ON "retired_usernames" USING btree ("account_id","username_index");--> statement-breakpoint
CREATE INDEX "retired_usernames_retired_at_idx" ON "retired_usernames" USING btree ("retired_at");