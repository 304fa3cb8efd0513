import { describe, expect, it } from 'vitest';
import { renderBlocks } from '../../../../src/playground/render/index.ts';
import { buildCard } from '../../../../src/slack/blocks/card.ts';
import { approvedRow, requestRow } from '../../../support/request-row.ts';
import { demoContext } from './context.ts';

describe('rendering the blocks the app builds', () => {
  it('renders a pending card with its buttons and nothing unsupported', () => {
    const html = renderBlocks(buildCard(requestRow({ risk: 'critical' })).blocks, demoContext());
    expect(html).not.toContain('bk-unsupported');
    expect(html).toMatch(
      /<button type="button" class="bk-button bk-button--primary" data-bk-type="button" data-action-id="approve_request"/,
    );
    expect(html).toContain('data-block-id="decision"');
    expect(html).toContain('<dialog class="bk-confirm"');
    expect(html).toContain('@Rita');
  });

  it('renders an approved card without buttons', () => {
    const html = renderBlocks(buildCard(approvedRow()).blocks, demoContext());
    expect(html).not.toContain('bk-unsupported');
    expect(html).not.toContain('data-action-id="approve_request"');
  });
});
