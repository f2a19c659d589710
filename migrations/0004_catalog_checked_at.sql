ALTER TABLE "upstream_catalogs" ADD COLUMN "checked_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
UPDATE "upstream_catalogs" SET "checked_at" = "refreshed_at";