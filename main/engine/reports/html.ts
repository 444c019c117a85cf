// A tagged template for HTML in which every interpolated value is escaped unless it is already HTML
// built by this same template: text from the machine under suspicion can never become markup.

import { visibleText } from '../terminal-text';

const HTML = Symbol('html');

export interface SafeHtml {
  readonly [HTML]: true;
  readonly value: string;
}

/** Markup-safe, and with control and bidirectional characters shown by their code (they could reorder what is read). */
export function escapeHtml(text: string): string {
  return visibleText(text).replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`);
}

function isSafe(value: unknown): value is SafeHtml {
  return typeof value === 'object' && value !== null && (value as SafeHtml)[HTML] === true;
}

function render(value: unknown): string {
  if (value === undefined || value === null || value === false) return '';
  if (Array.isArray(value)) return value.map(render).join('');
  if (isSafe(value)) return value.value;
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? '');
  });
  return { [HTML]: true, value: out };
}

/** Markup this module generated itself (the inline SVG chart, the style sheet). */
export function trusted(markup: string): SafeHtml {
  return { [HTML]: true, value: markup };
}
