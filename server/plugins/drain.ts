// Graceful drain (SIGTERM, a rolling restart): the node reports itself unready on /readyz so the load balancer
// stops sending it work, refuses requests that still arrive with a 503 the balancer may retry elsewhere, and
// lets the requests in flight — streamed answers above all — finish before the process closes. /healthz stays
// "ok" throughout: the process is alive, only leaving.
import fp from 'fastify-plugin';

export interface Drain {
  /** Whether the node is leaving: no new requests, only the ones in flight. */
  readonly draining: boolean;
  /** Requests (streams included) still being answered. */
  readonly inFlight: number;
  /** Starts draining; resolves once no request is in flight, or after `timeoutMs` (true when all finished). */
  drain(timeoutMs: number): Promise<boolean>;
}

declare module 'fastify' {
  interface FastifyInstance {
    drain: Drain;
  }
}

export const drainPlugin = fp(
  async (app) => {
    let draining = false;
    let inFlight = 0;
    let settled: (() => void) | null = null;

    app.addHook('onRequest', async (request, reply) => {
      if (draining && request.url !== '/healthz' && request.url !== '/readyz') {
        // Nothing was done: safe for the balancer to retry on another node. (Sent here, not thrown: the error
        // handler hides the text of every 5xx, and this one is meant to be read.)
        return reply.code(503).header('connection', 'close').header('retry-after', '1').send({ error: 'This server is restarting. Please try again.' });
      }
      inFlight++;
      // 'close' fires once the response is finished or its connection gone, streamed answers included.
      reply.raw.once('close', () => {
        inFlight--;
        if (inFlight === 0) settled?.();
      });
    });

    app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
      if (draining) return reply.code(503).send({ status: 'draining' });
      return { status: 'ready' };
    });

    app.decorate('drain', {
      get draining() {
        return draining;
      },
      get inFlight() {
        return inFlight;
      },
      async drain(timeoutMs: number) {
        draining = true;
        if (inFlight === 0) return true;
        let timer: NodeJS.Timeout | undefined;
        const finished = await Promise.race([
          new Promise<true>((resolve) => {
            settled = () => resolve(true);
          }),
          new Promise<false>((resolve) => {
            timer = setTimeout(() => resolve(false), timeoutMs);
          }),
        ]);
        clearTimeout(timer);
        return finished;
      },
    } satisfies Drain);
  },
  { name: 'drain' },
);

/**
 * What SIGTERM does: drain (unready, new requests refused, requests in flight finish within the drain timeout),
 * then close (a running training job's lease is handed back, timers stop, the database closes).
 */
export async function drainAndClose(app: {
  drain: Drain;
  config: { drainTimeoutMs: number };
  log: { info(o: object, m: string): void; warn(o: object, m: string): void };
  close(): Promise<unknown>;
}): Promise<void> {
  app.log.info({ inFlight: app.drain.inFlight }, 'draining: unready, finishing the requests in flight');
  const finished = await app.drain.drain(app.config.drainTimeoutMs);
  if (!finished) app.log.warn({ inFlight: app.drain.inFlight }, 'drain timed out: closing with requests in flight');
  await app.close();
}
