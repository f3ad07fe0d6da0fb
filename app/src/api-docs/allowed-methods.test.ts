import { describe, expect, it } from 'vitest'
import { allowedMethodsOf } from './allowed-methods.js'
import { openApiDocument } from './openapi.js'

const allowed = allowedMethodsOf(openApiDocument({ version: '1', maxContentChars: 100, authMode: 'none' }))

describe('allowedMethodsOf', () => {
  it('reads the methods of a documented path, templates matching one segment', () => {
    expect(allowed('/api/conversations/abc')).toEqual(['GET', 'DELETE', 'PATCH', 'HEAD'])
    expect(allowed('/api/playground/assistant/chat')).toEqual(['POST'])
    expect(allowed('/health')).toEqual(['GET', 'HEAD'])
  })

  it('knows nothing of undocumented paths (they stay 404)', () => {
    expect(allowed('/api/conversations/a/b')).toBeUndefined()
    expect(allowed('/nope')).toBeUndefined()
  })
})
