import type { ComponentChildren } from 'preact';
import './Tiles.css';

export interface Tile {
  term: string;
  value: ComponentChildren;
  class?: string;
}

/** Numbers in a row of small boxes, each with its name above it (a `dl`): a job's counters, the knowledge base's totals. */
export function Tiles({ tiles, class: extra }: { tiles: Tile[]; class?: string }) {
  return (
    <dl class={extra ? `tiles ${extra}` : 'tiles'}>
      {tiles.map((t) => (
        <div key={t.term} class={t.class}>
          <dt>{t.term}</dt>
          <dd>{t.value}</dd>
        </div>
      ))}
    </dl>
  );
}
