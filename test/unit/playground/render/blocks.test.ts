import { describe, expect, it } from 'vitest';
import { renderBlocks, renderMessage, renderView } from '../../../../src/playground/render/index.ts';
import { demoContext } from './context.ts';

const render = (blocks: unknown[]) => renderBlocks(blocks, demoContext());
const mrkdwn = (text: string) => ({ type: 'mrkdwn', text });
const plain = (text: string) => ({ type: 'plain_text', text });

describe('layout blocks', () => {
  it('renders a header as a heading, plain text escaped', () => {
    expect(render([{ type: 'header', block_id: 'h', text: plain('Deploy <prod> *now*') }])).toContain(
      '<div class="bk-block bk-header" data-block-id="h"><h3 class="bk-header-text">Deploy &lt;prod&gt; *now*</h3></div>',
    );
  });

  it('renders a section with text', () => {
    expect(render([{ type: 'section', block_id: 's', text: mrkdwn('*Hi*') }])).toContain(
      '<div class="bk-section-text"><span class="bk-text bk-mrkdwn"><b>Hi</b></span></div>',
    );
  });

  it('renders section fields in a two-column grid', () => {
    const html = render([{ type: 'section', fields: [mrkdwn('*A*\n1'), plain('B')] }]);
    expect(html).toContain(
      '<div class="bk-fields"><div class="bk-field"><span class="bk-text bk-mrkdwn"><b>A</b><br>1</span></div><div class="bk-field"><span class="bk-text bk-plain">B</span></div></div>',
    );
  });

  it('renders a section accessory to the right of the text', () => {
    const html = render([
      {
        type: 'section',
        block_id: 'acc',
        text: mrkdwn('text'),
        accessory: { type: 'button', action_id: 'go', text: plain('Go'), value: 'v' },
      },
    ]);
    expect(html).toMatch(
      /<div class="bk-section-main">.*<\/div><div class="bk-accessory"><button type="button" class="bk-button" data-bk-type="button" data-action-id="go" data-value="v"/,
    );
  });

  it('renders a section accessory image', () => {
    const html = render([
      {
        type: 'section',
        text: mrkdwn('x'),
        accessory: { type: 'image', image_url: 'https://x.example/a.png', alt_text: 'A "pic"' },
      },
    ]);
    expect(html).toContain(
      '<img class="bk-image-el" src="https://x.example/a.png" alt="A &quot;pic&quot;" loading="lazy">',
    );
  });

  it('renders a context block with text and images, small and grey', () => {
    const html = render([
      {
        type: 'context',
        block_id: 'c',
        elements: [
          { type: 'image', image_url: 'https://x.example/i.png', alt_text: 'icon' },
          mrkdwn('by <@U0REQUEST1>'),
        ],
      },
    ]);
    expect(html).toContain('<div class="bk-block bk-context" data-block-id="c"><img class="bk-image-el"');
    expect(html).toContain('by <span class="bk-mention bk-mention--user">@Rita</span>');
  });

  it('renders a divider', () => {
    expect(render([{ type: 'divider', block_id: 'd' }])).toContain(
      '<div class="bk-block bk-divider" data-block-id="d"><hr class="bk-hr"></div>',
    );
  });

  it('renders an actions block with each element', () => {
    const html = render([
      {
        type: 'actions',
        block_id: 'acts',
        elements: [
          { type: 'button', action_id: 'a', text: plain('A') },
          { type: 'button', action_id: 'b', text: plain('B'), style: 'danger' },
        ],
      },
    ]);
    expect(html).toContain('<div class="bk-block bk-actions" data-block-id="acts"><div class="bk-action"><button');
    expect(html.match(/class="bk-action"/g)).toHaveLength(2);
  });

  it('renders an input block with its label, optional marker, hint and error slot', () => {
    const html = render([
      {
        type: 'input',
        block_id: 'why',
        optional: true,
        dispatch_action: true,
        label: plain('Reason <why>'),
        hint: plain('Be brief'),
        element: { type: 'plain_text_input', action_id: 'why' },
      },
    ]);
    expect(html).toContain(
      '<div class="bk-block bk-input" data-block-id="why" data-dispatch-action="true" data-optional="true">',
    );
    expect(html).toMatch(
      /<label class="bk-label" for="(bk\d+)">Reason &lt;why&gt; <span class="bk-optional">\(optional\)<\/span><\/label><input id="\1"/,
    );
    expect(html).toContain('<div class="bk-hint"><span class="bk-text bk-plain">Be brief</span></div>');
    expect(html).toContain('<div class="bk-input-error" role="alert" hidden></div>');
  });

  it('leaves data-dispatch-action off input blocks that do not dispatch', () => {
    const html = render([{ type: 'input', label: plain('X'), element: { type: 'plain_text_input', action_id: 'x' } }]);
    expect(html).not.toContain('data-dispatch-action');
  });

  it('renders an image block with its title, refusing non-http sources', () => {
    const html = render([
      { type: 'image', image_url: 'https://x.example/big.png', alt_text: 'chart', title: plain('Usage') },
      { type: 'image', image_url: 'javascript:alert(1)', alt_text: 'bad' },
    ]);
    expect(html).toContain(
      '<figcaption class="bk-image-title"><span class="bk-text bk-plain">Usage</span></figcaption>',
    );
    expect(html).toContain('<img class="bk-image" src="https://x.example/big.png" alt="chart" loading="lazy">');
    expect(html).not.toContain('javascript:');
    expect(html).toContain('<span class="bk-image-missing">bad</span>');
  });

  it('renders rich_text: sections, styles, lists, preformatted text, quotes and mentions', () => {
    const html = render([
      {
        type: 'rich_text',
        elements: [
          {
            type: 'rich_text_section',
            elements: [
              { type: 'text', text: 'Hi ', style: { bold: true } },
              { type: 'user', user_id: 'U0APPROVA1' },
              { type: 'text', text: ' <x>', style: { code: true } },
              { type: 'link', url: 'https://x.example', text: 'site' },
              { type: 'emoji', name: 'tada', unicode: '1f389' },
              { type: 'usergroup', usergroup_id: 'S0APPROVER' },
              { type: 'channel', channel_id: 'C0APPROVAL' },
              { type: 'broadcast', range: 'here' },
            ],
          },
          {
            type: 'rich_text_list',
            style: 'ordered',
            offset: 2,
            elements: [{ type: 'rich_text_section', elements: [{ type: 'text', text: 'third' }] }],
          },
          { type: 'rich_text_preformatted', elements: [{ type: 'text', text: 'token <secret>' }] },
          { type: 'rich_text_quote', elements: [{ type: 'text', text: 'quoted' }] },
        ],
      },
    ]);
    expect(html).toContain(
      '<b>Hi </b><span class="bk-mention bk-mention--user">@Ana</span><code class="bk-code"> &lt;x&gt;</code>',
    );
    expect(html).toContain('<a class="bk-link" href="https://x.example"');
    expect(html).toContain('🎉');
    expect(html).toContain('@approvers');
    expect(html).toContain('#approvals');
    expect(html).toContain('@here');
    expect(html).toContain('<ol class="bk-rt-list" style="margin-left:0em" start="3"><li>third</li></ol>');
    expect(html).toContain('<pre class="bk-pre">token &lt;secret&gt;</pre>');
    expect(html).toContain('<blockquote class="bk-quote">quoted</blockquote>');
    expect(html).not.toContain('bk-unsupported');
  });

  it('gives a block without block_id a stable one', () => {
    expect(render([{ type: 'divider' }, { type: 'divider' }])).toMatch(/data-block-id="blk-0".*data-block-id="blk-1"/);
  });

  it('escapes a hostile block_id', () => {
    expect(render([{ type: 'divider', block_id: '"><script>x</script>' }])).toContain(
      'data-block-id="&quot;&gt;&lt;script&gt;x&lt;/script&gt;"',
    );
  });
});

