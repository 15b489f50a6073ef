// What Docent knows about its public address (GET /api/admin/widget/address, server/http/public-address.ts):
// a notice when PUBLIC_URL and the address the admin opened Docent at differ, or when a proxy hides that
// address from Docent, with the exact fix.
import { useEffect, useState } from 'preact/hooks';
import { Notice } from './Notice.js';

export interface AddressStatus {
  address: string;
  publicUrl: string | null;
  browsingOrigin: string | null;
  reach: 'local' | 'private' | 'public';
  mismatch: null | { kind: 'stale' | 'tunnel'; suggestedPublicUrl: string };
}

const DISMISSED_KEY = 'docent.addressNotice.dismissed';

/** The tunnel notice, once dismissed, stays dismissed for this pair of addresses (in this browser). */
function dismissedFor(status: AddressStatus): boolean {
  try {
    return localStorage.getItem(DISMISSED_KEY) === `${status.publicUrl} ${status.browsingOrigin}`;
  } catch {
    return false;
  }
}

function rememberDismissed(status: AddressStatus) {
  try {
    localStorage.setItem(DISMISSED_KEY, `${status.publicUrl} ${status.browsingOrigin}`);
  } catch {
    /* private mode: dismissed for this page only */
  }
}

/**
 * PUBLIC_URL is unset and Docent received the admin's request at another address than the browser shows: a
 * reverse proxy in front does not pass the address on (no TRUST_PROXY, or no X-Forwarded-Host/-Proto), so the
 * snippet points at the proxy's view (http://127.0.0.1:3000, or http:// on an https site). The browser's own
 * address is the truth here, and only the browser knows it.
 */
export function proxyHidesAddress(status: AddressStatus | null): boolean {
  return !!status && !status.publicUrl && !!status.browsingOrigin && status.browsingOrigin !== window.location.origin;
}

/** The admin is at PUBLIC_URL itself: whatever a proxy made the server see, the snippet is right. */
const atPublicUrl = (status: AddressStatus) => !!status.publicUrl && new URL(status.publicUrl).origin === window.location.origin;

function ProxyText({ status }: { status: AddressStatus }) {
  const here = window.location.origin;
  return (
    <p>
      Your browser is at <code>{here}</code>, but Docent received this page's request as <code>{status.browsingOrigin}</code>, so the embed snippet and the
      webhook URL point at <code>{status.browsingOrigin}</code> and the widget may not appear on your website. A reverse proxy in front of Docent does not pass
      the address on: set <code>TRUST_PROXY=true</code> so Docent reads <code>X-Forwarded-Host</code> and <code>X-Forwarded-Proto</code> (the proxy must send
      them), or set <code>PUBLIC_URL={here}</code>, and restart Docent.
    </p>
  );
}

/** The mismatch notice body: who says what, what follows from it, and the exact setting to use. */
function MismatchText({ status }: { status: AddressStatus }) {
  const { publicUrl, browsingOrigin, mismatch } = status;
  if (!mismatch || !publicUrl || !browsingOrigin) return null;
  if (mismatch.kind === 'tunnel') {
    return (
      <p>
        You opened Docent at <code>{browsingOrigin}</code>, but the embed snippet and the webhook URL use <code>PUBLIC_URL</code>, <code>{publicUrl}</code>.
        That is right when visitors reach Docent at <code>{publicUrl}</code> and you are on a private address or a tunnel. If they reach it at another address,
        set <code>PUBLIC_URL</code> to that address and restart Docent.
      </p>
    );
  }
  if (status.reach === 'local') {
    return (
      <p>
        You opened Docent at <code>{browsingOrigin}</code>, but <code>PUBLIC_URL</code> says <code>{publicUrl}</code>, an address only Docent's own server can
        reach. The embed snippet and the webhook URL point there, so the widget will not appear on your website. Set{' '}
        <code>PUBLIC_URL={mismatch.suggestedPublicUrl}</code> in Docent's environment and restart Docent.
      </p>
    );
  }
  return (
    <p>
      You opened Docent at <code>{browsingOrigin}</code>, but <code>PUBLIC_URL</code> says <code>{publicUrl}</code>, so the embed snippet and the webhook URL
      point at <code>{publicUrl}</code>. If visitors reach Docent at <code>{browsingOrigin}</code>, set <code>PUBLIC_URL={mismatch.suggestedPublicUrl}</code> in
      Docent's environment and restart Docent, or the widget will not appear on your website.
    </p>
  );
}

/**
 * The notice for a PUBLIC_URL that differs from the browsing origin. `dismissibleTunnel` lets the admin hide the
 * "probably fine" tunnel variant (the Dashboard); a stale PUBLIC_URL is never hidden.
 */
export function PublicAddressNotice({ status, inline, dismissibleTunnel }: { status: AddressStatus | null; inline?: boolean; dismissibleTunnel?: boolean }) {
  const [dismissed, setDismissed] = useState(false);
  useEffect(() => setDismissed(!!status && !!dismissibleTunnel && dismissedFor(status)), [status, dismissibleTunnel]);
  if (!status || dismissed) return null;
  if (proxyHidesAddress(status)) {
    return (
      <Notice type="warning" inline={inline} live={false} class="address-notice">
        <ProxyText status={status} />
      </Notice>
    );
  }
  if (!status.mismatch || atPublicUrl(status)) return null;
  const tunnel = status.mismatch.kind === 'tunnel';
  const onDismiss = tunnel && dismissibleTunnel ? () => (rememberDismissed(status), setDismissed(true)) : undefined;
  return (
    <Notice type={tunnel ? 'info' : 'warning'} inline={inline} live={false} onDismiss={onDismiss} class="address-notice">
      <MismatchText status={status} />
    </Notice>
  );
}
