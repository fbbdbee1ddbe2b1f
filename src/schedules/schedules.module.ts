import { Module } from '@nestjs/common';
import { EngineModule } from '../engine/engine.module.js';
import { ScheduleFirer } from './schedule-firer.js';
import { SchedulesRepository } from './schedules.repository.js';

/** docs/schedules.md: the firing loop. The rows it reads are written by WorkflowsService (schedule-state.ts). */
@Module({
  imports: [EngineModule],
  providers: [SchedulesRepository, ScheduleFirer],
})
export class SchedulesModule {}