describe('what the renderer does not know', () => {
  it('shows a visible placeholder for an unknown block, element or non-array, and never throws', () => {
    expect(render([{ type: 'video', title: plain('x') }])).toContain(
      '<div class="bk-unsupported">unsupported: video</div>',
    );
    expect(render([{ type: 'actions', elements: [{ type: 'workflow_button' }] }])).toContain(
      'unsupported: workflow_button',
    );
    expect(renderBlocks('nope', demoContext())).toContain('unsupported: string');
    expect(renderBlocks(null, demoContext())).toContain('unsupported: null');
    expect(render([null, 3, { type: '<b>' }])).toContain('unsupported: &lt;b&gt;');
    expect(() => render([{ type: 'section', fields: 'x', accessory: 5 }])).not.toThrow();
  });
});

describe('messages and views', () => {
  it('shows a message text as mrkdwn when there are no blocks', () => {
    expect(renderMessage({ text: 'Hi *there*' }, demoContext())).toContain('Hi <b>there</b>');
    expect(renderMessage({ text: 'fallback', blocks: [] }, demoContext())).toContain('fallback');
  });

  it('shows the blocks, not the text, when there are blocks', () => {
    const html = renderMessage({ text: 'fallback', blocks: [{ type: 'divider' }] }, demoContext());
    expect(html).not.toContain('fallback');
    expect(html).toContain('bk-divider');
  });

  it('renders a modal as a form with title, blocks, close and submit', () => {
    const html = renderView(
      {
        type: 'modal',
        id: 'V1',
        callback_id: 'deny_modal',
        title: plain('Deny <request>'),
        submit: plain('Deny'),
        close: plain('Cancel'),
        blocks: [{ type: 'divider' }],
      },
      demoContext({ surface: 'modal' }),
    );
    expect(html).toMatch(
      /^<form class="bk-view bk-modal" role="dialog" aria-labelledby="(bk\d+)" novalidate data-view-id="V1" data-callback-id="deny_modal"><header class="bk-modal-header"><h2 class="bk-modal-title" id="\1">Deny &lt;request&gt;<\/h2>/,
    );
    expect(html).toContain(
      '<footer class="bk-modal-footer"><button type="button" class="bk-button bk-modal-close">Cancel</button><button type="submit" class="bk-button bk-button--primary bk-modal-submit">Deny</button></footer></form>',
    );
    expect(html).toContain('bk-surface-modal');
  });

  it('renders a modal without submit with only its close button', () => {
    const html = renderView({ type: 'modal', title: plain('Info'), blocks: [] }, demoContext({ surface: 'modal' }));
    expect(html).toContain('>Cancel</button></footer>');
    expect(html).not.toContain('bk-modal-submit');
  });

  it('renders Home as its blocks', () => {
    const html = renderView({ type: 'home', blocks: [{ type: 'divider' }] }, demoContext({ surface: 'home' }));
    expect(html).toMatch(/^<div class="bk-view bk-home"><div class="bk-blocks bk-surface-home">/);
  });

  it('shows a placeholder for a view of another kind', () => {
    expect(renderView({ type: 'workflow_step', blocks: [] }, demoContext())).toContain('unsupported: workflow_step');
  });

  it('shows what view.state holds instead of initial values, as Slack keeps entries across views.update', () => {
    const option = (text: string, value: string) => ({ text: plain(text), value });
    const input = (id: string, element: Record<string, unknown>) => ({
      type: 'input',
      block_id: id,
      label: plain(id),
      element: { action_id: id, ...element },
    });
    const html = renderView(
      {
        type: 'modal',
        title: plain('Rule'),
        submit: plain('Save'),
        blocks: [
          input('name', { type: 'plain_text_input', initial_value: 'old name' }),
          input('note', { type: 'plain_text_input', initial_value: 'cleared' }),
          input('risk', {
            type: 'static_select',
            options: [option('Low', 'low'), option('High', 'high')],
            initial_option: option('Low', 'low'),
          }),
          input('who', { type: 'multi_users_select' }),
          input('kept', { type: 'plain_text_input', initial_value: 'untouched' }),
        ],
        state: {
          values: {
            name: { name: { type: 'plain_text_input', value: 'typed <name>' } },
            note: { note: { type: 'plain_text_input', value: null } },
            risk: { risk: { type: 'static_select', selected_option: option('High', 'high') } },
            who: { who: { type: 'multi_users_select', selected_users: ['U0APPROVA1'] } },
            kept: { other: { type: 'plain_text_input', value: 'for another element' } },
          },
        },
      },
      demoContext({ surface: 'modal' }),
    );
    expect(html).toContain('value="typed &lt;name&gt;"');
    expect(html).not.toContain('old name');
    expect(html).not.toContain('cleared');
    expect(html).toMatch(/value="high"[^>]*selected>High/);
    expect(html).not.toMatch(/value="low"[^>]*selected/);
    expect(html).toContain('>Ana<button');
    expect(html).toContain('value="untouched"');
  });
});
