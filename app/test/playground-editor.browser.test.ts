/**
 * The playground's editor pane in headless Chromium against the real server: a pasted program goes along with
 * Review / Explain output in the matching mode, the code check's findings underline the code, and a patch
 * (from the offline review, or from the model's proposeCode tool) shows as a diff whose Apply edits the file.
 */
import { existsSync } from 'node:fs'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildPlayground } from '../../scripts/build-playground.js'
import { CHROMIUM, launchChromium } from './support/browser.js'
import { startFakeOpenAi, type FakeOpenAi } from './support/fake-openai.js'
import { startTestServer, upstreamEnv, type TestServer } from './support/server.js'

/** A buggy program: the SDK's old package name (line 1) and a transaction whose execute is never awaited (line 3). */
const BUGGY = [
  "import { Client, Hbar, TransferTransaction } from '@hashgraph/sdk'",
  'const client = Client.forTestnet().setOperator(process.env.OPERATOR_ID!, process.env.OPERATOR_KEY!)',
  "new TransferTransaction().addHbarTransfer('0.0.2', new Hbar(-1)).addHbarTransfer('0.0.3', new Hbar(1)).execute(client)",
  "console.log('sent')",
]
const AWAITED = "await new TransferTransaction().addHbarTransfer('0.0.2', new Hbar(-1)).addHbarTransfer('0.0.3', new Hbar(1)).execute(client)"
const proposeArgs = JSON.stringify({ changes: [{ mode: 'replace', code: AWAITED, contextBefore: BUGGY[1], contextAfter: BUGGY[3] }] })

