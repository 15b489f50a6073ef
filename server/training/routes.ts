import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { badRequest, conflict, HttpError, notFound } from '../http/errors.js';
import { ErrorBody } from '../http/schemas.js';
import { readApiSettings } from '../settings/api-settings.js';
import { currentConnection, savedEndpoint } from '../settings/connection.js';
import { describeUpstreamError } from '../openrouter/errors.js';
import { readSecret, saveSecret } from '../security/secrets.js';
import {
  RetrievalSettings,
  RetrievalSettingsChange,
  chunkOptions,
  readRetrievalSettings,
  retrievalSettingsProblems,
  writeRetrievalSettings,
} from '../retrieval/settings.js';
import { retrieve } from '../retrieval/retrieve.js';
import { receiveFiles } from './uploads.js';
import { extendRequestTimeouts } from '../security/request-timeouts.js';
import { deleteDocument, deleteSourceDocuments, documentUrl, PublicUrl, qaDocument, setDocumentUrl, upsertDocument } from './documents.js';
import { webAddress, WebSourceConfig, WordPressSourceConfig, type SourceRow } from './sources.js';
import { knowledgeBaseStats, type SourceStats } from './stats.js';
import type { TrainingService } from './service.js';
import type { JobRow, LastSync } from '../stores/job-store.js';
import { embedderFor, IndexReplacedError, indexConnection } from '../vectors/index-connection.js';
import { publicAddress } from '../http/public-address.js';
import { checkSource, type CheckedSource } from './source-check.js';
import { siteDetectRoutes } from './site-detect.js';
import { RecallNotMeasurable } from './index-recall.js';
import {
  Accepted,
  EmbeddingModelChoice,
  IndexRecallStatus,
  JobView,
  LogLine,
  SearchView,
  SourceView,
  UpsertResultView,
  type Source,
  type SourceStatus,
} from './schemas.js';

const id = z.coerce.number().int().positive();
const IdParams = z.object({ id });
const Schedule = z.enum(['off', 'daily', 'weekly'], { message: 'Schedule must be off, daily or weekly.' });
const WEBHOOK_SECRET = 'content_webhook_token';
// How long an upload may take to arrive (files of MAX_UPLOAD_MB on a slow connection).
const UPLOAD_RECEIVE_MS = 60 * 60 * 1000;

const QA_HAS_NO_URL = 'Q&A entries are never shown to visitors as sources, so they have no public URL. Use a Text entry for content with a page of its own.';
const TextEntry = z
  .union(
    [
      z.object({
        title: z.string().trim().min(1, 'Enter a title.').max(300),
        text: z.string().trim().min(1, 'Enter some text.').max(200_000, 'Text is too long (200,000 characters at most).'),
        url: PublicUrl.optional(),
      }),
      z.object({
        question: z.string().trim().min(1, 'Enter the question.').max(1000),
        answer: z.string().trim().min(1, 'Enter the answer.').max(20_000),
        url: z.unknown().optional(),
      }),
    ],
    { message: 'Send a title and text, or a question and answer.' },
  )
  .superRefine((entry, ctx) => {
    if ('question' in entry && entry.url !== undefined && entry.url !== null && entry.url !== '')
      ctx.addIssue({ code: 'custom', path: ['url'], message: QA_HAS_NO_URL });
  });

/** A Q&A entry is stored as a document whose heading is the question, so retrieval matches either. */
function textEntryDocument(body: z.output<typeof TextEntry>) {
  return 'question' in body
    ? { ...qaDocument(body.question, body.answer), kind: 'qa' as const, url: null }
    : { title: body.title, text: body.text, kind: 'text' as const, url: body.url };
}

