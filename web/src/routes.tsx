import type { ReactNode } from 'react';
import { ActivityPage } from './pages/activity';
import { EventPage } from './pages/event';
import { FreezesPage } from './pages/freezes';
import { IncidentsPage } from './pages/incidents';
import { InsightsPage } from './pages/insights';
import { LocksPage } from './pages/locks';
import { OverlapsPage } from './pages/overlaps';
import { TimelinePage } from './pages/timeline';

export interface Route {
  /** The URL path; a `:name` segment is a parameter (web/src/url.ts, matchPath). */
  path: string;
  /** The navigation's link text; a route without one is not listed. */
  label?: string;
  /** For a route that is not listed: the path of the navigation entry it belongs to (marked current on it). */
  section?: string;
  /** The page, given the path's parameters (decoded). */
  element: (params: Record<string, string>) => ReactNode;
}

/**
 * Every page of the console, in navigation order: the router renders the first route matching the URL, the
 * navigation lists those with a label. A new page is one row here.
 */
export const ROUTES: readonly Route[] = [
  { path: '/', label: 'Timeline', element: () => <TimelinePage /> },
  { path: '/events', section: '/', element: () => <TimelinePage /> },
  { path: '/events/:id', section: '/', element: ({ id }) => <EventPage id={id} /> },
  { path: '/overlaps', label: 'Overlaps', element: () => <OverlapsPage /> },
  { path: '/locks', label: 'Locks', element: () => <LocksPage /> },
  { path: '/freezes', label: 'Freezes', element: () => <FreezesPage /> },
  { path: '/incidents', label: 'Incidents', element: () => <IncidentsPage /> },
  { path: '/insights', label: 'Insights', element: () => <InsightsPage /> },
  { path: '/activity', label: 'Activity log', element: () => <ActivityPage /> },
];
