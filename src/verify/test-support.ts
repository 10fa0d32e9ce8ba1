// Shared by the verify tests: run a check and return its VerifyError code, or 'OK'.
import assert from 'node:assert/strict';
import { VerifyError, type VerifyErrorCode } from './error.ts';

export function verifyCode(fn: () => unknown): VerifyErrorCode | 'OK' {
  try {
    fn();
    return 'OK';
  } catch (e) {
    assert.ok(e instanceof VerifyError, `expected a VerifyError, got ${String(e)}`);
    return e.code;
  }
}
