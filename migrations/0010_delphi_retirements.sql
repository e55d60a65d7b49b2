CREATE TABLE "delphi_retirements" (
	"item_id" uuid PRIMARY KEY NOT NULL,
	"round_id" uuid NOT NULL,
	"retired_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "delphi_retirements" ADD CONSTRAINT "delphi_retirements_item_id_delphi_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."delphi_items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "delphi_retirements" ADD CONSTRAINT "delphi_retirements_round_id_delphi_rounds_id_fk" FOREIGN KEY ("round_id") REFERENCES "public"."delphi_rounds"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "delphi_retirements" ADD CONSTRAINT "delphi_retirements_retired_by_users_id_fk" FOREIGN KEY ("retired_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;