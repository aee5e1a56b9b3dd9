export { CSV_KINDS, type CsvKind, readCsvEvents, readCsvMarketData } from './csv-source.js';
export { mergeByTime } from './merge-by-time.js';
