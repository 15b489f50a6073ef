import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { ComponentChildren, Ref } from 'preact';
import { formatContext, formatPricing } from '../format.js';
import type { ModelInfo } from '../types.js';
import { Icon } from './Icon.js';

// A searchable select over the model catalog, following the WAI-ARIA "combobox with listbox popup" pattern:
// the input has role=combobox and keeps focus; options are referenced with aria-activedescendant.
// Keys: ↓/↑ open and move, Enter chooses, Esc closes (and restores the chosen model), Tab leaves.

type Option = { kind: 'model'; model: ModelInfo } | { kind: 'custom'; id: string };

interface Props {
  id: string;
  models: ModelInfo[];
  value: string;
  onChange: (id: string) => void;
  /** Accessible name of the listbox ("Models"). */
  listLabel: string;
  /** The catalog is still loading. */
  loading?: boolean;
  placeholder?: string;
  invalid?: boolean;
  describedBy?: string;
  disabled?: boolean;
  /** Offer "Use <typed text> as the model id" when nothing matches exactly (catalog missing, custom endpoints). */
  allowCustom?: boolean;
  inputRef?: Ref<HTMLInputElement>;
  /** Show the summary line (id, context, price) of the chosen model under the input. */
  showSummary?: boolean;
  /** Rendered right after the input, on the same line (e.g. a Remove button). */
  after?: ComponentChildren;
}

const MAX_RENDERED = 1000;

/** The text after `sep` ("gpt-5" of "openai/gpt-5", "GPT-5" of "OpenAI: GPT-5"); all of it without one. */
const afterSeparator = (s: string, sep: string) => s.slice(s.indexOf(sep) + 1).trim();

function rank(m: ModelInfo, q: string): number {
  const id = m.id.toLowerCase();
  const name = m.name.toLowerCase();
  if (id === q) return 0;
  if (id.startsWith(q) || afterSeparator(id, '/').startsWith(q)) return 1;
  if (name.startsWith(q) || afterSeparator(name, ':').startsWith(q)) return 2;
  return 3;
}

export function filterModels(models: ModelInfo[], query: string): ModelInfo[] {
  const q = query.trim().toLowerCase();
  if (!q) return models;
  const terms = q.split(/\s+/);
  const found = models.filter((m) => {
    const hay = `${m.name} ${m.id}`.toLowerCase();
    return terms.every((t) => hay.includes(t));
  });
  // Best matches first, catalog order otherwise (Array#sort is stable).
  return found
    .map((m) => [rank(m, q), m] as const)
    .sort((a, b) => a[0] - b[0])
    .map(([, m]) => m);
}

export function ModelBadges({ model }: { model: ModelInfo }) {
  return (
    <>
      {model.free && <span class="badge badge-free">Free</span>}
      {model.reasoning.supported && <span class="badge badge-reasoning">Reasoning</span>}
    </>
  );
}

export function ModelMeta({ model }: { model: ModelInfo }) {
  const ctx = formatContext(model.contextLength);
  const pricing = formatPricing(model.promptPricePerM, model.completionPricePerM);
  return (
    <span class="model-meta">
      <code class="model-id">{model.id}</code>
      <span class="model-stats" title="Context length; input / output price per million tokens">
        {ctx ? `${ctx} · ${pricing}` : pricing}
      </span>
    </span>
  );
}

