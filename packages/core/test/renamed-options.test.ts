import { refuseRenamedOptions } from '../src/index.js';

describe('refuseRenamedOptions', () => {
  const renames = { maxLifetimeSeconds: '`maxTokenLifetimeSeconds`' };

  it('throws a TypeError naming the retired option and its replacement', () => {
    expect(() => refuseRenamedOptions({ maxLifetimeSeconds: 600 }, renames)).toThrow(
      new TypeError('option `maxLifetimeSeconds` was renamed: use `maxTokenLifetimeSeconds`'),
    );
  });

  it('counts an option set to undefined too (it was written, so it was meant)', () => {
    expect(() => refuseRenamedOptions({ maxLifetimeSeconds: undefined }, renames)).toThrow(TypeError);
  });

  it('lets options without retired names through, and ignores what is not an object', () => {
    expect(() => refuseRenamedOptions({ maxTokenLifetimeSeconds: 600 }, renames)).not.toThrow();
    expect(() => refuseRenamedOptions(undefined, renames)).not.toThrow();
  });
});
