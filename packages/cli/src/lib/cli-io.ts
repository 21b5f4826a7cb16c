/** Where a text goes: `process.stdout`, `process.stderr` or a test buffer. */
export interface TextSink {
  write(text: string): unknown;
}

/**
 * Everything the CLI touches besides the file system and the network, so that `run()` is a function
 * of its arguments: no `process.env`, no `process.exit`.
 */
export interface CliIo {
  /** Standard input, read only by commands given `-` (or no token). */
  readonly stdin: AsyncIterable<Uint8Array | string> & { readonly isTTY?: boolean };
  readonly stdout: TextSink;
  readonly stderr: TextSink;
  /** Current time in milliseconds. @default Date.now */
  readonly now?: () => number;
}
