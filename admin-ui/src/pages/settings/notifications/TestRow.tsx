// A channel's Test row: the button, a spinner while the test runs, and what came back. A problem the browser or the
// server finds with a field goes on that field (showTestErrors), not under the button.
import { useState } from 'preact/hooks';
import { ApiError, errorMessage } from '../../../api.js';
import { Field } from '../../../components/Field.js';
import { Notice } from '../../../components/Notice.js';
import { Spinner } from '../../../components/Spinner.js';
import type { FieldErrors } from '../../../components/useSettingsForm.js';
import type { TestResult } from '../../../../../server/notifications/schemas.js';
import type { FieldKey } from './form.js';

interface Props {
  /** The row's id prefix: `-label` names the row, `-description` the help under the button. */
  id: string;
  button: string;
  runningLabel: string;
  /** The fields' problems found before sending (none: the test runs). */
  check: () => FieldErrors<FieldKey>;
  send: () => Promise<TestResult>;
  /** The server's field errors that belong on the form's fields. */
  placeErrors: (fields: Record<string, string>) => FieldErrors<FieldKey>;
  showTestErrors: (found: FieldErrors<FieldKey>) => void;
  /** A result came back (the webhook test may have made a signing secret). */
  onResult?: (result: TestResult) => void;
  disabled: boolean;
  description?: string;
  /** The result's first words, when it worked and when it did not. */
  ok: string;
  failed: string;
}

export function TestRow({ id, button, runningLabel, check, send, placeErrors, showTestErrors, onResult, disabled, description, ok, failed }: Props) {
  const [test, setTest] = useState<{ running: boolean; result: TestResult | null }>({ running: false, result: null });

  async function onTest() {
    const found = check();
    showTestErrors(found);
    if (Object.keys(found).length) return;
    setTest({ running: true, result: null });
    try {
      const result = await send();
      onResult?.(result);
      setTest({ running: false, result });
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return;
      const placed = e instanceof ApiError ? placeErrors(e.fields) : {};
      if (Object.keys(placed).length) showTestErrors(placed);
      setTest({ running: false, result: Object.keys(placed).length ? null : { ok: false, message: errorMessage(e) } });
    }
  }

  return (
    <Field label="Test" labelId={`${id}-label`}>
      <div class="ntf-test">
        <button type="button" class="button" onClick={onTest} disabled={disabled || test.running} aria-describedby={description && `${id}-description`}>
          {button}
        </button>
        {test.running && <Spinner label={runningLabel} />}
      </div>
      {description && (
        <p class="description" id={`${id}-description`}>
          {description}
        </p>
      )}
      <div class="ntf-test-result" aria-live="polite">
        {test.result && (
          <Notice type={test.result.ok ? 'success' : 'error'} inline>
            <p>
              <strong>{test.result.ok ? ok : failed}</strong> {test.result.message}
            </p>
          </Notice>
        )}
      </div>
    </Field>
  );
}
