import { describe, expect, it } from 'vitest'
import { utf8Reader } from './utf8-reader.js'

describe('utf8Reader', () => {
  const text = 'data: {"content":"Héllo ✓ 🙂 done"}\n\n'
  const bytes = Buffer.from(text)

  it('decodes a stream split at every byte, inside characters too, to the same text', () => {
    for (let cut = 0; cut <= bytes.length; cut++) {
      const decode = utf8Reader()
      expect(decode(bytes.subarray(0, cut)) + decode(bytes.subarray(cut)), `cut at ${cut}`).toBe(text)
    }
  })

  it('decodes a stream read a byte at a time', () => {
    const decode = utf8Reader()
    let out = ''
    for (let i = 0; i < bytes.length; i++) out += decode(bytes.subarray(i, i + 1))
    expect(out).toBe(text)
  })
})
