import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiRoute } from '../common/api-docs.js';
import { forbidden } from '../common/app-error.js';
import { Public } from '../common/auth.decorators.js';
import { CurrentPrincipal, type Principal } from '../common/principal.js';
import { toExecutionDto } from './dto/execution.dto.js';
import { CreateViewLinkDto, ViewLinkDto } from './dto/view-link.dto.js';
import type { ExecutionEntity } from './execution.entity.js';
import { EXECUTION_VIEW_CSP, renderExecutionView } from './execution-view.renderer.js';
import { ExecutionService } from './execution.service.js';
import { ViewLinks } from './view-links.js';
import { WorkflowsRepository } from '../workflows/workflows.repository.js';

const HTML_RESPONSE = { description: 'An HTML page: the workflow graph coloured by status, then a timeline of the nodes', content: { 'text/html': { schema: { type: 'string' } } } };

/**
 * A readable page of one execution for the admin team: behind the bearer key like the JSON API, or
 * opened in a browser through a signed link created with that key (keys never go in URLs).
 */
@ApiTags('executions')
@Controller('executions')
export class ExecutionViewController {
  constructor(
    private readonly executions: ExecutionService,
    private readonly workflows: WorkflowsRepository,
    private readonly links: ViewLinks,
  ) {}

  @Get(':id/view')
  @ApiProduces('text/html')
  @ApiOkResponse(HTML_RESPONSE)
  @ApiRoute({
    summary: 'One execution as a readable HTML page',
    description:
      'Server-rendered, script-free HTML of GET /executions/:id: the workflow name and its graph (nodes coloured by status, connections followed highlighted), status, mode, timings, retryOf and error, then every node in the order it started with its status, attempts, timing, error and collapsible input/output. Needs `Authorization: Bearer <api key>`; to open it in a browser, create a link with POST /executions/:id/view-link.',
    errors: [400, 404],
  })
  async view(@Param('id', ParseUUIDPipe) id: string, @CurrentPrincipal() principal: Principal, @Res({ passthrough: true }) response: Response): Promise<string> {
    return this.page(await this.executions.getExecution(id, principal), response, false);
  }

  @Post(':id/view-link')
  @ApiRoute({
    summary: 'A link that opens the HTML view of this execution in a browser, without the API key',
    description:
      'Answers `{ url, expiresAt }`: a signed URL valid 15 minutes (or `expiresInSeconds`, at most a day). It opens only this execution\'s view and stops working when it expires or is altered. Who may create one is checked now: members for executions they may see. Anyone holding the URL can open the page until it expires, so share it as you would the data.',
    status: 201,
    type: ViewLinkDto,
    errors: [400, 404],
  })
  async createLink(@Param('id', ParseUUIDPipe) id: string, @Body() body: CreateViewLinkDto, @CurrentPrincipal() principal: Principal): Promise<ViewLinkDto> {
    const execution = await this.executions.getExecution(id, principal);
    return this.links.create(execution.id, body?.expiresInSeconds);
  }

  @Get(':id/signed-view')
  @Public()
  @ApiProduces('text/html')
  @ApiOkResponse(HTML_RESPONSE)
  @ApiQuery({ name: 'expires', description: 'From the view link' })
  @ApiQuery({ name: 'signature', description: 'From the view link' })
  @ApiRoute({
    summary: 'The HTML view opened through a view link (no API key)',
    description: 'The URL POST /executions/:id/view-link answers; 403 once it has expired or when any part of it was changed.',
    public: true,
    errors: [400, 403, 404],
  })
  async signedView(
    @Param('id', ParseUUIDPipe) id: string,
    @Query('expires') expires: unknown,
    @Query('signature') signature: unknown,
    @Res({ passthrough: true }) response: Response,
  ): Promise<string> {
    const check = this.links.check(id, expires, signature);
    if (check === 'expired') throw forbidden('This view link has expired: create a new one with POST /executions/:id/view-link');
    if (check !== 'valid') throw forbidden('This view link is not valid: create one with POST /executions/:id/view-link');
    return this.page(await this.executions.getExecutionUnscoped(id), response, true);
  }

  private async page(entity: ExecutionEntity, response: Response, signedLink: boolean): Promise<string> {
    const workflow = await this.workflows.findVersionDefinition(entity.workflowId, entity.workflowVersion);
    // A version never changes, so its graph's layout is computed once.
    const graph = workflow && { ...workflow, layoutKey: `${entity.workflowId}:${entity.workflowVersion}` };
    const html = renderExecutionView(toExecutionDto(entity, true, await this.executions.findChildren(entity.id)), { workflow: graph, signedLink });
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
