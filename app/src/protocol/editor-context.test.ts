import { describe, expect, it } from 'vitest'
import { DEFAULT_EDITOR_LIMITS, editorContextSchema } from './editor-context.js'
import { describeIssues } from './frames.js'

const schema = editorContextSchema({ maxCodeChars: 100, maxOutputChars: 50 })
const problem = (value: unknown) => {
  const result = schema.safeParse(value)
  return result.success ? undefined : describeIssues(result.error)
}

describe('editorContextSchema', () => {
  it('accepts what the Playground sends, with code and output defaulting to empty', () => {
    const full = { type: 'code-review', language: 'typescript', currentLine: 3, code: 'const a = 1', output: 'ok', model: 'gpt-4o', useCustomKey: false }
    expect(schema.parse(full)).toEqual(full)
    expect(schema.parse({ type: 'general-assistant' })).toEqual({ type: 'general-assistant', code: '', output: '' })
    expect(schema.parse({ type: 'execution-analysis', language: 'rust', extra: 1 })).toEqual({ type: 'execution-analysis', language: 'rust', code: '', output: '' })
  })

  it('refuses another type, naming the allowed ones', () => {
    expect(problem({ type: 'chat' })).toBe('type must be one of general-assistant, code-review, execution-analysis')
    expect(problem({})).toBe('type must be one of general-assistant, code-review, execution-analysis')
  })

  it('refuses code and output over their bounds, naming the field and the bound', () => {
    expect(problem({ type: 'code-review', code: 'x'.repeat(101) })).toBe('code must be at most 100 characters')
    expect(problem({ type: 'code-review', output: 'x'.repeat(51) })).toBe('output must be at most 50 characters')
    expect(DEFAULT_EDITOR_LIMITS.maxCodeChars).toBeGreaterThan(DEFAULT_EDITOR_LIMITS.maxOutputChars)
  })

  it('refuses a cursor that is not a line number and a language that is not a name', () => {
    expect(problem({ type: 'code-review', currentLine: 1.5 })).toBe('currentLine must be a whole number')
    expect(problem({ type: 'code-review', currentLine: -1 })).toBe('currentLine must be the 1-based line of the cursor (0 for none)')
    expect(problem({ type: 'code-review', currentLine: '3' })).toBe('currentLine must be a number')
    expect(problem({ type: 'code-review', language: 'Type Script!' })).toMatch(/^language must be a short lowercase language name such as typescript/)
    expect(problem({ type: 'code-review', useCustomKey: 'yes' })).toBe('useCustomKey must be true or false')
  })
})
