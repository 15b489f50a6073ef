// Data Training → Test retrieval: ask a question, see which chunks the chatbot would be given.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, api, errorMessage } from '../../api.js';
import { Icon } from '../../components/Icon.js';
import { Notice } from '../../components/Notice.js';
import { Spinner } from '../../components/Spinner.js';
import { StackedInput } from '../../components/StackedField.js';
import { useFields } from '../../components/useFields.js';
import { restoreFocus, revealElement, speak } from '../../components/announce.js';
import { focusById, useAfterRender } from '../../components/form-helpers.js';
import { formatNumber, plural } from '../../format.js';
import { useResource } from '../../hooks.js';
import { API, ErrorText } from './shared.js';
import type { RetrievalSettings, SearchResult } from './types.js';
import { Postbox } from '../../components/Postbox.js';
import './retrieval.css';

type Errors = Partial<Record<'question' | 'topK' | 'minMatch', string>>;

export default function RetrievalTab() {
  const settings = useResource<RetrievalSettings>(`${API}/settings`);
  const { values, setValues, setErrors, bind } = useFields({ question: '', topK: '', minMatch: '' }, (k) => `search-${k}`);
  const { question, topK, minMatch } = values;
  const [searching, setSearching] = useState(false);
  const [result, setResult] = useState<{ data: SearchResult; minMatch: number; question: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const resultsRef = useRef<HTMLDivElement>(null);
  const afterRender = useAfterRender();

  // The inputs start from the saved retrieval settings (what the chatbot uses).
  useEffect(() => {
    if (!settings.data && !settings.error) return;
    // Without the settings, the server's defaults.
    setValues((v) => ({ ...v, topK: v.topK || String(settings.data?.topK ?? 6), minMatch: v.minMatch || String(settings.data?.minMatch ?? 30) }));
  }, [settings.data, settings.error]);

  // As WordPress's searches do: focus stays in the form, the results come into view.
  function reveal() {
    restoreFocus();
    revealElement(resultsRef.current);
  }

  async function search(e: Event) {
    e.preventDefault();
    if (searching) return;
    const found: Errors = {};
    const q = question.trim();
    const k = Number(topK);
    const m = Number(minMatch);
    if (!q) found.question = 'Type a question.';
    if (!topK.trim() || !Number.isInteger(k) || k < 1 || k > 20) found.topK = 'A whole number from 1 to 20.';
    if (!minMatch.trim() || !Number.isFinite(m) || m < 0 || m > 100) found.minMatch = 'A percentage from 0 to 100.';
    setErrors(found);
    if (Object.keys(found).length) {
      document.getElementById(`search-${Object.keys(found)[0]}`)?.focus();
      return;
    }
    setSearching(true);
    setError(null);
    try {
      const data = await api.post<SearchResult>(`${API}/search`, { question: q, topK: k, minMatch: m });
      setResult({ data, minMatch: m, question: q });
      // The count is read out.
      speak(
        data.model === null
          ? 'Nothing is trained yet, so there is nothing to search.'
          : data.chunks.length
            ? `${plural(data.chunks.length, 'chunk')} found.`
            : `No results: nothing passed the minimum match of ${formatNumber(m)}%.`,
      );
      afterRender(reveal);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return;
      const fields = err instanceof ApiError ? (err.fields as Errors) : {};
      const message = errorMessage(err);
      if (Object.keys(fields).length) setErrors(fields);
      setError(message);
      speak(`The search failed. ${message}`, 'assertive');
      const first = (['question', 'topK', 'minMatch'] as const).find((k) => fields[k]);
      afterRender(first ? () => focusById(`search-${first}`) : reveal);
      setResult(null);
    } finally {
      setSearching(false);
    }
  }

  const saved = settings.data;
  return (
    <div class="retrieval-tab">
      <Postbox id="retrieval-title" title="Test retrieval">
        <p class="description">
          Ask what a visitor might ask. You see the chunks (short passages of your content) the chatbot would read before answering, best first, and how well
          each matches the meaning of the question.
        </p>
        <form class="search-form" onSubmit={search} noValidate role="search" aria-label="Test retrieval">
          <StackedInput label="Question" {...bind('question')} class="search-question" placeholder="How long does shipping take?" />
          <StackedInput label="Chunks per answer" {...bind('topK')} type="number" inputClass="small-number" min={1} max={20} help="At most, best first" />
          <StackedInput
            label="Minimum match (%)"
            {...bind('minMatch')}
            type="number"
            inputClass="small-number"
            min={0}
            max={100}
            step="any"
            help="Weaker matches are left out"
          />
          <div class="field search-submit">
            <button type="submit" class="button button-primary" disabled={searching}>
              <Icon name="search" size={16} />
              Search
            </button>
          </div>
        </form>
        {saved && (
          <p class="description">
            The fields start from what the chatbot uses: {plural(saved.topK, 'chunk')} per answer, minimum match {formatNumber(saved.minMatch)}%. Changing them
            here only tests; to change the chatbot, use the <a href="/admin/chatbot">Chatbot</a> screen.
          </p>
        )}
        {settings.error && (
          <Notice type="error" inline>
            <p>Could not load the retrieval settings: {settings.error}</p>
          </Notice>
        )}
      </Postbox>

      <div class="search-results" ref={resultsRef} aria-busy={searching}>
        {searching && <Spinner label="Searching…" />}
        {error && !searching && (
          <Notice type="error" live={false}>
            <p>
              <strong>The search failed.</strong> <ErrorText message={error} />
            </p>
          </Notice>
        )}
        {result && !searching && <Results result={result} />}
      </div>
    </div>
  );
}

function Results({ result }: { result: { data: SearchResult; minMatch: number; question: string } }) {
  const { data, minMatch } = result;
  if (data.model === null) {
    return (
      <Notice type="info" live={false}>
        <p>
          Nothing is trained yet, so there is nothing to search. <a href="/admin/training">Add content</a>, then{' '}
          <a href="/admin/training?tab=training">start training</a>.
        </p>
      </Notice>
    );
  }
  if (data.chunks.length === 0) {
    return (
      <Notice type="warning" class="search-empty" live={false}>
        <p>
          <strong>No results.</strong> Nothing passed the minimum match of {formatNumber(minMatch)}%. Lower it or add content.
        </p>
      </Notice>
    );
  }
  return (
    <Postbox
      id="results-title"
      title={
        <>
          {plural(data.chunks.length, 'chunk')} for “{result.question}”
        </>
      }
    >
      <p class="description search-meta">
        Embedded with <code>{data.model}</code> in {Math.round(data.embedMs)} ms
        {data.queryTokens > 0 ? ` (${plural(data.queryTokens, 'token')})` : ' (from the cache)'}; searched in {Math.round(data.searchMs)} ms.
      </p>
      <p class="description">
        Match: how closely the chunk's meaning matches the question. Its place among the chunks found by meaning and among those sharing the most words with the
        question decide the order.
      </p>
      <ol class="result-list">
        {data.chunks.map((c, i) => (
          <li key={c.chunkId} class="result">
            <div class="result-head">
              <span class="result-rank" aria-label={`Rank ${i + 1}`}>
                {i + 1}
              </span>
              <div class="result-title-wrap">
                <h3 class="result-title">
                  {c.url ? (
                    <a href={c.url} target="_blank" rel="noopener noreferrer">
                      {c.title}
                      <Icon name="external" size={12} class="icon-external" />
                      <span class="screen-reader-text"> (opens in a new tab)</span>
                    </a>
                  ) : (
                    c.title
                  )}
                </h3>
                {c.headingPath && c.headingPath !== c.title && <p class="result-path">{c.headingPath}</p>}
              </div>
              <div class="result-scores">
                <span class="match">
                  <span class="match-bar" aria-hidden="true">
                    <span style={{ width: `${Math.max(0, Math.min(100, c.matchPercent))}%` }} />
                  </span>
                  <strong>{c.matchPercent.toFixed(1)}%</strong> match
                </span>
                <span class="ranks">
                  By meaning {c.vectorRank != null ? `#${c.vectorRank}` : '–'} · By words {c.keywordRank != null ? `#${c.keywordRank}` : '–'}
                </span>
              </div>
            </div>
            {/* Plain text on purpose: page content is never rendered as HTML here. */}
            <p class="result-content">{c.content}</p>
          </li>
        ))}
      </ol>
    </Postbox>
  );
}
