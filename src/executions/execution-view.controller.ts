import { Controller, Get, Param, ParseUUIDPipe, Res } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiRoute } from '../common/api-docs.js';
import { CurrentPrincipal, type Principal } from '../common/principal.js';
import { toExecutionDto } from './dto/execution.dto.js';
import { EXECUTION_VIEW_CSP, renderExecutionView } from './execution-view.renderer.js';
import { ExecutionService } from './execution.service.js';

/**
 * A readable page of one execution for the admin team. It sits behind the same bearer key as the
 * JSON API (keys never go in URLs), so it is opened from Swagger UI's "Try it out" or by a client
 * that sets the Authorization header.
 */
@ApiTags('executions')
@Controller('executions')
export class ExecutionViewController {
  constructor(private readonly executions: ExecutionService) {}

  @Get(':id/view')
  @ApiProduces('text/html')
  @ApiOkResponse({ description: 'An HTML page: the execution header and a timeline of its nodes', content: { 'text/html': { schema: { type: 'string' } } } })
  @ApiRoute({
    summary: 'One execution as a readable HTML page',
    description:
      'Server-rendered, script-free HTML of GET /executions/:id: status, mode, timings, retryOf and error, then every node in the order it started with its status, attempts, timing, error and collapsible input/output. Needs `Authorization: Bearer <api key>` like every admin route.',
    errors: [400, 404],
  })
  async view(@Param('id', ParseUUIDPipe) id: string, @CurrentPrincipal() principal: Principal, @Res({ passthrough: true }) response: Response): Promise<string> {
    const html = renderExecutionView(toExecutionDto(await this.executions.getExecution(id, principal)));
    // Set here rather than with @Header, which Nest applies before the handler runs: a 404 must
    // stay a JSON error with a JSON content type.
    response.setHeader('Content-Type', 'text/html; charset=utf-8');
    // Execution data is outside data: even if some of it slipped past escaping, nothing could run.
    response.setHeader('Content-Security-Policy', EXECUTION_VIEW_CSP);
    // Node input/output may be personal data: no copy in shared or browser caches.
    response.setHeader('Cache-Control', 'no-store');
    return html;
  }
}
