import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { FLOW_MACHINES } from '../../src/flows/index.js';
import { nextState, isTerminal, IllegalTransitionError, DONE } from '../../src/flows/machine.js';
import { STEPS } from '../../src/flows/steps/index.js';

describe('flow state machines', () => {
  const doc = readFileSync(new URL('../../docs/flows.md', import.meta.url), 'utf8');

  for (const machine of Object.values(FLOW_MACHINES)) {
    it(`docs/flows.md draws every transition of ${machine.kind}`, () => {
      const section = doc.split(`## ${machine.kind}`)[1]?.split('\n## ')[0] ?? '';
      expect(section, `section for ${machine.kind}`).to.contain(`[*] --> ${machine.initial}`);
      for (const [from, events] of Object.entries(machine.transitions)) {
        for (const [event, to] of Object.entries(events ?? {})) {
          expect(section).to.contain(`${from} --> ${to}: ${event}`);
        }
      }
    });

    it(`every state of ${machine.kind} has a page`, () => {
      const states = new Set<string>([machine.initial]);
      for (const [from, events] of Object.entries(machine.transitions)) {
        states.add(from);
        for (const to of Object.values(events ?? {})) if (to !== DONE) states.add(to!);
      }
      for (const state of states) expect(STEPS, state).to.have.property(state);
    });
  }

  it('an event not in the table is illegal', () => {
    expect(() => nextState(FLOW_MACHINES.riskySignIn, 'notice', 'changed')).to.throw(IllegalTransitionError);
    expect(() => nextState(FLOW_MACHINES.compromisedAccount, 'mfa', 'skip')).to.throw(IllegalTransitionError);
    expect(() => nextState(FLOW_MACHINES.mfaRegistration, 'register-verify', 'skip')).to.throw(
      IllegalTransitionError,
    );
  });

  it('terminal pages accept no events', () => {
    expect(isTerminal(FLOW_MACHINES.blocked, 'blocked')).to.equal(true);
    expect(isTerminal(FLOW_MACHINES.riskySignIn, 'reported')).to.equal(true);
    expect(isTerminal(FLOW_MACHINES.riskySignIn, 'notice')).to.equal(false);
  });
});
