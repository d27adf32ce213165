import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EnvironmentVariables, validateEnv } from './env.schema';

describe('validateEnv', () => {
  it('fills every default', () => {
    const env = validateEnv({});
    expect(env).toMatchObject({ HTTP_PORT: 8080, GRPC_PORT: 8765, HTTP_HOST: '0.0.0.0', TRACKER_AUTH: 'off', DATA_DIR: './data' });
    expect(env.MONGODB_URI).toBeUndefined();
  });

  it('turns numeric strings into numbers', () => {
    expect(validateEnv({ HTTP_PORT: '9000' }).HTTP_PORT).toBe(9000);
  });

  it.each([
    ['HTTP_PORT', 'eighty'],
    ['GRPC_PORT', '70000'],
    ['MONGODB_URI', 'postgres://x'],
    ['TRACKER_AUTH', 'maybe'],
    ['LOG_LEVEL', 'loud'],
    ['SLACK_WEBHOOK_URL', 'ftp://x'],
    ['NOTIFY_RETRY_SCHEDULE', '1,,2'],
    ['EVENT_BUS_URL', 'http://127.0.0.1:4222'],
    ['STREAM_RETENTION_HOURS', '0'],
  ])('rejects %s=%s with one line naming the variable', (name, value) => {
    expect(() => validateEnv({ [name]: value })).toThrow(new RegExp(`^Invalid configuration: ${name}=`));
    try {
      validateEnv({ [name]: value });
    } catch (err) {
      expect((err as Error).message).not.toContain('\n');
    }
  });

  it('treats an empty optional value as unset', () => {
    expect(validateEnv({ MONGODB_URI: '' }).MONGODB_URI).toBeUndefined();
  });

  it('lists every variable in .env.example', () => {
    const example = readFileSync(join(__dirname, '..', '..', '.env.example'), 'utf8');
    const listed = new Set([...example.matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]));
    for (const key of Object.keys(new EnvironmentVariables())) expect(listed).toContain(key);
    for (const key of ['MONGODB_URI', 'AUTH_JWT_SECRET', 'SLACK_WEBHOOK_URL', 'SMTP_URL', 'EMAIL_TO']) expect(listed).toContain(key);
  });
});
