CREATE TABLE "mcp_relay_messages" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"payload" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "mcp_sessions" (
	"id" text PRIMARY KEY NOT NULL,
	"virtual_server_id" uuid NOT NULL,
	"transport" text NOT NULL,
	"principal_key" text NOT NULL,
	"principal_kind" text NOT NULL,
	"user_id" uuid,
	"client_id" text,
	"initialize" jsonb NOT NULL,
	"log_level" text,
	"stream_replica" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "mcp_stream_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"session_id" text NOT NULL,
	"stream_id" text NOT NULL,
	"seq" bigint DEFAULT 0 NOT NULL,
	"message" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "mcp_sessions_last_seen_idx" ON "mcp_sessions" USING btree ("last_seen_at");--> statement-breakpoint
CREATE INDEX "mcp_sessions_user_idx" ON "mcp_sessions" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "mcp_stream_events_stream_idx" ON "mcp_stream_events" USING btree ("session_id","stream_id","seq");--> statement-breakpoint
CREATE INDEX "mcp_stream_events_created_idx" ON "mcp_stream_events" USING btree ("created_at");