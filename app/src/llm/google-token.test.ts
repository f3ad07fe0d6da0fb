/** Google access tokens: from the fake metadata server, cached, refreshed before expiry; ADC through google-auth-library against the same server. */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { startFakeMetadata, type FakeMetadata } from '../../test/support/fake-metadata.js'
import { manualClock } from '../../test/support/server.js'
import { createAdcTokenSource, createMetadataTokenSource, TokenError } from './google-token.js'

let metadata: FakeMetadata
beforeAll(async () => {
  metadata = await startFakeMetadata({ lifetimeS: 3600 })
})
afterAll(() => metadata.close())
afterEach(() => {
  metadata.restore()
  vi.unstubAllEnvs()
})

describe('metadata server tokens', () => {
  it('fetches once, reuses the token, and refreshes it five minutes before it expires', async () => {
    const clock = manualClock(1_000_000)
    const tokens = createMetadataTokenSource({ host: metadata.host, now: clock.now })
    const first = await tokens.token()
    expect(first).toMatch(/^ya29\.fake-token-\d+$/)
    clock.advance(3600_000 - 300_000 - 1)
    expect(await tokens.token()).toBe(first)
    clock.advance(2)
    const second = await tokens.token()
    expect(second).not.toBe(first)
    expect(metadata.issued.slice(-2)).toEqual([first, second])
    expect(metadata.refusedWithoutFlavor).toBe(0)
  })

  it('asks once for many concurrent callers', async () => {
    const before = metadata.issued.length
    const tokens = createMetadataTokenSource({ host: metadata.host })
    const all = await Promise.all(Array.from({ length: 20 }, () => tokens.token()))
    expect(new Set(all).size).toBe(1)
    expect(metadata.issued.length - before).toBe(1)
  })

  it('keeps a still-valid token when a refresh fails, and fails with a clear error once it has expired', async () => {
    const clock = manualClock(0)
    const tokens = createMetadataTokenSource({ host: metadata.host, now: clock.now })
    const first = await tokens.token()
    metadata.fail()
    clock.advance(3500_000) // inside the refresh margin, not yet expired
    expect(await tokens.token()).toBe(first)
    clock.advance(200_000) // expired
    const error = await tokens.token().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TokenError)
    expect((error as Error).message).toMatch(/HTTP 500 .*service account/)
  })

  it('refuses a server that does not answer as a metadata server, and names the host when nothing answers', async () => {
    const { createServer } = await import('node:http')
    const impostor = createServer((_req, res) => res.end(JSON.stringify({ access_token: 'stolen', expires_in: 3600 })))
    await new Promise<void>((resolve) => impostor.listen(0, '127.0.0.1', resolve))
    const port = (impostor.address() as { port: number }).port
    try {
      await expect(createMetadataTokenSource({ host: `127.0.0.1:${port}` }).token()).rejects.toThrow(/did not answer as a metadata server/)
    } finally {
      await new Promise<void>((resolve) => impostor.close(() => resolve()))
    }
    await expect(createMetadataTokenSource({ host: `127.0.0.1:${port}`, timeoutMs: 500 }).token()).rejects.toThrow(/metadata server at 127\.0\.0\.1:\d+ did not answer/)
  })
})

describe('Application Default Credentials', () => {
  it('uses the metadata server google-auth-library finds (GCE_METADATA_HOST, the standard override)', async () => {
    vi.stubEnv('GCE_METADATA_HOST', metadata.host)
    vi.stubEnv('GOOGLE_APPLICATION_CREDENTIALS', '')
    vi.stubEnv('CLOUDSDK_CONFIG', '/nonexistent-gcloud-config')
    // As on Cloud Run: no probing for a metadata server that is known to be there.
    vi.stubEnv('METADATA_SERVER_DETECTION', 'assume-present')
    const before = metadata.issued.length
    const token = await createAdcTokenSource().token()
    expect(token).toBe(metadata.issued[before])
  })

  it('explains how to get credentials when there are none', async () => {
    vi.stubEnv('GOOGLE_APPLICATION_CREDENTIALS', '/nonexistent/adc.json')
    await expect(createAdcTokenSource().token()).rejects.toThrow(/No Google credentials for Vertex AI .*gcloud auth application-default login/)
  })
})
