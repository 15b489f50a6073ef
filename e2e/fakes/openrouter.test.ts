import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI, { APIError, RateLimitError, BadRequestError, AuthenticationError, InternalServerError } from 'openai';
import { startFakeOpenRouter, FAKE_KEY, fakeEmbedding, cosine, defaultChatReply, type FakeOpenRouter } from './openrouter.js';

let fake: FakeOpenRouter;
let client: OpenAI;

const CONTEXT_PROMPT = [
  {
    role: 'system' as const,
    content:
      'You are Docent. Answer only from the context.\n\nContext:\n<source id="1">\nReturns are free within 30 days of delivery.\nSecond line of the source.\n</source>',
  },
  { role: 'user' as const, content: 'Can I return my order?' },
];

function authed(extra: Record<string, string> = {}): Record<string, string> {
  return { Authorization: `Bearer ${FAKE_KEY}`, 'Content-Type': 'application/json', ...extra };
}

async function post(path: string, body: unknown, headers = authed()): Promise<Response> {
  return fetch(fake.baseURL + path, { method: 'POST', headers, body: JSON.stringify(body) });
}

async function collect(stream: AsyncIterable<any>): Promise<{ content: string; reasoning: string; chunks: any[] }> {
  let content = '';
  let reasoning = '';
  const chunks: any[] = [];
  for await (const c of stream) {
    chunks.push(c);
    content += c.choices[0]?.delta?.content ?? '';
    reasoning += c.choices[0]?.delta?.reasoning ?? '';
  }
  return { content, reasoning, chunks };
}

before(async () => {
  fake = await startFakeOpenRouter();
  client = new OpenAI({ baseURL: fake.baseURL, apiKey: FAKE_KEY, maxRetries: 0 });
});
after(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.clearFaults();
  fake.setChatReply(null);
  fake.setOptions({ keepAliveComments: true, usageChunkStyle: 'repeat-choice', credits: 'ok', latencyMs: 0, tokenDelayMs: 0, validKeys: [FAKE_KEY] });
});

// ---- auth, key, credits -----------------------------------------------------------------------------------------

test('auth: missing bearer and unknown key give the real 401 bodies; /models ignores auth', async () => {
  let r = await fetch(`${fake.baseURL}/key`);
  assert.equal(r.status, 401);
  assert.deepEqual(await r.json(), { error: { message: 'No cookie auth credentials found', code: 401 } });
  r = await fetch(`${fake.baseURL}/key`, { headers: { Authorization: 'Bearer ' } });
  assert.equal(r.status, 401);
  r = await fetch(`${fake.baseURL}/key`, { headers: { Authorization: 'Bearer sk-or-v1-nope' } });
  assert.equal(r.status, 401);
  assert.deepEqual(await r.json(), { error: { message: 'User not found.', code: 401 } });
  r = await fetch(`${fake.baseURL}/models`, { headers: { Authorization: 'Bearer sk-or-v1-nope' } });
  assert.equal(r.status, 200);
  r = await fetch(`${fake.baseURL}/embeddings/models`);
  assert.equal(r.status, 200);

  const bad = new OpenAI({ baseURL: fake.baseURL, apiKey: 'sk-or-v1-bad', maxRetries: 0 });
  await assert.rejects(bad.chat.completions.create({ model: 'openai/gpt-5.4-mini', messages: [{ role: 'user', content: 'hi' }] }), (e: any) => {
    assert.ok(e instanceof AuthenticationError);
    assert.equal(e.status, 401);
    assert.equal((e as any).error.message, 'User not found.');
    return true;
  });
  fake.setOptions({ validKeys: [FAKE_KEY, 'sk-or-v1-other'] });
  const other = new OpenAI({ baseURL: fake.baseURL, apiKey: 'sk-or-v1-other', maxRetries: 0 });
  assert.equal(((await other.get('/key')) as any).data.label, fake.keyInfo.label);
});

test('GET /key and /auth/key: §5.1 shape, Cache-Control private, keyInfo is live', async () => {
  for (const p of ['/key', '/auth/key']) {
    const r = await fetch(fake.baseURL + p, { headers: authed() });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('cache-control'), 'private, no-store');
    const { data } = (await r.json()) as any;
    for (const k of [
      'label',
      'limit',
      'limit_remaining',
      'limit_reset',
      'include_byok_in_limit',
      'usage',
      'usage_daily',
      'usage_weekly',
      'usage_monthly',
      'byok_usage',
      'byok_usage_daily',
      'byok_usage_weekly',
      'byok_usage_monthly',
      'is_free_tier',
      'is_management_key',
      'is_provisioning_key',
      'creator_user_id',
      'expires_at',
      'rate_limit',
    ])
      assert.ok(k in data, `missing ${k}`);
    assert.equal(data.limit, null);
    assert.equal(data.label, 'sk-or-v1-012...def');
  }
  fake.keyInfo.limit = 100;
  fake.keyInfo.limit_remaining = 74.5;
  fake.keyInfo.usage = 25.5;
  fake.keyInfo.is_free_tier = true;
  const { data } = (await client.get('/key')) as any;
  assert.deepEqual([data.limit, data.limit_remaining, data.usage, data.is_free_tier], [100, 74.5, 25.5, true]);
  Object.assign(fake.keyInfo, { limit: null, limit_remaining: null, usage: 1.25, is_free_tier: false });
});

