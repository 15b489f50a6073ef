// Notifications → Digest: off, daily or weekly, on which day and at which hour (UTC).
import { SelectField, fieldAria } from '../../../components/Field.js';
import { Postbox } from '../../../components/Postbox.js';
import { RadioField } from '../../../components/RadioGroup.js';
import { formatDateTime } from '../../../format.js';
import { WEEKDAYS, fieldId, localTimeOf, pad, type SectionProps } from './form.js';

export function DigestSection({ f, saved, set, bind, errors: shownErrors, busy }: SectionProps) {
  const hour = Number(f.hour);
  const userTimeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

  return (
    <Postbox id="ntf-digest-title" title="Digest" body="inside form-table">
      <RadioField
        label="Send a digest"
        labelId="ntf-frequency-label"
        describes={fieldId('frequency')}
        error={shownErrors.frequency}
        help="Conversations, answered share, thumbs, costs and open problems of the last day or week."
        name="ntf-frequency"
        class="ntf-inline-radios"
        // The Field's help (and error) are keyed to the first radio's id, which the Field describes.
        describedBy={fieldAria(fieldId('frequency'), shownErrors.frequency)['aria-describedby']}
        value={f.frequency}
        onValue={(frequency) => set({ frequency })}
        disabled={busy}
        choices={[
          { value: 'off', id: 'ntf-frequency-off', title: 'Off' },
          { value: 'daily', id: 'ntf-frequency-daily', title: 'Daily' },
          { value: 'weekly', id: 'ntf-frequency-weekly', title: 'Weekly' },
        ]}
      />
      {f.frequency === 'weekly' && (
        <SelectField label="Day" {...bind('weekday')} help="The day in UTC.">
          {WEEKDAYS.map((day, i) => (
            <option key={day} value={String(i)}>
              {day}
            </option>
          ))}
        </SelectField>
      )}
      {f.frequency !== 'off' && (
        <SelectField
          label="Time"
          {...bind('hour')}
          help={
            <>
              {`${pad(hour)}:00 UTC is ${localTimeOf(hour)} in your time zone (${userTimeZone}). `}
              {saved.nextDigestAt &&
              saved.digest.frequency === f.frequency &&
              String(saved.digest.hour) === f.hour &&
              String(saved.digest.weekday) === f.weekday
                ? `Next digest: ${formatDateTime(saved.nextDigestAt)}.`
                : 'Save to schedule it.'}
            </>
          }
        >
          {Array.from({ length: 24 }, (_, h) => (
            <option key={h} value={String(h)}>{`${pad(h)}:00 UTC`}</option>
          ))}
        </SelectField>
      )}
    </Postbox>
  );
}
