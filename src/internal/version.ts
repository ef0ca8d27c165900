/** Package version; a test keeps it equal to package.json's. @internal */
export const VERSION = "0.1.0"

/** The `User-Agent` sent where the runtime allows setting one. @internal */
export const USER_AGENT = `visgate-sdk-js/${VERSION}`
