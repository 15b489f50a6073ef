// The insight charts, drawn with uPlot (about 50 KB, canvas, no dependencies). This module is loaded on demand,
// after the numbers: the Dashboard's first paint does not wait for the chart code. The charts are pictures of
// the numbers only: each one's caption says what it shows in words, and the table beside them has every value.
import { useEffect, useRef } from 'preact/hooks';
import uPlot, { type AlignedData, type Options } from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartSeries {
  label: string;
  values: Array<number | null>;
  /** A colour token's name, such as '--wp-blue' (see styles.css). */
  color: string;
  kind: 'line' | 'bars';
}

export interface ChartProps {
  /** UTC days, YYYY-MM-DD. */
  days: string[];
  series: ChartSeries[];
  yFormat: (v: number) => string;
  /** Fixed y range (the answered share is always 0–100 %). */
  yRange?: [number, number];
  /** Counts: ticks on whole numbers only. */
  whole?: boolean;
}

const HEIGHT = 180;
const DAY = 86_400;
const bars = uPlot.paths.bars!({ size: [0.7, 24] });
const WHOLE_STEPS = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10_000, 20_000, 50_000, 100_000, 250_000, 500_000, 1_000_000];
const shortDay = (ts: number) => new Date(ts * 1000).toLocaleDateString('en', { month: 'short', day: 'numeric', timeZone: 'UTC' });

/** The value of a colour token: the canvas cannot read CSS variables itself. */
const token = (name: string) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

/** Room above the highest value (and below the lowest, for thumbs down drawn under the line). */
function padded(min: number, max: number): [number, number] {
  return [min < 0 ? min * 1.15 : 0, max > 0 ? max * 1.15 : min < 0 ? 0 : 1];
}

function options(props: ChartProps, width: number): Options {
  const { series, yFormat, yRange, whole } = props;
  const axis = token('--wp-gray-60');
  return {
    width,
    height: HEIGHT,
    legend: { show: false },
    cursor: { show: false },
    select: { show: false, left: 0, top: 0, width: 0, height: 0 },
    // The days are UTC days: shown as such whatever the admin's time zone.
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
    // Half a day either side, so the first and last days' bars and points are not cut in half.
    scales: { x: { time: true, range: (_u, min, max) => [min - DAY / 2, max + DAY / 2] }, y: { range: yRange ?? ((_u, min, max) => padded(min, max)) } },
    axes: [
      {
        stroke: axis,
        grid: { show: false },
        ticks: { stroke: token('--wp-border') },
        font: '12px sans-serif',
        space: 56,
        incrs: [DAY, 2 * DAY, 7 * DAY, 14 * DAY, 28 * DAY],
        values: (_u, splits) => splits.map(shortDay),
      },
      {
        stroke: axis,
        grid: { stroke: token('--wp-bg') },
        ticks: { show: false },
        font: '12px sans-serif',
        size: 56,
        space: 28,
        ...(whole ? { incrs: WHOLE_STEPS } : {}),
        values: (_u, splits) => splits.map(yFormat),
      },
    ],
    series: [
      {},
      ...series.map((s) => {
        const color = token(s.color);
        return s.kind === 'bars'
          ? { label: s.label, stroke: color, fill: color, width: 0, fillTo: 0, paths: bars, points: { show: false } }
          : { label: s.label, stroke: color, width: 2, spanGaps: false, points: { show: props.days.length <= 31, size: 5, fill: color } };
      }),
    ],
  };
}

/** `spec` is made once per response: the chart is drawn again only when it changes (or its box is resized). */
export function Chart({ spec: props }: { spec: ChartProps }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);

  useEffect(() => {
    const el = box.current!;
    // A bar of 0 is no bar (uPlot would draw a hairline).
    const data: AlignedData = [
      props.days.map((d) => Date.parse(`${d}T00:00:00Z`) / 1000),
      ...props.series.map((s) => (s.kind === 'bars' ? s.values.map((v) => v || null) : s.values)),
    ];
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
