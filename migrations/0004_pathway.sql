CREATE TABLE "pathways" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"framework_version_id" uuid NOT NULL,
	"area_version_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "practitioner_profiles" (
	"user_id" uuid PRIMARY KEY NOT NULL,
	"profession" text DEFAULT '' NOT NULL,
	"registration" text DEFAULT '' NOT NULL,
	"clinical_area" text,
	"current_post" text DEFAULT '' NOT NULL,
	"employer" text DEFAULT '' NOT NULL,
	"consultant_post_start" date,
	"stage_override" text,
	"override_reason" text DEFAULT '' NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "self_assessments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"pathway_id" uuid NOT NULL,
	"statement_identifier" uuid NOT NULL,
	"level" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "pathways" ADD CONSTRAINT "pathways_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "practitioner_profiles" ADD CONSTRAINT "practitioner_profiles_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "self_assessments" ADD CONSTRAINT "self_assessments_pathway_id_pathways_id_fk" FOREIGN KEY ("pathway_id") REFERENCES "public"."pathways"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "pathways_user_idx" ON "pathways" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "self_assessments_pathway_idx" ON "self_assessments" USING btree ("pathway_id","statement_identifier","created_at");