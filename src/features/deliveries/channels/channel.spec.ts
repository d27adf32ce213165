import { NotificationMessage } from './channel';
import { emailContent, emailMessageId } from './email.channel';
import { slackPayload } from './slack.channel';

const message: NotificationMessage = {
  dedupKey: '507f1f77bcf86cd799439011:slack:created',
  eventId: '507f1f77bcf86cd799439011',
  trigger: 'created',
  title: 'Deploy user-service v2.1.0 to production',
  service: 'user-service',
  environment: 'Production',
  status: 'Success',
  priority: 'P2',
  links: { pullRequestLink: 'https://github.com/org/repo/pull/123' },
};

describe('slackPayload', () => {
  it('says title, service, environment, status, priority and links, and carries the dedup key', () => {
    const payload = slackPayload(message);
    const text = JSON.stringify(payload);
    for (const s of ['Deploy user-service', 'user-service', 'Production', 'Success', 'P2', 'https://github.com/org/repo/pull/123']) {
      expect(text).toContain(s);
    }
    expect(payload.tracker_dedup_key).toBe(message.dedupKey);
    expect(payload.text).toBe('Deploy user-service v2.1.0 to production (user-service · Production · Success · P2)');
  });
});

describe('email', () => {
  it('uses the dedup key as a valid Message-ID', () => {
    expect(emailMessageId(message.dedupKey)).toBe('<507f1f77bcf86cd799439011.slack.created@tracker>');
  });

  it('puts the headline in the subject and the facts in the body', () => {
    const { subject, text } = emailContent(message);
    expect(subject).toBe('[Tracker] Deploy user-service v2.1.0 to production (user-service · Production · Success · P2)');
    expect(text).toContain('Environment: Production');
    expect(text).toContain('pullRequestLink: https://github.com/org/repo/pull/123');
  });
});
