// Serves the embeddable widget (dist/widget): /widget.js (short cache: sites always embed this name)
// and the content-hashed panel next to it (cached forever). Other sites load these, so they are
// cross-origin resources and need no origin check of their own (the API they call has one).
import fp from 'fastify-plugin';
import fastifyStatic from '@fastify/static';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

import { WIDGET_DIR } from '../paths.js';

export const widgetAssets = fp(
  async (app, opts: { dir?: string }) => {
    const root = opts.dir ?? WIDGET_DIR;
    if (!existsSync(path.join(root, 'widget.js'))) {
      app.log.warn(`widget not built (${root} is missing): run "npm run build"`);
      return;
    }
    const files = readdirSync(root).filter((f) => f.endsWith('.js'));
    await app.register(fastifyStatic, {
      root,
      prefix: '/',
      decorateReply: false,
      wildcard: false,
      index: false,
      serve: true,
      allowedPath: (pathname) => files.includes(pathname.replace(/^\//, '')),
      setHeaders: (reply, file) => {
        reply.header('Cross-Origin-Resource-Policy', 'cross-origin');
        reply.header('Access-Control-Allow-Origin', '*');
        reply.header('Cache-Control', path.basename(file) === 'widget.js' ? 'public, max-age=300' : 'public, max-age=31536000, immutable');
      },
    });
  },
  { name: 'widget-assets', dependencies: ['external-plugins'] },
);
