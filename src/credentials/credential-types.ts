/**
 * The credential types of docs/security.md and the fields each one's secret data holds. Every field is a
 * required, non-empty string; node types and webhook authentication name these types.
 */
export const CREDENTIAL_TYPES = {
  resend: { description: 'Resend API key, used by the sendEmail node', fields: ['apiKey'] },
  telegram: { description: 'Telegram bot token, used by the sendTelegram node', fields: ['botToken'] },
  httpHeaderAuth: { description: 'A header name and value: httpRequest authentication, or `header` webhook authentication', fields: ['name', 'value'] },
  httpBasicAuth: { description: 'HTTP Basic user and password: httpRequest authentication, or `basic` webhook authentication', fields: ['username', 'password'] },
  httpBearerAuth: { description: 'A bearer token for httpRequest authentication', fields: ['token'] },
  webhookSecret: { description: 'The shared secret of `hmac` webhook authentication', fields: ['secret'] },
} as const satisfies Record<string, { description: string; fields: readonly string[] }>;

export type CredentialType = keyof typeof CREDENTIAL_TYPES;

export const CREDENTIAL_TYPE_NAMES = Object.keys(CREDENTIAL_TYPES) as CredentialType[];

/** The decrypted secret of a credential: field name → value. */
export type CredentialData = Record<string, string>;

/** Guards against pasting a whole file by mistake; real keys and tokens are far shorter. */
const MAX_FIELD_LENGTH = 16_384;

export const isCredentialType = (type: string): type is CredentialType => Object.hasOwn(CREDENTIAL_TYPES, type);

/**
 * Checks `data` against its type's fields; returns one message per problem (empty when valid).
 * Messages name fields, never values: the values are secrets.
 */
export function credentialDataProblems(type: CredentialType, data: Record<string, unknown>): string[] {
  const expected: readonly string[] = CREDENTIAL_TYPES[type].fields;
  const given = Object.keys(data);
  const problems: string[] = [];
  const unknown = given.filter((field) => !expected.includes(field));
  if (unknown.length) problems.push(`data has unknown fields for type ${type}: ${unknown.join(', ')} (expected ${expected.join(', ')})`);
  const missing = expected.filter((field) => !Object.hasOwn(data, field));
  if (missing.length) problems.push(`data is missing required fields for type ${type}: ${missing.join(', ')}`);
  for (const field of expected) {
    if (!Object.hasOwn(data, field)) continue;
    const value = data[field];
    if (typeof value !== 'string' || value.length === 0) problems.push(`data.${field} must be a non-empty string`);
    else if (value.length > MAX_FIELD_LENGTH) problems.push(`data.${field} must be at most ${MAX_FIELD_LENGTH} characters`);
  }
  return problems;
}