test('GET /credits: ok / forbidden / unauthorized', async () => {
  let r = await fetch(`${fake.baseURL}/credits`, { headers: authed() });
  assert.equal(r.status, 200);
  assert.deepEqual(await r.json(), { data: { total_credits: 10, total_usage: 1.25 } });
  fake.setOptions({ credits: 'forbidden' });
  r = await fetch(`${fake.baseURL}/credits`, { headers: authed() });
  assert.equal(r.status, 403);
  assert.deepEqual(await r.json(), { error: { code: 403, message: 'Only management keys can perform this operation' } });
  fake.setOptions({ credits: 'unauthorized' });
  r = await fetch(`${fake.baseURL}/credits`, { headers: authed() });
  assert.equal(r.status, 401);
});

// ---- catalog --------------------------------------------------------------------------------------------------

test('GET /models: envelope, required fields, filters, ZodError', async () => {
  const r = await fetch(`${fake.baseURL}/models`);
  assert.equal(r.status, 200);
  const body = (await r.json()) as any;
  assert.deepEqual(Object.keys(body).sort(), ['data', 'links', 'total_count']);
  assert.equal(body.links.next, null);
  assert.equal(body.total_count, body.data.length);
  assert.ok(body.data.length >= 12);
  for (const m of body.data) {
    for (const k of [
      'id',
      'canonical_slug',
      'name',
      'created',
      'pricing',
      'context_length',
      'architecture',
      'top_provider',
      'per_request_limits',
      'supported_parameters',
      'default_parameters',
      'supported_voices',
      'links',
    ])
      assert.ok(k in m, `${m.id} missing ${k}`);
    assert.equal(typeof m.pricing.prompt, 'string');
    assert.ok(m.architecture.output_modalities.includes('text'));
  }
  const byId = new Map(body.data.map((m: any) => [m.id, m]));
  const mini: any = byId.get('openai/gpt-5.4-mini');
  assert.equal(mini.name, 'OpenAI: GPT-5.4 Mini');
  assert.equal(mini.context_length, 400000);
  assert.deepEqual([mini.pricing.prompt, mini.pricing.completion], ['0.00000025', '0.000002']);
  assert.deepEqual(mini.reasoning, {
    mandatory: false,
    default_enabled: true,
    supported_efforts: ['xhigh', 'high', 'medium', 'low', 'minimal', 'none'],
    default_effort: 'medium',
  });
  assert.equal((byId.get('deepseek/deepseek-r1') as any).reasoning.mandatory, true);
  const mistral: any = byId.get('mistralai/mistral-small-3.2-24b-instruct');
  assert.ok(!('reasoning' in mistral) && !mistral.supported_parameters.includes('reasoning'));
  assert.equal((byId.get('meta-llama/llama-3.3-70b-instruct:free') as any).pricing.prompt, '0');
  const auto: any = byId.get('openrouter/auto');
  assert.equal(auto.pricing.prompt, '-1');
  assert.ok(!('reasoning' in auto));
  assert.ok((byId.get('google/gemini-3-flash') as any).reasoning.supported_efforts.includes('minimal'));
  assert.ok(!byId.has('openai/text-embedding-3-small'));

  const withReasoning = (await (await fetch(`${fake.baseURL}/models?supported_parameters=reasoning`)).json()) as any;
  assert.ok(withReasoning.data.length > 0 && withReasoning.data.every((m: any) => m.supported_parameters.includes('reasoning')));
  assert.ok(!withReasoning.data.some((m: any) => m.id === 'mistralai/mistral-small-3.2-24b-instruct'));

  const emb = (await (await fetch(`${fake.baseURL}/models?output_modalities=embeddings`)).json()) as any;
  assert.ok(emb.data.length === 5 && emb.data.every((m: any) => m.architecture.output_modalities[0] === 'embeddings'));
  const all = (await (await fetch(`${fake.baseURL}/models?output_modalities=all`)).json()) as any;
  assert.equal(all.data.length, body.data.length + 5);

  const bad = await fetch(`${fake.baseURL}/models?output_modalities=bogus`);
  assert.equal(bad.status, 400);
  const badBody = (await bad.json()) as any;
  assert.equal(badBody.success, false);
  assert.equal(badBody.error.name, 'ZodError');
  assert.equal(typeof badBody.error.message, 'string');

  // the SDK's models.list() works against it
  const page = await client.models.list();
  assert.ok(page.data.some((m) => m.id === 'openai/gpt-5.4-mini'));
});

test('GET /embeddings/models: embedding models only', async () => {
  const body = (await (await fetch(`${fake.baseURL}/embeddings/models`)).json()) as any;
  const ids = body.data.map((m: any) => m.id).sort();
  assert.deepEqual(ids, [
    'liquid/lfm-2.5-embedding-350m:free',
    'mistralai/mistral-embed-2312',
    'openai/text-embedding-3-large',
    'openai/text-embedding-3-small',
    'qwen/qwen3-embedding-8b',
  ]);
  const small = body.data.find((m: any) => m.id === 'openai/text-embedding-3-small');
  assert.equal(small.architecture.modality, 'text->embeddings');
  assert.deepEqual(small.architecture.output_modalities, ['embeddings']);
  assert.equal(small.pricing.prompt, '0.00000002');
  assert.equal(small.context_length, 8192);
  assert.equal(body.data.find((m: any) => m.id === 'liquid/lfm-2.5-embedding-350m:free').context_length, 512);
});

