import { createHash, createHmac, randomBytes } from 'node:crypto';
import { codeAt } from '../support/two-factor';
import {
  RECOVERY_CODE_ALPHABET,
  base32Decode,
  base32Encode,
  decryptSecret,
  deriveKey,
  encryptSecret,
  findRecoveryCode,
  generateRecoveryCodes,
  generateTotpSecret,
  hashRecoveryCode,
  matchTotpStep,
  normaliseTotpInput,
  totpQrDataUrl,
  totpQrSvg,
  totpTimeStep,
  totpUri,
  verifyTotp,
} from '../../src/two-factor/codes';

const STEP_MS = 30_000;


describe('base32', () => {
  // RFC 4648 section 10; the encoder leaves out the "=" padding, as otpauth:// URIs do.
  it.each([
    ['', ''],
    ['f', 'MY======'],
    ['fo', 'MZXQ===='],
    ['foo', 'MZXW6==='],
    ['foob', 'MZXW6YQ='],
    ['fooba', 'MZXW6YTB'],
    ['foobar', 'MZXW6YTBOI======'],
  ])('follows the RFC 4648 test vector for %p', (plain, encoded) => {
    expect(base32Encode(Buffer.from(plain))).toBe(encoded.replace(/=+$/, ''));
    expect(Buffer.from(base32Decode(encoded)).toString()).toBe(plain);
    expect(Buffer.from(base32Decode(encoded.replace(/=+$/, '').toLowerCase())).toString()).toBe(plain);
  });

  it('round-trips random bytes of every length', () => {
    for (let length = 0; length <= 40; length += 1) {
      const bytes = randomBytes(length);
      expect(Buffer.from(base32Decode(base32Encode(bytes)))).toEqual(bytes);
    }
  });

  it('refuses characters outside the alphabet', () => {
    for (const bad of ['MZXW1', 'MZXW0', 'MZXW8', 'MZ XW', 'MZ=XW']) expect(() => base32Decode(bad)).toThrow();
  });
});

