// What the three analytics queries share: who may ask (analysts and the team, R: no personal data is in
// what they read), and the report's range of weeks.
import type { Actor } from '@mentoring/event-store';
import { ANALYTICS_ROLES, requireRole, weekRange } from './params';

export function authorizeAnalytics(actor: Actor): void {
  requireRole(actor, ANALYTICS_ROLES, 'analytics');
}

export { weekRange };
