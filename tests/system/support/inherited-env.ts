/** The variables that point a service at a developer's own Redis or issuer: never passed on to a test's children. */
export const SERVICE_LOCATION_VARIABLES = [
  'REDIS_URL',
  'REDIS_SENTINELS',
  'REDIS_SENTINEL_NAME',
  'REDIS_PASSWORD',
  'REDIS_WAIT_FOR_REPLICAS',
  'ISSUER_URL',
] as const;

/** This process's environment without {@link SERVICE_LOCATION_VARIABLES}, for a child service to start from. */
export function inheritedEnv(): NodeJS.ProcessEnv {
  const inherited = { ...process.env };
  for (const name of SERVICE_LOCATION_VARIABLES) delete inherited[name];
  return inherited;
}
