import { Injectable } from '@nestjs/common';
import { EventEmitter } from 'node:events';

/**
 * Tells the engine of this process that an execution was canceled, without the executions module
 * depending on the engine (the engine depends on it).
 */
@Injectable()
export class ExecutionEvents {
  private readonly emitter = new EventEmitter();

  canceled(id: string): void {
    this.emitter.emit('canceled', id);
  }

  onCanceled(listener: (id: string) => void): void {
    this.emitter.on('canceled', listener);
  }
}
