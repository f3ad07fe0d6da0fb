import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { loadKnowledge } from '../knowledge/knowledge-base.js'
import type { EditorContext } from '../protocol/editor-context.js'
import { buildGrounding, buildMessages, CURSOR_MARK, DEFAULT_SYSTEM_PROMPT, MAX_CONTEXT_CHARS, renderEditorContext, retrievalQuery, statusNamesIn } from './prompt.js'

const kb = loadKnowledge(fileURLToPath(new URL('../../../knowledge', import.meta.url)))

describe('buildGrounding', () => {
  it('numbers one source per guide or class, in rank order, and lists them as the sources', () => {
    const passages = kb.retrieve('associate a token before receiving it')
    const grounding = buildGrounding(passages)!
    expect(grounding.sources.length).toBeGreaterThan(1)
    grounding.sources.forEach((source, i) => expect(grounding.block).toContain(`[${i + 1}] ${source.kind === 'guide' ? 'guide' : 'SDK reference:'}`))
    expect(new Set(grounding.sources.map((s) => `${s.kind}:${s.id}`)).size).toBe(grounding.sources.length)
    expect(grounding.block).toMatch(/cite the sources you use as \[n\]/)
  })

  it('stays within its budget however many passages come, dropping the sources that do not fit', () => {
    const many = kb.retrieve('token account transfer key transaction', [], 40)
    const grounding = buildGrounding(many)!
    expect(grounding.block.length).toBeLessThanOrEqual(MAX_CONTEXT_CHARS)
    const tight = buildGrounding(many, 3000)!
    expect(tight.block.length).toBeLessThanOrEqual(3000)
    expect(tight.sources.length).toBeLessThan(grounding.sources.length)
  })

  it('is undefined when nothing was retrieved, and then the messages carry no context', () => {
    expect(buildGrounding([])).toBeUndefined()
    expect(buildMessages(DEFAULT_SYSTEM_PROMPT, [], 'q', undefined)).toEqual([
      { role: 'system', content: DEFAULT_SYSTEM_PROMPT },
      { role: 'user', content: 'q' },
    ])
  })

  it('is built once per retrieval: the same question and turns give the same block, the same text as built fresh', () => {
    const passages = kb.retrieve('freeze an account for my token', ['how do I create a token'])
    const first = buildGrounding(passages)!
    expect(buildGrounding(kb.retrieve('freeze an account for my token', ['how do I create a token']))).toBe(first)
    // A copy is not the cached retrieval: built again, to the same text.
    const fresh = buildGrounding([...passages])!
    expect(fresh).not.toBe(first)
    expect(fresh).toEqual(first)
  })

  it('is shared by different questions that find the same passages, with the message that carries it', () => {
    const found = kb.retrieve('mint an nft')
    const first = buildGrounding(found)!
    // Another question (another cache key), the same passages: the same frozen array, so the same block.
    const same = kb.retrieve('Mint an NFT?')
    expect(same).toBe(found)
    expect(buildGrounding(same)).toBe(first)
    expect(first.message).toEqual({ role: 'system', content: first.block })
    expect(Object.isFrozen(first.message)).toBe(true)
  })

  it('goes between the system prompt and the history', () => {
    const grounding = buildGrounding(kb.retrieve('mint an nft'))!
    const messages = buildMessages('custom', [{ role: 'user', content: 'a' }, { role: 'assistant', content: 'b' }], 'mint an nft', grounding)
    expect(messages.map((m) => m.role)).toEqual(['system', 'system', 'user', 'assistant', 'user'])
    expect(messages[0]!.content).toBe('custom')
    expect(messages[1]!.content).toBe(grounding.block)
  })
})

