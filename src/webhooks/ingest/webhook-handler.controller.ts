import { All, Controller, Param, ParseUUIDPipe, Req, Res } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiError, ApiRunAnswers } from '../../common/api-docs.js';
import type { Request, Response } from 'express';
import { Public } from '../../common/auth.decorators.js';
import { WebhookIngestService } from './webhook-ingest.service.js';

const JSON_TYPE = 'application/json; charset=utf-8';

/** The public entry point webhook senders POST to (docs/webhooks.md). */
@ApiTags('webhooks (public)')
@Public()
@Controller('webhook')
export class WebhookHandlerController {
  constructor(private readonly ingest: WebhookIngestService) {}

  @All('handler/:id')
  @ApiBody({
    required: false,
    description: 'Any body: JSON, a form, text or bytes, as the sender sends it (Swagger UI sends JSON). The trigger node sees it as `$trigger.body`.',
    schema: { type: 'object', additionalProperties: true, example: { email: 'ada@example.com', score: 95 } },
  })
  @ApiRunAnswers('The last node output (responseMode lastNode), or `{ executionId, status, duplicate: true }` for an idempotency key seen before')
  @ApiError(400, 'The body does not parse as its Content-Type says, or misses a field the trigger requires')
  @ApiError(401, 'The webhook authentication (header, basic, hmac) failed')
  @ApiError(404, 'No such webhook, or it or its workflow is not active (the message says which, and how to activate it)')
  @ApiError(405)
  @ApiError(413)
  @ApiError(429)
  @ApiError(503)
  @ApiOperation({
    summary: 'Trigger a workflow',
    description:
      'Any method the webhook registers. 202 `{ executionId, status }` once the execution is committed (onReceived), or the last node output (lastNode). A workflow of pure nodes (no outside calls, no retries, no concurrency limit) runs before the commit, so its execution is already finished when the answer arrives. 200 `{ duplicate: true }` for a known idempotency key. A `HEAD` to a GET webhook (a link prefetcher) answers 200 and runs nothing. Every answer carries `Content-Security-Policy: sandbox` and `X-Content-Type-Options: nosniff`: it is content a workflow chose (docs/security.md). 400 bad body (a NUL character included), 401 auth, 404 unknown or inactive, 405 wrong method, 413 too large, 429 rate limited, 503 database down.',
  })
  async handle(@Param('id', new ParseUUIDPipe({ errorHttpStatusCode: 404 })) id: string, @Req() request: Request, @Res() response: Response): Promise<void> {
    const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const answer = await this.ingest.ingest({ webhookId: id, method: request.method, raw, headers: request.headers, query: request.query as Record<string, unknown> });
    for (const [name, value] of Object.entries(answer.headers ?? {})) response.setHeader(name, value);
    if (!response.getHeader('content-type')) response.setHeader('content-type', JSON_TYPE);
    // Bytes, as the fast path writes them: Express would add a charset to a Content-Type a
    // respondToWebhook node set (`text/plain` answered as `text/plain; charset=utf-8`).
    const text = answer.text ?? (answer.body === undefined ? '' : JSON.stringify(answer.body));
    response.status(answer.status).send(Buffer.from(text));
  }
}