export const trainingRoutes =
  (service: TrainingService): FastifyPluginAsyncZod =>
  async (app) => {
    const { stores } = app;
    const { knowledge, jobs } = stores;

    // Stats and the active job are computed once per response, not once per source.
    const sourceViews = async (sources: SourceRow[]) => {
      const stats = await knowledge.sourceStats(await stores.vectors.activeIndex());
      const job = await jobs.activeJob();
      // Each source's latest finished sync: how many pages it could not read, and the first reason (the card shows them).
      const syncs = await jobs.lastSyncs();
      return sources.map((s) => sourceView(s, stats.get(s.id), job, syncs.get(s.id) ?? null));
    };
    // A source whose last read failed is 'failed' (its card shows lastError and a Retry), whatever it still holds.
    const sourceView = (s: SourceRow, stats: SourceStats | undefined, job: JobRow | null, lastSync: LastSync | null): Source => {
      const st = stats ?? { documents: 0, chunks: 0, tokens: 0, trainedChunks: 0 };
      const syncing = job?.kind === 'sync' && Number(job.params.sourceId) === s.id;
      const status: SourceStatus = syncing
        ? 'syncing'
        : s.lastError
          ? 'failed'
          : st.chunks === 0
            ? 'empty'
            : st.trainedChunks >= st.chunks
              ? 'trained'
              : 'needs-training';
      return { ...s, ...st, status, lastSync };
    };
    // The index answering searches and the connection that embeds for it; an index dropped by a swap between the
    // two reads (on any node) is read again, rather than taken for an index without a key.
    const activeIndexConnection = async () => {
      for (let attempt = 1; ; attempt++) {
        const index = await stores.vectors.activeIndex();
        try {
          return { index, connection: index ? await indexConnection(app, index) : await currentConnection(app) };
        } catch (err) {
          if (!(err instanceof IndexReplacedError) || attempt >= 3) throw err;
        }
      }
    };
    app.get('/training/sources', async () => ({ sources: await sourceViews(await knowledge.listSources()) }));
    await app.register(siteDetectRoutes); // POST /training/sources/detect: one address → WordPress, sitemap or crawl

    app.post(
      '/training/sources',
      {
        schema: {
          body: z.discriminatedUnion(
            'kind',
            [
              z.object({ kind: z.literal('web'), name: z.string().trim().max(100).optional(), config: WebSourceConfig, schedule: Schedule.default('off') }),
              z.object({
                kind: z.literal('wordpress'),
                name: z.string().trim().max(100).optional(),
                config: WordPressSourceConfig,
                schedule: Schedule.default('daily'),
              }),
            ],
            { message: 'Source kind must be web or wordpress.' },
          ),
          response: { 201: z.object({ source: SourceView, jobId: z.number() }), 400: ErrorBody, 422: ErrorBody },
        },
      },
      async (request, reply) => {
        const { kind, config, schedule } = request.body;
        // The site, sitemap or start page is checked first: a source that cannot be read is never created.
        const problem = await checkSource(request.body as CheckedSource, { allowPrivate: app.config.allowPrivateUrls, reader: app.ingest });
        if (problem) throw new HttpError(422, problem.message, { [problem.field]: problem.message });
        const host = (u: string) => new URL(u).host;
        const defaultName =
          kind === 'wordpress'
            ? `WordPress: ${host((config as { siteUrl: string }).siteUrl)}`
            : 'sitemapUrl' in config
              ? `Sitemap: ${host(config.sitemapUrl)}`
              : 'startUrl' in config
                ? `Website: ${host(config.startUrl)}`
                : 'Web pages';
        const source = await knowledge.createSource(kind, request.body.name || defaultName, config, schedule);
        const job = await service.syncSource(source.id, { train: false });
        return reply.code(201).send({ source: (await sourceViews([source]))[0], jobId: job.id });
      },
    );

    app.patch(
      '/training/sources/:id',
      {
        schema: {
          params: IdParams,
          body: z.object({ name: z.string().trim().min(1).max(100).optional(), enabled: z.boolean().optional(), schedule: Schedule.optional() }),
        },
      },
      async (request) => {
        const source = await knowledge.updateSource(request.params.id, request.body);
        if (!source) throw notFound('No such source.');
        return { source: (await sourceViews([source]))[0] };
      },
    );

    app.delete('/training/sources/:id', { schema: { params: IdParams } }, async (request, reply) => {
      const source = await knowledge.getSource(request.params.id);
      if (!source) throw notFound('No such source.');
      const removed = await deleteSourceDocuments(knowledge, source.id);
      // The built-in Text & Q&A and Files cards stay; deleting them empties them.
      if (source.kind === 'web' || source.kind === 'wordpress') await knowledge.deleteSource(source.id);
      request.log.info({ sourceId: source.id, removed }, 'source deleted');
      return reply.code(200).send({ removedDocuments: removed });
    });

    app.post('/training/sources/:id/sync', { schema: { params: IdParams } }, async (request, reply) => {
      const source = await knowledge.getSource(request.params.id);
      if (!source) throw notFound('No such source.');
      if (source.kind !== 'web' && source.kind !== 'wordpress') throw badRequest('Only web and WordPress sources can be re-synced.');
      return reply.code(202).send({ job: await service.syncSource(source.id, { train: true }) });
    });

    app.get(
      '/training/documents',
      {
        schema: {
          querystring: z.object({
            sourceId: id.optional(),
            q: z.string().max(200).optional(),
            offset: z.coerce.number().int().min(0).default(0),
            limit: z.coerce.number().int().min(1).max(200).default(50),
          }),
        },
      },
      async (request) => {
        const { sourceId, q, offset, limit } = request.query;
        return knowledge.listDocuments({ sourceId, contains: q, offset, limit });
      },
    );

    app.get('/training/documents/:id', { schema: { params: IdParams } }, async (request) => {
      const doc = await knowledge.getDocument(request.params.id);
      if (!doc) throw notFound('No such document.');
      return { document: { ...doc, tokens: (await knowledge.chunkTotals({ documentId: doc.id })).tokens } };
    });

    // The public address of an uploaded file or a Text entry (web pages and posts have theirs from the site).
    app.patch(
      '/training/documents/:id',
      {
        schema: {
          params: IdParams,
          body: z.object({ url: PublicUrl }),
          response: { 200: z.object({ document: z.object({ id: z.number(), url: z.string().nullable() }) }), 400: ErrorBody, 404: ErrorBody },
        },
      },
      async (request) => {
        const doc = await knowledge.getDocument(request.params.id);
        if (!doc) throw notFound('No such document.');
        if (doc.kind === 'qa') throw badRequest(QA_HAS_NO_URL, { url: QA_HAS_NO_URL });
        if (doc.kind !== 'file' && doc.kind !== 'text') {
          const why = 'This page’s address comes from its website and cannot be changed here.';
          throw badRequest(why, { url: why });
        }
        await setDocumentUrl(knowledge, doc.id, request.body.url);
        return { document: { id: doc.id, url: request.body.url } };
      },
    );

    app.delete('/training/documents/:id', { schema: { params: IdParams } }, async (request) => {
      if (!(await deleteDocument(knowledge, request.params.id))) throw notFound('No such document.');
      return { deleted: true };
    });

    app.post('/training/text', { schema: { body: TextEntry, response: { 201: UpsertResultView, 400: ErrorBody } } }, async (request, reply) => {
      const doc = textEntryDocument(request.body);
      const result = await upsertDocument(
        knowledge,
        app.ingest,
        (await knowledge.sourceOfKind('text')).id,
        { title: doc.title, url: doc.url ?? null, text: doc.text, sourceKey: `${doc.kind}:${randomUUID()}` },
        doc.kind,
        await chunkOptions(stores.config),
      );
      return reply.code(201).send(result);
    });

    app.put(
      '/training/text/:id',
      { schema: { params: IdParams, body: TextEntry, response: { 200: UpsertResultView, 400: ErrorBody, 404: ErrorBody } } },
      async (request) => {
        const existing = await knowledge.textEntryKey(request.params.id);
        if (!existing) throw notFound('No such text or Q&A entry.');
        const doc = textEntryDocument(request.body);
        const source = (await knowledge.sourceOfKind('text')).id;
        // Left out, the address stays as it was; null or "" removes it.
        const url = doc.url === undefined ? await documentUrl(knowledge, source, existing) : doc.url;
        return upsertDocument(
          knowledge,
          app.ingest,
          source,
          { title: doc.title, url: doc.kind === 'qa' ? null : url, text: doc.text, sourceKey: existing },
          doc.kind,
          await chunkOptions(stores.config),
        );
      },
    );

    // Uploads: the whole request is received first (uploads.ts), then each file is read in an extraction
    // process and stored on its own: a bad or oversized file gets its own error, the rest go on.
    app.get('/training/files/limits', async () => {
      const l = app.config.ingest;
      return { maxFileBytes: l.maxFileBytes, maxFilesPerUpload: l.maxFilesPerUpload, maxPdfPages: l.maxPdfPages, maxTextChars: l.maxTextChars };
    });

    app.post('/training/files', async (request) => {
      if (!request.isMultipart()) throw new HttpError(415, 'Upload files as multipart/form-data.');
      // An admin's upload of 20 large files may take long to arrive on a slow line, and each file then
      // up to INGEST_TIMEOUT_MS to read and as long to chunk, with nothing sent meanwhile.
      const perFile = 2 * app.config.ingest.timeoutMs + 60_000;
      extendRequestTimeouts(request, { receiveMs: Math.max(app.config.requestTimeoutMs, UPLOAD_RECEIVE_MS), idleMs: perFile });
      const { files, discard } = await receiveFiles(request, app.config.dataDir, app.config.ingest);
      try {
        if (files.length === 0) throw badRequest('Choose at least one file to upload.');
        const source = await knowledge.sourceOfKind('files');
        const results: Array<{ fileName: string; ok: boolean; documentId?: number; status?: string; chunks?: number; tokens?: number; error?: string }> = [];
        for (const file of files) {
          if (!file.path) {
            results.push({ fileName: file.fileName, ok: false, error: file.error ?? `${file.fileName}: the file could not be read.` });
            continue;
          }
          extendRequestTimeouts(request, { idleMs: perFile }); // the next file's own allowance
          try {
            const extracted = await app.ingest.file(file.path, file.fileName);
            const sourceKey = `file:${file.fileName}`;
            // A new version of a file keeps the public address the admin gave it.
            const url = (await documentUrl(knowledge, source.id, sourceKey)) ?? extracted.url;
            const result = await upsertDocument(knowledge, app.ingest, source.id, { ...extracted, url, sourceKey }, 'file', await chunkOptions(stores.config));
            results.push({
              fileName: file.fileName,
              ok: true,
              documentId: result.documentId,
              status: result.status,
              chunks: result.chunks,
              tokens: result.tokens,
            });
          } catch (err) {
            const known = err instanceof Error && err.name === 'IngestError';
            if (!known) request.log.warn({ err, fileName: file.fileName }, 'file extraction failed');
            results.push({ fileName: file.fileName, ok: false, error: known ? (err as Error).message : `${file.fileName}: the file could not be read.` });
          }
        }
        return { results };
      } finally {
        await discard();
      }
    });

    app.get('/training/estimate', async () => service.estimate());

    app.post('/training/start', async (request, reply) => {
      const connection = await currentConnection(app);
      if (!connection.apiKey && connection.provider === 'openrouter')
        throw badRequest('Add your OpenRouter API key in Settings → API Configuration before training.');
      return reply.code(202).send({ job: await service.startTraining() });
    });

    app.get('/training/jobs', async () => ({ jobs: await jobs.recentJobs(10), active: await jobs.activeJob() }));

    app.get(
      '/training/jobs/:id',
      {
        schema: {
          params: IdParams,
          querystring: z.object({ logAfter: z.coerce.number().int().min(0).default(0) }),
          response: { 200: z.object({ job: JobView, log: z.array(LogLine) }) },
        },
      },
      async (request) => {
        const job = await jobs.getJob(request.params.id);
        if (!job) throw notFound('No such job.');
        return { job, log: await jobs.jobLog(job.id, request.query.logAfter, 500) };
      },
    );

    app.post('/training/jobs/:id/stop', { schema: { params: IdParams } }, async (request) => {
      if (!(await service.runner.stop(request.params.id))) throw conflict('This job has already finished.');
      return { stopping: true };
    });

    app.post(
      '/training/search',
      {
        schema: {
          body: z.object({
            question: z.string().trim().min(1, 'Type a question.').max(2000),
            topK: z.number().int().min(1).max(20).optional(),
            minMatch: z.number().min(0).max(100).optional(),
          }),
          response: { 200: SearchView, 400: ErrorBody, 502: ErrorBody },
        },
      },
      async (request) => {
        const settings = await readRetrievalSettings(stores.config);
        // The question is embedded by the provider that built the index: without its key that is a 401 from upstream, not a search.
        const { index, connection } = await activeIndexConnection();
        if (index && !connection.apiKey && connection.provider === 'openrouter') {
          throw badRequest(
            'Add your OpenRouter API key in Settings → API Configuration: the question is turned into a vector by OpenRouter before it can be searched.',
          );
        }
        try {
          const result = await retrieve({ knowledge, vectors: stores.vectors, embedderFor: embedderFor(app, { timeoutMs: 15_000 }) }, request.body.question, {
            topK: request.body.topK ?? settings.topK,
            minMatch: request.body.minMatch ?? settings.minMatch,
          });
          return { ...result, empty: result.model === null || result.chunks.length === 0 };
        } catch (err) {
          const message =
            err instanceof Error && err.name === 'EmbeddingStopError'
              ? err.message
              : describeUpstreamError((await currentConnection(app)).provider, err).message;
          throw new HttpError(502, message);
        }
      },
    );

    app.get('/training/stats', async () => ({
      ...(await knowledgeBaseStats(stores, await savedEndpoint(stores.config))),
      recall: await service.recall.status(),
    }));

    // The active index's measured recall (index-recall.ts): read while a measurement runs, and started by hand.
    app.get('/training/index-recall', { schema: { response: { 200: IndexRecallStatus } } }, async () => service.recall.status());
    app.post('/training/index-recall', { schema: { response: { 202: IndexRecallStatus, 409: ErrorBody } } }, async (_request, reply) => {
      try {
        await service.recall.measureNow();
      } catch (err) {
        if (err instanceof RecallNotMeasurable) throw conflict(err.message);
        throw err;
      }
      return reply.code(202).send(await service.recall.status());
    });

    app.get('/training/settings', async () => await readRetrievalSettings(stores.config));
    app.put('/training/settings', { schema: { body: RetrievalSettingsChange, response: { 200: RetrievalSettings, 400: ErrorBody } } }, async (request) => {
      const next = { ...(await readRetrievalSettings(stores.config)), ...Object.fromEntries(Object.entries(request.body).filter(([, v]) => v !== undefined)) };
      const problems = retrievalSettingsProblems(next);
      if (Object.keys(problems).length) throw badRequest('Please correct the highlighted fields.', problems);
      return await writeRetrievalSettings(stores.config, next);
    });

    app.post('/training/embedding-model/estimate', { schema: { body: EmbeddingModelChoice } }, async (request) => service.estimate(request.body.model));

    app.put(
      '/training/embedding-model',
      { schema: { body: EmbeddingModelChoice, response: { 202: Accepted, 400: ErrorBody, 409: ErrorBody } } },
      async (request, reply) => {
        // The same model through a new provider is a new index (its vectors may differ); through the same one it is a no-op.
        const active = await stores.vectors.activeIndex();
        const current = active?.model ?? (await readApiSettings(stores.config)).embeddingModel;
        if (request.body.model === current && (!active || active.endpoint === (await savedEndpoint(stores.config)))) {
          throw badRequest(`${current} is already the embedding model.`, { model: 'This model is already in use.' });
        }
        // Replacing an unfinished rebuild drops its index: not while a job may be writing into it.
        if ((await stores.vectors.buildingIndex()) && (await jobs.activeJob()))
          throw conflict('A rebuild is under way. Wait for it to finish before choosing another model.');
        return reply.code(202).send({ job: await service.changeEmbeddingModel(request.body.model) });
      },
    );

    // A rebuild that failed or was stopped (bad key, no credits, endpoint down) keeps what it embedded:
    // it can be resumed where it stopped, or dropped. The active index answers all along.
    app.post('/training/embedding-model/resume', { schema: { response: { 202: Accepted, 409: ErrorBody } } }, async (_request, reply) => {
      const building = await stores.vectors.buildingIndex();
      if (!building) throw conflict('There is no unfinished rebuild to resume.');
      if ((await jobs.activeJob())?.kind === 'reindex') throw conflict('The rebuild is already running.');
      return reply.code(202).send({ job: await service.rebuild(building) });
    });

    app.delete(
      '/training/embedding-model/rebuild',
      { schema: { response: { 200: z.object({ cancelled: z.literal(true) }), 404: ErrorBody, 409: ErrorBody } } },
      async () => {
        const building = await stores.vectors.buildingIndex();
        if (!building) throw notFound('There is no unfinished rebuild.');
        // A running job may be writing into it (training fills both indexes).
        if (await jobs.activeJob()) throw conflict('A job is running. Cancel the rebuild once it has finished.');
        await stores.vectors.dropIndex(building);
        return { cancelled: true as const };
      },
    );

    app.post('/training/purge', async () => {
      let removed = 0;
      for (const s of await knowledge.listSources()) removed += await deleteSourceDocuments(knowledge, s.id);
      await knowledge.deleteWebSources();
      return { removedDocuments: removed };
    });

    app.post('/training/reembed', async (request, reply) => {
      // Paying again is the point (e.g. the provider changed a model in place): drop the active index's cache too.
      const index = await stores.vectors.activeIndex();
      await stores.vectors.clearVectors(index ?? undefined);
      return reply.code(202).send({ job: await service.startTraining() });
    });

    // The CMS calls Docent where visitors reach it: PUBLIC_URL, or the address the admin opened Docent at.
    const webhookUrl = (request: FastifyRequest) => `${publicAddress(app.config, request)}/api/webhooks/content`;
    app.get('/training/webhook', async (request) => ({ url: webhookUrl(request), token: await webhookToken() }));
    app.post('/training/webhook/regenerate', async (request) => {
      await saveSecret(stores.config, app.secretBox, WEBHOOK_SECRET, randomBytes(24).toString('base64url'));
      return { url: webhookUrl(request), token: await webhookToken() };
    });

    async function webhookToken(): Promise<string> {
      let token = await readSecret(stores.config, app.secretBox, WEBHOOK_SECRET);
      if (!token) {
        token = randomBytes(24).toString('base64url');
        await saveSecret(stores.config, app.secretBox, WEBHOOK_SECRET, token);
      }
      return token;
    }
  };

