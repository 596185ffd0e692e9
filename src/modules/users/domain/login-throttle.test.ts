import { describe, expect, it } from 'vitest';
import { LOGIN_THROTTLE, retryAfterSeconds, windowCutoff } from './login-throttle.js';

const start = new Date('2030-01-01T12:00:00.000Z');
const at = (ms: number) => new Date(start.getTime() + ms);

describe('login throttle policy', () => {
  it('lets the first 5 attempts of a window through', () => {
    for (let count = 1; count <= 5; count++)
      expect(retryAfterSeconds({ count, windowStart: start.toISOString() }, at(1000))).toBeUndefined();
  });

  it('refuses the 6th attempt until the 15-minute window ends, counting down Retry-After', () => {
    expect(retryAfterSeconds({ count: 6, windowStart: start.toISOString() }, at(0))).toBe(900);
    expect(retryAfterSeconds({ count: 7, windowStart: start.toISOString() }, at(60_000))).toBe(840);
    expect(retryAfterSeconds({ count: 6, windowStart: start.toISOString() }, at(899_500))).toBe(1);
  });

  it('never asks to wait less than one second', () => {
    expect(retryAfterSeconds({ count: 6, windowStart: start.toISOString() }, at(LOGIN_THROTTLE.windowMs + 5000))).toBe(
      1,
    );
  });

  it('ends a window exactly 15 minutes after it started', () => {
    expect(windowCutoff(at(LOGIN_THROTTLE.windowMs))).toBe(start.toISOString());
  });
});
