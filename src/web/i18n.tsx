import {
  Fragment,
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
  type ReactNode,
} from 'react';
import type { LocationKind, OrganisationKind, Role } from '../domain/vocabulary.js';

/*
 * Swedish first: `sv` is the source dictionary and defines the keys; `en` must give every key (the
 * type says so). Placeholders are `{name}`. A page adds its keys to both dictionaries.
 */
const sv = {
  'app.name': 'beredskap',
  'app.tagline': 'Nationell lägesbild över läkemedel',
  'app.skipToContent': 'Hoppa till innehållet',
  'app.footer': 'beredskap · nationell plattform för läkemedelsberedskap',
  'app.apiDocs': 'API-dokumentation',

  'nav.label': 'Huvudmeny',
  'nav.start': 'Regioner',
  'nav.catalogue': 'Produktkatalog',
  'nav.reports': 'Rapporter',

  'session.signedInAs': 'Inloggad som {user}',
  'session.signOut': 'Logga ut',
  'session.checking': 'Kontrollerar inloggningen …',

  'lang.label': 'Språk',
  'lang.sv': 'Svenska',
  'lang.en': 'English',

  'signIn.title': 'Logga in',
  'signIn.lead': 'Logga in med den åtkomsttoken du har fått av din organisations administratör.',
  'signIn.tokenLabel': 'Åtkomsttoken',
  'signIn.tokenHint': 'Token sparas bara i den här fliken och glöms när du loggar ut eller stänger fliken.',
  'signIn.show': 'Visa',
  'signIn.hide': 'Dölj',
  'signIn.submit': 'Logga in',
  'signIn.submitting': 'Loggar in …',
  'signIn.required': 'Ange din åtkomsttoken.',
  'signIn.rejected': 'Token känns inte igen, har återkallats eller har gått ut.',
  'signIn.expired': 'Din inloggning har upphört. Logga in igen.',
  'signIn.demoTitle': 'Demoinstallation',
  'signIn.demoText':
    'Kommandot {command} läser in syntetiska data och skriver ut en token per roll, till exempel {example} för Läkemedelsverket.',
  'signIn.about':
    'beredskap samlar lager, försäljning och bristsituationer från partihandel, apotek, regioner och myndigheter till en gemensam lägesbild.',

  'state.loading': 'Laddar …',
  'state.retry': 'Försök igen',
  'state.errorTitle': 'Det gick inte att hämta uppgifterna',
  'state.correlation': 'Felkod för support: {id}',
  'state.network': 'Servern svarar inte. Kontrollera anslutningen och försök igen.',
  'state.forbidden': 'Din roll har inte behörighet att se det här.',
  'state.notFound': 'Det du sökte finns inte, eller så har du inte behörighet att se det.',
  'state.invalid': 'Servern kunde inte tolka frågan.',
  'state.internal': 'Ett oväntat fel uppstod på servern.',

  'notFound.title': 'Sidan finns inte',
  'notFound.body': 'Adressen {path} leder inte till någon sida i beredskap.',
  'notFound.home': 'Till startsidan',

  'start.title': 'Regioner',
  'start.lead': 'Sveriges 21 regioner med befolkning och antal platser som håller läkemedelslager, per typ.',
  'start.statRegions': 'Regioner',
  'start.statPopulation': 'Invånare',
  'start.statLocations': 'Lagerplatser',
  'start.statPopulationDate': 'Befolkning per {date}',
  'start.statCivilAreas': 'I {n} civilområden',
  'start.statPharmacies': 'Varav {n} öppenvårdsapotek',
  'start.tableCaption': 'Regioner med befolkning och lagerplatser per typ',
  'start.totalRow': 'Hela landet',
  'start.classifiedNote':
    'Statliga och regionala beredskapslager räknas bara för organisationer som har rätt att känna till dem.',
  'start.emptyTitle': 'Inga regioner ännu',
  'start.emptyBody':
    'Databasen innehåller inga regioner. Läs in data, till exempel med {command}, och ladda om sidan.',

  'region.back': 'Alla regioner',
  'region.notFound': 'Det finns ingen region med kod {code}',
  'region.lead': 'Civilområde {area} · {population} invånare ({date})',
  'region.locationsTitle': 'Lagerplatser per typ',
  'region.municipalitiesTitle': 'Kommuner',
  'region.municipalityCount': '{n} kommuner',
  'region.noMunicipalities': 'Inga kommuner är inlästa för regionen.',
  'region.placeholderTitle': 'Regionens lägesbild',
  'region.placeholderBody':
    'Här visas snart regionens lager, täckning i dagar och pågående bristsituationer.',

  'catalogue.title': 'Produktkatalog',
  'catalogue.lead':
    'Läkemedelsförpackningar som säljs i Sverige. Sök på namn, substans, ATC-kod, varunummer eller GTIN.',
  'catalogue.search': 'Sök förpackning',
  'catalogue.searchPlaceholder': 'Till exempel paracetamol, Alvedon eller N02BE01',
  'catalogue.filters': 'Filter',
  'catalogue.atc': 'ATC-kod börjar med',
  'catalogue.atcPlaceholder': 't.ex. J01',
  'catalogue.atcInvalid': 'En ATC-kod börjar med en bokstav, högst 7 tecken.',
  'catalogue.species': 'Användning',
  'catalogue.speciesAll': 'Alla',
  'catalogue.speciesHuman': 'Humanläkemedel',
  'catalogue.speciesVeterinary': 'Veterinärläkemedel',
  'catalogue.sosList': 'Endast Socialstyrelsens prioriterade lista',
  'catalogue.countOne': '1 förpackning',
  'catalogue.countOther': '{n} förpackningar',
  'catalogue.showing': 'Visar {from}–{to} av {total}',
  'catalogue.tableCaption': 'Förpackningar som matchar sökningen',
  'catalogue.emptyTitle': 'Inga förpackningar matchar',
  'catalogue.emptyBody': 'Prova ett kortare sökord, en kortare ATC-kod eller ta bort ett filter.',
  'catalogue.clear': 'Rensa sökning och filter',
  'catalogue.updating': 'Uppdaterar …',
  'catalogue.articleNumber': 'Vnr {n}',
  'catalogue.nplPackId': 'NPL {n}',

  'col.region': 'Region',
  'col.population': 'Befolkning',
  'col.total': 'Totalt',
  'col.municipality': 'Kommun',
  'col.code': 'Kod',
  'col.name': 'Namn',
  'col.substance': 'Substans',
  'col.strength': 'Styrka',
  'col.form': 'Beredningsform',
  'col.pack': 'Förpackning',
  'col.atc': 'ATC',
  'col.company': 'Företag',
  'col.flags': 'Egenskaper',
  'col.price': 'AIP',

  'badge.parallel': 'Parallellimport',
  'badge.licence': 'Licens',
  'badge.veterinary': 'Veterinär',
  'badge.withdrawn': 'Avregistrerad',

  'reports.title': 'Rapporter',
  'reports.lead':
    'Skicka lagersaldon, lagerförändringar, försäljning, förväntade leveranser och restanmälningar för {org}. En rapport tas emot hel eller inte alls, och samma rapport räknas aldrig två gånger.',
  'reports.sendTitle': 'Skicka en rapport',
  'reports.kind': 'Typ av rapport',
  'reports.kind.stock_snapshot': 'Lagersaldo (inventering)',
  'reports.kind.stock_difference': 'Lagerförändring',
  'reports.kind.sales': 'Försäljning och expediering',
  'reports.kind.expected_delivery': 'Förväntade leveranser',
  'reports.kind.shortage_notice': 'Restanmälan och försäljningsuppehåll',
  'reports.file': 'Fil',
  'reports.fileHint': 'CSV (komma eller semikolon, UTF-8), JSON eller FHIR R5 InventoryReport.',
  'reports.fileMissing': 'Välj en fil att skicka.',
  'reports.clientRef': 'Egen referens',
  'reports.clientRefPlaceholder': 'Valfritt, t.ex. APO-0042-2026-03-01',
  'reports.send': 'Skicka rapport',
  'reports.sending': 'Skickar …',
  'reports.sendingFile': 'Skickar {file} …',
  'reports.acceptedTitle': 'Rapport {id} är mottagen',
  'reports.acceptedBody': '{kind}: allt i filen är sparat.',
  'reports.replayedTitle': 'Redan mottagen som rapport {id}',
  'reports.replayedBody':
    'Samma rapport har tagits emot tidigare. Här är kvittot från då; inget räknades två gånger.',
  'reports.receivedAt': 'Mottagen',
  'reports.checksum': 'Kontrollsumma (SHA-256)',
  'reports.warnings': 'Varningar ({n})',
  'reports.refusedTitle': 'Rapporten togs inte emot',
  'reports.refusedBody': 'Inget i filen har sparats. Rätta felen nedan ({n} st) och skicka filen igen.',
  'reports.problemsCaption': 'Fel i rapporten',
  'reports.line': 'rad {n}',
  'reports.summary.lines': 'Rader',
  'reports.summary.locations': 'Platser',
  'reports.summary.packages': 'Förpackningar',
  'reports.summary.regions': 'Regioner',
  'reports.summary.days': 'Dagar',
  'reports.summary.notices': 'Anmälningar',
  'reports.summary.late': 'Sena (R4)',
  'reports.summary.corrections': 'Rättelser',
  'reports.listTitle': 'Tidigare rapporter ({n})',
  'reports.listCaption': 'Organisationens rapporter, senaste först',
  'reports.emptyTitle': 'Inga rapporter ännu',
  'reports.emptyBody': 'Rapporter som din organisation skickar visas här, med kvitto eller fel.',
  'reports.col.id': 'Nr',
  'reports.col.received': 'Mottagen',
  'reports.col.kind': 'Typ',
  'reports.col.file': 'Fil',
  'reports.col.lines': 'Rader',
  'reports.col.status': 'Status',
  'reports.col.notes': 'Anmärkning',
  'reports.col.checksum': 'Kontrollsumma',
  'reports.col.at': 'Var',
  'reports.col.field': 'Fält',
  'reports.col.value': 'Värde',
  'reports.col.expected': 'Förväntat',
  'reports.col.problem': 'Fel',
  'reports.status.accepted': 'Mottagen',
  'reports.status.rejected': 'Avvisad',
  'reports.problemCount': '{n} fel',
  'reports.warningCount': '{n} varningar',

  'pager.label': 'Sidnavigering',
  'pager.previous': 'Föregående',
  'pager.next': 'Nästa',
  'pager.page': 'Sida {page} av {pages}',

  'kind.wholesaler_warehouse': 'Partihandelslager',
  'kind.community_pharmacy': 'Öppenvårdsapotek',
  'kind.dose_pharmacy': 'Dosapotek',
  'kind.hospital_pharmacy': 'Sjukhusapotek',
  'kind.care_unit_store': 'Vårdnära lager',
  'kind.municipal_store': 'Kommunalt läkemedelsförråd',
  'kind.state_security_stock': 'Statligt säkerhetslager',
  'kind.regional_preparedness_stock': 'Regionalt beredskapslager',

  // Column headers: the same labels with soft hyphens, so narrow columns break compounds where Swedish does.
  'kindHeader.wholesaler_warehouse': 'Partihandels\u00adlager',
  'kindHeader.community_pharmacy': 'Öppenvårds\u00adapotek',
  'kindHeader.dose_pharmacy': 'Dos\u00adapotek',
  'kindHeader.hospital_pharmacy': 'Sjukhus\u00adapotek',
  'kindHeader.care_unit_store': 'Vårdnära lager',
  'kindHeader.municipal_store': 'Kommunalt läkemedels\u00adförråd',
  'kindHeader.state_security_stock': 'Statligt säkerhets\u00adlager',
  'kindHeader.regional_preparedness_stock': 'Regionalt beredskaps\u00adlager',

  'role.admin': 'Administratör',
  'role.coordinator': 'Samordnare',
  'role.analyst': 'Analytiker',
  'role.reporter': 'Rapportör',
  'role.reader': 'Läsare',

  'org.authority': 'Myndighet',
  'org.joint_function': 'Samverkansfunktion',
  'org.region': 'Region',
  'org.municipality': 'Kommun',
  'org.wholesaler': 'Partihandlare',
  'org.pharmacy_operator': 'Apoteksaktör',
  'org.dose_pharmacy_operator': 'Dosapoteksaktör',
  'org.company': 'Läkemedelsföretag',
  'org.other': 'Övrig aktör',

  // The situational picture (issue 4).
  'nav.overview': 'Lägesbild',
  'nav.map': 'Karta',
  'picture.classification': 'Informationsklass: {label}',
  'picture.classHelp.open': 'Offentliga uppgifter.',
  'picture.classHelp.restricted':
    'Nationella och regionala sammanställningar: delas inom beredskapssamverkan, publiceras inte.',
  'picture.classHelp.protected':
    'Lager och täckning på namngivna platser, eller reserven i beredskapslager: behovsprövas.',
  'picture.day': '{n} dag',
  'picture.days': '{n} dagar',
  'picture.noDemand': 'Ingen efterfrågan',
  'picture.flag.possibleCriticalShortage': 'Möjlig kritisk brist',
  'picture.flag.possibleCriticalShortageHint':
    'Signal, inte beslut: prioriterad, kritisk täckning och inget utbytbart alternativ räcker. Om bristen är kritisk bedömer Läkemedelsverket.',
  'picture.flag.prioritised': 'Prioriterad lista',
  'picture.flag.notice': 'Restanmäld',
  'picture.export': 'Exportera',
  'picture.report': 'Utskriftsvänlig lägesrapport',
  'picture.asOf': 'Lägesbild per {date}',
  'picture.stockUntil': 'lager räknat t.o.m. {date}',
  'picture.salesThrough': 'försäljning t.o.m. {date}',
  'picture.national': 'Hela landet',
  'risk.critical': 'Kritisk',
  'risk.low': 'Låg',
  'risk.adequate': 'Tillräcklig',
  'risk.no_demand': 'Ingen efterfrågan',
  'basis.recent': 'Senaste 28 dagarna',
  'basis.seasonal': 'Säsong (förra året)',
  'basis.baseline': '12 månaders snitt',
  'basis.no_sales': 'Ingen försäljning',
  'basis.sum_of_regions': 'Summa av regionerna',
  'notice.shortage': 'Restanmälan',
  'notice.sales_stop': 'Försäljningsuppehåll',
  'notice.late': 'Sen anmälan (R4)',
  'notice.period': '{from} – {to}',
  'notice.openEnded': 'tills vidare',
  'overview.title': 'Lägesbild',
  'overview.lead': 'Nationell lägesbild över lager, efterfrågan och brist.',
  'overview.countsTitle': 'Förpackningar per riskklass',
  'overview.countNote': 'av {total} förpackningar · utbytbara grupper: {groups}',
  'overview.prioritisedCritical': '{n} kritiska på prioriterade listan',
  'overview.possibleCriticalShortage': '{n} med signal om möjlig kritisk brist (R4)',
  'overview.activeNotice': '{n} med restanmälan',
  'overview.criticalTitle': 'Mest kritiska förpackningar',
  'overview.noCritical': 'Inga förpackningar är kritiska.',
  'overview.upcomingTitle': 'Restanmälningar som börjar inom 30 dagar',
  'overview.noUpcoming': 'Inga restanmälningar börjar inom 30 dagar.',
  'overview.activeTitle': 'Pågående restanmälningar',
  'overview.noActive': 'Inga pågående restanmälningar.',
  'overview.regionsTitle': 'Regionerna',
  'overview.toMap': 'Visa på kartan',
  'overview.prioritisedCriticalShort': 'Kritiska på prioriterade listan',
  'map.title': 'Karta',
  'map.lead': 'Täckning i dagar per region för en förpackning eller grupp.',
  'map.kind': 'Visa',
  'map.kindPackage': 'Förpackning',
  'map.kindGroup': 'Utbytbar grupp',
  'map.item': 'Förpackning eller grupp',
  'map.ariaLabel': 'Karta över Sveriges 21 regioner, färgade efter täckning för {item}',
  'map.legendTitle': 'Täckning',
  'map.legendRange': '{from}–{to} dagar',
  'map.legendFrom': '{from} dagar eller mer',
  'map.legendNoDemand': 'Ingen efterfrågan',
  'map.hint': 'Klicka på en region för att öppna den.',
  'map.credit': 'Kartan: @svg-maps/sweden efter',
  'map.national': 'Hela landet: {days} ({stock} användbara, {demand} per dag)',
  'map.tableTitle': 'Per region',
  'map.toProduct': 'Produktsidan →',
  'product.title': 'Produkt',
  'product.back': 'Lägesbild',
  'product.figuresTitle': 'Nyckeltal för hela landet',
  'product.ofTotal': 'av {n} i lager',
  'product.withDeliveries': 'Med väntade leveranser: {date}',
  'product.lastsYear': 'räcker året ut',
  'product.tiersTitle': 'Lager per försörjningsnivå',
  'product.reserve': 'Reserv',
  'product.reserveNote': 'Beredskapslager och lagernivå 3–4: ingår inte i lager och täckning ovan',
  'product.reserveDays': '+{days}',
  'product.reserveApart': 'Frisläpps genom beslut',
  'product.salesTitle': 'Försäljning per månad (12 månader)',
  'product.salesSeries': 'Försäljning',
  'product.stockTitle': 'Lager (12 månader)',
  'product.shortHistory': 'Lagerhistorik finns bara för de senaste {n} dagarna.',
  'product.salesNote': 'Innevarande månad räknas t.o.m. {date}.',
  'product.regionsTitle': 'Täckning per region',
  'product.regionTableTitle': 'Lager per region',
  'product.noticesTitle': 'Restanmälningar',
  'product.noNotices': 'Inga restanmälningar för förpackningen.',
  'product.deliveriesTitle': 'Väntade leveranser',
  'product.noDeliveries': 'Inga leveranser är anmälda.',
  'product.alternativesTitle': 'Alternativ i lager',
  'product.noAlternatives': 'Inga alternativ finns i lager.',
  'product.interchangeableTitle':
    'Utbytbara (samma substans, styrka och form, eller registrerade av myndighet)',
  'product.therapeuticTitle': 'Möjliga terapeutiska alternativ',
  'product.therapeuticNote':
    'Annan styrka eller form, eller samma ATC-grupp: för förskrivare att bedöma. De häver inte signalen om möjlig kritisk brist.',
  'freshness.title': 'Rapportering i dag',
  'freshness.reportedToday': 'Platser som rapporterat lager i dag',
  'freshness.reportedTodayShort': 'Lager rapporterat i dag',
  'freshness.reportedTodayNote': '{n} av {total} platser som brukar rapportera',
  'freshness.neverNote': '{n} har aldrig rapporterat',
  'freshness.stockShare': 'Väntat lager som rapporterats i dag',
  'freshness.stockShareNote': '{n} av {total} förp. (platsernas föregående inventering)',
  'freshness.stockShareNoteShareOnly': 'andel av platsernas lager vid föregående inventering',
  'freshness.staleTitle': 'Platser med inaktuellt lager',
  'freshness.staleStockNote': 'senaste inventering äldre än {days} dagar',
  'freshness.staleSales': 'Försenad försäljning: {regions} (mer än {days} dagar efter)',
  'freshness.staleSalesNone': 'Ingen region har försenad försäljning',
  'freshness.salesThrough': 'Försäljning t.o.m.',
  'freshness.late': '{n} dagar sen',
  'freshness.lateOne': '1 dag sen',
  'freshness.lateShort': 'Försenad',
  'freshness.lateDays': 'Senaste försäljningsdag {n} dagar före i går',
  'freshness.stale': 'Inaktuellt',
  'freshness.staleCount': '{n} inaktuella',
  'freshness.staleCountOne': '1 inaktuell',
  'freshness.never': 'Aldrig rapporterat',
  'freshness.lastStock': 'Senaste lagerinventering',
  'freshness.lastReport': 'Senast rapporterat',
  'freshness.ownSalesThrough': 'egen försäljning t.o.m. {date}',
  'freshness.ofLocations': '{n} av {total}',
  'freshness.regionTitle': 'Rapportering',
  'freshness.note':
    'Regionens efterfrågan skattas fram till dess senaste rapporterade försäljningsdag, så sena siffror läses inte som att inget såldes. Försenad: försäljning mer än {sales} dagar före i går; inaktuellt lager: senaste inventering äldre än {stock} dagar (våra gränser).',
  'regionPicture.title': 'Regionens lägesbild',
  'regionPicture.unavailable': 'Lägesbilden är inte beräknad ännu.',
  'regionPicture.noAggregates': 'Din organisation ser inte regionala sammanställningar.',
  'regionPicture.packagesTotal': 'Förpackningar totalt',
  'regionPicture.criticalTitle': 'Mest kritiska förpackningar i regionen',
  'regionPicture.locationsTitle': 'Lagerplatser och prioriterade listan',
  'regionPicture.prioritisedCount': '({n} förpackningar på listan)',
  'regionPicture.noLocations': 'Inga lagerplatser i regionen.',
  'regionPicture.held': 'I lager',
  'regionPicture.belowCritical': 'Under kritisk nivå',
  'regionPicture.belowLow': 'Under låg nivå',
  'regionPicture.basis': 'Efterfrågan från',
  'regionPicture.basis.own_sales': 'Egen försäljning',
  'regionPicture.basis.region_share': 'Andel av regionens',
  'regionPicture.basis.no_basis': 'Inget underlag',
  'regionPicture.noBasis': 'inget underlag',
  'regionPicture.noDetail': 'Uppgifter visas bara för platsens ägare',
  'regionPicture.note':
    'Antal förpackningar på Socialstyrelsens prioriterade lista som platsen har i lager, och hur många av dem som räcker kortare än den kritiska respektive låga nivån. Varje plats mäts mot sin egen efterfrågan: sin egen försäljning, eller för ett öppenvårdsapotek utan egen försäljning en lika stor andel av regionens efterfrågan som inte redan finns i andra platsers försäljning. Platser utan sådant underlag (partihandelns lager, beredskapslager, vårdnära lager) mäts inte.',
  'col.area': 'Område',
  'col.coverage': 'Täckning',
  'col.demandPerDay': 'Efterfrågan/dag',
  'col.runsOut': 'Tar slut',
  'stock.outOfStock': 'Slut i lager',
  'col.wholesaleShare': 'varav partihandelns andel',
  'map.wholesaleHeld':
    'Partihandelns lager i regionen: {n} (räknas i andelarna för alla regioner lagret försörjer)',
  'product.tierNotCounted':
    'Räknas inte i regionens lager: ingår i andelarna för alla regioner som lagret försörjer.',
  'product.tierShare':
    'Regionens andel av lagret hos de partihandelslager som försörjer regionen, efter regionens andel av deras efterfrågan.',
  'product.wholesaleHeld': 'Partihandel: lager i regionen',
  'product.wholesaleShare': 'Partihandel: regionens andel av lager som försörjer regionen',
  'col.risk': 'Risk',
  'col.usableStock': 'Användbart lager',
  'col.totalStock': 'Totalt lager',
  'col.tier': 'Försörjningsnivå',
  'col.locations': 'Platser',
  'col.expectedOn': 'Väntas',
  'col.quantity': 'Antal',
  'col.kind': 'Typ',
  'col.location': 'Lagerplats',
  'col.organisation': 'Organisation',
} as const;

