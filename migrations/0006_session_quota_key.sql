ALTER TABLE "mcp_sessions" ADD COLUMN "quota_key" text;--> statement-breakpoint
CREATE INDEX "mcp_sessions_quota_idx" ON "mcp_sessions" USING btree ("virtual_server_id","quota_key");