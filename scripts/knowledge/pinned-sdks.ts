/** The Java and Rust SDK versions the indexes and guide checks pin: read from scripts/sdk-java/pom.xml and scripts/sdk-rust/Cargo.toml. */
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const root = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url))

export const POM = root('scripts/sdk-java/pom.xml')
export const CARGO_TOML = root('scripts/sdk-rust/Cargo.toml')

function pomVersion(): string {
  const pom = readFileSync(POM, 'utf8')
  const version = /<artifactId>sdk<\/artifactId>\s*<version>([^<]+)<\/version>/.exec(pom)?.[1]
  if (!version) throw new Error(`${POM} has no <version> for the sdk artifact`)
  return version
}

function crateVersion(): string {
  const version = /^hiero-sdk\s*=\s*(?:\{[^}]*version\s*=\s*)?"=?([^"]+)"/m.exec(readFileSync(CARGO_TOML, 'utf8'))?.[1]
  if (!version) throw new Error(`${CARGO_TOML} does not pin hiero-sdk; write hiero-sdk = "=X.Y.Z"`)
  return version
}

export const PINNED = {
  java: { sdk: 'com.hedera.hashgraph:sdk', version: pomVersion() },
  rust: { sdk: 'hiero-sdk', version: crateVersion() },
}

/** A short digest of the SDK sources an index was built from: a regenerated index with the same digest is the same input. */
export function sourceDigest(contents: Buffer[]): string {
  const hash = createHash('sha256')
  for (const c of contents) hash.update(c)
  return hash.digest('hex').slice(0, 16)
}
