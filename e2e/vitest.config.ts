import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['*.test.ts', 'console/*.test.ts'],
    // real gateways, upstream processes and SDK clients: start-up alone takes seconds here
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // one file at a time: each boots its own gateway and upstream processes on a 2-core machine
    fileParallelism: false,
  },
});
