/** The playground page: a chat UI on the client package, same origin as the server, no inline script. */
import { connect, type Client, type ConnectionEvent, type ConversationSummary, type EditorState, type ToolEvent } from '../src/index.js'
import { answerNotes } from './answer-notes.js'
import { codeCheckView, patchView } from './code-check.js'
import { createEditor, EDITOR_LANGUAGES, type EditorLanguage } from './editor.js'
import { feedbackButtons } from './feedback.js'
import { renderMarkdown } from './markdown.js'
import { appliedChangesOf } from './patches.js'

interface ServerInfo {
  auth?: { mode?: string }
  llm?: { provider?: string; model?: string }
}

/** The token lives for the tab only (sessionStorage): closing the tab forgets it. */
const TOKEN_KEY = 'hpa-playground-token'
const OFFLINE_MODEL = 'offline-knowledge-base'

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id)
  if (!found) throw new Error(`The page has no #${id}`)
  return found as T
}

const ui = {
  status: element<HTMLSpanElement>('status'),
  offline: element<HTMLDivElement>('offline-banner'),
  tokenForm: element<HTMLFormElement>('token-form'),
  token: element<HTMLInputElement>('token'),
  tokenError: element<HTMLParagraphElement>('token-error'),
  conversations: element<HTMLElement>('conversations'),
  conversationList: element<HTMLUListElement>('conversation-list'),
  messages: element<HTMLElement>('messages'),
  composer: element<HTMLFormElement>('composer'),
  question: element<HTMLTextAreaElement>('question'),
  send: element<HTMLButtonElement>('send'),
  stop: element<HTMLButtonElement>('stop'),
  newChat: element<HTMLButtonElement>('new-chat'),
  review: element<HTMLButtonElement>('review'),
  explain: element<HTMLButtonElement>('explain'),
  language: element<HTMLSelectElement>('language'),
  output: element<HTMLTextAreaElement>('run-output'),
}

/** The style nonce the server put on this response's script tag (the browser keeps it in `.nonce` only). */
const styleNonce = document.querySelector<HTMLScriptElement>('script[nonce]')?.nonce ?? ''

const editor = createEditor(element<HTMLDivElement>('editor'), {
  code: '',
  language: 'typescript',
  label: 'Code editor',
  nonce: styleNonce,
  placeholder: 'Paste or write your program here; Review checks it, Explain output reads it with the run output.',
})

type Mode = EditorState['type']
/** What Review and Explain output ask when the question box is empty. */
const DEFAULT_QUESTION: Record<Mode, string> = {
  'general-assistant': '',
  'code-review': 'Review my code.',
  'execution-analysis': 'Why did my run end like this?',
}

let client: Client | undefined
let authMode = 'none'
let token = sessionStorage.getItem(TOKEN_KEY) ?? ''
let conversationId: string | undefined
let streaming: AbortController | undefined

function setStatus(text: string, kind: 'ok' | 'busy' | 'error' = 'ok') {
  ui.status.textContent = text
  ui.status.dataset.kind = kind
}

function showOffline() {
  ui.offline.hidden = false
}

function socketUrl(): string {
  const url = new URL('/ws/chat', location.href)
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:'
  return url.href
}

function onConnection(event: ConnectionEvent) {
  if (event.type === 'open') setStatus(event.reconnected ? 'Reconnected' : 'Connected')
  else if (event.type === 'reconnecting') setStatus('Connection lost; reconnecting…', 'busy')
  else if (event.type === 'failed') setStatus(event.error, 'error')
}

function startClient() {
  client?.close()
  client = connect({ url: socketUrl(), ...(token ? { token } : {}), getToken: () => token, httpUrl: location.origin })
  client.on(onConnection)
  setStatus('Connecting…', 'busy')
  if (authMode !== 'none') void refreshConversations()
}

/** One question and its answer in the log. */
function addTurn(question: string) {
  const asked = document.createElement('article')
  asked.className = 'turn user'
  asked.setAttribute('aria-label', 'Your question')
  asked.textContent = question
  const answer = document.createElement('article')
  answer.className = 'turn assistant'
  answer.setAttribute('aria-label', 'Answer')
  answer.setAttribute('aria-busy', 'true')
  answer.dataset.state = 'streaming'
  const body = document.createElement('div')
  body.className = 'answer-body'
  answer.append(body)
  ui.messages.append(asked, answer)
  return { answer, body }
}

function renderInto(body: HTMLElement, text: string) {
  body.innerHTML = renderMarkdown(text)
  for (const pre of body.querySelectorAll('pre')) addCopyButton(pre)
}

