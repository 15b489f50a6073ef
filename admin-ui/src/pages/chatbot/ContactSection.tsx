// Chatbot → When the bot can't help: the contact link, Talk to a person, consent and the pre-chat form.
import { CheckboxField, TextareaField, TextField } from '../../components/Field.js';
import { Postbox } from '../../components/Postbox.js';
import { RadioField } from '../../components/RadioGroup.js';
import { fieldId, type SectionProps } from './form.js';

export function ContactSection({ form, errors, saving, update, bind }: SectionProps) {
  return (
    <Postbox id="contact-title" title="When the bot can't help" body="inside form-table">
      <p class="description">
        When your content has nothing on a question, or the bot cannot answer at all (the AI service is down, your credit has run out, today's spend cap is
        reached), visitors get a calm message with your matching Q&amp;A answers and links to matching pages. Give them a way to reach a person too.
      </p>
      <TextField
        label="Contact page or e-mail"
        {...bind('contactLink')}
        inputMode="url"
        autoComplete="off"
        spellcheck={false}
        placeholder="https://example.com/contact"
        help="Optional. A web page (starting with https://) or an e-mail address. Visitors see it as a button under the answer. Leave empty to show none."
      />
      <TextField
        label="Button text"
        {...bind('contactLabel')}
        maxLength={60}
        placeholder="Contact us"
        help={'Optional, up to 60 characters. Empty: "Contact us" in the visitor\'s language for a page, or the e-mail address itself.'}
      />
      <RadioField
        label="Talk to a person"
        labelId="talk-label"
        describes={fieldId('talkToPerson')}
        error={errors.talkToPerson}
        helpId="talk-description"
        help={
          <>
            A short form in the widget: name, e-mail and a message. It arrives under <a href="/admin/leads">Leads</a> with the conversation, and as a "New lead"
            notification (Settings → Notifications).
          </>
        }
        name="talk-to-person"
        describedBy="talk-description"
        value={form.talkToPerson}
        onValue={(talkToPerson) => update({ talkToPerson })}
        disabled={saving}
        choices={[
          { value: 'never', id: 'talk-never', title: 'Never' },
          {
            value: 'after_no_answer',
            id: 'talk-after',
            title: 'After "I don\'t know" or a failure',
            description: 'Under an answer the bot could not give, next to your contact link.',
          },
          { value: 'always', id: 'talk-always', title: 'Always', description: 'Also from a button at the top of the chat, at any time.' },
        ]}
      />
      <TextareaField
        label="Consent text"
        {...bind('consentText')}
        rows={2}
        placeholder="I agree that you store my name and e-mail address to answer me."
        help="Optional, up to 500 characters. When set, visitors must tick it to send the form, and the lead keeps the text they agreed to."
      />
      <CheckboxField
        label="Pre-chat form"
        labelId="pre-chat-label"
        {...bind('preChatForm')}
        text="Ask for the visitor's name and e-mail before the first question"
        help="Off by default: a form before chatting turns many visitors away. Each one filled in is a lead."
      />
    </Postbox>
  );
}
