import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

const refusal = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error(`accepted ${JSON.stringify(env)}`);
};

describe('OUTBOX_RETENTION and INBOX_RETENTION', () => {
  it('keep dispatched outbox rows a week and inbox rows two weeks unless set', () => {
    expect(loadConfig({})).toMatchObject({ outboxRetentionSeconds: 604_800, inboxRetentionSeconds: 1_209_600 });
    expect(loadConfig({ OUTBOX_RETENTION: '2', INBOX_RETENTION: '5' })).toMatchObject({
      outboxRetentionSeconds: 2,
      inboxRetentionSeconds: 5,
    });
  });

  it('refuse an inbox retention that does not exceed the outbox retention, in one line', () => {
    const message = refusal({ OUTBOX_RETENTION: '60', INBOX_RETENTION: '60' });
    expect(message).toBe('Invalid configuration: INBOX_RETENTION (60 s) must be larger than OUTBOX_RETENTION (60 s)');
    expect(refusal({ INBOX_RETENTION: '604800' })).toMatch(/^Invalid configuration: INBOX_RETENTION \(604800 s\)/);
  });

  it('refuse what is not a whole number of seconds', () => {
    for (const value of ['0', '-5', '1.5', 'a week'])
      expect(refusal({ OUTBOX_RETENTION: value })).toBe(
        'Invalid configuration: OUTBOX_RETENTION must be a whole number of seconds, at least 1',
      );
    expect(refusal({ INBOX_RETENTION: '0' })).toMatch(/^Invalid configuration: INBOX_RETENTION must be/);
  });
});
