import { describe, expect, it } from 'vitest';
import { formatSlackDate, renderMrkdwn, renderTextObject } from '../../../../src/playground/render/index.ts';
import { demoContext } from './context.ts';

const md = (text: string) => renderMrkdwn(text, demoContext());

describe('mrkdwn emphasis', () => {
  it('renders *bold*', () => expect(md('a *bold* word')).toBe('a <b>bold</b> word'));
  it('renders _italic_', () => expect(md('an _italic_ word')).toBe('an <i>italic</i> word'));
  it('renders ~strike~', () => expect(md('a ~struck~ word')).toBe('a <s>struck</s> word'));
  it('nests bold and italic', () => expect(md('*_both_*')).toBe('<b><i>both</i></b>'));
  it('leaves markers inside words and around spaces alone', () => {
    expect(md('snake_case_name')).toBe('snake_case_name');
    expect(md('2*3*4')).toBe('2*3*4');
    expect(md('* not bold *')).toBe('* not bold *');
  });
  it('does not carry emphasis across lines', () => expect(md('*a\nb*')).toBe('*a<br>b*'));
});

describe('mrkdwn code', () => {
  it('renders `inline code` without formatting inside', () => {
    expect(md('run `rm *all* _now_`')).toBe('run <code class="bk-code">rm *all* _now_</code>');
  });
  it('renders ``` code blocks ``` over several lines, entities decoded and escaped once', () => {
    expect(md('before\n```\nif (a &lt; b) *x*\n```\nafter')).toBe(
      'before<pre class="bk-pre">if (a &lt; b) *x*</pre>after',
    );
  });
  it('shows a mention inside code by name, not as a link', () => {
    expect(md('`<@U0APPROVA1> <https://x.example|x>`')).toBe(
      '<code class="bk-code"><span class="bk-mention bk-mention--user">@Ana</span> x</code>',
    );
  });
});

describe('mrkdwn quotes, lists and line breaks', () => {
  it('renders > quotes, grouping consecutive lines', () => {
    expect(md('said:\n> one\n&gt; two\nend')).toBe('said:<br><blockquote class="bk-quote">one<br>two</blockquote>end');
  });
  it('renders >>> as a quote of everything after it', () => {
    expect(md('>>> all\nof *this*')).toBe('<blockquote class="bk-quote">all<br>of <b>this</b></blockquote>');
  });
  it('keeps • and 1. list lines on their own lines with a hanging indent', () => {
    expect(md('• one\n1. two')).toBe('<span class="bk-list-item">• one</span><span class="bk-list-item">1. two</span>');
  });
  it('turns line breaks into <br>', () => expect(md('a\nb')).toBe('a<br>b'));
});

describe('mrkdwn entities and escaping', () => {
  it('decodes &amp; &lt; &gt; once and escapes for HTML', () => {
    expect(md('a &amp; b &lt;c&gt;')).toBe('a &amp; b &lt;c&gt;');
    expect(md('&amp;lt;')).toBe('&amp;lt;');
  });
  it('never lets markup through', () => {
    const html = md('<script>alert(1)</script> "quoted" \'single\' <img src=x onerror=alert(1)>');
    expect(html).not.toMatch(/<script|<img/);
    expect(html).toContain('&quot;quoted&quot; &#39;single&#39;');
  });
});

describe('mrkdwn links', () => {
  it('renders <url> and <url|text>', () => {
    expect(md('<https://example.com/a?b=1&amp;c=2>')).toBe(
      '<a class="bk-link" href="https://example.com/a?b=1&amp;c=2" target="_blank" rel="noopener noreferrer">https://example.com/a?b=1&amp;c=2</a>',
    );
    expect(md('<https://example.com|the *site*>')).toBe(
      '<a class="bk-link" href="https://example.com" target="_blank" rel="noopener noreferrer">the *site*</a>',
    );
  });
  it('renders <mailto:…|…>', () => {
    expect(md('<mailto:ana@example.com|Ana>')).toBe(
      '<a class="bk-link" href="mailto:ana@example.com" target="_blank" rel="noopener noreferrer">Ana</a>',
    );
  });
  it('refuses javascript: and data: links, showing their text only', () => {
    expect(md('<javascript:alert(1)|click>')).toBe('click');
    expect(md('<data:text/html,<b>|x>')).not.toContain('<a');
    expect(md('< JAVASCRIPT:alert(1)|y>')).toBe('y');
  });
  it('cannot break out of the href attribute', () => {
    const html = md('<https://x.example/"onmouseover="alert(1)|x>');
    expect(html).toContain('href="https://x.example/&quot;onmouseover=&quot;alert(1)"');
  });
});

