/**
 * `npm run eval:knowledge`: retrieval hit@1/hit@5 over knowledge/eval/questions.json, offline answers naming the
 * right API, unknown names the API check finds in them, offline first-delta latency through the real server
 * (WebSocket), and the index build time of fresh processes. Prints a markdown report; `--misses` lists failures,
 * `--quick` skips the timing runs (for tuning retrieval).
 */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import os from 'node:os'
import { Writable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { WebSocket } from 'ws'
import { z } from 'zod'
import { DEFAULT_SYSTEM_PROMPT } from '../../app/src/chat/prompt.js'
import { buildConfig, parseEnv } from '../../app/src/config/config.js'
import { loadKnowledge, type KnowledgeBase } from '../../app/src/knowledge/knowledge-base.js'
import type { Passage } from '../../app/src/knowledge/passages.js'
import { createOfflineClient } from '../../app/src/offline/offline-client.js'
import { createLogger } from '../../app/src/ops/logger.js'
import type { ServerFrame } from '../../app/src/protocol/frames.js'
import { startServer } from '../../app/src/server.js'
import { evalLanguages } from './eval-languages.js'

const root = fileURLToPath(new URL('../../', import.meta.url))
const questionsFile = `${root}knowledge/eval/questions.json`
/** Questions written before the guides they need, never tuned on: they say how retrieval does on new wording. */
const heldOutFile = `${root}knowledge/eval/held-out.json`
const BUILD_RUNS = 5
const TOP = 5

const questionSchema = z.array(z.object({ question: z.string().min(1), apis: z.array(z.string()).min(1), guide: z.string().min(1) })).min(1)
type Question = z.infer<typeof questionSchema>[number]

/** Hit: the expected guide, or an entry of one of the expected APIs (its class), among the passages. */
function isHit(p: Passage, q: Question): boolean {
  return p.kind === 'guide' ? p.sourceId === q.guide : q.apis.some((api) => api.split('.')[0] === p.sourceId)
}

/** The answer names an expected API: `Class.method` written out, or the class and `.method(` both present. */
function namesApi(text: string, api: string): boolean {
  if (text.includes(api)) return true
  const [cls, member] = api.split('.')
  return member !== undefined && text.includes(cls!) && (text.includes(`.${member}(`) || text.includes(`.${member}\``))
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!
}

const pct = (n: number, d: number) => `${((100 * n) / d).toFixed(1)} %`
const ms = (n: number) => `${n.toFixed(1)} ms`

async function offlineAnswer(kb: KnowledgeBase, question: string): Promise<string> {
  let text = ''
  await createOfflineClient(kb).stream([{ role: 'user', content: question }], { signal: new AbortController().signal, onDelta: (t) => (text += t) })
  return text
}

/** Sends each question over a real WebSocket to a real offline server; ms from send to the first (and first content) delta. */
async function firstDeltas(kb: KnowledgeBase, questions: Question[]): Promise<{ first: number[]; content: number[] }> {
  const config = buildConfig(parseEnv({ PORT: '0', HOST: '127.0.0.1', NODE_ENV: 'test', LOG_LEVEL: 'silent', RESUME_GRACE_MS: '0', WS_MAX_MESSAGES_PER_SECOND: '0' }), {}, 'eval')
  const logger = createLogger(config.log.level, new Writable({ write: (_c, _e, done) => done() }))
  const server = await startServer({ config, logger, llm: createOfflineClient(kb), knowledge: kb, systemPrompt: DEFAULT_SYSTEM_PROMPT })
  const socket = new WebSocket(`ws://127.0.0.1:${server.port}/ws/chat`)
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject))
  const first: number[] = []
  const content: number[] = []
  for (const [n, q] of questions.entries()) {
    const messageId = `eval-${n}`
    await new Promise<void>((resolve, reject) => {
      const sent = performance.now()
      const timer = setTimeout(() => reject(new Error(`no answer to "${q.question}" within 10 s`)), 10_000)
      let deltas = 0
      const onMessage = (data: Buffer) => {
        const frame = JSON.parse(data.toString('utf8')) as ServerFrame
        if (frame.type === 'error' && frame.messageId === undefined) reject(new Error(`the server refused "${q.question}": ${frame.error}`))
        if (frame.messageId !== messageId) return
        if (frame.type === 'chat_delta') {
          deltas++
          if (deltas === 1) first.push(performance.now() - sent)
          if (deltas === 2) content.push(performance.now() - sent)
        }
        if (frame.type === 'chat_complete' || frame.type === 'error') {
          socket.off('message', onMessage)
          clearTimeout(timer)
          resolve()
        }
      }
      socket.on('message', onMessage)
      socket.send(JSON.stringify({ type: 'chat', content: q.question, messageId }))
    })
  }
  socket.close()
  await server.shutdown()
  return { first, content }
}

