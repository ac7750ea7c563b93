import { describe, expect, it } from 'vitest';
import { coverage } from '../../src/domain/coverage.js';
import {
  outOfStockWithDeliveries,
  stockFigure,
  stockStatus,
  wholeStock,
} from '../../src/domain/stock-status.js';

describe('stockStatus', () => {
  it('calls a package with no usable stock out of stock, not one that runs out today', () => {
    // At 0 packs and 10 a day the first short day is today: the status says it already has run out.
    expect(coverage(0, 10, '2026-03-01')).toEqual({ days: 0, runsOutOn: '2026-03-01' });
    expect(stockStatus(0)).toBe('out_of_stock');
    // Negative (differences below a count) is no stock either, nor less than a millionth of a package
    // (the precision a region's share of a warehouse is rounded to).
    expect(stockStatus(-3)).toBe('out_of_stock');
    expect(stockStatus(0.0000009)).toBe('out_of_stock');
    expect(stockStatus(0.000001)).toBe('in_stock');
    expect(stockStatus(1)).toBe('in_stock');
    // Half a day's stock does run out today, and is still in stock.
    expect(coverage(5, 10, '2026-03-01').runsOutOn).toBe('2026-03-01');
    expect(stockStatus(5)).toBe('in_stock');
  });

  it('does not call a share below one package out of stock: 0.3 of a package at 0.01 a day covers 30 days', () => {
    // A small region's share of the warehouse stock serving it (by its share of their demand).
    expect(coverage(0.3, 0.01, '2026-03-01')).toEqual({ days: 30, runsOutOn: '2026-03-31' });
    expect(stockStatus(0.3)).toBe('in_stock');
    // Shown as what is there, not as 0 beside 30 days.
    expect(stockFigure(0.3)).toBe(0.3);
  });
});

describe('stockFigure', () => {
  it('shows whole packages, never more than is there, and below one package two significant digits', () => {
    expect(stockFigure(22.384512)).toBe(22);
    expect(stockFigure(1)).toBe(1);
    // A millionth below a whole number is that number (shares are rounded to a millionth).
    expect(stockFigure(0.9999995)).toBe(1);
    expect(wholeStock(0.9999995)).toBe(1);
    expect(stockFigure(0.999)).toBe(0.99);
    expect(stockFigure(0.48)).toBe(0.48);
    expect(stockFigure(1 / 3)).toBe(0.33);
    expect(stockFigure(0.0047)).toBe(0.0047);
    expect(stockFigure(0.000001)).toBe(0.000001);
    // Out of stock shows as 0, and so does less than nothing.
    expect(stockFigure(0.0000009)).toBe(0);
    expect(stockFigure(0)).toBe(0);
    expect(stockFigure(-3)).toBe(0);
    expect(wholeStock(0.3)).toBe(0);
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