describe('TOTP', () => {
  // RFC 6238 appendix B, SHA-1: the 20-byte ASCII secret "12345678901234567890", 8-digit codes;
  // a 6-digit code is the last 6 digits.
  const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
  it.each([
    [59, '287082'],
    [1111111109, '081804'],
    [1111111111, '050471'],
    [1234567890, '005924'],
    [2000000000, '279037'],
  ])('matches the RFC 6238 test vector at T=%i', (seconds, code) => {
    expect(verifyTotp(RFC_SECRET, code, { now: seconds * 1000 })).toBe(true);
  });

  it('generates 20-byte base32 secrets, different each time', () => {
    const secret = generateTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/); // 32 base32 characters = 160 bits = 20 bytes
    expect(generateTotpSecret()).not.toBe(secret);
  });

  describe('verification', () => {
    const secret = generateTotpSecret();
    const now = Date.parse('2026-03-10T09:15:10Z');

    it("accepts the current code, and the previous and next step's", () => {
      expect(verifyTotp(secret, codeAt(secret, now), { now })).toBe(true);
      expect(verifyTotp(secret, codeAt(secret, now - STEP_MS), { now })).toBe(true);
      expect(verifyTotp(secret, codeAt(secret, now + STEP_MS), { now })).toBe(true);
    });

    it('refuses codes 2 or 3 steps away, and codes of another secret', () => {
      expect(verifyTotp(secret, codeAt(secret, now - 3 * STEP_MS), { now })).toBe(false);
      expect(verifyTotp(secret, codeAt(secret, now - 2 * STEP_MS), { now })).toBe(false);
      expect(verifyTotp(secret, codeAt(secret, now + 2 * STEP_MS), { now })).toBe(false);
      expect(verifyTotp(secret, codeAt(generateTotpSecret(), now), { now })).toBe(false);
    });

    it('checks against the real clock by default', () => {
      expect(verifyTotp(secret, codeAt(secret, Date.now()))).toBe(true);
      expect(verifyTotp(secret, codeAt(secret, Date.now() - 3 * STEP_MS))).toBe(false);
    });

    it.each(['12345', '1234567', 'abcdef', '', '      ', '12345a', '123-456', '１２３４５６', '+12345', '1e5000'])(
      'refuses the malformed input %p',
      (input) => {
        expect(normaliseTotpInput(input)).toBeNull();
        expect(verifyTotp(secret, input, { now })).toBe(false);
      },
    );

    it('ignores spaces anywhere, as apps show "123 456"', () => {
      const code = codeAt(secret, now);
      const spaced = ` ${code.slice(0, 3)} ${code.slice(3)} `;
      expect(normaliseTotpInput(spaced)).toBe(code);
      expect(normaliseTotpInput(' 123 456 ')).toBe('123456');
      expect(normaliseTotpInput('\t123456\n')).toBe('123456');
      expect(verifyTotp(secret, spaced, { now })).toBe(true);
    });
  });

  describe('replay protection', () => {
    const secret = generateTotpSecret();
    const now = Date.parse('2026-03-10T09:15:10Z');

    it('numbers time steps of 30 seconds', () => {
      expect(totpTimeStep(0)).toBe(0);
      expect(totpTimeStep(59_999)).toBe(1);
      expect(totpTimeStep(60_000)).toBe(2);
      expect(totpTimeStep(now)).toBe(Math.floor(now / STEP_MS));
      expect(Math.abs(totpTimeStep() - Math.floor(Date.now() / STEP_MS))).toBeLessThanOrEqual(1);
    });

    it('tells which step matched, and refuses that step and earlier ones afterwards', () => {
      const step = matchTotpStep(secret, codeAt(secret, now), { now });
      expect(step).toBe(totpTimeStep(now));
      // The same code again, even within its 30 seconds: refused.
      expect(matchTotpStep(secret, codeAt(secret, now), { now, afterTimeStep: step! })).toBeNull();
      expect(matchTotpStep(secret, codeAt(secret, now - STEP_MS), { now, afterTimeStep: step! })).toBeNull();
      // The next code is fine.
      const later = now + STEP_MS;
      expect(matchTotpStep(secret, codeAt(secret, later), { now: later, afterTimeStep: step! })).toBe(step! + 1);
    });

    it("returns a future step's number, so a code from a fast phone is not used twice", () => {
      const ahead = codeAt(secret, now + STEP_MS);
      const step = matchTotpStep(secret, ahead, { now });
      expect(step).toBe(totpTimeStep(now) + 1);
      expect(matchTotpStep(secret, ahead, { now: now + 5_000, afterTimeStep: step! })).toBeNull();
      expect(matchTotpStep(secret, ahead, { now: now + STEP_MS, afterTimeStep: step! })).toBeNull();
    });

    it('refuses everything, without throwing, when the last step is past the window (clock set back)', () => {
      const lastStep = totpTimeStep(now) + 10;
      expect(matchTotpStep(secret, codeAt(secret, now), { now, afterTimeStep: lastStep })).toBeNull();
    });

    it('rejects a negative or fractional last step as a programming error', () => {
      expect(() => matchTotpStep(secret, codeAt(secret, now), { now, afterTimeStep: -1 })).toThrow(RangeError);
      expect(() => matchTotpStep(secret, codeAt(secret, now), { now, afterTimeStep: 1.5 })).toThrow(RangeError);
    });
  });

  describe('enrolment URI and QR code', () => {
    const secret = generateTotpSecret();
    const uri = totpUri({ secret, accountName: 'jane.doe@example.org', issuer: 'LIAISE Learning' });

    it('names the issuer and the account', () => {
      const url = new URL(uri);
      expect(url.protocol).toBe('otpauth:');
      expect(url.host).toBe('totp');
      expect(decodeURIComponent(url.pathname)).toBe('/LIAISE Learning:jane.doe@example.org');
      expect(url.searchParams.get('issuer')).toBe('LIAISE Learning');
      expect(url.searchParams.get('secret')).toBe(secret);
      expect(totpUri({ secret, accountName: 'jane.doe@example.org' })).toBe(uri); // issuer by default
    });

    it('renders an inline SVG without scripts or links', async () => {
      const svg = (await totpQrSvg(uri)).trim();
      expect(svg.startsWith('<svg')).toBe(true);
      expect(svg.endsWith('</svg>')).toBe(true);
      expect(svg).not.toMatch(/<script/i);
      expect(svg).not.toMatch(/\son\w+=/i); // no event handler attributes
      expect(svg).not.toMatch(/href/i);
      expect(svg).not.toContain(secret); // the secret is drawn, not written out
    });

    it('renders a PNG data URL', async () => {
      const dataUrl = await totpQrDataUrl(uri);
      expect(dataUrl).toMatch(/^data:image\/png;base64,[A-Za-z0-9+/]+=*$/);
      const png = Buffer.from(dataUrl.split(',')[1]!, 'base64');
      expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    });
  });
});

