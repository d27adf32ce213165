import { Injectable, Logger } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, mongo } from 'mongoose';
import { DELIVERY_CLAIM_HEAD_MODEL, DELIVERY_CLAIM_MODEL, DeliveryClaimHeadRecord, DeliveryClaimRecord } from './delivery-claim.schema';
import { chainLinkId, hintMove, linksBelow, readOnChain, settledHints } from '../../../platform/database/append-only-chain';
import { isDuplicateKey } from '../../../platform/database/store-errors';
import { nativeCollection } from '../../../platform/database/native-collection';
import { insertUnlessExists } from '../../../platform/database/unique-insert';
import { ClaimHead, ClaimState, NO_CLAIM } from '../delivery/claim-rules';
import type { AttemptResult } from '../delivery/delivery-record';

/** How the sweep treats old claims. */
export interface ClaimSweep {
  /** Chains whose attempt finished before this are deleted whole. */
  finishedBefore: Date;
  /** Links below a head hint that moved before this (and past their lease) are pruned. */
  supersededBefore: Date;
  now: Date;
}

function toState(link: DeliveryClaimRecord): ClaimState {
  const { holder, eventId } = link;
  if (link.state === 'held') return { state: 'held', holder, eventId, expiresAt: new Date(link.expiresAt) };
  if (link.state === 'done') return { state: 'done', holder, eventId, result: reviveResult(link.result) };
  return { state: 'released', holder, eventId };
}

function toHead(link: DeliveryClaimRecord | null | undefined): ClaimHead {
  return link ? { gen: link.gen, value: toState(link) } : NO_CLAIM;
}

/** Stored results come back with their dates as Dates (the driver keeps them), but be lenient with strings. */
function reviveResult(raw: unknown): AttemptResult {
  const r = raw as AttemptResult;
  return {
    ...r,
    attempt: { ...r.attempt, at: new Date(r.attempt.at) },
    ...(r.nextAttemptAt ? { nextAttemptAt: new Date(r.nextAttemptAt) } : {}),
  };
}

/**
 * Attempt claims: the chains of links in delivery_claims and their head hints in delivery_claim_heads. Every
 * read a claim decision depends on is by `_id`; the only write it depends on is an insert that fails on an
 * existing `_id` (src/platform/database/append-only-chain.ts).
 */
@Injectable()
export class DeliveryClaimRepository {
  private readonly logger = new Logger(DeliveryClaimRepository.name);
  private readonly links: mongo.Collection<DeliveryClaimRecord>;
  private readonly heads: mongo.Collection<DeliveryClaimHeadRecord>;

  constructor(
    @InjectModel(DELIVERY_CLAIM_MODEL) model: Model<DeliveryClaimRecord>,
    @InjectModel(DELIVERY_CLAIM_HEAD_MODEL) headModel: Model<DeliveryClaimHeadRecord>,
  ) {
    this.links = nativeCollection(model);
    this.heads = nativeCollection(headModel);
  }

  /** The claim's newest link: from its head hint (or link 1), read on by `_id`. */
  async head(claim: string): Promise<ClaimHead> {
    const hint = await this.heads.findOne({ _id: claim });
    return this.readOn(claim, toHead(hint?.head));
  }

  readOn(claim: string, from: ClaimHead): Promise<ClaimHead> {
    return readOnChain(from, async (gen) => {
      const link = await this.links.findOne({ _id: chainLinkId(claim, gen) });
      return link ? toHead(link) : null;
    });
  }

  /**
   * Appends link `gen` of the claim: true when this call created it, false when another writer did first. From
   * link 2 on, then moves the head hint on (only forward: a hint at or past `gen` is left alone).
   */
  async append(claim: string, gen: number, value: Exclude<ClaimState, { state: 'none' }>, now: Date): Promise<boolean> {
    const link: DeliveryClaimRecord = {
      _id: chainLinkId(claim, gen),
      claim,
      gen,
      state: value.state,
      holder: value.holder,
      eventId: value.eventId,
      expiresAt: value.state === 'held' ? value.expiresAt : now,
      ...(value.state === 'done' ? { result: value.result } : {}),
      writtenAt: now,
    };
    if (!(await insertUnlessExists(this.links, link))) return false;
    if (gen >= 2) {
      // A hint only: a lost or refused write means readers read one more link by `_id`.
      const move = hintMove(claim, link);
      await this.heads.updateOne(move.filter, move.update, { upsert: true }).catch((err: unknown) => {
        if (!isDuplicateKey(err)) this.logger.warn({ err, claim }, 'claim head hint not updated');
      });
    }
    return true;
  }

  /**
   * One sweep, without a query per claim: finds the chains finished before `finishedBefore` and the head hints
   * that moved before `supersededBefore`, then deletes the finished chains whole and, below each such hint,
   * the links past their lease (one deleteMany per collection). Returns how many links went.
   */
  async sweep(at: ClaimSweep): Promise<number> {
    const finished = await this.links
      .find({ state: 'done', writtenAt: { $lt: at.finishedBefore } }, { projection: { claim: 1 } })
      .toArray();
    const ended = [...new Set(finished.map((l) => l.claim))];
    const endedSet = new Set(ended);
    const settled = settledHints(at.supersededBefore);
    const hints = await this.heads.find(settled.filter, { projection: settled.projection }).toArray();
    const superseded = linksBelow(
      hints.filter((h) => !endedSet.has(h._id)),
      'claim',
    ).map((below) => ({ ...below, expiresAt: { $lt: at.now } }));
    const doomed: mongo.Filter<DeliveryClaimRecord>[] = [
      // Claims of the previous version (one document per claim, no chain): gone once far past their lease.
      { claim: { $exists: false }, expiresAt: { $lt: at.finishedBefore } },
    ];
    if (ended.length > 0) doomed.push({ claim: { $in: ended } });
    doomed.push(...superseded);
    // The hints first: a crash in between leaves links whose done link the next sweep finds again.
    if (ended.length > 0) await this.heads.deleteMany({ _id: { $in: ended } });
    const res = await this.links.deleteMany({ $or: doomed });
    return res.deletedCount;
  }
}
