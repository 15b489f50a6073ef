// Browser test of the improvement loop (issue 11, parts 2 and 3): a visitor's question gets "I don't know"; the
// admin finds it under Conversations → Unanswered, presses Improve answer, writes the answer and saves (the entry
// is trained at once); the Playground then answers the same question with exactly that answer, marked Q&A answer,
// without calling the chat model. Also the Playground's "Searched for" on a follow-up. Real server (built admin
// UI), fake OpenRouter, Debian's Chromium. Screenshots go to e2e/artifacts/improve-*.png.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from './support/browser.js';
import { startDocent, TEST_PASSWORD } from './support/harness.js';
import { FAKE_KEY } from './fakes/openrouter.js';
import { ADMIN_UI_DIR, PROJECT_ROOT } from '../server/paths.js';

const ARTIFACTS = path.join(PROJECT_ROOT, 'e2e', 'artifacts');
const T = { timeout: 90_000 };
const ORIGIN = 'https://shop.example.com';
const QUESTION = 'Do you offer gift wrapping?';
const ANSWER = 'Yes: we wrap any order for 3 dollars. Choose "Gift wrapping" at checkout.';
const NO_ANSWER = "Sorry, I couldn't find that on this site. Try asking in another way, or contact us directly.";

let docent: Awaited<ReturnType<typeof startDocent>>;
let browser: Browser;
let page: Page;
let csrfToken = '';
const pageErrors: string[] = [];

const url = (p: string) => docent.url + p;
const shot = async (name: string, selector: string) => {
  await page.mouse.move(0, 0);
  await page
    .locator(selector)
    .first()
    .screenshot({ path: path.join(ARTIFACTS, `improve-${name}.png`), animations: 'disabled' });
};
async function axe(selector: string, what: string) {
  const { violations } = await new AxeBuilder({ page }).include(selector).analyze();
  assert.deepEqual(
    violations.map((v) => `${v.id}: ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`),
    [],
    `axe, ${what}`,
  );
}
const chatCalls = () => docent.fake.requestsTo('/chat/completions').length;

before(async () => {
  if (!existsSync(path.join(ADMIN_UI_DIR, 'index.html'))) throw new Error('The admin UI is not built: run "npm run build:ui" first.');
  mkdirSync(ARTIFACTS, { recursive: true });
  docent = await startDocent();
  browser = await launchBrowser();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
  page = await context.newPage();
  page.setDefaultTimeout(10_000);
  page.on('pageerror', (e) => pageErrors.push(e.message));
  const res = await page.request.post(url('/api/admin/setup'), { data: { password: TEST_PASSWORD } });
  assert.equal(res.status(), 201, await res.text());
  csrfToken = (await res.json()).csrfToken;
  const headers = { 'x-csrf-token': csrfToken };
  const key = await page.request.put(url('/api/admin/settings/api'), {
    headers,
    data: { provider: 'openrouter', apiKey: FAKE_KEY, model: 'openai/gpt-5.4-mini', fallbackModels: [], reasoningEnabled: false },
  });
  assert.equal(key.status(), 200, await key.text());
  for (const data of [
    { title: 'Pro plan', text: 'The Pro plan gives every team unlimited projects, priority support and custom domains.', url: 'https://shop.example.com/pro' },
    {
      title: 'Pro plan pricing',
      text: 'Pro plan pricing: the Pro plan costs 29 dollars per month for each team, billed yearly.',
      url: 'https://shop.example.com/pro-pricing',
    },
  ])
    assert.equal((await page.request.post(url('/api/admin/training/text'), { headers, data })).status(), 201);
  assert.equal((await page.request.post(url('/api/admin/training/start'), { headers })).status(), 202);
  await docent.app.training.runner.idle();
});

after(async () => {
  await browser?.close();
  await docent?.close();
});

