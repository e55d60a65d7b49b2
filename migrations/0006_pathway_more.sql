CREATE TABLE "confirmations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"evidence_id" uuid NOT NULL,
	"method" text NOT NULL,
	"requested_name" text DEFAULT '' NOT NULL,
	"requested_email" text DEFAULT '' NOT NULL,
	"outcome" text,
	"confirmer_name" text DEFAULT '' NOT NULL,
	"confirmer_role" text DEFAULT '' NOT NULL,
	"confirmer_registration" text DEFAULT '' NOT NULL,
	"confirmer_organisation" text DEFAULT '' NOT NULL,
	"statement" text DEFAULT '' NOT NULL,
	"decided_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"decided_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "evidence_attachments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"evidence_id" uuid NOT NULL,
	"filename" text NOT NULL,
	"content_type" text NOT NULL,
	"size" integer NOT NULL,
	"storage_key" text NOT NULL,
	"sha256" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "group_members" (
	"group_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"accepted_at" timestamp with time zone,
	CONSTRAINT "group_members_group_id_user_id_pk" PRIMARY KEY("group_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "pathway_groups" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"framework_version_id" uuid NOT NULL,
	"programme_id" uuid,
	"owner_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "plan_actions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"goal_id" uuid NOT NULL,
	"text" text NOT NULL,
	"due_on" date,
	"done" boolean DEFAULT false NOT NULL,
	"reminded_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "plan_goals" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"pathway_id" uuid,
	"group_id" uuid,
	"statement_identifier" uuid,
	"title" text NOT NULL,
	"status" text DEFAULT 'not-started' NOT NULL,
	"target_on" date,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "stage_signoffs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"pathway_id" uuid NOT NULL,
	"stage" text NOT NULL,
	"supervisor_id" uuid,
	"supervisor_name" text NOT NULL,
	"comment" text DEFAULT '' NOT NULL,
	"credential" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "supervision_meetings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"practitioner_id" uuid NOT NULL,
	"supervisor_id" uuid,
	"held_on" date NOT NULL,
	"notes" text DEFAULT '' NOT NULL,
	"agreed_actions" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "supervisions" (
	"practitioner_id" uuid NOT NULL,
	"supervisor_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "supervisions_practitioner_id_supervisor_id_pk" PRIMARY KEY("practitioner_id","supervisor_id")
);
--> statement-breakpoint
ALTER TABLE "evidence" ADD COLUMN "group_id" uuid;--> statement-breakpoint
ALTER TABLE "pathways" ADD COLUMN "rules" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "confirmations" ADD CONSTRAINT "confirmations_evidence_id_evidence_id_fk" FOREIGN KEY ("evidence_id") REFERENCES "public"."evidence"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "confirmations" ADD CONSTRAINT "confirmations_decided_by_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evidence_attachments" ADD CONSTRAINT "evidence_attachments_evidence_id_evidence_id_fk" FOREIGN KEY ("evidence_id") REFERENCES "public"."evidence"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_members" ADD CONSTRAINT "group_members_group_id_pathway_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."pathway_groups"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_members" ADD CONSTRAINT "group_members_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pathway_groups" ADD CONSTRAINT "pathway_groups_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plan_actions" ADD CONSTRAINT "plan_actions_goal_id_plan_goals_id_fk" FOREIGN KEY ("goal_id") REFERENCES "public"."plan_goals"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plan_goals" ADD CONSTRAINT "plan_goals_pathway_id_pathways_id_fk" FOREIGN KEY ("pathway_id") REFERENCES "public"."pathways"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plan_goals" ADD CONSTRAINT "plan_goals_group_id_pathway_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."pathway_groups"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stage_signoffs" ADD CONSTRAINT "stage_signoffs_pathway_id_pathways_id_fk" FOREIGN KEY ("pathway_id") REFERENCES "public"."pathways"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stage_signoffs" ADD CONSTRAINT "stage_signoffs_supervisor_id_users_id_fk" FOREIGN KEY ("supervisor_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supervision_meetings" ADD CONSTRAINT "supervision_meetings_practitioner_id_users_id_fk" FOREIGN KEY ("practitioner_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supervision_meetings" ADD CONSTRAINT "supervision_meetings_supervisor_id_users_id_fk" FOREIGN KEY ("supervisor_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supervisions" ADD CONSTRAINT "supervisions_practitioner_id_users_id_fk" FOREIGN KEY ("practitioner_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supervisions" ADD CONSTRAINT "supervisions_supervisor_id_users_id_fk" FOREIGN KEY ("supervisor_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "confirmations_evidence_idx" ON "confirmations" USING btree ("evidence_id");--> statement-breakpoint
CREATE INDEX "evidence_attachments_evidence_idx" ON "evidence_attachments" USING btree ("evidence_id");--> statement-breakpoint
CREATE INDEX "group_members_user_idx" ON "group_members" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "plan_actions_goal_idx" ON "plan_actions" USING btree ("goal_id");--> statement-breakpoint
CREATE INDEX "plan_actions_due_idx" ON "plan_actions" USING btree ("due_on");--> statement-breakpoint
CREATE INDEX "plan_goals_pathway_idx" ON "plan_goals" USING btree ("pathway_id");--> statement-breakpoint
CREATE INDEX "plan_goals_group_idx" ON "plan_goals" USING btree ("group_id");--> statement-breakpoint
CREATE UNIQUE INDEX "stage_signoffs_pathway_stage_idx" ON "stage_signoffs" USING btree ("pathway_id","stage");--> statement-breakpoint
CREATE INDEX "supervision_meetings_practitioner_idx" ON "supervision_meetings" USING btree ("practitioner_id","held_on");--> statement-breakpoint
CREATE INDEX "supervisions_supervisor_idx" ON "supervisions" USING btree ("supervisor_id");