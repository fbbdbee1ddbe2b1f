import { All, Controller, Param, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { notFound } from '../../common/app-error.js';
import { Public } from '../../common/auth.decorators.js';
import { ExecutionQueue } from '../../engine/execution-queue.js';
import { ResumeTokens } from '../../engine/resume-tokens.js';
import { ExecutionsRepository } from '../../executions/executions.repository.js';
import { toJsonb } from '../../executions/node-records.js';
import { parseBody } from './incoming-request.js';

/** `GET|POST /webhook/resume/:token`: continues an execution paused at a resume-mode wait node. */
@ApiTags('webhooks (public)')
@Public()
@Controller('webhook/resume')
export class ResumeController {
  constructor(
    private readonly tokens: ResumeTokens,
    private readonly executions: ExecutionsRepository,
    private readonly queue: ExecutionQueue,
  ) {}

  @All(':token')
  @ApiOperation({
    summary: 'Resume a waiting execution',
    description: 'GET or POST. 202 `{ executionId }`; 404 for an unknown, used or expired token. The wait node outputs `{ body, query }` of this request.',
  })
  async resume(@Param('token') token: string, @Req() request: Request, @Res() response: Response): Promise<void> {
    if (request.method !== 'GET' && request.method !== 'POST') {
      response.setHeader('Allow', 'GET, POST');
      response.status(405).json({ statusCode: 405, error: 'Method Not Allowed', message: 'Use GET or POST' });
      return;
    }
    const target = this.tokens.verify(token);
    if (!target) throw notFound('Resume token');
    const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const contentType = request.headers['content-type'];
    const body = parseBody(raw, Array.isArray(contentType) ? contentType[0] : contentType);
    const woken = await this.executions.resume(target.executionId, target.nodeName, toJsonb({ body, query: { ...request.query } }));
    if (!woken) throw notFound('Resume token');
    this.queue.enqueue([{ id: target.executionId, workflowId: woken.workflowId }]);
    response.status(202).json({ executionId: target.executionId });
  }
}
