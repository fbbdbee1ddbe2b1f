import { Global, Module } from '@nestjs/common';
import { RouteChanges } from './route-changes.js';
import { ShutdownState } from './shutdown-state.js';

/** Process-wide helpers every module may inject. */
@Global()
@Module({ providers: [RouteChanges, ShutdownState], exports: [RouteChanges, ShutdownState] })
export class CommonModule {}
