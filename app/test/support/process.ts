/** Runs the real entry point (app/src/main.ts) in a child process, as `npm run dev` or the container would. */
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { expect } from 'vitest'

const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url))

export interface ServerProcess {
  child: ChildProcess
  port: number
  http: string
  ws: string
  stdout: string[]
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  stop(): Promise<void>
}

/** Environment with nothing inherited but PATH: the test states every variable the server sees. */
function cleanEnv(env: Record<string, string>): Record<string, string> {
  return { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', NODE_ENV: 'test', ...env }
}

/** Node arguments that run `entry`: TypeScript through tsx, compiled JavaScript (dist/) as it is. */
const nodeArgs = (entry: string) => (entry.endsWith('.ts') ? ['--import', 'tsx', entry] : [entry])

/**
 * Starts the server and resolves once it logged `listening` (rejects if it exits first). `nodeFlags` go on
 * node's command line, as `npm start` and the image's CMD put them (some V8 flags are refused in NODE_OPTIONS).
 */
export function startProcess(env: Record<string, string>, entry = MAIN, nodeFlags: readonly string[] = []): Promise<ServerProcess> {
  const child = spawn(process.execPath, [...nodeFlags, ...nodeArgs(entry)], { env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] })
  const stdout: string[] = []
  let stderr = ''
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })))
  return new Promise((resolve, reject) => {
    let buffer = ''
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.stdout.on('data', (d: Buffer) => {
      buffer += d.toString()
      let nl: number
      while ((nl = buffer.indexOf('\n')) !== -1) {
        const line = buffer.slice(0, nl)
        buffer = buffer.slice(nl + 1)
        stdout.push(line)
        const parsed = JSON.parse(line) as { event?: string; port?: number }
        if (parsed.event === 'listening' && parsed.port) {
          const port = parsed.port
          resolve({
            child,
            port,
            http: `http://127.0.0.1:${port}`,
            ws: `ws://127.0.0.1:${port}/ws/chat`,
            stdout,
            exited,
            async stop() {
              if (child.exitCode === null) child.kill('SIGKILL')
              await exited
            },
          })
        }
      }
    })
    void exited.then(({ code }) => reject(new Error(`server exited with ${code} before listening: ${stderr}`)))
  })
}

/** Runs the server expecting it to refuse to start; resolves with its exit code and stderr. */
export function runToFailure(env: Record<string, string>): Promise<{ code: number | null; stderr: string; stdout: string }> {
  const child = spawn(process.execPath, nodeArgs(MAIN), { env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  let stdout = ''
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000)
  return new Promise((resolve) =>
    child.on('exit', (code) => {
      clearTimeout(timer)
      resolve({ code, stderr, stdout })
    }),
  )
}

/** Runs the server expecting exit 1 with exactly one CRITICAL log line on stderr; returns that line's message. */
export async function startRefusal(env: Record<string, string>): Promise<string> {
  const { code, stderr } = await runToFailure(env)
  expect(code).toBe(1)
  const lines = stderr.trim().split('\n')
  expect(lines).toHaveLength(1)
  const line = JSON.parse(lines[0]!) as { severity: string; message: string }
  expect(line.severity).toBe('CRITICAL')
  return line.message
}
