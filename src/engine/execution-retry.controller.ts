import { Body, Controller, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ApiRoute } from '../common/api-docs.js';
import { CurrentPrincipal, type Principal } from '../common/principal.js';
import { ExecutionDto, toExecutionDto } from '../executions/dto/execution.dto.js';
import { RetryExecutionDto } from './dto/retry.dto.js';
import { RetryService } from './retry.service.js';

@ApiTags('executions')
@Controller('executions')
export class ExecutionRetryController {
  constructor(private readonly retries: RetryService) {}

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
    return toExecutionDto(await this.retries.retry(id, body, principal));
  }
}
