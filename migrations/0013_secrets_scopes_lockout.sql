CREATE TABLE "sign_in_failures" (
	"key" text PRIMARY KEY NOT NULL,
	"failures" integer DEFAULT 0 NOT NULL,
	"first_failure_at" timestamp with time zone NOT NULL,
	"not_before" timestamp with time zone
);
--> statement-breakpoint
-- Tokens made before expiry was required keep working for 90 days from now, with full scope (the column default).
UPDATE "api_tokens" SET "expires_at" = now() + interval '90 days' WHERE "expires_at" IS NULL;--> statement-breakpoint
ALTER TABLE "api_tokens" ALTER COLUMN "expires_at" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "api_tokens" ADD COLUMN "scopes" jsonb DEFAULT '["write"]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "sealed" text;--> statement-breakpoint
-- Messages stored before secret links were hidden: hide any link carrying a token (32+ URL-safe characters in its path).
UPDATE "outbox" SET "text" = regexp_replace("text", 'https?://[^[:space:]<>"]*/[A-Za-z0-9_-]{32,}[^[:space:]<>"]*', '[link sent to the recipient — hidden here]', 'g') WHERE "text" ~ 'https?://[^[:space:]<>"]*/[A-Za-z0-9_-]{32,}';