function addCopyButton(pre: HTMLPreElement) {
  const button = document.createElement('button')
  button.type = 'button'
  button.className = 'copy'
  button.textContent = 'Copy'
  button.setAttribute('aria-label', 'Copy code')
  button.addEventListener('click', function copyCode() {
    const code = pre.querySelector('code')?.textContent ?? ''
    navigator.clipboard.writeText(code).then(
      () => (button.textContent = 'Copied'),
      () => (button.textContent = 'Copy failed'),
    )
  })
  pre.prepend(button)
}

function note(answer: HTMLElement, text: string, className: string) {
  const p = document.createElement('p')
  p.className = className
  p.textContent = text
  answer.append(p)
  return p
}

function showNotes(answer: HTMLElement, metadata: Parameters<typeof answerNotes>[0]) {
  const notes = answerNotes(metadata)
  if (notes.sources.length > 0) {
    const list = document.createElement('ol')
    list.className = 'sources'
    list.setAttribute('aria-label', 'Sources')
    for (const source of notes.sources) {
      const item = document.createElement('li')
      item.textContent = `${source.title} (${source.kind})`
      list.append(item)
    }
    const heading = document.createElement('h3')
    heading.textContent = 'Sources'
    answer.append(heading, list)
  }
  for (const warning of notes.warnings) note(answer, warning, 'warning').setAttribute('role', 'alert')
  if (notes.ending) note(answer, notes.ending, 'ending')
}

/** The editor state for this mode; a plain question goes without it while the editor and the output are empty. */
function editorState(mode: Mode): EditorState | undefined {
  const code = editor.code()
  const output = ui.output.value
  if (mode === 'general-assistant' && code.trim() === '' && output.trim() === '') return undefined
  return { type: mode, language: ui.language.value, currentLine: editor.currentLine(), code, output }
}

/** A tool the model ran: `proposeCode` shows its placed changes as patches with Apply. */
function showTool(answer: HTMLElement, tool: ToolEvent) {
  if (tool.toolName !== 'proposeCode') return
  const changes = appliedChangesOf(tool.output)
  if (changes.length === 0) return
  const section = document.createElement('section')
  section.className = 'code-check proposed'
  section.setAttribute('aria-label', 'Proposed changes')
  const heading = document.createElement('h3')
  heading.textContent = 'Proposed changes'
  section.append(heading, ...changes.map((change) => patchView(editor, change, 'Proposed change')))
  answer.append(section)
}

function setBusy(busy: boolean) {
  ui.stop.disabled = !busy
  ui.send.disabled = busy
  ui.review.disabled = busy
  ui.explain.disabled = busy
}

async function ask(question: string, mode: Mode = 'general-assistant') {
  if (!client || streaming) return
  const metadata = editorState(mode)
  if (mode === 'code-review') editor.showDiagnostics([])
  const { answer, body } = addTurn(question)
  answer.dataset.mode = mode
  const controller = new AbortController()
  streaming = controller
  setBusy(true)
  let text = ''
  let frame = 0
  const paint = () => {
    frame = 0
    renderInto(body, text)
  }
  try {
    for await (const event of client.ask(question, { ...(conversationId ? { conversationId } : {}), signal: controller.signal, ...(metadata ? { metadata } : {}) })) {
      if (event.type === 'start') {
        conversationId = event.conversationId
        if (event.model === OFFLINE_MODEL) showOffline()
      } else if (event.type === 'delta') {
        text += event.content
        // At most one render a frame: a fast stream must not re-parse the markdown per token.
        frame ||= requestAnimationFrame(paint)
      } else if (event.type === 'resumed') {
        answer.dataset.resumed = String(Number(answer.dataset.resumed ?? 0) + 1)
        if (!answer.querySelector('.resumed')) note(answer, 'The connection dropped; the answer resumed where it left off.', 'resumed')
      } else if (event.type === 'tool') {
        showTool(answer, event.tool)
      } else if (event.type === 'complete') {
        cancelAnimationFrame(frame)
        text = event.text
        paint()
        showNotes(answer, event.metadata)
        const check = event.metadata.codeCheck
        if (check) {
          if (check.of === 'editor') editor.showDiagnostics(check.diagnostics)
          answer.append(codeCheckView(editor, check))
        }
        if (event.metadata.finishReason !== 'cancelled') answer.append(feedbackButtons({ messageId: event.messageId, token: () => token }))
        answer.dataset.state = 'complete'
      } else if (event.type === 'error') {
        cancelAnimationFrame(frame)
        paint()
        note(answer, event.error, 'error').setAttribute('role', 'alert')
        answer.dataset.state = 'error'
      }
    }
  } finally {
    answer.setAttribute('aria-busy', 'false')
    streaming = undefined
    setBusy(false)
    if (authMode !== 'none') void refreshConversations()
  }
}

async function refreshConversations() {
  if (!client || !token) return
  try {
    renderConversations(await client.conversations.list())
    ui.conversations.hidden = false
  } catch {
    ui.conversations.hidden = true
  }
}

