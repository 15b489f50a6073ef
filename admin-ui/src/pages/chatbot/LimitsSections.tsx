// Chatbot → Abuse & cost protection, and Privacy: what a visitor may send and spend, and what is kept.
import { CheckboxField, NumberField } from '../../components/Field.js';
import { Postbox } from '../../components/Postbox.js';
import type { SectionProps } from './form.js';

export function LimitsSections({ form, errors, sectionErrors, saving, update, bind }: SectionProps) {
  return (
    <>
      <Postbox id="abuse-title" title={<>Abuse &amp; cost protection</>} body="inside form-table">
        <NumberField
          label="Max message length"
          {...bind('maxMessageLength')}
          min={50}
          max={4000}
          unit="characters"
          help="Longer questions from visitors are refused. Stops people pasting whole documents."
        />
        <NumberField
          label="Messages per minute"
          {...bind('messagesPerMinutePerVisitor')}
          min={1}
          max={120}
          width="tiny"
          unit="per visitor"
          help="A visitor who sends more has to wait a moment. Real people rarely send more than a few."
        />
        <NumberField
          label="Daily messages"
          {...bind('dailyMessagesPerVisitor')}
          min={1}
          max={10000}
          unit="per visitor"
          help="After this many questions in a day (UTC), a visitor is asked to come back tomorrow."
        />
        <NumberField
          label="Max messages per conversation"
          {...bind('maxMessagesPerConversation')}
          min={2}
          max={500}
          help="Long conversations cost more per answer. Past this, the visitor is asked to start a new chat."
        />
        <NumberField
          label="Daily spend cap"
          {...bind('dailySpendCapUsd')}
          min={0}
          max={10000}
          step={0.01}
          unitBefore="$"
          unit="per day"
          help="0 = no cap. When the whole site has spent this much today (UTC), the widget answers with links to matching pages only, until midnight UTC."
        />
      </Postbox>

      <Postbox id="privacy-title" title="Privacy" body="inside form-table">
        <CheckboxField
          label="Store conversations"
          labelId="store-label"
          {...bind('storeConversations')}
          text="Keep visitors' conversations so you can read them under Conversations"
          help="Off: conversations are never saved and nothing shows under Conversations; a chat in progress is held in memory only (for up to 30 minutes), so follow-up questions make sense. The limits above and the dashboard still count every question, without its text. Tell visitors in your privacy policy if you keep conversations."
        />
        <NumberField
          label="Keep conversations for"
          {...bind('retentionDays')}
          min={0}
          max={3650}
          unit="days"
          help="0 = keep forever. Older conversations are deleted automatically a few times a day."
        />
      </Postbox>
    </>
  );
}
