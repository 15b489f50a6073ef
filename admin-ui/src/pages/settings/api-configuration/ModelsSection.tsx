// API Configuration → Models: the chat model, reasoning, fallbacks and (read-only) the embedding model.
import { Field, FieldError, describedBy, fieldAria } from '../../../components/Field.js';
import { ModelCombobox } from '../../../components/ModelCombobox.js';
import { Notice } from '../../../components/Notice.js';
import { Postbox } from '../../../components/Postbox.js';
import { endpointName } from '../../../format.js';
import { CatalogStatus } from './CatalogStatus.js';
import { MAX_FALLBACKS, type SectionProps } from './form.js';

export function ModelsSection(props: SectionProps) {
  const { form, saved, errors, busy, models, catalog, catalogLoading, catalogError, refreshCatalog, update, reasoningSupported, reasoningMandatory } = props;
  const { setFallback, addFallback, removeFallback } = props;
  return (
    <Postbox id="models-title" title="Models" body="inside form-table">
      <Field label="Model" id="model">
        <ModelCombobox
          id="model"
          models={models}
          loading={catalogLoading}
          value={form.model}
          onChange={(id) => update({ model: id }, ['model', 'fallbackModels'])}
          listLabel="Models"
          invalid={!!errors.model}
          describedBy={describedBy(errors.model && 'model-error', 'model-description')}
          disabled={busy}
          allowCustom
        />
        <FieldError id="model-error" message={errors.model} />
        <p class="description" id="model-description">
          Answers your visitors. Type to search by name or id.
        </p>
        <CatalogStatus catalog={catalog} loading={catalogLoading} error={catalogError} onRefresh={refreshCatalog} />
      </Field>

      <Field label="Reasoning" labelId="reasoning-label">
        <label class={`checkbox-option${!reasoningSupported ? ' is-disabled' : ''}`}>
          <input
            type="checkbox"
            id="reasoning"
            checked={reasoningSupported && form.reasoningEnabled}
            disabled={!reasoningSupported || busy}
            onChange={(e) => update({ reasoningEnabled: e.currentTarget.checked }, ['reasoningEnabled'])}
            aria-describedby={describedBy(
              errors.reasoningEnabled && 'reasoning-error',
              (!reasoningSupported || reasoningMandatory) && 'reasoning-note',
              'reasoning-description',
            )}
          />
          <span>Enable reasoning</span>
        </label>
        <FieldError id="reasoning-error" message={errors.reasoningEnabled} />
        {(!reasoningSupported || reasoningMandatory) && (
          <p class="description note" id="reasoning-note">
            {reasoningSupported ? 'This model always reasons; off keeps it to the minimum.' : 'This model does not support reasoning.'}
          </p>
        )}
        <p class="description" id="reasoning-description">
          Off: the model thinks as little as possible, for fast replies. On: the model uses its default thinking level (slower, can be more accurate).
        </p>
      </Field>

      <Field
        label="Fallback models"
        labelId="fallback-label"
        describes="fallback"
        error={errors.fallbackModels}
        help="Optional, up to two. Used in this order when the main model fails or is overloaded."
      >
        <div
          class="fallback-list"
          role="group"
          aria-labelledby="fallback-label"
          aria-describedby={fieldAria('fallback', errors.fallbackModels)['aria-describedby']}
        >
          {form.fallbackModels.map((id, i) => (
            <div class="fallback-item" key={i}>
              <label class="screen-reader-text" for={`fallback-${i}`}>
                Fallback model {i + 1}
              </label>
              <span class="fallback-number" aria-hidden="true">
                {i + 1}.
              </span>
              <ModelCombobox
                id={`fallback-${i}`}
                models={models}
                loading={catalogLoading}
                value={id}
                onChange={(v) => setFallback(i, v)}
                listLabel={`Models for fallback ${i + 1}`}
                placeholder="Choose a model…"
                invalid={!!errors.fallbackModels}
                describedBy={errors.fallbackModels ? 'fallback-error' : undefined}
                disabled={busy}
                allowCustom
                after={
                  <button
                    type="button"
                    class="button-link button-link-delete fallback-remove"
                    onClick={() => removeFallback(i)}
                    disabled={busy}
                    aria-label={`Remove fallback model ${i + 1}`}
                  >
                    Remove
                  </button>
                }
              />
            </div>
          ))}
          {form.fallbackModels.length < MAX_FALLBACKS && (
            <button type="button" id="fallback-add" class="button" onClick={addFallback} disabled={busy}>
              Add fallback model
            </button>
          )}
        </div>
      </Field>

      <Field label="Embedding model" labelId="embedding-label">
        <p class="readonly-value" aria-labelledby="embedding-label">
          <code>{saved.embeddingModel}</code>
          {saved.embeddingDimensions ? ` (${saved.embeddingDimensions} dimensions)` : ''}
        </p>
        <p class="description">
          Turns your content into searchable vectors. <a href="/admin/training?tab=database">Change in Data Training → Database Management</a>
        </p>
        {saved.searchIndex && !saved.searchIndex.matchesSettings && (
          <Notice type="warning" inline live={false} class="index-provider-notice">
            <p>
              Your search index was built with {endpointName(saved.searchIndex)} and keeps answering through it, with the key saved for it, until you rebuild it
              for this provider. <a href="/admin/training?tab=database">Rebuild the index in Database Management</a>
            </p>
          </Notice>
        )}
      </Field>
    </Postbox>
  );
}
