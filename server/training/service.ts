// Wires training together: the job runner and its three jobs (train, sync, reindex), the schedule,
// and the provider connection each job uses.
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../config.js';
import type { OpenRouterDeps } from '../openrouter/deps.js';
import type { SecretBox } from '../security/secret-box.js';
import type { Stores } from '../stores/stores.js';
import type { EmbeddingSpace, VectorIndex } from '../stores/vector-store.js';
import type { ContentReader } from './ingest/reader.js';
import { createClient, type Connection } from '../openrouter/client.js';
import { getEmbeddingModels, knownEmbeddingDimensions } from '../openrouter/catalog.js';
import { keyOutcomeReport } from '../openrouter/key-status.js';
import { savedEndpoint } from '../settings/connection.js';
import { readApiSettings, updateEmbeddingModel } from '../settings/api-settings.js';
import { upsertDocument, deleteMissingDocuments, deleteDocument, recoverDocumentWrites } from './documents.js';
import { embedMissing, type EmbedDeps } from './embed-job.js';
import { saveAndTrainQa, type TrainedEntry } from './train-now.js';
import { JobFailure, JobRunner, type JobContext, type JobRow } from './jobs.js';
import { dueSources, type SourceRow } from './sources.js';
import { indexConnection } from '../vectors/index-connection.js';
import { createFetchPolicy, fetchPages, crawlSite, readSitemap } from './ingest/fetch-web.js';
import { readWordPress } from './ingest/wordpress.js';
import { IngestError, type ExtractedDocument } from './ingest/types.js';
import { chunkOptions } from '../retrieval/settings.js';
import { asSentence } from '../http/errors.js';
import { createRecallMonitor, type RecallMonitor } from './index-recall.js';
import { everyTickRuns, type ScheduleGate } from '../cluster/schedule.js';

const EMBED_TIMEOUT_MS = 60_000;
const SCHEDULE_CHECK_MS = 15 * 60 * 1000;

export interface Estimate {
  model: string;
  chunks: number;
  tokens: number;
  newChunks: number;
  newTokens: number;
  pricePerM: number | null;
  costUsd: number | null;
}

export interface TrainingService {
  runner: JobRunner;
  /** Finishes the document writes a crash interrupted, then starts the job runner and the schedule (server ready). */
  start(): Promise<void>;
  /** Stops the schedule and the runner (a running job is left for the next start). */
  close(): Promise<void>;
  estimate(model?: string): Promise<Estimate>;
  startTraining(): Promise<JobRow>;
  syncSource(sourceId: number, options?: { train?: boolean; urls?: string[]; deleteUrls?: string[] }): Promise<JobRow>;
  changeEmbeddingModel(model: string): Promise<JobRow>;
  /** Runs (again) the job that fills an index being built and swaps it in when complete. */
  rebuild(index: VectorIndex): Promise<JobRow>;
  /** Improve answer: a Q&A entry saved and trained at once, without a job (train-now.ts). */
  saveAndTrainQa(question: string, answer: string): Promise<TrainedEntry>;
  /** The active index's measured recall, measured again after runs that changed it a lot (index-recall.ts). */
  recall: RecallMonitor;
}

/** What training needs, named (built once in app.ts). */
export interface TrainingDeps {
  stores: Stores;
  config: Config;
  secretBox: SecretBox;
  openRouter: OpenRouterDeps;
  /** Extraction processes: every file, page and chunking call of training runs there. */
  ingest: ContentReader;
  log: FastifyBaseLogger;
  /** Whether this node runs the re-sync schedule's tick (once across the cluster); every tick when unset. */
  schedule?: ScheduleGate;
}