// ---- embeddings -------------------------------------------------------------------------------------------------

test('embeddings: similar texts are closer, identical texts identical, §4 shape and cost', async () => {
  const texts = [
    'How do I reset my password?',
    'To reset your password, click "Forgot password" on the login page and follow the link we email you.',
    'Shipping costs depend on your location and the weight of your order.',
    'How do I reset my password?',
  ];
  const res: any = await client.embeddings.create({ model: 'openai/text-embedding-3-small', input: texts, encoding_format: 'float' });
  assert.match(res.id, /^embd-/);
  assert.equal(res.object, 'list');
  assert.equal(res.model, 'openai/text-embedding-3-small');
  assert.equal(res.provider, 'OpenAI');
  assert.equal(res.data.length, 4);
  res.data.forEach((d: any, i: number) => {
    assert.equal(d.object, 'embedding');
    assert.equal(d.index, i);
    assert.equal(d.embedding.length, 1536);
  });
  const [q, pw, ship, q2] = res.data.map((d: any) => d.embedding as number[]);
  assert.ok(cosine(q, pw) > cosine(q, ship) + 0.2, `password ${cosine(q, pw)} vs shipping ${cosine(q, ship)}`);
  assert.deepEqual(q, q2);
  assert.deepEqual(q, fakeEmbedding(texts[0], 1536));
  assert.ok(Math.abs(Math.hypot(...q) - 1) < 1e-9);
  // usage: tokens ≈ words × 1.3 rounded; cost = tokens × price
  const expected = [5, 19, 12, 5].map((w) => Math.round(w * 1.3)).reduce((a, b) => a + b);
  assert.equal(res.usage.prompt_tokens, expected);
  assert.equal(res.usage.total_tokens, expected);
  assert.ok(Math.abs(res.usage.cost - expected * 0.00000002) < 1e-15);
});

test('embeddings: dimensions truncates and renormalises', async () => {
  const res: any = await client.embeddings.create({
    model: 'openai/text-embedding-3-large',
    input: 'Refund policy for damaged items',
    dimensions: 256,
    encoding_format: 'float',
  });
  const v: number[] = res.data[0].embedding;
  assert.equal(v.length, 256);
  const full = fakeEmbedding('Refund policy for damaged items', 3072).slice(0, 256);
  const n = Math.hypot(...full);
  v.forEach((x, i) => assert.ok(Math.abs(x - full[i] / n) < 1e-12));
  assert.ok(Math.abs(Math.hypot(...v) - 1) < 1e-9);
  // band-boundary prefix lengths equal a direct smaller embedding (Matryoshka-style)
  fakeEmbedding('Refund policy for damaged items', 256).forEach((x, i) => assert.ok(Math.abs(x - v[i]) < 1e-12));
  // meaning survives truncation
  const [a, b, c] = (
    (await client.embeddings.create({
      model: 'openai/text-embedding-3-small',
      dimensions: 128,
      encoding_format: 'float',
      input: ['reset my password', 'password reset instructions', 'shipping costs to Canada'],
    })) as any
  ).data.map((d: any) => d.embedding);
  assert.ok(cosine(a, b) > cosine(a, c));
  const tooBig = await post('/embeddings', { model: 'openai/text-embedding-3-small', input: 'x', dimensions: 5000, encoding_format: 'float' });
  assert.equal(tooBig.status, 400);
});

test('embeddings QUIRK: floats even for base64, so the SDK without encoding_format decodes garbage of the wrong length', async () => {
  // The SDK silently sends encoding_format:"base64" and decodes; the fake (like OpenRouter) returns float arrays.
  const res = await client.embeddings.create({ model: 'openai/text-embedding-3-small', input: 'How do I reset my password?' });
  assert.equal(fake.requestsTo('/embeddings').at(-1)!.body.encoding_format, 'base64');
  assert.notEqual(res.data[0].embedding.length, 1536);
  assert.equal(res.data[0].embedding.length, 1536 / 4);
  // Raw wire: float arrays for omitted and for "base64"
  for (const body of [{}, { encoding_format: 'base64' }]) {
    const r = (await (await post('/embeddings', { model: 'openai/text-embedding-3-small', input: 'hello', ...body })).json()) as any;
    assert.ok(Array.isArray(r.data[0].embedding) && r.data[0].embedding.length === 1536);
  }
  // With "float" the SDK returns the right vectors.
  const ok = await client.embeddings.create({ model: 'openai/text-embedding-3-small', input: 'How do I reset my password?', encoding_format: 'float' });
  assert.equal(ok.data[0].embedding.length, 1536);
});

