declare module 'ajv-formats-draft2019' {
  const apply: (ajv: unknown, options?: { formats?: string[] }) => unknown;
  export default apply;
}
