import { Global, Module } from '@nestjs/common';
import { RouteChanges } from './route-changes.js';

/** Process-wide helpers every module may inject. */
@Global()
@Module({ providers: [RouteChanges], exports: [RouteChanges] })
export class CommonModule {}
