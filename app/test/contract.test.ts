import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ENV_NAMES } from '../src/config/config.js'

const root = join(import.meta.dirname, '..', '..')
const read = (path: string) => readFileSync(join(root, path), 'utf8')

function filesUnder(dir: string, ext: RegExp): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(join(root, path)).isDirectory()) return name === 'tests' || name.startsWith('.') ? [] : filesUnder(path, ext)
    return ext.test(name) ? [path] : []
  })
}

/**
 * Names that look like the server's settings: UPPER_SNAKE names of the families the server reads (the first
 * word of each of its settings: OPENAI_, LLM_, KNOWLEDGE_, PLAYGROUND_, REDIS_, ...), so a misspelt setting of
 * any family is caught, whichever family it is in.
 */
const FAMILIES = [...new Set(ENV_NAMES.map((name) => name.split('_')[0]!))]
const SETTING = new RegExp(`\\b(?:${FAMILIES.join('|')})(?:_[A-Z0-9]+)*\\b`, 'g')

/** Names of those families that are not the server's settings, each with why it appears. */
const NOT_SETTINGS = new Map([
  ['NODE_EXTRA_CA_CERTS', "read by Node itself (Terraform points it at Memorystore's CA)"],
  ['REDIS_CA', "a Secret Manager secret's id (Terraform), mounted as a file"],
  ['REDIS_7_2', "Memorystore's version enum (Terraform)"],
  ['GOOGLE_SYMMETRIC_ENCRYPTION', "the KMS key's algorithm (Terraform)"],
])

/** The setting-like names in `text` the server does not read. */
function unknownSettings(text: string): string[] {
  const known = new Set(ENV_NAMES)
  // Prefixes in descriptions ("RATE_LIMIT_* settings") are not settings; neither is AUTH alone.
  return [...text.matchAll(SETTING)].map(([name]) => name).filter((name) => !known.has(name) && !NOT_SETTINGS.has(name) && !/^[A-Z]+$/.test(name))
}

describe('the configuration contract', () => {
  it('docs/configuration.md documents every variable the server reads', () => {
    const doc = read('docs/configuration.md')
    const missing = ENV_NAMES.filter((name) => !doc.includes(`\`${name}\``))
    expect(missing).toEqual([])
  })

  it('catches a misspelt setting of every family, and passes the real ones', () => {
    expect(FAMILIES).toEqual(expect.arrayContaining(['LLM', 'KNOWLEDGE', 'PLAYGROUND', 'OPENAI', 'RATE']))
    expect(unknownSettings('LLM_PROVIDR KNOWLEDGE_DIRECTORY PLAYGROUND_ENABLE RATE_LIMIT_CHATS_PER_MIN')).toEqual([
      'LLM_PROVIDR',
      'KNOWLEDGE_DIRECTORY',
      'PLAYGROUND_ENABLE',
      'RATE_LIMIT_CHATS_PER_MIN',
    ])
    expect(unknownSettings(ENV_NAMES.join(' '))).toEqual([])
  })

  it('the Helm chart and Terraform set only variables the server reads', () => {
    const files = [...filesUnder('charts/hedera-playground-assistant/templates', /\.(yaml|tpl)$/), ...filesUnder('infra/terraform', /\.tf$/)]
    expect(files.length).toBeGreaterThan(10)
    const unknown = files.flatMap((file) => unknownSettings(read(file)).map((name) => `${name} (${file})`))
    expect(unknown).toEqual([])
  })

  it('.env.example names only real variables', () => {
    const names = [...read('.env.example').matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1])
    expect(names.length).toBeGreaterThan(20)
    expect(names.filter((n) => !ENV_NAMES.includes(n!))).toEqual([])
  })
})
