import { oneOutput, type NodeTypeDescription } from './node-executor.js';

export const sendTelegramDescription: NodeTypeDescription = {
  type: 'sendTelegram',
  displayName: 'Send Telegram message',
  parameters: {
    type: 'object',
    properties: {
      chatId: { type: 'oneOf', required: true, options: [{ type: 'string' }, { type: 'number', integer: true }], description: 'Chat id (a number) or @channelusername' },
      message: { type: 'string', required: true, maxLength: 4096, description: 'Message text' },
      parseMode: { type: 'string', enum: ['MarkdownV2', 'Markdown', 'HTML'], description: 'How Telegram formats the text; absent: plain text' },
      disableNotification: { type: 'boolean', default: false, description: 'Deliver silently' },
    },
  },
  credentials: { types: ['telegram'], required: true },
  outputs: oneOutput,
  sideEffects: true,
  docs: {
    summary: "Sends a message through the Telegram Bot API with a `telegram` credential; on 429 it waits Telegram's retry_after within the node's retry budget.",
    output: '`{ messageId, chatId, date }`',
    example: {
      name: 'Telegram',
      parameters: { chatId: '{{ $trigger.body.chatId }}', message: 'Score: {{ $trigger.body.score }}' },
      credentials: { telegram: { id: '<credential id>' } },
    },
  },
};
