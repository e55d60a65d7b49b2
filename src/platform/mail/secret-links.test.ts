import { describe, expect, it } from 'vitest';
import { emailParagraphs, HIDDEN_LINK, looksLikeSecret, secretLink, splitSecrets } from './secret-links';

const TOKEN = 'q3Vf1n0-X8b2_KkR7yTgH5mWcZpLs4DdEaUoNiJeBvA';

describe('secret links in emails', () => {
  it('sends a marked link and hides it from what is stored', () => {
    const text = `Hello,\n\nOpen ${secretLink(`https://waymark.example/reset-password/${TOKEN}`)} within an hour.`;
    const { live, shown, hidden } = splitSecrets(text);
    expect(live).toBe(`Hello,\n\nOpen https://waymark.example/reset-password/${TOKEN} within an hour.`);
    expect(shown).toBe(`Hello,\n\nOpen ${HIDDEN_LINK} within an hour.`);
    expect(hidden).toBe(1);
  });

  it('hides an unmarked link that carries a token too, keeping the full stop after it', () => {
    const { shown, hidden } = splitSecrets(`Go to https://waymark.example/delphi/enter/${TOKEN}.`);
    expect(shown).toBe(`Go to ${HIDDEN_LINK}.`);
    expect(hidden).toBe(1);
    expect(splitSecrets(`?t=${TOKEN} at https://x.example/a?token=${TOKEN}`).shown).toBe(
      `?t=${TOKEN} at ${HIDDEN_LINK}`,
    );
  });

  it('leaves ordinary links alone: pages, record ids, short join codes', () => {
    const text =
      'Your plan: https://waymark.example/pathway/3f2b8c1e-9d4a-4b7e-8f00-1234567890ab/plan and https://waymark.example/join/K7P2QX';
    expect(splitSecrets(text)).toEqual({ live: text, shown: text, hidden: 0 });
    expect(looksLikeSecret('3f2b8c1e-9d4a-4b7e-8f00-1234567890ab')).toBe(false);
    expect(looksLikeSecret(TOKEN)).toBe(true);
  });

  it('shows an email as paragraphs of lines, with links and hidden links marked', () => {
    const paragraphs = emailParagraphs(
      `Hello Ada,\r\n\r\nLine one\nSee https://waymark.example/pathway.\n\n\n${HIDDEN_LINK}\n`,
    );
    expect(paragraphs).toEqual([
      [[{ text: 'Hello Ada,' }]],
      [[{ text: 'Line one' }], [{ text: 'See ' }, { href: 'https://waymark.example/pathway' }, { text: '.' }]],
      [[{ hidden: true }]],
    ]);
  });
});