function readQuestions(file: string): Question[] {
  try {
    return questionSchema.parse(JSON.parse(readFileSync(file, 'utf8')))
  } catch (error) {
    throw new Error(`${file} cannot be used (${(error as Error).message.split('\n')[0]}); it must be a JSON array of { question, apis, guide }`)
  }
}

/** hit@1 and hit@5 of a question set, and its misses. */
function retrievalOf(kb: KnowledgeBase, questions: Question[]): { hit1: number; hit5: number; misses: string[] } {
  let hit1 = 0
  let hit5 = 0
  const misses: string[] = []
  for (const q of questions) {
    const top = kb.retrieve(q.question, [], TOP)
    if (top[0] && isHit(top[0], q)) hit1++
    if (top.some((p) => isHit(p, q))) hit5++
    else misses.push(`held-out retrieval: "${q.question}" wanted ${q.guide} / ${q.apis.join(', ')}; got ${top.map((p) => p.id).join(', ')}`)
  }
  return { hit1, hit5, misses }
}

/** Generic follow-ups: what retrieval finds comes from the turn before them. */
const FOLLOW_UPS = ['and what does that cost?', 'can you show the whole code for it?', 'what if it fails?', 'and on mainnet?']

/**
 * Follow-ups: each question as the previous turn and a generic follow-up as the question (hit@1, hit@5), and
 * after a long turn (an error line pasted before the question, a follow-up "how do I fix it?"): hit@5.
 */
function followUpsOf(kb: KnowledgeBase, questions: Question[]): { n: number; hit1: number; hit5: number; longHit5: number } {
  let hit1 = 0
  let hit5 = 0
  let longHit5 = 0
  for (const q of questions) {
    for (const followUp of FOLLOW_UPS) {
      const top = kb.retrieve(followUp, [q.question], TOP)
      if (top[0] && isHit(top[0], q)) hit1++
      if (top.some((p) => isHit(p, q))) hit5++
    }
    const pasted = `I get this when I run my script: Error: receipt for transaction 0.0.1234@1700000000.000000000 contained error status INVALID_SIGNATURE at line 42 of index.js. ${q.question}`
    if (kb.retrieve('how do I fix it?', [pasted], TOP).some((p) => isHit(p, q))) longHit5++
  }
  return { n: questions.length * FOLLOW_UPS.length, hit1, hit5, longHit5 }
}

