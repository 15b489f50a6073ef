// A channel's Test row: the button, a spinner while the test runs, and what came back.
import { Field } from '../../../components/Field.js';
import { Notice } from '../../../components/Notice.js';
import { Spinner } from '../../../components/Spinner.js';
import type { TestResult } from '../../../../../server/notifications/schemas.js';

interface Props {
  /** The row's id prefix: `-label` names the row, `-description` the help under the button. */
  id: string;
  button: string;
  runningLabel: string;
  test: { running: boolean; result: TestResult | null };
  onTest: () => void;
  disabled: boolean;
  description?: string;
  /** The result's first words, when it worked and when it did not. */
  ok: string;
  failed: string;
}

export function TestRow({ id, button, runningLabel, test, onTest, disabled, description, ok, failed }: Props) {
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
