/**
 * Precision and recall of the code checks on programs written for it. Precision: every correct program and every
 * guide example gets zero error diagnostics and zero patches. Recall: the share of buggy programs and run outputs
 * where the expected line (and fix) is found; the floor asserted is the measured value, not a target.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadKnowledge } from '../../knowledge/knowledge-base.js'
import { createCodeIntelligence, type CodeIntelligence } from '../index.js'

const here = fileURLToPath(new URL('.', import.meta.url))
const knowledge = loadKnowledge(fileURLToPath(new URL('../../../../knowledge', import.meta.url)))
let code: CodeIntelligence

beforeAll(async () => {
  code = createCodeIntelligence({ knowledge, typeCheckTimeoutMs: 30_000 })
  await code.warm()
}, 180_000)
afterAll(() => code.close())

const files = (dir: string) => readdirSync(join(here, dir)).filter((f) => f.endsWith('.txt')).sort()
const languageOf = (file: string) => (file.includes('.js.') ? 'javascript' : 'typescript')

interface CodeCase {
  file: string
  text: string
  source: string
  line: number
  fix?: string
}

function readCodeCase(file: string): CodeCase {
  const text = readFileSync(join(here, 'buggy', file), 'utf8')
  const header = /^\/\/ expect: (\S+) @ (\d+)(?: \| fix: (.*))?$/m.exec(text.split('\n')[0] ?? '')
  if (!header) throw new Error(`${file}: the first line must be "// expect: <source> @ <line> [| fix: <line of code>]"`)
  return { file, text, source: header[1]!, line: Number(header[2]), ...(header[3] ? { fix: header[3] } : {}) }
}

interface RunCase {
  file: string
  code: string
  language: string
  output: string
  names: string[]
  line: number
  rule?: string
  fix?: string
}

function readRunCase(file: string): RunCase {
  const text = readFileSync(join(here, 'runs', file), 'utf8')
  const header = /^expect: ([^@]+) @ (\d+)(?: \| rule: (\S+))?(?: \| fix: (.*))?$/.exec(text.split('\n')[0] ?? '')
  const sections = /^=== code (\w+)\n([\s\S]*?)^=== output\n([\s\S]*)$/m.exec(text)
  if (!header || !sections) throw new Error(`${file}: expected "expect: NAMES @ line [| rule: r] [| fix: ...]", "=== code <language>", "=== output"`)
  return { file, code: sections[2]!, language: sections[1]!, output: sections[3]!, names: header[1]!.trim().split(/\s+/), line: Number(header[2]), ...(header[3] ? { rule: header[3] } : {}), ...(header[4] ? { fix: header[4] } : {}) }
}

const patchHas = (patchCode: string, fix: string) => patchCode.split('\n').some((l) => l.trim() === fix.trim()) || patchCode.includes(fix.trim())

describe('precision: correct code gets no error and no patch', () => {
  it('the correct programs (at least 20)', async () => {
    const list = files('correct')
    expect(list.length).toBeGreaterThanOrEqual(20)
    const problems: string[] = []
    for (const file of list) {
      const review = await code.reviewCode({ code: readFileSync(join(here, 'correct', file), 'utf8'), language: languageOf(file) })
      if (review.skipped) problems.push(`${file}: skipped (${review.skipped})`)
      for (const d of review.diagnostics.filter((x) => x.severity === 'error')) problems.push(`${file}:${d.line} ${d.source}: ${d.message}`)
      for (const p of review.patches) problems.push(`${file}:${p.startLine} patch from ${p.source}: ${p.title}`)
    }
    expect(problems).toEqual([])
  }, 300_000)

  it('every guide example', async () => {
    const problems: string[] = []
    let examples = 0
    for (const guide of knowledge.guides) {
      for (const [i, example] of guide.examples.entries()) {
        examples++
        const review = await code.reviewCode({ code: example, language: 'typescript' })
        if (review.skipped) problems.push(`${guide.id}#${i + 1}: skipped (${review.skipped})`)
        for (const d of review.diagnostics.filter((x) => x.severity === 'error')) problems.push(`${guide.id}#${i + 1}:${d.line} ${d.source}: ${d.message}`)
        for (const p of review.patches) problems.push(`${guide.id}#${i + 1}:${p.startLine} patch from ${p.source}: ${p.title}`)
      }
    }
    expect(examples).toBeGreaterThanOrEqual(knowledge.guides.length)
    expect(problems).toEqual([])
  }, 600_000)
})

describe('recall on buggy programs and run outputs', () => {
  it('finds the expected line (and fix) in the buggy programs', async () => {
    const cases = files('buggy').map(readCodeCase)
    expect(cases.length).toBeGreaterThanOrEqual(30)
    const missed: string[] = []
    let found = 0
    let fixes = 0
    let fixable = 0
    for (const c of cases) {
      const review = await code.reviewCode({ code: c.text, language: languageOf(c.file) })
      const hit = review.diagnostics.some((d) => d.line === c.line && (c.source === 'any' || d.source === c.source))
      if (hit) found++
      else missed.push(`${c.file}: expected ${c.source} at line ${c.line}; got ${review.diagnostics.map((d) => `${d.source}@${d.line}`).join(', ') || 'nothing'}`)
      if (c.fix) {
        fixable++
        if (review.patches.some((p) => patchHas(p.code, c.fix!))) fixes++
        else missed.push(`${c.file}: fix "${c.fix}" not among ${JSON.stringify(review.patches.map((p) => p.code))}`)
      }
    }
    const recall = found / cases.length
    console.log(`code recall ${found}/${cases.length} = ${(recall * 100).toFixed(1)}%; fixes ${fixes}/${fixable}\nmissed:\n${missed.join('\n')}`)
    // Measured: 41/44 lines and every expected fix (cases 35-44 were written after the rules, untuned: 10/10);
    // the 3 misses are bugs no check here looks for (see docs/code-review.md).
    expect(found).toBeGreaterThanOrEqual(41)
    expect(fixes).toBe(fixable)
  }, 300_000)

  it('reads the expected error or status and line from the run outputs', () => {
    const cases = files('runs').map(readRunCase)
    const missed: string[] = []
    let found = 0
    for (const c of cases) {
      const analysis = code.analyzeRun({ code: c.code, output: c.output, language: c.language })
      const finding = analysis.findings.find((f) => c.names.every((n) => f.status?.value === n || f.error?.name === n))
      const lineOk = c.line === 0 || finding?.line === c.line
      const ruleOk = !c.rule || analysis.diagnostics.some((d) => d.rule === c.rule)
      const fixOk = !c.fix || analysis.patches.some((p) => patchHas(p.code, c.fix!))
      if (finding && lineOk && ruleOk && fixOk) found++
      else missed.push(`${c.file}: finding ${Boolean(finding)}, line ${finding?.line ?? '-'} (want ${c.line}), rule ${ruleOk}, fix ${fixOk}`)
    }
    console.log(`run recall ${found}/${cases.length}\nmissed:\n${missed.join('\n')}`)
    expect(cases.length).toBeGreaterThanOrEqual(12)
    // Measured: 12/12 (the cases were written beside the analysis; see docs/code-review.md).
    expect(found).toBeGreaterThanOrEqual(12)
  })
})
