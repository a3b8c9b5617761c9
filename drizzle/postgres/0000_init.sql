CREATE TABLE "access_tokens" (
	"id" text PRIMARY KEY NOT NULL,
	"account_id" text NOT NULL,
	"user_id" text NOT NULL,
	"name" text NOT NULL,
	"token_digest" text NOT NULL,
	"expires_at" bigint NOT NULL,
	"created_by" text NOT NULL,
	"created_at" bigint DEFAULT (floor(extract(epoch from now()) * 1000)::bigint) NOT NULL,
	"last_used_at" bigint
);
--> statement-breakpoint
CREATE TABLE "accounts" (
	"id" text PRIMARY KEY NOT NULL,
	"created_at" bigint DEFAULT (floor(extract(epoch from now()) * 1000)::bigint) NOT NULL
);
--> statement-breakpoint
CREATE TABLE "activity_anchors" (
	"account_id" text PRIMARY KEY NOT NULL,
	"first_seq" bigint NOT NULL,
	"prev_hash" text NOT NULL,
	"pruned_count" bigint DEFAULT 0 NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "activity_events" (
	"id" text PRIMARY KEY NOT NULL,
	"account_id" text NOT NULL,
	"seq" bigint,
	"occurred_at" bigint NOT NULL,
	"action" text NOT NULL,
	"actor_type" text NOT NULL,
	"actor_id" text,
	"actor_label_ciphertext" text,
	"target_type" text,
	"target_id" text,
	"target_label_ciphertext" text,
	"details" text,
	"private_details_ciphertext" text,
	"ip" text,
	"user_agent" text,
	"prev_hash" text,
	"hash" text
);
--> statement-breakpoint
CREATE TABLE "groups" (
	"id" text PRIMARY KEY NOT NULL,
	"account_id" text NOT NULL,
	"name" text NOT NULL,
	"created_at" bigint DEFAULT (floor(extract(epoch from now()) * 1000)::bigint) NOT NULL
);
--> statement-breakpoint
CREATE TABLE "identity_providers" (
	"id" text PRIMARY KEY NOT NULL,
	"account_id" text NOT NULL,
	"type" text NOT NULL,
	"name" text NOT NULL,
	"issuer" text NOT NULL,
	"client_id" text NOT NULL,
	"client_secret_ciphertext" text NOT NULL,
	"scopes" text NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"signup_policy" text DEFAULT 'open' NOT NULL,
	"allowed_domains" text DEFAULT '[]' NOT NULL,
	"default_role" text DEFAULT 'user' NOT NULL,
	"default_groups" text DEFAULT '[]' NOT NULL,
	"allow_linking" boolean DEFAULT false NOT NULL,
	"allow_internal_addresses" boolean DEFAULT false NOT NULL,
	"require_approval" boolean DEFAULT false NOT NULL,
	"created_at" bigint DEFAULT (floor(extract(epoch from now()) * 1000)::bigint) NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "invites" (
	"id" text PRIMARY KEY NOT NULL,
	"account_id" text NOT NULL,
	"email_ciphertext" text NOT NULL,
	"email_index" text NOT NULL,
	"name_ciphertext" text NOT NULL,
	"role" text NOT NULL,
	"auto_groups" text NOT NULL,
	"token_digest" text NOT NULL,
	"expires_at" bigint NOT NULL,
	"created_by" text NOT NULL,
	"created_at" bigint DEFAULT (floor(extract(epoch from now()) * 1000)::bigint) NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ldap_sources" (
	"id" text PRIMARY KEY NOT NULL,
	"account_id" text NOT NULL,
	"name" text NOT NULL,
	"enabled" boolean DEFAULT false NOT NULL,
	"url" text NOT NULL,
	"start_tls" boolean DEFAULT false NOT NULL,
	"bind_dn" text NOT NULL,
	"bind_password_ciphertext" text,
	"search_base" text NOT NULL,
	"user_filter" text NOT NULL,
	"username_attribute" text NOT NULL,
	"email_attribute" text NOT NULL,
	"name_attribute" text NOT NULL,
	"group_search_base" text,
	"group_filter" text NOT NULL,
	"group_name_attribute" text NOT NULL,
	"group_mapping" text DEFAULT '[]' NOT NULL,
	"auto_create" boolean DEFAULT true NOT NULL,
	"default_role" text DEFAULT 'user' NOT NULL,
	"allow_unencrypted" boolean DEFAULT false NOT NULL,
	"allow_internal_addresses" boolean DEFAULT false NOT NULL,
	"created_at" bigint DEFAULT (floor(extract(epoch from now()) * 1000)::bigint) NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "meta" (
	"key" text PRIMARY KEY NOT NULL,
	"value" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "retired_invite_tokens" (
	"token_digest" text PRIMARY KEY NOT NULL,
	"account_id" text NOT NULL,
	"reason" text NOT NULL,
	"retired_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"id" text PRIMARY KEY NOT NULL,
	"account_id" text NOT NULL,
	"user_id" text NOT NULL,
	"created_at" bigint DEFAULT (floor(extract(epoch from now()) * 1000)::bigint) NOT NULL,
	"last_seen_at" bigint NOT NULL,
	"expires_at" bigint NOT NULL,
	"user_agent" text,
	"ip" text
);
--> statement-breakpoint
CREATE TABLE "sign_in_backoffs" (
	"key" text PRIMARY KEY NOT NULL,
	"email_index" text,
	"failures" integer NOT NULL,
	"last_failure_at" bigint NOT NULL,
	"last_throttled_at" bigint
);
--> statement-breakpoint
CREATE TABLE "sign_in_lockouts" (
	"account_id" text NOT NULL,
	"email_index" text NOT NULL,
	"window_started_at" bigint NOT NULL,
	"failures" integer NOT NULL,
	"locked_until" bigint,
	CONSTRAINT "sign_in_lockouts_account_id_email_index_pk" PRIMARY KEY("account_id","email_index")
);
--> statement-breakpoint
CREATE TABLE "sign_in_settings" (
	"account_id" text PRIMARY KEY NOT NULL,
	"local_login_enabled" boolean DEFAULT true NOT NULL,
	"header_enabled" boolean DEFAULT false NOT NULL,
	"header_trusted_ranges" text DEFAULT '[]' NOT NULL,
	"header_user" text DEFAULT 'Remote-User' NOT NULL,
	"header_email" text,
	"header_name" text,
	"header_auto_create" boolean DEFAULT false NOT NULL,
	"header_default_role" text DEFAULT 'user' NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "user_groups" (
	"user_id" text NOT NULL,
	"group_id" text NOT NULL,
	"account_id" text NOT NULL,
	CONSTRAINT "user_groups_user_id_group_id_pk" PRIMARY KEY("user_id","group_id")
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" text PRIMARY KEY NOT NULL,
	"account_id" text NOT NULL,
	"email_ciphertext" text,
	"email_index" text,
	"name_ciphertext" text NOT NULL,
	"role" text NOT NULL,
	"is_blocked" boolean DEFAULT false NOT NULL,
	"is_service_user" boolean DEFAULT false NOT NULL,
	"password_hash" text,
	"must_change_password" boolean DEFAULT false NOT NULL,
	"idp_id" text,
	"idp_subject_ciphertext" text,
	"idp_subject_index" text,
	"idp_subject" text,
	"created_at" bigint DEFAULT (floor(extract(epoch from now()) * 1000)::bigint) NOT NULL,
	"last_login_at" bigint,
	"pending_approval" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
ALTER TABLE "access_tokens" ADD CONSTRAINT "access_tokens_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "access_tokens" ADD CONSTRAINT "access_tokens_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "groups" ADD CONSTRAINT "groups_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "identity_providers" ADD CONSTRAINT "identity_providers_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invites" ADD CONSTRAINT "invites_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ldap_sources" ADD CONSTRAINT "ldap_sources_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sign_in_settings" ADD CONSTRAINT "sign_in_settings_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_groups" ADD CONSTRAINT "user_groups_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_groups" ADD CONSTRAINT "user_groups_group_id_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."groups"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "access_tokens_digest_unique" ON "access_tokens" USING btree ("token_digest");--> statement-breakpoint
CREATE UNIQUE INDEX "access_tokens_user_name_unique" ON "access_tokens" USING btree ("user_id","name");--> statement-breakpoint
CREATE UNIQUE INDEX "activity_account_seq_unique" ON "activity_events" USING btree ("account_id","seq");--> statement-breakpoint
CREATE INDEX "activity_account_time_idx" ON "activity_events" USING btree ("account_id","occurred_at","seq");--> statement-breakpoint
CREATE INDEX "activity_account_action_idx" ON "activity_events" USING btree ("account_id","action","seq");--> statement-breakpoint
CREATE INDEX "activity_account_actor_idx" ON "activity_events" USING btree ("account_id","actor_id","seq");--> statement-breakpoint
CREATE INDEX "activity_account_target_idx" ON "activity_events" USING btree ("account_id","target_id","seq");--> statement-breakpoint
CREATE INDEX "activity_account_ip_idx" ON "activity_events" USING btree ("account_id","ip","seq");--> statement-breakpoint
CREATE UNIQUE INDEX "groups_account_name_unique" ON "groups" USING btree ("account_id","name");--> statement-breakpoint
CREATE UNIQUE INDEX "identity_providers_account_name_unique" ON "identity_providers" USING btree ("account_id","name");--> statement-breakpoint
CREATE UNIQUE INDEX "invites_account_email_unique" ON "invites" USING btree ("account_id","email_index");--> statement-breakpoint
CREATE UNIQUE INDEX "invites_token_digest_unique" ON "invites" USING btree ("token_digest");--> statement-breakpoint
CREATE UNIQUE INDEX "ldap_sources_account_unique" ON "ldap_sources" USING btree ("account_id");--> statement-breakpoint
CREATE INDEX "sessions_user_idx" ON "sessions" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "sessions_expires_idx" ON "sessions" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "sign_in_backoffs_email_idx" ON "sign_in_backoffs" USING btree ("email_index");--> statement-breakpoint
CREATE INDEX "sign_in_backoffs_last_idx" ON "sign_in_backoffs" USING btree ("last_failure_at");--> statement-breakpoint
CREATE INDEX "sign_in_lockouts_locked_idx" ON "sign_in_lockouts" USING btree ("account_id","locked_until");--> statement-breakpoint
CREATE INDEX "user_groups_group_idx" ON "user_groups" USING btree ("group_id");--> statement-breakpoint
CREATE UNIQUE INDEX "users_account_email_unique" ON "users" USING btree ("account_id","email_index");--> statement-breakpoint
CREATE INDEX "users_account_role_idx" ON "users" USING btree ("account_id","role");--> statement-breakpoint
CREATE UNIQUE INDEX "users_account_idp_subject_index_unique" ON "users" USING btree ("account_id","idp_id","idp_subject_index");