describe('mrkdwn bare URLs', () => {
  const link = (url: string) => `<a class="bk-link" href="${url}" target="_blank" rel="noopener noreferrer">${url}</a>`;
  it("links bare http(s) URLs, leaving a sentence's punctuation and emphasis outside", () => {
    expect(md('See https://example.com/a?b=1&amp;c=2.')).toBe(`See ${link('https://example.com/a?b=1&amp;c=2')}.`);
    expect(md('*https://example.com/x*')).toBe(`<b>${link('https://example.com/x')}</b>`);
    expect(md('(http://example.com)')).toBe(`(${link('http://example.com')})`);
  });
  it('leaves them as text with verbatim, in code, and for other schemes', () => {
    expect(renderMrkdwn('https://example.com', demoContext(), { verbatim: true })).toBe('https://example.com');
    expect(renderTextObject({ type: 'mrkdwn', text: 'https://example.com', verbatim: true }, demoContext())).toBe(
      '<span class="bk-text bk-mrkdwn">https://example.com</span>',
    );
    expect(md('`https://example.com`')).toBe('<code class="bk-code">https://example.com</code>');
    expect(md('javascript:alert(1) ftp://x')).toBe('javascript:alert(1) ftp://x');
  });
});

describe('mrkdwn mentions', () => {
  it('shows <@U…> by name, or by the label or id when unknown', () => {
    expect(md('<@U0APPROVA1>')).toBe('<span class="bk-mention bk-mention--user">@Ana</span>');
    expect(md('<@U0NOBODY1|someone>')).toBe('<span class="bk-mention bk-mention--user">@someone</span>');
    expect(md('<@U0NOBODY1>')).toBe('<span class="bk-mention bk-mention--user">@U0NOBODY1</span>');
  });
  it('shows <#C…> and <#C…|name> as #channel', () => {
    expect(md('<#C0APPROVAL>')).toBe('<span class="bk-mention bk-mention--channel">#approvals</span>');
    expect(md('<#C0OTHER01|ops>')).toBe('<span class="bk-mention bk-mention--channel">#ops</span>');
  });
  it('shows <!subteam^S…> as @group', () => {
    expect(md('<!subteam^S0APPROVER>')).toBe('<span class="bk-mention bk-mention--group">@approvers</span>');
    expect(md('<!subteam^S0UNKNOWN|@oncall>')).toBe('<span class="bk-mention bk-mention--group">@oncall</span>');
  });
  it('shows <!here>, <!channel> and <!everyone>', () => {
    expect(md('<!here> <!channel> <!everyone>')).toBe(
      '<span class="bk-mention bk-mention--broadcast">@here</span> <span class="bk-mention bk-mention--broadcast">@channel</span> <span class="bk-mention bk-mention--broadcast">@everyone</span>',
    );
  });
  it('escapes names from the workspace', () => {
    const ctx = demoContext({ userName: () => '<b>Eve</b>' });
    expect(renderMrkdwn('<@U1>', ctx)).toBe('<span class="bk-mention bk-mention--user">@&lt;b&gt;Eve&lt;/b&gt;</span>');
  });
  it('formats mentions inside emphasis', () => {
    expect(md('*<@U0APPROVA1>*')).toBe('<b><span class="bk-mention bk-mention--user">@Ana</span></b>');
  });
});

