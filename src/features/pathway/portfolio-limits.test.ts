import { describe, expect, it } from 'vitest';
import { decodedSize, portfolioLimitProblem, PORTFOLIO_LIMITS } from './portfolio-limits';

const MB = 1024 * 1024;
const item = (attachments: { filename: string; base64: string }[] = [], links = 0) => ({
  links: Array.from({ length: links }, () => ({})),
  attachments,
});

describe('portfolio import limits', () => {
  it('works out the decoded size of base64 without decoding it', () => {
    for (const bytes of [0, 1, 2, 3, 4, 5, 1000])
      expect(decodedSize(Buffer.alloc(bytes).toString('base64'))).toBe(bytes);
  });

  it('accepts an ordinary portfolio', () => {
    expect(
      portfolioLimitProblem(
        { evidence: [item([{ filename: 'a.pdf', base64: Buffer.alloc(1000).toString('base64') }], 3)], plan: [] },
        10 * MB,
      ),
    ).toBeNull();
  });

  it('refuses too many pieces of evidence, links or attachments, saying how many', () => {
    const limits = { ...PORTFOLIO_LIMITS, evidence: 2, links: 3, attachments: 1 };
    expect(portfolioLimitProblem({ evidence: [item(), item(), item()] }, MB, limits)).toBe(
      'This portfolio has 3 pieces of evidence; Waymark imports at most 2. Split it, or ask an administrator for help',
    );
    expect(portfolioLimitProblem({ evidence: [item([], 2), item([], 2)] }, MB, limits)).toContain(
      '4 links to statements; Waymark imports at most 3',
    );
    expect(
      portfolioLimitProblem(
        {
          evidence: [
            item([
              { filename: 'a', base64: '' },
              { filename: 'b', base64: '' },
            ]),
          ],
        },
        MB,
        limits,
      ),
    ).toContain('2 attachments; Waymark imports at most 1');
  });

  it('refuses an attachment bigger than ATTACHMENT_MAX_MB, naming it, and too many attachment bytes in all', () => {
    const big = Buffer.alloc(2 * MB).toString('base64');
    expect(portfolioLimitProblem({ evidence: [item([{ filename: 'scan.pdf', base64: big }])] }, MB)).toBe(
      '“scan.pdf” is 2 MB: each attachment can be at most 1 MB. Take it out of the file, or make it smaller, then import again',
    );
    expect(
      portfolioLimitProblem(
        {
          evidence: [
            item([
              { filename: 'a', base64: big },
              { filename: 'b', base64: big },
            ]),
          ],
        },
        3 * MB,
        { ...PORTFOLIO_LIMITS, attachmentBytes: 3 * MB },
      ),
    ).toContain('come to 4 MB; Waymark imports at most 3 MB');
  });

  it('says nothing about a file of the wrong shape (the schema check does that)', () => {
    expect(portfolioLimitProblem('hello', MB)).toBeNull();
    expect(portfolioLimitProblem({ evidence: 'x' }, MB)).toBeNull();
  });
});
