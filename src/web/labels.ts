import { LOCATION_KINDS, type LocationKind } from '../domain/vocabulary.js';

/** Location kinds in the order the dashboard shows them: supply chain first, then care, then preparedness stocks. */
export const LOCATION_KIND_ORDER: readonly LocationKind[] = LOCATION_KINDS;

/** Kinds whose very existence is shown only to those entitled (src/domain/access.ts). */
export const CLASSIFIED_KINDS: readonly LocationKind[] = [
  'state_security_stock',
  'regional_preparedness_stock',
];

/** Product list code of Socialstyrelsen's list of medicines for care that cannot wait (R1, R2). */
export const SOS_PRIORITISED_LIST = 'sos-prioritised';
