import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { EXTRA_TRIES, MAX_INTERNAL_WAIT_MS, postJson, retryAfterMs, waitOrAbort, type JsonApiResponse } from './http/json-api.js';
import { displayUrl } from './http/guarded-http-client.js';
import { excerpt } from './http/response-body.js';
import { secretForms, scrubText } from './http/secret-scrub.js';
import { errorKindOf, errorKindOfStatus, NodeInputError, type NodeExecutor, type NodeOutcome, type NodeRunContext } from './node-executor.js';
import { sendTelegramDescription } from './send-telegram.description.js';
import { REDACTED } from '../common/redaction.js';

class TelegramParameterError extends NodeInputError {}

/** Bot tokens are `<digits>:<letters, digits, _ and ->`; anything else must not be pasted into a URL path. */
const BOT_TOKEN = /^[0-9]+:[A-Za-z0-9_-]+$/;

interface TelegramAnswer {
  ok?: boolean;
  description?: unknown;
  error_code?: unknown;
  parameters?: { retry_after?: unknown };
  result?: { message_id?: unknown; chat?: { id?: unknown }; date?: unknown };
}

/** Bot API `sendMessage` body from the node's resolved parameters. */
export function telegramPayload(parameters: Record<string, unknown>): Record<string, unknown> {
  const { chatId, message, parseMode, disableNotification } = parameters;
  if (!((typeof chatId === 'string' && chatId.trim() !== '') || (typeof chatId === 'number' && Number.isInteger(chatId)))) {
    throw new TelegramParameterError('parameter "chatId" must be a chat id (integer) or a @channel name');
  }
  if (typeof message !== 'string' || message === '') throw new TelegramParameterError('parameter "message" must be a non-empty string');
  if (message.length > 4096) throw new TelegramParameterError('parameter "message" is longer than 4096 characters');
  if (parseMode !== undefined && parseMode !== null && !['MarkdownV2', 'Markdown', 'HTML'].includes(parseMode as string)) {
    throw new TelegramParameterError('parameter "parseMode" must be one of MarkdownV2, Markdown, HTML');
  }
  if (disableNotification !== undefined && disableNotification !== null && typeof disableNotification !== 'boolean') {
    throw new TelegramParameterError('parameter "disableNotification" must be a boolean');
  }
  return {
    chat_id: typeof chatId === 'string' ? chatId.trim() : chatId,
    text: message,
    ...(parseMode ? { parse_mode: parseMode } : {}),
    ...(typeof disableNotification === 'boolean' ? { disable_notification: disableNotification } : {}),
  };
}

function describeError(response: JsonApiResponse): string {
  const answer = response.json as TelegramAnswer | null;
  const description = typeof answer?.description === 'string' ? answer.description : excerpt(response.text) || 'no details';
  return `Telegram API error ${response.status}: ${description}`;
}

/** The wait Telegram asks for on 429: `parameters.retry_after` seconds, else the Retry-After header. */
function retryAfter(response: JsonApiResponse): number | null {
  const seconds = (response.json as TelegramAnswer | null)?.parameters?.retry_after;
  if (typeof seconds === 'number' && Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
  return retryAfterMs(response.headers['retry-after']);
}

/**
 * docs/nodes.md `sendTelegram`. The bot token is part of the URL path, so every message that leaves this
 * node is scrubbed of it. Only 429 is retried inside the node: Telegram has no idempotency key, and
 * after a 5xx the message may have been sent, so that decision is left to the node's retryOnFail.
 */
@Injectable()
export class SendTelegramNode implements NodeExecutor {
  readonly description = sendTelegramDescription;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async execute(context: NodeRunContext): Promise<NodeOutcome> {
    let secrets: string[] = [];
    try {
      const payload = telegramPayload(context.parameters);
      const { botToken } = await context.credential('telegram');
      secrets = secretForms([botToken]);
      if (!BOT_TOKEN.test(botToken ?? '')) throw new TelegramParameterError('the telegram credential\'s botToken is not a valid bot token (expected "<digits>:<characters>")');
      const url = `${this.config.telegramApiUrl}/bot${botToken}/sendMessage`;
      // The token is in the path: a trace shows the URL without it.
      const shownUrl = displayUrl(new URL(url)).replace(`/bot${botToken}/`, `/bot${REDACTED}/`);
      for (let tryNumber = 0; ; tryNumber++) {
        const response = await postJson(url, {}, payload, context.signal, shownUrl);
        const answer = response.json as TelegramAnswer | null;
        if (response.status < 300 && answer?.ok === true && answer.result) {
          const { message_id, chat, date } = answer.result;
          return { kind: 'success', output: { messageId: message_id, chatId: chat?.id, date } };
        }
        const wait = response.status === 429 ? retryAfter(response) ?? 1000 : null;
        if (wait === null || tryNumber >= EXTRA_TRIES || wait > MAX_INTERNAL_WAIT_MS) {
          return { kind: 'failed', error: scrubText(describeError(response), secrets), errorKind: errorKindOfStatus(response.status) };
        }
        await waitOrAbort(wait, context.signal);
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { kind: 'failed', error: scrubText(error instanceof TelegramParameterError ? message : `Telegram request failed: ${message}`, secrets), errorKind: errorKindOf(error) };
    }
  }
}