async function main(): Promise<void> {
  const showMisses = process.argv.includes('--misses')
  const questions = readQuestions(questionsFile)
  const heldOut = readQuestions(heldOutFile)
  // --quick: retrieval and offline answers only (for tuning), no fresh-process builds or latency run.
  const quick = process.argv.includes('--quick')
  const builds = Array.from({ length: quick ? 1 : BUILD_RUNS }, () => JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', `${root}scripts/knowledge/measure-build.ts`], { encoding: 'utf8' })) as { buildMs: number; buildCpuMs: number; heapBytes: number; passages: number; guides: number; classes: number })
  const kb = loadKnowledge(`${root}knowledge`)

  let hit1 = 0
  let hit5 = 0
  let right = 0
  let checked = 0
  let unknown = 0
  const misses: string[] = []
  const retrieveMs: number[] = []
  for (const q of questions) {
    const started = performance.now()
    const top = kb.retrieve(q.question, [], TOP)
    retrieveMs.push(performance.now() - started)
    if (top[0] && isHit(top[0], q)) hit1++
    if (top.some((p) => isHit(p, q))) hit5++
    else misses.push(`retrieval: "${q.question}" wanted ${q.guide} / ${q.apis.join(', ')}; got ${top.map((p) => p.id).join(', ')}`)
    const answer = await offlineAnswer(kb, q.question)
    if (q.apis.some((api) => namesApi(answer, api))) right++
    else misses.push(`offline: "${q.question}" names none of ${q.apis.join(', ')}`)
    const check = kb.checkApi(answer)
    checked += check.checked
    unknown += check.unknown.length
    if (check.unknown.length > 0) misses.push(`api check: "${q.question}": ${check.unknown.join(', ')}`)
  }
  const held = retrievalOf(kb, heldOut)
  const follow = followUpsOf(kb, [...questions, ...heldOut])
  misses.push(...held.misses)
  const languageRows = await evalLanguages(kb, misses)
  const latency = quick ? { first: [0], content: [0] } : await firstDeltas(kb, questions)
  const buildMs = builds.map((b) => b.buildMs)

  const rows = [
    ['questions', String(questions.length), ''],
    ['retrieval hit@1 (tuning set)', pct(hit1, questions.length), ''],
    ['retrieval hit@5 (tuning set)', pct(hit5, questions.length), '≥ 95 %'],
    [`held-out questions (never tuned on), hit@1 / hit@5`, `${heldOut.length}: ${pct(held.hit1, heldOut.length)} / ${pct(held.hit5, heldOut.length)}`, ''],
    [`follow-ups (${FOLLOW_UPS.length} generic ones after each question, both sets), hit@1 / hit@5`, `${follow.n}: ${pct(follow.hit1, follow.n)} / ${pct(follow.hit5, follow.n)}`, ''],
    ['follow-up after a long turn (an error line pasted before the question), hit@5', pct(follow.longHit5, questions.length + heldOut.length), ''],
    ['offline answers naming a right API', pct(right, questions.length), '≥ 90 %'],
    ['unknown names in offline answers (API check)', `${unknown} of ${checked} (${pct(unknown, Math.max(1, checked))})`, '0'],
    ['offline first delta over WebSocket, p50 / p95', `${ms(percentile(latency.first, 50))} / ${ms(percentile(latency.first, 95))}`, '≤ 50 ms p95'],
    ['offline first content delta (after the notice), p50 / p95', `${ms(percentile(latency.content, 50))} / ${ms(percentile(latency.content, 95))}`, ''],
    ['retrieve() per question, p50 / p95', `${ms(percentile(retrieveMs, 50))} / ${ms(percentile(retrieveMs, 95))}`, ''],
    [`index build at start, ${BUILD_RUNS} fresh processes, wall median / max`, `${ms(percentile(buildMs, 50))} / ${ms(Math.max(...buildMs))}`, '≤ 300 ms'],
    ['index build CPU time (user + system), median / max', `${ms(percentile(builds.map((b) => b.buildCpuMs), 50))} / ${ms(Math.max(...builds.map((b) => b.buildCpuMs)))}`, ''],
    ['machine load average (1 min) during the run', os.loadavg()[0]!.toFixed(1) + ` on ${os.availableParallelism()} cores`, ''],
    ['heap growth of the build, median', `${(percentile(builds.map((b) => b.heapBytes), 50) / 1024 / 1024).toFixed(1)} MiB`, ''],
    ['indexed (JavaScript)', `${builds[0]!.guides} guides, ${builds[0]!.classes} SDK classes, ${builds[0]!.passages} passages`, ''],
  ]
  console.log('| measure | result | target |\n|---|---|---|')
  for (const row of rows) console.log(`| ${row.join(' | ')} |`)
  console.log('\n| Java and Rust (editor language set) | result | target |\n|---|---|---|')
  for (const row of languageRows) console.log(`| ${row.join(' | ')} |`)
  if (showMisses && misses.length > 0) console.log(`\n${misses.join('\n')}`)
}

main().catch((error: unknown) => {
  console.error((error as Error).message)
  process.exit(1)
})
