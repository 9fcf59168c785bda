import { describe, expect, it } from 'vitest';
import { linkifyText } from './linkify';

describe('linkifyText', () => {
  it('makes http and https URLs links and keeps the text around them', () => {
    expect(linkifyText('CI run https://ci.example.com/runs/42 by alice')).toEqual([
      { text: 'CI run ' },
      { text: 'https://ci.example.com/runs/42', href: 'https://ci.example.com/runs/42' },
      { text: ' by alice' },
    ]);
    expect(linkifyText('http://a.example/x and https://b.example/y')).toEqual([
      { text: 'http://a.example/x', href: 'http://a.example/x' },
      { text: ' and ' },
      { text: 'https://b.example/y', href: 'https://b.example/y' },
    ]);
  });
  it('leaves sentence punctuation out of the link, but keeps a parenthesis the URL opened', () => {
    expect(linkifyText('see https://ci.example.com/run/7.')).toEqual([{ text: 'see ' }, { text: 'https://ci.example.com/run/7', href: 'https://ci.example.com/run/7' }, { text: '.' }]);
    expect(linkifyText('(https://ci.example.com/run/7)')[1]).toEqual({ text: 'https://ci.example.com/run/7', href: 'https://ci.example.com/run/7' });
    expect(linkifyText('https://en.example.org/wiki/A_(b).')[0]).toEqual({ text: 'https://en.example.org/wiki/A_(b)', href: 'https://en.example.org/wiki/A_(b)' });
  });
  it('never links another scheme: javascript:, data:, file: stay text', () => {
    for (const text of ['javascript:alert(1)', 'data:text/html,<b>x</b>', 'file:///etc/passwd', 'ftp://files.example/x', 'xhttps://evil.example']) {
      expect(linkifyText(text)).toEqual([{ text }]);
    }
  });
  it('keeps text without URLs as one part, and empty text as none', () => {
    expect(linkifyText('manual lock for maintenance')).toEqual([{ text: 'manual lock for maintenance' }]);
    expect(linkifyText('')).toEqual([]);
    expect(linkifyText('https://')).toEqual([{ text: 'https://' }]);
  });
});
