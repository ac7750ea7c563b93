import type { LocationKind, OrganisationKind } from './vocabulary.js';

/**
 * The channels medicines reach patients through (DOMAIN.md, "How stock and sales actually flow"):
 * - `community_dispensing`: dispensing on prescription and over the counter at community pharmacies
 *   (the national statistics E-hälsomyndigheten keeps), dose dispensing excluded;
 * - `care_requisition`: requisitions by care units and hospitals, through the regions' hospital
 *   pharmacies;
 * - `dose_dispensing`: machine-packed doses from the dose pharmacies (R5). Part of prescription
 *   dispensing in law, a channel of its own here so that it is counted once and can be seen apart.
 *
 * The channels are disjoint: a figure belongs to exactly one. Within a channel a region's sales may
 * come as a regional total or as its locations' own rows; `salesThatCount` (demand.ts) counts each
 * sale once.
 */
export const SALES_CHANNELS = ['community_dispensing', 'care_requisition', 'dose_dispensing'] as const;
export type SalesChannel = (typeof SALES_CHANNELS)[number];

/** Swedish names for the UI and exports. */
export const SALES_CHANNEL_NAMES_SV: Readonly<Record<SalesChannel, string>> = {
  community_dispensing: 'Öppenvårdsförsäljning',
  care_requisition: 'Rekvisition till vården',
  dose_dispensing: 'Dosdispensering',
};

// A Record, so that a new location kind fails to compile until it is given a channel.
const CHANNEL_OF_KIND: Readonly<Record<LocationKind, SalesChannel>> = {
  community_pharmacy: 'community_dispensing',
  dose_pharmacy: 'dose_dispensing',
  hospital_pharmacy: 'care_requisition',
  care_unit_store: 'care_requisition',
  municipal_store: 'care_requisition',
  // Ours: what leaves a warehouse or a preparedness stock for patients goes to care, not over a counter.
  wholesaler_warehouse: 'care_requisition',
  state_security_stock: 'care_requisition',
  regional_preparedness_stock: 'care_requisition',
};

/**
 * The channel of a location's sales row that does not name one (every report sent before channels
 * existed, and any that leaves the column out). Ours: a community pharmacy dispenses, a dose pharmacy
 * packs doses, every other kind supplies care.
 */
export function channelOfLocationKind(kind: LocationKind): SalesChannel {
  return CHANNEL_OF_KIND[kind];
}

/**
 * The channel of a region-level figure (no location) that does not name one. Ours: a region reports
 * what its care requisitioned (its hospital pharmacies are the regions', DOMAIN.md); an authority
 * reports the national dispensing statistics (E-hälsomyndigheten, R6 2.2.1), i.e. community dispensing.
 */
export function channelOfRegionFigure(reporterKind: OrganisationKind): SalesChannel {
  return reporterKind === 'region' ? 'care_requisition' : 'community_dispensing';
}

const ALIASES: Readonly<Record<string, SalesChannel>> = {
  community_dispensing: 'community_dispensing',
  care_requisition: 'care_requisition',
  dose_dispensing: 'dose_dispensing',
  öppenvårdsförsäljning: 'community_dispensing',
  öppenvård: 'community_dispensing',
  expediering: 'community_dispensing',
  rekvisition: 'care_requisition',
  'rekvisition till vården': 'care_requisition',
  slutenvård: 'care_requisition',
  dosdispensering: 'dose_dispensing',
  dos: 'dose_dispensing',
};

/** A channel as written in a report: its identifier or its Swedish name, any case. */
export function parseSalesChannel(raw: string): SalesChannel | undefined {
  return ALIASES[raw.normalize('NFC').trim().toLowerCase().replace(/\s+/g, ' ')];
}
