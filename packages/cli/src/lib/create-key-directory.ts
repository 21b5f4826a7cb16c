import { stat } from 'node:fs/promises';
import { CliError } from './cli-error.js';
import type { CommandContext } from './command.js';
import { makeDirectory } from './make-directory.js';

/**
 * Makes sure the keys directory exists: creates it (and missing parents) with mode 0700, and notes
 * on stderr when an existing directory is open to group or others.
 */
export async function createKeyDirectory(dir: string, context: CommandContext): Promise<void> {
  try {
    await makeDirectory(dir, 0o700);
    const stats = await stat(dir);
    if (!stats.isDirectory())
      throw new CliError('ERR_CLI_IO', `cannot create the keys directory ${dir}: it exists and is not a directory`);
    if (process.platform !== 'win32' && (stats.mode & 0o077) !== 0) {
      context.note(
        `note: ${dir} has mode ${(stats.mode & 0o777).toString(8).padStart(4, '0')}; 0700 keeps others from listing or replacing the key file (chmod 700 ${dir})`,
      );
    }
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError('ERR_CLI_IO', `cannot create the keys directory ${dir}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
