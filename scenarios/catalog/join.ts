// Two input streams joined per batch (inner and left outer) and over a window: each side is read
// from its own offsets, so recovery must replay both logs to the same offset ranges.

import { namedScenario } from '../named-scenario.js';

export const join = namedScenario({
  name: 'join',
  description: 'orders join payments, orders leftOuterJoin payments, and a join of both windowed',
  inputs: { orders: 'pair', payments: 'pair' },
  operations: (config) => {
    const window = { windowMs: config.windowMs, slideMs: config.slideMs };
    return [
      { id: 'paid', op: 'join', from: 'orders', with: 'payments' },
      { id: 'out-paid', op: 'output', from: 'paid' },
      { id: 'all-orders', op: 'leftOuterJoin', from: 'orders', with: 'payments' },
      { id: 'out-all-orders', op: 'output', from: 'all-orders' },
      { id: 'recent-orders', op: 'window', from: 'orders', ...window },
      { id: 'recent-payments', op: 'window', from: 'payments', ...window },
      { id: 'recent-paid', op: 'join', from: 'recent-orders', with: 'recent-payments' },
      { id: 'out-recent-paid', op: 'output', from: 'recent-paid' },
    ];
  },
});
