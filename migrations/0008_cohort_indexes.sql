DROP INDEX "evidence_pathway_idx";--> statement-breakpoint
ALTER TABLE "evidence_links" ADD COLUMN "pathway_id" uuid;--> statement-breakpoint
UPDATE "evidence_links" SET "pathway_id" = "evidence"."pathway_id" FROM "evidence" WHERE "evidence"."id" = "evidence_links"."evidence_id";--> statement-breakpoint
ALTER TABLE "evidence_links" ALTER COLUMN "pathway_id" SET NOT NULL;--> statement-breakpoint
CREATE INDEX "evidence_links_pathway_idx" ON "evidence_links" USING btree ("pathway_id","statement_identifier");--> statement-breakpoint
CREATE INDEX "evidence_pathway_idx" ON "evidence" USING btree ("pathway_id","status","updated_at");
