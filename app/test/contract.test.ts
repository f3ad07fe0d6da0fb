import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ENV_NAMES } from '../src/config.js'

const root = join(import.meta.dirname, '..', '..')
const read = (path: string) => readFileSync(join(root, path), 'utf8')

function filesUnder(dir: string, ext: RegExp): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(join(root, path)).isDirectory()) return name === 'tests' || name.startsWith('.') ? [] : filesUnder(path, ext)
    return ext.test(name) ? [path] : []
  })
}

/** Names that look like the server's settings (not Kubernetes or Terraform identifiers). */
const SETTING = /\b(?:OPENAI|AUTH|API_TOKENS|JWT|ADMIN_TOKEN|METRICS_(?:PORT|TOKEN)|REDIS_(?:URL|PASSWORD)|RATE_LIMIT|DAILY_TOKEN|TRUSTED_PROXY|LOG_(?:LEVEL|CONTENT)|CORS_ORIGINS|SHUTDOWN_GRACE|RESUME_GRACE|HISTORY_|HEARTBEAT_|WS_MAX|CHAT_MAX|SYSTEM_PROMPT|ANSWER_)[A-Z0-9_]*\b/g

describe('the configuration contract', () => {
  it('README or a topic doc in docs/ documents every variable the server reads', () => {
    const docs = [read('README.md'), ...filesUnder('docs', /\.md$/).map(read)].join('\n')
    const missing = ENV_NAMES.filter((name) => !docs.includes(`\`${name}\``))
    expect(missing).toEqual([])
  })

  it('the Helm chart and Terraform set only variables the server reads', () => {
    const files = [...filesUnder('charts/hedera-playground-assistant/templates', /\.(yaml|tpl)$/), ...filesUnder('infra/terraform', /\.tf$/)]
    expect(files.length).toBeGreaterThan(10)
    const known = new Set(ENV_NAMES)
    const unknown = new Set<string>()
    for (const file of files) {
      for (const [name] of read(file).matchAll(SETTING)) {
        // Prefixes in descriptions ("RATE_LIMIT_* settings") are not settings.
        if (!name.endsWith('_') && name !== 'AUTH' && !known.has(name)) unknown.add(`${name} (${file})`)
      }
    }
    expect([...unknown]).toEqual([])
  })

  it('.env.example names only real variables', () => {
    const names = [...read('.env.example').matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1])
    expect(names.length).toBeGreaterThan(20)
    expect(names.filter((n) => !ENV_NAMES.includes(n!))).toEqual([])
  })
})