export function ModelCombobox(p: Props) {
  const listId = `${p.id}-listbox`;
  const [open, setOpen] = useState(false);
  // null: the admin is not typing, the input shows the chosen model.
  const [query, setQuery] = useState<string | null>(null);
  const [active, setActive] = useState(-1);
  const localInput = useRef<HTMLInputElement | null>(null);
  const scrollOnActive = useRef(false);

  const selected = useMemo(() => p.models.find((m) => m.id === p.value) ?? null, [p.models, p.value]);

  const options: Option[] = useMemo(() => {
    const list: Option[] = filterModels(p.models, query ?? '')
      .slice(0, MAX_RENDERED)
      .map((model) => ({ kind: 'model', model }));
    const typed = (query ?? '').trim();
    // Offer the typed text as an id only when it looks like one (vendor/model) or nothing else matches.
    const looksLikeId = typed.includes('/') || list.length === 0;
    if (p.allowCustom && typed && looksLikeId && !/\s/.test(typed) && !p.models.some((m) => m.id === typed)) {
      list.push({ kind: 'custom', id: typed });
    }
    return list;
  }, [p.models, query, p.allowCustom]);

  const total = query == null ? p.models.length : options.filter((o) => o.kind === 'model').length;
  const activeIndex = open ? Math.min(active, options.length - 1) : -1;
  const optionId = (i: number) => `${p.id}-option-${i}`;
  const displayValue = query ?? (selected ? selected.name : p.value);

  // Keep the active option visible while moving with the keyboard.
  useEffect(() => {
    if (!open || activeIndex < 0 || !scrollOnActive.current) return;
    scrollOnActive.current = false;
    document.getElementById(optionId(activeIndex))?.scrollIntoView({ block: 'nearest' });
  }, [open, activeIndex]);

  function setInput(el: HTMLInputElement | null) {
    localInput.current = el;
    const r = p.inputRef;
    if (typeof r === 'function') r(el);
    else if (r) r.current = el;
  }

  function openList(at?: 'selected' | 'first' | 'last') {
    let i = 0;
    if (at === 'last') i = options.length - 1;
    else if (at !== 'first' && query == null && p.value)
      i = Math.max(
        0,
        options.findIndex((o) => o.kind === 'model' && o.model.id === p.value),
      );
    scrollOnActive.current = true;
    setActive(i);
    setOpen(true);
  }

  function close() {
    setOpen(false);
    setQuery(null);
    setActive(-1);
  }

  function choose(o: Option) {
    p.onChange(o.kind === 'model' ? o.model.id : o.id);
    close();
  }

  function move(delta: number) {
    if (!options.length) return;
    scrollOnActive.current = true;
    setActive((a) => {
      const cur = Math.min(a, options.length - 1);
      if (cur < 0) return delta > 0 ? 0 : options.length - 1;
      return Math.max(0, Math.min(options.length - 1, cur + delta));
    });
  }

  function onKeyDown(e: KeyboardEvent) {
    switch (e.key) {
      case 'ArrowDown':
        e.preventDefault();
        if (!open) openList(e.altKey ? 'selected' : undefined);
        else if (!e.altKey) move(1);
        break;
      case 'ArrowUp':
        e.preventDefault();
        if (!open) openList('selected');
        else if (e.altKey) close();
        else move(-1);
        break;
      case 'PageDown':
      case 'PageUp':
        if (open) {
          e.preventDefault();
          move(e.key === 'PageDown' ? 8 : -8);
        }
        break;
      case 'Enter':
        if (open) {
          // Never submit the form while choosing.
          e.preventDefault();
          if (activeIndex >= 0 && options[activeIndex]) choose(options[activeIndex]);
        }
        break;
      case 'Escape':
        if (open || query != null) {
          e.preventDefault();
          e.stopPropagation();
          close();
        }
        break;
      case 'Tab':
        if (open) close();
        break;
    }
  }

  function onInput(e: Event) {
    const v = (e.currentTarget as HTMLInputElement).value;
    setQuery(v);
    setActive(0);
    scrollOnActive.current = true;
    setOpen(true);
  }

  const noMatch = open && query != null && query.trim() !== '' && !options.some((o) => o.kind === 'model') && !p.loading;
  const summaryId = `${p.id}-summary`;
  const unknown = !selected && !!p.value && !p.loading && p.models.length > 0;

  return (
    <div class={`combobox${open ? ' is-open' : ''}${p.disabled ? ' is-disabled' : ''}`}>
      <div class="combobox-row">
        <div class="combobox-control">
          <input
            id={p.id}
            ref={setInput}
            type="text"
            class="input combobox-input"
            role="combobox"
            aria-expanded={open}
            aria-controls={listId}
            aria-autocomplete="list"
            aria-activedescendant={activeIndex >= 0 ? optionId(activeIndex) : undefined}
            aria-invalid={p.invalid ? 'true' : undefined}
            aria-describedby={[p.showSummary !== false && p.value ? summaryId : '', p.describedBy ?? ''].filter(Boolean).join(' ') || undefined}
            autoComplete="off"
            autoCapitalize="off"
            spellcheck={false}
            placeholder={p.placeholder ?? 'Search models by name or id…'}
            value={displayValue}
            disabled={p.disabled}
            onInput={onInput}
            onKeyDown={onKeyDown}
            onClick={(e) => {
              if (!open) {
                (e.currentTarget as HTMLInputElement).select();
                openList();
              }
            }}
            onBlur={() => {
              if (open || query != null) close();
            }}
          />
          <button
            type="button"
            class="combobox-toggle"
            tabIndex={-1}
            aria-label={open ? 'Close the model list' : 'Open the model list'}
            disabled={p.disabled}
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => {
              if (open) close();
              else {
                localInput.current?.focus();
                openList();
              }
            }}
          >
            <Icon name="chevron-down" />
          </button>
        </div>
        {p.after}
      </div>

      <div class="combobox-popup" hidden={!open} onMouseDown={(e) => e.preventDefault()}>
        {open && p.loading && p.models.length === 0 && <p class="combobox-empty">Loading models…</p>}
        {noMatch && <p class="combobox-empty">No models match “{query!.trim()}”.</p>}
        <ul class="combobox-list" role="listbox" id={listId} aria-label={p.listLabel}>
          {open &&
            options.map((o, i) => {
              const id = o.kind === 'model' ? o.model.id : o.id;
              const isSelected = o.kind === 'model' && id === p.value;
              return (
                <li
                  key={`${o.kind}:${id}`}
                  id={optionId(i)}
                  role="option"
                  aria-selected={isSelected}
                  class={`combobox-option${i === activeIndex ? ' is-active' : ''}${isSelected ? ' is-selected' : ''}`}
                  onMouseMove={() => i !== activeIndex && setActive(i)}
                  onClick={() => choose(o)}
                >
                  <span class="combobox-check" aria-hidden="true">
                    {isSelected && <Icon name="check" size={16} />}
                  </span>
                  <span class="combobox-option-body">
                    <span class="model-title">
                      <span class="model-name">
                        {o.kind === 'model' ? (
                          o.model.name
                        ) : (
                          <>
                            Use <code>{o.id}</code> as the model id
                          </>
                        )}
                      </span>
                      {o.kind === 'model' && <ModelBadges model={o.model} />}
                    </span>
                    {o.kind === 'model' ? <ModelMeta model={o.model} /> : <span class="model-meta">Not in the model list: check the spelling.</span>}
                  </span>
                </li>
              );
            })}
        </ul>
      </div>
      <span class="screen-reader-text" aria-live="polite">
        {open && !p.loading ? `${total} ${total === 1 ? 'model' : 'models'} available.` : ''}
      </span>

      {p.showSummary !== false && p.value && (
        <p class="combobox-summary" id={summaryId}>
          {selected ? (
            <>
              <ModelMeta model={selected} />
              <ModelBadges model={selected} />
            </>
          ) : (
            <span class="model-meta">
              <code class="model-id">{p.value}</code>
              {unknown && <span class="model-stats">Not in the current model list</span>}
            </span>
          )}
        </p>
      )}
    </div>
  );
}
