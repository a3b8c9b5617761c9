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
CREATE TABLE "mfa_passkeys" (
	"id" text PRIMARY KEY NOT NULL,
	"account_id" text NOT NULL,
	"user_id" text NOT NULL,
	"credential_id" text NOT NULL,
	"public_key_ciphertext" text NOT NULL,
	"counter" bigint DEFAULT 0 NOT NULL,
	"transports" text NOT NULL,
	"name_ciphertext" text NOT NULL,
	"created_at" bigint DEFAULT (floor(extract(epoch from now()) * 1000)::bigint) NOT NULL,
	"last_used_at" bigint
);
--> statement-breakpoint
CREATE TABLE "mfa_webauthn_challenges" (
	"challenge_digest" text PRIMARY KEY NOT NULL,
	"account_id" text NOT NULL,
	"purpose" text NOT NULL,
	"user_id" text,
	"binding_digest" text,
	"expires_at" bigint NOT NULL,
	"created_at" bigint DEFAULT (floor(extract(epoch from now()) * 1000)::bigint) NOT NULL
);
--> statement-breakpoint
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
ALTER TABLE "invites" ALTER COLUMN "email_ciphertext" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "invites" ALTER COLUMN "email_index" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "invites" ADD COLUMN "username_ciphertext" text;--> statement-breakpoint
ALTER TABLE "invites" ADD COLUMN "username_index" text;--> statement-breakpoint
ALTER TABLE "application_groups" ADD CONSTRAINT "application_groups_application_id_applications_id_fk" FOREIGN KEY ("application_id") REFERENCES "public"."applications"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "application_groups" ADD CONSTRAINT "application_groups_group_id_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."groups"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "applications" ADD CONSTRAINT "applications_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mfa_passkeys" ADD CONSTRAINT "mfa_passkeys_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mfa_webauthn_challenges" ADD CONSTRAINT "mfa_webauthn_challenges_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "oidc_models" ADD CONSTRAINT "oidc_models_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "application_groups_group_idx" ON "application_groups" USING btree ("group_id");--> statement-breakpoint
CREATE UNIQUE INDEX "applications_client_id_unique" ON "applications" USING btree ("client_id");--> statement-breakpoint
CREATE INDEX "applications_account_created_idx" ON "applications" USING btree ("account_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "mfa_passkeys_credential_unique" ON "mfa_passkeys" USING btree ("credential_id");--> statement-breakpoint
CREATE INDEX "mfa_passkeys_user_idx" ON "mfa_passkeys" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "mfa_webauthn_challenges_expires_idx" ON "mfa_webauthn_challenges" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "oidc_models_grant_idx" ON "oidc_models" USING btree ("grant_id");--> statement-breakpoint
CREATE INDEX "oidc_models_user_code_idx" ON "oidc_models" USING btree ("user_code");--> statement-breakpoint
CREATE INDEX "oidc_models_uid_idx" ON "oidc_models" USING btree ("uid");--> statement-breakpoint
CREATE INDEX "oidc_models_user_idx" ON "oidc_models" USING btree ("account_id","user_id");--> statement-breakpoint
CREATE INDEX "oidc_models_expires_idx" ON "oidc_models" USING btree ("expires_at");--> statement-breakpoint
CREATE UNIQUE INDEX "invites_account_username_unique" ON "invites" USING btree ("account_id","username_index");