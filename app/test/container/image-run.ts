// Runs the built image with podman the way the deploy docs promise it runs (read-only root filesystem,
// no capabilities, the image's own non-root user) and checks it end to end: health 200 on liveness and
// readiness, the image's HEALTHCHECK command passes, a chat is answered through the fake OpenAI upstream on
// this machine's loopback, the image holds no tests, sources, .git or dev tools, and SIGTERM exits 0 within
// Cloud Run's 10 s. Prints the image size.
//
// Run by scripts/check-container.sh:  tsx app/test/container/image-run.ts --image hedera-playground-assistant:1.0.0
// podman must run as `podman --runtime runc --cgroup-manager cgroupfs` with rlimits this machine allows.
import { spawn, spawnSync } from 'node:child_process'
import { createServer } from 'node:net'
import { createInterface } from 'node:readline'
import { parseArgs } from 'node:util'
import { startFakeOpenAi } from '../support/fake-openai.js'
import { collectSse, postChat } from '../support/sse-client.js'
import { deltaText } from '../support/ws-client.js'

const PODMAN = ['--runtime', 'runc', '--cgroup-manager', 'cgroupfs']
const LIMITS = ['--ulimit', 'nofile=4096:4096', '--ulimit', 'nproc=4096:4096']
const START_TIMEOUT_MS = 60_000
const STOP_DEADLINE_MS = 10_000 // Cloud Run sends SIGKILL 10 s after SIGTERM
// slirp4netns with allow_host_loopback maps this address to the host's 127.0.0.1, so the fake upstream
// never listens beyond loopback.
const HOST_LOOPBACK = '10.0.2.2'

const { values: opts } = parseArgs({ options: { image: { type: 'string' } } })
if (!opts.image) throw new Error('--image NAME:TAG is required')
const image = opts.image
const name = `hpa-check-${process.pid}`
const say = (msg: string): void => console.log(`[image-run] ${msg}`)

function fail(msg: string): never {
  console.error(`[image-run] FAIL: ${msg}`)
  removeContainer()
  process.exit(1)
}

function podman(args: string[]): string {
  const r = spawnSync('podman', [...PODMAN, ...args], { encoding: 'utf8' })
  if (r.status !== 0) fail(`podman ${args.join(' ')} exited ${r.status}: ${r.stderr.trim()}`)
  return r.stdout
}

function removeContainer(): void {
  spawnSync('podman', [...PODMAN, 'rm', '--force', '--ignore', name], { stdio: 'ignore' })
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number }
      srv.close(() => resolve(port))
    })
  })
}

function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms)
  })
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer))
}

