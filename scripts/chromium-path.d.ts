/** What to do when Chromium is missing, said the same way everywhere. */
export declare const CHROMIUM_INSTALL_HINT: string;
/** The Chromium executable (`CHROMIUM_PATH`, else `/usr/bin/chromium`, else `chromium` on PATH), or `undefined`. */
export declare function chromiumPath(env?: NodeJS.ProcessEnv): string | undefined;
