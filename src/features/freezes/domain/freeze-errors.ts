import { DomainError } from '../../../platform/errors/domain-errors';

/** 409 urn:tracker:problems:frozen: a freeze covers the deployment; `freezes` names them. */
export class FrozenError extends DomainError {
  constructor(freezes: Array<{ id: string; name: string; until: Date }>) {
    const names = freezes.map((f) => `${f.name} (${f.id}) until ${f.until.toISOString()}`).join(', ');
    super('frozen', `A change freeze covers this deployment: ${names}. Send X-Freeze-Override: <reason> to deploy anyway.`, {
      members: { freezes: freezes.map((f) => ({ id: f.id, name: f.name, until: f.until.toISOString() })) },
    });
  }
}