/** POST /api/webhooks/content: a CMS says a page was published, updated or deleted. */
export const contentWebhookRoutes =
  (service: TrainingService): FastifyPluginAsyncZod =>
  async (app) => {
    app.post(
      '/content',
      {
        config: { rateLimit: { max: 120, timeWindow: '1 minute' } },
        schema: {
          body: z.object({
            url: webAddress('Send the page URL, starting with http:// or https://.'),
            action: z.enum(['published', 'updated', 'deleted'], { message: 'action must be published, updated or deleted.' }).default('updated'),
          }),
          response: { 202: z.object({ jobId: z.number(), sourceId: z.number() }), 400: ErrorBody, 401: ErrorBody, 404: ErrorBody },
        },
      },
      async (request, reply) => {
        const expected = await readSecret(app.stores.config, app.secretBox, WEBHOOK_SECRET);
        const given = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '';
        if (!expected || given.length !== expected.length || !timingSafeEqual(Buffer.from(given), Buffer.from(expected))) {
          throw new HttpError(401, 'Invalid webhook token. Copy it from Data Training → Database Management.');
        }
        const { url, action } = request.body;
        const page = new URL(url);
        const source = (await app.stores.knowledge.listSources()).find((s) => {
          const c = s.config as Record<string, any>;
          const base = c.siteUrl ?? c.sitemapUrl ?? c.startUrl ?? c.urls?.[0];
          return (s.kind === 'web' || s.kind === 'wordpress') && base && new URL(base).host === page.host;
        });
        if (!source) throw notFound(`No web or WordPress source covers ${page.host}.`);
        // WordPress posts are re-read through the REST API (a full but incremental sync); web pages one by one.
        const job =
          source.kind === 'wordpress'
            ? await service.syncSource(source.id, { train: true })
            : await service.syncSource(source.id, action === 'deleted' ? { train: true, urls: [], deleteUrls: [url] } : { train: true, urls: [url] });
        return reply.code(202).send({ jobId: job.id, sourceId: source.id });
      },
    );
  };
