import { Global, Module } from '@nestjs/common';
import { ExecutionLifecycle } from './execution-lifecycle.js';

/** Global: the engine, the executions service, metrics and the queue all inject the same bus. */
@Global()
@Module({ providers: [ExecutionLifecycle], exports: [ExecutionLifecycle] })
export class ExecutionLifecycleModule {}
