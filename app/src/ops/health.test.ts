import { describe, expect, it } from 'vitest'
import { healthRoutes, type ServiceState } from './health.js'

const LIVENESS = '/health'
const READINESS = '/api/playground/assistant/health'

function state(overrides: Partial<ServiceState> = {}): ServiceState {
  return { draining: false, startedAt: Date.now(), environment: 'test', version: '1.2.3', authMode: 'none', degraded: () => undefined, ...overrides }
}

async function probe(s: ServiceState, path: string): Promise<{ status: number; body: { status: string; reason?: string; version: string } }> {
  const res = await healthRoutes(s).request(path)
  return { status: res.status, body: (await res.json()) as { status: string; reason?: string; version: string } }
}

describe('liveness and readiness', () => {
  it('both answer 200 healthy in normal operation', async () => {
    for (const path of [LIVENESS, READINESS]) {
      expect(await probe(state(), path)).toMatchObject({ status: 200, body: { status: 'healthy', version: '1.2.3' } })
    }
  })

  it('while draining: readiness 503 (no new work), liveness still 200 (no restart mid-drain)', async () => {
    const draining = state({ draining: true })
    expect(await probe(draining, READINESS)).toMatchObject({ status: 503, body: { status: 'shutting_down' } })
    expect(await probe(draining, LIVENESS)).toMatchObject({ status: 200, body: { status: 'shutting_down' } })
  })

  it('while Redis is away: both 200, degraded, with the reason', async () => {
    const reason = 'the shared store (Redis) is unreachable'
    const degraded = state({ degraded: () => reason })
    for (const path of [LIVENESS, READINESS]) {
      expect(await probe(degraded, path)).toMatchObject({ status: 200, body: { status: 'degraded', reason } })
    }
  })

  it('reads the state on every request, so a drain that starts later is seen', async () => {
    const s = state()
    expect((await probe(s, READINESS)).status).toBe(200)
    s.draining = true
    expect((await probe(s, READINESS)).status).toBe(503)
    expect((await probe(s, LIVENESS)).status).toBe(200)
  })
})
