/** GET /metrics: on the client port (behind METRICS_TOKEN when set), or alone on its own port for in-cluster scrapers. */
import { createServer, type Server } from 'node:http'
import { Hono } from 'hono'
import { operatorTokenMatches } from '../guard/guard.js'
import { httpError } from '../transport/http-error.js'
import type { Metrics } from './metrics.js'

export function metricsRoutes(metrics: Metrics, token: string | undefined): Hono {
  const app = new Hono()
  app.get('/metrics', async function scrapeMetrics(c) {
    if (token && !operatorTokenMatches(token, c)) {
      return httpError('unauthorized', 'This endpoint needs the metrics token: Authorization: Bearer <METRICS_TOKEN>')
    }
    return c.body(await metrics.registry.metrics(), 200, { 'content-type': metrics.registry.contentType })
  })
  return app
}

/** /metrics on its own port, for scrapers inside the cluster; nothing else is served there. */
export async function serveMetrics(metrics: Metrics, host: string, port: number): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404).end()
      return
    }
    metrics.registry
      .metrics()
      .then((body) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(body))
      .catch(() => res.writeHead(500).end())
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => resolve())
  })
  return server
}
