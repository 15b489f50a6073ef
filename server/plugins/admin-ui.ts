// Serves the built admin screens at /admin/, with client-side routes falling back to index.html.
import fp from 'fastify-plugin';
import fastifyStatic from '@fastify/static';
import { existsSync } from 'node:fs';
import path from 'node:path';

import { ADMIN_UI_DIR } from '../paths.js';

export const adminUi = fp(
  async (app, opts: { dir?: string }) => {
    const root = opts.dir ?? ADMIN_UI_DIR;
    app.get('/', (_request, reply) => reply.redirect('/admin/'));
    if (!existsSync(path.join(root, 'index.html'))) {
      app.log.warn(`admin UI not built (${root} is missing): run "npm run build"`);
      app.get('/admin/*', (_request, reply) =>
        reply.code(503).type('text/plain').send('The admin screens are not built yet. Run "npm run build", then restart Docent.'),
      );
      return;
    }
    await app.register(fastifyStatic, {
      root,
      prefix: '/admin/',
      wildcard: false,
      index: 'index.html',
      setHeaders: (reply, file) => {
        // Hashed assets never change; index.html must always be fresh.
        reply.header('Cache-Control', file.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
    app.get('/admin', (_request, reply) => reply.redirect('/admin/'));
    app.get('/admin/*', (_request, reply) => reply.header('Cache-Control', 'no-cache').sendFile('index.html', root));
  },
  { name: 'admin-ui', dependencies: ['external-plugins'] },
);
