/** Request examples from the events guide (/work/shared/spec/tracker-events-guide.md), for the OpenAPI document. */
export const CREATE_EVENT_EXAMPLES = {
  deployment: {
    summary: 'A production deployment (the guide\'s "Create Event")',
    value: {
      title: 'Deploy user-service v2.1.0 to production',
      attributes: {
        message: 'Deployed via GitHub Actions',
        type: 1,
        priority: 2,
        service: 'user-service',
        status: 3,
        environment: 7,
        owner: 'platform-team',
      },
      links: { pullRequestLink: 'https://github.com/org/repo/pull/123', ticket: 'PROJ-456' },
    },
  },
  complete: {
    summary: 'Every field (the guide\'s "Complete Event Schema")',
    value: {
      title: 'Deploy user-service v2.1.0 to production',
      attributes: {
        message: 'Deployed via GitHub Actions workflow',
        source: 'github_actions',
        type: 1,
        priority: 2,
        relatedId: 'parent-event-uuid',
        service: 'user-service',
        status: 3,
        environment: 7,
        impact: 2,
        startDate: '2024-01-15T10:00:00Z',
        endDate: '2024-01-15T10:05:00Z',
        owner: 'platform-team',
        stakeHolders: ['backend-team', 'ops-team'],
        notification: true,
        notifications: ['slack', 'email'],
      },
      links: { pullRequestLink: 'https://github.com/org/repo/pull/123', ticket: 'PROJ-456' },
    },
  },
};

export const UPDATE_EVENT_EXAMPLE = {
  id: '507f1f77bcf86cd799439011',
  title: 'Deploy user-service v2.1.0 to production',
  attributes: { status: 3, endDate: '2024-01-15T10:05:00Z' },
};
