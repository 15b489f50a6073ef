// Layer 1: third-party Fastify plugins, configured once.
import fp from 'fastify-plugin';
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import multipart from '@fastify/multipart';
import { sharedRateLimitStore } from '../cluster/rate-limit.js';

export const externalPlugins = fp(
  async (app) => {
    await app.register(cookie);
    await app.register(helmet, {
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:', 'https:'],
          connectSrc: ["'self'"],
          frameAncestors: ["'none'"],
          upgradeInsecureRequests: null,
        },
      },
      // The widget's script and API are loaded by other sites; their routes loosen this per response.
      crossOriginResourcePolicy: { policy: 'same-origin' },
    });
    // Limits are opt-in per route (login, the widget API, leads, webhooks). In cluster mode the counts are
    // kept in the database, shared by every node.
    const { cluster } = app.stores;
    await app.register(rateLimit, { global: false, ...(cluster ? { store: sharedRateLimitStore(cluster) } : {}) });
    // Data Training uploads (server/training/uploads.ts) stream each file to disk and set their limits
    // per request from the config; an oversized file is cut off and reported, never an error for the batch.
    await app.register(multipart, { throwFileSizeLimit: false });
  },
  { name: 'external-plugins' },
);
