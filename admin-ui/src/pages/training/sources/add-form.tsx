// Pieces shared by the Web pages and WordPress panels: the address and schedule fields, the add flow, the panel and its read job's progress.
import type { ComponentChildren, ComponentProps, Ref } from 'preact';
import { useState } from 'preact/hooks';
import { ApiError, api, errorMessage } from '../../../api.js';
import { type FieldBinding, describedBy } from '../../../components/Field.js';
import { ActionNoticeView } from '../../../components/Notice.js';
import { Postbox } from '../../../components/Postbox.js';
import { Spinner } from '../../../components/Spinner.js';
import { StackedField, StackedInput } from '../../../components/StackedField.js';
import { type ActionNotice, useActionNotice } from '../../../components/announce.js';
import { useFields } from '../../../components/useFields.js';
import { API, JobView } from '../shared.js';
import type { Job, LogLine, Schedule, Source, SourceKind } from '../types.js';

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

type AddFields = Record<string, string> & { schedule: Schedule };

/**
 * The "add" flow of the web and WordPress panels: the browser's checks, the POST of the new source, then the
 * server's complaints put on the address field (`main`) or the schedule.
 */
export function useAddSource<F extends AddFields>(prefix: string, initial: F, onAdded: (s: Source, jobId: number) => void) {
  const [saving, setSaving] = useState(false);
  const fields = useFields(initial, (k) => `${prefix}-${k}`, saving);
  const { notice, noticeRef, show: showNotice, clear: clearNotice } = useActionNotice();
  type Errors = Partial<Record<keyof F, string>>;

  /** `explain` adds to the server's message about the address; `cleared` empties the fields once added. */
  async function add(
    e: Event,
    found: Errors,
    main: keyof F & string,
    source: { kind: SourceKind; config: unknown },
    cleared: Partial<F>,
    explain = (m: string) => m,
  ) {
    e.preventDefault();
    if (saving) return;
    if (Object.keys(found).length) {
      fields.setErrors(found);
      document.getElementById(`${prefix}-${Object.keys(found)[0]}`)?.focus();
      return;
    }
    setSaving(true);
    clearNotice();
    fields.setErrors({});
    try {
      const r = await api.post<{ source: Source; jobId: number }>(`${API}/sources`, { ...source, schedule: fields.values.schedule });
      showNotice({ type: 'success', message: `Added “${r.source.name}”.` });
      fields.set(cleared);
      onAdded(r.source, r.jobId);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return;
      if (err instanceof ApiError && Object.keys(err.fields).length) {
        const next: Record<string, string> = {};
        for (const [k, v] of Object.entries(err.fields)) {
          if (k === 'schedule') next.schedule = v;
          else next[main] = k === 'config' || k.startsWith('config.') ? explain(v) : v;
        }
        fields.setErrors(next as Errors);
        // A failed check (422) is already said under the field: the notice only says nothing was added.
        showNotice({ type: 'error', message: err.status === 422 ? NOT_ADDED : err.message }, `${prefix}-${next.schedule && !next[main] ? 'schedule' : main}`);
      } else showNotice({ type: 'error', message: `Not added: ${errorMessage(err)}` });
    } finally {
      setSaving(false);
    }
  }

  return { ...fields, saving, notice, noticeRef, add };
}

/** An "add" panel: its form, the submit button with its progress and outcome, then the read job's progress. */
export function AddPanel(props: {
  id: string;
  title: string;
  intro?: ComponentChildren;
  onSubmit: (e: Event) => void;
  label: string;
  busyLabel: string;
  form: { saving: boolean; notice: ActionNotice | null; noticeRef: Ref<HTMLDivElement> };
  tracked: TrackedView | null;
  noun: string;
  children: ComponentChildren;
}) {
  const { saving, notice, noticeRef } = props.form;
  return (
    <Postbox id={props.id} title={props.title} level={3} class="add-panel">
      {props.intro && <p class="description">{props.intro}</p>}
      <form class="stack-form" onSubmit={props.onSubmit} noValidate>
        {props.children}
        <div class="form-actions">
          <button type="submit" class="button button-primary" disabled={saving}>
            {props.label}
          </button>
          {saving && <Spinner label={props.busyLabel} />}
        </div>
        <ActionNoticeView notice={notice} noticeRef={noticeRef} />
      </form>
      {props.tracked && <PanelJob tracked={props.tracked} noun={props.noun} />}
    </Postbox>
  );
}
