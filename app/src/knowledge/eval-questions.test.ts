/**
 * knowledge/eval/questions.json (the tuning set) and held-out.json (never tuned on): questions as developers
 * ask them, each pointing at a guide that exists and at SDK names that exist, every guide answering at least
 * one tuning question, and no question in both sets.
 */
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { sdkNames, sdkProgram, type SdkNames } from '../../test/support/sdk-names.js'
import { readGuides } from './guide-file.js'

const root = resolve(fileURLToPath(new URL('../../..', import.meta.url)))
const questionSchema = z.strictObject({
  question: z.string().trim().min(10),
  apis: z.array(z.string().min(1)).min(1),
  guide: z.string().min(1),
})
const readSet = (name: string) => z.array(questionSchema).safeParse(JSON.parse(readFileSync(join(root, 'knowledge', 'eval', name), 'utf8')))
const parsed = readSet('questions.json')
const parsedHeldOut = readSet('held-out.json')
const tuning = parsed.success ? parsed.data : []
const heldOut = parsedHeldOut.success ? parsedHeldOut.data : []
/** Both sets: every check on a question's guide, names and wording applies to the held-out ones too. */
const questions = [...tuning, ...heldOut]
const guides = new Map(readGuides(join(root, 'knowledge', 'guides')).map((guide) => [guide.id, guide]))
let names: SdkNames

beforeAll(() => {
  names = sdkNames(sdkProgram())
})

/** Words that are SDK code: an exported PascalCase name with two humps (TransferTransaction) or any camelCase identifier (setGas). */
function codeWords(text: string): string[] {
  const words = text.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []
  return words.filter((word) => (/^[A-Z][a-z0-9]+[A-Z]/.test(word) && !names.problem(word)) || /^[a-z]+[A-Z]/.test(word))
}

/** Whether code uses an SDK name: its last part as a word, or a status as the network spells it (INVALID_SIGNATURE). */
function mentions(code: string, api: string): boolean {
  const word = api.split('.').at(-1) ?? api
  const spelled = api.startsWith('Status.') ? word.replace(/(?<=[a-z0-9])(?=[A-Z])/g, '_').toUpperCase() : word
  return new RegExp(`\\b(${word}|${spelled})\\b`).test(code)
}

describe('eval questions', () => {
  it('parse as { question, apis, guide } entries, at least 70 to tune on and 40 held out, none repeated', () => {
    expect(parsed.error?.issues ?? []).toEqual([])
    expect(parsedHeldOut.error?.issues ?? []).toEqual([])
    expect(tuning.length).toBeGreaterThanOrEqual(70)
    expect(heldOut.length).toBeGreaterThanOrEqual(40)
    const texts = questions.map((q) => q.question.toLowerCase())
    expect(texts.filter((text, index) => texts.indexOf(text) !== index)).toEqual([])
  })

  it('each point at a guide that exists, and every guide answers at least one', () => {
    expect(questions.filter((q) => !guides.has(q.guide)).map((q) => `${q.guide}: "${q.question}"`)).toEqual([])
    const answered = new Set(tuning.map((q) => q.guide))
    expect([...guides.keys()].filter((id) => !answered.has(id))).toEqual([])
  })

  it('need only API names the SDK exports, and that their guide lists', () => {
    const problems = questions.flatMap((q) =>
      q.apis.flatMap((api) => {
        const problem = names.problem(api)
        if (problem) return [`"${q.question}": ${problem}`]
        return guides.get(q.guide)?.apis.includes(api) ? [] : [`"${q.question}": ${q.guide} does not list ${api}`]
      }),
    )
    expect(problems).toEqual([])
  })

  it('need names that the example of their guide shows, so an answer quoting the example names them', () => {
    const missing = questions.flatMap((q) => {
      const code = guides.get(q.guide)?.examples.join('\n') ?? ''
      return q.apis.filter((api) => !mentions(code, api)).map((api) => `"${q.question}": ${q.guide}'s example never uses ${api}`)
    })
    expect(missing).toEqual([])
  })

  it('are worded as developers ask, without naming SDK classes or methods', () => {
    const named = questions.flatMap((q) => {
      const code = codeWords(q.question)
      return code.length > 0 ? [`"${q.question}" names ${code.join(', ')}`] : []
    })
    expect(named).toEqual([])
  })

  it('the wording check catches class and method names but allows statuses and products', () => {
    expect(codeWords('use AccountAllowanceApproveTransaction to let a dapp spend')).toEqual(['AccountAllowanceApproveTransaction'])
    expect(codeWords('call approveHbarAllowance for the dapp')).toEqual(['approveHbarAllowance'])
    expect(codeWords('INVALID_SIGNATURE from MetaMask on testnet')).toEqual([])
  })
})
