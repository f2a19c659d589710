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
CREATE TABLE "limit_counters" (
	"bucket" text PRIMARY KEY NOT NULL,
	"tokens" double precision NOT NULL,
	"taken" double precision DEFAULT 0 NOT NULL,
	"refreshed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rate_limits" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"subject_type" text,
	"subject_id" uuid,
	"virtual_server_id" uuid,
	"pattern" text DEFAULT '*' NOT NULL,
	"rate_count" integer,
	"rate_per" text,
	"rate_burst" integer,
	"quota_count" integer,
	"quota_per" text,
	"concurrency" integer,
	"shared" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "rate_limits_name_unique" UNIQUE("name")
);
--> statement-breakpoint
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
CREATE TABLE "user_connections" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"upstream_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"status" text DEFAULT 'connected' NOT NULL,
	"payload" text NOT NULL,
	"expires_at" timestamp with time zone,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "user_connections_user_upstream_key" UNIQUE("user_id","upstream_id")
);
--> statement-breakpoint
CREATE TABLE "upstream_oauth_authorizations" (
	"state_hash" text PRIMARY KEY NOT NULL,
	"user_id" uuid NOT NULL,
	"upstream_id" uuid NOT NULL,
	"session_hash" text NOT NULL,
	"code_verifier" text NOT NULL,
	"issuer" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "upstream_oauth_clients" (
	"issuer" text NOT NULL,
	"redirect_uri" text NOT NULL,
	"client_id" text NOT NULL,
	"client_secret" text,
	"auth_method" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "upstream_oauth_clients_issuer_redirect_uri_pk" PRIMARY KEY("issuer","redirect_uri")
);
--> statement-breakpoint
ALTER TABLE "api_tokens" ADD COLUMN "virtual_server_ids" uuid[];--> statement-breakpoint
ALTER TABLE "upstreams" ADD COLUMN "credential_mode" text DEFAULT 'shared' NOT NULL;--> statement-breakpoint
ALTER TABLE "upstreams" ADD COLUMN "credential_options" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "virtual_servers" ADD COLUMN "resource_uris" text DEFAULT 'original' NOT NULL;--> statement-breakpoint
ALTER TABLE "user_identities" ADD COLUMN "tokens" text;--> statement-breakpoint
ALTER TABLE "audit_events" ADD COLUMN "credential_mode" text;--> statement-breakpoint
ALTER TABLE "rate_limits" ADD CONSTRAINT "rate_limits_virtual_server_id_virtual_servers_id_fk" FOREIGN KEY ("virtual_server_id") REFERENCES "public"."virtual_servers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_connections" ADD CONSTRAINT "user_connections_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_connections" ADD CONSTRAINT "user_connections_upstream_id_upstreams_id_fk" FOREIGN KEY ("upstream_id") REFERENCES "public"."upstreams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "upstream_oauth_authorizations" ADD CONSTRAINT "upstream_oauth_authorizations_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "upstream_oauth_authorizations" ADD CONSTRAINT "upstream_oauth_authorizations_upstream_id_upstreams_id_fk" FOREIGN KEY ("upstream_id") REFERENCES "public"."upstreams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "admin_events_occurred_idx" ON "admin_events" USING btree ("occurred_at");--> statement-breakpoint
CREATE INDEX "admin_events_object_idx" ON "admin_events" USING btree ("object_type","object_id","seq");--> statement-breakpoint
CREATE INDEX "admin_events_actor_idx" ON "admin_events" USING btree ("actor_id","seq");--> statement-breakpoint
CREATE INDEX "limit_counters_expires_idx" ON "limit_counters" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "mcp_sessions_last_seen_idx" ON "mcp_sessions" USING btree ("last_seen_at");--> statement-breakpoint
CREATE INDEX "mcp_sessions_user_idx" ON "mcp_sessions" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "mcp_stream_events_stream_idx" ON "mcp_stream_events" USING btree ("session_id","stream_id","seq");--> statement-breakpoint
CREATE INDEX "mcp_stream_events_created_idx" ON "mcp_stream_events" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "user_connections_upstream_idx" ON "user_connections" USING btree ("upstream_id","created_at");