test('embeddings: validation errors', async () => {
  let r = await post('/embeddings', { model: 'openai/text-embedding-3-small', input: '' });
  assert.equal(r.status, 400);
  assert.equal(((await r.json()) as any).error.code, 400);
  r = await post('/embeddings', { model: 'openai/text-embedding-3-small', input: ['ok', ''] });
  assert.equal(r.status, 400);
  r = await post('/embeddings', { model: 'nope/nothing', input: 'x' });
  assert.equal(r.status, 400);
  assert.equal(((await r.json()) as any).error.message, 'nope/nothing is not a valid model ID');
  r = await post('/embeddings', { model: 'openai/gpt-5.4-mini', input: 'x' });
  assert.equal(r.status, 404);
  assert.equal(((await r.json()) as any).error.code, 404);
  r = await post('/embeddings', { model: 'liquid/lfm-2.5-embedding-350m:free', input: 'word '.repeat(600), encoding_format: 'float' });
  assert.equal(r.status, 400);
  assert.match(((await r.json()) as any).error.message, /maximum context length is 512 tokens/);
});

// ---- chat: non-stream -------------------------------------------------------------------------------------------

test('chat non-stream: §1.6 shape, X-Generation-Id, grounded default reply, cost', async () => {
  const { data, response } = await client.chat.completions
    .create({ model: 'mistralai/mistral-small-3.2-24b-instruct', messages: CONTEXT_PROMPT, max_tokens: 500 })
    .withResponse();
  const d: any = data;
  assert.match(d.id, /^gen-\d+-[A-Za-z0-9]{20}$/);
  assert.equal(response.headers.get('x-generation-id'), d.id);
  assert.equal(d.object, 'chat.completion');
  assert.equal(d.provider, 'Mistral');
  assert.equal(d.model, 'mistralai/mistral-small-3.2-24b-instruct');
  const c = d.choices[0];
  assert.equal(c.finish_reason, 'stop');
  assert.ok('native_finish_reason' in c);
  assert.equal(c.message.content, 'Based on the provided context: "Returns are free within 30 days of delivery."');
  assert.equal(c.message.content, defaultChatReply({ messages: CONTEXT_PROMPT }));
  assert.equal(c.message.reasoning, null);
  const u = d.usage;
  assert.equal(u.total_tokens, u.prompt_tokens + u.completion_tokens);
  assert.ok(Math.abs(u.cost - (u.prompt_tokens * 0.00000006 + u.completion_tokens * 0.00000018)) < 1e-12);
  assert.equal(u.completion_tokens_details.reasoning_tokens, 0);
  for (const k of ['is_byok', 'prompt_tokens_details', 'cost_details']) assert.ok(k in u);
});

test('chat: setChatReply, reasoning on/off/exclude, mandatory-reasoning 400', async () => {
  fake.setChatReply('Hello there, friend.');
  let d: any = await client.chat.completions.create({ model: 'deepseek/deepseek-r1', messages: [{ role: 'user', content: 'hi' }] });
  assert.equal(d.choices[0].message.content, 'Hello there, friend.');
  assert.ok(d.choices[0].message.reasoning.length > 0);
  assert.equal(d.choices[0].message.reasoning_details[0].type, 'reasoning.text');
  assert.ok(d.usage.completion_tokens_details.reasoning_tokens > 0);

  for (const reasoning of [{ effort: 'none' }, { enabled: false }]) {
    await assert.rejects(
      client.chat.completions.create({ model: 'deepseek/deepseek-r1', messages: [{ role: 'user', content: 'hi' }], reasoning } as any),
      (e: any) => {
        assert.ok(e instanceof BadRequestError);
        assert.equal(e.status, 400);
        assert.equal((e as any).error.message, 'Reasoning is mandatory for this endpoint and cannot be disabled.');
        return true;
      },
    );
  }
  // non-mandatory: effort none → no reasoning at all
  d = await client.chat.completions.create({ model: 'openai/gpt-5.4-mini', messages: [{ role: 'user', content: 'hi' }], reasoning: { effort: 'none' } } as any);
  assert.equal(d.choices[0].message.reasoning, null);
  assert.equal(d.usage.completion_tokens_details.reasoning_tokens, 0);
  // exclude: generated and billed, not returned
  d = await client.chat.completions.create({ model: 'deepseek/deepseek-r1', messages: [{ role: 'user', content: 'hi' }], reasoning: { exclude: true } } as any);
  assert.equal(d.choices[0].message.reasoning, null);
  assert.ok(d.usage.completion_tokens_details.reasoning_tokens > 0);
  // claude: reasoning off by default, on when asked; minimal maps to the lowest supported level
  d = await client.chat.completions.create({ model: 'anthropic/claude-sonnet-4.5', messages: [{ role: 'user', content: 'hi' }] });
  assert.equal(d.choices[0].message.reasoning, null);
  d = await client.chat.completions.create({
    model: 'anthropic/claude-sonnet-4.5',
    messages: [{ role: 'user', content: 'hi' }],
    reasoning: { effort: 'minimal' },
  } as any);
  assert.ok(d.choices[0].message.reasoning);
  assert.equal(d.choices[0].message.reasoning_details[0].format, 'anthropic-claude-v1');
  // max_tokens caps the answer → finish_reason length
  fake.setChatReply('one two three four five six seven eight nine ten eleven twelve');
  d = await client.chat.completions.create({ model: 'mistralai/mistral-small-3.2-24b-instruct', messages: [{ role: 'user', content: 'hi' }], max_tokens: 5 });
  assert.equal(d.choices[0].finish_reason, 'length');
  assert.equal(d.choices[0].message.content, 'one two three four'); // 4 words ≈ round(4 × 1.3) = 5 tokens
});

