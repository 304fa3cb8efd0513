import { describe, expect, it } from 'vitest';
import { buildGrantModal } from '../../../../src/slack/blocks/grant-modal.ts';
import { validateView } from '../../../support/block-kit.ts';
import { approvedRow } from '../../../support/request-row.ts';

const ISSUER = 'https://greenlight.example.com';

describe('Show grant modal', () => {
  it('shows the whole token preformatted, its expiry, and how to verify it against the JWKS', () => {
    // A real grant is 600–900 characters; a generous one still fits.
    const token = `eyJ${'a'.repeat(1200)}.${'b'.repeat(600)}.${'c'.repeat(86)}`;
    const view = buildGrantModal(approvedRow({ source: 'slack', grantToken: token }), ISSUER);
    expect(validateView(view)).toEqual([]);
    expect(view.title.text).toBe('Your grant');
    expect(view.submit).toBeUndefined();
    expect(view.blocks.find((b) => b.type === 'rich_text')).toEqual({
      type: 'rich_text',
      block_id: 'grant_token',
      elements: [{ type: 'rich_text_preformatted', elements: [{ type: 'text', text: token }] }],
    });
    const text = JSON.stringify(view);
    expect(text).toContain(`Expires <!date^${Date.parse('2026-11-23T10:20:00Z') / 1000}^`);
    expect(text).toContain(`<${ISSUER}/.well-known/jwks.json|`);
    expect(text).toContain(`\`iss\` is \`${ISSUER}\``);
    expect(text).toContain('`aud` is `slack`');
  });

  it('says how the grant ended instead of showing it, and never shows the token then', () => {
    const ended = buildGrantModal(
      approvedRow({ status: 'executed', executedAt: new Date('2026-11-23T10:07:00Z') }),
      ISSUER,
    );
    expect(validateView(ended)).toEqual([]);
    const text = JSON.stringify(ended);
    expect(text).toContain('There is no grant to show');
    expect(text).toContain('*Executed* <!date^');
    expect(text).not.toContain('eyJhbGciOiJFZERTQSJ9');
    const revoked = JSON.stringify(
      buildGrantModal(
        approvedRow({
          status: 'revoked',
          grantEndedAt: new Date(),
          grantEndedBy: 'U0REQUEST1',
          grantEndReason: 'done',
        }),
        ISSUER,
      ),
    );
    expect(revoked).toContain('*Access revoked* by <@U0REQUEST1>');
    expect(JSON.stringify(buildGrantModal(approvedRow({ status: 'denied' }), ISSUER))).toContain(
      'the request is denied',
    );
  });
});
