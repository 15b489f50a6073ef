// @fastify/rate-limit's store interface over the cluster store, so every node counts the same requests: with a
// limit of 30 a minute, the 31st request is refused whichever node it reaches. (One process on SQLite keeps the
// plugin's own in-memory store.)
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { ClusterStore } from '../stores/cluster-store.js';

type Reply = (err: Error | null, result?: { current: number; ttl: number }) => void;
interface RouteLimit {
  groupId?: string;
  routeInfo?: { method?: string | string[]; url?: string };
}

export function sharedRateLimitStore(cluster: ClusterStore): FastifyRateLimitStoreCtor {
  return class SharedRateLimitStore implements FastifyRateLimitStore {
    // The plugin constructs the store with its global options; each route's limit gets a child with its own prefix.
    constructor(
      _options?: unknown,
      private readonly prefix = '',
    ) {}

    incr(key: string, reply: Reply, timeWindow: number) {
      cluster.hit(this.prefix + key, timeWindow).then(
        ({ count, msLeft }) => reply(null, { current: count, ttl: msLeft }),
        (err: Error) => reply(err),
      );
    }

    read(key: string, reply: Reply) {
      cluster.peek(this.prefix + key).then(
        ({ count, msLeft }) => reply(null, { current: count, ttl: msLeft }),
        (err: Error) => reply(err),
      );
    }

    // Typed as the route's options; what the plugin passes is its merged limit settings with `routeInfo`.
    child(options: Parameters<FastifyRateLimitStore['child']>[0]): FastifyRateLimitStore {
      const route = options as unknown as RouteLimit;
      const where = route.groupId ?? `${[route.routeInfo?.method].flat().join(',')} ${route.routeInfo?.url ?? ''}`;
      return new SharedRateLimitStore(undefined, `${this.prefix}${where} `);
    }
  };
}
