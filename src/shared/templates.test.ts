import { describe, expect, it } from 'vitest';
import { renderTemplate, unknownPlaceholders } from './templates.ts';

describe('email template placeholders', () => {
  const values = {
    'client.name': 'Zeta <b>Ltd</b>',
    'document.number': 'INV-7',
    'org.name': 'Acme\r\nBcc: x@evil.test',
  };

  it('replaces placeholders and nothing else; never evaluates', () => {
    expect(renderTemplate('Dear {{ client.name }}, invoice {{document.number}}.', values)).toBe(
      'Dear Zeta <b>Ltd</b>, invoice INV-7.',
    );
    expect(
      renderTemplate('{{constructor.constructor}}{{constructor}}{{toString}} {{__proto__}} {{ 1+1 }} ${x}', values),
    ).toBe(' {{__proto__}} {{ 1+1 }} ${x}');
  });

  it('keeps a header on one line, so a value cannot add a header', () => {
    expect(renderTemplate('Invoice from {{org.name}}', values, 'header')).toBe('Invoice from Acme Bcc: x@evil.test');
    expect(renderTemplate('Line one\r\nBcc: y@evil.test', values, 'header')).toBe('Line one Bcc: y@evil.test');
  });

  it('escapes values for HTML', () => {
    expect(renderTemplate('<p>{{client.name}}</p>', values, 'html')).toBe('<p>Zeta &lt;b&gt;Ltd&lt;/b&gt;</p>');
  });

  it('names placeholders a kind does not offer', () => {
    expect(unknownPlaceholders('invoice', '{{document.number}} {{reminder.outstanding}} {{secret.key}}')).toEqual([
      'reminder.outstanding',
      'secret.key',
    ]);
    expect(unknownPlaceholders('reminder', '{{reminder.outstanding}}')).toEqual([]);
  });
});