describe('recovery codes', () => {
  const codes = generateRecoveryCodes();
  const hashes = codes.map(hashRecoveryCode);
  const alphabet = `[${RECOVERY_CODE_ALPHABET}]`;

  it('are 10 distinct codes of the form xxxx-xxxx-xx from an unambiguous alphabet', () => {
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    const format = new RegExp(`^${alphabet}{4}-${alphabet}{4}-${alphabet}{2}$`);
    for (const code of codes) expect(code).toMatch(format);
    expect(RECOVERY_CODE_ALPHABET).not.toMatch(/[01ilo]/);
    expect(new Set(RECOVERY_CODE_ALPHABET).size).toBe(RECOVERY_CODE_ALPHABET.length);
    expect(10 * Math.log2(RECOVERY_CODE_ALPHABET.length)).toBeGreaterThan(49); // ~50 bits each
  });

  it('can be asked for in another number', () => {
    expect(generateRecoveryCodes(3)).toHaveLength(3);
    expect(() => generateRecoveryCodes(0)).toThrow(RangeError);
  });

  it('use every symbol of the alphabet, at random', () => {
    const seen = new Set(generateRecoveryCodes(200).join('').replace(/-/g, ''));
    expect(seen.size).toBe(RECOVERY_CODE_ALPHABET.length);
  });

  it('are stored as distinct SHA-256 hashes of the normalised code', () => {
    expect(new Set(hashes).size).toBe(10);
    for (const hash of hashes) expect(hash).toMatch(/^[0-9a-f]{64}$/);
    const plain = codes[0]!.replace(/-/g, '');
    expect(hashes[0]).toBe(createHash('sha256').update(plain).digest('hex'));
    expect(hashes).not.toContain(codes[0]);
  });

  it('are found however they are typed: any case, with or without spaces and dashes', () => {
    const code = codes[4]!;
    expect(findRecoveryCode(hashes, code)).toBe(4);
    expect(findRecoveryCode(hashes, code.toUpperCase())).toBe(4);
    expect(findRecoveryCode(hashes, code.replace(/-/g, ''))).toBe(4);
    expect(findRecoveryCode(hashes, ` ${code.replace(/-/g, ' ')} `)).toBe(4);
    expect(findRecoveryCode(hashes, codes[9]!)).toBe(9);
  });

  it('are not found when wrong, used or absent', () => {
    const code = codes[2]!;
    const typo = code.slice(0, -1) + (code.endsWith('2') ? '3' : '2');
    expect(findRecoveryCode(hashes, typo)).toBe(-1);
    expect(findRecoveryCode(hashes, generateRecoveryCodes(1)[0]!)).toBe(-1);
    expect(findRecoveryCode(hashes, '')).toBe(-1);
    expect(findRecoveryCode(hashes, hashes[2]!)).toBe(-1); // the hash itself is not a code
    expect(findRecoveryCode([], code)).toBe(-1);
    const used = hashes.map((hash, index) => (index === 2 ? '' : hash));
    expect(findRecoveryCode(used, code)).toBe(-1);
    expect(findRecoveryCode(used, codes[3]!)).toBe(3);
  });
});

