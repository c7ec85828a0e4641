import { expect } from 'chai';
import { checkNewPassword } from '../../src/auth/passwordRules.js';
import { isCommonPassword } from '../../src/auth/commonPasswords.js';

interface Case {
  name: string;
  password: string;
  username?: string;
  minLength?: number;
  refused?: RegExp; // message pattern; absent = accepted
}

const cases: Case[] = [
  { name: 'a long passphrase is accepted', password: 'correct horse battery staple' },
  { name: 'no composition rules: lower-case letters only is fine', password: 'violetlanternorbit' },
  { name: 'seven characters is too short', password: 'zq7!xkp', refused: /at least 8/ },
  { name: 'eight characters is enough', password: 'zq7!xkpw' },
  {
    name: 'a higher configured minimum applies',
    password: 'zq7!xkpwzq7!',
    minLength: 15,
    refused: /at least 15/,
  },
  { name: 'length counts code points: 8 emoji are 8 characters', password: '🦊🐙🦉🐝🦀🐢🦔🐬' },
  {
    name: 'length counts code points: 4 emoji (8 UTF-16 units) are too short',
    password: '🦊🐙🦉🐝',
    refused: /at least 8/,
  },
  { name: 'length is counted after NFKC: 4 ligatures ("ﬀﬁﬂﬃ") are 9 letters', password: 'ﬀﬁﬂﬃ' },
  { name: '128 characters is accepted (ASVS 2.1.2)', password: 'ab3'.repeat(42) + 'cd' },
  {
    name: 'more than 128 characters is refused with a clear message (ASVS 2.1.2)',
    password: 'ab3'.repeat(43),
    refused: /too long: use at most 128 characters/,
  },
  {
    name: 'the maximum counts code points: 128 emoji (256 UTF-16 units) are accepted',
    password: '🦊🐙🦉🐝'.repeat(32),
  },
  { name: 'a common password is refused', password: 'password', refused: /too common/ },
  { name: 'a breached password is refused whatever its case', password: 'SunShine', refused: /too common/ },
  {
    name: 'a common password reached through NFKC (full-width letters) is refused',
    password: 'ｐａｓｓｗｏｒｄ',
    refused: /too common/,
  },
  { name: 'a single repeated character is refused', password: 'aaaaaaaaaa', refused: /repeated/ },
  {
    name: 'the username itself is refused',
    password: 'alice.smith',
    username: 'Alice.Smith',
    refused: /username/,
  },
  {
    name: 'a password containing the username is refused (case-insensitive)',
    password: 'myALICEsmithpass',
    username: 'alicesmith',
    refused: /username/,
  },
  {
    name: 'the local part of an email username is refused too',
    password: 'bob.jones-2026',
    username: 'bob.jones@example.com',
    refused: /username/,
  },
  {
    name: 'a username shorter than 3 characters is not checked',
    password: 'xo-violet-lantern',
    username: 'xo',
  },
];

describe('checkNewPassword (NIST SP 800-63B)', () => {
  for (const c of cases) {
    it(c.name, () => {
      const verdict = checkNewPassword(c.password, {
        username: c.username ?? 'someone',
        minLength: c.minLength,
      });
      if (!c.refused) {
        expect(verdict).to.deep.equal({ ok: true });
        return;
      }
      expect(verdict.ok).to.equal(false);
      if (!verdict.ok) expect(verdict.message).to.match(c.refused);
    });
  }

  it('never echoes the password in its message', () => {
    for (const password of ['qwerty123', 'trustno1', 'zzzzzzzzz', 'short', 'someone-secret']) {
      const verdict = checkNewPassword(password, { username: 'someone' });
      expect(verdict.ok).to.equal(false);
      if (!verdict.ok) expect(verdict.message.toLowerCase()).not.to.include(password);
    }
  });
});

describe('isCommonPassword', () => {
  const cases: [string, boolean][] = [
    ['123456', true],
    ['Password', true],
    ['iloveyou', true],
    ['trustno1', true],
    ['violet-lantern-orbit-42', false],
  ];
  for (const [password, common] of cases) {
    it(`"${password}" is ${common ? '' : 'not '}in the breached/common corpus`, () => {
      expect(isCommonPassword(password)).to.equal(common);
    });
  }
});
