/** knowledge/eval/questions.{java,rust}.json: each question points at a guide of its language and at names its SDK has. */
import { describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { LANGUAGE_QUESTION_FILES, readLanguageQuestions } from '../../../scripts/knowledge/eval-languages.js'
import { loadKnowledge } from './knowledge-base.js'

const kb = loadKnowledge(join(fileURLToPath(new URL('../../..', import.meta.url)), 'knowledge'))

describe('Java and Rust evaluation questions', () => {
  for (const language of Object.keys(LANGUAGE_QUESTION_FILES) as (keyof typeof LANGUAGE_QUESTION_FILES)[]) {
    it(`${language}: guides of that language, names of that SDK, halves of equal size, every guide asked about`, () => {
      const questions = readLanguageQuestions(language)
      const corpus = kb.corpus(language)!
      const guides = new Set(corpus.guides.map((g) => g.id))
      for (const q of questions) {
        expect(guides.has(q.guide), `${q.question} -> ${q.guide}`).toBe(true)
        for (const api of q.apis) {
          const [cls, member] = api.split(/::|\./)
          expect(corpus.names.hasClass(cls!), api).toBe(true)
          if (member) expect(corpus.names.hasInstanceMethod(cls!, member) || corpus.names.hasStatic(cls!, member), api).toBe(true)
        }
      }
      const held = questions.filter((q) => q.split === 'heldout').length
      expect(held).toBe(questions.length - held)
      expect(new Set(questions.map((q) => q.guide))).toEqual(guides)
    })
  }
})
