import { anyMatches, decodeSignature, hmac, requireHeader, unauthorized, type AuthRequest } from './auth-request.js';

export interface GenericHmacSettings {
  headerName: string;
  algorithm: 'sha1' | 'sha256' | 'sha512';
  encoding: 'hex' | 'base64';
}

/**
 * Any sender that signs the raw body: `headerName` carries the HMAC in `encoding`, optionally
 * prefixed with `<algorithm>=` as many senders do.
 */
export function verifyGenericHmac(request: AuthRequest, secret: string, settings: GenericHmacSettings): string[] {
  let value = requireHeader(request, settings.headerName);
  const prefix = `${settings.algorithm}=`;
  if (value.toLowerCase().startsWith(prefix)) value = value.slice(prefix.length);
  const expected = hmac(settings.algorithm, secret, request.raw);
  if (!anyMatches(expected, [decodeSignature(value, settings.encoding)])) throw unauthorized(`Invalid ${settings.headerName} signature`);
  return [settings.headerName];
}
