CREATE TABLE "user_counts" (
	"account_id" text NOT NULL,
	"is_service_user" boolean NOT NULL,
	"count" integer NOT NULL,
	CONSTRAINT "user_counts_account_id_is_service_user_pk" PRIMARY KEY("account_id","is_service_user")
);
--> statement-breakpoint
ALTER TABLE "applications" ADD COLUMN "id_token_signed_response_alg" text DEFAULT 'RS256' NOT NULL;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "locale" text;--> statement-breakpoint
ALTER TABLE "user_counts" ADD CONSTRAINT "user_counts_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;