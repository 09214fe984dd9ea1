// Shorthands for the four kinds of refusal, so deciders read as a list of rules.
import { DomainError } from './decider';

export function forbidden(code: string, message: string, details?: Record<string, unknown>): DomainError {
  return new DomainError(code, 'forbidden', message, details);
}

export function invalid(code: string, message: string, details?: Record<string, unknown>): DomainError {
  return new DomainError(code, 'validation', message, details);
}

export function conflict(code: string, message: string, details?: Record<string, unknown>): DomainError {
  return new DomainError(code, 'conflict', message, details);
}

export function notFound(code: string, message: string, details?: Record<string, unknown>): DomainError {
  return new DomainError(code, 'not_found', message, details);
}
