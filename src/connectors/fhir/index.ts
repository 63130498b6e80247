/** FHIR R4 connector (isomorphic core): parse, validate, extract features, harmonise, pre-flight, generate. docs/fhir.md. */
export { parseFhirText, isNdjsonName } from './parse.js';
export { validateRecord } from './validate.js';
export { R4_RESOURCE_TYPES, describeResource, type FhirRecord, type FhirResource } from './resources.js';
export { fhirFeaturesSchema, fhirSiteOptionsSchema, parseFhirFeaturesSpec, type FhirFeature, type FhirFeaturesSpec, type FhirSiteOptions, type FhirSiteOptionsInput } from './features-spec.js';
export { analyseSite, ageAt, type FieldAnalysis, type SiteAnalysis, type UnitUse } from './analyse.js';
export { extractFhirTable, fhirSiteTable, parseFhirFiles, type FhirFileText, type FhirSiteExtraction } from './table.js';
export { checkFhirSite, compareSites, formatPreflight, type FieldFit, type Mismatch, type SiteFitReport } from './preflight.js';
export { unitConversion, isUcumUnit, type UnitConversion } from './units.js';
export { generateFhirSites, DEFAULT_SITE_PROFILES, type FhirSiteProfile, type GeneratedSite } from './generate.js';
export { fhirDataSchema, type FhirDataSpec } from './spec.js';
