CREATE TABLE "workshop_invitations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workshop_id" uuid NOT NULL,
	"email" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "workshop_invitations_email_uq" UNIQUE("workshop_id","email")
);
--> statement-breakpoint
ALTER TABLE "workshop_invitations" ADD CONSTRAINT "workshop_invitations_workshop_id_workshops_id_fk" FOREIGN KEY ("workshop_id") REFERENCES "public"."workshops"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- Hand-added: before one waiting invitation per person per programme is enforced, withdraw all but the newest of any duplicates already waiting.
UPDATE "invitations" SET "revoked_at" = now() WHERE "accepted_at" IS NULL AND "revoked_at" IS NULL AND EXISTS (SELECT 1 FROM "invitations" AS newer WHERE newer."programme_id" = "invitations"."programme_id" AND newer."email" = "invitations"."email" AND newer."accepted_at" IS NULL AND newer."revoked_at" IS NULL AND (newer."created_at", newer."id") > ("invitations"."created_at", "invitations"."id"));--> statement-breakpoint
CREATE UNIQUE INDEX "invitations_waiting_uq" ON "invitations" USING btree ("programme_id","email") WHERE accepted_at is null and revoked_at is null;