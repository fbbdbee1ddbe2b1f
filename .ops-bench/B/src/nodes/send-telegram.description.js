import { oneOutput } from './node-executor.js';
export const sendTelegramDescription = {
    type: 'sendTelegram',
    displayName: 'Send Telegram message',
    parameters: {
        type: 'object',
        properties: {
            chatId: { type: 'oneOf', required: true, options: [{ type: 'string' }, { type: 'number', integer: true }] },
            message: { type: 'string', required: true, maxLength: 4096 },
            parseMode: { type: 'string', enum: ['MarkdownV2', 'Markdown', 'HTML'] },
            disableNotification: { type: 'boolean' },
        },
    },
    credentials: { types: ['telegram'], required: true },
    outputs: oneOutput,
    sideEffects: true,
};
//# sourceMappingURL=send-telegram.description.js.map