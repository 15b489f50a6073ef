// Chatbot → Model and search: temperature, answer length, history, follow-ups and the retrieval knobs.
import { CheckboxField } from '../../components/Field.js';
import { Notice } from '../../components/Notice.js';
import { Postbox } from '../../components/Postbox.js';
import type { SectionProps } from './form.js';
import { MODEL_NUMBERS, NumberFields, SEARCH_NUMBERS } from './numbers.js';

export function ModelSection({ sectionErrors, bind }: SectionProps) {
  return (
    <Postbox id="model-title" title="Model and search" body="inside form-table">
      {sectionErrors.retrieval && (
        <Notice type="error" inline live={false}>
          <p>{sectionErrors.retrieval}</p>
        </Notice>
      )}
      <NumberFields specs={MODEL_NUMBERS} bind={bind} />
      <CheckboxField
        label="Follow-up questions"
        labelId="follow-ups-label"
        {...bind('rewriteFollowUps')}
        text="Rewrite follow-ups with the model"
        help={
          <>
            A follow-up such as "And how much is it?" is always searched together with the visitor's previous question, at no extra cost. On: the model first
            rewrites it into a question that stands alone ("How much is the Pro plan?"), one small extra AI call per follow-up. The{' '}
            <a href="/admin/playground">Playground</a> shows what was searched.
          </>
        }
      />
      <NumberFields specs={SEARCH_NUMBERS} bind={bind} />
    </Postbox>
  );
}
