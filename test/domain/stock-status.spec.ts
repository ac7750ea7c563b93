import { describe, expect, it } from 'vitest';
import { coverage } from '../../src/domain/coverage.js';
import { outOfStockWithDeliveries, stockStatus, wholeStock } from '../../src/domain/stock-status.js';

describe('stockStatus', () => {
  it('calls a package with no usable stock out of stock, not one that runs out today', () => {
    // At 0 packs and 10 a day the first short day is today: the status says it already has run out.
    expect(coverage(0, 10, '2026-03-01')).toEqual({ days: 0, runsOutOn: '2026-03-01' });
    expect(stockStatus(0)).toBe('out_of_stock');
    // Negative (differences below a count) is no stock either, nor less than one whole package (a
    // region's share of a warehouse can be 0.3 of one), which is shown as 0.
    expect(stockStatus(-3)).toBe('out_of_stock');
    expect(stockStatus(0.3)).toBe('out_of_stock');
    expect(wholeStock(0.3)).toBe(0);
    expect(stockStatus(1)).toBe('in_stock');
    expect(wholeStock(0.9999995)).toBe(1);
    expect(wholeStock(22.384512)).toBe(22);
    // Half a day's stock does run out today, and is still in stock.
    expect(coverage(5, 10, '2026-03-01').runsOutOn).toBe('2026-03-01');
    expect(stockStatus(5)).toBe('in_stock');
  });
});

describe('outOfStockWithDeliveries', () => {
  it('is still out of stock when nothing arrives today, and not when a delivery does', () => {
    // Out of stock at 10 a day: runs out today; with no delivery today, also today.
    expect(outOfStockWithDeliveries('out_of_stock', '2026-03-01', '2026-03-01')).toBe(true);
    // 100 arriving today: runs out again on 2026-03-11.
    expect(outOfStockWithDeliveries('out_of_stock', '2026-03-01', '2026-03-11')).toBe(false);
    // A delivery today that lasts the simulated year.
    expect(outOfStockWithDeliveries('out_of_stock', '2026-03-01', null)).toBe(false);
    // Nothing held and no demand.
    expect(outOfStockWithDeliveries('out_of_stock', null, null)).toBe(true);
    expect(outOfStockWithDeliveries('in_stock', '2026-03-01', '2026-03-01')).toBe(false);
  });
});
