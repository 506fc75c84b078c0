import type { ComponentChildren } from "preact";

interface Props<T> {
  id: string;
  label: string;
  items: readonly T[];
  active: number;
  empty?: string;
  keyOf: (item: T) => string;
  render: (item: T) => ComponentChildren;
  onPick: (item: T) => void;
}

/** The composer's suggestion list (canned responses, teammates); the textarea keeps focus. */
export function Picker<T>({ id, label, items, active, empty, keyOf, render, onPick }: Props<T>) {
  return (
    <ul class="picker" id={id} role="listbox" aria-label={label}>
      {items.length === 0 && empty !== undefined && <li class="picker-empty muted">{empty}</li>}
      {items.map((item, i) => (
        <li
          key={keyOf(item)}
          id={`${id}-${i}`}
          role="option"
          aria-selected={i === active}
          // mousedown, not click: the textarea must not lose focus (and its caret) first
          onMouseDown={(e) => {
            e.preventDefault();
            onPick(item);
          }}
        >
          {render(item)}
        </li>
      ))}
    </ul>
  );
}
