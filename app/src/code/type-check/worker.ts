/**
 * The checks' worker thread: a warm TypeScript LanguageService over one virtual file and the installed
 * declarations (the SDK's, @types/node's, the lib files), updated per check, and the syntax checks (rules, API
 * names), so none of it runs on the server's event loop. The user's code is never executed or logged here.
 */
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, normalize, sep } from 'node:path'
import { parentPort, workerData } from 'node:worker_threads'
import { getHeapStatistics } from 'node:v8'
import ts from 'typescript'
import { parseApiIndex } from '../../knowledge/api-index.js'
import { createApiNames } from '../../knowledge/api-names.js'
import { staticChecks, type StaticResult } from '../review/static-checks.js'

export interface WorkerInit {
  /** The folder whose node_modules holds the SDK and @types/node (the project root). */
  root: string
  /** The API index (knowledge/api-index.json) the syntax checks use. */
  indexFile: string
}

export interface CheckRequest {
  id: number
  code: string
  js: boolean
}

export interface RawDiagnostic {
  code: number
  category: 'error' | 'warning' | 'info'
  message: string
  start: number
  length: number
}

export type WorkerReply =
  | { type: 'ready'; ms: number; heapBytes: number }
  | { type: 'result'; id: number; diagnostics: RawDiagnostic[]; local: StaticResult; ms: number; cpuMs: number; heapBytes: number }
  | { type: 'failed'; id: number; reason: string }

const SDK = '@hiero-ledger/sdk'
/** Diagnostics about modules we do not hold declarations for: the code may be right, we cannot tell. */
const UNRESOLVED_MODULE = new Set([2307, 2792, 7016, 2875])
/** Cap per check: a file with hundreds of errors is better told its first ones. */
const MAX_DIAGNOSTICS = 100

function createChecker(root: string) {
  const require = createRequire(join(root, 'package.json'))
  const sdkTypes = join(dirname(require.resolve(`${SDK}/package.json`)), 'lib', 'index.d.ts')
  const libDir = dirname(require.resolve('typescript'))
  const nodeModules = join(root, 'node_modules')
  const dir = join(root, '__playground__')
  const files = { ts: join(dir, 'main.ts'), js: join(dir, 'main.js') }
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    moduleDetection: ts.ModuleDetectionKind.Force,
    lib: ['lib.es2023.d.ts'],
    types: ['node'],
    typeRoots: [join(nodeModules, '@types')],
    // Not strict: playground code reads `receipt.accountId.toString()` and untyped callbacks; the check is
    // about the SDK's API (names, arguments, types), not about a project's strictness settings.
    strict: false,
    allowJs: true,
    checkJs: true,
    esModuleInterop: true,
    skipLibCheck: true,
    noEmit: true,
    // Code that still imports the old package is checked against the new one (a rule says to rename it).
    paths: { '@hashgraph/sdk': [sdkTypes] },
  }
  const text = new Map<string, string>()
  const versions = new Map<string, number>()
  let current = files.ts

  /** Only the virtual file and declaration files (and package.json for resolution) under node_modules or the lib folder. */
  function readable(file: string): boolean {
    const path = normalize(file)
    if (!path.startsWith(nodeModules + sep) && !path.startsWith(libDir + sep)) return false
    return path.endsWith('.d.ts') || path.endsWith('.d.mts') || path.endsWith('.d.cts') || path.endsWith('package.json')
  }
  const diskCache = new Map<string, string | undefined>()
  function readDisk(path: string): string | undefined {
    if (diskCache.has(path)) return diskCache.get(path)
    const content = readable(path) && existsSync(path) ? readFileSync(path, 'utf8') : undefined
    diskCache.set(path, content)
    return content
  }

  const host: ts.LanguageServiceHost = {
    getCompilationSettings: () => options,
    getScriptFileNames: () => [current],
    getScriptVersion: (file) => String(versions.get(file) ?? 0),
    getScriptSnapshot: function snapshot(file) {
      const content = text.has(file) ? text.get(file) : readDisk(file)
      return content === undefined ? undefined : ts.ScriptSnapshot.fromString(content)
    },
    getCurrentDirectory: () => dir,
    getDefaultLibFileName: (o) => join(libDir, ts.getDefaultLibFileName(o)),
    fileExists: (file) => text.has(file) || readDisk(file) !== undefined,
    readFile: (file) => (text.has(file) ? text.get(file) : readDisk(file)),
    directoryExists: (path) => path === dir || ((path.startsWith(nodeModules) || path.startsWith(libDir)) && existsSync(path)),
    getDirectories: () => [],
    useCaseSensitiveFileNames: () => true,
  }
  const service = ts.createLanguageService(host, ts.createDocumentRegistry())

  return function check(code: string, js: boolean): RawDiagnostic[] {
    const file = js ? files.js : files.ts
    // One file at a time: the other name is emptied so the program never holds both.
    text.delete(file === files.ts ? files.js : files.ts)
    current = file
    text.set(file, code)
    versions.set(file, (versions.get(file) ?? 0) + 1)
    const found = [...service.getSyntacticDiagnostics(file), ...service.getSemanticDiagnostics(file)]
    const out: RawDiagnostic[] = []
    for (const d of found) {
      if (d.start === undefined || UNRESOLVED_MODULE.has(d.code) && !mentionsSdk(d)) continue
      out.push({ code: d.code, category: categoryOf(d.category), message: ts.flattenDiagnosticMessageText(d.messageText, '\n'), start: d.start, length: d.length ?? 0 })
      if (out.length >= MAX_DIAGNOSTICS) break
    }
    return out
  }
}

