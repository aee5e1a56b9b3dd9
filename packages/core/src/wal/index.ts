export { type PacedReplayOptions, replayPaced$ } from './paced-replay.js';
export {
  coreCodeVersion,
  createRunManifest,
  hashConfig,
  MANIFEST_FILE,
  type RunInfo,
  type RunManifest,
  RunManifestSchema,
  readRunManifest,
} from './run-manifest.js';
export {
  ARROW_MANIFEST_KEY,
  type ArrowExportOptions,
  type ArrowImportOptions,
  type ArrowTransferResult,
  exportWalToArrow,
  importArrowToWal,
} from './wal-arrow.js';
export {
  type WalCorruptionCode,
  WalCorruptionError,
  WalError,
  type WalErrorCode,
} from './wal-errors.js';
export { WAL_FORMAT_VERSION } from './wal-format.js';
export {
  type ReaderTornTail,
  type ReadWalOptions,
  readWal,
  readWal$,
  WalReader,
} from './wal-reader.js';
export {
  type QuarantinedPart,
  type RecoverWalOptions,
  type RecoveryReport,
  recoverWal,
  recoveryHealthEvents,
  type TornTail,
} from './wal-recovery.js';
export {
  applyRetention,
  type DroppedSegment,
  type RetentionPolicy,
  type RetentionResult,
} from './wal-retention.js';
export {
  type Durability,
  WalWriter,
  type WalWriterOptions,
  type WalWriterStats,
} from './wal-writer.js';
