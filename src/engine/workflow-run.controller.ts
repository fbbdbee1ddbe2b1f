import { Body, Controller, Param, ParseUUIDPipe, Post, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiRoute, ApiRunAnswers } from '../common/api-docs.js';
import { CurrentPrincipal, type Principal } from '../common/principal.js';
import { ManualRunDto } from './dto/manual-run.dto.js';
import { ManualRunService } from './manual-run.service.js';

@ApiTags('workflows')
@Controller('workflows')
export class WorkflowRunController {
  constructor(private readonly manualRuns: ManualRunService) {}

  @Post(':id/run')
  @ApiRoute({
    summary: 'Run a workflow now (manual run)',
    description:
      'Runs through the same engine as a webhook and answers like `lastNode`: 200 with the last node output, 500 `{ executionId, status, error }` when the execution failed, 202 `{ executionId, status }` if still running after 30 s. The workflow need not be active.',
    errors: [400, 404, 415],
    success: false,
  })
  @ApiRunAnswers('The execution COMPLETED: the output of the last node that ran')
  async run(@Param('id', ParseUUIDPipe) id: string, @Body() body: ManualRunDto, @CurrentPrincipal() principal: Principal, @Res() response: Response): Promise<void> {
    const answer = await this.manualRuns.run(id, body, principal);
    response.status(answer.status).json(answer.body);
  }
}
