// Widget → Appearance: the name, avatar, colour, position and language of the chat window.
import { Field, SelectField, TextField, fieldAria } from '../../components/Field.js';
import { Postbox } from '../../components/Postbox.js';
import { RadioField } from '../../components/RadioGroup.js';
import { HEX, UI_LANGUAGES, type SectionProps } from './form.js';

export function AppearanceSection({ form, saved, errors, saving, update, bind }: SectionProps) {
  const colorValid = HEX.test(form.primaryColor.trim());
  return (
    <Postbox id="appearance-title" title="Appearance" body="inside form-table">
      <TextField label="Bot name" {...bind('botName')} maxLength={60} help="Shown at the top of the chat window." />
      <TextField
        label="Avatar URL"
        {...bind('avatarUrl')}
        type="url"
        placeholder="https://example.com/logo.png"
        help="Optional. A small square image (your logo) shown next to the bot name. Leave empty for none."
      />
      <Field
        label="Primary colour"
        id="w-primaryColor-hex"
        describes="w-primaryColor"
        error={errors.primaryColor}
        help={"The launcher button, header and your visitors' messages use it. Text on it turns black or white, whichever reads better."}
      >
        <div class="color-field">
          <input
            type="color"
            id="w-primaryColor"
            class="color-swatch"
            value={colorValid ? form.primaryColor.trim().toLowerCase() : saved.widget.primaryColor.toLowerCase()}
            onInput={(e) => update({ primaryColor: e.currentTarget.value })}
            aria-label="Pick the primary colour"
            disabled={saving}
          />
          <input
            id="w-primaryColor-hex"
            type="text"
            class="input code hex-input"
            value={form.primaryColor}
            maxLength={7}
            spellcheck={false}
            autoComplete="off"
            onInput={(e) => update({ primaryColor: e.currentTarget.value })}
            {...fieldAria('w-primaryColor', errors.primaryColor)}
            disabled={saving}
          />
        </div>
      </Field>
      <RadioField
        label="Position"
        labelId="position-label"
        describes="w-position"
        error={errors.position}
        name="position"
        class="radio-inline"
        value={form.position}
        onValue={(position) => update({ position })}
        disabled={saving}
        choices={[
          { value: 'bottom-right', id: 'position-bottom-right', title: 'Bottom right' },
          { value: 'bottom-left', id: 'position-bottom-left', title: 'Bottom left' },
        ]}
      />
      <SelectField
        label="Language"
        {...bind('language')}
        help={
          <>
            The language of the widget's buttons and labels; Automatic uses the visitor's browser language. The answers follow "Response language" on the{' '}
            <a href="/admin/chatbot">Chatbot</a> screen.
          </>
        }
      >
        <option value="auto">Automatic (the visitor's language)</option>
        {UI_LANGUAGES.map(([code, name]) => (
          <option key={code} value={code}>
            {name}
          </option>
        ))}
      </SelectField>
    </Postbox>
  );
}
