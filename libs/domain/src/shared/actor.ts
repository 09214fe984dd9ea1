// Who acts: every command carries `by`, and deciders check it. Defined here so the domain imports nothing.

/** Roles of the people (and the system) that act on the platform. */
export const ROLES = ['student', 'mentor', 'staff', 'tutor', 'funder', 'auditor', 'analyst', 'admin', 'system'] as const;
export type Role = (typeof ROLES)[number];

/** The acting user (or `system` for reactors and process managers). */
export interface Actor {
  id: string;
  role: Role;
}

/** The mentorship team: staff, and admins who may do whatever staff may. */
export function isStaff(by: Actor): boolean {
  return by.role === 'staff' || by.role === 'admin';
}

/** Staff, admin or the system acting for them (automatic escalations, process managers). */
export function isStaffOrSystem(by: Actor): boolean {
  return isStaff(by) || by.role === 'system';
}

/** A plain copy of the actor, so events never share a reference with a command. */
export function actorOf(by: Actor): Actor {
  return { id: by.id, role: by.role };
}
