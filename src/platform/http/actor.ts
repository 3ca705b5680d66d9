import type { FastifyRequest } from 'fastify';
import type { AuditActor } from '../actor.ts';

/** The audit actor of a request: who (user, token or portal contact) and from where. */
export function actorOf(request: FastifyRequest): AuditActor {
  const p = request.principal;
  if (!p) return { type: 'anonymous', id: null, ip: request.ip };
  if (p.realm === 'portal') return { type: 'portal', id: p.contactId, ip: request.ip };
  return p.via === 'token'
    ? { type: 'token', id: p.tokenId ?? p.userId, ip: request.ip }
    : { type: 'user', id: p.userId, ip: request.ip };
}
