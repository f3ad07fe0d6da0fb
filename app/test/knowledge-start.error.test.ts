/** The process refuses to start without a usable knowledge base or with LLM_PROVIDER=openai and no key: one line each. */
import { copyFileSync, cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { startProcess, startRefusal } from './support/process.js'
import { connect } from './support/ws-client.js'

const knowledge = fileURLToPath(new URL('../../knowledge', import.meta.url))
const dirs: string[] = []
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })))

function brokenKnowledge(index: string | undefined): string {
  const dir = mkdtempSync(join(tmpdir(), 'knowledge-start-'))
  dirs.push(dir)
  cpSync(join(knowledge, 'guides'), join(dir, 'guides'), { recursive: true })
  if (index === undefined) copyFileSync(join(knowledge, 'api-index.json'), join(dir, 'api-index.json'))
  else writeFileSync(join(dir, 'api-index.json'), index)
  return dir
}

describe('start-up checks of the knowledge base and the provider', () => {
  it('a corrupt API index stops the process with one line naming the file and the rebuild command', async () => {
    const dir = brokenKnowledge('{"sdk": "@hiero-ledger/sdk", "version": ')
    expect(await startRefusal({ KNOWLEDGE_DIR: dir })).toBe(`The API index ${join(dir, 'api-index.json')} is not valid JSON; run \`npm run knowledge:build\` to regenerate it`)
  })

  it('a missing index or guides folder does the same', async () => {
    expect(await startRefusal({ KNOWLEDGE_DIR: '/nonexistent/knowledge' })).toMatch(/^The API index \/nonexistent\/knowledge\/api-index.json is missing; run `npm run knowledge:build`/)
    const dir = brokenKnowledge(undefined)
    rmSync(join(dir, 'guides'), { recursive: true })
    expect(await startRefusal({ KNOWLEDGE_DIR: dir })).toMatch(/^The guides folder .*guides is missing/)
  })

  it('LLM_PROVIDER=openai without a key stops the process with one clear line', async () => {
    expect(await startRefusal({ LLM_PROVIDER: 'openai' })).toMatch(/LLM_PROVIDER=openai needs OPENAI_API_KEY \(or OPENAI_API_KEY_SECRET\); set one, or set LLM_PROVIDER=offline/)
  })

  it('without a key the real process starts offline, logs the knowledge base it built, and answers', async () => {
    const server = await startProcess({})
    try {
      const loaded = server.stdout.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.event === 'knowledge')!
      expect(loaded).toMatchObject({ sdkVersion: '2.87.0' })
      expect(loaded.buildMs).toEqual(expect.any(Number))
      expect(loaded.heapBytes).toEqual(expect.any(Number))
      const socket = await connect(server.ws)
      socket.send({ type: 'chat', content: 'associate a token', messageId: 'p-1' })
      const frames = await socket.answer('p-1')
      expect(frames.at(-1)).toMatchObject({ type: 'chat_complete', metadata: { model: 'offline-knowledge-base' } })
      socket.close()
    } finally {
      await server.stop()
    }
  })
})
