CREATE TABLE "delphi_items" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"round_id" uuid NOT NULL,
	"code" text NOT NULL,
	"text" text NOT NULL,
	"domain" text DEFAULT '' NOT NULL,
	"stage" text,
	"area" text,
	"source_identifier" uuid,
	"position" integer NOT NULL,
	CONSTRAINT "delphi_items_code_uq" UNIQUE("round_id","code")
);
--> statement-breakpoint
CREATE TABLE "delphi_lineage" (
	"item_id" uuid NOT NULL,
	"parent_id" uuid NOT NULL,
	"kind" text NOT NULL,
	CONSTRAINT "delphi_lineage_uq" UNIQUE("item_id","parent_id")
);
--> statement-breakpoint
CREATE TABLE "delphi_panellists" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"study_id" uuid NOT NULL,
	"email" text NOT NULL,
	"name" text DEFAULT '' NOT NULL,
	"stakeholder_type" text NOT NULL,
	"area" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"withdrawn_at" timestamp with time zone,
	CONSTRAINT "delphi_panellists_email_uq" UNIQUE("study_id","email")
);
--> statement-breakpoint
CREATE TABLE "delphi_participation" (
	"panellist_id" uuid NOT NULL,
	"round_id" uuid NOT NULL,
	"started_at" timestamp with time zone,
	"completed_at" timestamp with time zone,
	"reminded_at" timestamp with time zone,
	CONSTRAINT "delphi_participation_uq" UNIQUE("panellist_id","round_id")
);
--> statement-breakpoint
CREATE TABLE "delphi_ratings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"item_id" uuid NOT NULL,
	"panellist_id" uuid NOT NULL,
	"rating" integer,
	"comment" text DEFAULT '' NOT NULL,
	"reason" text DEFAULT '' NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "delphi_ratings_uq" UNIQUE("item_id","panellist_id")
);
--> statement-breakpoint
CREATE TABLE "delphi_rounds" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"study_id" uuid NOT NULL,
	"number" integer NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"closes_at" timestamp with time zone,
	"opened_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	CONSTRAINT "delphi_rounds_number_uq" UNIQUE("study_id","number")
);
--> statement-breakpoint
CREATE TABLE "delphi_setting_changes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"study_id" uuid NOT NULL,
	"changed_by" uuid,
	"reason" text NOT NULL,
	"before" jsonb NOT NULL,
	"after" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "delphi_studies" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"programme_id" uuid NOT NULL,
	"title" text NOT NULL,
	"purpose" text DEFAULT '' NOT NULL,
	"scale" jsonb NOT NULL,
	"allow_unable" boolean DEFAULT true NOT NULL,
	"rule" jsonb NOT NULL,
	"quartile_method" integer DEFAULT 7 NOT NULL,
	"every_group" boolean DEFAULT false NOT NULL,
	"reason_distance" integer,
	"names_in_exports" boolean DEFAULT false NOT NULL,
	"locked_at" timestamp with time zone,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "delphi_suggestions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"round_id" uuid NOT NULL,
	"panellist_id" uuid NOT NULL,
	"text" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"used_for_item_id" uuid
);
--> statement-breakpoint
ALTER TABLE "delphi_items" ADD CONSTRAINT "delphi_items_round_id_delphi_rounds_id_fk" FOREIGN KEY ("round_id") REFERENCES "public"."delphi_rounds"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "delphi_lineage" ADD CONSTRAINT "delphi_lineage_item_id_delphi_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."delphi_items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "delphi_lineage" ADD CONSTRAINT "delphi_lineage_parent_id_delphi_items_id_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."delphi_items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "delphi_panellists" ADD CONSTRAINT "delphi_panellists_study_id_delphi_studies_id_fk" FOREIGN KEY ("study_id") REFERENCES "public"."delphi_studies"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "delphi_participation" ADD CONSTRAINT "delphi_participation_panellist_id_delphi_panellists_id_fk" FOREIGN KEY ("panellist_id") REFERENCES "public"."delphi_panellists"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "delphi_participation" ADD CONSTRAINT "delphi_participation_round_id_delphi_rounds_id_fk" FOREIGN KEY ("round_id") REFERENCES "public"."delphi_rounds"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "delphi_ratings" ADD CONSTRAINT "delphi_ratings_item_id_delphi_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."delphi_items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "delphi_ratings" ADD CONSTRAINT "delphi_ratings_panellist_id_delphi_panellists_id_fk" FOREIGN KEY ("panellist_id") REFERENCES "public"."delphi_panellists"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "delphi_rounds" ADD CONSTRAINT "delphi_rounds_study_id_delphi_studies_id_fk" FOREIGN KEY ("study_id") REFERENCES "public"."delphi_studies"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "delphi_setting_changes" ADD CONSTRAINT "delphi_setting_changes_study_id_delphi_studies_id_fk" FOREIGN KEY ("study_id") REFERENCES "public"."delphi_studies"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "delphi_setting_changes" ADD CONSTRAINT "delphi_setting_changes_changed_by_users_id_fk" FOREIGN KEY ("changed_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "delphi_studies" ADD CONSTRAINT "delphi_studies_programme_id_programmes_id_fk" FOREIGN KEY ("programme_id") REFERENCES "public"."programmes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "delphi_studies" ADD CONSTRAINT "delphi_studies_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "delphi_suggestions" ADD CONSTRAINT "delphi_suggestions_round_id_delphi_rounds_id_fk" FOREIGN KEY ("round_id") REFERENCES "public"."delphi_rounds"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "delphi_suggestions" ADD CONSTRAINT "delphi_suggestions_panellist_id_delphi_panellists_id_fk" FOREIGN KEY ("panellist_id") REFERENCES "public"."delphi_panellists"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "delphi_items_round_idx" ON "delphi_items" USING btree ("round_id","position");--> statement-breakpoint
CREATE INDEX "delphi_lineage_parent_idx" ON "delphi_lineage" USING btree ("parent_id");--> statement-breakpoint
CREATE INDEX "delphi_participation_round_idx" ON "delphi_participation" USING btree ("round_id");--> statement-breakpoint
CREATE INDEX "delphi_ratings_panellist_idx" ON "delphi_ratings" USING btree ("panellist_id");--> statement-breakpoint
CREATE INDEX "delphi_studies_programme_idx" ON "delphi_studies" USING btree ("programme_id");