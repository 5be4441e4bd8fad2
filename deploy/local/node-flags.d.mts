/** The V8 flags every service process runs with (node-flags.mjs). */
export declare const serviceNodeFlags: string[];
