CREATE TABLE "search_recent_terms" (
	"scope_id" integer NOT NULL,
	"term" bigint NOT NULL,
	"entry_id" integer NOT NULL,
	CONSTRAINT "search_recent_terms_scope_id_term_entry_id_pk" PRIMARY KEY("scope_id","term","entry_id")
);
--> statement-breakpoint
ALTER TABLE "search_recent_terms" ADD CONSTRAINT "search_recent_terms_entry_id_search_entries_id_fk" FOREIGN KEY ("entry_id") REFERENCES "public"."search_entries"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "search_recent_terms_entry_idx" ON "search_recent_terms" USING btree ("entry_id");