describe('mrkdwn dates', () => {
  // 2026-11-23T10:15:00Z; "now" in the test context is 2026-11-23T10:00:00Z.
  const ts = 1795428900;
  it('formats <!date^…> with the documented tokens', () => {
    expect(md(`<!date^${ts}^{date_num} {time_secs}|fallback>`)).toBe(
      '<time class="bk-date" datetime="2026-11-23T10:15:00.000Z">2026-11-23 10:15:00 AM</time>',
    );
    expect(md(`<!date^${ts}^{date_short_pretty} at {time}|x>`)).toContain('>today at 10:15 AM<');
  });
  it('shows the fallback when the timestamp is not a number', () => {
    expect(md('<!date^soon^{date}|Some day>')).toBe('<time class="bk-date">Some day</time>');
  });
  it('links the date when it has a link', () => {
    expect(md(`<!date^${ts}^{date_num}^https://example.com|x>`)).toContain(
      '<a class="bk-link" href="https://example.com"',
    );
  });
  it('formats in the viewer time zone', () => {
    const text = renderMrkdwn(`<!date^${ts}^{time}|x>`, demoContext({ timeZone: 'Asia/Tokyo' }));
    expect(text).toContain('>7:15 PM<');
  });
  it('knows every token', () => {
    const options = { now: new Date('2026-11-23T10:00:00Z'), timeZone: 'UTC' };
    const at = (t: number, f: string) => formatSlackDate(t, f, options);
    expect(at(ts, '{date_num}|{date_slash}|{date}|{date_short}|{date_long}|{date_long_full}')).toBe(
      '2026-11-23|23/11/2026|November 23rd, 2026|Nov 23, 2026|Monday, November 23rd, 2026|November 23, 2026',
    );
    expect(at(ts - 86_400, '{date_pretty}|{date_short_pretty}|{date_long_pretty}|{day_divider_pretty}')).toBe(
      'yesterday|yesterday|yesterday|Yesterday',
    );
    expect(at(ts + 2 * 86_400, '{date_pretty}|{day_divider_pretty}')).toBe(
      'November 25th, 2026|Wednesday, November 25th',
    );
    expect(at(ts, '{time}|{time_secs}|{ago}')).toBe('10:15 AM|10:15:00 AM|in 15 minutes');
    expect(at(ts - 7_200, '{ago}')).toBe('1 hour ago');
    expect(at(ts, '{unknown}')).toBe('{unknown}');
  });
});

describe('mrkdwn emoji', () => {
  it('shows known emoji codes as emoji, not inside code, and leaves unknown ones and clock times alone', () => {
    expect(md(':white_check_mark: *Approved* at 10:15:30 :not_an_emoji:')).toBe(
      '<span class="bk-emoji" role="img" aria-label="white_check_mark">✅</span> <b>Approved</b> at 10:15:30 :not_an_emoji:',
    );
    expect(md('`:tada:`')).toBe('<code class="bk-code">:tada:</code>');
  });
  it('does not read the underscores of an emoji code as italics', () => {
    expect(md('_:large_orange_circle: high_')).toBe(
      '<i><span class="bk-emoji" role="img" aria-label="large_orange_circle">🟠</span> high</i>',
    );
  });
});

describe('text objects', () => {
  it('renders plain_text escaped and unformatted, with known emoji codes as emoji', () => {
    expect(
      renderTextObject({ type: 'plain_text', text: '*not bold* <b>x</b> :tada: :no_such_emoji:' }, demoContext()),
    ).toBe(
      '<span class="bk-text bk-plain">*not bold* &lt;b&gt;x&lt;/b&gt; <span class="bk-emoji" role="img" aria-label="tada">🎉</span> :no_such_emoji:</span>',
    );
  });
  it('leaves emoji codes as text in plain_text with emoji: false', () => {
    expect(renderTextObject({ type: 'plain_text', text: ':tada:', emoji: false }, demoContext())).toBe(
      '<span class="bk-text bk-plain">:tada:</span>',
    );
  });
  it('renders mrkdwn formatted', () => {
    expect(renderTextObject({ type: 'mrkdwn', text: '*bold*' }, demoContext())).toBe(
      '<span class="bk-text bk-mrkdwn"><b>bold</b></span>',
    );
  });
  it('renders anything else as nothing', () => {
    expect(renderTextObject({ type: 'html', text: '<b>' }, demoContext())).toBe('');
    expect(renderTextObject('text', demoContext())).toBe('');
  });
});
