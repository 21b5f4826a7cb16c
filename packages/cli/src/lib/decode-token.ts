import { CliError } from './cli-error.js';

/** A compact JWS split and decoded, without any signature check. */
export interface DecodedToken {
  readonly header: Readonly<Record<string, unknown>>;
  readonly claims: Readonly<Record<string, unknown>>;
  /** Bytes of the whole token and of each base64url part. */
  readonly size: Readonly<{ total: number; header: number; payload: number; signature: number }>;
}

const base64url = /^[A-Za-z0-9_-]*$/;

function decodePart(part: string, name: 'header' | 'payload'): Record<string, unknown> {
  if (part === '') throw malformed(`the ${name} is empty`);
  if (!base64url.test(part))
    throw malformed(`the ${name} is not base64url (characters outside A-Z a-z 0-9 - _, or padding)`);
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    throw malformed(`the ${name} is not JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw malformed(`the ${name} is not a JSON object`);
  return value as Record<string, unknown>;
}

function malformed(reason: string): CliError {
  return new CliError('ERR_CLI_MALFORMED_TOKEN', `malformed token: ${reason}`);
}

/**
 * Decodes a compact JWS (`header.payload.signature`) strictly: three base64url parts without
 * padding, header and payload JSON objects. Throws a {@link CliError} `ERR_CLI_MALFORMED_TOKEN`
 * whose message names the broken part and never echoes the token.
 */
export function decodeToken(token: string): DecodedToken {
  const parts = token.split('.');
  if (parts.length === 5)
    throw malformed('it has 5 parts: an encrypted JWE, which cannot be inspected without the key');
  if (parts.length !== 3)
    throw malformed(`expected 3 dot-separated parts (header.payload.signature), found ${parts.length}`);
  const [header = '', payload = '', signature = ''] = parts;
  if (!base64url.test(signature)) throw malformed('the signature is not base64url');
  return {
    header: decodePart(header, 'header'),
    claims: decodePart(payload, 'payload'),
    size: {
      total: Buffer.byteLength(token),
      header: header.length,
      payload: payload.length,
      signature: signature.length,
    },
  };
}