test('chat: validation (unknown model, no messages), models[] fallback, router reports served model', async () => {
  let r = await post('/chat/completions', { model: 'nonexistent/x', messages: [{ role: 'user', content: 'hi' }] });
  assert.equal(r.status, 400);
  let b: any = await r.json();
  assert.equal(b.error.message, 'nonexistent/x is not a valid model ID');
  assert.equal(b.error.code, 400);
  assert.match(b.user_id, /^user_/);
  r = await post('/chat/completions', { model: 'openai/gpt-5.4-mini' });
  assert.equal(r.status, 400);
  assert.equal(((await r.json()) as any).error.message, 'Input required: specify "prompt" or "messages"');
  r = await post('/chat/completions', { model: 'openai/gpt-5.4-mini', messages: [] });
  assert.equal(r.status, 400);

  b = await (
    await post('/chat/completions', {
      model: 'nonexistent/x',
      models: ['nonexistent/x', 'anthropic/claude-sonnet-4.5'],
      messages: [{ role: 'user', content: 'hi' }],
      transforms: [],
      usage: { include: true },
      whatever: 1,
    })
  ).json();
  assert.equal(b.model, 'anthropic/claude-sonnet-4.5');
  b = await (await post('/chat/completions', { model: 'openrouter/auto', messages: [{ role: 'user', content: 'hi' }] })).json();
  assert.equal(b.model, 'openai/gpt-5.4-mini');
  assert.ok(b.usage.cost > 0);

  // extension: a fault aimed at the primary model makes the fake fall back to the next one in models[]
  fake.fail({ route: 'chat', kind: 'bad-gateway', model: 'openai/gpt-5.4-mini', times: 1 });
  b = await (
    await post('/chat/completions', { model: 'openai/gpt-5.4-mini', models: ['mistralai/mistral-medium-3.1'], messages: [{ role: 'user', content: 'hi' }] })
  ).json();
  assert.equal(b.model, 'mistralai/mistral-medium-3.1');
});

test('requests are recorded with lower-cased headers and bodies', async () => {
  const c = new OpenAI({
    baseURL: fake.baseURL,
    apiKey: FAKE_KEY,
    maxRetries: 0,
    defaultHeaders: { 'HTTP-Referer': 'https://docent.example', 'X-OpenRouter-Title': 'Docent', 'X-Title': 'Docent' },
  });
  const n = fake.requests.length;
  await c.chat.completions.create({
    model: 'openai/gpt-5.4-mini',
    messages: [{ role: 'user', content: 'hi' }],
    max_tokens: 300,
    user: 'visitor-123',
    reasoning: { effort: 'minimal' },
    models: ['mistralai/mistral-small-3.2-24b-instruct'],
  } as any);
  const rec = fake.requests.at(-1)!;
  assert.equal(fake.requests.length, n + 1);
  assert.equal(rec.method, 'POST');
  assert.equal(rec.path, '/api/v1/chat/completions');
  assert.equal(fake.requestsTo('/chat/completions').at(-1), rec);
  assert.equal(rec.headers['http-referer'], 'https://docent.example');
  assert.equal(rec.headers['x-openrouter-title'], 'Docent');
  assert.equal(rec.headers['x-title'], 'Docent');
  assert.equal(rec.headers.authorization, `Bearer ${FAKE_KEY}`);
  assert.deepEqual(rec.body.reasoning, { effort: 'minimal' });
  assert.deepEqual(rec.body.models, ['mistralai/mistral-small-3.2-24b-instruct']);
  assert.equal(rec.body.user, 'visitor-123');
  assert.equal(rec.body.max_tokens, 300);
  assert.equal(rec.status, 200);
  await fetch(`${fake.baseURL}/models?output_modalities=text&supported_parameters=tools`);
  assert.deepEqual(fake.requestsTo('/models').at(-1)!.query, { output_modalities: 'text', supported_parameters: 'tools' });
});

// ---- chat: streaming --------------------------------------------------------------------------------------------

test('stream: keep-alive comment on the wire is skipped by the SDK; LF-only; reasoning then content', async () => {
  const r = await post('/chat/completions', { model: 'deepseek/deepseek-r1', messages: CONTEXT_PROMPT, stream: true });
  assert.equal(r.headers.get('content-type'), 'text/event-stream');
  assert.equal(r.headers.get('cache-control'), 'no-cache');
  assert.match(r.headers.get('x-generation-id')!, /^gen-/);
  const raw = await r.text();
  assert.ok(raw.startsWith(': OPENROUTER PROCESSING\n\n'));
  assert.ok(!raw.includes('\r'));
  assert.ok(raw.endsWith('data: [DONE]\n\n'));
  const events = raw
    .split('\n\n')
    .filter((e) => e.startsWith('data: {'))
    .map((e) => JSON.parse(e.slice(6)));
  const firstContent = events.findIndex((e) => e.choices[0]?.delta?.content);
  const lastReasoning = events.findLastIndex((e) => e.choices[0]?.delta?.reasoning);
  assert.ok(lastReasoning >= 0 && lastReasoning < firstContent);
  const rc = events[0].choices[0].delta;
  assert.equal(rc.role, 'assistant');
  assert.equal(rc.content, '');
  assert.equal(rc.reasoning_details[0].type, 'reasoning.text');

  const stream = await client.chat.completions.create({ model: 'deepseek/deepseek-r1', messages: CONTEXT_PROMPT, stream: true });
  const { content, reasoning, chunks } = await collect(stream);
  assert.equal(content, defaultChatReply({ messages: CONTEXT_PROMPT }));
  assert.ok(reasoning.length > 0);
  assert.ok(chunks.filter((c) => c.choices[0]?.delta?.content).length > 3, 'content arrives in several chunks');
});

