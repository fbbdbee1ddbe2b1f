/**
 * Counts every answer on /webhook/ routes by status code, 4xx and 5xx included (a body too large
 * is answered by the body parser before any Nest handler runs, so this sits in front of it).
 */
export function countWebhookAnswers(metrics) {
    return (request, response, next) => {
        if (request.url.startsWith('/webhook/'))
            response.once('finish', () => metrics.webhookAnswered(response.statusCode));
        next();
    };
}
//# sourceMappingURL=webhook-metrics.middleware.js.map