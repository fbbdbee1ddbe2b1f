import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { EXTRA_TRIES, MAX_INTERNAL_WAIT_MS, postJson, retryAfterMs, waitOrAbort, type JsonApiResponse } from './http/json-api.js';
import { excerpt } from './http/response-body.js';
import { secretForms, scrubText } from './http/secret-scrub.js';
import { errorKindOf, errorKindOfStatus, NodeInputError, type NodeExecutor, type NodeOutcome, type NodeRunContext } from './node-executor.js';
import { sendEmailDescription } from './send-email.description.js';

/** Waits when Resend gives no Retry-After: short, since the idempotency key makes a resend harmless. */
const FALLBACK_WAITS_MS = [500, 1500];

class EmailParameterError extends NodeInputError {}

/** Splits on commas outside quotes, so `"Doe, Jane" <jane@example.com>` stays one address. */
function addressList(value: unknown, name: string): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  const items = Array.isArray(value) ? value : [value];
  const out: string[] = [];
  for (const item of items) {
    if (typeof item !== 'string') throw new EmailParameterError(`parameter "${name}" must be a string or a list of strings`);
    for (const part of item.split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/)) if (part.trim()) out.push(part.trim());
  }
  return out;
}

function text(value: unknown, name: string, required: boolean): string | undefined {
  if (value === undefined || value === null) {
    if (required) throw new EmailParameterError(`parameter "${name}" is required`);
    return undefined;
  }
  if (typeof value !== 'string') throw new EmailParameterError(`parameter "${name}" must be a string`);
  if (required && value.trim() === '') throw new EmailParameterError(`parameter "${name}" must not be empty`);
  return value;
}

/** Resend's `POST /emails` payload from the node's resolved parameters. */
export function emailPayload(parameters: Record<string, unknown>): Record<string, unknown> {
  const to = addressList(parameters.toEmail, 'toEmail');
  if (!to?.length) throw new EmailParameterError('parameter "toEmail" has no address');
  const payload = {
    from: text(parameters.fromEmail, 'fromEmail', true),
    to,
    subject: text(parameters.subject, 'subject', true),
    text: text(parameters.body, 'body', false),
    html: text(parameters.html, 'html', false),
    cc: addressList(parameters.cc, 'cc'),
    bcc: addressList(parameters.bcc, 'bcc'),
    reply_to: addressList(parameters.replyTo, 'replyTo'),
  };
  if (payload.text === undefined && payload.html === undefined) throw new EmailParameterError('parameter "body" or "html" is required');
  return Object.fromEntries(Object.entries(payload).filter(([, value]) => value !== undefined && !(Array.isArray(value) && value.length === 0)));
}

/** Resend answers errors as `{ statusCode, message, name }`. */
function describeError(response: JsonApiResponse): string {
  const body = response.json as { message?: unknown; name?: unknown } | null;
  const name = typeof body?.name === 'string' ? ` (${body.name})` : '';
  const message = typeof body?.message === 'string' ? body.message : excerpt(response.text) || 'no details';
  return `Resend API error ${response.status}${name}: ${message}`;
}

/**
 * docs/nodes.md `sendEmail` through Resend. The Idempotency-Key (execution id + node id, + index under forEach) is the same on
 * every try of this node, so neither the internal retries below nor the engine's retryOnFail nor a
 * recovery replay (docs/executions.md) can mail twice.
 */
@Injectable()
export class SendEmailNode implements NodeExecutor {
  readonly description = sendEmailDescription;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async execute(context: NodeRunContext): Promise<NodeOutcome> {
    let secrets: string[] = [];
    try {
      const payload = emailPayload(context.parameters);
      const { apiKey } = await context.credential('resend');
      secrets = secretForms([apiKey]);
      const headers = { authorization: `Bearer ${apiKey}`, 'idempotency-key': idempotencyKey(context) };
      for (let tryNumber = 0; ; tryNumber++) {
        const response = await postJson(`${this.config.resendApiUrl}/emails`, headers, payload, context.signal);
        const id = (response.json as { id?: unknown } | null)?.id;
        if (response.status < 300 && typeof id === 'string') return { kind: 'success', output: { id } };
        if (response.status < 300) return { kind: 'failed', error: `Resend API answered ${response.status} without an e-mail id`, errorKind: 'outside' };
        const retryable = response.status === 429 || response.status >= 500;
        const wait = retryAfterMs(response.headers['retry-after']) ?? FALLBACK_WAITS_MS[tryNumber] ?? 0;
        if (!retryable || tryNumber >= EXTRA_TRIES || wait > MAX_INTERNAL_WAIT_MS) {
          return { kind: 'failed', error: scrubText(describeError(response), secrets), errorKind: errorKindOfStatus(response.status) };
        }
        await waitOrAbort(wait, context.signal);
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { kind: 'failed', error: scrubText(error instanceof EmailParameterError ? message : `Resend request failed: ${message}`, secrets), errorKind: errorKindOf(error) };
    }
  }
}

/** Execution + node, and the element under forEach: a retried try or a recovered run never mails twice. */
export function idempotencyKey(context: NodeRunContext): string {
  const key = `${context.executionId}:${context.node.id}`;
  return context.index === undefined ? key : `${key}:${context.index}`;
}
