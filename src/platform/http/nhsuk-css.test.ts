import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { nhsukDist } from '../views/render';
import { withoutRemoteFonts } from './nhsuk-css';

describe('the design system stylesheet as served', () => {
  const original = readFileSync(path.join(nhsukDist, 'nhsuk', 'nhsuk-frontend.min.css'), 'utf8');
  it('loads no font from another site (the CSP would block it and every page would log errors)', () => {
    expect(original).toContain('https://assets.nhs.uk/fonts/');
    const served = withoutRemoteFonts(original);
    expect(served).not.toMatch(/https?:\/\//);
    expect(served).not.toContain('@font-face');
  });
  it('keeps every other rule and the font stack that falls back to Arial', () => {
    const served = withoutRemoteFonts(original);
    expect(original.length - served.length).toBeLessThan(2000);
    expect(served).toContain('font-family:Frutiger W01,arial,sans-serif');
    expect(served).toContain('.nhsuk-header');
  });
  it('leaves a local @font-face alone', () => {
    const css = '@font-face{font-family:X;src:url(/static/x.woff2)}a{color:red}';
    expect(withoutRemoteFonts(css)).toBe(css);
  });
});
