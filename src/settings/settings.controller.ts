import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ApiRoute } from '../common/api-docs.js';
import { AdminOnly } from '../common/auth.decorators.js';
import { SettingsDto, toSettingsDto, UpdateSettingsDto } from './dto/settings.dto.js';
import { SettingsService } from './settings.service.js';

@ApiTags('settings')
@Controller('settings')
export class SettingsController {
  constructor(private readonly settings: SettingsService) {}

  @Get()
  @AdminOnly()
  @ApiRoute({ summary: 'Instance settings (admin only)', type: SettingsDto, errors: [403] })
  async get(): Promise<SettingsDto> {
    return toSettingsDto(await this.settings.get());
  }

  @Put()
  @AdminOnly()
  @ApiRoute({
    summary: 'Change instance settings (admin only)',
    description:
      '`defaultErrorWorkflowId`: the workflow started (mode error) when an execution of a workflow without `settings.errorWorkflow` ends FAILED; null for none. An unknown id is a 400.',
    type: SettingsDto,
    errors: [400, 403],
  })
  async update(@Body() body: UpdateSettingsDto): Promise<SettingsDto> {
    return toSettingsDto(await this.settings.update(body));
  }
}
