// Replays the Dockerfile outside Docker (no Docker engine runs on the dev machines or in CI here):
// builds the context the way `docker build` would (applying .dockerignore), then runs each stage's
// WORKDIR / ENV / COPY / RUN in a directory standing for that stage's filesystem, and finally starts
// the runtime stage's CMD as its USER, waits for the health endpoint, runs the HEALTHCHECK command,
// sends SIGTERM and requires exit code 0.
//
// Run by scripts/check-container.sh:  tsx app/test/container/replay.ts --work DIR [--dockerfile F] [--context D]
// Needs Node 24 first on PATH (the check puts the repo's node_modules Node 24 there): it stands for
// the base image's Node. RUN steps run on this machine, so they must stay relative to WORKDIR.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { basename, dirname, join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { copySpec, envPairs, findStage, healthcheck, isIgnored, mayHoldExceptions, parseDockerfile, parseDockerignore, type Stage } from './dockerfile.js'

const HEALTH_PATH = '/api/playground/assistant/health'
const RUN_TIMEOUT_MS = 10 * 60_000
const START_TIMEOUT_MS = 30_000
const STOP_TIMEOUT_MS = 8_000 + 5_000 // SHUTDOWN_GRACE_MS default plus margin (docs/contract.md)

const { values: opts } = parseArgs({
  options: {
    work: { type: 'string' },
    dockerfile: { type: 'string', default: 'Dockerfile' },
    context: { type: 'string', default: '.' },
  },
})
if (!opts.work) throw new Error('--work DIR is required')
const work = resolve(opts.work)
const contextSrc = resolve(opts.context)
const say = (msg: string): void => console.log(`[replay] ${msg}`)

let server: ChildProcess | undefined
const killServer = (): void => {
  if (server && server.exitCode === null && server.signalCode === null) server.kill('SIGKILL')
}
process.on('exit', killServer)
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(sig, () => {
    killServer()
    process.exit(130)
  })
}

function fail(msg: string): never {
  console.error(`[replay] FAIL: ${msg}`)
  process.exit(1)
}

// ---- 1. the build context, as docker build would send it ----
const ignore = existsSync(join(contextSrc, '.dockerignore')) ? parseDockerignore(readFileSync(join(contextSrc, '.dockerignore'), 'utf8')) : []
const context = join(work, 'context')
let contextFiles = 0
function walk(rel: string): void {
  for (const entry of readdirSync(join(contextSrc, rel), { withFileTypes: true })) {
    const path = rel ? `${rel}/${entry.name}` : entry.name
    const ignored = isIgnored(ignore, path)
    if (entry.isDirectory()) {
      if (!ignored || mayHoldExceptions(ignore, path)) walk(path)
    } else if (!ignored) {
      mkdirSync(dirname(join(context, path)), { recursive: true })
      cpSync(join(contextSrc, path), join(context, path), { dereference: true })
      contextFiles++
    }
  }
}
mkdirSync(context, { recursive: true })
walk('')
say(`build context: ${contextFiles} files (after .dockerignore)`)

// ---- 2. the stages ----
const df = parseDockerfile(readFileSync(resolve(contextSrc, opts.dockerfile), 'utf8'))
if (df.stages.length === 0) fail('no FROM in the Dockerfile')

interface StageState {
  root: string // stands for the stage's "/"
  workdir: string // container path
  env: Record<string, string>
  user: string
  expose: string[]
  cmd: string[] | undefined
  health: string[] | undefined
}
const states = new Map<number, StageState>()
const inRoot = (st: StageState, containerPath: string): string => join(st.root, containerPath.startsWith('/') ? containerPath : join(st.workdir, containerPath))

function copyInto(srcPath: string, destPath: string, destIsDir: boolean): void {
  if (!existsSync(srcPath)) fail(`COPY source missing: ${srcPath}`)
  if (statSync(srcPath).isDirectory()) {
    mkdirSync(destPath, { recursive: true })
    cpSync(srcPath, destPath, { recursive: true }) // a directory's contents, as COPY does
  } else {
    const target = destIsDir ? join(destPath, basename(srcPath)) : destPath
    mkdirSync(dirname(target), { recursive: true })
    cpSync(srcPath, target)
  }
}

