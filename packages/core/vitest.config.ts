import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // upstream tests spawn real MCP servers (tsx start-up alone is ~1 s on a small machine)
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
