import { expect } from 'chai';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { ALL_PAGES, NOT_PAGES } from './pages.js';

function views(dir: string, prefix = ''): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return name === 'partials' ? [] : views(full, `${prefix}${name}/`);
    return name.endsWith('.ejs') ? [`${prefix}${name.replace(/\.ejs$/, '')}`] : [];
  });
}

const isPage = (view: string) => !NOT_PAGES.some((n) => view.startsWith(n.prefix));

describe('browser: the page table', () => {
  it('lists every view, so the browser and accessibility suites check each one', () => {
    const listed = new Set(ALL_PAGES.map((p) => p.view));
    expect(views(path.resolve('views')).filter((v) => isPage(v) && !listed.has(v))).to.deep.equal([]);
  });

  it('lists only views that exist and are pages', () => {
    const existing = new Set(views(path.resolve('views')));
    expect(ALL_PAGES.filter((p) => !existing.has(p.view) || !isPage(p.view))).to.deep.equal([]);
  });

  it('excludes only the mail templates, each exclusion matching views', () => {
    for (const n of NOT_PAGES)
      expect(views(path.resolve('views')).some((v) => v.startsWith(n.prefix))).to.equal(true);
  });
});
