/** Where the pinned Java and Rust SDKs live on this machine (~/.cache/hpa), fetched through Maven and cargo when missing. */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync } from 'node:fs'
import { homedir } from 'node:os'
import { dirname, join } from 'node:path'
import { CARGO_TOML, PINNED, POM } from './pinned-sdks.js'

export const CACHE = process.env.HPA_CACHE ?? join(homedir(), '.cache', 'hpa')
export const M2 = join(CACHE, 'm2')
export const CARGO_HOME = join(CACHE, 'cargo')

/** The unpacked sources jar of the pinned Java SDK; `fetch` runs Maven when it is not cached yet. */
export function javaSources(fetch: boolean): string | undefined {
  const dir = join(CACHE, 'java-sources', `sdk-${PINNED.java.version}`)
  if (existsSync(join(dir, 'com'))) return dir
  if (!fetch) return undefined
  const jars = join(CACHE, 'java-sources')
  mkdirSync(dir, { recursive: true })
  execFileSync('mvn', ['-q', '-B', `-Dmaven.repo.local=${M2}`, '-f', POM, 'dependency:copy', `-Dartifact=${PINNED.java.sdk}:${PINNED.java.version}:jar:sources`, `-DoutputDirectory=${jars}`], { stdio: 'inherit' })
  execFileSync('jar', ['xf', join(jars, `sdk-${PINNED.java.version}-sources.jar`)], { cwd: dir, stdio: 'inherit' })
  return dir
}

/** The pinned crate's source in cargo's registry cache; `fetch` runs `cargo fetch` when it is not there yet. */
export function rustCrate(fetch: boolean, name = 'hiero-sdk', version = PINNED.rust.version): string | undefined {
  const found = findCrate(name, version)
  if (found || !fetch) return found
  execFileSync('cargo', ['fetch', '--manifest-path', CARGO_TOML], { stdio: 'inherit', env: { ...process.env, CARGO_HOME } })
  return findCrate(name, version)
}

function findCrate(name: string, version?: string): string | undefined {
  const src = join(CARGO_HOME, 'registry', 'src')
  if (!existsSync(src)) return undefined
  for (const registry of readdirSync(src)) {
    const dirs = readdirSync(join(src, registry)).filter((d) => (version ? d === `${name}-${version}` : d.startsWith(`${name}-`) && /^\d/.test(d.slice(name.length + 1))))
    if (dirs.length) return join(src, registry, dirs.sort().at(-1)!)
  }
  return undefined
}

/** The protobuf crate hiero-sdk's `Status` comes from (its response codes live in a .proto file there). */
export function rustProtoCrate(): string | undefined {
  return findCrate('hiero-sdk-proto')
}

export const indexFile = (language: 'java' | 'rust') => join(dirname(dirname(dirname(new URL(import.meta.url).pathname))), 'knowledge', `api-index.${language}.json`)
