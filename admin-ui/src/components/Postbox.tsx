import type { ComponentChildren } from 'preact';

interface Props {
  /** The title's id: the box is labelled by its title, and tests and links find the box by it. */
  id: string;
  title: ComponentChildren;
  /** h2 for a box of the page; h3 for a box inside an area with its own h2. */
  level?: 2 | 3;
  /** More classes for the box, beside `postbox`. */
  class?: string;
  /** Buttons or links on the title row. */
  actions?: ComponentChildren;
  /** The body's classes (`inside`, the padded body, by default); `null` places the children as they are: a form or a
   *  list that is the body itself. */
  body?: string | null;
  children?: ComponentChildren;
}

/** A WordPress postbox: a white box with a title bar, labelled by its title for screen readers. */
export function Postbox({ id, title, level = 2, class: extra, actions, body = 'inside', children }: Props) {
  const Heading = level === 2 ? 'h2' : 'h3';
  const heading = (
    <Heading class="postbox-title" id={id}>
      {title}
    </Heading>
  );
  return (
    <section class={extra ? `postbox ${extra}` : 'postbox'} aria-labelledby={id}>
      {actions ? (
        <div class="postbox-header">
          {heading}
          {actions}
        </div>
      ) : (
        heading
      )}
      {body === null ? children : <div class={body}>{children}</div>}
    </section>
  );
}
