/** Takes docs/playground.png: the built page, served by the real server, answering a markdown question from the fake upstream. */
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { launchChromium } from '../app/test/support/browser.js'
import { startFakeOpenAi } from '../app/test/support/fake-openai.js'
import { startTestServer, upstreamEnv } from '../app/test/support/server.js'
import { buildPlayground } from './build-playground.js'

const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'playground.png')

await buildPlayground()
const fake = await startFakeOpenAi({ chunkDelayMs: 1 })
const api = await startTestServer(upstreamEnv(fake.url, { LOG_LEVEL: 'silent' }))
const browser = await launchChromium()
try {
  const page = await browser.newPage({ viewport: { width: 1100, height: 760 }, colorScheme: 'light' })
  await page.goto(`${api.http}/`)
  await page.locator('#status', { hasText: 'Connected' }).waitFor()
  await page.locator('#question').fill('[[answer:markdown]] How do I create an HCS topic and read its receipt?')
  await page.locator('#question').press('Enter')
  await page.locator('article.assistant[data-state=complete]').waitFor()
  // The directive is for the fake upstream; the screenshot shows the question a developer would type.
  await page.evaluate("document.querySelector('article.user').textContent = 'How do I create an HCS topic and read its receipt?'")
  await page.screenshot({ path: OUT })
  console.log(`wrote ${OUT}`)
} finally {
  await browser.close()
  await api.close()
  await fake.close()
}
