CREATE TABLE "evidence" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"pathway_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"title" text NOT NULL,
	"occurred_on" date,
	"reflection" text DEFAULT '' NOT NULL,
	"template" text DEFAULT 'none' NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "evidence_links" (
	"evidence_id" uuid NOT NULL,
	"statement_identifier" uuid NOT NULL,
	"reason" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "evidence_links_evidence_id_statement_identifier_pk" PRIMARY KEY("evidence_id","statement_identifier")
);
--> statement-breakpoint
ALTER TABLE "evidence" ADD CONSTRAINT "evidence_pathway_id_pathways_id_fk" FOREIGN KEY ("pathway_id") REFERENCES "public"."pathways"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evidence_links" ADD CONSTRAINT "evidence_links_evidence_id_evidence_id_fk" FOREIGN KEY ("evidence_id") REFERENCES "public"."evidence"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "evidence_pathway_idx" ON "evidence" USING btree ("pathway_id");--> statement-breakpoint
CREATE INDEX "evidence_links_statement_idx" ON "evidence_links" USING btree ("statement_identifier");