import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ASYNCAPI_PATH, asyncApiYaml } from '../../../scripts/generate-api-docs.js'
import { asyncApiDocument } from './asyncapi.js'

const PYTHON = join(import.meta.dirname, '..', '..', '..', '.tools', 'venv', 'bin', 'python')

describe('docs/asyncapi.yaml', () => {
  it('is what the zod schemas generate now (run npm run docs:api after changing the protocol)', async () => {
    expect(readFileSync(ASYNCAPI_PATH, 'utf8')).toBe(await asyncApiYaml())
  })

  it('is YAML that reads back as the generated document (PyYAML)', () => {
    expect(existsSync(PYTHON), `${PYTHON} is missing; run bash scripts/tools/python.sh`).toBe(true)
    const read = spawnSync(PYTHON, ['-c', 'import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))', ASYNCAPI_PATH], { encoding: 'utf8' })
    expect(read.status, read.stderr).toBe(0)
    const parsed = JSON.parse(read.stdout) as { info: { version: string } }
    expect(parsed).toEqual(asyncApiDocument({ version: parsed.info.version, maxContentChars: 16_000, authMode: 'none' }))
  })

  it('describes every client frame with the limits the server enforces', () => {
    const doc = asyncApiDocument({ version: '1', maxContentChars: 1234, authMode: 'none' }) as {
      components: { messages: Record<string, { payload: { properties: Record<string, { maxLength?: number; minimum?: number }> } }> }
    }
    const messages = doc.components.messages
    expect(Object.keys(messages)).toEqual(['chat', 'ping', 'cancel', 'resume', 'subscribe', 'unsubscribe', 'serverFrame'])
    expect(messages.chat!.payload.properties.content!.maxLength).toBe(1234)
    expect(messages.resume!.payload.properties.lastSeq!.minimum).toBe(-1)
  })
})
