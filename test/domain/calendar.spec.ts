import { describe, expect, it } from 'vitest';
import {
  addCalendarMonths,
  addDays,
  calendarDateInSweden,
  dateOfDayNumber,
  dayNumber,
  daysBetween,
} from '../../src/domain/calendar.js';
import { AppError } from '../../src/domain/errors.js';

describe('calendar', () => {
  it('moves dates by days across month and year ends', () => {
    expect(addDays('2026-11-23', 30)).toBe('2026-12-23');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(daysBetween('2026-11-23', '2027-01-02')).toBe(40);
    expect(dateOfDayNumber(dayNumber('2026-02-28'))).toBe('2026-02-28');
  });

  it('moves dates by calendar months, ending at the last day of a shorter month', () => {
    expect(addCalendarMonths('2026-01-31', 2)).toBe('2026-03-31');
    expect(addCalendarMonths('2025-12-31', 2)).toBe('2026-02-28');
    expect(addCalendarMonths('2026-01-31', 1)).toBe('2026-02-28');
    expect(addCalendarMonths('2026-03-31', -1)).toBe('2026-02-28');
    expect(addCalendarMonths('2026-11-15', 14)).toBe('2028-01-15');
  });

  it('refuses text that is not a calendar date', () => {
    for (const bad of ['2026-02-30', '2026-13-01', '26-01-01', '2026-1-1', '']) {
      expect(() => dayNumber(bad)).toThrow(AppError);
    }
  });

  it('gives the Swedish calendar date of an instant, in winter and summer time', () => {
    expect(calendarDateInSweden(new Date('2026-01-31T22:59:00Z'))).toBe('2026-01-31'); // 23:59 CET
    expect(calendarDateInSweden(new Date('2026-01-31T23:30:00Z'))).toBe('2026-02-01'); // 00:30 CET
    expect(calendarDateInSweden(new Date('2026-07-31T21:59:00Z'))).toBe('2026-07-31'); // 23:59 CEST
    expect(calendarDateInSweden(new Date('2026-07-31T22:00:00Z'))).toBe('2026-08-01'); // 00:00 CEST
  });
});