async function main(): Promise<void> {
  const user = podman(['image', 'inspect', '--format', '{{.Config.User}}', image]).trim()
  if (user === '' || user === 'root' || user === '0' || user.startsWith('0:')) fail(`the image runs as root (USER ${JSON.stringify(user)})`)
  const healthcheck = JSON.parse(podman(['image', 'inspect', '--format', '{{json .Config.Healthcheck}}', image])) as { Test?: string[] } | null
  if (!healthcheck?.Test || healthcheck.Test[0] !== 'CMD') fail('the image has no exec-form HEALTHCHECK (build with --format docker to keep it)')
  const size = Number(podman(['image', 'inspect', '--format', '{{.Size}}', image]).trim())
  say(`image ${image}: user ${user}, size ${(size / 1e6).toFixed(0)} MB`)

  const fake = await startFakeOpenAi()
  const upstream = new URL(fake.url)
  upstream.hostname = HOST_LOOPBACK
  const port = await freePort()
  const base = `http://127.0.0.1:${port}`
  const container = spawn(
    'podman',
    [
      ...PODMAN,
      'run', '--rm', '--name', name, '--read-only', '--cap-drop=ALL', '--security-opt', 'no-new-privileges', ...LIMITS,
      '--network', 'slirp4netns:allow_host_loopback=true', '--publish', `127.0.0.1:${port}:3001`,
      '--env', `OPENAI_BASE_URL=${upstream.href}`, '--env', 'OPENAI_API_KEY=sk-test-key-that-must-never-be-logged',
      image,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  )
  const logs: string[] = []
  const exited = new Promise<number | null>((resolve) => container.on('exit', (code) => resolve(code)))
  const listening = new Promise<void>((resolve, reject) => {
    createInterface({ input: container.stdout }).on('line', (line) => {
      logs.push(line)
      if (line.includes('"event":"listening"')) resolve()
    })
    createInterface({ input: container.stderr }).on('line', (line) => logs.push(line))
    void exited.then((code) => reject(new Error(`the container exited (${code}) before listening:\n${logs.join('\n')}`)))
  })
  try {
    await withDeadline(listening, START_TIMEOUT_MS, 'starting the container')
    say('the server logged "listening"')

    for (const path of ['/health', '/api/playground/assistant/health']) {
      const res = await fetch(base + path)
      if (res.status !== 200) fail(`GET ${path} answered ${res.status}, want 200`)
    }
    say('liveness /health and readiness /api/playground/assistant/health: 200')

    const check = spawnSync('podman', [...PODMAN, 'exec', name, ...healthcheck.Test.slice(1)], { encoding: 'utf8' })
    if (check.status !== 0) fail(`the HEALTHCHECK command exited ${check.status}: ${check.stderr}`)
    say('the HEALTHCHECK command passes inside the container')

    const question = 'How do I create a topic on Hedera?'
    const res = await postChat(base, { content: question, conversationId: 'image-check', messageId: 'image-check-1' })
    if (res.status !== 200) fail(`POST /api/playground/assistant/chat answered ${res.status}: ${await res.text()}`)
    const events = await collectSse(res)
    const answer = deltaText(events.map((e) => e.frame))
    if (answer !== fake.answerFor(question)) fail(`the chat answer differs from the upstream's: ${JSON.stringify(answer.slice(0, 200))}`)
    if (events.at(-1)?.event !== 'chat_complete') fail(`the chat ended with ${events.at(-1)?.event ?? 'nothing'}, want chat_complete`)
    say(`a chat was answered through the fake upstream (${events.length} SSE events, ${answer.length} chars)`)

    // A code review: the type checker's worker runs from dist/ on the SDK's declarations shipped in node_modules.
    const reviewCode = "import { Client } from '@hashgraph/sdk'\nconst port: number = 'not a number'\nconsole.log(Client, port)\n"
    const review = await postChat(base, { content: 'Review my code', metadata: { type: 'code-review', language: 'typescript', code: reviewCode, output: '' } })
    if (review.status !== 200) fail(`the code review answered ${review.status}: ${await review.text()}`)
    const reviewed = (await collectSse(review)).map((e) => e.frame).find((f) => f.type === 'chat_complete')
    const found = (reviewed?.metadata as { codeCheck?: { diagnostics: { line: number; source: string }[]; skipped?: string } } | undefined)?.codeCheck
    const sources = new Set(found?.diagnostics.map((d) => `${d.source}@${d.line}`))
    if (!sources.has('rule:old-sdk-import@1') || !sources.has('typescript@2')) fail(`the code review found ${JSON.stringify(found)}; want the old import on line 1 and the type error on line 2`)
    say('a code review ran the type checker on the SDK declarations in the image (old import on line 1, type error on line 2)')

    // What .dockerignore and the stages must keep out of the image (typescript, @types/node and the SDK are
    // runtime dependencies: the code review's type checker reads their declarations).
    const listing = spawnSync('podman', [...PODMAN, 'exec', name, 'find', '/app', '-maxdepth', '3'], { encoding: 'utf8' })
    if (listing.status !== 0) fail(`listing /app failed: ${listing.stderr}`)
    const files = listing.stdout.split('\n').filter(Boolean)
    const unwanted = files.filter((f) =>
      /\.(test|spec)\.[cm]?[jt]s$|\/\.git(\/|$)|^\/app\/(app|bench|infra|charts|docs|scripts|\.tools|\.github)(\/|$)|\.env$|\/node_modules\/(vitest|eslint|tsx|playwright-core|node)(\/|$)/.test(f),
    )
    if (unwanted.length > 0) fail(`the image holds files it must not: ${unwanted.slice(0, 10).join(', ')}`)
    if (!files.includes('/app/dist/main.js')) fail('the image has no /app/dist/main.js')
    say(`the image's /app holds ${files.length} entries (to depth 3): no tests, sources, .git or dev tools`)

    const stopAt = performance.now()
    podman(['kill', '--signal', 'TERM', name])
    const code = await withDeadline(exited, STOP_DEADLINE_MS, 'stopping after SIGTERM')
    const stopMs = performance.now() - stopAt
    if (code !== 0) fail(`the server exited ${code} after SIGTERM, want 0:\n${logs.slice(-10).join('\n')}`)
    say(`SIGTERM -> exit 0 in ${(stopMs / 1000).toFixed(1)} s (deadline ${STOP_DEADLINE_MS / 1000} s)`)
    if (logs.some((l) => l.includes('sk-test-key-that-must-never-be-logged'))) fail('the API key appears in the container logs')
  } catch (err) {
    fail(err instanceof Error ? err.message : String(err))
  } finally {
    await fake.close()
    removeContainer()
  }
}

await main()
