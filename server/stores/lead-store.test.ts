// The lead store on both backends: leads listed newest first a page at a time with their counts, filtered by
// status, exported oldest first, counted per visitor for the widget's limit.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { backends, openForTest } from '../../e2e/support/store-backends.js';
import type { LeadStatus, LeadStore, NewLead } from './lead-store.js';

const ISO_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const lead = (name: string, visitorHash = 'v1'): NewLead => ({
  kind: 'talk',
  name,
  email: `${name.toLowerCase()}@example.com`,
  message: `${name} would like a call`,
  consentText: 'I agree to be contacted.',
  visitorHash,
  conversationId: null,
  origin: 'https://shop.example',
});

/** Adds leads with the given statuses, in order, and returns their ids. */
async function addLeads(leads: LeadStore, statuses: LeadStatus[]): Promise<number[]> {
  const ids: number[] = [];
  for (const [i, status] of statuses.entries()) {
    const id = await leads.addLead(lead(`Person${i}`));
    if (status !== 'new') assert.equal(await leads.setLeadStatus(id, status), true);
    ids.push(id);
  }
  return ids;
}

for (const backend of backends()) {
  describe(`lead store (${backend.name})`, { skip: backend.skip }, () => {
    it('a lead reads back with everything it was given, new and timestamped', async (t) => {
      const { leads } = (await openForTest(backend, t)).stores;
      const id = await leads.addLead({ ...lead('Ada'), kind: 'pre_chat', origin: null });
      assert.equal(typeof id, 'number');
      const found = await leads.findLead(id);
      assert.ok(found);
      assert.match(found.createdAt, ISO_MS);
      assert.equal(found.updatedAt, found.createdAt);
      assert.deepEqual(found, {
        id,
        kind: 'pre_chat',
        name: 'Ada',
        email: 'ada@example.com',
        message: 'Ada would like a call',
        status: 'new',
        conversationId: null,
        origin: null,
        createdAt: found.createdAt,
        updatedAt: found.updatedAt,
        consentText: 'I agree to be contacted.',
        visitorHash: 'v1',
      });
      assert.equal(await leads.findLead(id + 1), null);
    });

    it('lists newest first a page at a time, with the total of the filter and the count of each status', async (t) => {
      const { leads } = (await openForTest(backend, t)).stores;
      const ids = await addLeads(leads, ['new', 'contacted', 'new', 'closed', 'new']);
      const counts = { new: 3, contacted: 1, closed: 1 };

      const firstPage = await leads.listLeads('all', 2, 0);
      assert.deepEqual(
        firstPage.leads.map((l) => l.id),
        [ids[4], ids[3]],
      );
      assert.equal(firstPage.total, 5);
      assert.deepEqual(firstPage.counts, counts);
      assert.deepEqual(
        (await leads.listLeads('all', 2, 4)).leads.map((l) => l.id),
        [ids[0]],
      );

      const fresh = await leads.listLeads('new', 10, 0);
      assert.deepEqual(
        fresh.leads.map((l) => l.id),
        [ids[4], ids[2], ids[0]],
      );
      assert.equal(fresh.total, 3);
      assert.deepEqual(fresh.counts, counts, 'the counts are of every status, whatever the filter');
      assert.deepEqual(await leads.listLeads('closed', 10, 5), { leads: [], total: 1, counts });
    });

    it('status changes and deletions say whether the lead existed', async (t) => {
      const { leads } = (await openForTest(backend, t)).stores;
      const [id] = await addLeads(leads, ['new']);
      const before = (await leads.findLead(id))!;
      await new Promise((resolve) => setTimeout(resolve, 5));
      assert.equal(await leads.setLeadStatus(id, 'contacted'), true);
      const after = (await leads.findLead(id))!;
      assert.equal(after.status, 'contacted');
      assert.ok(after.updatedAt > before.updatedAt, 'updatedAt moves on');
      assert.equal(after.createdAt, before.createdAt);
      assert.equal(await leads.setLeadStatus(id + 100, 'closed'), false);
      assert.equal(await leads.deleteLead(id), true);
      assert.equal(await leads.deleteLead(id), false);
      assert.equal(await leads.findLead(id), null);
    });

    it('exports oldest first, all or one status, with the consent text', async (t) => {
      const { leads } = (await openForTest(backend, t)).stores;
      const ids = await addLeads(leads, ['new', 'closed', 'new']);
      const all = await leads.exportLeads('all');
      assert.deepEqual(
        all.map((l) => l.id),
        ids,
      );
      assert.deepEqual(Object.keys(all[0]).sort(), [
        'consentText',
        'conversationId',
        'createdAt',
        'email',
        'id',
        'kind',
        'message',
        'name',
        'origin',
        'status',
      ]);
      assert.equal(all[1].consentText, 'I agree to be contacted.');
      assert.deepEqual(
        (await leads.exportLeads('new')).map((l) => l.id),
        [ids[0], ids[2]],
      );
      assert.deepEqual(await leads.exportLeads('contacted'), []);
    });

    it("counts one visitor's leads since a time", async (t) => {
      const { leads } = (await openForTest(backend, t)).stores;
      const since = new Date(Date.now() - 60_000).toISOString();
      await leads.addLead(lead('Ada', 'v1'));
      await leads.addLead(lead('Ada', 'v1'));
      await leads.addLead(lead('Bob', 'v2'));
      assert.equal(await leads.countVisitorLeads('v1', since), 2);
      assert.equal(await leads.countVisitorLeads('v3', since), 0);
      assert.equal(await leads.countVisitorLeads('v1', new Date(Date.now() + 60_000).toISOString()), 0);
    });
  });
}
