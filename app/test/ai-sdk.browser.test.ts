/**
 * The useChat test page (@ai-sdk/react, AI SDK v5, bundled with esbuild) in headless Chromium against the real
 * server and the fake model: it streams an answer with the editor state, shows its sources, stops, and resumes
 * after a reload.
 */
import { existsSync } from 'node:fs'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildChatPage } from './ai-sdk-page/build.js'
import { CHROMIUM, launchChromium } from './support/browser.js'
import { startFakeOpenAi, type FakeOpenAi } from './support/fake-openai.js'
import { startTestServer, upstreamEnv, type TestServer } from './support/server.js'

const editor = { type: 'code-review', language: 'typescript', currentLine: 1, code: 'const client = Client.forTestnet()', output: '' }

let fake: FakeOpenAi
let api: TestServer
let browser: Browser | undefined
let html: string
const consoleErrors: string[] = []

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing; run bash scripts/tools/chromium.sh (npm test does)`)
  html = await buildChatPage()
  fake = await startFakeOpenAi()
  api = await startTestServer(upstreamEnv(fake.url, { RESUME_GRACE_MS: '30000', AUTH_MODE: 'gateway' }))
  browser = await launchChromium()
})
afterAll(async () => {
  await browser?.close()
  await api?.close()
  await fake?.close()
})

/** A page on the server's own origin (the test serves the bundle at /ai-sdk-page), as the Playground is served. */
async function openPage(chat: string, options: { resume?: boolean } = {}): Promise<Page> {
  const page = await browser!.newPage()
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text())
  })
  await page.route(`${api.http}/ai-sdk-page**`, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }))
  const query = new URLSearchParams({ chat, user: 'page-user', editor: JSON.stringify(editor), ...(options.resume ? { resume: '1' } : {}) })
  await page.goto(`${api.http}/ai-sdk-page?${query.toString()}`)
  await page.locator('#status').waitFor()
  return page
}

async function ask(page: Page, question: string): Promise<void> {
  await page.fill('#question', question)
  await page.click('#send')
}

const upstreamFor = (question: string) => fake.whenReceived((r) => r.messages.at(-1)!.content!.endsWith(`My question: ${question}`))

describe('the useChat page', () => {
  it('streams an answer with the editor state and shows its sources', async () => {
    const page = await openPage(`page-${Date.now()}`)
    const question = '[[words:20]] How do I associate a token with an account?'
    await ask(page, question)
    const upstream = await upstreamFor(question)
    expect(upstream.messages.at(-1)!.content!).toContain('Mode: code-review. Language: typescript.')
    await page.locator('#status', { hasText: 'ready' }).waitFor()
    const expected = fake.answerFor(upstream.messages.at(-1)!.content!)
    expect(await page.locator('article.assistant .text').innerText()).toBe(expected)
    expect(await page.locator('article.assistant .sources li').count()).toBeGreaterThan(0)
    expect(await page.locator('article.assistant .sources li[data-source-id="guide:token-associate"]').count()).toBe(1)
    await page.close()
  })

  it('stops: the upstream request is aborted and the page is ready again', async () => {
    const page = await openPage(`page-stop-${Date.now()}`)
    const question = '[[delay:40]] [[words:300]] stop this one'
    await ask(page, question)
    await page.locator('article.assistant .text', { hasText: 'word3' }).waitFor()
    await page.click('#stop')
    const aborted = await fake.whenAborted((r) => r.messages.at(-1)!.content!.endsWith(`My question: ${question}`))
    expect(aborted.aborted).toBe(true)
    await page.locator('#status', { hasText: 'ready' }).waitFor()
    const shown = await page.locator('article.assistant .text').innerText()
    expect(shown).not.toContain('word299')
    await page.close()
  })

  it('resumes after a reload: the whole answer, once', async () => {
    const chat = `page-resume-${Date.now()}`
    const page = await openPage(chat, { resume: true })
    const question = '[[delay:30]] [[words:80]] survive a reload'
    await ask(page, question)
    await page.locator('article.assistant .text', { hasText: 'word5' }).waitFor()
    await page.reload()
    await page.locator('#status', { hasText: 'ready' }).waitFor()
    await page.locator('article.assistant .text', { hasText: 'done.' }).waitFor()
    const upstream = await upstreamFor(question)
    expect(await page.locator('article.assistant .text').innerText()).toBe(fake.answerFor(upstream.messages.at(-1)!.content!))
    expect(await page.locator('article.assistant').count()).toBe(1)
    expect(consoleErrors).toEqual([])
    await page.close()
  })
})
