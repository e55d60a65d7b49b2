DROP INDEX "pathways_user_idx";--> statement-breakpoint
CREATE UNIQUE INDEX "pathways_user_version_idx" ON "pathways" USING btree ("user_id","framework_version_id");