import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadKnowledge } from '../../knowledge/knowledge-base.js'
import { createCodeIntelligence, type CodeIntelligence } from '../index.js'

const knowledge = loadKnowledge(fileURLToPath(new URL('../../../../knowledge', import.meta.url)))
let code: CodeIntelligence

beforeAll(async () => {
  code = createCodeIntelligence({ knowledge, typeCheckTimeoutMs: 30_000 })
  await code.warm()
}, 180_000)
afterAll(() => code.close())

const BUGGY = [
  "import { Client, Hbar, PrivateKey, TransferTransaction } from '@hashgraph/sdk'", // 1
  'const client = Client.forTestnet()', // 2
  "client.setOperator('0.0.4567', PrivateKey.fromString('0x7f109a9e3b0d8ecfba9cc23a3614433ce0fa7ddcc80f2a8f10b222179a5a80d6'))", // 3
  'const response = await new TransferTransaction()', // 4
  "  .addHbarTransfer('0.0.4567', new Hbar(1))", // 5
  "  .addHbarTransfer('0.0.3', new Hbar(1))", // 6
  '  .execute(client)', // 7
  'const receipt = response.getReceipt(client)', // 8
  'console.log(receipt.status.toString())', // 9
].join('\n')

describe('reviewCode', () => {
  it('merges rules, the name check and the type check on the user lines, with certain patches', async () => {
    const review = await code.reviewCode({ code: BUGGY, language: 'typescript' })
    expect(review.skipped).toBeUndefined()
    const bySource = review.diagnostics.map((d) => `${d.source}@${d.line}`)
    expect(bySource).toEqual(expect.arrayContaining(['rule:old-sdk-import@1', 'rule:private-key-shape@3', 'rule:hbar-transfer-sum@5', 'rule:unawaited-call@8', 'typescript@9']))
    expect(review.patches.map((p) => [p.source, p.startLine, p.code])).toEqual([
      ['rule:old-sdk-import', 1, "import { Client, Hbar, PrivateKey, TransferTransaction } from '@hiero-ledger/sdk'"],
      ['rule:private-key-shape', 3, "client.setOperator('0.0.4567', PrivateKey.fromStringECDSA('0x7f109a9e3b0d8ecfba9cc23a3614433ce0fa7ddcc80f2a8f10b222179a5a80d6'))"],
      ['rule:unawaited-call', 8, 'const receipt = await response.getReceipt(client)'],
    ])
    for (const d of review.diagnostics) expect(d).toMatchObject({ line: expect.any(Number) as number, column: expect.any(Number) as number, endLine: expect.any(Number) as number, endColumn: expect.any(Number) as number })
  }, 60_000)

  it('lists the cursor line first', async () => {
    const review = await code.reviewCode({ code: BUGGY, language: 'ts', currentLine: 8 })
    expect(review.diagnostics[0]!.line).toBe(8)
  }, 60_000)

  it('composes an offline review: plain words, the patch, the guide behind the rule', async () => {
    const review = await code.reviewCode({ code: BUGGY, language: 'typescript' })
    const answer = code.composeReview(review)
    expect(answer).toMatch(/Found \d+ errors? and \d+ warnings?; 3 with a fix you can apply/)
    expect(answer).toContain('**Line 8** (error, rule `unawaited-call`)')
    expect(answer).toContain('const receipt = await response.getReceipt(client)')
    expect(answer).toContain('(guide `receipts-and-records`)')
    expect(answer).toContain('(guide `key-fromstring-invalid-signature`)')
    const facts = code.facts(review)
    expect(facts).toMatch(/^Checked facts/)
    expect(facts).toContain('certain fix for line 8')
  }, 60_000)

  it('says so when the code is fine', async () => {
    const review = await code.reviewCode({ code: "import { Hbar } from '@hiero-ledger/sdk'\nconsole.log(new Hbar(1).toString())\n", language: 'javascript' })
    expect(review).toEqual({ diagnostics: [], patches: [] })
    expect(code.composeReview(review)).toMatch(/^No problems found/)
    expect(code.facts(review)).toBe('')
  }, 60_000)

  it('skips other languages with a reason, and still reads their run output', async () => {
    const review = await code.reviewCode({ code: 'public class Main {}', language: 'java' })
    expect(review).toEqual({ diagnostics: [], patches: [], skipped: 'check skipped: the checks cover JavaScript and TypeScript; java is not checked yet' })
    const run = code.analyzeRun({ code: 'class Main {}', language: 'java', output: 'com.hedera.hashgraph.sdk.ReceiptStatusException: receipt for transaction 0.0.2@1.1 contained error status INVALID_SIGNATURE' })
    expect(run.findings[0]?.status?.value).toBe('INVALID_SIGNATURE')
    expect(run.skipped).toMatch(/java is not covered/)
  })

  it('answers a wrong input type with a reason instead of throwing', async () => {
    const review = await code.reviewCode({ code: 42 as unknown as string, language: 'typescript' })
    expect(review.skipped).toMatch(/`code` and `language` must be strings/)
    expect(code.analyzeRun({ code: null as unknown as string, output: undefined as unknown as string, language: 'typescript' }).findings).toEqual([])
  })

  it('bounds bad input: huge, 10,000 lines, binary junk; the next check still works', async () => {
    const huge = await code.reviewCode({ code: `const a = "${'x'.repeat(250_000)}"`, language: 'typescript' })
    expect(huge).toMatchObject({ diagnostics: [], patches: [], skipped: expect.stringMatching(/over the 200 KB/) as string })
    const long = await code.reviewCode({ code: 'let x = 1\n'.repeat(10_000), language: 'typescript' })
    expect(long.skipped).toMatch(/10001 lines/)
    const junk = await code.reviewCode({ code: String.fromCharCode(...Array.from({ length: 5000 }, (_, i) => i % 32)), language: 'javascript' })
    expect(junk.skipped).toMatch(/binary|control characters/)
    const ok = await code.reviewCode({ code: 'const n: number = "x"\n', language: 'typescript' })
    expect(ok.diagnostics.map((d) => d.code)).toEqual([2322])
  }, 60_000)
})

