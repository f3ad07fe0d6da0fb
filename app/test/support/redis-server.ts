/** Runs a real `redis-server` for tests: 127.0.0.1, a free port, a temp dir; killed when the test process exits. */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer, connect, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { connect as tlsConnect } from 'node:tls'

export interface RedisServerOptions {
  /** appendonly yes + appendfsync always: every acknowledged write survives kill() and restart(). */
  persistence?: boolean
  /** Sets `requirepass`, so clients must authenticate. */
  password?: string
  /** TLS only (no plain port), with a fresh self-signed certificate for 127.0.0.1; `caPem` trusts it. */
  tls?: boolean
}

export interface RedisServer {
  /** redis://127.0.0.1:port, or rediss:// with `tls`. */
  url: string
  port: number
  /** The self-signed certificate of a `tls` server, to pass as the CA. */
  caPem?: string
  /** Graceful shutdown (SIGTERM), then the temp dir is removed. */
  stop(): Promise<void>
  /** SIGKILL, as a crash would; the data dir is kept for restart(). */
  kill(): Promise<void>
  /** Stops the server if it runs (SIGTERM) and starts it again on the same port and data dir. */
  restart(): Promise<void>
}

const live = new Set<ChildProcess>()
const dirs = new Set<string>()
let exitHookInstalled = false

function installExitHook(): void {
  if (exitHookInstalled) return
  exitHookInstalled = true
  // A test that throws before stop() must not leave a redis-server behind (nor its temp dir).
  process.on('exit', () => {
    for (const child of live) child.kill('SIGKILL')
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
  })
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

/** One PING over a raw socket: true when the server answers +PONG (or NOAUTH, which also means it is up). */
async function pings(port: number, tls: boolean): Promise<boolean> {
  return new Promise((resolve) => {
    // Readiness only: the certificate is checked by the tests that use it, not by this probe.
    const socket: Socket = tls ? tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false }) : connect({ host: '127.0.0.1', port })
    const done = (ok: boolean) => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(500, () => done(false))
    socket.once('error', () => done(false))
    socket.once(tls ? 'secureConnect' : 'connect', () => socket.write('PING\r\n'))
    socket.once('data', (data) => done(/^(\+PONG|-NOAUTH)/.test(data.toString())))
  })
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => child.once('exit', () => resolve()))
}

export async function startRedis(options: RedisServerOptions = {}): Promise<RedisServer> {
  installExitHook()
  const dir = mkdtempSync(path.join(tmpdir(), 'hedera-assistant-redis-'))
  dirs.add(dir)
  let port = 0
  let child: ChildProcess | undefined
  const tls = options.tls === true
  if (tls) {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost',
      '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')],
    { stdio: 'ignore' })
  }

  const args = () => [
    ...(tls
      ? ['--port', '0', '--tls-port', String(port), '--tls-cert-file', path.join(dir, 'cert.pem'), '--tls-key-file', path.join(dir, 'key.pem'),
          '--tls-ca-cert-file', path.join(dir, 'cert.pem'), '--tls-auth-clients', 'no']
      : ['--port', String(port)]),
    '--bind', '127.0.0.1',
    '--dir', dir,
    '--daemonize', 'no',
    '--save', '',
    '--appendonly', options.persistence ? 'yes' : 'no',
    '--appendfsync', 'always',
    ...(options.password ? ['--requirepass', options.password] : []),
  ]

  const launch = async (): Promise<void> => {
    const output: string[] = []
    const proc = spawn('redis-server', args(), { stdio: ['ignore', 'pipe', 'pipe'] })
    live.add(proc)
    proc.once('exit', () => live.delete(proc))
    proc.stdout.on('data', (d: Buffer) => output.push(d.toString()))
    proc.stderr.on('data', (d: Buffer) => output.push(d.toString()))
    const spawnError = new Promise<Error>((resolve) => proc.once('error', resolve))
    const deadline = Date.now() + 10_000
    while (Date.now() < deadline) {
      if (proc.exitCode !== null) throw new Error(`redis-server exited (${proc.exitCode}) on port ${port}:\n${output.join('')}`)
      const ready = await Promise.race([pings(port, tls), spawnError])
      if (ready instanceof Error) throw new Error(`cannot run redis-server (${ready.message}); run scripts/tools/redis.sh`)
      if (ready) {
        child = proc
        return
      }
      await new Promise((r) => setTimeout(r, 20))
    }
    proc.kill('SIGKILL')
    throw new Error(`redis-server did not answer PING on port ${port} within 10 s:\n${output.join('')}`)
  }

  // Another process may take the free port between probing and binding: try a few ports.
  for (let attempt = 0; ; attempt++) {
    port = await freePort()
    try {
      await launch()
      break
    } catch (error) {
      if (attempt >= 3) {
        rmSync(dir, { recursive: true, force: true })
        dirs.delete(dir)
        throw error
      }
    }
  }

  const signal = async (name: NodeJS.Signals) => {
    const proc = child
    child = undefined
    if (!proc) return
    proc.kill(name)
    await exited(proc)
  }

  return {
    url: `${tls ? 'rediss' : 'redis'}://127.0.0.1:${port}`,
    port,
    ...(tls ? { caPem: readFileSync(path.join(dir, 'cert.pem'), 'utf8') } : {}),
    async stop() {
      await signal('SIGTERM')
      rmSync(dir, { recursive: true, force: true })
      dirs.delete(dir)
    },
    kill: () => signal('SIGKILL'),
    async restart() {
      await signal('SIGTERM')
      await launch()
    },
  }
}