let fake: FakeOpenAi
let model: TestServer
let offline: TestServer
let browser: Browser | undefined
const problems: string[] = []

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing; run bash scripts/tools/chromium.sh (npm test does)`)
  await buildPlayground()
  fake = await startFakeOpenAi({ toolCalls: { propose: [{ name: 'proposeCode', arguments: proposeArgs }] } })
  model = await startTestServer(upstreamEnv(fake.url))
  offline = await startTestServer(upstreamEnv(fake.url, { OPENAI_MODEL: 'offline-knowledge-base' }))
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
  await Promise.all([model?.close(), offline?.close()])
  await fake?.close()
})

/** A fresh tab on a server's page, connected; console errors (CSP refusals among them) are collected. */
async function openPage(server: TestServer): Promise<Page> {
  const page = await browser!.newPage()
  // Under the test's minute, so a slow step on a busy machine fails naming its locator rather than the test timing out.
  page.setDefaultTimeout(45_000)
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text())
  })
  page.on('pageerror', (e) => problems.push(e.message))
  await page.goto(`${server.http}/`)
  await page.locator('#status', { hasText: 'Connected' }).waitFor()
  return page
}

/** Pastes the program into the CodeMirror editor (inserted as typed text: no auto-indent in between). */
async function paste(page: Page, lines: string[]) {
  await page.locator('.cm-content').click()
  await page.keyboard.insertText(lines.join('\n'))
}

const editorText = async (page: Page) => (await page.locator('.cm-line').allTextContents()).join('\n')

async function lastAnswer(page: Page) {
  const answer = page.locator('article.assistant').last()
  await answer.locator('xpath=self::*[@data-state="complete" or @data-state="error"]').waitFor({ timeout: 45_000 })
  return answer
}

// The first review warms the server's compiler (a worker thread): seconds on a busy machine.
describe('the playground editor in headless Chromium', { timeout: 60_000 }, () => {
  it('runs CodeMirror under the strict CSP: the editor styles itself and nothing is refused', async () => {
    const page = await openPage(model)
    const csp = (await page.request.get(`${model.http}/`)).headers()['content-security-policy'] ?? ''
    expect(csp).toMatch(/style-src 'self' 'nonce-[A-Za-z0-9+/=]+'/)
    expect(csp).not.toContain('unsafe-inline')
    await paste(page, BUGGY)
    // CodeMirror's own theme applied: its <style> element carries the response's nonce.
    expect(await page.evaluate("getComputedStyle(document.querySelector('.cm-gutters')).display")).toBe('flex')
    expect(await editorText(page)).toBe(BUGGY.join('\n'))
    await page.locator('#language').selectOption('rust')
    await page.locator('.cm-content').click()
    expect(problems.filter((p) => /Content Security Policy|Refused/i.test(p))).toEqual([])
    await page.close()
  })

  it('Review and Explain output send the mode, the language, the cursor line, the file and the run output', async () => {
    const page = await openPage(model)
    await paste(page, BUGGY)
    await page.locator('#language').selectOption('javascript')
    await page.locator('#review').click()
    await lastAnswer(page)
    const review = fake.requests.filter((r) => r.messages.at(-1)?.content?.includes('Mode: code-review')).at(-1)
    const reviewed = review?.messages.at(-1)?.content ?? ''
    expect(reviewed).toContain('Language: javascript.')
    expect(reviewed).toMatch(/>> 4 \| console\.log\('sent'\)/)
    expect(reviewed).toContain('My question: Review my code.')

    await page.locator('#run-output').fill('ReceiptStatusError: receipt for transaction 0.0.2@1700000000.000000000 contained error status INSUFFICIENT_PAYER_BALANCE')
    await page.locator('#question').fill('What went wrong here?')
    await page.locator('#explain').click()
    await lastAnswer(page)
    const explain = fake.requests.filter((r) => r.messages.at(-1)?.content?.includes('Mode: execution-analysis')).at(-1)
    const explained = explain?.messages.at(-1)?.content ?? ''
    expect(explained).toContain('INSUFFICIENT_PAYER_BALANCE')
    expect(explained).toContain('My question: What went wrong here?')

    // A plain question with an empty editor goes without the editor state.
    await page.locator('.cm-content').click()
    await page.keyboard.press('Control+a')
    await page.keyboard.press('Delete')
    await page.locator('#run-output').fill('')
    await page.locator('#question').fill('A plain question without the editor')
    await page.locator('#question').press('Enter')
    await lastAnswer(page)
    expect(fake.requests.some((r) => r.messages.at(-1)?.content === 'A plain question without the editor')).toBe(true)
    await page.close()
  })

  it('Review offline: the old import is underlined, its patch sits on line 1, and Apply changes the editor text', async () => {
    const page = await openPage(offline)
    await paste(page, BUGGY)
    await page.locator('#review').click()
    const answer = await lastAnswer(page)
    expect(await answer.getAttribute('data-state')).toBe('complete')
    const check = answer.locator('section.code-check[data-of="editor"]')
    await check.waitFor()
    // Findings listed by line, and underlined in the editor.
    await expect.poll(() => check.locator('.diagnostics li').allTextContents()).toEqual(expect.arrayContaining([expect.stringMatching(/^Line 1: .*@hiero-ledger\/sdk/), expect.stringMatching(/^Line 3: .*await/i)]))
    expect(await page.locator('.cm-lintRange').count()).toBeGreaterThan(0)
    expect(await page.locator('.cm-lint-marker-warning').count()).toBeGreaterThan(0)
    // Underlines and gutter marks drawn without data: images (img-src 'self' would refuse them).
    expect(await page.evaluate("getComputedStyle(document.querySelector('.cm-lintRange')).textDecorationStyle")).toBe('wavy')
    expect(problems.filter((p) => /Content Security Policy|Refused/i.test(p))).toEqual([])
    // The patch for the import: on line 1, a diff from the old package name to the new one.
    const patch = check.locator('.patch[data-start-line="1"]')
    expect(await patch.locator('.diff .del').textContent()).toBe(`- ${BUGGY[0]}\n`)
    expect(await patch.locator('.diff .ins').textContent()).toContain("from '@hiero-ledger/sdk'")
    await patch.locator('button.apply').click()
    await patch.locator('.patch-status', { hasText: 'Applied.' }).waitFor()
    expect((await editorText(page)).split('\n')).toEqual([BUGGY[0]!.replace('@hashgraph/sdk', '@hiero-ledger/sdk'), ...BUGGY.slice(1)])
    expect(await patch.locator('button.apply').isDisabled()).toBe(true)
    // The other finding stays underlined (Apply changed only line 1); one undo restores the old import.
    expect(await page.locator('.cm-lint-marker-error').count()).toBeGreaterThan(0)
    await page.locator('.cm-content').press('Control+z')
    await expect.poll(() => editorText(page)).toBe(BUGGY.join('\n'))
    await page.close()
  })

  it("the model's proposeCode change shows as a diff on its placed line; Apply refuses once the lines were edited", async () => {
    const page = await openPage(model)
    await paste(page, BUGGY)
    await page.locator('#question').fill('[[tools:propose]] Review this please')
    await page.locator('#review').click()
    const answer = await lastAnswer(page)
    const patch = answer.locator('section.proposed .patch[data-start-line="3"]')
    await patch.waitFor()
    expect(await patch.locator('.diff .del').textContent()).toBe(`- ${BUGGY[2]}\n`)
    expect(await patch.locator('.diff .ins').textContent()).toBe(`+ ${AWAITED}\n`)
    // Edit the patched line first: Apply refuses to overwrite text the diff did not show.
    await page.locator('.cm-line').nth(2).click()
    await page.keyboard.press('End')
    await page.keyboard.insertText(' // edited')
    await patch.locator('button.apply').click()
    await patch.locator('.patch-status', { hasText: 'no longer fits' }).waitFor()
    expect((await editorText(page)).split('\n')[2]).toBe(`${BUGGY[2]} // edited`)
    // Undone, the lines match the diff again and Apply goes through.
    await page.locator('.cm-content').press('Control+z')
    await expect.poll(() => editorText(page)).toBe(BUGGY.join('\n'))
    await patch.locator('button.apply').click()
    await patch.locator('.patch-status', { hasText: 'Applied.' }).waitFor()
    expect((await editorText(page)).split('\n')[2]).toBe(AWAITED)
    await page.close()
  })
})
