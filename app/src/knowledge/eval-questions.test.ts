/**
 * knowledge/eval/questions.json, the retrieval eval set: questions as developers ask them, each pointing at
 * a guide that exists and at SDK names that exist, and every guide answering at least one question.
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
const parsed = z.array(questionSchema).safeParse(JSON.parse(readFileSync(join(root, 'knowledge', 'eval', 'questions.json'), 'utf8')))
const questions = parsed.success ? parsed.data : []
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

describe('eval questions', () => {
  it('parse as { question, apis, guide } entries, at least 70, none repeated', () => {
    expect(parsed.error?.issues ?? []).toEqual([])
    expect(questions.length).toBeGreaterThanOrEqual(70)
    const texts = questions.map((q) => q.question.toLowerCase())
    expect(texts.filter((text, index) => texts.indexOf(text) !== index)).toEqual([])
  })

  it('each point at a guide that exists, and every guide answers at least one', () => {
    expect(questions.filter((q) => !guides.has(q.guide)).map((q) => `${q.guide}: "${q.question}"`)).toEqual([])
    const answered = new Set(questions.map((q) => q.guide))
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
