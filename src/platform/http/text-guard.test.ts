import { describe, expect, it } from 'vitest';
import { findUnsafeText } from './text-guard.ts';

describe('findUnsafeText', () => {
  it.each([
    ['plain', 'Acme GmbH'],
    ['RTL and marks', 'شركة ‏עברית‎'],
    ['emoji and ZWJ', '👩🏽‍💻 🚀'],
    ['combining', 'e\u0301'],
    ['tab, LF, CR', 'a\tb\nc\r\n'],
  ])('accepts %s', (_name, s) => {
    expect(findUnsafeText({ s }, '/body')).toEqual([]);
  });

  it.each([
    ['NUL', 'a\u0000b', 'control'],
    ['BEL', '\u0007', 'control'],
    ['ESC (terminal escapes)', '\u001b[31m', 'control'],
    ['DEL', '\u007f', 'control'],
    ['C1 NEL', '\u0085', 'control'],
    ['lone high surrogate', '\ud800x', 'Unicode'],
    ['lone low surrogate', 'x\udc00', 'Unicode'],
  ])('refuses %s', (_name, s, kind) => {
    expect(findUnsafeText({ a: [{ b: s }] }, '/body')).toEqual([{ path: '/body/a/0/b', message: expect.stringContaining(kind) }]);
  });

  it('checks keys, escapes JSON pointers, caps nesting and skips non-plain objects', () => {
    expect(findUnsafeText({ 'k\u0000': 1 }, '/body')[0]!.message).toMatch(/^key /);
    expect(findUnsafeText({ 'a/b~': '\u0000' }, '/body')).toEqual([{ path: '/body/a~1b~0', message: expect.any(String) }]);
    let deep: unknown = 'x';
    for (let i = 0; i < 100; i++) deep = [deep];
    expect(findUnsafeText(deep, '/body')[0]!.message).toMatch(/nested/);
    expect(findUnsafeText(Buffer.from([0]), '/body')).toEqual([]);
    expect(findUnsafeText(new Map([['a', '\u0000']]), '/body')).toEqual([]);
    const query = Object.assign(Object.create(null) as Record<string, string>, { number: 'INV\u0000' });
    expect(findUnsafeText(query, '/query')).toHaveLength(1);
  });
});