describe('encryption of the TOTP secret at rest', () => {
  const key = deriveKey('s'.repeat(16) + randomBytes(16).toString('hex'));
  const plain = generateTotpSecret();

  it('round-trips, in the v1.<iv>.<tag>.<ciphertext> format with a fresh IV each time', () => {
    const token = encryptSecret(plain, key);
    expect(token).toMatch(/^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    const [, iv, tag] = token.split('.');
    expect(Buffer.from(iv!, 'base64url')).toHaveLength(12);
    expect(Buffer.from(tag!, 'base64url')).toHaveLength(16);
    expect(token).not.toContain(plain);
    expect(decryptSecret(token, key)).toBe(plain);
    const again = encryptSecret(plain, key);
    expect(again).not.toBe(token);
    expect(decryptSecret(again, key)).toBe(plain);
    expect(decryptSecret(encryptSecret('', key), key)).toBe('');
    expect(decryptSecret(encryptSecret('ünïcødé ✓', key), key)).toBe('ünïcødé ✓');
  });

  function flipFirstBit(part: string): string {
    const bytes = Buffer.from(part, 'base64url');
    bytes[0]! ^= 1;
    return bytes.toString('base64url');
  }

  it.each([
    ['IV', 1],
    ['tag', 2],
    ['ciphertext', 3],
  ])('throws when the %s was altered', (_name, index) => {
    const parts = encryptSecret(plain, key).split('.');
    parts[index] = flipFirstBit(parts[index]!);
    expect(() => decryptSecret(parts.join('.'), key)).toThrow();
  });

  it('throws on malformed tokens', () => {
    const token = encryptSecret(plain, key);
    const [, iv, tag, ciphertext] = token.split('.');
    for (const bad of [
      '',
      plain,
      token.replace(/^v1/, 'v2'),
      token.slice(0, -2),
      `${token}.x`,
      `v1.${iv}.${tag}`,
      `v1.${iv}.${tag!.slice(0, 10)}.${ciphertext}`,
      `v1.${iv}.${tag}.${ciphertext}!`,
    ]) {
      expect(() => decryptSecret(bad, key)).toThrow();
    }
  });

  it('throws with the wrong key', () => {
    const token = encryptSecret(plain, key);
    expect(() => decryptSecret(token, deriveKey('another master secret of 32+ chars!!'))).toThrow();
    expect(() => decryptSecret(token, randomBytes(32))).toThrow();
  });

  it('binds optional associated data, such as the account id', () => {
    const token = encryptSecret(plain, key, 'account-1');
    expect(decryptSecret(token, key, 'account-1')).toBe(plain);
    expect(() => decryptSecret(token, key, 'account-2')).toThrow();
    expect(() => decryptSecret(token, key)).toThrow();
  });

  it('refuses keys that are not 32 bytes', () => {
    expect(() => encryptSecret(plain, randomBytes(16))).toThrow(RangeError);
    expect(() => decryptSecret(encryptSecret(plain, key), randomBytes(16))).toThrow(RangeError);
  });

  describe('deriveKey', () => {
    const master = 'a-session-secret-of-at-least-32-characters';

    it('is HKDF-SHA256 with info "liaise-totp-v1", giving 32 bytes', () => {
      // RFC 5869 by hand: extract with an empty salt (HashLen zero bytes), then one expand block.
      const prk = createHmac('sha256', Buffer.alloc(32)).update(master).digest();
      const okm = createHmac('sha256', prk).update(Buffer.concat([Buffer.from('liaise-totp-v1'), Buffer.from([1])])).digest();
      expect(deriveKey(master)).toEqual(okm);
      expect(deriveKey(master)).toHaveLength(32);
    });

    it('is stable for a secret and differs between secrets', () => {
      expect(deriveKey(master).equals(deriveKey(master))).toBe(true);
      expect(deriveKey(master).equals(deriveKey(`${master}!`))).toBe(false);
    });

    it('refuses a master secret shorter than 32 characters', () => {
      expect(() => deriveKey('')).toThrow(RangeError);
      expect(() => deriveKey('x'.repeat(31))).toThrow(RangeError);
      expect(deriveKey('x'.repeat(32))).toHaveLength(32);
    });
  });
});
