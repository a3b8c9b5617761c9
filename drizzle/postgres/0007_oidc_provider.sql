CREATE TABLE "oidc_models" (
	"name" text NOT NULL,
	"id" text NOT NULL,
	"account_id" text NOT NULL,
	"payload_ciphertext" text NOT NULL,
	"grant_id" text,
	"user_code" text,
	"uid" text,
	"user_id" text,
	"client_id" text,
	"expires_at" bigint,
	"consumed_at" bigint,
	CONSTRAINT "oidc_models_name_id_pk" PRIMARY KEY("name","id")
);
--> statement-breakpoint
CREATE TABLE "oidc_signing_keys" (
	"kid" text PRIMARY KEY NOT NULL,
	"alg" text NOT NULL,
	"private_jwk_ciphertext" text NOT NULL,
	"created_at" bigint NOT NULL,
	"retires_at" bigint NOT NULL,
	"expires_at" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "oidc_models" ADD CONSTRAINT "oidc_models_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "oidc_models_grant_idx" ON "oidc_models" USING btree ("grant_id");--> statement-breakpoint
CREATE INDEX "oidc_models_user_code_idx" ON "oidc_models" USING btree ("user_code");--> statement-breakpoint
CREATE INDEX "oidc_models_uid_idx" ON "oidc_models" USING btree ("uid");--> statement-breakpoint
CREATE INDEX "oidc_models_user_idx" ON "oidc_models" USING btree ("account_id","user_id");--> statement-breakpoint
CREATE INDEX "oidc_models_expires_idx" ON "oidc_models" USING btree ("expires_at");