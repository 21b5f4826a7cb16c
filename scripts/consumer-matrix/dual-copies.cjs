// Loads the CommonJS and the ESM build of every package side by side (two copies of each class) and checks
// that every is*Error guard of one copy recognises the other copy's errors, where instanceof cannot.
const { strict: assert } = require('node:assert');

const SUBPATHS = process.argv.slice(2);
/** Classes whose constructor looks its code up in a fixed table: one of their real codes. */
const CODES = { DpopTokenRequestError: 'ERR_DPOP_PROOF_INVALID' };

(async () => {
  let checked = 0;
  for (const subpath of SUBPATHS) {
    const cjs = require(subpath);
    const esm = await import(subpath);
    for (const guard of Object.keys(cjs).filter((name) => /^is[A-Za-z]+Error$/.test(name))) {
      const className = guard.slice(2);
      assert.notEqual(cjs[className], esm[className], `${subpath}: two copies of ${className} are loaded`);
      const code = CODES[className] ?? 'ERR_TEST';
      const fromEsm = new esm[className](code, 'from the ESM copy');
      const fromCjs = new cjs[className](code, 'from the CommonJS copy');
      assert.equal(fromEsm instanceof cjs[className], false);
      assert.equal(cjs[guard](fromEsm), true, `${subpath}: CommonJS ${guard} recognises an ESM ${className}`);
      assert.equal(esm[guard](fromCjs), true, `${subpath}: ESM ${guard} recognises a CommonJS ${className}`);
      assert.equal(cjs[guard](Object.assign(new Error('x'), { name: className, code: 'ERR_TEST' })), false);
      checked += 1;
    }
  }
  assert.ok(checked >= 6, `found only ${checked} error guards`);
  console.log(`dual copies: ${checked} error guards recognise the other build's errors`);
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
