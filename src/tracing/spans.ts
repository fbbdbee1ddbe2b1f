import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Link, type Span } from '@opentelemetry/api';
import type { ClaimedExecution } from '../executions/executions.repository.js';
import { contextFromTraceparent, tracer } from './tracing.js';

/*
 * The spans of docs/observability.md. Every function here is called only behind an `if (tracer)` check, so with
 * tracing off none of it runs. Attribute names follow the OpenTelemetry semantic conventions
 * (`http.request.method`, `url.full`, …); ours are prefixed (`workflow.*`, `execution.*`, `node.*`).
 * No span carries a header, a body or a query string: those are where secrets travel.
 */

const WEBHOOK_ROUTE = '/webhook/handler/:id';
/** Span status messages are short: a reason, not a document. */
const MAX_STATUS_MESSAGE = 300;

/** The SERVER span of one webhook request, child of the caller's `traceparent` when it sent one. */
export function startIngestSpan(method: string, webhookId: string, headers: Record<string, string | string[] | undefined>): { span: Span; context: Context } {
  const parent = propagation.extract(ROOT_CONTEXT, headers);
  const span = tracer!.startSpan(
    `${method} ${WEBHOOK_ROUTE}`,
    { kind: SpanKind.SERVER, attributes: { 'http.request.method': method, 'http.route': WEBHOOK_ROUTE, 'url.path': `/webhook/handler/${webhookId}`, 'webhook.id': webhookId } },
    parent,
  );
  return { span, context: trace.setSpan(parent, span) };
}

export function endIngestSpan(span: Span, status: number): void {
  span.setAttribute('http.response.status_code', status);
  if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
  span.end();
}

/**
 * Runs one execution run inside its `workflow.execute` span. A first run, a queued one taken by a
 * worker of another process and a recovered one are children of the context stored with the
 * execution at ingest (`traceContext`): one trace from the caller to the last node. A run that
 * continues a wait starts a trace of its own, linked to that context: it may come hours later, and
 * a child that outlives its parent by hours breaks every trace view.
 */
export async function traceExecutionRun<T>(execution: ClaimedExecution, parent: Context | undefined, run: () => Promise<T>): Promise<T> {
  const resumed = execution.waitNode !== null;
  const stored = execution.traceContext ? trace.getSpanContext(contextFromTraceparent(execution.traceContext)) : undefined;
  const links: Link[] = resumed && stored ? [{ context: stored, attributes: { 'link.reason': 'resumed_wait' } }] : [];
  const parentContext = parent ?? (resumed || !stored ? ROOT_CONTEXT : contextFromTraceparent(execution.traceContext));
  const attributes: Attributes = {
    'workflow.id': execution.workflowId,
    'workflow.version': execution.workflowVersion,
    'execution.id': execution.id,
    'execution.mode': execution.mode,
    'execution.attempt': execution.attempt,
    'execution.resumed': resumed,
  };
  const span = tracer!.startSpan('workflow.execute', { kind: SpanKind.INTERNAL, attributes, links }, parentContext);
  try {
    return await context.with(trace.setSpan(parentContext, span), run);
  } finally {
    span.end();
  }
}

/** Names the workflow on the active `workflow.execute` span, once its definition is loaded. */
export function tagWorkflow(name: string): void {
  trace.getActiveSpan()?.setAttribute('workflow.name', name);
}

/** The outcome on the active `workflow.execute` span: `execution.status`, and ERROR when it failed. */
export function settleExecutionSpan(status: string, error?: string | null): void {
  const span = trace.getActiveSpan();
  if (!span) return;
  span.setAttribute('execution.status', status);
  if (status === 'FAILED') span.setStatus({ code: SpanStatusCode.ERROR, message: shorten(error ?? undefined) });
}

export interface NodeTryOutcome {
  kind: 'success' | 'failed' | 'waiting';
  error?: string;
}

/** One `node.execute` span per try of a node (a retried node shows each try with its `node.attempt`). */
export async function traceNodeTry<T extends NodeTryOutcome>(
  node: { name: string; type: string },
  attempt: number,
  scrub: (text: string) => string,
  signal: AbortSignal,
  run: () => Promise<T>,
): Promise<T> {
  const span = tracer!.startSpan('node.execute', { kind: SpanKind.INTERNAL, attributes: { 'node.name': node.name, 'node.type': node.type, 'node.attempt': attempt } });
  try {
    const outcome = await context.with(trace.setSpan(context.active(), span), run);
    span.setAttribute('node.status', outcome.kind === 'success' ? 'SUCCESS' : outcome.kind === 'waiting' ? 'WAITING' : 'FAILED');
    if (outcome.kind === 'failed') {
      const error = outcome.error ?? '';
      span.setAttribute('error.type', signal.aborted ? 'canceled' : error.startsWith('Node timed out') ? 'timeout' : 'node_error');
      span.setStatus({ code: SpanStatusCode.ERROR, message: shorten(scrub(error)) });
    }
    return outcome;
  } finally {
    span.end();
  }
}

/**
 * A CLIENT span around one outbound HTTP call. `shownUrl` is the URL as it may be shown: without
 * user info and query (displayUrl), and with anything secret in the path already cut out by the
 * caller (the Telegram bot token). With `propagateInto`, the call's `traceparent` is written into
 * those headers (the HTTP Request node: docs/observability.md), replacing one the workflow may have set.
 */
export async function traceClientCall<T extends { status: number }>(
  method: string,
  url: URL,
  shownUrl: string,
  propagateInto: Record<string, string> | undefined,
  call: () => Promise<T>,
): Promise<T> {
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  const span = tracer!.startSpan(method, {
    kind: SpanKind.CLIENT,
    attributes: { 'http.request.method': method, 'url.full': shownUrl, 'server.address': url.hostname, 'server.port': port },
  });
  const callContext = trace.setSpan(context.active(), span);
  if (propagateInto) {
    for (const name of Object.keys(propagateInto)) if (name.toLowerCase() === 'traceparent' || name.toLowerCase() === 'tracestate') delete propagateInto[name];
    propagation.inject(callContext, propagateInto);
  }
  try {
    const response = await context.with(callContext, call);
    span.setAttribute('http.response.status_code', response.status);
    if (response.status >= 400) {
      span.setAttribute('error.type', String(response.status));
      span.setStatus({ code: SpanStatusCode.ERROR });
    }
    return response;
  } catch (error) {
    // The kind of failure only: a message could quote the URL it failed on.
    const code = (error as { code?: unknown })?.code;
    span.setAttribute('error.type', typeof code === 'string' ? code : ((error as Error)?.name ?? 'Error'));
    span.setStatus({ code: SpanStatusCode.ERROR });
    throw error;
  } finally {
    span.end();
  }
}

function shorten(text: string | undefined): string | undefined {
  return text && text.length > MAX_STATUS_MESSAGE ? `${text.slice(0, MAX_STATUS_MESSAGE)}…` : text;
}
