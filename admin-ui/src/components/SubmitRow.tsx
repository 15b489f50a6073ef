import { Spinner } from './Spinner.js';

/** The primary save button of a settings form, with its saving spinner and unsaved-changes hint. */
export function SubmitRow({ saving, disabled = saving, dirty = false, label = 'Save Changes', busyLabel = 'Saving…' }: { saving: boolean; disabled?: boolean; dirty?: boolean; label?: string; busyLabel?: string }) {
  return (
    <div class="submit-row">
      <button type="submit" class="button button-primary" disabled={disabled}>
        {label}
      </button>
      {saving && <Spinner label={busyLabel} />}
      {!saving && dirty && <span class="unsaved">You have unsaved changes.</span>}
    </div>
  );
}
