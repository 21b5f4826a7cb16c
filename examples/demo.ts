import { runDemo } from './demo/run-demo.js';

// `pnpm demo [--once]`: the three example services and a guided tour (see the README).
process.exit(await runDemo({ argv: process.argv.slice(2) }));
