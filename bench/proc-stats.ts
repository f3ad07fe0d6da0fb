/** What a benchmarked process costs, read from /proc (Linux): CPU time used so far and resident memory. */
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'

const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100

/**
 * CPU time the process's threads have run so far, in ms: the scheduler's own count per thread
 * (/proc/PID/task/TID/schedstat, in ns), so a round of a few hundred ms is not rounded to clock ticks (10 ms,
 * several per cent of a round). A thread that already exited is gone from that list; where schedstat is not
 * available, user + system time from /proc/PID/stat (resolution: one clock tick) is used instead.
 */
export function cpuMs(pid: number): number {
  try {
    let ns = 0
    for (const tid of readdirSync(`/proc/${pid}/task`)) ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0])
    if (Number.isFinite(ns) && ns > 0) return ns / 1e6
  } catch {
    // A thread ended while being read, or no schedstat: the tick count below.
  }
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  // Fields after the command name (which may contain spaces): state is field 3, utime 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND
}

/**
 * CPU time so far of the main thread (the event loop: JavaScript and the I/O it drives) and of all the other
 * threads together (V8's GC and compiler helpers, libuv's pool doing file writes such as stdout, worker threads),
 * in ms from schedstat; undefined where schedstat is not available.
 */
export function cpuMsSplit(pid: number): { main: number; others: number } | undefined {
  try {
    let main = 0
    let others = 0
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const ms = Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]) / 1e6
      if (Number(tid) === pid) main += ms
      else others += ms
    }
    return Number.isFinite(main + others) ? { main, others } : undefined
  } catch {
    return undefined
  }
}

export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024
}

/** The most memory the process has held resident since it started (VmHWM): what a container's limit must allow. */
export function peakRssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)![1]) * 1024
}
