/** Key shape checks and the masked form. */
import { describe, expect, it } from 'vitest'
import { keyShapeProblem, maskKey } from './mask.js'

describe('keyShapeProblem', () => {
  it.each(['sk-abcdefghijklmnopqrstu', 'sk-proj-Abc_def-0123456789abcdefXYZ', `sk-${'a'.repeat(509)}`])('accepts %s', (key) => {
    expect(keyShapeProblem(key)).toBeUndefined()
  })

  it.each([
    [undefined, /must be a string/],
    [12, /must be a string/],
    ['sk-abc', /20-512 characters \(got 6\)/],
    [`sk-${'a'.repeat(510)}`, /20-512 characters \(got 513\)/],
    ['pk-abcdefghijklmnopqrstu', /start with "sk-"/],
    ['sk-abcdefghij klmnopqrstu', /remove spaces/],
    ['sk-abcdefghijklmnopqrstu\n', /line breaks/],
  ])('refuses %j, naming apiKey and never echoing it', (key, message) => {
    const problem = keyShapeProblem(key)
    expect(problem).toMatch(message)
    expect(problem).toMatch(/^apiKey /)
    if (typeof key === 'string' && key.length > 10) expect(problem).not.toContain(key.slice(3, 10))
  })
})

describe('maskKey', () => {
  it('keeps the prefix kind and the last four characters only', () => {
    expect(maskKey('sk-abcdefghijklmnopqrstuWXYZ')).toBe('sk-…WXYZ')
    expect(maskKey('sk-proj-abcdefghijklmnopqrstuWXYZ')).toBe('sk-proj-…WXYZ')
    expect(maskKey('sk-svcacct-abcdefghijklmnopqrstu1234')).toBe('sk-svcacct-…1234')
  })
})
