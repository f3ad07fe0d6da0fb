/** Takes docs/playground.png: the built page, served by the real server with no key (offline mode), answering from the knowledge base. */
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { launchChromium } from '../app/test/support/browser.js'
import { startTestServer } from '../app/test/support/server.js'
import { buildPlayground } from './build-playground.js'

const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'playground.png')

await buildPlayground()
const api = await startTestServer({ LOG_LEVEL: 'silent' })
const browser = await launchChromium()
try {
  const page = await browser.newPage({ viewport: { width: 1100, height: 1000 }, colorScheme: 'light' })
  await page.goto(`${api.http}/`)
  await page.locator('#status', { hasText: 'Connected' }).waitFor()
  await page.locator('#question').fill('My transfer of a token fails with TOKEN_NOT_ASSOCIATED_TO_ACCOUNT, what do I do?')
  await page.locator('#question').press('Enter')
  await page.locator('article.assistant[data-state=complete]').waitFor()
  await page.screenshot({ path: OUT })
  console.log(`wrote ${OUT}`)
} finally {
  await browser.close()
  await api.close()
}
