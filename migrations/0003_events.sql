CREATE TABLE "event_channels" (
	"channel" text PRIMARY KEY NOT NULL,
	"seq" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "events" (
	"channel" text NOT NULL,
	"seq" bigint NOT NULL,
	"type" text NOT NULL,
	"data" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "events_channel_seq_pk" PRIMARY KEY("channel","seq")
);
--> statement-breakpoint
CREATE TABLE "presence" (
	"channel" text NOT NULL,
	"instance" text NOT NULL,
	"connections" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "presence_channel_instance_pk" PRIMARY KEY("channel","instance")
);
--> statement-breakpoint
CREATE INDEX "events_at_idx" ON "events" USING btree ("created_at");