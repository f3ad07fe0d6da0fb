/**
 * The Java and Rust guides (knowledge/guides/java, knowledge/guides/rust): format, language field, and every `apis`
 * name present in that SDK's index. Their examples are compiled by scripts/check-guides-java-rust.sh (javac, cargo check).
 */
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { parseGuideFile } from './guide-file.js'
import { loadKnowledge } from './knowledge-base.js'

const kb = loadKnowledge(join(fileURLToPath(new URL('../../..', import.meta.url)), 'knowledge'))

describe('Java and Rust guides', () => {
  for (const language of ['java', 'rust'] as const) {
    it(`${language}: 25 guides with the language field, one complete example each, names that exist in the SDK`, () => {
      const corpus = kb.corpus(language)!
      expect(corpus.guides).toHaveLength(25)
      for (const guide of corpus.guides) {
        expect(guide.language).toBe(language)
        expect(guide.id.startsWith(`${language}-`), guide.id).toBe(true)
        expect(guide.examples[0], guide.id).toMatch(language === 'java' ? /^import com\.hedera\.hashgraph\.sdk\.\w+;/m : /^use hiero_sdk::/m)
        for (const api of guide.apis) {
          const [cls, member] = api.split(/::|\./)
          expect(corpus.names.hasClass(cls!), `${guide.id}: ${api}`).toBe(true)
          // A public field (receipt.accountId) is not in the index; the compiled example using it proves it exists.
          const known = !member || corpus.names.hasInstanceMethod(cls!, member) || corpus.names.hasStatic(cls!, member) || new RegExp(`\\.${member}\\b`).test(guide.examples[0]!)
          expect(known, `${guide.id}: ${api}`).toBe(true)
        }
      }
    })
  }

  it('parses the language field and rejects an unknown one with the fix', () => {
    const guide = (language: string, fence: string) => `---\nid: x\nlanguage: ${language}\ntitle: T\ntags: [a]\napis: [B]\n---\nIntro.\n\n## S\nText.\n\n\`\`\`${fence}\ncode\n\`\`\`\n`
    expect(parseGuideFile(guide('rust', 'rust'), 'x.md')).toMatchObject({ language: 'rust', examples: ['code\n'] })
    expect(() => parseGuideFile(guide('kotlin', 'kotlin'), 'x.md')).toThrow('x.md: front matter language "kotlin" is unknown; use one of javascript, java, rust (or leave it out for javascript).')
    // A Java guide's example is its ```java block; a ```ts block there is prose, so the guide has no example.
    expect(() => parseGuideFile(guide('java', 'ts'), 'x.md')).toThrow('there is no ```java example')
  })
})
