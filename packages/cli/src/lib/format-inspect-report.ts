import type { DecodedToken } from './decode-token.js';
import type { TokenDescription } from './describe-token.js';
import { formatTable } from './format-table.js';

/** The outcome of verifying a token against a JWKS. */
export interface VerificationOutcome {
  readonly valid: boolean;
  /** Where the keys came from (URL or file). */
  readonly jwks: string;
  /** The verifier's error code when invalid. */
  readonly code?: string;
  readonly message?: string;
  /** Whether iss and aud were compared with expected values (`--issuer`, `--audience`) or taken from the token. */
  readonly checked?: Readonly<{ issuer: boolean; audience: boolean }>;
}

/** Everything `inspect` reports: `--json` prints it as is. */
export interface InspectReport extends DecodedToken, TokenDescription {
  /** True only when the signature and claims were checked against a JWKS and passed. */
  readonly verified: boolean;
  readonly verification?: VerificationOutcome;
}

const unverifiedBanner = [
  '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!',
  '!!  UNVERIFIED: the signature was NOT checked. Anyone can write these   !!',
  '!!  claims. Verify with --jwks URL|FILE before trusting anything below. !!',
  '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!',
].join('\n');

function show(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function banner(report: InspectReport): string {
  const outcome = report.verification;
  if (!outcome) return unverifiedBanner;
  if (outcome.valid) {
    const unchecked = [
      outcome.checked?.issuer ? '' : 'issuer (--issuer)',
      outcome.checked?.audience ? '' : 'audience (--audience)',
    ].filter(Boolean);
    const note = unchecked.length > 0 ? `\n  not compared with expected values: ${unchecked.join(', ')}` : '';
    return `VERIFIED against ${outcome.jwks}: signature, algorithm, typ and times checked.${note}`;
  }
  return `INVALID (${outcome.code ?? 'unknown'}): ${outcome.message ?? 'verification failed'}\n  checked against ${outcome.jwks}`;
}

/** The human-readable `inspect` output: banner, size, header, claims with times, warnings. */
export function formatInspectReport(report: InspectReport): string {
  const { size, header, claims, times, warnings } = report;
  const headerRows = Object.entries(header).map(([name, value]) => [`  ${name}`, show(value)]);
  const claimRows = Object.entries(claims).map(([name, value]) => {
    const time = times[name];
    return [`  ${name}`, time ? `${time.value}  ${time.utc}  (${time.relative})` : show(value)];
  });
  const sections = [
    banner(report),
    `Token  ${size.total} bytes (header ${size.header}, payload ${size.payload}, signature ${size.signature})`,
    `Header\n${formatTable(headerRows).trimEnd()}`,
    `Claims\n${claimRows.length > 0 ? formatTable(claimRows).trimEnd() : '  (none)'}`,
  ];
  if (warnings.length > 0) sections.push(`Warnings\n${warnings.map((warning) => `  - ${warning}`).join('\n')}`);
  return `${sections.join('\n\n')}\n`;
}
