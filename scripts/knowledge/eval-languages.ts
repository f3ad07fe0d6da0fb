/** The Java and Rust half of `npm run eval:knowledge`: hit@1/hit@5 per language and split, offline answers in that language. */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { z } from 'zod'
import type { KnowledgeBase } from '../../app/src/knowledge/knowledge-base.js'
import type { Passage } from '../../app/src/knowledge/passages.js'
import { createOfflineClient } from '../../app/src/offline/offline-client.js'

export const LANGUAGE_QUESTION_FILES = { java: 'questions.java.json', rust: 'questions.rust.json' } as const
type Language = keyof typeof LANGUAGE_QUESTION_FILES

/** Questions are written before any tuning; `tuning` may be looked at while changing retrieval, `heldout` may not. */
export const languageQuestionSchema = z.array(z.strictObject({ split: z.enum(['tuning', 'heldout']), question: z.string().trim().min(10), apis: z.array(z.string().min(1)).min(1), guide: z.string().min(1) })).min(1)
export type LanguageQuestion = z.infer<typeof languageQuestionSchema>[number]

export function readLanguageQuestions(language: Language): LanguageQuestion[] {
  const file = fileURLToPath(new URL(`../../knowledge/eval/${LANGUAGE_QUESTION_FILES[language]}`, import.meta.url))
  return languageQuestionSchema.parse(JSON.parse(readFileSync(file, 'utf8')))
}

/** `Class.method` (Java) or `Type::method` (Rust) -> the class. */
const classOf = (api: string) => api.split(/::|\./)[0]!

function isHit(p: Passage, q: LanguageQuestion): boolean {
  return p.kind === 'guide' ? p.sourceId === q.guide : q.apis.some((api) => classOf(api) === p.sourceId)
}

const pct = (n: number, d: number) => `${((100 * n) / Math.max(1, d)).toFixed(1)} %`

/** Rows of the report; the editor's language is set as the Playground sets it (questions do not name the language). */
export async function evalLanguages(kb: KnowledgeBase, misses: string[]): Promise<string[][]> {
  const rows: string[][] = []
  for (const language of Object.keys(LANGUAGE_QUESTION_FILES) as Language[]) {
    const questions = readLanguageQuestions(language)
    for (const split of ['heldout', 'tuning'] as const) {
      const set = questions.filter((q) => q.split === split)
      let hit1 = 0
      let hit5 = 0
      let right = 0
      let mixed = 0
      let unknown = 0
      for (const q of set) {
        const top = kb.retrieve(q.question, [], 5, language)
        if (top[0] && isHit(top[0], q)) hit1++
        if (top.some((p) => isHit(p, q))) hit5++
        else misses.push(`${language} ${split} retrieval: "${q.question}" wanted ${q.guide}; got ${top.map((p) => p.sourceId).join(', ')}`)
        if (top.some((p) => p.language !== language)) mixed++
        let text = ''
        await createOfflineClient(kb).stream([{ role: 'user', content: q.question }], { signal: new AbortController().signal, onDelta: (t) => (text += t), language })
        if (q.apis.some((api) => text.includes(classOf(api)))) right++
        else misses.push(`${language} ${split} offline: "${q.question}" names none of ${q.apis.join(', ')}`)
        unknown += kb.checkApi(text).unknown.length
      }
      const label = `${language === 'java' ? 'Java' : 'Rust'} ${split === 'heldout' ? 'held-out' : 'tuning'} (${set.length})`
      rows.push([`${label}: hit@1 / hit@5`, `${pct(hit1, set.length)} / ${pct(hit5, set.length)}`, split === 'heldout' ? 'reported' : ''])
      rows.push([`${label}: offline answers naming a right class / answers with another language's passages / unknown names`, `${pct(right, set.length)} / ${mixed} / ${unknown}`, '/ 0 / 0'])
    }
  }
  return rows
}
