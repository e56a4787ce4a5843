import MarkdownIt from 'markdown-it';
import sanitizeHtml from 'sanitize-html';

/**
 * Lesson Markdown is stored text that authors edit on the web, so it is untrusted: markdown-it
 * runs with `html: false` (inline HTML is shown as text), and sanitize-html then keeps only
 * the tags Markdown itself produces, as a second guard should a plugin or bug let one through.
 */
const markdown = new MarkdownIt({ html: false, linkify: true, typographer: false });

const ALLOWED_TAGS = [
  'p', 'br', 'hr', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'em', 'strong', 's', 'code', 'pre',
  'blockquote', 'ul', 'ol', 'li', 'a', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'span', 'img',
];

export interface RenderOptions {
  /** The localised "(external link)" hint read by screen readers after each link. */
  externalHint?: string;
}

/** Renders stored Markdown to HTML that is safe to put in a page unescaped. */
export function renderMarkdown(source: string, options: RenderOptions = {}): string {
  const hint = options.externalHint ? sanitizeHtml(options.externalHint, { allowedTags: [] }) : '';
  return sanitizeHtml(markdown.render(source), {
    allowedTags: ALLOWED_TAGS,
    allowedAttributes: { a: ['href', 'title', 'rel'], img: ['src', 'alt', 'title'], th: ['style'], td: ['style'], ol: ['start'], span: ['class'] },
    allowedStyles: { th: { 'text-align': [/^(left|right|center)$/] }, td: { 'text-align': [/^(left|right|center)$/] } },
    // No javascript:, data: or vbscript: URLs, in links or images.
    allowedSchemes: ['http', 'https', 'mailto'],
    allowedSchemesAppliedToAttributes: ['href', 'src'],
    allowProtocolRelative: false,
    transformTags: {
      // Every link leaves the course: say so, and give the other site no handle on this page.
      a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, rel: 'noopener noreferrer external' } }),
    },
    textFilter: undefined,
  }).replace(/<\/a>/g, hint ? `<span class="visually-hidden"> (${hint})</span></a>` : '</a>');
}
