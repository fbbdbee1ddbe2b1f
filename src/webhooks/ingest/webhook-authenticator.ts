import { Injectable } from '@nestjs/common';
import { CredentialsService } from '../../credentials/credentials.service.js';
import { CREDENTIAL_TYPE_FOR_AUTH, DEFAULT_TOLERANCE_SECONDS } from '../webhook-auth.js';
import type { WebhookAuthentication } from '../webhook.types.js';
import { unauthorized, type AuthRequest } from './auth/auth-request.js';
import { verifyBasicAuth } from './auth/basic-auth.js';
import { CredentialSecrets } from './auth/credential-secrets.js';
import { verifyGenericHmac } from './auth/generic-hmac.js';
import { verifyGithub } from './auth/github.js';
import { verifyHeaderAuth } from './auth/header-auth.js';
import { verifyStandardWebhooks } from './auth/standard-webhooks.js';
import { verifyStripe } from './auth/stripe.js';
import type { WebhookRoute } from './webhook-routes.js';

/**
 * docs/webhooks.md: checks a webhook request's credentials over its raw bytes; 401 on any failure, before
 * anything is stored. Resolves to the names of the headers that carried a secret, so that they are
 * redacted from the trigger data.
 */
@Injectable()
export class WebhookAuthenticator {
  private readonly secrets: CredentialSecrets;

  constructor(credentials: CredentialsService) {
    this.secrets = new CredentialSecrets(credentials);
  }

  async verify(route: WebhookRoute, raw: Buffer, headers: Record<string, string | string[] | undefined>): Promise<string[]> {
    const auth = route.authentication;
    if (!auth || auth.type === 'none') return [];
    if (!auth.credentialId) throw unauthorized('The webhook authentication is misconfigured');
    const data = await this.secrets.get(auth.credentialId, CREDENTIAL_TYPE_FOR_AUTH[auth.type], route.ownerId);
    const request: AuthRequest = { raw, headers, now: Math.floor(Date.now() / 1000) };
    switch (auth.type) {
      case 'header':
        return verifyHeaderAuth(request, data);
      case 'basic':
        return verifyBasicAuth(request, data);
      case 'hmac':
        return verifyHmac(request, data.secret, auth);
    }
  }
}

function verifyHmac(request: AuthRequest, secret: string, auth: WebhookAuthentication): string[] {
  const tolerance = auth.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  switch (auth.preset) {
    case 'standardWebhooks':
      return verifyStandardWebhooks(request, secret, tolerance);
    case 'github':
      return verifyGithub(request, secret);
    case 'stripe':
      return verifyStripe(request, secret, tolerance);
    case 'generic':
      if (!auth.headerName || !auth.algorithm || !auth.encoding) break;
      return verifyGenericHmac(request, secret, { headerName: auth.headerName, algorithm: auth.algorithm, encoding: auth.encoding });
  }
  // Creation validates these settings; a row that still lacks them accepts nothing.
  throw unauthorized('The webhook authentication is misconfigured');
}
