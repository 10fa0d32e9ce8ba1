/**
 * Typed errors of the policy module (closed code union, see STYLE.md §1).
 *
 * A policy that cannot be loaded must stop start-up with a message a human can
 * act on, so every load error names the file, the 1-based line and column, and
 * the field as a JSON pointer (RFC 6901) into the YAML document.
 */
export type PolicyErrorCode =
  /** YAML syntax, schema, regex, glob, purl or vers range errors; conflicting policies. */
  | 'POLICY_INVALID'
  /** The policy directory or a file in it exists but could not be read. */
  | 'POLICY_IO'
  /** evaluate() was called with facts for a different artifact: cannot decide. */
  | 'EVALUATION_INVALID';

export interface PolicyIssue {
  file: string;
  /** 1-based; 0 when no position is known. */
  line: number;
  /** 1-based; 0 when no position is known. */
  column: number;
  /** JSON pointer of the offending field ('' = the document). */
  field: string;
  message: string;
}

export function formatIssue(i: PolicyIssue): string {
  const where = i.line > 0 ? `${i.file}:${i.line}:${i.column}` : i.file;
  return `${where}: ${i.field || '/'}: ${i.message}`;
}

export class PolicyError extends Error {
  override readonly name = 'PolicyError';
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly field: string;
  /** Every issue found (the error's own fields describe the first). */
  readonly issues: readonly PolicyIssue[];

  constructor(code: PolicyErrorCode, issues: readonly PolicyIssue[]);
  constructor(code: PolicyErrorCode, message: string);
  constructor(
    readonly code: PolicyErrorCode,
    issuesOrMessage: readonly PolicyIssue[] | string,
  ) {
    const issues: readonly PolicyIssue[] =
      typeof issuesOrMessage === 'string'
        ? [{ file: '', line: 0, column: 0, field: '', message: issuesOrMessage }]
        : issuesOrMessage;
    const first = issues[0] ?? { file: '', line: 0, column: 0, field: '', message: 'unknown policy error' };
    super(
      typeof issuesOrMessage === 'string'
        ? issuesOrMessage
        : issues.map(formatIssue).join('\n'),
    );
    this.issues = issues;
    this.file = first.file;
    this.line = first.line;
    this.column = first.column;
    this.field = first.field;
  }
}