export function createTrainingService(deps: TrainingDeps): TrainingService {
  const { stores, config, log } = deps;
  const { knowledge } = stores;

  const embedPrice = async (connection: Connection, model: string): Promise<number | null> => {
    const { models } = await getEmbeddingModels(stores.provider, connection, config);
    const perM = models.find((m) => m.id === model)?.promptPricePerM;
    return perM === undefined || perM === null ? null : perM;
  };

  /** The saved provider's endpoint and embedding model: where a new index is built. */
  const savedSpace = async (): Promise<EmbeddingSpace> => ({
    endpoint: await savedEndpoint(stores.config),
    model: (await readApiSettings(stores.config)).embeddingModel,
  });

  const embedDeps = async (index: VectorIndex): Promise<EmbedDeps> => {
    const connection = await indexConnection(deps, index);
    if (!connection.apiKey && connection.provider === 'openrouter') {
      throw new JobFailure('No API key is saved. Add your OpenRouter key in Settings → API Configuration, then start training again.');
    }
    const perM = await embedPrice(connection, index.model).catch(() => null);
    return {
      vectors: stores.vectors,
      provider: connection.provider,
      pricePerToken: perM === null ? null : perM / 1e6,
      client: createClient(connection, config, { timeoutMs: EMBED_TIMEOUT_MS, maxRetries: 0 }),
      onOutcome: keyOutcomeReport(deps.openRouter, connection),
    };
  };

  /** Embeds into the active index, then into an index being rebuilt (so it does not fall behind). */
  const embedAll = async (ctx: JobContext) => {
    const active = await stores.vectors.ensureActiveIndex(await savedSpace());
    await embedMissing(ctx, await embedDeps(active), active);
    const building = await stores.vectors.buildingIndex();
    if (building && !ctx.stopped()) await embedMissing(ctx, await embedDeps(building), building);
  };

  const train = async (ctx: JobContext) => {
    ctx.progress({ phase: 'Preparing' });
    await embedAll(ctx);
  };

  const reindex = async (ctx: JobContext) => {
    const index = await stores.vectors.indexById(Number(ctx.job.params.indexId));
    if (index?.status !== 'building') return;
    await embedMissing(ctx, await embedDeps(index), index);
    if (ctx.stopped()) return;
    const finished = (await stores.vectors.indexById(index.id))!;
    // An empty knowledge base embeds nothing, so the dimension may still be unknown: use the published one.
    const dimensions = finished.dimensions ?? knownEmbeddingDimensions(finished.model) ?? (await readApiSettings(stores.config)).embeddingDimensions;
    // The settings first: a crash in between leaves the rebuild job to finish the swap when it resumes.
    await updateEmbeddingModel(stores.config, finished.model, dimensions);
    await stores.vectors.activateIndex(finished);
    ctx.log('info', `Switched to ${finished.model} (${dimensions} dimensions). Searches now use the new index.`);
  };

  const sync = async (ctx: JobContext) => {
    const source = await knowledge.getSource(Number(ctx.job.params.sourceId));
    if (!source) throw new JobFailure('This source was deleted.');
    if (!source.enabled) {
      ctx.log('info', `${source.name} is switched off; nothing to do.`);
      return;
    }
    const urls = ctx.job.params.urls as string[] | undefined;
    const deleteUrls = ctx.job.params.deleteUrls as string[] | undefined;
    ctx.progress({ phase: `Reading ${source.name}` });
    const policy = createFetchPolicy({ allowPrivate: config.allowPrivateUrls, reader: deps.ingest });
    const seen = new Set<string>();
    const failed = new Set<string>();
    let firstProblem: string | null = null;
    const onError = (url: string, message: string) => {
      const line = message.includes(url) ? message : `${url}: ${message}`;
      failed.add(url);
      firstProblem ??= line;
      ctx.count({ errors: 1 });
      ctx.log('warn', line);
    };
    const counts = { added: 0, updated: 0, unchanged: 0, removed: 0 };
    const kind = source.kind === 'wordpress' ? 'post' : 'page';
    let fatal: string | null = null;
    try {
      for (const url of deleteUrls ?? []) {
        for (const id of await knowledge.documentsAt(source.id, url)) {
          if (await deleteDocument(knowledge, id)) {
            counts.removed++;
            ctx.log('info', `Removed ${url}`);
          }
        }
      }
      const documents = urls ? fetchPages(urls, policy, onError) : await readSource(source, policy, onError);
      for await (const doc of documents) {
        if (ctx.stopped()) break;
        seen.add(doc.sourceKey);
        const result = await upsertDocument(knowledge, deps.ingest, source.id, doc, kind, await chunkOptions(stores.config));
        counts[result.status]++;
        ctx.count({ itemsDone: 1 });
        if (result.status !== 'unchanged') ctx.log('info', `${result.status === 'added' ? 'Added' : 'Updated'} “${doc.title}” (${result.chunks} chunks)`);
      }
      if (!urls && !ctx.stopped()) {
        // A full read that found nothing is a failure with its reason, not an empty success, and it removes
        // nothing: a site that is down for a day must not empty its source.
        if (seen.size === 0) throw new IngestError(await nothingRead(source, failed.size, firstProblem));
        // Only a complete listing can say a page is gone; pages that failed this time are kept.
        counts.removed += await deleteMissingDocuments(knowledge, source.id, new Set([...seen, ...failed]));
      }
    } catch (err) {
      // IngestError and its kinds (FetchError: refused, unreachable or invalid addresses) carry the reason;
      // the name check also catches one rebuilt from another thread, where instanceof cannot hold.
      fatal = err instanceof IngestError || (err instanceof Error && err.name === 'IngestError') ? err.message : null;
      if (!fatal) throw err;
    }
    await knowledge.recordSync(source.id, fatal);
    if (fatal) throw new JobFailure(fatal);
    ctx.log('info', `${source.name}: ${counts.added} added, ${counts.updated} updated, ${counts.unchanged} unchanged, ${counts.removed} removed.`);
    if (ctx.job.params.train && !ctx.stopped()) await embedAll(ctx);
  };

  /** Why a full sync read nothing, for the job's error and the source's card. */
  const nothingRead = async (source: SourceRow, failures: number, firstProblem: string | null): Promise<string> => {
    const noun = source.kind === 'wordpress' ? 'post' : 'page';
    const kept = await knowledge.countDocuments(source.id);
    const keptNote = kept ? ` The ${kept === 1 ? noun : `${kept} ${noun}s`} read before ${kept === 1 ? 'is' : 'are'} kept.` : '';
    if (failures > 0) {
      const none = failures === 1 ? `The only ${noun} found could not be read` : `None of the ${failures} ${noun}s found could be read`;
      return `${none}. ${asSentence(firstProblem ?? '')}${keptNote}`;
    }
    const config = source.config as Record<string, any>;
    if (source.kind === 'wordpress') return `The WordPress site ${config.siteUrl} has no published posts or pages with text to read.${keptNote}`;
    return `No readable pages were found${config.startUrl ? ` from ${config.startUrl}` : ''}: pages that ask not to be indexed (noindex) or have no text are skipped.${keptNote}`;
  };

  const readSource = async (
    source: SourceRow,
    policy: ReturnType<typeof createFetchPolicy>,
    onError: (url: string, message: string) => void,
  ): Promise<AsyncIterable<ExtractedDocument>> => {
    const config = source.config as Record<string, any>;
    if (source.kind === 'wordpress') return readWordPress(config.siteUrl, policy, { postTypes: config.postTypes }, onError);
    if (config.mode === 'urls') return fetchPages(config.urls, policy, onError);
    if (config.mode === 'sitemap') return fetchPages(await readSitemap(config.sitemapUrl, policy, onError), policy, onError);
    return crawlSite(config.startUrl, { maxPages: config.maxPages }, policy, onError);
  };

  const recall = createRecallMonitor(stores.vectors, log);
  /** Every run that may have changed the active index (even one that failed halfway) is followed by a look at its recall. */
  const thenCheckRecall =
    (handler: (ctx: JobContext) => Promise<void>) =>
    async (ctx: JobContext): Promise<void> => {
      try {
        await handler(ctx);
      } finally {
        recall.afterTraining();
      }
    };
  const runner = new JobRunner(
    stores.jobs,
    { train: thenCheckRecall(train), sync: thenCheckRecall(sync), reindex: thenCheckRecall(reindex) },
    (err) => log.error({ err }, 'training job crashed'),
    { leaseMs: config.jobLeaseMs },
  );

  let scheduleTimer: NodeJS.Timeout | undefined;
  const start = async () => {
    // Document writes a crash interrupted are finished or undone before any job touches documents.
    const recovered = await recoverDocumentWrites(knowledge);
    if (recovered) log.info({ recovered }, 'finished document writes interrupted by a restart');
    // Jobs an earlier process left running are taken over once their lease is free (jobs.ts).
    runner.start();
    scheduleTimer = setInterval(async () => {
      try {
        if (!(await (deps.schedule ?? everyTickRuns)('source-resync', SCHEDULE_CHECK_MS))) return;
        for (const source of await dueSources(knowledge)) await runner.enqueue('sync', { sourceId: source.id, train: true });
      } catch (err) {
        log.error({ err }, 'the training schedule could not queue its syncs');
      }
    }, SCHEDULE_CHECK_MS);
    scheduleTimer.unref();
  };

  const rebuild = (index: VectorIndex) => runner.enqueue('reindex', { indexId: index.id });

  return {
    runner,
    start,
    async close() {
      clearInterval(scheduleTimer);
      await recall.close();
      await runner.close();
    },
    async estimate(model?: string) {
      // Training fills the active index; a model change builds one for the saved provider.
      const active = await stores.vectors.activeIndex();
      const target: EmbeddingSpace = model !== undefined ? { ...(await savedSpace()), model } : active?.dimensions ? active : await savedSpace();
      const index: VectorIndex =
        active && active.endpoint === target.endpoint && active.model === target.model
          ? active
          : { id: -1, endpoint: target.endpoint, model: target.model, dimensions: null, status: 'building' };
      const missing = await stores.vectors.countMissing(index);
      const perM = await embedPrice(await indexConnection(deps, index), index.model).catch(() => null);
      return {
        model: index.model,
        chunks: missing.chunks,
        tokens: missing.tokens,
        newChunks: missing.uncachedChunks,
        newTokens: missing.uncachedTokens,
        pricePerM: perM,
        costUsd: perM === null ? null : Math.round(missing.uncachedTokens * perM) / 1e6,
      };
    },
    startTraining: () => runner.enqueue('train'),
    syncSource: (sourceId, options = {}) =>
      runner.enqueue('sync', {
        sourceId,
        train: options.train ?? false,
        ...(options.urls ? { urls: options.urls } : {}),
        ...(options.deleteUrls ? { deleteUrls: options.deleteUrls } : {}),
      }),
    changeEmbeddingModel: async (model) => rebuild(await stores.vectors.createBuildingIndex({ ...(await savedSpace()), model })),
    rebuild,
    saveAndTrainQa: (question, answer) => saveAndTrainQa(deps, question, answer),
    recall,
  };
}