function mentionsSdk(d: ts.Diagnostic): boolean {
  return ts.flattenDiagnosticMessageText(d.messageText, '\n').includes(SDK)
}

function categoryOf(category: ts.DiagnosticCategory): RawDiagnostic['category'] {
  if (category === ts.DiagnosticCategory.Error) return 'error'
  return category === ts.DiagnosticCategory.Warning ? 'warning' : 'info'
}

const heap = () => getHeapStatistics().used_heap_size

/** CPU time of this thread (ms): what a check costs, whatever else shares the machine. */
function threadCpuMs(): number {
  const usage = (process as { threadCpuUsage?: () => NodeJS.CpuUsage }).threadCpuUsage?.()
  return usage ? (usage.user + usage.system) / 1000 : 0
}

/** Starts the checker and answers requests in order; a warm-up check makes the first user check fast. */
function serve(): void {
  const port = parentPort
  if (!port) return
  const started = performance.now()
  const init = workerData as WorkerInit
  const check = createChecker(init.root)
  const index = parseApiIndex(readFileSync(init.indexFile, 'utf8'))
  const knowledge = { index, names: createApiNames(index) }
  check(`import { Client, Hbar, TransferTransaction } from '${SDK}'\nconst c: Client = Client.forTestnet()\nnew TransferTransaction().addHbarTransfer('0.0.2', new Hbar(1)).freezeWith(c)\n`, false)
  port.postMessage({ type: 'ready', ms: performance.now() - started, heapBytes: heap() } satisfies WorkerReply)
  port.on('message', function onCheck(request: CheckRequest) {
    const begun = performance.now()
    const cpu = threadCpuMs()
    try {
      const local = staticChecks(request.code, request.js, { knowledge })
      const diagnostics = check(request.code, request.js)
      port.postMessage({ type: 'result', id: request.id, diagnostics, local, ms: performance.now() - begun, cpuMs: threadCpuMs() - cpu, heapBytes: heap() } satisfies WorkerReply)
    } catch (error) {
      // A compiler crash on odd input: report it without the code.
      port.postMessage({ type: 'failed', id: request.id, reason: (error as Error).name || 'Error' } satisfies WorkerReply)
    }
  })
}

serve()
