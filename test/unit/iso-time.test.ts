import { isoTexts } from '../../src/domain/iso-time';

describe('isoTexts', () => {
  it('gives each Date its own ISO text, remembering only the last', () => {
    const iso = isoTexts();
    const a = new Date('2026-12-07T10:00:00.000Z');
    const b = new Date('2026-12-07T10:00:00.001Z');
    expect(iso(a)).toBe('2026-12-07T10:00:00.000Z');
    expect(iso(new Date(a.getTime()))).toBe('2026-12-07T10:00:00.000Z');
    expect(iso(b)).toBe('2026-12-07T10:00:00.001Z');
    expect(iso(a)).toBe('2026-12-07T10:00:00.000Z');
  });

  it('keeps one memory per function made', () => {
    const first = isoTexts();
    const second = isoTexts();
    expect(first(new Date(0))).toBe('1970-01-01T00:00:00.000Z');
    expect(second(new Date(86_400_000))).toBe('1970-01-02T00:00:00.000Z');
    expect(first(new Date(0))).toBe('1970-01-01T00:00:00.000Z');
  });
});
