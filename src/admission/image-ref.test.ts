import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseImageDigest } from './index.ts';

const HEX = '376e7e01348585b6e6643bc6663146b9d525d9b41228bf180eaeb4d4a3706caa';

test('digest references yield sha256:<hex>', () => {
  for (const image of [
    `registry.example.com/team/app:1.2.3@sha256:${HEX}`,
    `registry.example.com:5000/team/app@sha256:${HEX}`,
    `app@sha256:${HEX}`,
    `[::1]:5000/app:tag@sha256:${HEX}`,
  ]) {
    assert.equal(parseImageDigest(image), `sha256:${HEX}`, image);
  }
});

test('tag-only, other algorithms and malformed digests yield undefined', () => {
  for (const image of [
    'nginx:1.27',
    'registry.example.com:5000/team/app',
    `registry/app@sha256:${HEX.slice(1)}`,
    `registry/app@sha256:${HEX}0`,
    `registry/app@sha256:${HEX.toUpperCase()}`,
    `registry/app@sha512:${HEX}${HEX}`,
    `registry/app@sha256:${'g'.repeat(64)}`,
    `@sha256:${HEX}`,
    `a@b@sha256:${HEX}`,
    `registry/app@sha256:${HEX} `,
    `registry/app@sha256:${HEX}\n`,
    `registry/app:sha256:${HEX}`,
    '',
  ]) {
    assert.equal(parseImageDigest(image), undefined, JSON.stringify(image));
  }
});
