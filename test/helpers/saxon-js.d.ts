// Minimal typing of the parts of saxon-js the test harness uses (the package ships no types).
declare module 'saxon-js' {
  interface TransformOptions {
    stylesheetInternal?: unknown;
    stylesheetFileName?: string;
    sourceText?: string;
    destination?: 'document' | 'serialized' | 'raw';
  }
  const SaxonJS: {
    transform(options: TransformOptions, mode: 'sync'): { principalResult: unknown };
    XPath: {
      evaluate(expr: string, context: unknown, options?: { resultForm?: 'array' | 'iterator' | 'default' }): unknown;
    };
  };
  export default SaxonJS;
}
