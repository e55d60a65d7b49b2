CREATE TABLE "analysis_theme_reviews" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"programme_id" uuid NOT NULL,
	"theme_id" uuid NOT NULL,
	"reviewer_key" text NOT NULL,
	"user_id" uuid,
	"reviewer_label" text DEFAULT '' NOT NULL,
	"area" text DEFAULT '' NOT NULL,
	"stakeholder_type" text DEFAULT '' NOT NULL,
	"verdict" text NOT NULL,
	"comment" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "analysis_theme_reviews" ADD CONSTRAINT "analysis_theme_reviews_programme_id_programmes_id_fk" FOREIGN KEY ("programme_id") REFERENCES "public"."programmes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analysis_theme_reviews" ADD CONSTRAINT "analysis_theme_reviews_theme_id_analysis_themes_id_fk" FOREIGN KEY ("theme_id") REFERENCES "public"."analysis_themes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analysis_theme_reviews" ADD CONSTRAINT "analysis_theme_reviews_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "analysis_theme_reviews_reviewer_uq" ON "analysis_theme_reviews" USING btree ("theme_id","reviewer_key");--> statement-breakpoint
CREATE INDEX "analysis_theme_reviews_programme_idx" ON "analysis_theme_reviews" USING btree ("programme_id");