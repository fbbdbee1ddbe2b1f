import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { displayUrl, GuardedHttpClient } from './http/guarded-http-client.js';
import { planHttpRequest, type HttpRequestPlan } from './http/http-request-parameters.js';
import { decodeBody, excerpt } from './http/response-body.js';
import { secretForms, scrubText, scrubValue } from './http/secret-scrub.js';
import { SsrfGuard } from './http/ssrf-guard.js';
import { traceClientCall } from '../tracing/spans.js';
import { tracer } from '../tracing/tracing.js';
import { httpRequestDescription } from './http-request.description.js';
import { errorKindOf, errorKindOfStatus, type NodeExecutor, type NodeOutcome, type NodeRunContext } from './node-executor.js';

/**
 * docs/nodes.md `httpRequest`: any http(s) call a workflow asks for, through the SSRF guard of docs/security.md.
 * Output `{ status, headers, data }`; credential values are scrubbed from it and from errors.
 */
@Injectable()
export class HttpRequestNode implements NodeExecutor, OnApplicationShutdown {
  readonly description = httpRequestDescription;
  private readonly client: GuardedHttpClient;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.client = new GuardedHttpClient(new SsrfGuard({ allowPrivateNetworks: config.httpAllowPrivateNetworks, allowedHosts: config.httpAllowedHosts }));
  }

  async execute(context: NodeRunContext): Promise<NodeOutcome> {
    let secrets: string[] = [];
    try {
      const plan = await planHttpRequest(context);
      secrets = secretForms(plan.secrets);
      return scrubValue(await this.call(plan, context.signal, secrets), secrets);
    } catch (error) {
      return { kind: 'failed', error: scrubText(error instanceof Error ? error.message : String(error), secrets), errorKind: errorKindOf(error) };
    }
  }

  private async call(plan: HttpRequestPlan, signal: AbortSignal, secrets: string[]): Promise<NodeOutcome> {
    // Traced: a CLIENT span whose URL has no user info, query or credential value, and whose
    // traceparent goes onward with the request (docs/observability.md).
    const send = (headers: Record<string, string>) => this.client.send({ ...plan, headers, signal });
    const headers = tracer ? { ...plan.headers } : plan.headers;
    const response = tracer ? await traceClientCall(plan.method, plan.url, scrubText(displayUrl(plan.url), secrets), headers, () => send(headers)) : await send(headers);
    const contentType = response.headers['content-type'];
    if (plan.failOnHttpError && response.status >= 400) {
      const text = excerpt(response.body.toString('utf8'));
      const reason = response.statusText ? ` ${response.statusText}` : '';
      return { kind: 'failed', error: `HTTP ${response.status}${reason} from ${plan.method} ${displayUrl(response.url)}${text ? `: ${text}` : ''}`, errorKind: errorKindOfStatus(response.status) };
    }
    const data = decodeBody(response.body, plan.responseFormat, Array.isArray(contentType) ? contentType[0] : contentType);
    return { kind: 'success', output: { status: response.status, headers: response.headers, data } };
  }

  onApplicationShutdown(): Promise<void> {
    return this.client.close();
  }
}
