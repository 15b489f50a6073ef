import { Spinner } from './Spinner.js';

/**
 * The primary save button of a form, with its saving spinner and unsaved-changes hint. While saving it is
 * aria-disabled rather than disabled: a disabled button loses focus, and focus should stay on it (as in WordPress).
 * The form's submit handler ignores a second submit while one is under way.
 */
export function SubmitRow({
  saving,
  disabled = false,
  dirty = false,
  label = 'Save Changes',
  busyLabel = 'Saving…',
}: {
  saving: boolean;
  disabled?: boolean;
  dirty?: boolean;
  label?: string;
  busyLabel?: string;
}) {
  return (
    <div class="submit-row">
      <button type="submit" class="button button-primary" disabled={disabled && !saving} aria-disabled={saving ? 'true' : undefined}>
        {label}
      </button>
      {saving && <Spinner label={busyLabel} />}
      {!saving && dirty && <span class="unsaved">You have unsaved changes.</span>}
    </div>
  );
}
