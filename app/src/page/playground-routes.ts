/**
 * GET / and /assets/*: the playground page, served by the server itself (no CDN, works on a closed network)
 * with a strict Content-Security-Policy. Assets have content hashes in their names, so they are cached for a
 * year; index.html is revalidated on every load so a deploy is picked up at once.
 */
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { readdir, readFile } from 'node:fs/promises'
import { extname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Hono } from 'hono'
import { httpError } from '../transport/http-error.js'

/**
 * Same-origin everything; no inline script or style, no eval, no plugins, no framing; `connect-src 'self'`
 * covers the same-origin WebSocket. Images only from the page itself: an answer cannot make it fetch anything.
 * The page itself adds one per-response nonce to style-src (see `pageCsp`).
 */
export const PLAYGROUND_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ')

/**
 * The page's policy: the editor (CodeMirror) writes its theme into a <style> element it creates at run time,
 * which `style-src 'self'` refuses; a fresh nonce per response lets exactly the elements the page's own script
 * marks with it through (still no 'unsafe-inline', and no style attribute or injected <style> is allowed).
 */
export function pageCsp(nonce: string): string {
  return PLAYGROUND_CSP.replace("style-src 'self'", `style-src 'self' 'nonce-${nonce}'`)
}

const SECURITY_HEADERS = {
  'content-security-policy': PLAYGROUND_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
}

interface Built {
  /** index.html with `{{nonce}}` where each response's style nonce goes. */
  index: string
  assets: Map<string, { body: Buffer; type: string }>
}

/** dist/playground beside the compiled server (dist/page/..), or the repo's dist/ when running from app/src. */
export function defaultPlaygroundDir(): string {
  const here = fileURLToPath(new URL('.', import.meta.url))
  const candidates = [join(here, '..', 'playground'), join(here, '..', '..', '..', 'dist', 'playground')]
  return candidates.find((dir) => existsSync(join(dir, 'index.html'))) ?? candidates[0]!
}

async function load(dir: string): Promise<Built | undefined> {
  if (!existsSync(join(dir, 'index.html'))) return undefined
  const index = await readFile(join(dir, 'index.html'), 'utf8')
  const assets = new Map<string, { body: Buffer; type: string }>()
  for (const name of await readdir(join(dir, 'assets')).catch(() => [] as string[])) {
    const type = TYPES[extname(name)]
    if (type) assets.set(name, { body: await readFile(join(dir, 'assets', name)), type })
  }
  return { index, assets }
}

export function playgroundRoutes(dir: string = defaultPlaygroundDir()): Hono {
  const app = new Hono()
  // Read once, on first use; a missing build is not remembered, so building after start works.
  let built: Promise<Built | undefined> | undefined
  const files = async () => {
    built ??= load(dir)
    const result = await built
    if (!result) built = undefined
    return result
  }
  const notBuilt = () =>
    Response.json(
      { type: 'error', code: 'unavailable', error: 'The playground page is not built; run npm run build (or set PLAYGROUND_ENABLED=false to turn it off)' },
      { status: 503, headers: { 'cache-control': 'no-store' } },
    )

  app.get('/', async () => {
    const result = await files()
    if (!result) return notBuilt()
    const nonce = randomBytes(16).toString('base64')
    return new Response(result.index.replaceAll('{{nonce}}', nonce), {
      headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache', ...SECURITY_HEADERS, 'content-security-policy': pageCsp(nonce) },
    })
  })
  app.get('/assets/:file', async (c) => {
    const result = await files()
    if (!result) return notBuilt()
    const asset = result.assets.get(c.req.param('file'))
    if (!asset) return httpError('not_found', `No asset ${c.req.param('file')}; reload the page to get the current ones`)
    return new Response(new Uint8Array(asset.body), {
      headers: { 'content-type': asset.type, 'cache-control': 'public, max-age=31536000, immutable', ...SECURITY_HEADERS },
    })
  })
  return app
}
