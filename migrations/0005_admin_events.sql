CREATE TABLE "admin_events" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"occurred_at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor_kind" text NOT NULL,
	"actor_id" text,
	"actor_name" text NOT NULL,
	"action" text NOT NULL,
	"object_type" text NOT NULL,
	"object_id" text,
	"object_name" text,
	"before" jsonb,
	"after" jsonb,
	"request_id" text
);
--> statement-breakpoint
CREATE INDEX "admin_events_occurred_idx" ON "admin_events" USING btree ("occurred_at");--> statement-breakpoint
CREATE INDEX "admin_events_object_idx" ON "admin_events" USING btree ("object_type","object_id","seq");--> statement-breakpoint
CREATE INDEX "admin_events_actor_idx" ON "admin_events" USING btree ("actor_id","seq");