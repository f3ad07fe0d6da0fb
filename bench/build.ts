/** Benchmarks measure the server as it ships: compiled by `npm run build` and run with plain node. */
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export function buildServer(): string {
  execFileSync('npm', ['run', '-s', 'build'], { stdio: 'inherit', cwd: fileURLToPath(new URL('..', import.meta.url)) })
  return fileURLToPath(new URL('../dist/main.js', import.meta.url))
}
