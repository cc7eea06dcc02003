import type { Locator, Page } from 'playwright-core';

/** A control or text as laid out: measured from its boxes, the way a person sees it, not from CSS. */
export interface TextLayout {
  selector: string;
  text: string;
  /** The text of each rendered line (from one Range per character, grouped by line top). */
  lines: string[];
}

/** What the screen looks like at the current size: overflow, wrapped words, covered controls. */
export class Layout {
  constructor(readonly page: Page) {}

  async viewport(): Promise<{ width: number; height: number }> {
    return this.page.evaluate(() => ({ width: innerWidth, height: innerHeight }));
  }

  /** Visible elements whose box reaches past the viewport's left or right edge (none is the goal). */
  async widerThanViewport(): Promise<string[]> {
    return this.page.evaluate(() => {
      const scrollsInsideScreen = (el: HTMLElement, width: number): boolean => {
        for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
          const overflow = getComputedStyle(up).overflowX;
          if (overflow === 'auto' || overflow === 'scroll') {
            const box = up.getBoundingClientRect();
            return box.left >= -1 && box.right <= width + 1;
          }
        }
        return false;
      };
      const out: string[] = [];
      const width = document.documentElement.clientWidth;
      for (const el of document.body.querySelectorAll<HTMLElement>('*')) {
        const r = el.getBoundingClientRect();
        if (r.width === 0 || r.height === 0) continue;
        if (el.closest('.visually-hidden, datalist, option, script, style')) continue;
        // Inside a closed <details> nothing is rendered: its boxes are stale (left from the last layout at another size).
        if (!el.checkVisibility()) continue;
        // Inside a box that scrolls sideways by design (a wide table) and itself fits: reachable, not cut off.
        if (scrollsInsideScreen(el, width)) continue;
        if (r.left < -1 || r.right > width + 1) out.push(`${el.tagName.toLowerCase()}.${el.className} (${Math.round(r.left)}–${Math.round(r.right)})`);
      }
      return out;
    });
  }

  /** The rendered lines of every visible element matching `selector`. */
  async lines(selector: string): Promise<TextLayout[]> {
    return this.page.evaluate((selector) => {
      const out: { selector: string; text: string; lines: string[] }[] = [];
      for (const el of document.querySelectorAll<HTMLElement>(selector)) {
        if (el.getClientRects().length === 0 || el.closest('.visually-hidden')) continue;
        const lines: { top: number; text: string }[] = [];
        const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          const text = node.textContent ?? '';
          for (let i = 0; i < text.length; i++) {
            const range = document.createRange();
            range.setStart(node, i);
            range.setEnd(node, i + 1);
            const rect = [...range.getClientRects()].find((r) => r.width > 0);
            if (!rect) continue;
            const line = lines.find((l) => Math.abs(l.top - rect.top) < rect.height / 2);
            if (line) line.text += text[i];
            else lines.push({ top: rect.top, text: text[i]! });
          }
        }
        const text = (el.textContent ?? '').trim();
        if (text) out.push({ selector: `${el.tagName.toLowerCase()}${el.className ? '.' + el.className.split(' ').join('.') : ''}`, text, lines: lines.map((l) => l.text.trim()).filter(Boolean) });
      }
      return out;
    }, selector);
  }

  /** Is the centre of this element's box on screen and not covered by anything (a sticky bar, a toast)? */
  async uncovered(target: Locator): Promise<boolean> {
    return target.evaluate((el) => {
      const r = el.getBoundingClientRect();
      if (r.top < 0 || r.bottom > innerHeight || r.left < 0 || r.right > innerWidth) return false;
      const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      return hit !== null && (hit === el || el.contains(hit));
    });
  }
}

/** Lines that hold a single character while the text has more: a word broken one character per line. */
export function oneCharLines(t: TextLayout): boolean {
  return t.lines.length > 1 && t.lines.every((l) => [...l].length === 1);
}

/**
 * A line break inside a word: CJK text without spaces that wraps at all, or a break where the text has
 * no space or hyphen between two letters (lines are trimmed, so the text itself says where the spaces were).
 */
export function breaksMidWord(t: TextLayout): boolean {
  if (t.lines.length < 2) return false;
  if (!/\s/.test(t.text)) return true;
  const text = t.text.replace(/\s+/g, ' ');
  let pos = 0;
  for (let i = 0; i < t.lines.length - 1; i++) {
    const line = t.lines[i]!.replace(/\s+/g, ' ');
    const at = text.indexOf(line, pos);
    if (at < 0) return true;
    pos = at + line.length;
    const end = line.slice(-1);
    const next = t.lines[i + 1]![0] ?? '';
    const between = text[pos] === ' ' || end === '-' || /[\p{Script=Han}]/u.test(end + next);
    if (!between && /[\p{L}\p{N}]/u.test(end) && /[\p{L}\p{N}]/u.test(next)) return true;
  }
  return false;
}
