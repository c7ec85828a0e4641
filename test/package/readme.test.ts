import { expect } from 'chai';
import { readFileSync } from 'node:fs';

describe('README', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

  it('opens with the two newcomer commands: start the server, run the tests', () => {
    const blocks = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!.trim());
    expect(blocks[0]).to.equal('npm install && npm run cli -- demo && npm start');
    expect(blocks[1]).to.equal('npm ci && npm run test:setup && npm test');
  });

  it('shows the example app that the package test runs, line for line, in under 30 lines', () => {
    const section = readme.split('## Put it in front of your app')[1]!;
    const example = /```js\n([\s\S]*?)```/.exec(section)![1]!;
    const fixture = readFileSync(new URL('../fixtures/example-app.mjs', import.meta.url), 'utf8');
    expect(example).to.equal(fixture);
    expect(example.trim().split('\n').length).to.be.below(30);
  });
});
