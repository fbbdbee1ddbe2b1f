import type { ElementRecord } from './execution.types.js';
import { escapeHtml } from './execution-view.renderer.js';

/** Elements listed in the page; GET /executions/:id has them all. */
const MAX_ELEMENTS_SHOWN = 500;
/** Characters of one element's output shown. */
const MAX_ELEMENT_JSON_CHARS = 2_000;

/**
 * A forEach node's elements (docs/lists-and-subworkflows.md) as a collapsible list: index, status, attempts, error and
 * output of each. Plain HTML, every value escaped, no scripts.
 */
export function renderElements(elements: ElementRecord[] | undefined): string {
  if (!elements) return '';
  const failed = elements.filter((element) => element.status === 'FAILED').length;
  const canceled = elements.filter((element) => element.status === 'CANCELED').length;
  const summary = `Elements: ${elements.length}${failed ? `, ${failed} failed` : ''}${canceled ? `, ${canceled} canceled` : ''}`;
  const shown = elements.slice(0, MAX_ELEMENTS_SHOWN).map(renderElement).join('\n');
  const more = elements.length > MAX_ELEMENTS_SHOWN ? `<li class="muted">${elements.length - MAX_ELEMENTS_SHOWN} more; GET /executions/:id has them all</li>` : '';
  return `<details class="elements"><summary>${escapeHtml(summary)}</summary><ol class="elements">\n${shown}${more}</ol></details>`;
}

function renderElement(element: ElementRecord): string {
  let output = element.output === null || element.output === undefined ? '' : (JSON.stringify(element.output) ?? '');
  if (output.length > MAX_ELEMENT_JSON_CHARS) output = `${output.slice(0, MAX_ELEMENT_JSON_CHARS)}…`;
  return `<li class="element"><span class="muted">[${escapeHtml(element.index)}]</span> <span class="badge">${escapeHtml(element.status)}</span> attempts: ${escapeHtml(element.attempts)}${
    element.error ? `<pre class="error">${escapeHtml(element.error)}</pre>` : ''
  }${output ? `<pre class="json">${escapeHtml(output)}</pre>` : ''}</li>`;
}