function runStep(st: StageState, cmd: string, line: number): void {
  const cwd = inRoot(st, st.workdir)
  mkdirSync(cwd, { recursive: true })
  const env: NodeJS.ProcessEnv = { ...process.env, ...st.env }
  if (!('NODE_ENV' in st.env)) delete env.NODE_ENV // the base image sets none
  say(`  RUN ${cmd}   (line ${line}, in ${cwd})`)
  const r = spawnSync('/bin/sh', ['-c', cmd], { cwd, env, stdio: 'inherit', timeout: RUN_TIMEOUT_MS })
  if (r.error) fail(`RUN at line ${line}: ${r.error.message}`)
  if (r.status !== 0) fail(`RUN at line ${line} exited ${r.status ?? r.signal}`)
}

function buildStage(stage: Stage): StageState {
  const root = join(work, 'stages', `${stage.index}-${stage.name ?? 'unnamed'}`)
  const parent = findStage(df, stage.from)
  let st: StageState
  if (parent && parent.index < stage.index) {
    const p = states.get(parent.index)!
    cpSync(p.root, root, { recursive: true })
    st = { ...p, root, env: { ...p.env }, expose: [...p.expose] }
  } else {
    mkdirSync(root, { recursive: true })
    st = { root, workdir: '/', env: {}, user: 'root', expose: [], cmd: undefined, health: undefined }
  }
  say(`stage ${stage.index} ${stage.name ?? ''} FROM ${stage.from}`)
  for (const ins of stage.instructions) {
    switch (ins.keyword) {
      case 'WORKDIR':
        st.workdir = ins.args.startsWith('/') ? ins.args : join(st.workdir, ins.args)
        mkdirSync(inRoot(st, st.workdir), { recursive: true })
        break
      case 'ENV':
        Object.assign(st.env, envPairs(ins))
        break
      case 'COPY': {
        const spec = copySpec(ins)
        const fromState = spec.from === undefined ? undefined : states.get(findStage(df, spec.from)?.index ?? -1)
        if (spec.from !== undefined && !fromState) fail(`COPY --from=${spec.from} at line ${ins.line}: no earlier stage of that name`)
        const destIsDir = spec.dest.endsWith('/') || spec.sources.length > 1
        for (const src of spec.sources) {
          if (/[*?[]/.test(src)) fail(`COPY at line ${ins.line}: wildcards are not replayed here (${src}); list the files`)
          const srcPath = fromState ? inRoot(fromState, src) : join(context, src)
          if (!fromState && !existsSync(srcPath)) fail(`COPY ${src} at line ${ins.line}: not in the build context (missing, or left out by .dockerignore)`)
          say(`  COPY ${spec.from ? `--from=${spec.from} ` : ''}${src} -> ${spec.dest}`)
          copyInto(srcPath, inRoot(st, spec.dest), destIsDir)
        }
        break
      }
      case 'RUN':
        if (ins.json) fail(`RUN at line ${ins.line}: use the shell form for build steps`)
        runStep(st, ins.args, ins.line)
        break
      case 'USER':
        st.user = ins.args
        break
      case 'EXPOSE':
        st.expose.push(...ins.args.split(/\s+/))
        break
      case 'CMD':
        if (!ins.json) fail(`CMD at line ${ins.line} is not in exec (JSON) form: SIGTERM would go to a shell`)
        st.cmd = ins.json
        break
      case 'HEALTHCHECK': {
        const h = healthcheck(ins)
        st.health = h?.json ?? (h ? ['/bin/sh', '-c', h.shell] : undefined)
        break
      }
      case 'ARG':
      case 'LABEL':
      case 'STOPSIGNAL':
        break
      default:
        fail(`${ins.keyword} at line ${ins.line} is not replayed by this check; extend app/test/container/replay.ts`)
    }
  }
  states.set(stage.index, st)
  return st
}

let final: StageState | undefined
for (const stage of df.stages) final = buildStage(stage)
const runtime = final!
const appDir = inRoot(runtime, runtime.workdir)
if (!runtime.cmd) fail('the runtime stage has no CMD')

// Only production dependencies in the runtime: nothing the lockfile marks dev-only.
const lock = JSON.parse(readFileSync(join(context, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> }
const devOnly = Object.entries(lock.packages)
  .filter(([path, p]) => path.startsWith('node_modules/') && p.dev === true)
  .map(([path]) => path)
const leaked = devOnly.filter((path) => existsSync(join(appDir, path)))
if (leaked.length > 0) fail(`dev-only packages in the runtime stage: ${leaked.slice(0, 10).join(', ')}`)
const prodCount = Object.entries(lock.packages).filter(([path, p]) => path.startsWith('node_modules/') && p.dev !== true).length
say(`runtime node_modules: no dev-only package (of ${devOnly.length} in the lockfile); ${prodCount} production packages locked`)

// ---- 3. start the CMD as the runtime does ----
async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer()
    s.once('error', rej)
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address()
      s.close(() => (typeof addr === 'object' && addr ? res(addr.port) : rej(new Error('no port'))))
    })
  })
}

