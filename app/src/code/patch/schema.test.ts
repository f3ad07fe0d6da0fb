import { describe, expect, it } from 'vitest'
import { parseProposeCodeInput, proposeCodeJsonSchema } from './schema.js'

describe('proposeCode input', () => {
  it('accepts the Playground shape, as an object or a JSON string', () => {
    const input = { changes: [{ mode: 'replace', code: 'x()', contextBefore: 'a', contextAfter: 'b' }] }
    expect(parseProposeCodeInput(input)).toEqual({ ok: true, value: input })
    expect(parseProposeCodeInput(JSON.stringify(input))).toEqual({ ok: true, value: input })
  })

  it('names the bad field', () => {
    expect(parseProposeCodeInput({ changes: [{ mode: 'move', code: '', contextBefore: '', contextAfter: '' }] })).toMatchObject({ ok: false, error: expect.stringMatching(/^changes\.0\.mode: /) as string })
    expect(parseProposeCodeInput({ changes: [] })).toMatchObject({ ok: false, error: expect.stringMatching(/^changes: /) as string })
    expect(parseProposeCodeInput('{not json')).toMatchObject({ ok: false, error: expect.stringMatching(/not valid JSON/) as string })
  })

  it('has a JSON schema for the tool definition with the four fields required', () => {
    const schema = proposeCodeJsonSchema() as { type: string; properties: { changes: { items: { required: string[]; properties: { mode: { enum: string[] } } } } } }
    expect(schema.type).toBe('object')
    expect(schema.properties.changes.items.required.sort()).toEqual(['code', 'contextAfter', 'contextBefore', 'mode'])
    expect(schema.properties.changes.items.properties.mode.enum).toEqual(['add', 'replace', 'delete'])
    expect(JSON.stringify(schema)).not.toContain('$schema')
  })
})
