/**
 * Frames a socket sends in one tick leave in one write. `ws` writes every frame with its own writev (it corks
 * only across a frame's header and payload), so an answer's last delta, its `chat_complete` and the
 * conversation's update, all sent in one tick, cost three syscalls. Corking the TCP socket at the first frame
 * of a tick and uncorking it after the tick's microtasks sends them together: one syscall, same bytes, same
 * order. A frame sent alone is delayed by no I/O, only by the rest of the current tick's work.
 */
import type { WebSocket } from 'ws'

/** The part of the TCP socket under a `ws` socket used here (`ws` keeps it as `_socket`, not in its types). */
interface Corkable {
  writableCorked: number
  destroyed: boolean
  cork(): void
  uncork(): void
}

function uncorkAfterTick(socket: Corkable): void {
  socket.uncork()
}

/** Holds `ws`'s writes until the current tick ends (once per tick; later sends of the tick join the held ones). */
export function corkForTick(ws: WebSocket): void {
  const socket = (ws as unknown as { _socket?: Corkable })._socket
  if (!socket || socket.destroyed || socket.writableCorked > 0) return
  socket.cork()
  process.nextTick(uncorkAfterTick, socket)
}
