CREATE TABLE "framework_imports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"format" text NOT NULL,
	"filename" text NOT NULL,
	"content" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"imported_version_id" uuid
);
--> statement-breakpoint
CREATE TABLE "framework_items" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"version_id" uuid NOT NULL,
	"identifier" uuid NOT NULL,
	"code" text NOT NULL,
	"type" text NOT NULL,
	"parent_code" text,
	"position" integer NOT NULL,
	"text" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"stage" text,
	"area" text,
	"notes" text DEFAULT '' NOT NULL,
	CONSTRAINT "framework_items_code_uq" UNIQUE("version_id","code")
);
--> statement-breakpoint
CREATE TABLE "framework_mappings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"version_id" uuid NOT NULL,
	"from_code" text NOT NULL,
	"to_framework" text NOT NULL,
	"to_code" text NOT NULL,
	"kind" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "framework_versions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"framework_id" uuid NOT NULL,
	"label" text NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"published_at" date,
	"changed_at" timestamp with time zone NOT NULL,
	"source_note" text DEFAULT '' NOT NULL,
	"licence_note" text DEFAULT '' NOT NULL,
	"stages" jsonb NOT NULL,
	"based_on" uuid,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "framework_versions_label_uq" UNIQUE("framework_id","label")
);
--> statement-breakpoint
CREATE TABLE "frameworks" (
	"id" uuid PRIMARY KEY NOT NULL,
	"short_name" text NOT NULL,
	"title" text NOT NULL,
	"publisher" text DEFAULT '' NOT NULL,
	"kind" text DEFAULT 'core' NOT NULL,
	"area" text,
	"description" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "frameworks_short_name_unique" UNIQUE("short_name")
);
--> statement-breakpoint
CREATE TABLE "guides" (
	"slug" text PRIMARY KEY NOT NULL,
	"title" text NOT NULL,
	"summary" text DEFAULT '' NOT NULL,
	"body" text NOT NULL,
	"framework_short_name" text,
	"position" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" uuid
);
--> statement-breakpoint
CREATE TABLE "provenance_links" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"item_id" uuid NOT NULL,
	"source_type" text NOT NULL,
	"source_id" text NOT NULL,
	"label" text NOT NULL,
	"detail" text DEFAULT '' NOT NULL,
	"href" text,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "framework_imports" ADD CONSTRAINT "framework_imports_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "framework_items" ADD CONSTRAINT "framework_items_version_id_framework_versions_id_fk" FOREIGN KEY ("version_id") REFERENCES "public"."framework_versions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "framework_mappings" ADD CONSTRAINT "framework_mappings_version_id_framework_versions_id_fk" FOREIGN KEY ("version_id") REFERENCES "public"."framework_versions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "framework_versions" ADD CONSTRAINT "framework_versions_framework_id_frameworks_id_fk" FOREIGN KEY ("framework_id") REFERENCES "public"."frameworks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "framework_versions" ADD CONSTRAINT "framework_versions_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "guides" ADD CONSTRAINT "guides_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "provenance_links" ADD CONSTRAINT "provenance_links_item_id_framework_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."framework_items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "provenance_links" ADD CONSTRAINT "provenance_links_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "framework_items_position_idx" ON "framework_items" USING btree ("version_id","position");--> statement-breakpoint
CREATE INDEX "framework_items_identifier_idx" ON "framework_items" USING btree ("identifier");--> statement-breakpoint
CREATE INDEX "framework_items_search_idx" ON "framework_items" USING gin (to_tsvector('english', "code" || ' ' || "text" || ' ' || "notes"));--> statement-breakpoint
CREATE INDEX "framework_mappings_version_idx" ON "framework_mappings" USING btree ("version_id");--> statement-breakpoint
CREATE INDEX "framework_mappings_target_idx" ON "framework_mappings" USING btree ("to_framework","to_code");--> statement-breakpoint
CREATE INDEX "framework_versions_framework_idx" ON "framework_versions" USING btree ("framework_id");--> statement-breakpoint
CREATE INDEX "provenance_item_idx" ON "provenance_links" USING btree ("item_id");