import { Body, Controller, Delete, Get, Param, ParseUUIDPipe, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBody, ApiTags } from '@nestjs/swagger';
import { ApiRoute } from '../common/api-docs.js';
import { pageLimit, toPage, type Page } from '../common/pagination.js';
import { CurrentPrincipal, type Principal } from '../common/principal.js';
import { CreateWorkflowDto, ListWorkflowsQueryDto, PatchWorkflowDto, ReplaceWorkflowDto } from './dto/workflow-input.dto.js';
import { SCORE_ROUTER_EXAMPLE } from './dto/workflow-examples.js';
import { ScheduleDto, WorkflowDto, WorkflowPageDto, WorkflowSummaryDto } from './dto/workflow.dto.js';
import { toWorkflowDto, toWorkflowSummaryDto } from './workflow.mapper.js';
import { WorkflowsService } from './workflows.service.js';

const VALIDATION_RULES =
  'Rejected with 400, each message naming the node and field: duplicate node names or ids, unknown node types, connections to or from missing nodes or from an output the node lacks, cycles, ' +
  'not exactly one trigger (`trigger` or `schedule`), a schedule trigger on a workflow that has webhooks, parameters failing the node type schema, expressions that do not parse, credentials that are missing, of the wrong type or of another user, ' +
  'node fields out of range, more than 200 nodes, unknown or invalid settings. Nodes the trigger does not reach are allowed and listed in `warnings`.';

@ApiTags('workflows')
@Controller('workflows')
export class WorkflowsController {
  constructor(private readonly workflows: WorkflowsService) {}

  @Post()
  @ApiBody({ type: CreateWorkflowDto, examples: { scoreRouter: { summary: 'docs/workflows.md score router (runs as it is)', value: SCORE_ROUTER_EXAMPLE } } })
  @ApiRoute({ summary: 'Create a workflow', description: `Owned by the caller. ${VALIDATION_RULES}`, status: 201, type: WorkflowDto, errors: [400] })
  async create(@CurrentPrincipal() principal: Principal, @Body() body: CreateWorkflowDto): Promise<WorkflowDto> {
    const { workflow, warnings } = await this.workflows.createWorkflow(principal, body);
    return toWorkflowDto(workflow, warnings, await this.workflows.scheduleOf(workflow));
  }

  @Get()
  @ApiRoute({
    summary: 'List workflows, newest first',
    description: 'Members see their own, admins all. Items leave out `nodes` and `connections`; GET /workflows/:id has them.',
    type: WorkflowPageDto,
    errors: [400],
  })
  async list(@CurrentPrincipal() principal: Principal, @Query() query: ListWorkflowsQueryDto): Promise<Page<WorkflowSummaryDto>> {
    const limit = pageLimit(query);
    const rows = await this.workflows.listWorkflows(principal, { active: query.active, search: query.search, cursor: query.cursor, limit });
    return toPage(rows, limit, toWorkflowSummaryDto);
  }

  @Get(':id')
  @ApiRoute({ summary: 'Get a workflow with its nodes and connections', type: WorkflowDto, errors: [400, 404] })
  async get(@CurrentPrincipal() principal: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<WorkflowDto> {
    const workflow = await this.workflows.getWorkflow(principal, id);
    return toWorkflowDto(workflow, undefined, await this.workflows.scheduleOf(workflow));
  }

  @Get(':id/schedule')
  @ApiRoute({
    summary: "A schedule workflow's next due times and last firing",
    description:
      'docs/schedules.md: `next` lists the next 5 due times (also while inactive, as if activated now); `lastScheduledFor` and `lastExecutionId` describe the last firing (null before any); ' +
      '`skipped` counts due times not fired (overlap, or missed while no replica ran) since the timetable was last saved. 400 for a workflow whose trigger is not a `schedule`.',
    type: ScheduleDto,
    errors: [400, 404],
  })
  async schedule(@CurrentPrincipal() principal: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<ScheduleDto> {
    return this.workflows.getSchedule(principal, id);
  }

  @Put(':id')
  @ApiBody({ type: ReplaceWorkflowDto, examples: { scoreRouter: { summary: 'The score router, based on version 1', value: { ...SCORE_ROUTER_EXAMPLE, version: 1 } } } })
  @ApiRoute({
    summary: 'Replace a workflow',
    description: `Full replace of name, description, nodes, connections and settings (omitted optional fields are reset; an omitted \`active\` is kept). \`version\` must be the current version, else 409. What \`GET /workflows/:id\` answered can be sent back as it is: its read-only fields (\`id\`, \`ownerId\`, \`triggerCount\`, \`createdAt\`, \`updatedAt\`, \`warnings\`) are ignored; unknown fields are refused. Running executions finish on the version they started with. ${VALIDATION_RULES}`,
    type: WorkflowDto,
    errors: [400, 404, 409],
  })
  async replace(@CurrentPrincipal() principal: Principal, @Param('id', ParseUUIDPipe) id: string, @Body() body: ReplaceWorkflowDto): Promise<WorkflowDto> {
    const { version, name, description, nodes, connections, settings, active } = body;
    const { workflow, warnings } = await this.workflows.replaceWorkflow(principal, id, { name, description, nodes, connections, settings, active }, version);
    return toWorkflowDto(workflow, warnings, await this.workflows.scheduleOf(workflow));
  }

  @Patch(':id')
  @ApiRoute({ summary: 'Change name, description and/or settings', description: '`settings`, when given, replaces the whole settings object.', type: WorkflowDto, errors: [400, 404] })
  async patch(@CurrentPrincipal() principal: Principal, @Param('id', ParseUUIDPipe) id: string, @Body() body: PatchWorkflowDto): Promise<WorkflowDto> {
    const { workflow, warnings } = await this.workflows.patchWorkflow(principal, id, body);
    return toWorkflowDto(workflow, warnings);
  }

  @Delete(':id')
  @ApiRoute({ summary: 'Delete a workflow', description: 'Its webhooks are deleted with it; its executions are kept.', status: 204, errors: [400, 404] })
  async delete(@CurrentPrincipal() principal: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.workflows.deleteWorkflow(principal, id);
  }

  @Post(':id/activate')
  @ApiRoute({
    summary: 'Activate a workflow',
    description: 'Its webhooks start running it; a schedule starts firing, counting from now (time spent inactive is not a miss). Activating an active workflow changes nothing.',
    type: WorkflowDto,
    errors: [400, 404],
  })
  async activate(@CurrentPrincipal() principal: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<WorkflowDto> {
    const workflow = await this.workflows.setActive(principal, id, true);
    return toWorkflowDto(workflow, undefined, await this.workflows.scheduleOf(workflow));
  }

  @Post(':id/deactivate')
  @ApiRoute({ summary: 'Deactivate a workflow', description: 'Its webhooks answer 404 and its schedule stops firing (on every replica within 1 s); running executions finish.', type: WorkflowDto, errors: [400, 404] })
  async deactivate(@CurrentPrincipal() principal: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<WorkflowDto> {
    const workflow = await this.workflows.setActive(principal, id, false);
    return toWorkflowDto(workflow, undefined, await this.workflows.scheduleOf(workflow));
  }
}
