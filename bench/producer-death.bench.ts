/**
 * Time from SIGKILL of the instance producing an answer to `answer_interrupted` at a client following it on
 * another instance (issue 8, item 6), with the default OpenAI timeouts (30 s). Three rounds unless told.
 * Usage: tsx bench/producer-death.bench.ts [path/to/app/src/main.ts] [rounds]  (default: this checkout's server)
 */
import { startFakeOpenAi } from '../app/test/support/fake-openai.js'
import { startProcess } from '../app/test/support/process.js'
import { startRedis } from '../app/test/support/redis-server.js'
import { connect } from '../app/test/support/ws-client.js'

const entry = process.argv[2]
const fake = await startFakeOpenAi()
const redis = await startRedis()
const env = { OPENAI_API_KEY: 'sk-bench', OPENAI_BASE_URL: fake.url, REDIS_URL: redis.url, RESUME_GRACE_MS: '5000' }
const start = () => startProcess(env, ...(entry ? [entry] : []))
const roundCount = Number(process.argv[3] ?? 3)
const rounds: number[] = []
const follower = await start()
for (let round = 0; round < roundCount; round++) {
  const producer = await start()
  const asker = await connect(producer.ws)
  const messageId = `death-${round}`
  asker.send({ type: 'chat', content: `[[delay:50]] [[words:2000]] round ${round}`, messageId })
  await asker.next((f) => f.type === 'chat_delta' && f.seq === 3)
  const watcher = await connect(follower.ws)
  watcher.send({ type: 'resume', messageId, lastSeq: 3 })
  await watcher.next((f) => f.type === 'chat_delta' && f.messageId === messageId)
  const killedAt = performance.now()
  producer.child.kill('SIGKILL')
  const end = await watcher.next((f) => f.type === 'error' && f.messageId === messageId, 120_000)
  rounds.push(Math.round(performance.now() - killedAt))
  if (end.code !== 'answer_interrupted') throw new Error(`expected answer_interrupted, got ${end.code}`)
  watcher.close()
  await producer.stop()
}
await follower.stop()
await redis.stop()
await fake.close()
console.log(JSON.stringify({ entry: entry || 'this checkout', msToAnswerInterrupted: rounds }))
