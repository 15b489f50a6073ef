import type { ComponentChildren } from 'preact';

/** One term and its value in a facts list (`<dl>`): "Messages 12", "Model openai/gpt-5.4-mini". */
export function Fact({ term, title, children }: { term: ComponentChildren; title?: string; children: ComponentChildren }) {
  return (
    <div>
      <dt>{term}</dt>
      <dd title={title}>{children}</dd>
    </div>
  );
}
