import { Controller, Get, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ApiRoute } from '../common/api-docs.js';
import { pageLimit, toPage, type Page } from '../common/pagination.js';
import { CurrentPrincipal, type Principal } from '../common/principal.js';
import { ExecutionDto, ExecutionListQueryDto, ExecutionPageDto, ExecutionStatsDto, ExecutionStatsQueryDto, WorkflowExecutionsQueryDto, toExecutionDto } from './dto/execution.dto.js';
import { ExecutionService, STATS_MAX_RANGE_DAYS } from './execution.service.js';

@ApiTags('executions')
@Controller('executions')
export class ExecutionsController {
  constructor(private readonly executions: ExecutionService) {}

  @Get()
  @ApiRoute({ summary: 'List executions, newest first', description: 'Filters: workflowId, status, mode, from, to (creation time). Add include=nodes for node records.', type: ExecutionPageDto, errors: [400] })
  async list(@Query() query: ExecutionListQueryDto, @CurrentPrincipal() principal: Principal): Promise<Page<ExecutionDto>> {
    const limit = pageLimit(query);
    const withNodes = query.include === 'nodes';
    const filter = { workflowId: query.workflowId, status: query.status, mode: query.mode, from: query.from ? new Date(query.from) : undefined, to: query.to ? new Date(query.to) : undefined };
    const rows = await this.executions.listExecutions(filter, principal, limit, query.cursor, withNodes);
    return toPage(rows, limit, (row) => toExecutionDto(row, withNodes));
  }

  @Get('stats')
  @ApiRoute({
    summary: 'Counts by status and total size of the executions created in a time range',
    description:
      `Executions created from \`from\` to \`to\` (both inclusive; default: the last 24 hours), at most ${STATS_MAX_RANGE_DAYS} days apart, optionally of one workflow; ` +
      'counted by their status now, with their `sizeBytes` summed. Members count the executions they may see. Answered from per-day summaries of closed days and an index, not by reading the executions (docs/retention-and-sizing.md).',
    type: ExecutionStatsDto,
    errors: [400],
  })
  async stats(@Query() query: ExecutionStatsQueryDto, @CurrentPrincipal() principal: Principal): Promise<ExecutionStatsDto> {
    const stats = await this.executions.stats(query, principal);
    return { workflowId: query.workflowId ?? null, from: stats.from.toISOString(), to: stats.to.toISOString(), total: stats.total, byStatus: stats.byStatus, sizeBytes: stats.sizeBytes };
  }

  @Get('workflow/:id')
  @ApiRoute({ summary: "A workflow's executions, newest first (50 by default)", description: '404 for an unknown workflow or one the caller cannot see; a deleted workflow\'s executions are still listed.', type: ExecutionPageDto, errors: [400, 404] })
  async byWorkflow(@Param('id', ParseUUIDPipe) id: string, @Query() query: WorkflowExecutionsQueryDto, @CurrentPrincipal() principal: Principal): Promise<Page<ExecutionDto>> {
    const limit = pageLimit(query);
    const withNodes = query.include === 'nodes';
    const rows = await this.executions.getExecutionsByWorkflow(id, principal, limit, query.cursor, withNodes);
    return toPage(rows, limit, (row) => toExecutionDto(row, withNodes));
  }

  @Get(':id')
  @ApiRoute({
    summary: 'One execution with every node record',
    description: 'To read it as a page in a browser: POST its `viewLinkPath` (/executions/:id/view-link) for a signed link.',
    type: ExecutionDto,
    errors: [400, 404],
  })
  async get(@Param('id', ParseUUIDPipe) id: string, @CurrentPrincipal() principal: Principal): Promise<ExecutionDto> {
    const execution = await this.executions.getExecution(id, principal);
    return toExecutionDto(execution, true, await this.executions.findChildren(id));
  }

  @Post(':id/cancel')
  @ApiRoute({ summary: 'Cancel a PENDING, RUNNING or WAITING execution', description: 'Running nodes are aborted promptly.', type: ExecutionDto, errors: [400, 404, 409] })
  async cancel(@Param('id', ParseUUIDPipe) id: string, @CurrentPrincipal() principal: Principal): Promise<ExecutionDto> {
    const canceled = await this.executions.cancel(id, principal);
    return toExecutionDto(canceled, true, await this.executions.findChildren(id));
  }
}
