import { readFileSync } from 'node:fs';
import { type CanonicalEvent, decodeEvent, EVENT_KINDS, encodeEvent } from '@quantkubera/core';
import { describe, expect, it } from 'vitest';

// Bytes written by schema version 1, frozen. If this test fails, a released layout changed:
// that breaks every recorded log. Make a new version instead (docs/schema-evolution.md).
const golden = JSON.parse(
  readFileSync(new URL('./fixtures/codec-v1-golden.json', import.meta.url), 'utf8'),
) as {
  event: CanonicalEvent;
  hex: string;
}[];

describe('version-1 frames are frozen', () => {
  it('covers every kind', () => {
    expect(new Set(golden.map((g) => g.event.kind))).toEqual(new Set(EVENT_KINDS));
  });

  for (const [i, { event, hex }] of golden.entries()) {
    it(`${event.kind} #${i}: encodes to the recorded bytes and decodes back`, () => {
      expect(Buffer.from(encodeEvent(event)).toString('hex')).toBe(hex);
      expect(decodeEvent(new Uint8Array(Buffer.from(hex, 'hex')))).toEqual(event);
    });
  }
});
