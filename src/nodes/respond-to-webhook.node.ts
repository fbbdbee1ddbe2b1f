import { Injectable } from '@nestjs/common';
import type { NodeExecutor, NodeOutcome, NodeRunContext } from './node-executor.js';
import { respondToWebhookDescription } from './respond-to-webhook.description.js';

/** Answers the waiting webhook caller at once (responseMode responseNode); the execution goes on. */
@Injectable()
export class RespondToWebhookNode implements NodeExecutor {
  readonly description = respondToWebhookDescription;

  async execute({ parameters, input, respond }: NodeRunContext): Promise<NodeOutcome> {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries((parameters.headers as Record<string, unknown>) ?? {})) headers[name] = String(value);
    const statusCode = parameters.statusCode === undefined ? 200 : Number(parameters.statusCode);
    if (!Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) return { kind: 'failed', error: 'parameter "statusCode" must be an HTTP status code' };
    respond({ statusCode, headers, body: parameters.body === undefined ? input : parameters.body });
    return { kind: 'success', output: input };
  }
}
