// Dashboard → Insights: what visitors asked and how it went, over the last 7, 30 or 90 UTC days.
// GET /api/admin/dashboard/insights?days=…; each list downloads as CSV from …/insights/export.csv.
// The numbers and lists come first; the chart code (uPlot) is loaded on demand and draws when it arrives.
import { LoadError } from '../../components/PageLoadState.js';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { useResource } from '../../hooks.js';
import { Spinner } from '../../components/Spinner.js';
import type { InsightRange, InsightsBody } from '../../../../server/dashboard/schemas.js';
import { ChartBox, DailyTable } from './InsightCharts.js';
import { Lists } from './InsightLists.js';
import { RANGES, chartSpecs, dayLabel, summaries, type ChartModule } from './insights-data.js';
import './insights.css';

export function InsightsArea() {
  const [days, setDays] = useState<InsightRange>(30);
  const insights = useResource<InsightsBody>(`/api/admin/dashboard/insights?days=${days}`);
  const [charts, setCharts] = useState<ChartModule | null>(null);
  useEffect(() => {
    // A chart module that fails to load leaves the captions and the table, which say the same.
    import('./charts.js').then(setCharts, () => undefined);
  }, []);

  const { data, error, loading, reload } = insights;
  // While another range loads, the numbers shown are still the previous range's: so are the words.
  const period = `the last ${data?.range.days ?? days} days`;
  const text = data && summaries(data, period);
  const specs = useMemo(() => (data ? chartSpecs(data) : null), [data]);

  return (
    <section class="insights" aria-labelledby="insights-title" aria-busy={loading}>
      <div class="insights-head">
        <h2 id="insights-title">Insights</h2>
        <fieldset class="segmented">
          <legend class="screen-reader-text">Period</legend>
          {RANGES.map((r) => (
            <label key={r}>
              <input type="radio" name="insights-days" value={r} checked={days === r} onChange={() => setDays(r)} />
              <span>{r} days</span>
            </label>
          ))}
        </fieldset>
        <p class="insights-status" role="status">
          {loading ? <Spinner label={`Loading the last ${days} days…`} /> : data ? `${dayLabel(data.range.from)} – ${dayLabel(data.range.to)}, UTC days` : ''}
        </p>
      </div>
      {error && <LoadError text="Could not load the insights" error={error} onRetry={reload} inline />}
      {data && text && (
        <>
          <div class="insight-charts">
            {specs!.map((spec) => (
              <ChartBox key={spec.id} {...spec} summary={text[spec.summary]} charts={charts} />
            ))}
          </div>
          <DailyTable data={data} />
          <Lists data={data} period={period} />
        </>
      )}
    </section>
  );
}