test(
  'a visitor\'s "I don\'t know" → Improve answer in Conversations → the Playground answers with exactly that Q&A answer, no chat-model call',
  T,
  async () => {
    // The visitor asks on the site; nothing in the content matches.
    const asked = await page.request.post(url('/api/widget/chat'), { headers: { origin: ORIGIN }, data: { visitorId: 'e2e-visitor-0001', message: QUESTION } });
    assert.equal(asked.status(), 200);
    assert.ok((await asked.text()).includes(JSON.stringify(NO_ANSWER).slice(1, -1)), 'the visitor got "I don\'t know"');

    // Conversations → Unanswered: the question is there with Improve answer.
    await page.goto(url('/admin/conversations?filter=unanswered'));
    const row = page.getByRole('row').filter({ hasText: QUESTION });
    await row.waitFor();
    await row.getByRole('link', { name: `Improve answer to “${QUESTION}”` }).click();

    // The form opens on that answer, prefilled with the visitor's question; "I don't know" is no starting point.
    const form = page.getByRole('form', { name: 'Improve answer: add a Q&A entry' });
    await form.waitFor();
    assert.equal(await form.getByLabel('Question').inputValue(), QUESTION);
    assert.equal(await form.getByLabel('Answer').inputValue(), '');
    assert.ok(await form.getByLabel('Answer').evaluate((el) => el === document.activeElement), 'the answer field has focus');
    // An empty answer is named on its field, and nothing is sent.
    await form.getByRole('button', { name: 'Save and train' }).click();
    await form.getByRole('alert').filter({ hasText: 'Enter the answer.' }).waitFor();
    await form.getByLabel('Answer').fill(ANSWER);
    await shot('form', '.transcript-item.is-assistant');
    await axe('.improve-answer', 'the Improve answer form');

    const embeddingsBefore = docent.fake.requestsTo('/embeddings').length;
    await form.getByRole('button', { name: 'Save and train' }).click();
    const saved = page
      .locator('.improve-answer .notice')
      .filter({ hasText: 'Q&A entry added and trained. Visitors asking this now get your answer word for word.' });
    await saved.waitFor();
    assert.equal(docent.fake.requestsTo('/embeddings').length - embeddingsBefore, 1, 'trained with one embedding call');
    // The conversation and the answer are marked improved.
    await page.locator('h1 .status-pill', { hasText: 'Improved' }).waitFor();
    await page.locator('.transcript-item.is-assistant .transcript-head .status-pill', { hasText: 'Improved' }).waitFor();
    await shot('saved', '.transcript-item.is-assistant');
    await page.goto(url('/admin/conversations?filter=unanswered'));
    await page.getByRole('row').filter({ hasText: QUESTION }).locator('.status-pill', { hasText: 'Improved' }).waitFor();
    await shot('list', '.conversations-table');

    // The Playground: the same question gets exactly the admin's answer, marked, with no chat-model call.
    const before = chatCalls();
    await page.goto(url('/admin/playground'));
    await page.getByLabel('Your question').fill(QUESTION);
    await page.getByLabel('Your question').press('Enter');
    const bot = page.locator('.chat-msg-bot').last();
    await bot.locator('.status-pill', { hasText: 'Q&A answer' }).waitFor();
    assert.equal((await bot.locator('.bubble-bot').textContent())?.trim(), ANSWER);
    // (The entry's question is in a <q>: the quotation marks are the browser's.)
    await page
      .locator('.qa-match.is-answered', { hasText: `Answered with your Q&A entry ${QUESTION} word for word (100% match): no model call, no cost.` })
      .waitFor();
    assert.equal(chatCalls(), before, 'no chat-model call');
    assert.equal(chatCalls(), 0, 'none in the whole loop: "I don\'t know" and the Q&A answer are both free');
    await shot('playground-qa', '.playground-layout');
    assert.deepEqual(pageErrors, []);
  },
);

test('the Playground shows what a follow-up searched: the question alone and with the previous question', T, async () => {
  docent.fake.setChatReply('The Pro plan costs 29 dollars per month.');
  await page.goto(url('/admin/playground'));
  const input = page.getByLabel('Your question');
  await input.fill('Tell me about the Pro plan');
  await input.press('Enter');
  await page.locator('.chat-msg-bot .bubble-bot', { hasText: 'The Pro plan costs 29 dollars per month.' }).first().waitFor();
  await input.fill('And how much is it?');
  await input.press('Enter');
  const queries = page.locator('.searched-queries li');
  await queries.nth(1).waitFor();
  assert.deepEqual(
    (await queries.allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim()),
    ['The question: And how much is it?', 'With the previous question: Tell me about the Pro plan And how much is it?'],
  );
  await page.locator('.chunk', { hasText: 'Pro plan pricing' }).first().waitFor();
  assert.ok((await page.locator('.chunk-meta', { hasText: 'Found with the previous question' }).count()) > 0);
  await shot('playground-follow-up', '.playground-layout');
  await axe('.debug-panel', 'the Playground details');
  assert.deepEqual(pageErrors, []);
});

test('Chatbot screen: the Q&A answer match and "Rewrite follow-ups with the model" are saved, and a bad match is named on its field', T, async () => {
  await page.goto(url('/admin/chatbot'));
  const match = page.getByLabel('Q&A answers');
  await match.waitFor();
  assert.equal(await match.inputValue(), '85');
  const rewrite = page.getByLabel('Rewrite follow-ups with the model');
  assert.equal(await rewrite.isChecked(), false);
  await match.fill('30');
  await page.getByRole('button', { name: 'Save Changes' }).click();
  const message = 'Use a match from 50 to 100 %, or 0 to always let the model answer.';
  await page.getByRole('alert').filter({ hasText: message }).waitFor();
  await match.fill('90');
  await rewrite.check();
  await page.locator('#cb-qaAnswerMatch').scrollIntoViewIfNeeded();
  await shot('chatbot-qa-match', '.form-row:has(#cb-qaAnswerMatch)');
  await shot('chatbot-follow-ups', '.form-row:has(#rewrite-follow-ups)');
  await axe('.form-row:has(#cb-qaAnswerMatch)', 'the Q&A answers row');
  await axe('.form-row:has(#rewrite-follow-ups)', 'the Follow-up questions row');
  await page.getByRole('button', { name: 'Save Changes' }).click();
  await page.locator('.settings-notice', { hasText: 'Settings saved.' }).waitFor();
  const saved = await (await page.request.get(url('/api/admin/chatbot/settings'))).json();
  assert.deepEqual([saved.chatbot.qaAnswerMatch, saved.chatbot.rewriteFollowUps], [90, true]);
  assert.deepEqual(pageErrors, []);
});
