// Pieces shared by the Web pages and WordPress panels: the address and schedule fields, the read job's progress, the form's footer.
import type { ComponentProps, Ref } from 'preact';
import { type FieldBinding, describedBy } from '../../../components/Field.js';
import { ActionNoticeView } from '../../../components/Notice.js';
import { Spinner } from '../../../components/Spinner.js';
import { StackedField, StackedInput } from '../../../components/StackedField.js';
import type { ActionNotice } from '../../../components/announce.js';
import { JobView } from '../shared.js';
import type { Job, LogLine, Schedule } from '../types.js';

export interface TrackedView {
  job: Job | null;
  log: LogLine[];
  error: string | null;
}

/** How often the source is read again, in a stacked field. */
export function ScheduleField({ id, label, value, onValue, error, help, disabled }: FieldBinding<Schedule> & { label: string; help?: string }) {
  return (
    <StackedField label={label} id={id} error={error} help={help}>
      <select
        id={id}
        class="select"
        value={value}
        disabled={disabled}
        aria-describedby={describedBy(error && `${id}-error`, help && `${id}-help`)}
        onChange={(e) => onValue(e.currentTarget.value as Schedule)}
      >
        <option value="off">Off</option>
        <option value="daily">Daily</option>
        <option value="weekly">Weekly</option>
      </select>
    </StackedField>
  );
}

/** An address typed in full, in a stacked field (not checked by the browser: the form says what is wrong). */
export function UrlField(props: Omit<ComponentProps<typeof StackedInput>, 'type'>) {
  return <StackedInput type="url" inputClass="code" spellcheck={false} autoComplete="off" {...props} />;
}

/** Progress of the read job started by a panel, then what to do next. */
export function PanelJob({ tracked, noun }: { tracked: TrackedView; noun: string }) {
  if (!tracked.job) return tracked.error ? null : <Spinner label="Starting…" />;
  return (
    <div class="panel-job">
      <JobView job={tracked.job} log={tracked.log} pollError={tracked.error} itemNoun={noun} label={`Reading ${noun}`} compact>
        {tracked.job.status === 'done' && (
          <p>
            <a class="button" href="/admin/training?tab=training">
              Go to Training
            </a>
          </p>
        )}
      </JobView>
    </div>
  );
}

/** The notice of an add form whose address failed the server's check (the reason is on the field). */
export const NOT_ADDED = 'Nothing was added: correct the address and try again.';

/** The submit button, its progress and the outcome notice of the web and WordPress "add" forms. */
export function AddFormFooter({
  label,
  saving,
  busyLabel,
  notice,
  noticeRef,
}: {
  label: string;
  saving: boolean;
  busyLabel: string;
  notice: ActionNotice | null;
  noticeRef: Ref<HTMLDivElement>;
}) {
  return (
    <>
      <div class="form-actions">
        <button type="submit" class="button button-primary" disabled={saving}>
          {label}
        </button>
        {saving && <Spinner label={busyLabel} />}
      </div>
      <ActionNoticeView notice={notice} noticeRef={noticeRef} />
    </>
  );
}
