/** Benchmarks measure the server as it ships: compiled by `npm run build` and run with plain node. */
import { execFileSync } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

/** BENCH_SERVER_ENTRY runs an already compiled server instead (e.g. a copy of an earlier build, for before/after). */
export function buildServer(): string {
  if (process.env.BENCH_SERVER_ENTRY) return path.resolve(process.env.BENCH_SERVER_ENTRY)
  execFileSync('npm', ['run', '-s', 'build'], { stdio: 'inherit', cwd: fileURLToPath(new URL('..', import.meta.url)) })
  return fileURLToPath(new URL('../dist/main.js', import.meta.url))
}
