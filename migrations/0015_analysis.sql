CREATE TABLE "analysis_code_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"code_id" uuid NOT NULL,
	"programme_id" uuid NOT NULL,
	"action" text NOT NULL,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"actor_id" uuid,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "analysis_coder_progress" (
	"source_id" uuid NOT NULL,
	"coder_id" uuid NOT NULL,
	"done_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "analysis_coder_progress_source_id_coder_id_pk" PRIMARY KEY("source_id","coder_id")
);
--> statement-breakpoint
CREATE TABLE "analysis_codes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"programme_id" uuid NOT NULL,
	"parent_id" uuid,
	"name" text NOT NULL,
	"definition" text DEFAULT '' NOT NULL,
	"when_to_use" text DEFAULT '' NOT NULL,
	"when_not_to_use" text DEFAULT '' NOT NULL,
	"example" text DEFAULT '' NOT NULL,
	"colour" text DEFAULT '#005eb8' NOT NULL,
	"position" integer DEFAULT 0 NOT NULL,
	"merged_into_id" uuid,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "analysis_codings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"programme_id" uuid NOT NULL,
	"source_id" uuid NOT NULL,
	"code_id" uuid NOT NULL,
	"coder_id" uuid NOT NULL,
	"start_cp" integer,
	"end_cp" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "analysis_memos" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"programme_id" uuid NOT NULL,
	"target_type" text NOT NULL,
	"target_id" uuid,
	"author_id" uuid,
	"text" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "analysis_sources" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"programme_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"origin_id" uuid NOT NULL,
	"title" text NOT NULL,
	"text" text NOT NULL,
	"attributes" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"contributor_key" text,
	"quotable" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "analysis_sources_origin_uq" UNIQUE("kind","origin_id")
);
--> statement-breakpoint
ALTER TABLE "analysis_code_events" ADD CONSTRAINT "analysis_code_events_code_id_analysis_codes_id_fk" FOREIGN KEY ("code_id") REFERENCES "public"."analysis_codes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analysis_code_events" ADD CONSTRAINT "analysis_code_events_programme_id_programmes_id_fk" FOREIGN KEY ("programme_id") REFERENCES "public"."programmes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analysis_code_events" ADD CONSTRAINT "analysis_code_events_actor_id_users_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analysis_coder_progress" ADD CONSTRAINT "analysis_coder_progress_source_id_analysis_sources_id_fk" FOREIGN KEY ("source_id") REFERENCES "public"."analysis_sources"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analysis_coder_progress" ADD CONSTRAINT "analysis_coder_progress_coder_id_users_id_fk" FOREIGN KEY ("coder_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analysis_codes" ADD CONSTRAINT "analysis_codes_programme_id_programmes_id_fk" FOREIGN KEY ("programme_id") REFERENCES "public"."programmes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analysis_codes" ADD CONSTRAINT "analysis_codes_parent_id_analysis_codes_id_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."analysis_codes"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analysis_codes" ADD CONSTRAINT "analysis_codes_merged_into_id_analysis_codes_id_fk" FOREIGN KEY ("merged_into_id") REFERENCES "public"."analysis_codes"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analysis_codes" ADD CONSTRAINT "analysis_codes_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analysis_codings" ADD CONSTRAINT "analysis_codings_programme_id_programmes_id_fk" FOREIGN KEY ("programme_id") REFERENCES "public"."programmes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analysis_codings" ADD CONSTRAINT "analysis_codings_source_id_analysis_sources_id_fk" FOREIGN KEY ("source_id") REFERENCES "public"."analysis_sources"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analysis_codings" ADD CONSTRAINT "analysis_codings_code_id_analysis_codes_id_fk" FOREIGN KEY ("code_id") REFERENCES "public"."analysis_codes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analysis_codings" ADD CONSTRAINT "analysis_codings_coder_id_users_id_fk" FOREIGN KEY ("coder_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analysis_memos" ADD CONSTRAINT "analysis_memos_programme_id_programmes_id_fk" FOREIGN KEY ("programme_id") REFERENCES "public"."programmes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analysis_memos" ADD CONSTRAINT "analysis_memos_author_id_users_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analysis_sources" ADD CONSTRAINT "analysis_sources_programme_id_programmes_id_fk" FOREIGN KEY ("programme_id") REFERENCES "public"."programmes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "analysis_code_events_code_idx" ON "analysis_code_events" USING btree ("code_id","at");--> statement-breakpoint
CREATE INDEX "analysis_coder_progress_coder_idx" ON "analysis_coder_progress" USING btree ("coder_id");--> statement-breakpoint
CREATE INDEX "analysis_codes_programme_idx" ON "analysis_codes" USING btree ("programme_id","parent_id");--> statement-breakpoint
CREATE UNIQUE INDEX "analysis_codes_name_uq" ON "analysis_codes" USING btree ("programme_id",coalesce("parent_id", '00000000-0000-0000-0000-000000000000'::uuid),lower("name")) WHERE "analysis_codes"."merged_into_id" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "analysis_codings_uq" ON "analysis_codings" USING btree ("source_id","code_id","coder_id",coalesce("start_cp", -1),coalesce("end_cp", -1));--> statement-breakpoint
CREATE INDEX "analysis_codings_programme_idx" ON "analysis_codings" USING btree ("programme_id","code_id");--> statement-breakpoint
CREATE INDEX "analysis_codings_source_idx" ON "analysis_codings" USING btree ("source_id","coder_id");--> statement-breakpoint
CREATE INDEX "analysis_memos_target_idx" ON "analysis_memos" USING btree ("programme_id","target_type","target_id");--> statement-breakpoint
CREATE INDEX "analysis_sources_programme_idx" ON "analysis_sources" USING btree ("programme_id","kind");--> statement-breakpoint
CREATE INDEX "analysis_sources_text_idx" ON "analysis_sources" USING gin (to_tsvector('english', "text"));