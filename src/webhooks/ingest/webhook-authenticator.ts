import { Injectable } from '@nestjs/common';
import { AppError } from '../../common/app-error.js';
import type { WebhookRoute } from './webhook-routes.js';

/** SPEC §9.3: checks a webhook request's credentials over its raw bytes; 401 on any failure. */
@Injectable()
export class WebhookAuthenticator {
  async verify(route: WebhookRoute, _raw: Buffer, _headers: Record<string, string | string[] | undefined>): Promise<void> {
    if (!route.authentication || route.authentication.type === 'none') return;
    // Fail closed: a webhook that asks for authentication this build cannot check accepts nothing.
    throw new AppError('unauthorized', `Webhook authentication "${route.authentication.type}" could not be verified`);
  }
}
