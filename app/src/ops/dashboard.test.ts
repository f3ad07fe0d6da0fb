import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createMetrics } from './metrics.js'

interface Dashboard {
  displayName: string
  mosaicLayout: { columns: number; tiles: { xPos: number; width: number; widget: { title: string; xyChart: { dataSets: { timeSeriesQuery: { prometheusQuery: string } }[] } } }[] }
}

const dashboard = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', '..', 'docs', 'observability-dashboard.json'), 'utf8')) as Dashboard

describe('docs/observability-dashboard.json (Cloud Monitoring)', () => {
  it('queries only series the server exports, and shows answers, TTFT, tokens, refusals and sockets', async () => {
    const metrics = createMetrics({ openSockets: () => 0, answersInFlight: () => 0 })
    const exported = new Set((await metrics.registry.getMetricsAsJSON()).map((m) => m.name))
    const queries = dashboard.mosaicLayout.tiles.flatMap((t) => t.widget.xyChart.dataSets.map((d) => d.timeSeriesQuery.prometheusQuery))
    const used = new Set(queries.flatMap((q) => [...q.matchAll(/\b((?:assistant|nodejs)_[a-z0-9_]+)/g)].map((m) => m[1]!.replace(/_bucket$/, ''))))
    expect([...used].filter((name) => !exported.has(name))).toEqual([])
    for (const name of ['assistant_answers_total', 'assistant_time_to_first_token_seconds', 'assistant_tokens_total', 'assistant_rate_limited_total', 'assistant_open_sockets']) {
      expect(used, name).toContain(name)
    }
  })

  it('lays its tiles inside the grid', () => {
    for (const tile of dashboard.mosaicLayout.tiles) expect(tile.xPos + tile.width).toBeLessThanOrEqual(dashboard.mosaicLayout.columns)
  })
})
