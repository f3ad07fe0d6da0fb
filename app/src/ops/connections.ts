/** The registry of open sockets: stats, heartbeat and shutdown all walk it. */

export interface ConnectionInfo {
  id: string
  isAlive: boolean
  messageCount: number
  userId: string | undefined
  openedAt: number
}

export interface Connection extends ConnectionInfo {
  /** Protocol-level ping; the peer's pong sets isAlive again. */
  ping(): void
  terminate(): void
  close(code: number, reason: string): void
}

export class ConnectionRegistry {
  private readonly connections = new Map<string, Connection>()
  heartbeatTerminations = 0

  add(connection: Connection): void {
    this.connections.set(connection.id, connection)
  }

  remove(id: string): void {
    this.connections.delete(id)
  }

  get size(): number {
    return this.connections.size
  }

  all(): Connection[] {
    return [...this.connections.values()]
  }

  /** One heartbeat round: peers that did not answer the last ping are terminated, the rest are pinged. */
  heartbeat(onTerminate: (connection: Connection) => void = () => {}): void {
    for (const connection of this.connections.values()) {
      if (!connection.isAlive) {
        this.heartbeatTerminations++
        onTerminate(connection)
        connection.terminate()
        continue
      }
      connection.isAlive = false
      connection.ping()
    }
  }
}
