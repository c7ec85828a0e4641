import { expect } from 'chai';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { END_USER_PAGES } from './pages.js';

function views(dir: string, prefix = ''): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return name === 'partials' ? [] : views(full, `${prefix}${name}/`);
    return name.endsWith('.ejs') ? [`${prefix}${name.replace(/\.ejs$/, '')}`] : [];
  });
}

describe('browser: the page table', () => {
  it('lists every view, so the browser and accessibility suites check each one', () => {
    const listed = new Set(END_USER_PAGES.map((p) => p.view));
    expect(views(path.resolve('views')).filter((v) => !listed.has(v))).to.deep.equal([]);
  });
});
