/**
 * The verdict read from Alertmanager's per-attempt counters. A failed attempt is counted in
 * requests_total first and in requests_failed_total a moment later; a read between the two once
 * reported a webhook answering 500 as delivered (CI, Alertmanager 0.33).
 */
import { describe, expect, it } from 'vitest';
import { deliveryOutcome } from '../../src/validate/alert-test.js';

const start = { requests: 4, failed: 1 };

describe('deliveryOutcome', () => {
  it('waits while nothing was attempted', () => {
    expect(deliveryOutcome(start, undefined, start)).toBe('pending');
    expect(deliveryOutcome(start, start, start)).toBe('pending');
  });

  it('does not trust a success seen once: the failed counter may not have caught up', () => {
    const between = { requests: 5, failed: 1 };
    expect(deliveryOutcome(start, start, between)).toBe('pending');
    expect(deliveryOutcome(start, between, { requests: 5, failed: 2 })).toBe('failed');
  });

  it('reports a success once two reads agree', () => {
    const sent = { requests: 5, failed: 1 };
    expect(deliveryOutcome(start, sent, sent)).toBe('sent');
  });

  it('reports a failure at once, retries included', () => {
    expect(deliveryOutcome(start, undefined, { requests: 5, failed: 2 })).toBe('failed');
    expect(deliveryOutcome(start, undefined, { requests: 7, failed: 4 })).toBe('failed');
  });

  it('counts a success after failed retries as sent', () => {
    const recovered = { requests: 7, failed: 3 };
    expect(deliveryOutcome(start, recovered, recovered)).toBe('sent');
  });
});
