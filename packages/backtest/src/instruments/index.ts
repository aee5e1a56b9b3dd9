export { catalogInstrument, resolveInstruments } from './catalog.js';
