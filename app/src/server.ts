/** Starts the HTTP + WebSocket server from the services and the app, and stops it gracefully. */
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createAdaptorServer, type ServerType } from '@hono/node-server'
import { WebSocketServer } from 'ws'
import { buildApp } from './app.js'
import type { AnswerService } from './chat/answer-service.js'
import { BEARER_PROTOCOL } from './guard/credentials.js'
import type { ConnectionRegistry } from './ops/connections.js'
import type { ServiceState } from './ops/health.js'
import type { Metrics } from './ops/metrics.js'
import { createOriginPolicy } from './ops/origins.js'
import { serveMetrics } from './ops/metrics-routes.js'
import { clientMessageSchema } from './protocol/frames.js'
import { CloseCode } from './protocol/wire.js'
import { buildServices, type ServerOptions, type Services } from './services.js'
import { chatSocket, type SocketDeps, type SocketIdentity } from './transport/ws.js'
import { bindSocket, serveUpgrades } from './transport/ws-upgrade.js'
import { upgradeGate } from './transport/ws-routes.js'

export type { ServerOptions } from './services.js'

export interface RunningServer {
  port: number
  /** The separate metrics port when METRICS_PORT is set. */
  metricsPort: number | undefined
  metrics: Metrics
  state: ServiceState
  answers: AnswerService
  connections: ConnectionRegistry
  /** Graceful shutdown: readiness 503, no new sockets or answers, in-flight answers get the grace, then 1012. */
  shutdown(): Promise<void>
}


export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const services = await buildServices(options)
  const { config, logger, connections, metrics, answers, state } = services
  const app = buildApp(services)
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: config.limits.wsMaxPayloadBytes,
    perMessageDeflate: false,
    // A browser that sends its token as a subprotocol gets "bearer" back, never the token.
    handleProtocols: (protocols) => (protocols.has(BEARER_PROTOCOL) ? BEARER_PROTOCOL : (protocols.values().next().value ?? false)),
  })
  const server: ServerType = createAdaptorServer({ fetch: app.fetch })
  const socketDeps = socketDepsOf(services, options.clock)
  // The same policy the app's CORS uses (app.ts), for the upgrades the gate decides.
  const wsDeps = { state, guard: services.guard, originAllowed: createOriginPolicy(config.cors.origins) }
  const socketFailed = (err: unknown) => logger.error({ err }, 'socket handler failed')
  serveUpgrades<SocketIdentity>(server, wss, { gate: upgradeGate(wsDeps, services.telemetry), fetch: app.fetch }, (ws, identity) => bindSocket(ws, chatSocket(socketDeps, identity), socketFailed), socketFailed)
  const heartbeat = setInterval(
    () =>
      connections.heartbeat((c) => {
        metrics.heartbeatTerminated()
        logger.warn({ event: 'heartbeat_timeout', connectionId: c.id }, 'peer missed a heartbeat; terminated')
      }),
    config.heartbeatIntervalMs,
  )
  heartbeat.unref()

  await listen(server, config.port, config.host)
  const port = (server.address() as AddressInfo).port
  const metricsServer = config.metrics.port === 0 ? undefined : await serveMetrics(metrics, config.host, config.metrics.port)

  let shuttingDown: Promise<void> | undefined
  const shutdown = () =>
    (shuttingDown ??= (async () => {
      state.draining = true
      logger.info({ event: 'shutdown', inFlight: answers.inFlight().length, sockets: connections.size, graceMs: config.shutdownGraceMs }, 'shutting down')
      await answers.drain(config.shutdownGraceMs)
      clearInterval(heartbeat)
      for (const connection of connections.all()) connection.close(CloseCode.serviceRestart, 'server restarting; reconnect')
      answers.close()
      await services.code?.close()
      metricsServer?.close()
      await services.conversations.close()
      await services.coordinator.close()
      await services.tracer?.shutdown().catch((err: unknown) => logger.warn({ err }, 'could not send the last spans'))
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        if ('closeAllConnections' in server) server.closeAllConnections()
        // Sockets that ignore the close frame are cut after a second.
        setTimeout(() => {
          for (const client of wss.clients) client.terminate()
        }, 1000).unref()
      })
    })())

  logger.info({ event: 'listening', port, host: config.host, llm: config.llm.provider, model: options.llm?.model ?? 'none' }, `listening on ${config.host}:${port}`)
  const metricsPort = metricsServer ? (metricsServer.address() as AddressInfo).port : undefined
  return { port, metricsPort, metrics, state, answers, connections, shutdown }
}

function socketDepsOf(services: Services, clock: (() => number) | undefined): SocketDeps {
  const { config, metrics, conversations } = services
  return {
    answers: services.answers,
    start: services.start,
    connections: services.connections,
    logger: services.logger,
    coordinator: services.coordinator,
    mayJoin: async (conversationId, userId) => {
      // Without authentication the unguessable id is the capability; with it, only the owner joins. Joining
      // reads the owner and never claims one: a subscribe must not create (or evict) conversations.
      if (userId === undefined) return true
      return (await conversations.ownerOf(conversationId)) === userId
    },
    schema: clientMessageSchema(config.limits.maxContentChars, config.editor),
    maxBufferedBytes: config.limits.wsMaxBufferedBytes,
    maxMessagesPerSecond: config.limits.wsMaxMessagesPerSecond,
    onRejectedFrame: (reason) => metrics.frameRejected(reason),
    onSendOverflow: () => metrics.sendOverflow(),
    ...(clock ? { now: clock } : {}),
  }
}

function listen(server: ServerType, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    ;(server as Server).listen(port, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
}
