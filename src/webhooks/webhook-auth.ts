import type { CredentialType } from '../credentials/credential-types.js';
import type { HmacPreset, WebhookAuthType, WebhookAuthentication } from './webhook.types.js';

export const HMAC_ALGORITHMS = ['sha1', 'sha256', 'sha512'] as const;
export const SIGNATURE_ENCODINGS = ['hex', 'base64'] as const;
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** The credential type each authentication type checks requests against (docs/webhooks.md). */
export const CREDENTIAL_TYPE_FOR_AUTH: Record<Exclude<WebhookAuthType, 'none'>, CredentialType> = {
  header: 'httpHeaderAuth',
  basic: 'httpBasicAuth',
  hmac: 'webhookSecret',
};

/** Presets whose signature covers a timestamp, so clock skew is bounded by toleranceSeconds. */
const TIMESTAMPED_PRESETS: readonly HmacPreset[] = ['standardWebhooks', 'stripe'];

type Field = Exclude<keyof WebhookAuthentication, 'type'>;

/** What each type (and hmac preset) needs, and what it can take. */
function fieldsFor(type: WebhookAuthType, preset: HmacPreset | undefined): { required: Field[]; allowed: Field[] } {
  if (type === 'none') return { required: [], allowed: [] };
  if (type !== 'hmac') return { required: ['credentialId'], allowed: ['credentialId'] };
  const required: Field[] = ['credentialId', 'preset'];
  const allowed: Field[] = ['credentialId', 'preset'];
  if (preset === 'generic') {
    required.push('headerName', 'algorithm', 'encoding');
    allowed.push('headerName', 'algorithm', 'encoding');
  }
  if (preset && TIMESTAMPED_PRESETS.includes(preset)) allowed.push('toleranceSeconds');
  return { required, allowed };
}

/**
 * Cross-field rules the DTO's per-field checks cannot express: which fields a type needs, and that
 * no field is set that the type would ignore (a silently ignored setting hides a mistake). Returns
 * the object to store, with defaults filled in, or the problems found.
 */
export function normalizeAuthentication(input: WebhookAuthentication): { authentication: WebhookAuthentication; problems: string[] } {
  const { required, allowed } = fieldsFor(input.type, input.preset);
  const given = (Object.keys(input) as (keyof WebhookAuthentication)[]).filter((field) => field !== 'type' && input[field] !== undefined && input[field] !== null);
  const context = input.type === 'hmac' && input.preset ? `type hmac with preset ${input.preset}` : `type ${input.type}`;
  const problems = [
    ...required.filter((field) => !given.includes(field)).map((field) => `authentication.${field} is required for ${context}`),
    ...given.filter((field) => !(allowed as string[]).includes(field)).map((field) => `authentication.${field} does not apply to ${context}`),
  ];
  const authentication: WebhookAuthentication = { type: input.type };
  for (const field of allowed) if (input[field] !== undefined && input[field] !== null) Object.assign(authentication, { [field]: input[field] });
  if (allowed.includes('toleranceSeconds')) authentication.toleranceSeconds ??= DEFAULT_TOLERANCE_SECONDS;
  return { authentication, problems };
}
