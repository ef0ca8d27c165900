/** Bundles the `visgate` CLI (src/cli.ts) to `outfile`. */
export declare const bundleCli: (outfile: string) => Promise<unknown>
