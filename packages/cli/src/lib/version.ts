/** The version `jwks-kit --version` prints (a test keeps it equal to package.json's). */
export const CLI_VERSION = '0.1.0';