test('stream: usage chunk carries cost in both styles', async () => {
  for (const style of ['repeat-choice', 'empty-choices'] as const) {
    fake.setOptions({ usageChunkStyle: style });
    const stream = await client.chat.completions.create({
      model: 'openai/gpt-5.4-mini',
      messages: [{ role: 'user', content: 'What are your opening hours?' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const { chunks } = await collect(stream);
    const last: any = chunks.at(-1);
    const finish: any = chunks.at(-2);
    assert.equal(finish.choices[0].finish_reason, 'stop');
    assert.ok(last.usage, 'last chunk has usage');
    if (style === 'repeat-choice') {
      assert.equal(last.choices.length, 1);
      assert.equal(last.choices[0].finish_reason, 'stop');
    } else assert.deepEqual(last.choices, []);
    const u = last.usage;
    assert.ok(u.cost > 0);
    assert.ok(Math.abs(u.cost - (u.prompt_tokens * 0.00000025 + u.completion_tokens * 0.000002)) < 1e-12);
    assert.ok(u.completion_tokens_details.reasoning_tokens > 0, 'gpt-5.4-mini reasons by default');
    assert.equal(chunks.filter((c) => c.usage).length, 1);
  }
});

test('stream without keep-alive comments starts directly with data', async () => {
  fake.setOptions({ keepAliveComments: false });
  const raw = await (
    await post('/chat/completions', { model: 'mistralai/mistral-small-3.2-24b-instruct', messages: [{ role: 'user', content: 'hi' }], stream: true })
  ).text();
  assert.ok(raw.startsWith('data: {'));
});

// ---- faults -----------------------------------------------------------------------------------------------------

test('fault mid-stream-error: partial content, then APIError with status undefined', async () => {
  fake.fail({ route: 'chat', kind: 'mid-stream-error', afterTokens: 2, times: 1 });
  const stream = await client.chat.completions.create({
    model: 'openai/gpt-5.4-mini',
    messages: CONTEXT_PROMPT,
    stream: true,
    reasoning: { effort: 'none' },
  } as any);
  let content = '';
  await assert.rejects(
    async () => {
      for await (const c of stream as any) content += c.choices[0]?.delta?.content ?? '';
    },
    (e: any) => {
      assert.ok(e instanceof APIError);
      assert.equal(e.status, undefined);
      assert.equal(e.error.code, 502);
      assert.equal(e.error.metadata.error_type, 'provider_unavailable');
      return true;
    },
  );
  assert.equal(content, 'Based on ');
  // consumed: next stream is fine
  const { content: ok } = await collect(await client.chat.completions.create({ model: 'openai/gpt-5.4-mini', messages: CONTEXT_PROMPT, stream: true }));
  assert.equal(ok, defaultChatReply({ messages: CONTEXT_PROMPT }));
  // raw wire: error chunk has top-level error and finish_reason "error"
  fake.fail({ route: 'chat', kind: 'mid-stream-error', afterTokens: 1, times: 1 });
  const raw = await (await post('/chat/completions', { model: 'openai/gpt-5.4-mini', messages: CONTEXT_PROMPT, stream: true })).text();
  const lastEvent = JSON.parse(raw.trim().split('\n\n').at(-1)!.slice(6));
  assert.equal(lastEvent.error.code, 502);
  assert.equal(lastEvent.choices[0].finish_reason, 'error');
});

test('fault payment-required: APIError with status 402 (no subclass), never retried', async () => {
  fake.fail({ route: 'chat', kind: 'payment-required' });
  const retrying = new OpenAI({ baseURL: fake.baseURL, apiKey: FAKE_KEY }); // default maxRetries
  const n = fake.requestsTo('/chat/completions').length;
  await assert.rejects(
    retrying.chat.completions.create({ model: 'openai/gpt-5.4', messages: [{ role: 'user', content: 'hi' }], max_tokens: 32000 }),
    (e: any) => {
      assert.equal(e.constructor, APIError);
      assert.equal(e.status, 402);
      assert.equal(e.error.code, 402);
      assert.match(e.error.message, /^This request requires more credits, or fewer max_tokens\. You requested up to 32000 tokens, but can only afford \d+/);
      assert.ok('metadata' in e.error);
      return true;
    },
  );
  assert.equal(fake.requestsTo('/chat/completions').length, n + 1);
});

test('fault rate-limited: 429 with X-RateLimit-* (epoch ms) and Retry-After', async () => {
  fake.fail({ route: 'chat', kind: 'rate-limited', times: 1 });
  const r = await post('/chat/completions', { model: 'meta-llama/llama-3.3-70b-instruct:free', messages: [{ role: 'user', content: 'hi' }] });
  assert.equal(r.status, 429);
  assert.equal(r.headers.get('x-ratelimit-limit'), '50');
  assert.equal(r.headers.get('x-ratelimit-remaining'), '0');
  const reset = Number(r.headers.get('x-ratelimit-reset'));
  assert.ok(reset > Date.now() && reset <= Date.now() + 86_400_000 + 1000);
  assert.equal(r.headers.get('retry-after'), '1');
  const b: any = await r.json();
  assert.match(b.error.message, /^Rate limit exceeded: free-models-per-day/);
  assert.equal(b.error.metadata.headers['X-RateLimit-Limit'], '50');

  fake.fail({ route: 'chat', kind: 'rate-limited', times: 1 });
  await assert.rejects(
    client.chat.completions.create({ model: 'meta-llama/llama-3.3-70b-instruct:free', messages: [{ role: 'user', content: 'hi' }] }),
    (e: any) => {
      assert.ok(e instanceof RateLimitError);
      assert.equal(e.headers.get('x-ratelimit-remaining'), '0');
      return true;
    },
  );
  // times: 1 consumed → works again
  const ok: any = await client.chat.completions.create({ model: 'meta-llama/llama-3.3-70b-instruct:free', messages: [{ role: 'user', content: 'hi' }] });
  assert.equal(ok.usage.cost, 0);
});

test('faults server-error / bad-gateway / invalid-key / error-in-200 (non-stream + stream)', async () => {
  fake.fail({ route: 'chat', kind: 'server-error', times: 1 });
  let r = await post('/chat/completions', { model: 'openai/gpt-5.4-mini', messages: [{ role: 'user', content: 'hi' }] });
  assert.equal(r.status, 500);
  assert.equal(r.headers.get('x-should-retry'), 'false');
  assert.equal(((await r.json()) as any).error.message, 'Internal Server Error');
  // x-should-retry:false stops the SDK's default retries
  fake.fail({ route: 'chat', kind: 'server-error', times: 1 });
  const retrying = new OpenAI({ baseURL: fake.baseURL, apiKey: FAKE_KEY });
  await assert.rejects(retrying.chat.completions.create({ model: 'openai/gpt-5.4-mini', messages: [{ role: 'user', content: 'hi' }] }), InternalServerError);

  fake.fail({ route: 'chat', kind: 'bad-gateway', times: 1 });
  r = await post('/chat/completions', { model: 'openai/gpt-5.4-mini', messages: [{ role: 'user', content: 'hi' }] });
  assert.equal(r.status, 502);
  assert.deepEqual(((await r.json()) as any).error.metadata.error_type, 'provider_unavailable');

  fake.fail({ route: 'key', kind: 'invalid-key', times: 1 });
  r = await fetch(`${fake.baseURL}/key`, { headers: authed() });
  assert.equal(r.status, 401);
  r = await fetch(`${fake.baseURL}/key`, { headers: authed() });
  assert.equal(r.status, 200);

  fake.fail({ route: 'chat', kind: 'error-in-200', times: 2 });
  const d: any = await client.chat.completions.create({ model: 'openai/gpt-5.4-mini', messages: [{ role: 'user', content: 'hi' }] });
  assert.equal(d.choices, undefined);
  assert.deepEqual(d.error, { message: 'Internal Server Error', code: 500 });
  assert.match(d.user_id, /^org_/);
  const stream = await client.chat.completions.create({ model: 'openai/gpt-5.4-mini', messages: [{ role: 'user', content: 'hi' }], stream: true });
  await assert.rejects(collect(stream), (e: any) => e instanceof APIError && e.status === undefined && e.error.code === 500);

  // route 'any' hits other routes too
  fake.fail({ route: 'any', kind: 'server-error', times: 1 });
  r = await post('/embeddings', { model: 'openai/text-embedding-3-small', input: 'x' });
  assert.equal(r.status, 500);
});

test('fault reasoning-length: reasoning only, empty content, finish_reason length', async () => {
  fake.fail({ route: 'chat', kind: 'reasoning-length', times: 2 });
  const { content, reasoning, chunks } = await collect(
    await client.chat.completions.create({ model: 'google/gemini-3-flash', messages: [{ role: 'user', content: 'hi' }], max_tokens: 64, stream: true }),
  );
  assert.equal(content, '');
  assert.ok(reasoning.length > 0);
  assert.equal(chunks.at(-2).choices[0].finish_reason, 'length');
  assert.equal(chunks.at(-1).usage.completion_tokens_details.reasoning_tokens, 64);
  const d: any = await client.chat.completions.create({ model: 'google/gemini-3-flash', messages: [{ role: 'user', content: 'hi' }], max_tokens: 64 });
  assert.equal(d.choices[0].finish_reason, 'length');
  assert.equal(d.choices[0].message.content, '');
  assert.ok(d.choices[0].message.reasoning);
});

test('fault slow-first-byte delays headers; latencyMs and tokenDelayMs slow things down', async () => {
  fake.fail({ route: 'chat', kind: 'slow-first-byte', delayMs: 250, times: 1 });
  let t = Date.now();
  await client.chat.completions.create({ model: 'openai/gpt-5.4-mini', messages: [{ role: 'user', content: 'hi' }] });
  assert.ok(Date.now() - t >= 240);
  // SDK timeout fires before the first byte
  fake.fail({ route: 'chat', kind: 'slow-first-byte', delayMs: 500, times: 1 });
  await assert.rejects(
    client.chat.completions.create({ model: 'openai/gpt-5.4-mini', messages: [{ role: 'user', content: 'hi' }] }, { timeout: 100 }),
    (e: any) => e.constructor.name === 'APIConnectionTimeoutError',
  );
  fake.setOptions({ latencyMs: 100, tokenDelayMs: 10 });
  fake.setChatReply('a b c d e f g h i j');
  t = Date.now();
  await collect(
    await client.chat.completions.create({ model: 'mistralai/mistral-small-3.2-24b-instruct', messages: [{ role: 'user', content: 'hi' }], stream: true }),
  );
  assert.ok(Date.now() - t >= 100 + 10 * 10);
});

test('fault drop-connection: non-stream and mid-stream', async () => {
  fake.fail({ route: 'chat', kind: 'drop-connection', times: 2 });
  await assert.rejects(
    client.chat.completions.create({ model: 'openai/gpt-5.4-mini', messages: [{ role: 'user', content: 'hi' }] }),
    (e: any) => e.constructor.name === 'APIConnectionError',
  );
  const stream = await client.chat.completions.create({
    model: 'openai/gpt-5.4-mini',
    messages: CONTEXT_PROMPT,
    stream: true,
    reasoning: { effort: 'none' },
  } as any);
  let content = '';
  await assert.rejects(async () => {
    for await (const c of stream as any) content += c.choices[0]?.delta?.content ?? '';
  });
  assert.equal(content, 'Based on ');
  assert.notEqual(fake.requestsTo('/chat/completions').at(-1)!.aborted, true, 'a fake-side drop is not a client abort');
});

test('client abort is recorded as aborted: true', async () => {
  fake.setOptions({ tokenDelayMs: 20 });
  fake.setChatReply('word '.repeat(100));
  const ac = new AbortController();
  const stream = await client.chat.completions.create(
    { model: 'mistralai/mistral-small-3.2-24b-instruct', messages: [{ role: 'user', content: 'hi' }], stream: true },
    { signal: ac.signal },
  );
  let n = 0;
  // (the SDK ends the iteration quietly on an abort, or throws APIUserAbortError, depending on timing)
  try {
    for await (const _ of stream) if (++n === 3) ac.abort();
  } catch (e: any) {
    assert.equal(e.constructor.name, 'APIUserAbortError');
  }
  assert.equal(n, 3);
  const rec = fake.requestsTo('/chat/completions').at(-1)!;
  for (let i = 0; i < 50 && !rec.aborted; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(rec.aborted, true);
});

test('fault hang + close(): hanging stream and hanging non-stream end when the fake closes', async () => {
  const f2 = await startFakeOpenRouter();
  const c2 = new OpenAI({ baseURL: f2.baseURL, apiKey: FAKE_KEY, maxRetries: 0 });
  f2.fail({ route: 'chat', kind: 'hang' });
  const stream = await c2.chat.completions.create({ model: 'openai/gpt-5.4-mini', messages: [{ role: 'user', content: 'hi' }], stream: true });
  const iterating = collect(stream).then(
    () => 'ended',
    () => 'errored',
  );
  const nonStream = c2.chat.completions.create({ model: 'openai/gpt-5.4-mini', messages: [{ role: 'user', content: 'hi' }] }).then(
    () => 'ended',
    () => 'errored',
  );
  const raced = await Promise.race([iterating, new Promise((r) => setTimeout(() => r('still hanging'), 150))]);
  assert.equal(raced, 'still hanging');
  const t = Date.now();
  await f2.close();
  assert.ok(['ended', 'errored'].includes(await iterating));
  assert.equal(await nonStream, 'errored');
  assert.ok(Date.now() - t < 1000);
});

test('fault stall: a stream sends afterTokens content chunks, then nothing until the client gives up', async () => {
  fake.setChatReply('one two three four five six');
  fake.fail({ route: 'chat', kind: 'stall', afterTokens: 2, times: 1 });
  const ac = new AbortController();
  const stream = await client.chat.completions.create(
    { model: 'mistralai/mistral-small-3.2-24b-instruct', messages: [{ role: 'user', content: 'hi' }], stream: true },
    { signal: ac.signal },
  );
  let content = '';
  const giveUp = setTimeout(() => ac.abort(), 300);
  try {
    for await (const c of stream) content += c.choices[0]?.delta?.content ?? '';
  } catch (e: any) {
    assert.equal(e.constructor.name, 'APIUserAbortError');
  }
  clearTimeout(giveUp);
  assert.equal(content, 'one two ');
  assert.equal(ac.signal.aborted, true, 'the stream never ended by itself');
  const rec = fake.requestsTo('/chat/completions').at(-1)!;
  for (let i = 0; i < 50 && !rec.aborted; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(rec.aborted, true);
});
