// Widget → Embed on your website: the snippet to paste, and the address it loads from.
import { CopyButton } from '../../components/CopyButton.js';
import { Notice } from '../../components/Notice.js';
import { Postbox } from '../../components/Postbox.js';
import { PublicAddressNotice, proxyHidesAddress, type AddressStatus } from '../../components/PublicAddressNotice.js';
import { ReadOnlyField } from '../../components/ReadOnlyField.js';
import { TimeAgo } from '../../components/TimeAgo.js';
import type { WidgetView } from './form.js';

/** Where the snippet's address comes from, and what to do when only this computer can reach it. */
function AddressLine({ status }: { status: AddressStatus }) {
  return (
    <>
      <p class="description snippet-address">
        The widget loads from <code>{status.address}</code>: {status.publicUrl ? "Docent's" : 'the address you opened Docent at, as'} <code>PUBLIC_URL</code>
        {status.publicUrl ? '.' : ' is not set.'}
      </p>
      {!status.mismatch && !proxyHidesAddress(status) && status.reach === 'local' && (
        <Notice type="warning" inline live={false}>
          <p>
            <code>{status.address}</code> only works on this computer, so the widget will not appear for your visitors. Open Docent at the address visitors use
            to reach it, or set <code>PUBLIC_URL</code> to that address and restart Docent.
          </p>
        </Notice>
      )}
    </>
  );
}

export function EmbedBox({ view, address }: { view: WidgetView; address: AddressStatus | null }) {
  return (
    <Postbox id="embed-title" title="Embed on your website">
      <PublicAddressNotice status={address} inline />
      <p class="embed-help" id="snippet-description">
        Paste this line into your site's HTML, just before <code>&lt;/body&gt;</code>, on every page where the chat should appear. On WordPress, a "header and
        footer scripts" plugin or your theme's footer setting does this.
      </p>
      <div class="snippet-row">
        <label class="screen-reader-text" for="embed-snippet">
          Embed snippet
        </label>
        <ReadOnlyField id="embed-snippet" class="snippet-box" value={view.snippet} describedBy="snippet-description" />
        <CopyButton text={view.snippet} fallbackFieldId="embed-snippet" label="Copy" />
      </div>
      {address && <AddressLine status={address} />}
      <p class="last-seen">
        <span class={view.lastSeen ? 'status-dot is-ok' : 'status-dot'} aria-hidden="true" />
        {view.lastSeen ? (
          <>
            Last seen on <strong>{view.lastSeen.origin}</strong> <TimeAgo at={view.lastSeen.at} />
          </>
        ) : (
          "Not seen on a website yet. It shows here after a visitor's first question."
        )}
      </p>
    </Postbox>
  );
}
