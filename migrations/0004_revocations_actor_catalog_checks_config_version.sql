CREATE TABLE "oauth_revocations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"key" text NOT NULL,
	"revoked_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "config_version" (
	"id" integer PRIMARY KEY NOT NULL,
	"version" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "upstreams" ADD COLUMN "max_message_bytes" integer;--> statement-breakpoint
ALTER TABLE "upstream_catalogs" ADD COLUMN "checked_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "oauth_codes" ADD COLUMN "nonce" text;--> statement-breakpoint
ALTER TABLE "oauth_codes" ADD COLUMN "auth_time" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "audit_events" ADD COLUMN "actor" text;--> statement-breakpoint
CREATE INDEX "oauth_revocations_expires_idx" ON "oauth_revocations" USING btree ("expires_at");--> statement-breakpoint
UPDATE "upstream_catalogs" SET "checked_at" = "refreshed_at";
