import { runCli } from './support/run-cli.js';

const commands = [
  ['keys', 'init'],
  ['keys', 'list'],
  ['keys', 'rotate'],
  ['keys', 'import'],
  ['jwks'],
  ['inspect'],
  ['sign'],
];

describe('jwks-kit help and usage errors', () => {
  it.each(commands.map((command) => [command.join(' '), command]))(
    '%s --help prints usage, options and exit codes',
    async (_name, command) => {
      const result = await runCli([...command, '--help']);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(new RegExp(`^Usage: jwks-kit ${command.join(' ')}`));
      expect(result.stdout).toContain('--json');
      expect(result.stdout).toContain('Exit codes');
    },
  );

  it('keys without a subcommand lists the keys commands on stderr with exit 2', async () => {
    const result = await runCli(['keys']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('keys rotate');
    expect(result.stderr).not.toContain('inspect');
  });

  it('sign --help labels it a development tool', async () => {
    expect((await runCli(['help', 'sign'])).stdout).toContain('DEVELOPMENT TOOL');
  });

  it('lists every command with --help (exit 0) and on stderr without arguments (exit 2)', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    for (const command of commands) expect(help.stdout).toContain(`  ${command.join(' ')}  `);
    expect(help.stdout).toContain('Exit codes');
    const bare = await runCli([]);
    expect(bare.code).toBe(2);
    expect(bare.stdout).toBe('');
    expect(bare.stderr).toContain('Usage: jwks-kit <command>');
  });

  it('answers an unknown command with exit 2', async () => {
    const result = await runCli(['frobnicate']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown command "frobnicate"');
  });

  it('answers an unknown option with exit 2 and points to --help', async () => {
    const result = await runCli(['inspect', '--bogus']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Unknown option '--bogus'");
    expect(result.stderr).toContain('jwks-kit inspect --help');
  });
});
