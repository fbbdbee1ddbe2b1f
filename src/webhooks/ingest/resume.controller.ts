import { All, Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiExcludeEndpoint, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiError } from '../../common/api-docs.js';
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

  @Get(':token')
  @ApiResponse({ status: 202, description: 'The execution continues', schema: { type: 'object', properties: { executionId: { type: 'string' } } } })
  @ApiError(404, 'Unknown, used or expired token')
  @ApiOperation({ summary: 'Resume a waiting execution', description: '202 `{ executionId }`; 404 for an unknown, used or expired token. The wait node outputs `{ body: {}, query }` of this request.' })
  resumeByGet(@Param('token') token: string, @Req() request: Request, @Res() response: Response): Promise<void> {
    return this.resume(token, request, response);
  }

  @Post(':token')
  @ApiBody({ required: false, description: 'Any body; the wait node outputs it as `body`', schema: { type: 'object', additionalProperties: true, example: { approved: true } } })
  @ApiResponse({ status: 202, description: 'The execution continues', schema: { type: 'object', properties: { executionId: { type: 'string' } } } })
  @ApiError(404, 'Unknown, used or expired token')
  @ApiOperation({ summary: 'Resume a waiting execution', description: '202 `{ executionId }`; 404 for an unknown, used or expired token. The wait node outputs `{ body, query }` of this request.' })
  resumeByPost(@Param('token') token: string, @Req() request: Request, @Res() response: Response): Promise<void> {
    return this.resume(token, request, response);
  }

  /** Any other method: 405 naming the two that work (undocumented: there is nothing to try). */
  @All(':token')
  @ApiExcludeEndpoint()
  otherMethod(@Res() response: Response): void {
    response.setHeader('Allow', 'GET, POST');
    response.status(405).json({ statusCode: 405, error: 'Method Not Allowed', message: 'Use GET or POST' });
  }

  private async resume(token: string, request: Request, response: Response): Promise<void> {
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
