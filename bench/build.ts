/** Benchmarks measure the server as it ships: compiled by `npm run build` and run with plain node. */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

/** BENCH_SERVER_ENTRY runs an already compiled server instead (e.g. a copy of an earlier build, for before/after). */
export function buildServer(): string {
  if (process.env.BENCH_SERVER_ENTRY) return path.resolve(process.env.BENCH_SERVER_ENTRY)
  execFileSync('npm', ['run', '-s', 'build'], { stdio: 'inherit', cwd: fileURLToPath(new URL('..', import.meta.url)) })
  return fileURLToPath(new URL('../dist/main.js', import.meta.url))
}

/**
 * The Node flags the server ships with: those of `npm start` (`node <flags> dist/main.js`; the image's CMD
 * carries the same, app/test/container/dockerfile.test.ts checks), so benchmarks run it as deployed, on node's
 * command line as those do. BENCH_NODE_FLAGS replaces them (empty: none), to compare.
 */
export function shippedNodeFlags(): string[] {
  if (process.env.BENCH_NODE_FLAGS !== undefined) return process.env.BENCH_NODE_FLAGS.split(' ').filter(Boolean)
  const manifest = JSON.parse(readFileSync(fileURLToPath(new URL('../package.json', import.meta.url)), 'utf8')) as { scripts: { start: string } }
  const match = /^node((?: --\S+)*) dist\/main\.js$/.exec(manifest.scripts.start)
  if (!match) throw new Error(`package.json's start script is not "node [--flags] dist/main.js": ${manifest.scripts.start}`)
  return match[1]!.split(' ').filter(Boolean)
}
