/** GET / and its assets over plain HTTP: security and cache headers, and PLAYGROUND_ENABLED=false. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildPlayground } from '../../scripts/build-playground.js'
import { startTestServer, type TestServer } from './support/server.js'

let on: TestServer
let off: TestServer

beforeAll(async () => {
  await buildPlayground()
  on = await startTestServer({})
  off = await startTestServer({ PLAYGROUND_ENABLED: 'false' })
})

afterAll(async () => {
  await Promise.all([on?.close(), off?.close()])
})

describe('GET / (the playground page)', () => {
  it('serves index.html uncached, with a strict CSP: same-origin only, no inline script, no eval', async () => {
    const res = await fetch(`${on.http}/`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(res.headers.get('cache-control')).toBe('no-cache')
    const csp = res.headers.get('content-security-policy') ?? ''
    expect(csp).toContain("default-src 'none'")
    expect(csp).toContain("script-src 'self'")
    expect(csp).toContain("connect-src 'self'")
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*/)
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    const html = await res.text()
    // No inline script: every <script> has a src, and there are no on* attributes.
    expect(html.match(/<script\b[^>]*>/g)?.every((tag) => / src="\/assets\/app-[A-Z0-9]+\.js"/.test(tag))).toBe(true)
    expect(html).not.toMatch(/\son[a-z]+=/i)
  })

  it("admits the editor's runtime <style> by a fresh nonce per response, named on the page's own script tag", async () => {
    const [a, b] = await Promise.all([fetch(`${on.http}/`), fetch(`${on.http}/`)])
    const nonceOf = (csp: string | null) => /style-src 'self' 'nonce-([A-Za-z0-9+/=]{24})'/.exec(csp ?? '')?.[1]
    const first = nonceOf(a.headers.get('content-security-policy'))
    const second = nonceOf(b.headers.get('content-security-policy'))
    expect(first).toBeDefined()
    expect(second).not.toBe(first)
    const html = await a.text()
    expect(html).toContain(` nonce="${first}"`)
    expect(html).not.toContain('{{nonce}}')
    await b.text()
  })

  it('serves the hashed assets named by index.html with a year-long immutable cache', async () => {
    const html = await (await fetch(`${on.http}/`)).text()
    const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]!)
    expect(assets).toHaveLength(2)
    for (const path of assets) {
      const res = await fetch(`${on.http}${path}`)
      expect(res.status).toBe(200)
      expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
      expect(res.headers.get('content-type')).toMatch(path.endsWith('.js') ? /^text\/javascript/ : /^text\/css/)
    }
    const missing = await fetch(`${on.http}/assets/app-OLD.js`)
    expect(missing.status).toBe(404)
    expect(((await missing.json()) as { error: string }).error).toMatch(/reload the page/)
  })

  it('/api/info tells the page the auth mode, so it knows whether to ask for a token', async () => {
    const info = (await (await fetch(`${on.http}/api/info`)).json()) as { auth: { mode: string }; endpoints: Record<string, string> }
    expect(info.auth).toEqual({ mode: 'none' })
    expect(info.endpoints.playground).toMatch(/^GET \//)
  })

  it('PLAYGROUND_ENABLED=false turns the page off; the API is unchanged', async () => {
    expect((await fetch(`${off.http}/`)).status).toBe(404)
    expect((await fetch(`${off.http}/assets/anything.js`)).status).toBe(404)
    expect((await fetch(`${off.http}/api/info`)).status).toBe(200)
  })
})
