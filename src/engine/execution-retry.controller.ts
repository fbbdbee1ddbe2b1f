import { Body, Controller, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ApiRoute } from '../common/api-docs.js';
import { CurrentPrincipal, type Principal } from '../common/principal.js';
import { ExecutionDto, toExecutionDto } from '../executions/dto/execution.dto.js';
import { BulkRetryDto, BulkRetryResultDto, RetryExecutionDto } from './dto/retry.dto.js';
import { RetryService } from './retry.service.js';

@ApiTags('executions')
@Controller('executions')
export class ExecutionRetryController {
  constructor(private readonly retries: RetryService) {}

  @Post('retry')
  @ApiRoute({
    summary: 'Retry many FAILED or CANCELED executions at once',
    description:
      'For the day after an outage: retries, newest first by startedAt, up to `limit` executions with `status` (optionally of one workflow, started between `from` and `to`), each as `POST /executions/:id/retry` would (`start` is its `from`). Executions that already have a retry are left out, so repeating the call retries only the newest link of each chain. Members retry only what they own; an admin without `workflowId` retries across all users.',
    status: 201,
    type: BulkRetryResultDto,
    errors: [400],
  })
  async retryMany(@Body() body: BulkRetryDto, @CurrentPrincipal() principal: Principal): Promise<BulkRetryResultDto> {
    return this.retries.retryMany(body, principal);
  }

  @Post(':id/retry')
  @ApiRoute({
    summary: 'Retry a FAILED or CANCELED execution',
    description:
      'Creates a new execution (mode retry, retryOf). `from: failedNode` (default) reuses the successful nodes\' outputs and starts at the failed node; `from: start` runs everything again. `workflowVersion: original` (default) or `current`.',
    status: 201,
    type: ExecutionDto,
    errors: [400, 404, 409],
  })
  async retry(@Param('id', ParseUUIDPipe) id: string, @Body() body: RetryExecutionDto, @CurrentPrincipal() principal: Principal): Promise<ExecutionDto> {
    // A new execution: no sub-workflow has started yet.
    return toExecutionDto(await this.retries.retry(id, body, principal), true, []);
  }
}