describe('renderEditorContext', () => {
  const file = ['import { Client } from "@hiero-ledger/sdk"', 'const client = Client.forTestnet()', 'await tx.execute(client)'].join('\n')
  const editor = (over: Partial<EditorContext> = {}): EditorContext => ({ type: 'execution-analysis', language: 'typescript', currentLine: 2, code: file, output: '', ...over })

  it('numbers every line, marks the cursor, names the mode and the language', () => {
    const text = renderEditorContext(editor())
    expect(text).toContain('Mode: execution-analysis. Language: typescript.')
    expect(text).toContain(`${CURSOR_MARK} 2 | const client = Client.forTestnet()`)
    expect(text).toContain('   1 | import { Client } from "@hiero-ledger/sdk"')
    expect(text).toContain('```typescript\n')
    expect(text).toContain('3 lines, numbered; the cursor is on line 2')
    expect(text).toContain('There is no run output')
  })

  it('keeps the lines around the cursor when the file is over budget and says which were shown', () => {
    const long = Array.from({ length: 1000 }, (_, i) => `const line${i + 1} = ${i + 1}`).join('\n')
    const text = renderEditorContext(editor({ code: long, currentLine: 500 }), { maxCodeChars: 2000, maxOutputChars: 100 })
    expect(text).toContain(`${CURSOR_MARK}  500 | const line500 = 500`)
    const shown = [...text.matchAll(/^(?:>>| {2}) +(\d+) \| /gm)].map((m) => Number(m[1]))
    expect(shown[0]).toBeGreaterThan(400)
    expect(shown.at(-1)).toBeLessThan(600)
    expect(text).toContain(`only lines ${shown[0]}-${shown.at(-1)} of 1000, around the cursor, are shown`)
    expect(text.length).toBeLessThan(2600)
  })

  it('keeps the head and the longer tail of a long output, naming how much of the middle was cut', () => {
    const output = `start\n${'x'.repeat(10_000)}\nReceiptStatusError: TOKEN_NOT_ASSOCIATED_TO_ACCOUNT`
    const text = renderEditorContext(editor({ output }), { maxCodeChars: 10_000, maxOutputChars: 1000 })
    expect(text).toContain('start\n')
    expect(text).toContain('TOKEN_NOT_ASSOCIATED_TO_ACCOUNT')
    expect(text).toMatch(/\[… \d+ characters of the middle of the output left out …\]/)
    expect(text).toContain(`cut from ${output.length} characters`)
  })

  it('strips terminal colours, cuts very long lines and cannot be closed early by backticks in the file', () => {
    const text = renderEditorContext(editor({ code: `const s = \`a\`\n// \`\`\`\`\`\n${'y'.repeat(1000)}`, currentLine: 0, output: '\u001b[31mError\u001b[0m' }))
    expect(text).toContain('``````typescript\n')
    expect(text).toContain('more characters of this line left out]')
    expect(text).toContain('no cursor line was given')
    expect(text).toContain('\nError\n')
    expect(text).not.toContain('\u001b')
  })

  it('goes into the user message before the question, not into a system message', () => {
    const block = renderEditorContext(editor())
    const messages = buildMessages('sys', [], 'why does it fail?', undefined, block)
    expect(messages.map((m) => m.role)).toEqual(['system', 'user'])
    expect(messages[1]!.content).toBe(`${block}\n\nMy question: why does it fail?`)
  })
})

describe('retrievalQuery', () => {
  it('adds the status names of the run output, so the error pulls the guide about it', () => {
    const editor: EditorContext = {
      type: 'execution-analysis',
      language: 'typescript',
      currentLine: 1,
      code: 'await new TransferTransaction().execute(client)',
      output: 'ReceiptStatusError: receipt for transaction 0.0.2@1.2 contained error status TOKEN_NOT_ASSOCIATED_TO_ACCOUNT',
    }
    const query = retrievalQuery('why did my run fail?', editor)
    expect(query).toContain('TOKEN_NOT_ASSOCIATED_TO_ACCOUNT')
    const ids = kb.retrieve(query).map((p) => p.sourceId)
    expect(ids.slice(0, 3)).toContain('errors-token-transfers')
    const without = kb.retrieve('why did my run fail?').map((p) => p.sourceId)
    expect(without.slice(0, 3)).not.toContain('errors-token-transfers')
  })

  it('lists the most recent status first, each once, and is the bare question without an editor', () => {
    expect(statusNamesIn('INVALID_SIGNATURE then TOKEN_IS_PAUSED then INVALID_SIGNATURE')).toEqual(['INVALID_SIGNATURE', 'TOKEN_IS_PAUSED'])
    expect(statusNamesIn('all good, SUCCESS')).toEqual([])
    expect(retrievalQuery('q')).toBe('q')
  })
})
