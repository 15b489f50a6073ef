// The insight charts, drawn with uPlot (about 50 KB, canvas, no dependencies). This module is loaded on demand,
// after the numbers: the Dashboard's first paint does not wait for the chart code. The charts are pictures of
// the numbers only: each one's caption says what it shows in words, and the table beside them has every value.
import { useEffect, useRef } from 'preact/hooks';
import uPlot, { type AlignedData, type Options } from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartSeries {
  label: string;
  values: Array<number | null>;
  color: string;
  kind: 'line' | 'bars';
  /** Formats a value on the y axis. */
  format?: (v: number) => string;
}

export interface ChartProps {
  /** UTC days, YYYY-MM-DD. */
  days: string[];
  series: ChartSeries[];
  yFormat: (v: number) => string;
  /** Fixed y range (the answered share is always 0–100 %). */
  yRange?: [number, number];
}

const HEIGHT = 180;
const bars = uPlot.paths.bars!({ size: [0.7, 24] });

function options(props: ChartProps, width: number): Options {
  const { series, yFormat, yRange } = props;
  const grouped = series.filter((s) => s.kind === 'bars').length;
  return {
    width,
    height: HEIGHT,
    legend: { show: false },
    cursor: { show: false },
    select: { show: false, left: 0, top: 0, width: 0, height: 0 },
    // The days are UTC days: shown as such whatever the admin's time zone.
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
    scales: { x: { time: true }, y: yRange ? { range: yRange } : { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
    axes: [
      { stroke: '#50575e', grid: { show: false }, ticks: { stroke: '#c3c4c7' }, font: '12px sans-serif' },
      { stroke: '#50575e', grid: { stroke: '#f0f0f1' }, ticks: { show: false }, font: '12px sans-serif', size: 56,
        values: (_u, splits) => splits.map(yFormat) },
    ],
    series: [
      {},
      ...series.map((s, i) => (s.kind === 'bars'
        ? { label: s.label, stroke: s.color, fill: s.color, width: 0, paths: grouped > 1 ? uPlot.paths.bars!({ size: [0.7 / grouped, 16], align: i === 0 ? -1 : 1 }) : bars, points: { show: false } }
        : { label: s.label, stroke: s.color, width: 2, spanGaps: false, points: { show: props.days.length <= 31, size: 5, fill: s.color } })),
    ],
  };
}

export function Chart(props: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);

  useEffect(() => {
    const el = box.current!;
    const data: AlignedData = [props.days.map((d) => Date.parse(`${d}T00:00:00Z`) / 1000), ...props.series.map((s) => s.values)];
    plot.current = new uPlot(options(props, Math.max(200, el.clientWidth)), data, el);
    const resize = new ResizeObserver(() => plot.current?.setSize({ width: Math.max(200, el.clientWidth), height: HEIGHT }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
  }, [props]);

  return <div class="insight-chart-canvas" ref={box} aria-hidden="true" />;
}
