import jsonata from 'jsonata';
/** SPEC §7.5: expression source is limited to 10 KB. */
export const MAX_EXPRESSION_BYTES = 10 * 1024;
export class ExpressionSyntaxError extends Error {
}
/**
 * Splits a string into text and `{{ … }}` segments. The closing `}}` is found outside JSONata
 * string literals and object constructors, so `{{ {"a": {"b": 1}} }}` parses as one expression.
 */
export function splitTemplate(source) {
    const parts = [];
    let cursor = 0;
    while (cursor < source.length) {
        const open = source.indexOf('{{', cursor);
        if (open === -1)
            break;
        if (open > cursor)
            parts.push({ kind: 'text', text: source.slice(cursor, open) });
        const close = findClose(source, open + 2);
        if (close === -1)
            throw new ExpressionSyntaxError('"{{" is never closed by "}}"');
        parts.push({ kind: 'expression', source: source.slice(open + 2, close).trim() });
        cursor = close + 2;
    }
    if (cursor < source.length)
        parts.push({ kind: 'text', text: source.slice(cursor) });
    return parts;
}
function findClose(source, from) {
    let depth = 0;
    let quote = null;
    for (let i = from; i < source.length; i++) {
        const char = source[i];
        if (quote) {
            if (char === '\\')
                i++;
            else if (char === quote)
                quote = null;
            continue;
        }
        if (char === '"' || char === "'" || char === '`')
            quote = char;
        else if (char === '{')
            depth++;
        else if (char === '}') {
            if (depth > 0)
                depth--;
            else if (source[i + 1] === '}')
                return i;
        }
    }
    return -1;
}
/** Compiles every expression of a string; throws ExpressionSyntaxError with JSONata's reason. */
export function compileTemplate(source, compile = (expression) => jsonata(expression)) {
    const split = splitTemplate(source);
    const parts = split.map((part) => {
        if (part.kind === 'text')
            return part;
        if (Buffer.byteLength(part.source) > MAX_EXPRESSION_BYTES)
            throw new ExpressionSyntaxError(`expression is longer than ${MAX_EXPRESSION_BYTES} bytes`);
        if (part.source === '')
            throw new ExpressionSyntaxError('empty expression "{{ }}"');
        try {
            return { kind: 'expression', source: part.source, compiled: compile(part.source) };
        }
        catch (error) {
            const reason = error.message ?? String(error);
            throw new ExpressionSyntaxError(reason);
        }
    });
    const whole = parts.length === 1 && parts[0].kind === 'expression';
    return { parts, whole };
}
export const hasExpression = (value) => value.includes('{{');
//# sourceMappingURL=template.js.map