CREATE TABLE "instance_appearance" (
	"account_id" text PRIMARY KEY NOT NULL,
	"name" text,
	"logo_type" text,
	"logo_data" text,
	"logo_digest" text,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
DROP INDEX "users_account_role_idx";--> statement-breakpoint
DROP INDEX "users_account_service_role_idx";--> statement-breakpoint
ALTER TABLE "instance_appearance" ADD CONSTRAINT "instance_appearance_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "users_account_role_created_idx" ON "users" USING btree ("account_id","role","created_at","id");--> statement-breakpoint
CREATE INDEX "users_account_service_role_created_idx" ON "users" USING btree ("account_id","is_service_user","role","created_at","id");