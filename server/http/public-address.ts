// Docent's public address: where visitors' browsers load the widget from and where a CMS sends its webhook.
//
// PUBLIC_URL says it when set. When it is not, the address the admin is browsing from is the best guess
// there is (the old default, http://localhost:PORT, is never right on a real server): the request's Host
// and scheme, and X-Forwarded-Host/-Proto only when TRUST_PROXY is on (Fastify's trustProxy decides what
// request.host and request.protocol read, so a client cannot forge them past a server that trusts no proxy).
//
// Who uses which:
// - the embed snippet and the content webhook URL (both shown to the admin, on the admin's own request):
//   publicAddress() — PUBLIC_URL, or the browsing origin;
// - the session cookie's Secure flag: sessionCookieSecure() — Secure when PUBLIC_URL is https or this
//   request came over https, so a Docent behind a TLS proxy without PUBLIC_URL still gets Secure cookies;
// - OpenRouter's HTTP-Referer (openrouter/client.ts) stays config.publicUrl: it is sent from background jobs
//   with no request to follow, it identifies the app to OpenRouter rather than being a link anyone uses, and
//   a value that changed with whoever browsed last would split the app's attribution;
// - the widget's own-page rule (widget/routes.ts) stays PUBLIC_URL or a valid admin session from the
//   request's own origin: the Host header alone must never make a page Docent's own.
import type { FastifyRequest } from 'fastify';
import ipaddr from 'ipaddr.js';
import type { Config } from '../config.js';

type AddressConfig = Pick<Config, 'publicUrl' | 'publicUrlSet'>;
type RequestAddress = Pick<FastifyRequest, 'protocol' | 'host'>;

/**
 * The origin the admin's browser sent this request to (`https://chat.example.com`), or null when the Host
 * (or, behind a trusted proxy, X-Forwarded-Host/-Proto) is not a plain host[:port] over http(s).
 */
export function browsingOrigin(request: RequestAddress): string | null {
  const scheme = String(request.protocol ?? '').toLowerCase();
  const host = String(request.host ?? '').toLowerCase();
  if ((scheme !== 'http' && scheme !== 'https') || !host || host.length > 300) return null;
  let url: URL;
  try {
    url = new URL(`${scheme}://${host}`);
  } catch {
    return null;
  }
  // Anything more than a host and port (a path, a user name, a second host) is not an address a browser sent.
  const expectedHost = url.port ? `${url.hostname}:${url.port}` : url.hostname;
  if (url.username || url.password || url.pathname !== '/' || url.search || url.hash) return null;
  if (host !== expectedHost && host !== `${expectedHost}:${scheme === 'https' ? 443 : 80}`) return null;
  return url.origin;
}

/** Where visitors reach Docent, without a trailing slash: PUBLIC_URL, else the admin's browsing origin. */
export function publicAddress(config: AddressConfig, request: RequestAddress): string {
  if (config.publicUrlSet) return config.publicUrl;
  return browsingOrigin(request) ?? config.publicUrl;
}

/** The one line a site pastes into its pages. */
export function embedSnippet(address: string): string {
  return `<script src="${address}/widget.js" async></script>`;
}

/** The session cookie is Secure when Docent's address is https or this very request came over https. */
export function sessionCookieSecure(config: AddressConfig, request: RequestAddress): boolean {
  return (config.publicUrlSet && config.publicUrl.startsWith('https://')) || request.protocol === 'https';
}

/** 'local': only this computer reaches it; 'private': only the local network; 'public': anything else. */
export type Reach = 'local' | 'private' | 'public';

export function reachOf(address: string): Reach {
  let host: string;
  try {
    host = new URL(address).hostname.toLowerCase().replace(/^\[|\]$/g, '');
  } catch {
    return 'public';
  }
  if (host === 'localhost' || host.endsWith('.localhost')) return 'local';
  if (!ipaddr.isValid(host))
    return host.endsWith('.local') || host.endsWith('.internal') || host.endsWith('.lan') || !host.includes('.') ? 'private' : 'public';
  let ip = ipaddr.parse(host);
  if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress()) ip = (ip as ipaddr.IPv6).toIPv4Address();
  const range = ip.range();
  if (range === 'loopback' || range === 'unspecified') return 'local';
  return range === 'unicast' ? 'public' : 'private';
}

/** What the Widget screen and the Dashboard show about the address (GET /api/admin/widget/address). */
export interface AddressStatus {
  /** The address the snippet and the webhook URL use. */
  address: string;
  /** PUBLIC_URL when set, else null. */
  publicUrl: string | null;
  /** The address the admin opened Docent at (null when the Host header was not usable). */
  browsingOrigin: string | null;
  /** Who reaches `address`: 'local' means the widget cannot work on any other computer. */
  reach: Reach;
  /**
   * PUBLIC_URL and the browsing origin differ. 'stale': PUBLIC_URL is likely wrong (it is this computer only,
   * or the admin came over a public address that is not it); 'tunnel': the admin came over a local or private
   * address (an SSH tunnel, the LAN) while PUBLIC_URL is public, which is usually right.
   */
  mismatch: null | { kind: 'stale' | 'tunnel'; suggestedPublicUrl: string };
}

export function addressStatus(config: AddressConfig, request: RequestAddress): AddressStatus {
  const browsing = browsingOrigin(request);
  const address = publicAddress(config, request);
  let mismatch: AddressStatus['mismatch'] = null;
  if (config.publicUrlSet && browsing && browsing !== new URL(config.publicUrl).origin) {
    // PUBLIC_URL may carry a path (Docent behind https://example.com/docent): keep it in the suggestion.
    const path = new URL(config.publicUrl).pathname.replace(/\/+$/, '');
    const browsingReach = reachOf(browsing);
    // Came over a public address: that is where visitors reach Docent too. PUBLIC_URL on this computer only,
    // opened from anywhere else: no visitor can reach it either.
    const stale = browsingReach === 'public' || (reachOf(config.publicUrl) === 'local' && browsingReach !== 'local');
    const kind = stale ? 'stale' : 'tunnel';
    mismatch = { kind, suggestedPublicUrl: `${browsing}${path}` };
  }
  return { address, publicUrl: config.publicUrlSet ? config.publicUrl : null, browsingOrigin: browsing, reach: reachOf(address), mismatch };
}
