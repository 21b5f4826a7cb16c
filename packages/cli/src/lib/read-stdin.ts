import { CliError } from './cli-error.js';
import type { CliIo } from './cli-io.js';

/** Reads standard input as UTF-8 text, refusing more than `maxBytes`. */
export async function readStdin(stdin: CliIo['stdin'], maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stdin) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk);
    size += buffer.length;
    if (size > maxBytes) throw new CliError('ERR_CLI_USAGE', `standard input is larger than ${maxBytes} bytes`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
