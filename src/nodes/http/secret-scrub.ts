import { encodedForms, MIN_SECRET_LENGTH, REDACTED } from '../../common/redaction.js';

/**
 * Removes credential values from what a node returns or reports (docs/security.md): a target may echo the
 * Authorization header back, an error may quote a URL with a bot token in it. Nodes scrub their own
 * output and errors because only they know which values came from a credential.
 */

/** Every form of the secrets (encodedForms), longest first, so a form holding another is replaced whole. */
export function secretForms(values: Iterable<string | undefined>): string[] {
  const forms = new Set<string>();
  for (const value of values) {
    if (!value || value.length < MIN_SECRET_LENGTH) continue;
    for (const form of encodedForms(value)) if (form.length >= MIN_SECRET_LENGTH) forms.add(form);
  }
  return [...forms].sort((a, b) => b.length - a.length);
}

export function scrubText(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  return out;
}

/** Deep copy of a JSON value with every string (keys included) scrubbed. */
export function scrubValue<T>(value: T, secrets: readonly string[]): T {
  if (secrets.length === 0) return value;
  const walk = (item: unknown): unknown => {
    if (typeof item === 'string') return scrubText(item, secrets);
    if (Array.isArray(item)) return item.map(walk);
    if (item !== null && typeof item === 'object') {
      return Object.fromEntries(Object.entries(item).map(([key, child]) => [scrubText(key, secrets), walk(child)]));
    }
    return item;
  };
  return walk(value) as T;
}
