ALTER TABLE "invites" ALTER COLUMN "email_ciphertext" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "invites" ALTER COLUMN "email_index" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "invites" ADD COLUMN "username_ciphertext" text;--> statement-breakpoint
ALTER TABLE "invites" ADD COLUMN "username_index" text;--> statement-breakpoint
CREATE UNIQUE INDEX "invites_account_username_unique" ON "invites" USING btree ("account_id","username_index");