import { describe, expect, it } from 'vitest';
import { context, header, mrkdwn, plain, section } from '../../../../../src/slack/blocks/kit/text.ts';

describe('text kit', () => {
  it('plain text renders emoji codes and is not cut', () => {
    expect(plain('x'.repeat(500))).toEqual({ type: 'plain_text', text: 'x'.repeat(500), emoji: true });
  });

  it('cuts each kind of text to the limit of where it goes', () => {
    const long = '😀'.repeat(4000);
    expect(header(long).text.text.length).toBeLessThanOrEqual(150);
    expect((section(long).text?.text ?? '').length).toBeLessThanOrEqual(3000);
    expect(mrkdwn(long, 2000).text.length).toBeLessThanOrEqual(2000);
    expect(context(long).elements[0]).toEqual(mrkdwn(long));
  });
});
