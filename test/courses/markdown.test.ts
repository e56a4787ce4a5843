import { renderMarkdown } from '../../src/courses/markdown';

describe('lesson Markdown', () => {
  it('strips script and escapes inline HTML stored in the Markdown', () => {
    const html = renderMarkdown('# Title\n\n<script>alert(1)</script>\n\nText <img src=x onerror="alert(2)"> and <b>bold</b>.');
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img/i);
    expect(html).not.toMatch(/<b>/);
    expect(html).toContain('&lt;script&gt;');
    expect(html).toContain('<h1>Title</h1>');
  });

  it('drops javascript: and data: links but keeps the text', () => {
    const html = renderMarkdown('[click](javascript:alert(1)) [data](data:text/html;base64,PHNjcmlwdD4=) [ok](https://example.org)');
    // markdown-it leaves such a link as plain text; no href may carry it.
    expect(html).not.toMatch(/href="(javascript|data):/i);
    expect(renderMarkdown('<a href="javascript:alert(1)">x</a>')).not.toMatch(/<a /);
    expect(html).toContain('click');
    expect(html).toContain('href="https://example.org"');
  });

  it('marks links external, without target, with a hidden hint when given one', () => {
    const html = renderMarkdown('See [the RAN](https://home-affairs.ec.europa.eu/).', { externalHint: 'lien externe' });
    expect(html).toContain('rel="noopener noreferrer external"');
    expect(html).not.toContain('target=');
    expect(html).toContain('<span class="visually-hidden"> (lien externe)</span></a>');
  });

  it('keeps what Markdown produces: lists, emphasis, tables, code', () => {
    const html = renderMarkdown('- *one*\n- **two**\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n`code`');
    expect(html).toContain('<ul>');
    expect(html).toContain('<em>one</em>');
    expect(html).toContain('<strong>two</strong>');
    expect(html).toContain('<table>');
    expect(html).toContain('<code>code</code>');
  });
});
