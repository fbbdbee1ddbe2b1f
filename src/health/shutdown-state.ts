import { Injectable } from '@nestjs/common';

/** Set the moment SIGTERM arrives, so readiness answers 503 before anything else stops. */
@Injectable()
export class ShutdownState {
  private draining = false;

  get isShuttingDown(): boolean {
    return this.draining;
  }

  begin(): void {
    this.draining = true;
  }
}
