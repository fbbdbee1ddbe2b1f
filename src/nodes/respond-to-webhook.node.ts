import { Injectable } from '@nestjs/common';
import type { NodeExecutor, NodeOutcome, NodeRunContext, WebhookResponse } from './node-executor.js';
import { MAX_ANSWER_STATUS, MIN_ANSWER_STATUS, RESPONSE_FORMATS, reservedHeaderErrors, respondToWebhookDescription, type ResponseFormat } from './respond-to-webhook.description.js';

const TEXT_TYPE = 'text/plain; charset=utf-8';
const JSON_TYPE = 'application/json; charset=utf-8';

/** Answers the waiting webhook caller at once (responseMode responseNode); the execution goes on. */
@Injectable()
export class RespondToWebhookNode implements NodeExecutor {
  readonly description = respondToWebhookDescription;

  async execute({ parameters, input, respond }: NodeRunContext): Promise<NodeOutcome> {
    const answer = buildAnswer(parameters, input);
    if (typeof answer === 'string') return { kind: 'failed', error: answer, errorKind: 'input' };
    respond(answer);
    return { kind: 'success', output: input };
  }
}

/**
 * The answer the parameters describe (expressions resolved), or why it cannot be sent. Checked here
 * at run time as well as when the workflow is saved: an expression can yield anything.
 *
 * `responseFormat` `auto` (default): a string is sent as it is (a verification challenge), anything
 * else as JSON; `json`: always JSON (a string is quoted); `text`: a string as it is, anything else
 * as its JSON text. The Content-Type is the node's own, else text/plain or application/json.
 */
export function buildAnswer(parameters: Record<string, unknown>, input: unknown): WebhookResponse | string {
  const statusCode = parameters.statusCode === undefined || parameters.statusCode === null ? 200 : Number(parameters.statusCode);
  if (!Number.isInteger(statusCode) || statusCode < MIN_ANSWER_STATUS || statusCode > MAX_ANSWER_STATUS) {
    return `parameter "statusCode" must be an HTTP status code from ${MIN_ANSWER_STATUS} to ${MAX_ANSWER_STATUS}, got ${describe(parameters.statusCode)}`;
  }
  const format = (parameters.responseFormat ?? 'auto') as ResponseFormat;
  if (!RESPONSE_FORMATS.includes(format)) return `parameter "responseFormat" must be one of ${RESPONSE_FORMATS.join(', ')}`;
  const given = parameters.headers ?? {};
  if (typeof given !== 'object' || Array.isArray(given)) return 'parameter "headers" must be an object';
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(given)) if (value !== undefined && value !== null) headers[name] = String(value);
  const refused = reservedHeaderErrors(Object.keys(headers));
  if (refused.length) return refused.join('; ');

  const body = parameters.body === undefined ? input : parameters.body;
  const asText = format === 'text' || (format === 'auto' && typeof body === 'string');
  if (!Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')) headers['content-type'] = asText ? TEXT_TYPE : JSON_TYPE;
  if (!asText) return { statusCode, headers, body, format: 'json' };
  return { statusCode, headers, body: typeof body === 'string' ? body : (JSON.stringify(body) ?? ''), format: 'text' };
}

function describe(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
