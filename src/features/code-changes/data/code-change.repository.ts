import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, mongo } from 'mongoose';
import { dateRange, DateWindow } from '../../../platform/database/portable-filters';
import { StoreProfile } from '../../../platform/database/store-profile';
import { insertUnlessExists } from '../../../platform/database/unique-insert';
import { CODE_CHANGE_MODEL, CodeChangeRecord } from './code-change.schema';
import { nativeCollection } from '../../../platform/database/native-collection';

/** Which changes a list or an insights read wants: exact service, changedAt window (from/to inclusive, before exclusive). */
export interface CodeChangeCriteria {
  service?: string;
  window?: DateWindow;
}

const NEWEST_FIRST = { changedAt: -1, _id: -1 } as const;

/** The only code touching the changes collection; plain objects in and out, through the driver. */
@Injectable()
export class CodeChangeRepository {
  private readonly collection: mongo.Collection<CodeChangeRecord>;

  constructor(
    @InjectModel(CODE_CHANGE_MODEL) model: Model<CodeChangeRecord>,
    private readonly store: StoreProfile,
  ) {
    this.collection = nativeCollection(model);
  }


  /** True when this call stored the change; false when a change with its `_id` (its identity) already exists. */
  insertUnlessExists(record: CodeChangeRecord): Promise<boolean> {
    return insertUnlessExists(this.collection, record);
  }

  findById(id: string): Promise<CodeChangeRecord | null> {
    return this.collection.findOne({ _id: id });
  }

  /** A change of `service` recorded under either identity (same sha, or same pull request link), if any. */
  findByIdentity(service: string, sha: string | undefined, pullRequestLink: string | undefined): Promise<CodeChangeRecord | null> {
    const either: mongo.Filter<CodeChangeRecord>[] = [];
    if (sha) either.push({ sha: String(sha) });
    if (pullRequestLink) either.push({ pullRequestLink: String(pullRequestLink) });
    if (!either.length) return Promise.resolve(null);
    return this.collection.findOne({ service: String(service), $or: either });
  }

  /** One page, newest changedAt first (`_id` breaks ties), and how many match in all. */
  async page(criteria: CodeChangeCriteria, skip: number, limit: number): Promise<{ items: CodeChangeRecord[]; total: number }> {
    const filter = toFilter(criteria);
    if (!(await this.store.scansEveryQuery())) {
      const [items, total] = await Promise.all([
        this.collection.find(filter, { sort: NEWEST_FIRST, skip, limit }).toArray(),
        this.collection.countDocuments(filter),
      ]);
      return { items, total };
    }
    // FerretDB reads the whole collection for any query: one scan gives the matches, sorted and paged here,
    // instead of a second scan to count them.
    const matches = sortNewestFirst(await this.collection.find(filter).toArray());
    return { items: matches.slice(skip, skip + limit), total: matches.length };
  }

  /** Every matching change, in no particular order: one query. */
  findAll(criteria: CodeChangeCriteria): Promise<CodeChangeRecord[]> {
    return this.collection.find(toFilter(criteria)).toArray();
  }
}

function sortNewestFirst(records: CodeChangeRecord[]): CodeChangeRecord[] {
  return records.sort((a, b) => b.changedAt.getTime() - a.changedAt.getTime() || (a._id < b._id ? 1 : a._id > b._id ? -1 : 0));
}

function toFilter(c: CodeChangeCriteria): mongo.Filter<CodeChangeRecord> {
  const filter: Record<string, unknown> = {};
  if (c.service !== undefined) filter.service = String(c.service);
  return { ...filter, ...dateRange('changedAt', c.window) };
}
