import type { FastifyReply } from 'fastify';
import { DomainError } from '../errors/domain-errors';

/** 405 problems/69 with an Allow header, whoever asks (no auth needed to learn which methods exist). */
export function methodNotAllowed(reply: FastifyReply, allow: string): never {
  void reply.header('allow', allow);
  throw new DomainError('method-not-allowed', `This resource supports ${allow} only.`);
}
