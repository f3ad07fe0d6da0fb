/**
 * The main-thread side of the type checker: one warm worker, one check at a time, each bounded in size and
 * time. A check over its time is answered "skipped" and the worker is terminated and started again.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { Diagnostic } from '../diagnostic.js'
import { lineIndex } from '../source-text.js'
import type { StaticResult } from '../review/static-checks.js'
import type { CheckRequest, RawDiagnostic, WorkerInit, WorkerReply } from './worker.js'

/** The checker's young generation (MB): two 16 MB semi-spaces and V8's third for new large objects. */
const WORKER_YOUNG_GENERATION_MB = 48

export interface TypeCheckOptions {
  /** The folder whose node_modules holds @hiero-ledger/sdk, typescript and @types/node. */
  root: string
  /** The API index the syntax checks in the worker use (default: <root>/knowledge/api-index.json). */
  indexFile?: string
  /** Longest time one check may take once the compiler is warm (default 2000 ms). */
  timeoutMs?: number
  /** Longest time the compiler may take to start and warm up (default 60 s; it loads every declaration). */
  startTimeoutMs?: number
  /** Old-generation heap cap of the worker (default 768 MB); past it the worker dies and the check is skipped. */
  maxHeapMb?: number
}

/** The compiler's diagnostics, and the syntax checks' findings (`local`) computed beside them in the worker. */
export type TypeCheckResult = { diagnostics: Diagnostic[]; local: StaticResult; ms: number; cpuMs: number; heapBytes: number } | { skipped: string }

export interface TypeChecker {
  /** Type-checks one file; `js` checks it as JavaScript (checkJs). Never rejects. */
  check(code: string, js: boolean, options?: { timeoutMs?: number }): Promise<TypeCheckResult>
  /** Starts the worker now (otherwise the first check does). Resolves when it is warm, with its warm-up time. */
  warm(): Promise<{ ms: number; heapBytes: number } | { skipped: string }>
  /** Heap of the worker after its last answer (bytes), for the benchmark. */
  heapBytes(): number
  close(): Promise<void>
}

interface Pending {
  request: CheckRequest
  timeoutMs: number
  resolve: (result: TypeCheckResult) => void
}

/** Worker file beside this module: worker.js once built; worker.ts from source, loaded through tsx (a devDependency). */
function workerFile(): { file: string; execArgv?: string[] } {
  const built = fileURLToPath(new URL('./worker.js', import.meta.url))
  if (existsSync(built)) return { file: built }
  const source = fileURLToPath(new URL('./worker.ts', import.meta.url))
  const hasTsx = process.execArgv.some((arg) => arg.includes('tsx'))
  return { file: source, execArgv: hasTsx ? process.execArgv : [...process.execArgv, '--import', 'tsx'] }
}

