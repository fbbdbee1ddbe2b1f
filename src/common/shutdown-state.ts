import { Injectable } from '@nestjs/common';

/** Set the moment SIGTERM arrives, so readiness answers 503 before anything else stops. */
@Injectable()
export class ShutdownState {
  private draining = false;
  private beganAt: number | undefined;

  get isShuttingDown(): boolean {
    return this.draining;
  }

  /** When shutdown began (epoch ms): the grace period counts from the signal, not from each module. */
  get startedAt(): number | undefined {
    return this.beganAt;
  }

  begin(): void {
    if (this.draining) return;
    this.draining = true;
    this.beganAt = Date.now();
  }
}
