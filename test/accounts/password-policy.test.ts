import {
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  checkPassword,
  commonPasswords,
  isCommonPassword,
  passwordLength,
} from '../../src/accounts/password-policy';

const GOOD = 'violet tundra gravel 73 owl';

describe('password policy', () => {
  describe('length, in code points after NFC', () => {
    it('refuses 11 characters and accepts 12', () => {
      expect(PASSWORD_MIN_LENGTH).toBe(12);
      expect(checkPassword('tq8#vzr!mwe')).toBe('too-short');
      expect(checkPassword('tq8#vzr!mwe4')).toBeNull();
      expect(checkPassword('')).toBe('too-short');
    });

    it('counts an emoji once, not as its two UTF-16 units', () => {
      expect('😀'.repeat(11)).toHaveLength(22);
      expect(passwordLength('😀'.repeat(11))).toBe(11);
      expect(checkPassword('😀'.repeat(11))).toBe('too-short');
      expect(checkPassword('😀'.repeat(12))).toBeNull();
    });

    it('counts an accented letter once however it was typed', () => {
      const decomposed = 'e\u0301'; // "e" + combining acute accent: NFC makes it "é"
      expect(passwordLength(decomposed)).toBe(1);
      expect(checkPassword(decomposed.repeat(11))).toBe('too-short'); // 22 code points before NFC
      expect(checkPassword(decomposed.repeat(12))).toBeNull();
      expect(checkPassword('ÉtéÉtéÉtéÉté')).toBeNull();
    });

    it('refuses more than 128 code points', () => {
      expect(PASSWORD_MAX_LENGTH).toBe(128);
      const base = 'k7#qm2!vx9$z';
      expect(checkPassword(base.repeat(11).slice(0, 128))).toBeNull();
      expect(checkPassword(base.repeat(11).slice(0, 129))).toBe('too-long');
      expect(checkPassword('😀'.repeat(128))).toBeNull(); // 256 UTF-16 units, 128 code points
      expect(checkPassword('😀'.repeat(129))).toBe('too-long');
    });
  });

  describe('common passwords', () => {
    it('checks a list of at least 10,000 passwords, stored lower-cased', () => {
      const list = commonPasswords();
      expect(list.size).toBeGreaterThanOrEqual(10_000);
      for (const entry of list) expect(entry).toBe(entry.normalize('NFC').toLowerCase());
      expect(list.has('123456')).toBe(true);
      expect(list.has('password')).toBe(true);
    });

    it('has entries of 12 characters or more, which the length rule alone lets through', () => {
      const long = [...commonPasswords()].filter((entry) => passwordLength(entry) >= PASSWORD_MIN_LENGTH);
      expect(long.length).toBeGreaterThanOrEqual(250); // 308 in @zxcvbn-ts/language-common 4.1.3
    });

    it.each(['password1234', 'qwerty123456', '1qaz2wsx3edc', '123456789012', 'administrator', 'passwordpassword'])(
      'refuses %s as too common',
      (password) => {
        expect(checkPassword(password)).toBe('too-common');
      },
    );

    it('ignores case', () => {
      expect(checkPassword('PassWord1234')).toBe('too-common');
      expect(checkPassword('ADMINISTRATOR')).toBe('too-common');
      expect(isCommonPassword('Dragon')).toBe(true);
    });

    it('reports a short common password as too short (length is checked first)', () => {
      expect(isCommonPassword('password')).toBe(true);
      expect(checkPassword('password')).toBe('too-short');
    });

    it('matches whole passwords only', () => {
      expect(checkPassword('password1234 but longer')).toBeNull();
    });
  });

  describe('personal information', () => {
    it("refuses the email's local part, in any case", () => {
      const context = { email: 'Jane.Doe@example.org' };
      expect(checkPassword('my jane.doe secret', context)).toBe('contains-personal');
      expect(checkPassword('MY JANE.DOE SECRET', context)).toBe('contains-personal');
      expect(checkPassword(GOOD, context)).toBeNull();
    });

    it('also refuses the part before a +tag', () => {
      const context = { email: 'jane.doe+liaise@example.org' };
      expect(checkPassword('xx jane.doe+liaise xx', context)).toBe('contains-personal');
      expect(checkPassword('xx jane.doe 2024 xx', context)).toBe('contains-personal');
    });

    it('refuses the whole name, in any case', () => {
      const context = { name: 'Marie Curie' };
      expect(checkPassword('radium by marie curie', context)).toBe('contains-personal');
      expect(checkPassword('RADIUM BY MARIE CURIE', context)).toBe('contains-personal');
      // Only the whole name: one of its words alone is allowed.
      expect(checkPassword('radium by marie alone', context)).toBeNull();
    });

    it('compares accented names after NFC', () => {
      const context = { name: 'Zoé Müller' };
      expect(checkPassword('i am zoe\u0301 mu\u0308ller ok', context)).toBe('contains-personal');
    });

    it('ignores local parts and names shorter than 4 characters', () => {
      expect(checkPassword('ann has a long passphrase', { email: 'ann@example.org', name: 'Ann' })).toBeNull();
      expect(checkPassword('lilac lilies bloom', { email: 'li@example.org', name: 'Li' })).toBeNull();
    });

    it('works without a context, or with empty fields', () => {
      expect(checkPassword(GOOD)).toBeNull();
      expect(checkPassword(GOOD, {})).toBeNull();
      expect(checkPassword(GOOD, { email: '', name: '   ' })).toBeNull();
    });
  });

  it('accepts a long random passphrase, with no composition rules', () => {
    expect(checkPassword('correct horse battery staple orbit', { email: 'jane.doe@example.org', name: 'Jane Doe' })).toBeNull();
    expect(checkPassword('alllowercaseletters')).toBeNull();
    expect(checkPassword('ça, c’est un mot de passe très long')).toBeNull();
  });
});
