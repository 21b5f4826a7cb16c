const built = new WeakSet<ScopeSet>();

/**
 * The scopes of a verified token: a `Set` whose `add`, `delete` and `clear` throw once it is built, so that a
 * handler cannot grant a scope to a token (a cached token's scopes serve all of its requests). Every token has
 * its own instance, even an empty one: `Set.prototype.add.call` on one reaches no other token.
 */
export class ScopeSet extends Set<string> {
  constructor(scopes: Iterable<string>) {
    super(scopes);
    built.add(this);
    Object.freeze(this);
  }

  override add(scope: string): this {
    if (built.has(this)) throw readOnly();
    return super.add(scope);
  }

  override delete(scope: string): boolean {
    if (built.has(this)) throw readOnly();
    return super.delete(scope);
  }

  override clear(): void {
    if (built.has(this)) throw readOnly();
    super.clear();
  }
}

function readOnly(): TypeError {
  return new TypeError('the scopes of a verified access token are read-only');
}
