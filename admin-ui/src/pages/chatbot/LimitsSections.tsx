// Chatbot → Abuse & cost protection, and Privacy: what a visitor may send and spend, and what is kept.
import { CheckboxField } from '../../components/Field.js';
import { Postbox } from '../../components/Postbox.js';
import type { SectionProps } from './form.js';
import { ABUSE_NUMBERS, NumberFields, RETENTION_NUMBERS } from './numbers.js';

export function LimitsSections({ bind }: SectionProps) {
  return (
    <>
      <Postbox id="abuse-title" title={<>Abuse &amp; cost protection</>} body="inside form-table">
        <NumberFields specs={ABUSE_NUMBERS} bind={bind} />
      </Postbox>

      <Postbox id="privacy-title" title="Privacy" body="inside form-table">
        <CheckboxField
          label="Store conversations"
          labelId="store-label"
          {...bind('storeConversations')}
          text="Keep visitors' conversations so you can read them under Conversations"
          help="Off: conversations are never saved and nothing shows under Conversations; a chat in progress is held in memory only (for up to 30 minutes), so follow-up questions make sense. The limits above and the dashboard still count every question, without its text. Tell visitors in your privacy policy if you keep conversations."
        />
        <NumberFields specs={RETENTION_NUMBERS} bind={bind} />
      </Postbox>
    </>
  );
}