function renderConversations(list: ConversationSummary[]) {
  ui.conversationList.replaceChildren(
    ...list.map((c) => {
      const item = document.createElement('li')
      if (c.conversationId === conversationId) item.setAttribute('aria-current', 'true')
      const open = document.createElement('button')
      open.type = 'button'
      open.className = 'open'
      open.textContent = c.title ?? `Conversation from ${new Date(c.createdAt).toLocaleString()}`
      open.addEventListener('click', () => void openConversation(c.conversationId))
      const rename = document.createElement('button')
      rename.type = 'button'
      rename.textContent = 'Rename'
      rename.setAttribute('aria-label', `Rename ${open.textContent}`)
      rename.addEventListener('click', () => startRename(item, c))
      const remove = document.createElement('button')
      remove.type = 'button'
      remove.textContent = 'Delete'
      remove.setAttribute('aria-label', `Delete ${open.textContent}`)
      remove.addEventListener('click', () => void removeConversation(c.conversationId))
      item.append(open, rename, remove)
      return item
    }),
  )
}

function startRename(item: HTMLLIElement, c: ConversationSummary) {
  const form = document.createElement('form')
  const input = document.createElement('input')
  input.value = c.title ?? ''
  input.maxLength = 200
  input.setAttribute('aria-label', 'New title')
  form.append(input)
  form.addEventListener('submit', (e) => {
    e.preventDefault()
    void client?.conversations.rename(c.conversationId, input.value).then(refreshConversations, (err: Error) => setStatus(err.message, 'error'))
  })
  item.replaceChildren(form)
  input.focus()
}

async function removeConversation(id: string) {
  if (!client || !confirm('Delete this conversation?')) return
  await client.conversations.remove(id).catch((err: Error) => setStatus(err.message, 'error'))
  if (id === conversationId) newChat()
  await refreshConversations()
}

async function openConversation(id: string) {
  if (!client || streaming) return
  try {
    const { messages } = await client.conversations.get(id)
    newChat()
    conversationId = id
    for (let i = 0; i < messages.length; i += 2) {
      const { answer, body } = addTurn(messages[i]?.content ?? '')
      renderInto(body, messages[i + 1]?.content ?? '')
      answer.setAttribute('aria-busy', 'false')
      answer.dataset.state = 'complete'
    }
    await refreshConversations()
  } catch (err) {
    setStatus((err as Error).message, 'error')
  }
}

function newChat() {
  streaming?.abort()
  conversationId = undefined
  ui.messages.replaceChildren()
  ui.question.focus()
}

async function useToken(candidate: string) {
  ui.tokenError.textContent = ''
  // Checked over REST first: a refused WebSocket handshake tells a browser nothing about why.
  const res = await fetch('/api/conversations', { headers: { authorization: `Bearer ${candidate}` } })
  if (res.status === 401 || res.status === 403) {
    ui.tokenError.textContent = 'The server refused this token; paste a valid API token or JWT.'
    return
  }
  token = candidate
  sessionStorage.setItem(TOKEN_KEY, token)
  startClient()
}

ui.composer.addEventListener('submit', (e) => {
  e.preventDefault()
  const question = ui.question.value.trim()
  if (!question) return
  ui.question.value = ''
  void ask(question)
})
/** Review and Explain output: the question box is optional, the mode says what is wanted. */
function askInMode(mode: Mode) {
  const question = ui.question.value.trim() || DEFAULT_QUESTION[mode]
  ui.question.value = ''
  void ask(question, mode)
}
ui.review.addEventListener('click', () => askInMode('code-review'))
ui.explain.addEventListener('click', () => askInMode('execution-analysis'))
ui.language.addEventListener('change', () => {
  const language = ui.language.value as EditorLanguage
  if (EDITOR_LANGUAGES.includes(language)) editor.setLanguage(language)
})
ui.question.addEventListener('keydown', (e) => {
  // Enter sends, Shift+Enter is a new line; an IME composing text keeps its Enter.
  if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
    e.preventDefault()
    ui.composer.requestSubmit()
  }
})
ui.stop.addEventListener('click', () => streaming?.abort())
ui.newChat.addEventListener('click', newChat)
ui.tokenForm.addEventListener('submit', (e) => {
  e.preventDefault()
  void useToken(ui.token.value.trim())
})

async function main() {
  const info = (await fetch('/api/info')
    .then((r) => r.json())
    .catch(() => ({}))) as ServerInfo
  if (info.llm?.provider === 'offline') showOffline()
  authMode = info.auth?.mode ?? 'none'
  if (authMode !== 'none') {
    ui.tokenForm.hidden = false
    if (!token) return setStatus('This server needs a token: paste it above.', 'busy')
  }
  startClient()
}

void main()
