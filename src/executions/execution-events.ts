import { Injectable } from '@nestjs/common';
import { EventEmitter } from 'node:events';

/**
 * News within this process, without the executions module depending on the engine (the engine
 * depends on it): an execution was canceled (for the engine), or this process stored one FAILED
 * (for the error-workflow relay, which then looks at once instead of waiting for its poll).
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

  failed(): void {
    this.emitter.emit('failed');
  }

  onFailed(listener: () => void): void {
    this.emitter.on('failed', listener);
  }
}