describe('analyzeRun', () => {
  it('reads the error, finds the line, and carries the patch of the rule behind it', () => {
    const output = 'ReceiptStatusError: receipt for transaction 0.0.4567@1733456789.1 contained error status INVALID_SIGNATURE'
    const run = code.analyzeRun({ code: BUGGY, output, language: 'typescript' })
    expect(run.findings[0]).toMatchObject({ error: { name: 'ReceiptStatusError' }, status: { value: 'INVALID_SIGNATURE' }, line: 4 })
    expect(run.patches.map((p) => p.source)).toEqual(['rule:private-key-shape'])
    const answer = code.composeRunAnalysis(run, BUGGY)
    expect(answer).toContain('### **ReceiptStatusError** with status `INVALID_SIGNATURE` (`Status.InvalidSignature`)')
    expect(answer).toContain('- **Where:** line 4')
    expect(answer).toContain('PrivateKey.fromStringECDSA(')
    expect(code.facts(undefined, run)).toContain('status INVALID_SIGNATURE')
  })

  it('says it found nothing in an output without SDK errors', () => {
    const run = code.analyzeRun({ code: BUGGY, output: 'hello\nStatus: SUCCESS', language: 'typescript' })
    expect(run.findings).toEqual([])
    expect(code.composeRunAnalysis(run, BUGGY)).toMatch(/^I found no SDK error/)
  })
})

describe('placeChanges through the API', () => {
  it('places a proposeCode change on the editor file', () => {
    const placed = code.placeChanges(BUGGY, [{ mode: 'replace', code: 'const receipt = await response.getReceipt(client)', contextBefore: '  .execute(client)', contextAfter: 'console.log(receipt.status.toString())' }])
    expect(placed.appliedChanges).toEqual([{ mode: 'replace', code: 'const receipt = await response.getReceipt(client)', startLine: 8, endLine: 8 }])
  })
})
