/**
 * The second baseline: the leanest relay a team could write by hand. node:http server + `ws`, the upstream
 * read with node:http (no SDK, no fetch, no web streams), a minimal SSE split, one `ws` send per token.
 * No validation, no log, no limits, no history, no resume. Plain JavaScript, run as it is.
 */
import { Agent, createServer, request } from 'node:http'
import { Buffer } from 'node:buffer'
import process from 'node:process'
import { URL } from 'node:url'
import { WebSocketServer } from 'ws'

const upstream = new URL(`${process.env.OPENAI_BASE_URL}/chat/completions`)
const agent = new Agent({ keepAlive: true, maxSockets: Infinity })
const server = createServer((_req, res) => res.end('ok'))
const wss = new WebSocketServer({ server, perMessageDeflate: false })

function relay(ws, message) {
  const body = JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: message.content }], stream: true })
  const req = request(upstream, { method: 'POST', agent, headers: { 'content-type': 'application/json', authorization: 'Bearer sk-bench', 'content-length': Buffer.byteLength(body) } }, (res) => {
    let seq = 0
    let buffer = ''
    ws.send(JSON.stringify({ type: 'chat_start', messageId: message.messageId }))
    res.setEncoding('utf8')
    res.on('data', (text) => {
      buffer += text
      let end
      while ((end = buffer.indexOf('\n\n')) !== -1) {
        const event = buffer.slice(0, end)
        buffer = buffer.slice(end + 2)
        if (!event.startsWith('data: ') || event === 'data: [DONE]') continue
        const content = JSON.parse(event.slice(6)).choices[0]?.delta?.content
        if (content) ws.send(JSON.stringify({ type: 'chat_delta', messageId: message.messageId, seq: seq++, content }))
      }
    })
    res.on('end', () => ws.send(JSON.stringify({ type: 'chat_complete', messageId: message.messageId })))
  })
  req.on('error', (error) => ws.send(JSON.stringify({ type: 'error', messageId: message.messageId, error: error.code ?? error.message })))
  req.end(body)
}

wss.on('connection', (ws) => {
  ws.on('message', (data) => relay(ws, JSON.parse(data.toString('utf8'))))
})

server.listen(0, '127.0.0.1', () => {
  const address = server.address()
  process.stdout.write(`${JSON.stringify({ event: 'listening', port: typeof address === 'object' && address ? address.port : 0 })}\n`)
})
process.on('SIGTERM', () => process.exit(0))
