import { describe, expect, it } from 'vitest';
import { normalizeTags } from '../src/posts/schemas.ts';
import { excerptOf, htmlToText, sanitizeBody } from '../src/shared/html.ts';
import { categorySlugBase, firstFreeSlug, postSlug } from '../src/shared/slugs.ts';

const words = (n: number, prefix = 'w') => Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`);

describe('sanitising post bodies', () => {
  it('removes scripts, event handlers and javascript: URLs', () => {
    const dirty =
      '<p onclick="steal()">Hi<script>alert(1)</script></p>' +
      '<img src="/a.png" onerror="alert(2)">' +
      '<a href="javascript:alert(3)">x</a><a href=" JaVaScRiPt:alert(4)">y</a>' +
      '<iframe src="https://evil.example"></iframe><style>p{}</style>' +
      '<svg><script>alert(5)</script></svg><form action="/x"><input name="a"></form>';
    const clean = sanitizeBody(dirty);
    expect(clean).not.toMatch(/script|onerror|onclick|javascript|iframe|<style|<svg|<form|<input|alert/i);
    expect(clean).toBe('<p>Hi</p><img src="/a.png" /><a>x</a><a>y</a>');
  });

  it('keeps paragraphs, links, images, tables and ordinary formatting', () => {
    const html =
      '<h2>Title</h2><p>Some <strong>bold</strong>, <em>italic</em> and <a href="https://example.com/x?a=1&amp;b=2" title="t">a link</a>.</p>' +
      '<img src="https://cdn.example/p.png" alt="a picture" width="10" height="20" />' +
      '<table><thead><tr><th>h</th></tr></thead><tbody><tr><td colspan="2">c</td></tr></tbody></table>' +
      '<ul><li>one</li></ul><blockquote>q</blockquote><pre><code class="language-ts">let x = 1;</code></pre>';
    expect(sanitizeBody(html)).toBe(html);
  });

  it('drops data: image sources and unknown classes, and protects links that open a new tab', () => {
    expect(sanitizeBody('<img src="data:image/svg+xml;base64,AAAA">')).toBe('<img />');
    expect(sanitizeBody('<code class="language-js evil">x</code>')).toBe(
      '<code class="language-js">x</code>',
    );
    expect(sanitizeBody('<a href="https://e.x" target="_blank">e</a>')).toBe(
      '<a href="https://e.x" target="_blank" rel="noopener noreferrer">e</a>',
    );
  });
});

describe('excerpts', () => {
  it('is the whole text when there are 40 words or fewer, without an ellipsis', () => {
    expect(excerptOf(sanitizeBody(`<p>${words(40).join(' ')}</p>`))).toBe(words(40).join(' '));
    expect(excerptOf('<p>Just a few words.</p>')).toBe('Just a few words.');
    expect(excerptOf('')).toBe('');
    expect(excerptOf('<p> </p><img src="/a.png" />')).toBe('');
  });

  it('cuts after the 40th word and puts ... right after it', () => {
    const excerpt = excerptOf(sanitizeBody(`<p>${words(41).join(' ')}</p>`));
    expect(excerpt).toBe(`${words(40).join(' ')}...`);
    expect(excerpt.endsWith('w40...')).toBe(true);
  });

  it('decodes entities and counts a decoded entity as text, not as a word boundary', () => {
    expect(
      excerptOf(
        sanitizeBody(
          '<p>Caf&eacute; &amp; cr&egrave;me&nbsp;br&ucirc;l&eacute;e &lt;b&gt; &#39;x&#39; &#x263A;</p>',
        ),
      ),
    ).toBe("Café & crème brûlée <b> 'x' ☺");
  });

  it('separates words at block elements but not inside nested inline tags', () => {
    const html = sanitizeBody(
      '<div><p>first</p><p>second<br>third</p><ul><li>a<b>b</b><i>c</i></li><li>d</li></ul><table><tr><td>e</td><td>f</td></tr></table></div>',
    );
    expect(htmlToText(html)).toBe('first second third abc d e f');
  });

  it('counts words across nested markup when cutting at 40', () => {
    const html = sanitizeBody(
      words(45)
        .map((w, i) => (i % 3 === 0 ? `<p><strong><em>${w}</em></strong></p>` : `<span>${w}</span> `))
        .join(''),
    );
    expect(excerptOf(html)).toBe(`${words(40).join(' ')}...`);
  });
});

describe('tags', () => {
  it('trims, drops empties and de-duplicates case-insensitively keeping the first spelling, in order', () => {
    expect(normalizeTags(['  News ', 'tech', 'news', 'TECH', '', '  ', 'Go'])).toEqual([
      'News',
      'tech',
      'Go',
    ]);
  });

  it('refuses more than 20 distinct tags or one longer than 50 characters', () => {
    expect(normalizeTags(words(20))).toHaveLength(20);
    expect(normalizeTags([...words(20), 'W1', 'w2 '])).toHaveLength(20);
    expect(normalizeTags(words(21))).toMatch(/no more than 20 tags/);
    expect(normalizeTags(['x'.repeat(50)])).toEqual(['x'.repeat(50)]);
    expect(normalizeTags(['x'.repeat(51)])).toMatch(/50 characters/);
  });
});

describe('slugs', () => {
  it('makes post slugs from the title plus 6 random hex characters', () => {
    const a = postSlug('Hello, Wörld & Friends!');
    expect(a).toMatch(/^hello-world-and-friends-[0-9a-f]{6}$/);
    expect(postSlug('Hello, Wörld & Friends!')).not.toBe(a);
    expect(postSlug('日本語')).toMatch(/^post-[0-9a-f]{6}$/);
    expect(postSlug('x'.repeat(250)).length).toBeLessThanOrEqual(207);
  });

  it('makes category slugs of lowercase ASCII and hyphens, with -2, -3… on collision', () => {
    expect(categorySlugBase('  Science & Tech  ')).toBe('science-and-tech');
    expect(categorySlugBase('???')).toBe('category');
    expect(firstFreeSlug('news', new Set())).toBe('news');
    expect(firstFreeSlug('news', new Set(['news']))).toBe('news-2');
    expect(firstFreeSlug('news', new Set(['news', 'news-2', 'news-4']))).toBe('news-3');
  });
});