export function createTypeChecker(options: TypeCheckOptions): TypeChecker {
  const timeoutMs = options.timeoutMs ?? 2000
  const startTimeoutMs = options.startTimeoutMs ?? 60_000
  const queue: Pending[] = []
  let worker: Worker | undefined
  let ready: Promise<{ ms: number; heapBytes: number } | { skipped: string }> | undefined
  let busy = false
  let closed = false
  let lastHeap = 0
  let nextId = 1

  function start(): Promise<{ ms: number; heapBytes: number } | { skipped: string }> {
    const { file, execArgv } = workerFile()
    const w = new Worker(file, {
      workerData: { root: options.root, indexFile: options.indexFile ?? join(options.root, 'knowledge', 'api-index.json') } satisfies WorkerInit,
      ...(execArgv ? { execArgv } : {}),
      // The server's young generation is sized for streaming (npm start's flag); the checker's stays as measured.
      resourceLimits: { maxOldGenerationSizeMb: options.maxHeapMb ?? 768, maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
      stdout: true,
      stderr: true,
    })
    worker = w
    w.unref()
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        stop(w)
        resolve({ skipped: `the type checker did not start within ${startTimeoutMs} ms` })
      }, startTimeoutMs)
      w.once('message', function onReady(reply: WorkerReply) {
        clearTimeout(timer)
        if (reply.type === 'ready') {
          lastHeap = reply.heapBytes
          resolve({ ms: reply.ms, heapBytes: reply.heapBytes })
        }
      })
      w.once('error', function onStartError(error: Error) {
        clearTimeout(timer)
        stop(w)
        resolve({ skipped: `the type checker failed to start (${error.name})` })
      })
    })
  }

  function stop(w: Worker): void {
    if (worker === w) {
      worker = undefined
      ready = undefined
    }
    void w.terminate()
  }

  function warm() {
    if (closed) return Promise.resolve({ skipped: 'the type checker is closed' })
    ready ??= start()
    return ready
  }

  async function runNext(): Promise<void> {
    if (busy) return
    const next = queue.shift()
    if (!next) return
    busy = true
    const started = performance.now()
    const warmed = await warm()
    const result = 'skipped' in warmed || !worker ? { skipped: 'skipped' in warmed ? warmed.skipped : 'the type checker is not running' } : await ask(worker, next.request, next.timeoutMs, stop)
    if ('diagnostics' in result) {
      result.ms = performance.now() - started
      lastHeap = result.heapBytes
    }
    next.resolve(result)
    busy = false
    void runNext()
  }

  return {
    check(code, js, bounds) {
      if (closed) return Promise.resolve({ skipped: 'the type checker is closed' })
      return new Promise((resolve) => {
        queue.push({ request: { id: nextId++, code, js }, timeoutMs: bounds?.timeoutMs ?? timeoutMs, resolve })
        void runNext()
      })
    },
    warm,
    heapBytes: () => lastHeap,
    async close() {
      closed = true
      for (const pending of queue.splice(0)) pending.resolve({ skipped: 'the type checker is closed' })
      const w = worker
      worker = undefined
      ready = undefined
      if (w) await w.terminate()
    },
  }
}

/** One request to the worker, bounded in time; on timeout or exit the worker is stopped (`stop`) and the check skipped. */
function ask(w: Worker, request: CheckRequest, timeoutMs: number, stop: (w: Worker) => void): Promise<TypeCheckResult> {
  return new Promise((resolve) => {
    const code = request.code
    const timer = setTimeout(function onTimeout() {
      cleanup()
      // The compiler cannot be interrupted inside a check: end the thread; the next check starts a fresh one.
      stop(w)
      resolve({ skipped: `the type check took longer than ${timeoutMs} ms (the file may be too large or its types too deep); other checks still ran` })
    }, timeoutMs)
    function onMessage(reply: WorkerReply) {
      if (reply.type === 'ready' || reply.id !== request.id) return
      cleanup()
      if (reply.type === 'failed') return resolve({ skipped: `the type checker failed on this file (${reply.reason})` })
      resolve({ diagnostics: toDiagnostics(code, reply.diagnostics), local: reply.local, ms: reply.ms, cpuMs: reply.cpuMs, heapBytes: reply.heapBytes })
    }
    function onExit() {
      cleanup()
      stop(w)
      resolve({ skipped: 'the type checker stopped during this check (out of memory?); it restarts for the next one' })
    }
    function cleanup() {
      clearTimeout(timer)
      w.off('message', onMessage)
      w.off('exit', onExit)
      w.off('error', onExit)
    }
    w.on('message', onMessage)
    w.on('exit', onExit)
    w.on('error', onExit)
    w.postMessage(request)
  })
}

/** Compiler offsets -> 1-based lines and columns of the user's file. */
function toDiagnostics(code: string, raw: RawDiagnostic[]): Diagnostic[] {
  const lines = lineIndex(code)
  return raw.map(function toDiagnostic(d) {
    const start = lines.position(d.start)
    const end = lines.position(d.start + d.length)
    return {
      line: start.line,
      column: start.column,
      endLine: end.line,
      endColumn: end.column,
      severity: d.category,
      message: `${d.message} (TS${d.code})`,
      source: 'typescript',
      code: d.code,
    }
  })
}
