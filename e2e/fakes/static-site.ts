// A real HTTP server on 127.0.0.1 serving the fixture website (e2e/fixtures/site), for crawler,
// sitemap and page-fetch tests. `{{BASE}}` in HTML/XML/text files becomes the server's own URL.
// Tests can replace or delete pages (setPage/removePage) to simulate a site that changed.
//
// Special routes:
//   /redirect-offsite      302 to https://offsite.example/landing (never fetched by a correct client)
//   /old-shipping          301 to /shipping.html (a same-site redirect)
//   /redirect-loop         302 to itself (too many redirects)
//   /not-a-sitemap.xml     an HTML page where a sitemap is expected
//   /huge.html             about 6 MB of HTML, streamed without Content-Length (over the 5 MB cap)
//   /slow.html             sends half a page, then stalls (timeouts)
import http from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';

export const SITE_FIXTURE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/site');

export interface StaticSite {
  /** Base URL without trailing slash, e.g. http://127.0.0.1:40123 */
  url: string;
  close(): Promise<void>;
  /** Serve `html` (with {{BASE}} rewriting) at `urlPath` instead of the fixture file, or add a new page. */
  setPage(urlPath: string, html: string): void;
  /** Make `urlPath` answer 404 from now on. */
  removePage(urlPath: string): void;
  /** Drop all setPage/removePage changes: the fixture files are served again. */
  reset(): void;
  /** Every request's path and query, in arrival order. */
  hits: string[];
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.pdf': 'application/pdf',
  '.png': 'image/png',
};
const REWRITTEN = new Set(['.html', '.xml', '.txt']);

function typeOf(p: string): string {
  return TYPES[path.extname(p).toLowerCase()] ?? 'application/octet-stream';
}

export async function startStaticSite(dir: string = SITE_FIXTURE_DIR): Promise<StaticSite> {
  const root = path.resolve(dir);
  const overrides = new Map<string, string | null>();
  const hits: string[] = [];
  let base = '';

  const send = (res: http.ServerResponse, status: number, type: string, body: string | Buffer) => {
    res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };
  const notFound = (res: http.ServerResponse) =>
    send(res, 404, 'text/html; charset=utf-8', '<!DOCTYPE html><html><head><title>Not found</title></head><body><h1>Page not found</h1></body></html>');

  const server = http.createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', base);
      hits.push(url.pathname + url.search);
      const p = decodeURIComponent(url.pathname);

      if (overrides.has(p)) {
        const body = overrides.get(p);
        if (body === null || body === undefined) return notFound(res);
        return send(res, 200, path.extname(p) ? typeOf(p) : TYPES['.html'], body.replaceAll('{{BASE}}', base));
      }
      switch (p) {
        case '/redirect-offsite':
          res.writeHead(302, { location: 'https://offsite.example/landing' });
          return res.end();
        case '/old-shipping':
          res.writeHead(301, { location: '/shipping.html' });
          return res.end();
        case '/redirect-loop':
          res.writeHead(302, { location: '/redirect-loop' });
          return res.end();
        case '/not-a-sitemap.xml':
          return send(
            res,
            200,
            'text/html; charset=utf-8',
            '<!DOCTYPE html><html><body><h1>Welcome to Acme Widgets</h1><p>This is a web page, not a sitemap.</p></body></html>',
          );
        case '/huge.html': {
          // Streamed in pieces with no Content-Length: the client must stop counting at its cap.
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
          res.write('<!DOCTYPE html><html><head><title>Huge</title></head><body>');
          const para = `<p>${'Acme widgets are sturdy and reliable. '.repeat(26)}</p>\n`; // ~1 KB
          let sent = 0;
          const pump = () => {
            while (sent < 6 * 1024) {
              sent++;
              if (!res.write(para)) return void res.once('drain', pump);
            }
            res.end('</body></html>');
          };
          res.on('error', () => undefined);
          return pump();
        }
        case '/slow.html':
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
          res.write('<!DOCTYPE html><html><body><p>Half a page');
          return; // never ends; close() cuts it
      }

      // Static files, never outside the fixture directory.
      let file = path.resolve(root, `.${p.endsWith('/') ? `${p}index.html` : p}`);
      if (!file.startsWith(root + path.sep)) return notFound(res);
      try {
        const s = await stat(file);
        if (s.isDirectory()) file = path.join(file, 'index.html');
        const data = await readFile(file);
        const ext = path.extname(file).toLowerCase();
        return send(res, 200, typeOf(file), REWRITTEN.has(ext) ? data.toString('utf8').replaceAll('{{BASE}}', base) : data);
      } catch {
        return notFound(res);
      }
    })().catch(() => {
      if (!res.headersSent) send(res, 500, 'text/plain', 'fixture server error');
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: base,
    hits,
    setPage: (urlPath, html) => overrides.set(urlPath, html),
    removePage: (urlPath) => overrides.set(urlPath, null),
    reset: () => overrides.clear(),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