export type MessageKey = keyof typeof sv;

const en: Record<MessageKey, string> = {
  'app.name': 'beredskap',
  'app.tagline': 'National picture of medicine supply',
  'app.skipToContent': 'Skip to content',
  'app.footer': 'beredskap · national platform for medicine supply preparedness',
  'app.apiDocs': 'API documentation',

  'nav.label': 'Main menu',
  'nav.start': 'Regions',
  'nav.catalogue': 'Product catalogue',
  'nav.reports': 'Reports',

  'session.signedInAs': 'Signed in as {user}',
  'session.signOut': 'Sign out',
  'session.checking': 'Checking your sign-in …',

  'lang.label': 'Language',
  'lang.sv': 'Svenska',
  'lang.en': 'English',

  'signIn.title': 'Sign in',
  'signIn.lead': "Sign in with the access token you were given by your organisation's administrator.",
  'signIn.tokenLabel': 'Access token',
  'signIn.tokenHint': 'The token is kept in this tab only and forgotten when you sign out or close the tab.',
  'signIn.show': 'Show',
  'signIn.hide': 'Hide',
  'signIn.submit': 'Sign in',
  'signIn.submitting': 'Signing in …',
  'signIn.required': 'Enter your access token.',
  'signIn.rejected': 'The token is unknown, revoked or expired.',
  'signIn.expired': 'Your session has ended. Please sign in again.',
  'signIn.demoTitle': 'Demo installation',
  'signIn.demoText':
    'The command {command} loads synthetic data and prints one token per role, for example {example} for the Medical Products Agency.',
  'signIn.about':
    'beredskap brings stock, sales and shortages from wholesalers, pharmacies, regions and authorities together into one shared picture.',

  'state.loading': 'Loading …',
  'state.retry': 'Try again',
  'state.errorTitle': 'The data could not be loaded',
  'state.correlation': 'Reference for support: {id}',
  'state.network': 'The server does not answer. Check your connection and try again.',
  'state.forbidden': 'Your role may not see this.',
  'state.notFound': 'What you asked for does not exist, or you may not see it.',
  'state.invalid': 'The server could not read the request.',
  'state.internal': 'An unexpected error occurred on the server.',

  'notFound.title': 'Page not found',
  'notFound.body': 'The address {path} does not lead to a page in beredskap.',
  'notFound.home': 'Go to the start page',

  'start.title': 'Regions',
  'start.lead':
    "Sweden's 21 regions with their population and the number of places that hold medicine stock, by type.",
  'start.statRegions': 'Regions',
  'start.statPopulation': 'Inhabitants',
  'start.statLocations': 'Stock locations',
  'start.statPopulationDate': 'Population on {date}',
  'start.statCivilAreas': 'In {n} civil areas',
  'start.statPharmacies': 'Of which {n} community pharmacies',
  'start.tableCaption': 'Regions with population and stock locations by type',
  'start.totalRow': 'Sweden',
  'start.classifiedNote':
    'State security stocks and regional preparedness stocks are counted only for organisations entitled to know of them.',
  'start.emptyTitle': 'No regions yet',
  'start.emptyBody':
    'The database holds no regions. Load data, for example with {command}, and reload the page.',

  'region.back': 'All regions',
  'region.notFound': 'There is no region with code {code}',
  'region.lead': '{area} civil area · {population} inhabitants ({date})',
  'region.locationsTitle': 'Stock locations by type',
  'region.municipalitiesTitle': 'Municipalities',
  'region.municipalityCount': '{n} municipalities',
  'region.noMunicipalities': 'No municipalities are loaded for this region.',
  'region.placeholderTitle': 'Regional picture',
  'region.placeholderBody': "The region's stock, coverage in days and ongoing shortages will be shown here.",

  'catalogue.title': 'Product catalogue',
  'catalogue.lead':
    'Medicine packages sold in Sweden. Search by name, substance, ATC code, Nordic article number or GTIN.',
  'catalogue.search': 'Search packages',
  'catalogue.searchPlaceholder': 'For example paracetamol, Alvedon or N02BE01',
  'catalogue.filters': 'Filters',
  'catalogue.atc': 'ATC code starts with',
  'catalogue.atcPlaceholder': 'e.g. J01',
  'catalogue.atcInvalid': 'An ATC code starts with a letter, at most 7 characters.',
  'catalogue.species': 'Use',
  'catalogue.speciesAll': 'All',
  'catalogue.speciesHuman': 'Human medicines',
  'catalogue.speciesVeterinary': 'Veterinary medicines',
  'catalogue.sosList': "Only the National Board of Health and Welfare's prioritised list",
  'catalogue.countOne': '1 package',
  'catalogue.countOther': '{n} packages',
  'catalogue.showing': 'Showing {from}–{to} of {total}',
  'catalogue.tableCaption': 'Packages matching the search',
  'catalogue.emptyTitle': 'No packages match',
  'catalogue.emptyBody': 'Try a shorter search term, a shorter ATC code or remove a filter.',
  'catalogue.clear': 'Clear search and filters',
  'catalogue.updating': 'Updating …',
  'catalogue.articleNumber': 'Art. no. {n}',
  'catalogue.nplPackId': 'NPL {n}',

  'col.region': 'Region',
  'col.population': 'Population',
  'col.total': 'Total',
  'col.municipality': 'Municipality',
  'col.code': 'Code',
  'col.name': 'Name',
  'col.substance': 'Substance',
  'col.strength': 'Strength',
  'col.form': 'Form',
  'col.pack': 'Pack',
  'col.atc': 'ATC',
  'col.company': 'Company',
  'col.flags': 'Properties',
  'col.price': 'Price',

  'badge.parallel': 'Parallel import',
  'badge.licence': 'Licence',
  'badge.veterinary': 'Veterinary',
  'badge.withdrawn': 'Withdrawn',

  'reports.title': 'Reports',
  'reports.lead':
    'Send stock counts, stock movements, sales, expected deliveries and shortage notices for {org}. A report is taken whole or not at all, and the same report is never counted twice.',
  'reports.sendTitle': 'Send a report',
  'reports.kind': 'Kind of report',
  'reports.kind.stock_snapshot': 'Stock count (snapshot)',
  'reports.kind.stock_difference': 'Stock movements',
  'reports.kind.sales': 'Sales and dispensing',
  'reports.kind.expected_delivery': 'Expected deliveries',
  'reports.kind.shortage_notice': 'Shortage notices and sales stops',
  'reports.file': 'File',
  'reports.fileHint': 'CSV (comma or semicolon, UTF-8), JSON or FHIR R5 InventoryReport.',
  'reports.fileMissing': 'Choose a file to send.',
  'reports.clientRef': 'Your reference',
  'reports.clientRefPlaceholder': 'Optional, e.g. APO-0042-2026-03-01',
  'reports.send': 'Send report',
  'reports.sending': 'Sending …',
  'reports.sendingFile': 'Sending {file} …',
  'reports.acceptedTitle': 'Report {id} received',
  'reports.acceptedBody': '{kind}: everything in the file is stored.',
  'reports.replayedTitle': 'Already received as report {id}',
  'reports.replayedBody':
    'The same report was received before. This is its receipt; nothing was counted twice.',
  'reports.receivedAt': 'Received',
  'reports.checksum': 'Checksum (SHA-256)',
  'reports.warnings': 'Warnings ({n})',
  'reports.refusedTitle': 'The report was not accepted',
  'reports.refusedBody':
    'Nothing in the file was stored. Correct the problems below ({n}) and send the file again.',
  'reports.problemsCaption': 'Problems in the report',
  'reports.line': 'line {n}',
  'reports.summary.lines': 'Lines',
  'reports.summary.locations': 'Locations',
  'reports.summary.packages': 'Packages',
  'reports.summary.regions': 'Regions',
  'reports.summary.days': 'Days',
  'reports.summary.notices': 'Notices',
  'reports.summary.late': 'Late (R4)',
  'reports.summary.corrections': 'Corrections',
  'reports.listTitle': 'Earlier reports ({n})',
  'reports.listCaption': "The organisation's reports, newest first",
  'reports.emptyTitle': 'No reports yet',
  'reports.emptyBody': 'Reports your organisation sends are listed here, with their receipt or problems.',
  'reports.col.id': 'No.',
  'reports.col.received': 'Received',
  'reports.col.kind': 'Kind',
  'reports.col.file': 'File',
  'reports.col.lines': 'Lines',
  'reports.col.status': 'Status',
  'reports.col.notes': 'Notes',
  'reports.col.checksum': 'Checksum',
  'reports.col.at': 'Where',
  'reports.col.field': 'Field',
  'reports.col.value': 'Value',
  'reports.col.expected': 'Expected',
  'reports.col.problem': 'Problem',
  'reports.status.accepted': 'Accepted',
  'reports.status.rejected': 'Refused',
  'reports.problemCount': '{n} problems',
  'reports.warningCount': '{n} warnings',

  'pager.label': 'Pagination',
  'pager.previous': 'Previous',
  'pager.next': 'Next',
  'pager.page': 'Page {page} of {pages}',

  'kind.wholesaler_warehouse': 'Wholesaler warehouse',
  'kind.community_pharmacy': 'Community pharmacy',
  'kind.dose_pharmacy': 'Dose pharmacy',
  'kind.hospital_pharmacy': 'Hospital pharmacy',
  'kind.care_unit_store': 'Care-unit store',
  'kind.municipal_store': 'Municipal medicine store',
  'kind.state_security_stock': 'State security stock',
  'kind.regional_preparedness_stock': 'Regional preparedness stock',

  'kindHeader.wholesaler_warehouse': 'Wholesaler warehouse',
  'kindHeader.community_pharmacy': 'Community pharmacy',
  'kindHeader.dose_pharmacy': 'Dose pharmacy',
  'kindHeader.hospital_pharmacy': 'Hospital pharmacy',
  'kindHeader.care_unit_store': 'Care-unit store',
  'kindHeader.municipal_store': 'Municipal medicine store',
  'kindHeader.state_security_stock': 'State security stock',
  'kindHeader.regional_preparedness_stock': 'Regional prepared\u00adness stock',

  'role.admin': 'Administrator',
  'role.coordinator': 'Coordinator',
  'role.analyst': 'Analyst',
  'role.reporter': 'Reporter',
  'role.reader': 'Reader',

  'org.authority': 'Authority',
  'org.joint_function': 'Joint function',
  'org.region': 'Region',
  'org.municipality': 'Municipality',
  'org.wholesaler': 'Wholesaler',
  'org.pharmacy_operator': 'Pharmacy operator',
  'org.dose_pharmacy_operator': 'Dose pharmacy operator',
  'org.company': 'Pharmaceutical company',
  'org.other': 'Other actor',

  'nav.overview': 'Situation',
  'nav.map': 'Map',
  'picture.classification': 'Information class: {label}',
  'picture.classHelp.open': 'Public information.',
  'picture.classHelp.restricted':
    'National and regional aggregates: shared within the preparedness community, not published.',
  'picture.classHelp.protected':
    'Stock and coverage at named locations, or the reserve in preparedness stocks: need to know.',
  'picture.day': '{n} day',
  'picture.days': '{n} days',
  'picture.noDemand': 'No demand',
  'picture.flag.possibleCriticalShortage': 'Possible critical shortage',
  'picture.flag.possibleCriticalShortageHint':
    'A signal, not a decision: prioritised, critical coverage and no interchangeable alternative suffices. Whether the shortage is critical is for Läkemedelsverket to assess.',
  'picture.flag.prioritised': 'Prioritised list',
  'picture.flag.notice': 'Shortage notice',
  'picture.export': 'Export',
  'picture.report': 'Printable situation report',
  'picture.asOf': 'Picture as of {date}',
  'picture.stockUntil': 'stock counted until {date}',
  'picture.salesThrough': 'sales through {date}',
  'picture.national': 'Sweden',
  'risk.critical': 'Critical',
  'risk.low': 'Low',
  'risk.adequate': 'Adequate',
  'risk.no_demand': 'No demand',
  'basis.recent': 'Last 28 days',
  'basis.seasonal': 'Season (last year)',
  'basis.baseline': '12-month average',
  'basis.no_sales': 'No sales',
  'basis.sum_of_regions': 'Sum of the regions',
  'notice.shortage': 'Shortage notice',
  'notice.sales_stop': 'Sales stop',
  'notice.late': 'Late notice (R4)',
  'notice.period': '{from} – {to}',
  'notice.openEnded': 'until further notice',
  'overview.title': 'Situation',
  'overview.lead': 'National picture of stock, demand and shortages.',
  'overview.countsTitle': 'Packages by risk class',
  'overview.countNote': 'of {total} packages · interchangeable groups: {groups}',
  'overview.prioritisedCritical': '{n} critical on the prioritised list',
  'overview.possibleCriticalShortage': '{n} signalled as possible critical shortage (R4)',
  'overview.activeNotice': '{n} with a shortage notice',
  'overview.criticalTitle': 'Most critical packages',
  'overview.noCritical': 'No package is critical.',
  'overview.upcomingTitle': 'Shortage notices starting within 30 days',
  'overview.noUpcoming': 'No shortage notice starts within 30 days.',
  'overview.activeTitle': 'Shortage notices in force',
  'overview.noActive': 'No shortage notice is in force.',
  'overview.regionsTitle': 'The regions',
  'overview.toMap': 'Show on the map',
  'overview.prioritisedCriticalShort': 'Critical on the prioritised list',
  'map.title': 'Map',
  'map.lead': 'Coverage in days per region for a package or group.',
  'map.kind': 'Show',
  'map.kindPackage': 'Package',
  'map.kindGroup': 'Interchangeable group',
  'map.item': 'Package or group',
  'map.ariaLabel': "Map of Sweden's 21 regions, coloured by coverage of {item}",
  'map.legendTitle': 'Coverage',
  'map.legendRange': '{from}–{to} days',
  'map.legendFrom': '{from} days or more',
  'map.legendNoDemand': 'No demand',
  'map.hint': 'Click a region to open it.',
  'map.credit': 'Map: @svg-maps/sweden after',
  'map.national': 'Sweden: {days} ({stock} usable, {demand} a day)',
  'map.tableTitle': 'By region',
  'map.toProduct': 'Product page →',
  'product.title': 'Product',
  'product.back': 'Situation',
  'product.figuresTitle': 'Key figures for Sweden',
  'product.ofTotal': 'of {n} in stock',
  'product.withDeliveries': 'With expected deliveries: {date}',
  'product.lastsYear': 'lasts the year',
  'product.tiersTitle': 'Stock by supply tier',
  'product.reserve': 'Reserve',
  'product.reserveNote': 'Preparedness stocks and stock levels 3–4: not in the stock and coverage above',
  'product.reserveDays': '+{days}',
  'product.reserveApart': 'Released by decision',
  'product.salesTitle': 'Sales per month (12 months)',
  'product.salesSeries': 'Sales',
  'product.stockTitle': 'Stock (12 months)',
  'product.shortHistory': 'Stock history exists only for the last {n} days.',
  'product.salesNote': 'The current month is counted through {date}.',
  'product.regionsTitle': 'Coverage by region',
  'product.regionTableTitle': 'Stock by region',
  'product.noticesTitle': 'Shortage notices',
  'product.noNotices': 'No shortage notices for this package.',
  'product.deliveriesTitle': 'Expected deliveries',
  'product.noDeliveries': 'No deliveries are announced.',
  'product.alternativesTitle': 'Alternatives in stock',
  'product.noAlternatives': 'No alternative is in stock.',
  'product.interchangeableTitle':
    'Interchangeable (same substance, strength and form, or recorded by an authority)',
  'product.therapeuticTitle': 'Possible therapeutic alternatives',
  'product.therapeuticNote':
    'Another strength or form, or the same ATC group: for a prescriber to judge. They do not clear the possible-critical-shortage signal.',
  'freshness.title': 'Reported today',
  'freshness.reportedToday': 'Locations that reported stock today',
  'freshness.reportedTodayShort': 'Stock reported today',
  'freshness.reportedTodayNote': '{n} of {total} locations that usually report',
  'freshness.neverNote': '{n} never reported',
  'freshness.stockShare': 'Expected stock reported today',
  'freshness.stockShareNote': '{n} of {total} packs (the locations’ previous counts)',
  'freshness.stockShareNoteShareOnly': 'share of the locations’ stock in their previous counts',
  'freshness.staleTitle': 'Locations with stale stock',
  'freshness.staleStockNote': 'latest count older than {days} days',
  'freshness.staleSales': 'Sales late: {regions} (more than {days} days behind)',
  'freshness.staleSalesNone': 'No region’s sales are late',
  'freshness.salesThrough': 'Sales through',
  'freshness.late': '{n} days late',
  'freshness.lateOne': '1 day late',
  'freshness.lateShort': 'Late',
  'freshness.lateDays': 'Last day of sales {n} days before yesterday',
  'freshness.stale': 'Stale',
  'freshness.staleCount': '{n} stale',
  'freshness.staleCountOne': '1 stale',
  'freshness.never': 'Never reported',
  'freshness.lastStock': 'Latest stock count',
  'freshness.lastReport': 'Last reported',
  'freshness.ownSalesThrough': 'own sales through {date}',
  'freshness.ofLocations': '{n} of {total}',
  'freshness.regionTitle': 'Reporting',
  'freshness.note':
    'The region’s demand is estimated up to its last reported day of sales, so late figures are not read as nothing sold. Late: sales more than {sales} days before yesterday; stale stock: latest count older than {stock} days (our thresholds).',
  'regionPicture.title': 'Regional picture',
  'regionPicture.unavailable': 'The picture has not been computed yet.',
  'regionPicture.noAggregates': 'Your organisation does not see regional aggregates.',
  'regionPicture.packagesTotal': 'Packages in all',
  'regionPicture.criticalTitle': 'Most critical packages in the region',
  'regionPicture.locationsTitle': 'Stock locations and the prioritised list',
  'regionPicture.prioritisedCount': '({n} packages on the list)',
  'regionPicture.noLocations': 'No stock locations in the region.',
  'regionPicture.held': 'In stock',
  'regionPicture.belowCritical': 'Below critical',
  'regionPicture.belowLow': 'Below low',
  'regionPicture.basis': 'Demand from',
  'regionPicture.basis.own_sales': 'Own sales',
  'regionPicture.basis.region_share': 'Share of the region’s',
  'regionPicture.basis.no_basis': 'No basis',
  'regionPicture.noBasis': 'no basis',
  'regionPicture.noDetail': 'Figures shown to the location’s owner only',
  'regionPicture.note':
    "Packages on the National Board of Health and Welfare's prioritised list that the location holds, and how many of them cover less than the critical and the low level. Each location is measured against its own demand: its own sales, or for a community pharmacy without them an equal share of the region's demand not already in other locations' sales. Locations without such a basis (wholesale warehouses, preparedness stocks, care-unit stores) are not measured.",
  'col.area': 'Area',
  'col.coverage': 'Coverage',
  'col.demandPerDay': 'Demand/day',
  'col.runsOut': 'Runs out',
  'stock.outOfStock': 'Out of stock',
  'col.wholesaleShare': 'of which wholesale share',
  'map.wholesaleHeld':
    'Wholesale stock held in the region: {n} (counted in the shares of every region the warehouse serves)',
  'product.tierNotCounted':
    'Not counted in the region’s stock: it is in the shares of every region the warehouse serves.',
  'product.tierShare':
    'The region’s share of the stock at the wholesale warehouses serving it, by its share of their demand.',
  'product.wholesaleHeld': 'Wholesale: held in the region',
  'product.wholesaleShare': 'Wholesale: the region’s share of the stock serving it',
  'col.risk': 'Risk',
  'col.usableStock': 'Usable stock',
  'col.totalStock': 'Total stock',
  'col.tier': 'Supply tier',
  'col.locations': 'Locations',
  'col.expectedOn': 'Expected',
  'col.quantity': 'Quantity',
  'col.kind': 'Kind',
  'col.location': 'Stock location',
  'col.organisation': 'Organisation',
};

