import { describe, expect, it } from 'vitest'
import { chooseLanguages, editorLanguage, mentionedLanguages } from './languages.js'

describe('chooseLanguages', () => {
  it('follows the editor: typescript and javascript use the JavaScript SDK, java and rust their own', () => {
    expect(chooseLanguages('create a token', 'typescript')).toEqual({ languages: ['javascript'] })
    expect(chooseLanguages('create a token', 'JavaScript')).toEqual({ languages: ['javascript'] })
    expect(chooseLanguages('create a token', 'java')).toEqual({ languages: ['java'] })
    expect(chooseLanguages('create a token', 'rust')).toEqual({ languages: ['rust'] })
    expect(chooseLanguages('create a token')).toEqual({ languages: ['javascript'] })
  })

  it('lets the question override the editor, and answers in both when it names both', () => {
    expect(chooseLanguages('how do I do this in Rust?', 'java')).toEqual({ languages: ['rust'] })
    expect(chooseLanguages('How do I create a token in Java?')).toEqual({ languages: ['java'] })
    expect(chooseLanguages('what is the difference between the Java and Rust SDK here')).toEqual({ languages: ['java', 'rust'] })
  })

  it('does not read JavaScript as Java, nor "create" as a Rust crate', () => {
    expect(mentionedLanguages('in JavaScript, and in Java Script')).toEqual(['javascript'])
    expect(mentionedLanguages('create a topic')).toEqual([])
    expect(mentionedLanguages('which crate do I add')).toEqual(['rust'])
  })

  it('reads the ends of a long paste for language names (where the question is), not its middle', () => {
    const paste = 'INVALID_SIGNATURE at execute (Executable.js:123)\n'.repeat(4000)
    expect(mentionedLanguages(`in Java: ${paste}`)).toEqual(['java'])
    expect(mentionedLanguages(`${paste}how do I fix this in Rust?`)).toEqual(['rust'])
    expect(mentionedLanguages(`${paste}see com.hedera.hashgraph above${paste}`)).toEqual([])
  })

  it('answers a Go editor from JavaScript with a note, and a missing corpus likewise', () => {
    const go = chooseLanguages('create a token', 'go')
    expect(go.languages).toEqual(['javascript'])
    expect(go.note).toMatch(/no Go SDK reference/)
    expect(editorLanguage('cobol')).toBe('unsupported')
    const noRust = chooseLanguages('create a token', 'rust', new Set(['javascript', 'java']))
    expect(noRust).toEqual({ languages: ['javascript'], note: expect.stringContaining('no Rust reference') as string })
  })
})