// USER: run as that uid/gid when this check runs as root (setpriv, util-linux); the image's `node` is 1000.
function userPrefix(user: string): string[] {
  const [u = 'root', g] = user.split(':')
  const uid = u === 'node' ? '1000' : u
  const gid = g === undefined ? uid : g === 'node' ? '1000' : g
  if (!/^\d+$/.test(uid) || !/^\d+$/.test(gid)) fail(`USER ${user}: give the runtime user by number`)
  if (uid === '0') return []
  if (process.getuid?.() !== 0) {
    say(`not root here: running the CMD as the current user instead of ${uid}:${gid}`)
    return []
  }
  if (spawnSync('setpriv', ['--version']).status !== 0) {
    say("setpriv not found: running the CMD as root instead of the image's user")
    return []
  }
  // The runtime user must reach the stage dir and Node: open the directories for reading, as in the image.
  for (let d = appDir; d !== dirname(d) && d.startsWith(work); d = dirname(d)) chmodSync(d, 0o755)
  chmodSync(work, 0o755)
  return ['setpriv', `--reuid=${uid}`, `--regid=${gid}`, '--clear-groups', '--']
}

async function main(): Promise<void> {
  const port = await freePort()
  const prefix = userPrefix(runtime.user)
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: '/nonexistent',
    ...runtime.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  }
  const argv = [...prefix, ...runtime.cmd!]
  say(`starting ${JSON.stringify(runtime.cmd)} in ${appDir} as ${runtime.user} on 127.0.0.1:${port} (image EXPOSEs ${runtime.expose.join(' ')})`)
  const logFile = join(work, 'server.log')
  const log: Buffer[] = []
  server = spawn(argv[0]!, argv.slice(1), { cwd: appDir, env, stdio: ['ignore', 'pipe', 'pipe'] })
  server.stdout!.on('data', (b: Buffer) => log.push(b))
  server.stderr!.on('data', (b: Buffer) => log.push(b))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => server!.once('exit', (code, signal) => res({ code, signal })))
  const dumpLog = (): void => {
    const text = Buffer.concat(log).toString('utf8')
    writeFileSync(logFile, text)
    console.error(`[replay] server output (last 40 lines):\n${text.split('\n').slice(-40).join('\n')}`)
  }

  const url = `http://127.0.0.1:${port}${HEALTH_PATH}`
  const deadline = Date.now() + START_TIMEOUT_MS
  let status = 0
  while (Date.now() < deadline) {
    if (server.exitCode !== null || server.signalCode !== null) {
      dumpLog()
      fail(`the server exited before it was healthy (code ${server.exitCode}, signal ${server.signalCode})`)
    }
    try {
      const r = await fetch(url, { signal: AbortSignal.timeout(2_000) })
      status = r.status
      await r.body?.cancel()
      if (status === 200) break
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200))
  }
  if (status !== 200) {
    dumpLog()
    fail(`GET ${HEALTH_PATH} did not answer 200 within ${START_TIMEOUT_MS} ms (last status ${status})`)
  }
  say(`GET ${HEALTH_PATH} -> 200`)

  if (runtime.health) {
    const h = spawnSync(runtime.health[0]!, runtime.health.slice(1), { cwd: appDir, env, timeout: 10_000, stdio: 'inherit' })
    if (h.status !== 0) {
      dumpLog()
      fail(`the HEALTHCHECK command exited ${h.status ?? h.signal} against the running server`)
    }
    say('HEALTHCHECK command -> exit 0')
  }

  server.kill('SIGTERM')
  const timer = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), STOP_TIMEOUT_MS).unref())
  const result = await Promise.race([exited, timer])
  if (result === 'timeout') {
    dumpLog()
    fail(`the server did not exit within ${STOP_TIMEOUT_MS} ms of SIGTERM`)
  }
  if (result.code !== 0) {
    dumpLog()
    fail(`the server exited with code ${result.code} signal ${result.signal} after SIGTERM (want 0)`)
  }
  say('SIGTERM -> exit code 0')
  say("OK: the image's build steps, runtime stage and CMD work")
}

main().catch((err: unknown) => fail(err instanceof Error ? (err.stack ?? err.message) : String(err)))
