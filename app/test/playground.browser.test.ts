/**
 * The playground page at GET / in headless Chromium, served through a TCP proxy (so the test can drop the
 * page's connection) by the real server, answering from the fake upstream.
 */
import { existsSync } from 'node:fs'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seededRandom, startCuttingProxy, type CuttingProxy } from '../../client/test/support/cutting-proxy.js'
import { buildPlayground } from '../../scripts/build-playground.js'
import { CHROMIUM, launchChromium } from './support/browser.js'
import { startFakeOpenAi, type FakeOpenAi } from './support/fake-openai.js'
import { startTestServer, upstreamEnv, type TestServer } from './support/server.js'

const API_TOKEN = 'tok_playground_0123456789'

let fake: FakeOpenAi
let api: TestServer
let authed: TestServer
let offline: TestServer
let proxy: CuttingProxy
let browser: Browser | undefined
let context: BrowserContext
let page: Page
let origin: string
const requests: string[] = []
const sockets: string[] = []
const consoleErrors: string[] = []

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing; run bash scripts/tools/chromium.sh (npm test does)`)
  await buildPlayground()
  fake = await startFakeOpenAi()
  api = await startTestServer(upstreamEnv(fake.url, { RESUME_GRACE_MS: '30000' }))
  authed = await startTestServer(upstreamEnv(fake.url, { AUTH_MODE: 'token', API_TOKENS: API_TOKEN }))
  offline = await startTestServer(upstreamEnv(fake.url, { OPENAI_MODEL: 'offline-knowledge-base' }))
  proxy = await startCuttingProxy(api.server.port, seededRandom(11))
  origin = `http://127.0.0.1:${proxy.port}`
  browser = await launchChromium()
  context = await browser.newContext()
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin })
  context.on('request', (r) => requests.push(r.url()))
  page = await context.newPage()
  page.on('websocket', (ws) => sockets.push(ws.url()))
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text())
  })
  await page.goto(`${origin}/`)
  await page.locator('#status', { hasText: 'Connected' }).waitFor()
})

afterAll(async () => {
  await browser?.close()
  await proxy?.close()
  await Promise.all([api?.close(), authed?.close(), offline?.close()])
  await fake?.close()
})

const answers = (p: Page) => p.locator('article.assistant')
const upstreamFor = (question: string) => fake.requests.filter((r) => r.messages.at(-1)?.content === question)

/** Types a question and sends it with Enter; returns the locator of its answer. */
async function ask(p: Page, question: string) {
  const n = await answers(p).count()
  await p.locator('#question').fill(question)
  await p.locator('#question').press('Enter')
  return answers(p).nth(n)
}

async function finished(answer: ReturnType<Page['locator']>) {
  await answer.locator('xpath=self::*[@data-state="complete" or @data-state="error"]').waitFor({ timeout: 20_000 })
  return answer
}