export const LANGUAGES = ['sv', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

export const DICTIONARIES: Record<Language, Record<MessageKey, string>> = { sv, en };
/** Dates and text follow the language. */
const LOCALES: Record<Language, string> = { sv: 'sv-SE', en: 'en-GB' };
/**
 * Numbers are Swedish in both languages (1 234 567,5): the figures are Swedish official statistics,
 * and a table read in English then shows the same digits as the Swedish one a colleague shares.
 */
const NUMBER_LOCALE = 'sv-SE';
const STORAGE_KEY = 'beredskap.language';

// Compile-time checks that every kind and role has a label in the dictionaries.
type KindKey = `kind.${LocationKind}` | `kindHeader.${LocationKind}`;
type RoleKey = `role.${Role}`;
type OrgKey = `org.${OrganisationKind}`;
const _labelsComplete: [KindKey, RoleKey, OrgKey] extends [MessageKey, MessageKey, MessageKey]
  ? true
  : never = true;
void _labelsComplete;

export type Vars = Record<string, string | number>;

export function interpolate(template: string, vars: Vars | undefined): string {
  if (!vars) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

export interface I18n {
  lang: Language;
  /** The BCP 47 locale of `lang` (dates, collation). Numbers are always sv-SE. */
  locale: string;
  setLang: (lang: Language) => void;
  t: (key: MessageKey, vars?: Vars) => string;
  /** Like `t`, with elements in the placeholders, e.g. `rich('x', { command: <code>npm run demo</code> })`. */
  rich: (key: MessageKey, nodes: Record<string, ReactNode>) => ReactNode[];
  /** Numbers in Swedish format whatever the language: 1 234 567 (no-break space), 55,20 kr. */
  formatNumber: (n: number, options?: Intl.NumberFormatOptions) => string;
  /** A 'YYYY-MM-DD' date, e.g. '31 aug. 2023' / '31 Aug 2023'. */
  formatDate: (isoDate: string) => string;
  /** Labels for codes the API sends as strings; an unknown code is shown as it is. */
  kindLabel: (kind: string) => string;
  /** The kind's label for a narrow column header (with soft hyphens). */
  kindHeader: (kind: string) => string;
  roleLabel: (role: string) => string;
  orgKindLabel: (kind: string) => string;
}

function initialLanguage(): Language {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    if (stored === 'sv' || stored === 'en') return stored;
  } catch {
    // Storage may be blocked (privacy settings): Swedish, not an error.
  }
  return 'sv';
}

const I18nContext = createContext<I18n | null>(null);

/** Swedish unless the user chose English earlier (remembered in localStorage: a preference, not a secret). */
export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Language>(initialLanguage);

  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);

  const setLang = useCallback((next: Language) => {
    setLangState(next);
    try {
      localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // Not remembered: the choice still holds for this page.
    }
  }, []);

  const value = useMemo<I18n>(() => {
    const dictionary = DICTIONARIES[lang];
    const locale = LOCALES[lang];
    const integer = new Intl.NumberFormat(NUMBER_LOCALE);
    const date = new Intl.DateTimeFormat(locale, {
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      timeZone: 'UTC',
    });
    const lookup = (key: string): string => (key in dictionary ? dictionary[key as MessageKey] : key);
    return {
      lang,
      locale,
      setLang,
      t: (key, vars) => interpolate(dictionary[key], vars),
      rich: (key, nodes) =>
        dictionary[key].split(/(\{\w+\})/).map((part, i) => {
          const name = /^\{(\w+)\}$/.exec(part)?.[1];
          return name !== undefined && name in nodes ? <Fragment key={i}>{nodes[name]}</Fragment> : part;
        }),
      formatNumber: (n, options) =>
        options ? new Intl.NumberFormat(NUMBER_LOCALE, options).format(n) : integer.format(n),
      formatDate: (isoDate) => {
        const parsed = new Date(`${isoDate}T00:00:00Z`);
        return Number.isNaN(parsed.getTime()) ? isoDate : date.format(parsed);
      },
      kindLabel: (kind) => lookup(`kind.${kind}`),
      kindHeader: (kind) => lookup(`kindHeader.${kind}`),
      roleLabel: (role) => lookup(`role.${role}`),
      orgKindLabel: (kind) => lookup(`org.${kind}`),
    };
  }, [lang, setLang]);

  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (!value) throw new Error('useI18n must be used inside <I18nProvider>');
  return value;
}
