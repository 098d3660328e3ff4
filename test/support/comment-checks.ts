/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * Checks that run inside the page (page.evaluate), over the comment's DOM: each returns the problems it finds,
 * one line each, naming the element and its text. Self-contained functions: they are serialised into the page.
 */

export interface SanitiserRules {
  elements: string[];
  attributes: Record<string, string[]>;
}

/** Every element and attribute is one GitHub's sanitiser keeps (so it would change nothing). */
export function sanitiserProblems(rules: SanitiserRules): string[] {
  const problems: string[] = [];
  for (const element of document.querySelectorAll('#comment *')) {
    const tag = element.tagName.toLowerCase();
    if (!rules.elements.includes(tag)) problems.push(`element <${tag}> is not kept by GitHub: ${element.outerHTML.slice(0, 120)}`);
    for (const attribute of element.getAttributeNames()) {
      const allowed = [...(rules.attributes[tag] ?? []), ...(rules.attributes['*'] ?? [])];
      if (!allowed.includes(attribute)) problems.push(`attribute ${attribute} on <${tag}> is not kept by GitHub`);
    }
  }
  return problems;
}

/**
 * What GitHub's filters would turn into a mention, an issue link or a link: they read the page's text outside
 * `code`, `pre` and `a`; and every link must be one of ours.
 */
export function triggerProblems({ linkPrefixes, triggers }: { linkPrefixes: string[]; triggers: Array<[string, string, string]> }): string[] {
  const problems: string[] = [];
  for (const anchor of document.querySelectorAll('#comment a')) {
    const href = anchor.getAttribute('href') ?? '';
    if (!linkPrefixes.some((prefix) => href.startsWith(prefix))) problems.push(`a link that is not ours: <a href="${href}">${anchor.textContent}</a>`);
  }
  const patterns = triggers.map(([name, source, flags]) => [name, new RegExp(source, flags)] as const);
  const walker = document.createTreeWalker(document.getElementById('comment')!, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.parentElement?.closest('code, pre, a')) continue;
    const text = node.textContent ?? '';
    for (const [name, pattern] of patterns) if (pattern.test(text)) problems.push(`${name} outside code: ${JSON.stringify(text.slice(0, 160))}`);
  }
  return problems;
}

/** github.com's alert boxes, drawn from `> [!TYPE]` blockquotes as its renderer does after cmark. */
export function applyAlerts(): number {
  let count = 0;
  for (const quote of [...document.querySelectorAll('#comment blockquote')]) {
    const first = quote.querySelector('p');
    const match = /^\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\]\s*/.exec(first?.textContent ?? '');
    if (!first || !match || !first.firstChild || first.firstChild.nodeType !== Node.TEXT_NODE) continue;
    first.firstChild.textContent = (first.firstChild.textContent ?? '').replace(/^\[!\w+\]\s*/, '');
    const type = match[1]!.toLowerCase();
    const box = document.createElement('div');
    box.className = `markdown-alert markdown-alert-${type}`;
    const title = document.createElement('p');
    title.className = 'markdown-alert-title';
    title.textContent = type[0]!.toUpperCase() + type.slice(1);
    box.append(title, ...quote.childNodes);
    quote.replaceWith(box);
    count++;
  }
  return count;
}

export function openAllDetails(): number {
  const details = [...document.querySelectorAll('#comment details')];
  for (const element of details) element.setAttribute('open', '');
  return details.length;
}

/** Nothing wider than the comment: no scrolling box, no text past its container's edge. */
export function overflowProblems(): string[] {
  const problems: string[] = [];
  const comment = document.getElementById('comment')!;
  const describe = (element: Element): string => `<${element.tagName.toLowerCase()}> ${JSON.stringify((element.textContent ?? '').trim().slice(0, 80))}`;
  for (const element of [comment, ...comment.querySelectorAll('table, pre, code, td, th, p, li, summary, details, blockquote, div, h3, h4')]) {
    const box = element as HTMLElement;
    if (box.scrollWidth > box.clientWidth + 1 && box.clientWidth > 0) problems.push(`${describe(box)} scrolls: ${box.scrollWidth} px of content in ${box.clientWidth} px`);
  }
  const limit = comment.getBoundingClientRect();
  const content = { left: limit.left + comment.clientLeft, right: limit.left + comment.clientLeft + comment.clientWidth };
  for (const element of comment.querySelectorAll('*')) {
    const rect = element.getBoundingClientRect();
    if (rect.width > 0 && (rect.right > content.right + 0.5 || rect.left < content.left - 0.5)) problems.push(`${describe(element)} reaches ${Math.round(rect.left)}–${Math.round(rect.right)} px, the comment ${Math.round(content.left)}–${Math.round(content.right)} px`);
  }
  const walker = document.createTreeWalker(comment, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const container = node.parentElement?.closest('td, th, p, li, pre, summary, h3, h4, div, blockquote');
    if (!container || (node.textContent ?? '').trim() === '') continue;
    const box = container.getBoundingClientRect();
    const range = document.createRange();
    range.selectNodeContents(node);
    for (const rect of range.getClientRects()) {
      if (rect.right > box.right + 0.5) problems.push(`text ${JSON.stringify((node.textContent ?? '').slice(0, 60))} runs ${Math.round(rect.right - box.right)} px past its ${container.tagName.toLowerCase()}`);
    }
  }
  return problems;
}

/** Sizes, shares, counts with their icon, and rule names are each on one line (they read as one word). */
export function wrapProblems(ruleIds: string[]): string[] {
  const problems: string[] = [];
  const lines = (range: Range): number => new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top))).size;
  const comment = document.getElementById('comment')!;
  const walker = document.createTreeWalker(comment, NodeFilter.SHOW_TEXT);
  const unit = /(?:[+−]|🔴|🟡|⚪)?\s?\d+(?:\.\d+)?[\u00a0 ](?:B|kB|MB|GB|TB|%)|(?:🔴|🟡|⚪)\s?\d+/g;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.parentElement?.closest('pre')) continue;
    for (const match of (node.textContent ?? '').matchAll(unit)) {
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      if (lines(range) > 1) problems.push(`${JSON.stringify(match[0])} wraps`);
    }
  }
  for (const code of comment.querySelectorAll('code')) {
    if (!ruleIds.includes(code.textContent ?? '')) continue;
    const range = document.createRange();
    range.selectNodeContents(code);
    if (lines(range) > 1) problems.push(`rule name ${code.textContent} wraps`);
  }
  return problems;
}
