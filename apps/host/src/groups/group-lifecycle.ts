import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/**
 * What another module does inside a group's own transactions. Each module owns its tables: GroupsService never
 * writes them, it calls the participants, which register themselves (so groups/ depends on none of them).
 */
export interface GroupParticipant {
  /** A member leaves or is removed: drop what they hold in the group and announce it (same transaction). */
  memberLeaving?(manager: EntityManager, groupId: string, userId: string): Promise<void>;
  /** The DM is about to change the group's ruleset: throw a DomainError when it may not change. */
  rulesetChanging?(manager: EntityManager, groupId: string): Promise<void>;
}

/** The registry of GroupParticipants; modules register in `onModuleInit`, before any request. */
@Injectable()
export class GroupLifecycle {
  private readonly participants: GroupParticipant[] = [];

  register(participant: GroupParticipant): void {
    this.participants.push(participant);
  }

  async memberLeaving(manager: EntityManager, groupId: string, userId: string): Promise<void> {
    for (const participant of this.participants) await participant.memberLeaving?.(manager, groupId, userId);
  }

  async rulesetChanging(manager: EntityManager, groupId: string): Promise<void> {
    for (const participant of this.participants) await participant.rulesetChanging?.(manager, groupId);
  }
}
