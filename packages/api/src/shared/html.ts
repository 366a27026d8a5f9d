import { decode } from 'html-entities';
import sanitizeHtml from 'sanitize-html';

/*
 * Post bodies are HTML from the client. They are sanitised on write with an allow-list (sanitize-html):
 * formatting, links, images and tables stay; scripts, styles, event handlers, iframes, forms and
 * `javascript:`/`data:` URLs go. Everything else the API derives from a body (the excerpt, the search
 * text) is computed from the sanitised HTML.
 */

const SANITIZE_OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [...sanitizeHtml.defaults.allowedTags, 'img', 'del', 'ins', 'details', 'summary'],
  allowedAttributes: {
    a: ['href', 'name', 'target', 'rel', 'title'],
    img: ['src', 'srcset', 'alt', 'title', 'width', 'height', 'loading'],
    td: ['colspan', 'rowspan', 'align'],
    th: ['colspan', 'rowspan', 'align', 'scope'],
    ol: ['start', 'reversed', 'type'],
    li: ['value'],
    blockquote: ['cite'],
    q: ['cite'],
    time: ['datetime'],
  },
  // Code highlighting hints only (`language-ts`); no arbitrary classes.
  allowedClasses: { code: ['language-*'], pre: ['language-*'] },
  allowedSchemes: ['http', 'https', 'mailto', 'tel'],
  allowedSchemesByTag: { img: ['http', 'https'] },
  allowedSchemesAppliedToAttributes: ['href', 'src', 'cite'],
  allowProtocolRelative: true,
  disallowedTagsMode: 'discard',
  transformTags: {
    // A link that opens a new tab must not hand the opener to the target page.
    a: (tagName, attribs) => {
      if (attribs.target === '_blank')
        return { tagName, attribs: { ...attribs, rel: 'noopener noreferrer' } };
      return { tagName, attribs };
    },
  },
};

/** The body as it is stored: allow-listed HTML. */
export function sanitizeBody(html: string): string {
  return sanitizeHtml(html, SANITIZE_OPTIONS);
}

/** Elements whose boundaries separate words (`<p>a</p><p>b</p>` is two words, `a<b>b</b>` one). */
const BLOCK_TAG =
  /<\/?(?:address|article|aside|blockquote|br|caption|dd|details|div|dl|dt|figcaption|figure|footer|h[1-6]|header|hr|li|main|nav|ol|p|pre|section|summary|table|tbody|td|tfoot|th|thead|tr|ul)(?:\s[^>]*)?\/?>/gi;
const ANY_TAG = /<[^>]*>/g;

/**
 * The text of sanitised HTML: tags stripped (block elements separate words), entities decoded,
 * whitespace collapsed. Exact for sanitize-html output, where `<` and `>` only appear as tag
 * delimiters (in text and attribute values they are escaped) and comments are gone.
 */
export function htmlToText(sanitized: string): string {
  const stripped = sanitized.replace(BLOCK_TAG, ' ').replace(ANY_TAG, '');
  return decode(stripped, { level: 'html5' }).replace(/\s+/g, ' ').trim();
}

export const EXCERPT_WORDS = 40;

/** The first 40 words of the body's text, with `...` right after the 40th word when there are more. */
export function excerptOf(sanitized: string): string {
  const text = htmlToText(sanitized);
  if (text === '') return '';
  const words = text.split(' ');
  if (words.length <= EXCERPT_WORDS) return words.join(' ');
  return `${words.slice(0, EXCERPT_WORDS).join(' ')}...`;
}
