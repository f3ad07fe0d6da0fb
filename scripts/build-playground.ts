/**
 * Builds the playground page into dist/playground/: esbuild bundles client/playground/ into hashed assets
 * (served with a year's cache), index.html names them (served no-cache). Fails over the JavaScript budget.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { basename, dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const SOURCE = join(ROOT, 'client', 'playground')
export const DEFAULT_OUT_DIR = join(ROOT, 'dist', 'playground')
/** The budget: JavaScript at most 200 KB gzipped. */
export const JS_BUDGET_BYTES = 200 * 1024

export interface PlaygroundBuild {
  outDir: string
  /** Gzipped size of all JavaScript, in bytes. */
  jsGzipBytes: number
  files: string[]
}

export async function buildPlayground(outDir = DEFAULT_OUT_DIR): Promise<PlaygroundBuild> {
  await rm(outDir, { recursive: true, force: true })
  await mkdir(join(outDir, 'assets'), { recursive: true })
  const result = await build({
    entryPoints: { app: join(SOURCE, 'main.ts'), style: join(SOURCE, 'style.css') },
    outdir: join(outDir, 'assets'),
    entryNames: '[name]-[hash]',
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022', 'chrome110', 'firefox110', 'safari16'],
    minify: true,
    sourcemap: false,
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
  })
  const outputs = Object.keys(result.metafile.outputs).map((file) => join(ROOT, file))
  const script = outputs.find((f) => f.endsWith('.js'))
  const style = outputs.find((f) => f.endsWith('.css'))
  if (!script || !style) throw new Error('esbuild produced no app script or stylesheet')
  const template = await readFile(join(SOURCE, 'index.html'), 'utf8')
  const html = template.replace('{{script}}', `/assets/${basename(script)}`).replace('{{style}}', `/assets/${basename(style)}`)
  await writeFile(join(outDir, 'index.html'), html)
  let jsGzipBytes = 0
  for (const file of outputs.filter((f) => f.endsWith('.js'))) jsGzipBytes += gzipSync(await readFile(file)).length
  if (jsGzipBytes > JS_BUDGET_BYTES) {
    throw new Error(`The playground's JavaScript is ${(jsGzipBytes / 1024).toFixed(1)} KB gzipped, over the ${JS_BUDGET_BYTES / 1024} KB budget; drop a highlight.js language or a dependency`)
  }
  return { outDir, jsGzipBytes, files: [join(outDir, 'index.html'), ...outputs].map((f) => relative(outDir, f)) }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const built = await buildPlayground(process.argv[2] ?? DEFAULT_OUT_DIR)
  console.log(`playground: ${built.files.join(', ')} in ${relative(ROOT, built.outDir)}; JavaScript ${(built.jsGzipBytes / 1024).toFixed(1)} KB gzipped (budget ${JS_BUDGET_BYTES / 1024} KB)`)
}
