import { describe, expect, it } from 'vitest'
import { checkedLanguage, DEFAULT_LIMITS, inputProblem } from './input.js'

describe('input bounds', () => {
  it('passes ordinary code and names the limit it exceeds', () => {
    expect(inputProblem('const a = 1\n', DEFAULT_LIMITS)).toBeUndefined()
    expect(inputProblem('x'.repeat(300_000), DEFAULT_LIMITS)).toMatch(/300 KB, over the 200 KB/)
    expect(inputProblem('a\n'.repeat(10_000), DEFAULT_LIMITS)).toMatch(/10001 lines, over the 5000/)
    expect(inputProblem('ab\u0000cd', DEFAULT_LIMITS)).toMatch(/NUL bytes/)
    expect(inputProblem('\u0001\u0002\u0003'.repeat(100), DEFAULT_LIMITS)).toMatch(/control characters/)
  })

  it('knows the JS/TS spellings and nothing else', () => {
    expect(checkedLanguage('TypeScript')).toBe('typescript')
    expect(checkedLanguage('js')).toBe('javascript')
    expect(checkedLanguage('java')).toBeUndefined()
    expect(checkedLanguage('rust')).toBeUndefined()
  })
})
