CREATE TABLE "application_groups" (
	"application_id" text NOT NULL,
	"group_id" text NOT NULL,
	"account_id" text NOT NULL,
	CONSTRAINT "application_groups_application_id_group_id_pk" PRIMARY KEY("application_id","group_id")
);
--> statement-breakpoint
CREATE TABLE "applications" (
	"id" text PRIMARY KEY NOT NULL,
	"account_id" text NOT NULL,
	"name" text NOT NULL,
	"type" text NOT NULL,
	"client_id" text NOT NULL,
	"client_secret_digest" text,
	"redirect_uris" text DEFAULT '[]' NOT NULL,
	"post_logout_redirect_uris" text DEFAULT '[]' NOT NULL,
	"restricted_to_groups" boolean DEFAULT false NOT NULL,
	"access_token_ttl_seconds" integer DEFAULT 600 NOT NULL,
	"refresh_token_ttl_seconds" integer DEFAULT 2592000 NOT NULL,
	"require_consent" boolean DEFAULT false NOT NULL,
	"created_by" text NOT NULL,
	"created_at" bigint DEFAULT (floor(extract(epoch from now()) * 1000)::bigint) NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "application_groups" ADD CONSTRAINT "application_groups_application_id_applications_id_fk" FOREIGN KEY ("application_id") REFERENCES "public"."applications"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "application_groups" ADD CONSTRAINT "application_groups_group_id_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."groups"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "applications" ADD CONSTRAINT "applications_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "application_groups_group_idx" ON "application_groups" USING btree ("group_id");--> statement-breakpoint
CREATE UNIQUE INDEX "applications_client_id_unique" ON "applications" USING btree ("client_id");--> statement-breakpoint
CREATE INDEX "applications_account_created_idx" ON "applications" USING btree ("account_id","created_at");