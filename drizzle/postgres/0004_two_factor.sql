CREATE TABLE "mfa_pending_steps" (
	"token_digest" text PRIMARY KEY NOT NULL,
	"account_id" text NOT NULL,
	"user_id" text NOT NULL,
	"method" text NOT NULL,
	"enrol" boolean DEFAULT false NOT NULL,
	"verified_at" bigint,
	"expires_at" bigint NOT NULL,
	"created_at" bigint DEFAULT (floor(extract(epoch from now()) * 1000)::bigint) NOT NULL
);
--> statement-breakpoint
CREATE TABLE "mfa_policies" (
	"account_id" text PRIMARY KEY NOT NULL,
	"require_for" text DEFAULT 'nobody' NOT NULL,
	"group_ids" text NOT NULL,
	"grace_days" integer DEFAULT 0 NOT NULL,
	"enforced_since" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "mfa_recovery_codes" (
	"id" text PRIMARY KEY NOT NULL,
	"account_id" text NOT NULL,
	"user_id" text NOT NULL,
	"code_digest" text NOT NULL,
	"used_at" bigint,
	"created_at" bigint DEFAULT (floor(extract(epoch from now()) * 1000)::bigint) NOT NULL
);
--> statement-breakpoint
CREATE TABLE "mfa_totp" (
	"user_id" text PRIMARY KEY NOT NULL,
	"account_id" text NOT NULL,
	"secret_ciphertext" text NOT NULL,
	"confirmed_at" bigint,
	"last_used_step" bigint,
	"last_used_at" bigint,
	"created_at" bigint DEFAULT (floor(extract(epoch from now()) * 1000)::bigint) NOT NULL
);
--> statement-breakpoint
ALTER TABLE "mfa_pending_steps" ADD CONSTRAINT "mfa_pending_steps_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mfa_policies" ADD CONSTRAINT "mfa_policies_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mfa_recovery_codes" ADD CONSTRAINT "mfa_recovery_codes_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mfa_totp" ADD CONSTRAINT "mfa_totp_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "mfa_pending_steps_user_idx" ON "mfa_pending_steps" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "mfa_pending_steps_expires_idx" ON "mfa_pending_steps" USING btree ("expires_at");--> statement-breakpoint
CREATE UNIQUE INDEX "mfa_recovery_codes_user_digest_unique" ON "mfa_recovery_codes" USING btree ("user_id","code_digest");