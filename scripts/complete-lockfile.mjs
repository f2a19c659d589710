#!/usr/bin/env node
/**
 * Our registry mirror serves only the platform packages of this machine's kind, so
 * `npm install` leaves the other platforms' optional binaries (biome, rollup, turbo for
 * macOS, Windows, musl…) out of package-lock.json — and then `npm ci` refuses the lock
 * as "out of sync". This adds those optional entries back with the platform guards the
 * real packages declare, so `npm ci` works here and everywhere else (on another platform
 * npm fetches the matching binary by name and version). Run after `npm install`.
 */
import { readFileSync, writeFileSync } from 'node:fs';

const path = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(path, 'utf8'));
const packages = lock.packages;

const OS = { android: 'android', darwin: 'darwin', freebsd: 'freebsd', linux: 'linux', openbsd: 'openbsd', openharmony: 'openharmony', win32: 'win32', windows: 'win32' };
const CPU = { arm64: 'arm64', x64: 'x64', '64': 'x64', ia32: 'ia32', arm: 'arm', loong64: 'loong64', ppc64: 'ppc64', riscv64: 'riscv64', s390x: 's390x' };

/** `@rollup/rollup-linux-arm64-musl` → { os: linux, cpu: arm64, libc: musl }. */
function platformOf(name) {
  const parts = name.split('/').pop().split('-');
  const os = parts.map((p) => OS[p]).find(Boolean);
  const cpu = parts.map((p) => CPU[p]).find(Boolean);
  const libc = parts.some((p) => p.startsWith('musl')) ? 'musl' : parts.some((p) => p === 'gnu' || p.startsWith('gnueabi')) ? 'glibc' : undefined;
  return os && cpu ? { os, cpu, libc } : undefined;
}

let added = 0;
for (const [location, entry] of Object.entries(packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const base = location === '' ? '' : `${location}/`;
    const nested = `${base}node_modules/${name}`;
    if (packages[nested] || packages[`node_modules/${name}`]) continue;
    const platform = platformOf(name);
    if (!platform || !/^\d+\.\d+\.\d+/.test(version)) continue; // only exact-pinned platform binaries
    packages[`node_modules/${name}`] = {
      version,
      optional: true,
      os: [platform.os],
      cpu: [platform.cpu],
      ...(platform.libc && platform.os === 'linux' && { libc: [platform.libc] }),
    };
    added++;
  }
}
lock.packages = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : a > b ? 1 : 0)));
writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`complete-lockfile: added ${added} platform entr${added === 1 ? 'y' : 'ies'}`);