describe('the playground page in headless Chromium', () => {
  it('asks with Enter and streams the answer into an aria-live log, rendering as it arrives', async () => {
    const question = '[[delay:20]] [[words:40]] How do I transfer HBAR?'
    const answer = await ask(page, question)
    // Seen mid-stream: part of the text, still busy.
    await answer.locator('.answer-body p').waitFor()
    expect(await answer.getAttribute('aria-busy')).toBe('true')
    await finished(answer)
    expect(await answer.getAttribute('data-state')).toBe('complete')
    expect(await answer.getAttribute('aria-busy')).toBe('false')
    expect((await answer.locator('.answer-body').textContent())?.trim()).toBe(fake.answerFor(question))
    expect(await page.locator('#messages').getAttribute('aria-live')).toBe('polite')
    // AUTH_MODE=none: no token field, no conversation list (nothing to list without a user).
    expect(await page.locator('#token-form').isVisible()).toBe(false)
    expect(await page.locator('#conversations').isVisible()).toBe(false)
    expect(await page.locator('article.user').last().textContent()).toBe(question)
  })

  it('rates a finished answer with a thumb: once, recorded by the server for that answer', async () => {
    const answer = await finished(await ask(page, 'How do I rate an answer?'))
    const thumbs = answer.locator('.feedback button')
    expect(await thumbs.count()).toBe(2)
    await answer.locator('.feedback button[data-rating="down"]').click()
    await answer.locator('.feedback-status', { hasText: 'Thanks for the feedback.' }).waitFor()
    expect(await answer.locator('.feedback button[data-rating="down"]').getAttribute('aria-pressed')).toBe('true')
    expect(await thumbs.first().isDisabled()).toBe(true)
    // The page sent it for this answer: the server now refuses a second rating of the same answer.
    const sent = requests.find((url) => url.includes('/feedback'))!
    const again = await fetch(`${api.http}${new URL(sent).pathname}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"rating":"up"}' })
    expect(again.status).toBe(409)
  })

  it('Shift+Enter adds a line; Enter sends both lines as one question', async () => {
    const before = await answers(page).count()
    const box = page.locator('#question')
    await box.fill('')
    await box.pressSequentially('first line')
    await box.press('Shift+Enter')
    await box.pressSequentially('second line')
    expect(await box.inputValue()).toBe('first line\nsecond line')
    expect(await answers(page).count()).toBe(before)
    await box.press('Enter')
    await finished(answers(page).nth(before))
    expect(upstreamFor('first line\nsecond line')).toHaveLength(1)
  })

  it('renders markdown: headings, emphasis, lists, safe links and highlighted code with a copy button', async () => {
    const answer = await finished(await ask(page, '[[answer:markdown]] show me markdown'))
    expect(await answer.locator('h2').textContent()).toBe('Create a topic')
    expect(await answer.locator('strong').textContent()).toBe('TopicCreateTransaction')
    // The answer's own list items; the grounded sources are listed apart, in ol.sources.
    expect(await answer.locator('.answer-body li').count()).toBe(2)
    const link = answer.locator('a')
    expect(await link.getAttribute('href')).toBe('https://docs.hedera.com/hedera/sdks-and-apis')
    expect(await link.getAttribute('rel')).toBe('noopener noreferrer nofollow')
    expect(await answer.locator('pre code .hljs-keyword').count()).toBeGreaterThan(0)
    await answer.locator('button.copy').click()
    await answer.locator('button.copy', { hasText: 'Copied' }).waitFor()
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(
      'const tx = await new TopicCreateTransaction().execute(client)\nconst receipt = await tx.getReceipt(client)\n',
    )
  })

  it('stays inert against answers carrying <img onerror>, <script>, <svg onload> and javascript: links', async () => {
    const dialogs: string[] = []
    page.on('dialog', (d) => {
      dialogs.push(d.message())
      void d.dismiss()
    })
    const answer = await finished(await ask(page, '[[answer:hostile]] try to run script'))
    expect(await answer.locator('img, script, svg, iframe, object, embed').count()).toBe(0)
    const links = answer.locator('a')
    const hrefs: (string | null)[] = []
    for (let i = 0; i < (await links.count()); i++) hrefs.push(await links.nth(i).getAttribute('href'))
    expect(hrefs.filter((h) => !/^https?:\/\//.test(h ?? ''))).toEqual([])
    const text = await answer.locator('.answer-body').textContent()
    // The tags are shown as text, not dropped silently.
    expect(text).toContain('<img src="x" onerror=')
    expect(text).toContain('<script>')
    expect(text).toContain('javascript:')
    expect(await page.evaluate('window.__pwned')).toBeUndefined()
    expect(dialogs).toEqual([])
  })

  it('Stop aborts the upstream request within a second and marks the answer stopped', async () => {
    const question = '[[delay:50]] [[words:400]] a long answer to stop'
    const answer = await ask(page, question)
    await answer.locator('.answer-body p').waitFor()
    const clicked = performance.now()
    await page.locator('#stop').click()
    await fake.whenAborted((r) => r.messages.at(-1)?.content === question)
    expect(performance.now() - clicked).toBeLessThan(1000)
    await finished(answer)
    expect(await answer.locator('.ending').textContent()).toBe('Stopped.')
    expect(upstreamFor(question)).toHaveLength(1)
  })

  it('resumes through a dropped connection: the exact answer, one upstream request, and it says so', async () => {
    const question = '[[delay:15]] [[words:120]] an answer through a dropped connection'
    const answer = await ask(page, question)
    await answer.locator('.answer-body p').waitFor()
    const reconnected = page.locator('#status', { hasText: 'Reconnected' }).waitFor()
    proxy.cutAll()
    await finished(answer)
    await reconnected
    expect(await answer.getAttribute('data-state')).toBe('complete')
    expect((await answer.locator('.answer-body').textContent())?.trim()).toBe(fake.answerFor(question))
    expect(Number(await answer.getAttribute('data-resumed'))).toBeGreaterThanOrEqual(1)
    expect(await answer.locator('.resumed').isVisible()).toBe(true)
    expect(upstreamFor(question)).toHaveLength(1)
  })

  it('New chat clears the log and starts a conversation without the earlier turns', async () => {
    await page.locator('#new-chat').click()
    expect(await page.locator('#messages article').count()).toBe(0)
    const question = 'a question in a fresh conversation'
    await finished(await ask(page, question))
    const upstream = upstreamFor(question)
    expect(upstream).toHaveLength(1)
    expect(upstream[0]!.messages.filter((m) => m.role !== 'system')).toEqual([{ role: 'user', content: question }])
  })

  it('is usable on a phone-sized screen: nothing wider than the viewport, the composer in view', async () => {
    await page.setViewportSize({ width: 390, height: 844 })
    expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true)
    expect(await page.locator('#question').isVisible()).toBe(true)
    expect(await page.locator('#send').isVisible()).toBe(true)
    await page.setViewportSize({ width: 1280, height: 800 })
  })

  it('never sends a request outside its origin (assets, API and socket are all same-origin)', () => {
    expect(requests.length).toBeGreaterThan(3)
    expect(requests.filter((url) => new URL(url).origin !== origin)).toEqual([])
    expect(sockets.length).toBeGreaterThanOrEqual(2) // the first socket and the one after the drop
    expect(sockets.filter((url) => url !== `ws://127.0.0.1:${proxy.port}/ws/chat`)).toEqual([])
    // The page itself never trips its Content-Security-Policy (Chromium reports each refusal on the console).
    expect(consoleErrors.filter((text) => /Content Security Policy/i.test(text))).toEqual([])
  })

  it('asks for a token when the server needs one, refuses a wrong one, then lists the conversation', async () => {
    const tab = await context.newPage()
    await tab.goto(`${authed.http}/`)
    await tab.locator('#token-form').waitFor()
    await tab.locator('#token').fill('tok_wrong_0123456789abcdef')
    await tab.locator('#token').press('Enter')
    await tab.locator('#token-error', { hasText: 'refused this token' }).waitFor()
    await tab.locator('#token').fill(API_TOKEN)
    await tab.locator('#token').press('Enter')
    await tab.locator('#status', { hasText: 'Connected' }).waitFor()
    const question = 'a signed-in question'
    await finished(await ask(tab, question))
    await tab.locator('#conversation-list li').first().waitFor()
    expect(await tab.locator('#conversations').isVisible()).toBe(true)
    expect(await tab.locator('#conversation-list li').count()).toBe(1)
    await tab.close()
  })

  it('shows the offline banner when the answers come from the offline knowledge base', async () => {
    const tab = await context.newPage()
    await tab.goto(`${offline.http}/`)
    await tab.locator('#status', { hasText: 'Connected' }).waitFor()
    expect(await tab.locator('#offline-banner').isVisible()).toBe(false)
    await finished(await ask(tab, 'an offline question'))
    expect(await tab.locator('#offline-banner').isVisible()).toBe(true)
    await tab.close()
  })
})
