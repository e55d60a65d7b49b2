ALTER TABLE "framework_items" ADD COLUMN "case_data" jsonb;--> statement-breakpoint
ALTER TABLE "framework_versions" ADD COLUMN "case_data" jsonb;