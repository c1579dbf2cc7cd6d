// Declarations of api-types.mjs for the TypeScript test that imports it (src/api/schema.test.ts).
export declare const DOCUMENT: URL
export declare const OUTPUT: URL
export declare const REGENERATE: string
export declare const OPTIONS: Readonly<Record<string, unknown>>
export declare function generateApiTypes(document?: URL): Promise<string>
