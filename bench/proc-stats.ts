/**
 * Resource figures of the process under test, read from Linux /proc.
 * Only that one process is measured (the gateway or proxy itself), never the stdio
 * servers it spawns: the echo server is the same in every target, so counting it
 * would only blur the difference between proxies.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let clockTicks: number | undefined;

/** Kernel clock ticks per second (units of utime/stime); almost always 100. */
function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** Resident set size in bytes, or undefined once the process is gone. */
export function rssBytes(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** User + system CPU time consumed so far, in microseconds. */
export function cpuMicros(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm (field 2) may contain spaces and parentheses: split after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state), so utime (14) and stime (15) are at 11 and 12.
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? (ticks / ticksPerSecond()) * 1e6 : undefined;
  } catch {
    return undefined;
  }
}

/** Samples RSS on an interval to catch the peak, which a single read at the end would miss. */
export class RssSampler {
  private peak = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly pid: number,
    private readonly intervalMs = 100,
  ) {}

  start(): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    // Never keep the benchmark alive just for sampling.
    this.timer.unref();
  }

  sample(): number | undefined {
    const rss = rssBytes(this.pid);
    if (rss !== undefined && rss > this.peak) this.peak = rss;
    return rss;
  }

  stop(): number {
    if (this.timer) clearInterval(this.timer);
    this.sample();
    return this.peak;
  }
}

/** The pids of a process's children (Linux: its main thread's `children` list). */
function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/**
 * CPU of a process and everything under it, in microseconds: its own utime+stime, what its
 * exited children spent (cutime+cstime, once reaped) and, recursively, its live children's.
 * For Postgres (the postmaster and its backends), whose backends come and go: a delta of
 * two readings counts a backend that exited in between once, in the parent's cutime.
 */
export function treeCpuMicros(pid: number, depth = 0): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime, stime, cutime, cstime: fields 14–17, at 11–14 here (see cpuMicros)
    const ticks = Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
    let micros = (ticks / ticksPerSecond()) * 1e6;
    // bounded: Postgres is two levels deep (postmaster → backends)
    if (depth < 3) for (const child of childPids(pid)) micros += treeCpuMicros(child, depth + 1) ?? 0;
    return Number.isFinite(micros) ? micros : undefined;
  } catch {
    return undefined;
  }
}
