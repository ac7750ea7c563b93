import type { Role } from '../src/store/schema.js';

/**
 * One demo persona: a user at an organisation holding one role, signed in with a fixed token.
 *
 * DEMO ONLY. These tokens are public (they are in the source and printed by `beredskap demo`);
 * they exist so that anyone can try the system as each kind of actor. Never load them into a
 * database that holds real data: `loadSweden` only writes them together with synthetic Sweden.
 */
export interface DemoPersona {
  /** The bearer token, e.g. 'demo-lv'. Only its SHA-256 is stored. */
  token: string;
  personaSv: string;
  personaEn: string;
  /** The organisation's code, e.g. 'LV', 'REG-01'. */
  organisationCode: string;
  role: Role;
  userName: string;
  email: string;
}

const persona = (
  token: string,
  organisationCode: string,
  role: Role,
  personaSv: string,
  personaEn: string,
  userName: string,
): DemoPersona => ({
  token,
  personaSv,
  personaEn,
  organisationCode,
  role,
  userName,
  email: `${token}@demo.beredskap.invalid`,
});

/** The demo personas, one token each. DEMO ONLY: the tokens are public. */
export const DEMO_PERSONAS: readonly DemoPersona[] = [
  persona(
    'demo-lv',
    'LV',
    'coordinator',
    'Läkemedelsverket, samordnare för restsituationer',
    'Medical Products Agency, shortage coordinator',
    'Demo Samordnare LV',
  ),
  persona(
    'demo-sos',
    'SOS',
    'analyst',
    'Socialstyrelsen, analytiker',
    'National Board of Health and Welfare, analyst',
    'Demo Analytiker SoS',
  ),
  persona(
    'demo-tlv',
    'TLV',
    'coordinator',
    'TLV, handläggare av ersättning för lagerhållning',
    'Dental and Pharmaceutical Benefits Agency, compensation officer',
    'Demo Handläggare TLV',
  ),
  persona(
    'demo-nct',
    'NCT',
    'coordinator',
    'Nationellt CT, samordnare',
    'Nationellt CT (joint regional function), coordinator',
    'Demo Samordnare Nationellt CT',
  ),
  persona(
    'demo-region-01',
    'REG-01',
    'reporter',
    'Region Stockholm, rapportör',
    'Region Stockholm, reporter',
    'Demo Rapportör Region Stockholm',
  ),
  persona(
    'demo-region-12',
    'REG-12',
    'reporter',
    'Region Skåne, rapportör',
    'Region Skåne, reporter',
    'Demo Rapportör Region Skåne',
  ),
  persona(
    'demo-apotek',
    'APO-1',
    'reporter',
    'Apoteksaktör, rapportör',
    'Pharmacy operator, reporter',
    'Demo Rapportör Apotek',
  ),
  persona(
    'demo-partihandel',
    'WHS-1',
    'reporter',
    'Partihandlare, rapportör',
    'Wholesaler, reporter',
    'Demo Rapportör Partihandel',
  ),
  persona(
    'demo-foretag',
    'COMP-001',
    'reporter',
    'Läkemedelsföretag, rapportör',
    'Pharmaceutical company, reporter',
    'Demo Rapportör Läkemedelsföretag',
  ),
  persona(
    'demo-kommun',
    'KOM-0180',
    'reader',
    'Stockholms stad, läsare',
    'City of Stockholm (municipality), reader',
    'Demo Läsare Kommun',
  ),
  persona(
    'demo-admin',
    'LV',
    'admin',
    'Läkemedelsverket, administratör',
    'Medical Products Agency, administrator',
    'Demo Administratör LV',
  ),
];
