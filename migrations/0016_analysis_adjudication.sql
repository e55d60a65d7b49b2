CREATE TABLE "analysis_adjudications" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"programme_id" uuid NOT NULL,
	"source_id" uuid NOT NULL,
	"code_id" uuid NOT NULL,
	"decision" text NOT NULL,
	"kept_coder_id" uuid,
	"recode_id" uuid,
	"reason" text NOT NULL,
	"decided_by" uuid,
	"decided_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "analysis_adjudications" ADD CONSTRAINT "analysis_adjudications_programme_id_programmes_id_fk" FOREIGN KEY ("programme_id") REFERENCES "public"."programmes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analysis_adjudications" ADD CONSTRAINT "analysis_adjudications_source_id_analysis_sources_id_fk" FOREIGN KEY ("source_id") REFERENCES "public"."analysis_sources"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analysis_adjudications" ADD CONSTRAINT "analysis_adjudications_code_id_analysis_codes_id_fk" FOREIGN KEY ("code_id") REFERENCES "public"."analysis_codes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analysis_adjudications" ADD CONSTRAINT "analysis_adjudications_kept_coder_id_users_id_fk" FOREIGN KEY ("kept_coder_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analysis_adjudications" ADD CONSTRAINT "analysis_adjudications_recode_id_analysis_codes_id_fk" FOREIGN KEY ("recode_id") REFERENCES "public"."analysis_codes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analysis_adjudications" ADD CONSTRAINT "analysis_adjudications_decided_by_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "analysis_adjudications_unit_idx" ON "analysis_adjudications" USING btree ("programme_id","source_id","code_id","decided_at");