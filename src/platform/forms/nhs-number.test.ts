import { describe, expect, it } from 'vitest';
import { findNhsNumbers, isValidNhsNumber, nhsNumberProblem } from './nhs-number';

describe('NHS number detection', () => {
  it('accepts numbers whose Modulus 11 check digit is right (943 476 5919 is the published test number)', () => {
    expect(isValidNhsNumber('9434765919')).toBe(true);
    expect(isValidNhsNumber('9434765918')).toBe(false);
    expect(isValidNhsNumber('123456789')).toBe(false);
  });
  it('refuses numbers whose check digit would be 10', () => {
    // 1,2,3,4,5,6,7,8,1: 10+18+24+28+30+30+28+24+2 = 194; 194 mod 11 = 7; 11 − 7 = 4 → valid with 4
    expect(isValidNhsNumber('1234567814')).toBe(true);
    // 0,…,0,1 (weight 2) → 2; 11 − 2 = 9
    expect(isValidNhsNumber('0000000019')).toBe(true);
    // 1,0,…,0 (weight 10) → 10; 11 − 10 = 1
    expect(isValidNhsNumber('1000000001')).toBe(true);
    // A sum ≡ 1 (mod 11) gives check digit 10, so no number is valid: 0,…,0,6 → 12 ≡ 1
    expect(isValidNhsNumber('0000000060')).toBe(false);
  });
  it('finds them written together, spaced or hyphenated, and not inside longer numbers', () => {
    expect(findNhsNumbers('Patient 943 476 5919 was seen')).toEqual(['943 476 5919']);
    expect(findNhsNumbers('ref 943-476-5919.')).toEqual(['943-476-5919']);
    expect(findNhsNumbers('9434765919')).toEqual(['9434765919']);
    expect(findNhsNumbers('phone 01134 765 918 or 19434765919')).toEqual([]);
  });
  it('explains what to do', () => {
    expect(nhsNumberProblem('see 943 476 5919', 'your note')).toBe(
      'Your note contains what looks like an NHS number (943 476 5919). Take out anything that could identify a patient, then try again',
    );
    expect(nhsNumberProblem('nothing here')).toBeNull();
  });
});
